"""How many requests a backend sends: the rate the explorer shows, so the person sees the
read quota they burn (ARM allows a principal some thousands of reads an hour).

Pure (no SDK): the pipeline's `MeterPolicy` (tui.azure.throttle) records each request as it
goes out, and each 429 that comes back; the explorer reads the rate once a second.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RequestMeter:
    """Send times over the last minute, and when Azure last throttled."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: deque[float] = deque()
        self._throttled_at = float("-inf")
        self.total = 0

    def sent(self) -> None:
        self.total += 1
        now = self._clock()
        self._sent.append(now)
        self._forget(now)

    def throttled(self) -> None:
        self._throttled_at = self._clock()

    def per_minute(self) -> int:
        """Requests sent in the last 60 seconds."""
        self._forget(self._clock())
        return len(self._sent)

    def recently_throttled(self) -> bool:
        """Azure answered 429 within the last minute."""
        return self._clock() - self._throttled_at < WINDOW_SECONDS

    def _forget(self, now: float) -> None:
        sent = self._sent
        while sent and now - sent[0] >= WINDOW_SECONDS:
            sent.popleft()
