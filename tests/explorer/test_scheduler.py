"""The poll policy, on a clock the test turns by hand."""

from __future__ import annotations

from tui.explorer.scheduler import FULL_REFRESH_SECONDS, Due, PollScheduler


def test_idle_budget_is_the_rows_in_view_and_peers_take_turns() -> None:
    """A hub with 60 spokes selected and 21 rows on screen: never more than 22 reads per
    interval, and over a few intervals every peer and row is read."""
    scheduler = PollScheduler(interval=5.0)
    peers = [f"spoke{i}" for i in range(60)]
    visible = ["hub", *(f"row{i}" for i in range(20))]
    seen: set[str] = set()
    now = 10.0
    for _ in range(5):
        assert scheduler.due(now, busy=False, blocked=False) is Due.POLL
        targets = scheduler.targets(selected="hub", peers=peers, visible=visible)
        assert len(targets) <= len(visible) + 1
        assert targets[0] == "hub"
        seen.update(targets)
        scheduler.polled(now, targets, changed=False)
        assert scheduler.due(now + 1, busy=False, blocked=False) is Due.NOTHING
        now += 5.0
    assert set(visible) | set(peers) <= seen


def test_nothing_behind_a_modal_or_while_busy_and_a_full_load_every_few_minutes() -> None:
    scheduler = PollScheduler(interval=5.0)
    scheduler.loaded(0.0)
    assert scheduler.due(1.0, busy=False, blocked=True) is Due.NOTHING
    assert scheduler.due(1.0, busy=True, blocked=False) is Due.NOTHING
    assert scheduler.due(1.0, busy=False, blocked=False) is Due.POLL
    assert scheduler.due(FULL_REFRESH_SECONDS, busy=False, blocked=False) is Due.FULL


def test_throttling_backs_off_never_below_retry_after_and_resets_on_success() -> None:
    scheduler = PollScheduler(interval=5.0)
    assert scheduler.throttled(0.0, 30.0) == 30.0
    assert scheduler.due(29.0, busy=False, blocked=False) is Due.NOTHING
    assert scheduler.throttled(30.0, None) == 60.0
    assert scheduler.throttled(90.0, None) == 120.0  # capped
    scheduler.cursor_moved(91.0)  # a key press does not cut a back-off short
    assert scheduler.next_poll == 210.0
    scheduler.polled(210.0, ["a"], changed=False)
    assert scheduler.backoff == 0.0


def test_a_write_reads_its_vnets_at_once_beyond_the_budget_then_polls_fast() -> None:
    scheduler = PollScheduler(interval=5.0)
    scheduler.polled(0.0, [], changed=False)
    scheduler.after_write(1.0, {"a", "b"})
    assert scheduler.due(1.0, busy=False, blocked=False) is Due.POLL
    targets = scheduler.targets(selected="c", peers=[], visible=[])
    assert {"a", "b", "c"} <= set(targets)
    scheduler.polled(1.0, targets, changed=True)
    assert scheduler.next_poll == 2.0  # fast while things settle
    assert scheduler.targets(selected=None, peers=[], visible=[]) == []  # read once


def test_the_cursor_resting_brings_the_next_poll_forward() -> None:
    scheduler = PollScheduler(interval=30.0)
    scheduler.polled(0.0, [], changed=False)
    scheduler.cursor_moved(2.0)
    assert scheduler.next_poll == 3.0
