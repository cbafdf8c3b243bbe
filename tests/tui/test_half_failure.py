"""A peering that fails on one side, in the real explorer: the exact state is said and roll
back is offered first; taking it leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Button, Static

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.peering_progress import PeeringProgress


def summary(app: VnetTuiApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def test_half_failure_offers_roll_back_first_and_leaves_nothing(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    faults(fail_writes=["2and1"])
    app = make_app("az303")
    async with running(app) as (pilot, _):
        await pilot.press("2", "p", *"vnet2", "tab", *"1and2", "tab", *"2and1", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringProgress)
                         and app.screen.query_one("#choice").display,
                         "the roll back / retry choice")
        assert "Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no link" in summary(app)
        assert app.screen.query_one("#roll-back", Button).has_focus
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringProgress)
                         and app.screen.finished, "the roll back finished")
        assert "Rolled back: deleted 1and2 on vnet1." in summary(app)
        await pilot.press("escape")
        vnet1 = app.explorer.state.selected_vnet
        assert vnet1 is not None
        assert vnet1.name == "vnet1"
        await wait_until(pilot, lambda: not app.explorer.details.peerings.row_count,
                         "vnet1 without peerings")
