"""The cyclic collector's pause: overlapping bulk work turns it back on once, at the end."""

from __future__ import annotations

import gc
import threading

from tui import collector


def test_overlapping_pauses_turn_the_collector_back_on_when_the_last_ends() -> None:
    assert gc.isenabled()
    started, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            started.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with collector.paused():
        assert not gc.isenabled()
        thread.start()
        started.wait(5)
    assert not gc.isenabled()  # the other block still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
