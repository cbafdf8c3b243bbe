"""The explorer on Resource Graph: the index seeds the screen, ARM keeps it fresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.tui.conftest import LIVE_INTERVAL, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.model import PeeringFlags


async def test_a_new_link_shows_from_arm_before_the_index_has_it(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
    open_sandbox_backend: Callable[..., Any],
) -> None:
    faults(graph_lag_seconds=3600, graph_quota=1000)  # the index an hour behind ARM
    app = make_app("az303", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, _):
        assert app.explorer.state.inventory.source == "graph"
        await wait_until(pilot, lambda: app.explorer.polls >= 1, "a first poll")
        vnet1 = app.explorer.details.vnet
        assert vnet1 is not None
        assert vnet1.name == "vnet1"
        assert vnet1.peerings == ()
        vnet2 = next(v for v in app.explorer.state.inventory.vnets if v.name == "vnet2")

        other = open_sandbox_backend(app.settings.sandbox_path(), {"graph_lag_seconds": 3600},
                                     inventory="graph")
        await other.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        index = await other.load_inventory()
        assert index.vnet(vnet1.id).peerings == ()  # type: ignore[union-attr]

        def shown() -> bool:
            vnet = app.explorer.details.vnet
            return vnet is not None and [p.name for p in vnet.peerings] == ["1and2"]

        await wait_until(pilot, shown, "the link read from ARM to show on vnet1")
