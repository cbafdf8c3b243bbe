"""The explorer's benchmark runs (at a tiny size) so it never rots; speed is judged by
`make bench`, not here."""

from __future__ import annotations

from bench.bench_explorer import big_pane


def test_the_pane_benchmark_runs_and_both_sides_fill() -> None:
    rows = list(big_pane(200))
    assert [r.case for r in rows] == ["VNet pane, 200 rows, all shown",
                                      "filter keystroke, 10 of 200 match"]
    assert all(r.seconds > 0 and r.baseline_seconds > 0 for r in rows)
