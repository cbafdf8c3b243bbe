"""Wait on conditions, never on sleeps: pump the app until a predicate holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_until(
    pilot: Pilot[object], predicate: Callable[[], bool], what: str, within: float = 30.0
) -> None:
    """Let the app run until `predicate()` is true; fail naming `what` if it never is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.02)
