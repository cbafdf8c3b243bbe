"""The benchmark's own sanity: on a small estate, the sweep and the all-pairs loop agree
(the benchmark refuses to report otherwise) and the rows come out. No timing is checked."""

from __future__ import annotations

from bench import bench_cidr
from bench.framework import format_table


def test_the_cidr_benchmark_runs_and_agrees_with_the_all_pairs_loop() -> None:
    rows = list(bench_cidr.run(sizes=(300, 600), budget=60.0))
    assert [r.case for r in rows] == ["300 prefixes"] * 2 + ["600 prefixes"] * 2
    assert all(r.baseline_how == "measured" for r in rows)
    assert "overlapping pairs" in rows[0].note
    assert "cidr overlaps (cold)" in format_table(rows)


def test_the_generated_estate_has_overlaps_of_every_kind() -> None:
    vnets = bench_cidr.estate(800, seed=3)
    assert sum(len(v.address_prefixes) for v in vnets) == 800
    assert any(":" in p for v in vnets for p in v.address_prefixes)
    assert any(len(v.address_prefixes) > 1 for v in vnets)
    assert len(bench_cidr.all_pairs(vnets)) > 0
