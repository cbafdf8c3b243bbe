"""Pacing Resource Graph queries by the quota Azure reports on every answer.

Resource Graph allows each user a number of queries per window (15 per 5 s by default,
`azure-facts.md` section 9) and says on every answer how many are left
(`x-ms-user-quota-remaining`) and when the window resets (`x-ms-user-quota-resets-after`,
hh:mm:ss). Sending past the quota earns a 429 and a wait that the other pages then queue
behind, so the pacer sends only what the quota allows and waits out the window itself.

Until the first answer nothing is known, so one query goes alone; after that as many go
at once as the quota has left (in-flight queries counted as spent), at most `max_in_flight`.
An answer without the headers turns pacing off (another cloud, a proxy): then only the
in-flight cap holds, and a 429 is the pipeline's to absorb (`tui.azure.throttle`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

REMAINING = "x-ms-user-quota-remaining"
RESETS_AFTER = "x-ms-user-quota-resets-after"
MAX_IN_FLIGHT = 6
# Answers whose reset times are closer than this belong to the same window (the header
# has whole seconds, rounded up).
SAME_WINDOW_SECONDS = 1.5


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
        self.remaining: int | None = None  # left in this window (None: unknown)
        self.resets_at = -math.inf
        self.pacing = True  # off once an answer came without the headers
        self.in_flight = 0
        self.waits = 0  # times a query waited for the window (tests and the bench read it)
        self._changed = asyncio.Condition()

    def _room(self) -> int:
        if self.pacing and self.clock() >= self.resets_at and self.limit is not None:
            # The window is over: the whole quota again, reset time unknown until answered.
            self.remaining, self.resets_at = self.limit, math.inf
        if not self.pacing:
            allowed = self.max_in_flight
        elif self.remaining is None:
            allowed = 1  # nothing known yet: one query finds out
        else:
            allowed = min(self.max_in_flight, self.remaining)
        return allowed - self.in_flight

    async def acquire(self) -> None:
        """Wait until one more query fits the quota, and count it as in flight."""
        async with self._changed:
            while self._room() <= 0:
                if self.in_flight:
                    await self._changed.wait()  # an answer will say more
                else:
                    self.waits += 1
                    await self.sleep(max(0.0, self.resets_at - self.clock()))
            self.in_flight += 1

    async def release(self, headers: Mapping[str, Any] | None) -> None:
        """A query was answered (or failed): learn the quota from its headers."""
        async with self._changed:
            self.in_flight = max(0, self.in_flight - 1)
            self._learn(headers)
            self._changed.notify_all()

    def _learn(self, headers: Mapping[str, Any] | None) -> None:
        if headers is None:
            return  # no answer at all (a dropped connection): nothing learnt
        found = quota_of(headers)
        if found is None:
            self.pacing = False
            return
        remaining, resets_after = found
        resets_at = self.clock() + resets_after
        same_window = (self.remaining is not None and math.isfinite(self.resets_at)
                       and abs(resets_at - self.resets_at) < SAME_WINDOW_SECONDS)
        # Answers may arrive out of order: within a window the lowest count is the latest.
        self.remaining = min(self.remaining or 0, remaining) if same_window else remaining
        self.resets_at = resets_at
        self.limit = max(self.limit or 0, remaining + 1)


__all__ = ["QuotaPacer", "parse_hms", "quota_of"]
