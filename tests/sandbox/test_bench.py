"""The sandbox benchmark's own sanity at a tiny size: both sides read the same rows (the
benchmark refuses to report otherwise) and the rows come out. No timing is checked."""

from __future__ import annotations

from bench import bench_sandbox
from bench.framework import format_table


def test_the_sandbox_benchmark_runs_and_both_sides_agree() -> None:
    rows = list(bench_sandbox.run((3, 30, 20)))
    assert [r.benchmark for r in rows] == ["sandbox", "sandbox"]
    assert rows[0].baseline_how == "target"
    assert "Resource Graph 2 requests vs ARM fan-out" in rows[1].note
    assert "inventory of VNets and VMs" in format_table(rows)
