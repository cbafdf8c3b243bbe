"""p, d, s, e in the explorer: the peering modals, carried out, and the panes following."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import LIVE_INTERVAL, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.model import PeeringState
from widgets.activity_screen import ActivityScreen
from widgets.peering_confirm import DeletePeeringConfirm
from widgets.peering_form import PeeringForm
from widgets.peering_progress import PeeringProgress


def finished(app: VnetTuiApp) -> bool:
    return isinstance(app.screen, PeeringProgress) and app.screen.finished


async def test_seed_walk_through_from_the_explorer(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("az303", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, _):
        await pilot.press("p")
        assert isinstance(app.screen, PeeringForm)
        await pilot.press(*"vnet2", "tab", *"1and2", "tab", *"2and1", "enter")
        await wait_until(pilot, lambda: finished(app), "the peering to finish")
        await pilot.press("enter")  # Close
        details = app.explorer.details
        await wait_until(
            pilot,
            lambda: details.vnet is not None and [p.name for p in details.vnet.peerings]
            == ["1and2"],
            "1and2 in the details of vnet1",
        )
        link = details.vnet.peerings[0]  # type: ignore[union-attr]
        assert link.state == PeeringState.CONNECTED
        back = app.explorer.state.inventory.reverse_of(link)
        assert back is not None
        assert (back.name, back.state) == ("2and1", PeeringState.CONNECTED)
        cells = details.peerings.cells_of(link.id.casefold())
        assert cells is not None
        assert "⇄ 2and1" in cells[0].plain

        # d on the link: the confirm modal, then both sides gone.
        await pilot.press("3", "d")
        assert isinstance(app.screen, DeletePeeringConfirm)
        await pilot.press("enter")  # Cancel has the focus: enter alone deletes nothing
        assert not isinstance(app.screen, DeletePeeringConfirm)
        assert details.vnet is not None
        assert details.vnet.peerings
        await pilot.press("d", "y")
        await wait_until(pilot, lambda: finished(app), "the delete to finish")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: details.vnet is not None and not details.vnet.peerings,
            "vnet1 without peerings",
        )

        # a: the audit log of what was sent, as the activity view shows it.
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ActivityScreen),
                         "the activity view")
        assert isinstance(app.screen, ActivityScreen)
        lines = "\n".join(entry.describe() for entry in app.screen.entries)
        assert "1and2: succeeded" in lines
        assert "2and1: succeeded" in lines


async def test_read_only_refuses_writes_before_any_form(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase", read_only=True)
    async with running(app) as (pilot, recorder):
        assert app.query_one("#header").info.read_only  # type: ignore[attr-defined]
        await pilot.press("j", "p", "3", "d", "s", "e")
        assert not isinstance(app.screen, PeeringForm | DeletePeeringConfirm)
        await wait_until(
            pilot, lambda: len(recorder.notes("warning")) >= 4, "four read-only refusals"
        )
        assert all("Read-only" in n for n in recorder.notes("warning"))


async def test_sync_on_production_asks_for_the_names_first(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION
    from widgets.production_confirm_screen import ProductionConfirmScreen

    app = make_app("showcase", interval=LIVE_INTERVAL,
                   production_subscriptions=("Contoso Platform",))
    async with running(app) as (pilot, _):
        marked = app.explorer.subs_pane.cells_of(CONTOSO_SUBSCRIPTION.casefold())
        assert marked is not None
        assert marked[1].plain == "Contoso Platform prod"
        await pilot.press("j", "3", "j")  # hub-vnet, its link hub-to-spoke2 (needs sync)
        peering = app.explorer.details.selected_peering
        assert peering is not None
        assert peering.name == "hub-to-spoke2"
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, ProductionConfirmScreen)
        await pilot.press(*"hub-vnet", "enter")  # spoke2-vnet's name is missing still
        assert app.screen is screen
        assert "spoke2-vnet" in str(screen.query_one("#production-problem").render())
        await pilot.press("tab", *"spoke2-vnet", "enter")
        await wait_until(pilot, lambda: finished(app), "the sync to finish")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.explorer.details.vnet is not None and not any(
                p.needs_sync for p in app.explorer.details.vnet.peerings
            ),
            "hub-vnet's links in sync",
        )
