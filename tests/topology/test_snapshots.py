"""How the topology screen looks at 80x24 and 160x45, on the showcase (cursor on spoke2:
its reach marked) and on an estate whose hub has 60 spokes (collapsed to "+N spokes")."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.peering.harness import Harness
from tests.tui.waiting import wait_for_layout, wait_until
from tui.model import Inventory
from tui.resolve import find_vnet
from tui.topology import build_topology
from widgets.topology_screen import TopologyScreen

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}


def _app(inv: Inventory, name: str) -> Harness:
    app = Harness(lambda: TopologyScreen(build_topology(inv, find_vnet(inv, name).id)))
    app.animation_level = "none"
    return app


def _then(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, TopologyScreen)
        await wait_until(pilot, lambda: screen.view.drawing is not None, "the drawing")
        await pilot.press(*keys)
        await wait_for_layout(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_showcase(size: str, snap_compare: Any, showcase_inventory: Inventory) -> None:
    app = _app(showcase_inventory, "hub-vnet")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_then("down", "down"))


@pytest.mark.parametrize("size", SIZES)
def test_estate_hub_with_60_spokes(size: str, snap_compare: Any,
                                   estate_inventory: Inventory) -> None:
    app = _app(estate_inventory, "vnet-00000")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_then())
