"""The explorer's benchmark runs (at a tiny size) so it never rots; speed is judged by
`make bench`, not here."""

from __future__ import annotations

from bench.bench_explorer import big_pane, startup


def test_the_pane_benchmark_runs_and_both_sides_fill() -> None:
    rows = list(big_pane(200))
    assert [r.case for r in rows] == ["VNet pane, 200 rows, all shown",
                                      "filter keystroke, 10 of 200 match"]
    assert all(r.seconds > 0 and r.baseline_seconds > 0 for r in rows)


def test_the_startup_benchmark_sees_both_frames_and_the_data() -> None:
    """Both sides are timed from inside Textual's `App._display`: a Textual that renamed it
    would leave the scripts waiting for a frame that never comes (a timeout here)."""
    rows = list(startup(1))
    assert [r.case for r in rows] == ["first painted frame (az303)",
                                      "first data on screen, no cache",
                                      "first data on screen, from the cache"]
    frame, data, cached = (r.seconds for r in rows)
    assert 0 < frame <= data
    assert cached > 0
    assert all(r.baseline_seconds > 0 for r in rows)
