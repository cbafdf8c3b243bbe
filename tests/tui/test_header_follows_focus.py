"""The header's breadcrumbs follow the focus at once, not on the next tick of the
one-second age timer: a dialog opened within that second (`3` then `d`) froze a stale trail
behind it, which made the delete and edit snapshots fail now and then."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import running
from tui.app import VnetTuiApp
from widgets.header import StatusHeader


async def test_focusing_the_peerings_puts_the_peering_in_the_trail_at_once(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    ticks: list[float] = [1000.0]  # a clock that stands still: no age change to repaint
    app = make_app("showcase", clock=lambda: ticks[0])
    async with running(app) as (pilot, _):
        await pilot.press("j")  # hub-vnet
        await pilot.pause()
        header = app.explorer.query_one("#header", StatusHeader)
        # Stop the age timer, so only the focus change itself can update the header.
        for timer in app.explorer._timers:
            if timer.name == "header-age":
                timer.pause()
        await pilot.press("3")
        await pilot.pause()
        assert header.info.trail.endswith("hub-vnet › hub-to-spoke1"), header.info.trail
        await pilot.press("j")  # the cursor moves within the pane: the trail follows
        await pilot.pause()
        assert header.info.trail.endswith("hub-vnet › hub-to-spoke2"), header.info.trail
