"""x: the overlapping address spaces of the showcase, a jump to one, free ranges."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.conflicts_screen import ConflictsScreen
from widgets.resource_table import ResourceTable


async def test_conflicts_view_groups_jumps_and_suggests_free_ranges(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        info = app.query_one("#header").info  # type: ignore[attr-defined]
        assert info.conflicts == 6  # vnet1 and legacy-vnet; spoke2-vnet and dr-vnet; works-*
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictsScreen), "the view")
        screen = app.screen
        table = screen.query_one("#conflicts-table", ResourceTable)
        shown = {
            (cells[0].plain, cells[1].plain)
            for cells in (table.cells_of(k) for k in table.keys) if cells is not None
        }
        assert {name for _, name in shown} == {"vnet1", "legacy-vnet", "spoke2-vnet", "dr-vnet",
                                               "works-factory-vnet", "works-analytics-vnet"}
        groups: dict[str, set[str]] = {}
        for group, name in shown:
            groups.setdefault(group, set()).add(name)
        assert sorted(map(sorted, groups.values())) == [
            ["dr-vnet", "spoke2-vnet"], ["legacy-vnet", "vnet1"],
            ["works-analytics-vnet", "works-factory-vnet"],
        ]

        await pilot.press("f", "enter")  # the default size, /24
        result = screen.query_one("#free-result")
        await wait_until(pilot, lambda: "Free /24" in str(result.render()), "free ranges")
        # As `vnettui free --within --peerable-with`: inside a range, clear of hub's peers.
        box = screen.query_one("#free-length", Input)
        box.value = "26 within 10.200.0.0/16 peerable hub-vnet"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Free /26" in str(result.render()), "ranges in hub")
        assert "10.200.0.0/26" in str(result.render())
        box.value = "26 elsewhere"
        await pilot.press("enter")
        assert "Not understood" in str(result.render())

        # enter on a row jumps to that VNet in the VNets pane.
        table.focus()
        table.move_cursor(row=0)
        first = table.cells_of(table.keys[0])
        assert first is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConflictsScreen), "closed")
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == first[1].plain
        assert app.focused is app.explorer.vnets_pane
        mark = app.explorer.vnets_pane.cells_of(app.explorer.details.vnet.id.casefold())
        assert mark is not None
        assert mark[0].plain.startswith("⚠")


async def test_p_on_an_overlapping_pair_opens_the_form_pre_filled_for_subnet_peering(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """The works-* pair shares 10.130.0.0/16; only ot and ingest overlap nothing across."""
    from widgets.peering_form import PeeringForm

    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictsScreen), "the view")
        screen = app.screen
        table = screen.query_one("#conflicts-table", ResourceTable)
        factory = next(k for k in table.keys if k.endswith("/works-factory-vnet"))
        table.select_key(factory)
        route = screen.query_one("#route")
        await wait_until(pilot, lambda: "p opens the form" in str(route.render()), "the route")
        assert "works-factory-vnet's ot with works-analytics-vnet's ingest" in str(
            route.render())
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringForm), "the form")
        form = app.screen
        assert isinstance(form, PeeringForm)
        assert form.local.name == "works-factory-vnet"
        assert form.remote is not None
        assert form.remote.name == "works-analytics-vnet"
        selection = form.selection()
        assert selection is not None
        assert (selection.local, selection.remote) == (("ot",), ("ingest",))
        await wait_until(pilot, lambda: form.plan is not None and form.plan.ok, "checks pass")

        # A pair subnet peering cannot help: p says why and stays.
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PeeringForm), "closed")
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictsScreen), "again")
        table = app.screen.query_one("#conflicts-table", ResourceTable)
        table.select_key(next(k for k in table.keys if k.endswith("/vnet1")))
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)

        # P in the explorer does the same for the selected VNet.
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConflictsScreen), "closed")
        assert app.explorer.jump_to_vnet(factory.split(":", 1)[1])
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringForm), "the form by P")
        assert app.screen.selection() is not None  # type: ignore[attr-defined]
