"""Benchmarks: each `bench_*.py` module here times our code against a baseline in-process.

Speed claims are checked here, as ratios against a baseline measured in the same process
on the same machine, never as timed assertions in the test suite. `make bench` runs them.
"""
