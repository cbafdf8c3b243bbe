"""Wait on conditions, never on sleeps: pump the app until a predicate holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_until(
    pilot: Pilot[object], predicate: Callable[[], bool], what: str, within: float = 30.0
) -> None:
    """Let the app run until `predicate()` is true; fail naming `what` if it never is.

    The deadline is generous on purpose: it only matters when something is wrong, and a
    loaded 2-core CI machine can be several times slower than a desk."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.02)


async def wait_for_layout(pilot: Pilot[object], within: float = 30.0) -> None:
    """Let the app run until no worker runs and every widget's size and scroll have stayed
    the same over consecutive frames: on a loaded machine a pane's final height can land a
    frame after its content, which a screenshot must not catch half way. Blinking cursors
    are held on: a blink timer firing on a slow run must not change a picture."""
    app = pilot.app
    for widget in app.screen.walk_children():
        if getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False  # type: ignore[attr-defined]

    def shape() -> tuple[object, ...]:
        return tuple(
            (w.id, w.size, w.virtual_size, w.scroll_offset) for w in app.screen.walk_children()
        )

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    previous: tuple[object, ...] = ()
    steady = 0
    while steady < 3:
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the layout to settle")
        await pilot.pause(0.02)
        busy = any(worker.is_running for worker in app.workers)
        current = shape()
        steady = steady + 1 if current == previous and not busy else 0
        previous = current
