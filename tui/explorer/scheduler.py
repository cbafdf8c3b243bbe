"""What the explorer re-reads, and when: a pure, clock-injected policy.

Reads are a quota on Azure (a principal gets a few thousand an hour per subscription), so
the budget is what is on screen: each interval at most one peering read per VNet row in
view plus the selected VNet, taking the VNets read longest ago first (so a hub's dozens of
peers and the rows on screen share the budget in turn). Nothing is read behind a modal that
does not show live state. After a write, the VNets it touched are read at once and the
interval shortens for a while; a 429 backs off exponentially, never below Retry-After.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

# The whole inventory is re-read this often.
FULL_REFRESH_SECONDS = 300.0
# After a state change or a write, poll faster for this long: something is settling.
FAST_WINDOW_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 120.0
# The cursor rests this long on a VNet before its peerings are re-read.
SETTLE_SECONDS = 1.0
# Reads per poll never go below this (a pane only a few rows high still sees the selection
# and its nearest peers refreshed).
MIN_BUDGET = 4


class Due(Enum):
    NOTHING = "nothing"
    POLL = "poll"
    FULL = "full"


@dataclass
class PollScheduler:
    """Decides, tick by tick, whether to poll peerings, reload everything, or wait."""

    interval: float
    now: float = 0.0
    next_poll: float = 0.0
    last_full: float = 0.0
    fast_until: float = 0.0
    backoff: float = 0.0
    soon: set[str] = field(default_factory=set)  # lower-cased VNet ids to read next poll
    last_read: dict[str, float] = field(default_factory=dict)
    polls: int = 0

    def due(self, now: float, *, busy: bool, blocked: bool) -> Due:
        """`busy`: a load or poll is still running (never cancelled: skip instead);
        `blocked`: a modal hides the explorer and shows no live state."""
        self.now = now
        if busy or blocked:
            return Due.NOTHING
        if now - self.last_full >= FULL_REFRESH_SECONDS:
            return Due.FULL
        if now < self.next_poll:
            return Due.NOTHING
        return Due.POLL

    def current_interval(self, now: float) -> float:
        if now < self.fast_until:
            return max(min(self.interval, 1.0), self.interval / 5)
        return self.interval

    def targets(
        self,
        *,
        selected: str | None,
        peers: Sequence[str],
        visible: Sequence[str],
        watched: Iterable[str] = (),
    ) -> list[str]:
        """Lower-cased VNet ids to read this poll.

        Always: what a write touched and what a live modal watches. Then, within the budget
        (the rows in view plus one), the selected VNet first and the rest of the candidates
        (its peers, for the way back's state, and the rows in view) by oldest read.
        """
        must = list(dict.fromkeys([*self.soon, *watched]))
        self.soon.clear()
        budget = max(MIN_BUDGET, len(visible) + 1)
        chosen = dict.fromkeys(must)
        if selected is not None:
            chosen.setdefault(selected)
        candidates = [k for k in dict.fromkeys([*peers, *visible]) if k not in chosen]
        candidates.sort(key=lambda k: self.last_read.get(k, float("-inf")))
        room = max(0, budget - len(chosen) + len(must))
        for key in candidates[:room]:
            chosen.setdefault(key)
        return list(chosen)

    def polled(self, now: float, read: Iterable[str], *, changed: bool) -> None:
        """A poll finished: these VNets were read; `changed` if any link state moved."""
        for key in read:
            self.last_read[key] = now
        if len(self.last_read) > 4096:
            # Forget the oldest half: the map only orders what is on screen.
            for key in sorted(self.last_read, key=self.last_read.__getitem__)[:2048]:
                del self.last_read[key]
        if changed:
            self.fast_until = now + FAST_WINDOW_SECONDS
        self.backoff = 0.0
        self.polls += 1
        self.next_poll = now + self.current_interval(now)

    def nothing_to_read(self, now: float) -> None:
        self.next_poll = now + self.interval

    def loaded(self, started: float) -> None:
        """A full load that started at `started` finished."""
        self.last_full = started

    def throttled(self, now: float, retry_after: float | None) -> float:
        """A 429: wait at least Retry-After, doubling each time; returns the wait."""
        self.backoff = min(
            MAX_BACKOFF_SECONDS,
            max(retry_after or 0.0, (self.backoff or self.interval) * 2),
        )
        self.next_poll = now + self.backoff
        return self.backoff

    def after_write(self, now: float, touched: Iterable[str]) -> None:
        """A write touched these VNets: read them at once and watch closely for a while."""
        self.soon.update(touched)
        self.fast_until = now + FAST_WINDOW_SECONDS
        if not self.backoff:
            self.next_poll = 0.0

    def read_soon(self, touched: Iterable[str]) -> None:
        """Read these next poll (a link appeared that points at them)."""
        self.soon.update(touched)

    def cursor_moved(self, now: float) -> None:
        """The VNet under the cursor is read once the cursor rests, not on every key."""
        if not self.backoff:
            self.next_poll = now + min(SETTLE_SECONDS, self.interval)
