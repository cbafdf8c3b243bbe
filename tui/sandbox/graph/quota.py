"""The caller's Resource Graph quota: at most N queries in each window (15 per 5 s by
default, as Microsoft's guidance gives), reported on every answer in
`x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss).

[U] the window is fixed (it starts with the first query after the last one ended) and
counted per transport, where Azure counts per user across clients.
"""

from __future__ import annotations

import math
from collections.abc import Callable


class Quota:
    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit = max(1, limit)
        self.window = window
        self.clock = clock
        self.started = -math.inf
        self.used = 0

    def take(self) -> tuple[bool, dict[str, str]]:
        """Count one query: (allowed, quota headers for its answer)."""
        now = self.clock()
        if now >= self.started + self.window:
            self.started, self.used = now, 0
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        left = max(0.0, self.started + self.window - now)
        return allowed, {
            "x-ms-user-quota-remaining": str(self.limit - self.used),
            "x-ms-user-quota-resets-after": _hms(left),
        }


def _hms(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


__all__ = ["Quota"]
