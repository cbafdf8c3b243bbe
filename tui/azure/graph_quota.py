"""Pacing Resource Graph queries by the quota Azure reports on every answer.

Resource Graph allows each user a number of queries per window (15 per 5 s by default,
`azure-facts.md` section 9) and says on every answer how many are left
(`x-ms-user-quota-remaining`) and when the window resets (`x-ms-user-quota-resets-after`,
hh:mm:ss). Sending past the quota earns a 429 and a wait that the other pages then queue
behind, so the pacer sends only what the quota allows and waits out the window itself.

Until the first answer nothing is known, so one query goes alone. After that two rules
hold together: never more queries in any stretch of one window (plus `SLACK`, for the
moment Azure counts a query against the moment it was sent) than the quota allows, which
is safe however Azure's windows fall; and never more in flight than the latest answer
said were left in its window. At most `max_in_flight` go at once. An answer without the
headers turns pacing off (another cloud, a proxy): then only the in-flight cap holds, and
a 429 is the pipeline's to absorb (`tui.azure.throttle`).

The headers describe the window the query was counted in, when it arrived. A query that
took longer to answer than that window had left (a large first page is seconds of work)
says nothing of the window now: its count is not learnt, or a late answer from a window
long over would be taken for a fresh one and the next queries sent into a spent quota.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

REMAINING = "x-ms-user-quota-remaining"
RESETS_AFTER = "x-ms-user-quota-resets-after"
MAX_IN_FLIGHT = 6
# Answers whose reset times are closer than this belong to the same window (the header
# has whole seconds, rounded up).
SAME_WINDOW_SECONDS = 1.5
# Added to a window when counting the queries sent within one: a query is counted when it
# reaches Azure, a little after it was sent.
SLACK = 1.0


def parse_hms(text: str | None) -> float | None:
    """`hh:mm:ss` (or plain seconds) as seconds; None when it is neither."""
    if not text:
        return None
    try:
        parts = [float(p) for p in str(text).strip().split(":")]
    except ValueError:
        return None
    if not parts or len(parts) > 3 or any(p < 0 or not math.isfinite(p) for p in parts):
        return None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def quota_of(headers: Mapping[str, Any] | None) -> tuple[int, float] | None:
    """(remaining, seconds until reset) from an answer's headers, or None."""
    if not headers:
        return None
    try:
        remaining = int(str(headers.get(REMAINING)))
    except (TypeError, ValueError):
        return None
    resets = parse_hms(headers.get(RESETS_AFTER))
    if resets is None or remaining < 0:
        return None
    return remaining, resets


class QuotaPacer:
    """Lets a query go when the quota has room; shared by every query of one backend."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.max_in_flight = max(1, max_in_flight)
        self.limit: int | None = None  # the most a window allowed, as answers showed it
        self.window = 0.0  # the longest reset time seen: the window's length
        self.remaining: int | None = None  # left in this window (None: unknown)
        self.resets_at = -math.inf
        self.pacing = True  # off once an answer came without the headers
        self.in_flight = 0
        self.sent: deque[float] = deque()  # when each query of the last window went
        self.waits = 0  # times a query waited for the window (tests and the bench read it)
        self._changed = asyncio.Condition()

    def _room(self) -> tuple[int, float | None]:
        """(queries that may go now, and when more may: None when only an answer to a
        query in flight can tell)."""
        now = self.clock()
        if not self.pacing or self.limit is None:
            # Pacing off: the in-flight cap alone. Nothing known yet: one query finds out.
            cap = self.max_in_flight if not self.pacing else 1
            return cap - self.in_flight, None
        span = self.window + SLACK
        while self.sent and self.sent[0] + span <= now:
            self.sent.popleft()
        by_time = self.limit - len(self.sent)
        if self.remaining is not None and now < self.resets_at:
            by_count = self.remaining - self.in_flight  # the latest answer's count
        else:
            by_count = self.limit - self.in_flight  # a new window, less what is out
        room = min(by_time, by_count, self.max_in_flight - self.in_flight)
        if room > 0:
            return room, now
        if self.in_flight and (by_count <= 0 or self.max_in_flight <= self.in_flight):
            return room, None
        if by_time <= 0:
            return room, self.sent[0] + span
        return room, self.resets_at  # no query out, and the window's count is spent

    async def acquire(self) -> float:
        """Wait until one more query fits the quota, and count it as sent and in flight;
        the moment it may go (for `release`)."""
        while True:
            async with self._changed:
                room, free_at = self._room()
                if room > 0:
                    self.in_flight += 1
                    now = self.clock()
                    self.sent.append(now)
                    return now
                if free_at is None:
                    await self._changed.wait()  # an answer will say more
                    continue
            self.waits += 1
            await self.sleep(max(0.0, free_at - self.clock()))

    async def release(self, headers: Mapping[str, Any] | None,
                      sent_at: float | None = None) -> None:
        """A query sent at `sent_at` was answered (or failed): learn the quota from its
        headers."""
        async with self._changed:
            self.in_flight = max(0, self.in_flight - 1)
            self._learn(headers, sent_at)
            self._changed.notify_all()

    def _learn(self, headers: Mapping[str, Any] | None, sent_at: float | None) -> None:
        if headers is None:
            return  # no answer at all (a dropped connection): nothing learnt
        found = quota_of(headers)
        if found is None:
            self.pacing = False
            return
        remaining, resets_after = found
        now = self.clock()
        self.limit = max(self.limit or 0, remaining + 1)
        self.window = max(self.window, resets_after)
        if sent_at is not None and now - sent_at >= resets_after:
            return  # its window may be over: the count is of a window gone
        resets_at = now + resets_after
        same_window = (self.remaining is not None and math.isfinite(self.resets_at)
                       and abs(resets_at - self.resets_at) < SAME_WINDOW_SECONDS)
        # Answers may arrive out of order: within a window the lowest count is the latest.
        self.remaining = min(self.remaining or 0, remaining) if same_window else remaining
        self.resets_at = resets_at


__all__ = ["QuotaPacer", "parse_hms", "quota_of"]
