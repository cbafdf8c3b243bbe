"""How the connect-spokes form looks on the showcase's hub (three spokes ticked, one VNet
greyed by a ticked one) at 80x24 and 160x45, and the disconnect confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.peering.harness import Harness
from tests.topology.conftest import scenario_inventory
from tests.tui.waiting import wait_for_layout
from tui.model import Inventory
from tui.resolve import find_vnet
from widgets.disconnect_confirm import DisconnectSpokesConfirm
from widgets.hub_form import HubForm

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}


@pytest.fixture
def showcase_inventory(env: dict[str, str]) -> Inventory:
    return scenario_inventory("showcase")


async def _use_the_gateway(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.screen.query_one("#search", Input).value = "vnet"
    await pilot.press("tab", "tab", "tab", "tab", "space")  # spokes use hub-vnet's gateway
    await wait_for_layout(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_hub_form(size: str, snap_compare: Any, showcase_inventory: Inventory) -> None:
    """Three spokes ticked (given to the form), legacy-vnet greyed by vnet1."""
    inv = showcase_inventory
    spokes = [find_vnet(inv, name) for name in ("spoke5-vnet", "spoke6-vnet", "vnet1")]
    app = Harness(lambda: HubForm(inv, find_vnet(inv, "hub-vnet"), spokes))
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_use_the_gateway)


def test_disconnect_confirm(snap_compare: Any, showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    hub = find_vnet(inv, "hub-vnet")
    app = Harness(lambda: DisconnectSpokesConfirm(inv, hub, hub.peerings[:2]))
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(80, 24))
