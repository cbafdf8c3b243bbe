"""A and S from the explorer: grow a peered hub and watch its links come back in sync;
sync every stale link in view in one go."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.model import SyncLevel
from widgets.address_space_screen import AddressSpaceScreen
from widgets.peering_progress import PeeringProgress
from widgets.sync_all_confirm import SyncAllConfirm


def finished(app: VnetTuiApp) -> bool:
    return isinstance(app.screen, PeeringProgress) and app.screen.finished


async def test_sync_all_then_grow_a_hub(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        explorer = app.explorer

        def all_in_sync() -> bool:
            links = [p for v in explorer.state.inventory.vnets for p in v.peerings
                     if p.state.value == "Connected"]
            return all(p.sync_level is SyncLevel.FULLY_IN_SYNC for p in links)

        assert not all_in_sync()  # the showcase's hub-to-spoke2 waits for a sync
        await pilot.press("S")
        assert isinstance(app.screen, SyncAllConfirm)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: finished(app), "sync all")
        await pilot.press("escape")
        await wait_until(pilot, all_in_sync, "every Connected link in sync")

        await pilot.press("j", "A")  # hub-vnet
        screen = app.screen
        assert isinstance(screen, AddressSpaceScreen)
        screen.query_one("#new-prefix", Input).value = "10.200.0.0/16"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: finished(app), "the change and its syncs")
        assert isinstance(app.screen, PeeringProgress)
        assert app.screen.ok
        await pilot.press("escape")

        def hub_grew() -> bool:
            hub = explorer.state.selected_vnet
            return hub is not None and "10.200.0.0/16" in hub.address_prefixes

        await wait_until(pilot, hub_grew, "hub-vnet's new prefix on screen")
        await wait_until(pilot, all_in_sync, "its links back in sync")
