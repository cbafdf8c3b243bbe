"""t, H and D from the explorer: the topology screen acts back on the explorer, and the
hub forms open on the selected hub."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.disconnect_confirm import DisconnectSpokesConfirm
from widgets.hub_form import HubForm
from widgets.peering_confirm import DeletePeeringConfirm
from widgets.topology_screen import TopologyScreen


async def test_topology_selects_and_acts_on_links_and_hub_forms_open(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        explorer = app.explorer
        await pilot.press("j", "t")  # hub-vnet's network
        assert isinstance(app.screen, TopologyScreen)
        await pilot.press("down", "enter")  # a spoke, selected in the explorer
        await wait_until(pilot, lambda: app.screen is explorer, "back in the explorer")
        spoke = explorer.state.selected_vnet
        assert spoke is not None
        assert spoke.name != "hub-vnet"
        await pilot.press("escape")  # back to where the jump came from
        hub = explorer.state.selected_vnet
        assert hub is not None
        assert hub.name == "hub-vnet"
        # d on a link in the topology: the delete confirmation for exactly that link.
        await pilot.press("t", "down", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DeletePeeringConfirm),
                         "the delete confirmation")
        assert isinstance(app.screen, DeletePeeringConfirm)
        assert app.screen.plan.peering.vnet_id.name == "hub-vnet"
        await pilot.press("escape", "H")
        assert isinstance(app.screen, HubForm)
        await pilot.press("escape", "D")
        assert isinstance(app.screen, DisconnectSpokesConfirm)
        await pilot.press("escape")
