"""The command benchmark's own sanity at a tiny size, so it never rots: every row comes out,
ours and the sequential SDK loop list the same resources (the benchmark refuses to report
otherwise), and requests are counted. No time is checked here; `make bench` checks targets.
"""

from __future__ import annotations

from bench import bench_commands
from bench.framework import format_table
from tests.cli.inprocess import process_logging_restored


def test_the_command_benchmark_runs_and_both_sides_agree(env: dict[str, str]) -> None:
    with process_logging_restored():
        rows = list(bench_commands.run(size=(2, 60), linear=(80, 160), latency_ms=0, repeat=1))
    cases = [r.case.split(" (")[0] for r in rows]
    assert cases == ["list vnets --json", "list vms --json", "list peerings --json",
                     "conflicts --json", "peer A B, by path and id", "peer A B, by bare names",
                     "conflicts --json, 80 -> 160 VNets"]
    peer = rows[4]
    assert peer.unit == "requests"
    assert peer.met is True
    assert peer.seconds < peer.baseline_seconds
    assert all(r.met is not None for r in rows if r.target)
    assert "requests" in rows[0].note
    assert "peer A B" in format_table(rows)
