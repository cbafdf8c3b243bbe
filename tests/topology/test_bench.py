"""The topology benchmark runs at a tiny size and reports its rows. No timing is checked."""

from __future__ import annotations

from bench import bench_topology
from bench.framework import format_table


def test_the_topology_benchmark_runs(env: dict[str, str]) -> None:
    rows = list(bench_topology.run(spokes=4, repeat=1, connect=False))
    assert [r.benchmark for r in rows] == ["topology"] * 3
    drawn = int(rows[0].case.split()[1].split("-")[0])
    assert rows[0].case == f"screen, {drawn}-VNet component, to drawn and idle"
    assert drawn >= 4
    assert rows[0].baseline_how == f"{drawn}-row DataTable"
    assert f"reach from a spoke over {drawn} VNets" in format_table(rows)
