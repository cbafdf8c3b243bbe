"""The address-space screen in a harness App: checks as you type, suggestions, removal rules,
what it dismisses with, and how it looks at 80x24 and 120x36."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tests.address.world import peered
from tests.peering.harness import NOTHING, Harness
from tests.tui.waiting import wait_for_layout
from tui.address import AddressChange
from widgets.address_space_screen import AddressSpaceScreen


def _app() -> Harness:
    inv, v1, _ = peered()
    app = Harness(lambda: AddressSpaceScreen(inv, v1))
    app.animation_level = "none"
    return app


def _text(app: Harness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_typing_checks_then_enter_adds_and_ctrl_s_dismisses() -> None:
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        field = app.screen.query_one("#new-prefix", Input)
        field.value = "10.2.4.0"
        await pilot.press(*"/24")  # checked as typed
        assert "peered with vnet1 through 1and2" in _text(app, "#checks")
        field.value = "10.50.1.0/2"
        await pilot.press("4")
        assert "could then never be peered" in _text(app, "#checks")
        assert "Peerings that will need a sync: 2and1 on vnet2" in _text(app, "#links")
        await pilot.press("enter")
        assert app.screen.query_one("#new-prefix", Input).value == ""
        assert "--address-prefixes 10.1.0.0/16 10.9.0.0/16 10.50.1.0/24" in _text(
            app, "#commands")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, AddressChange)
    assert app.result.add == ("10.50.1.0/24",)
    assert app.result.base == ("10.1.0.0/16", "10.9.0.0/16")
    assert app.result.sync is True


async def test_a_suggestion_is_picked_and_an_empty_prefix_removed() -> None:
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"/24", "enter")  # a length: enter moves to the suggestions
        suggestions = app.screen.query_one("#suggestions", OptionList)
        assert suggestions.has_focus
        assert "free /24 in 10.0.0.0/8" in _text(app, "#suggest-head")
        first = str(suggestions.get_option_at_index(0).id)
        await pilot.press("enter")
        assert app.screen.query_one("#new-prefix", Input).value == first
        prefixes = app.screen.query_one("#prefixes", OptionList)
        prefixes.focus()
        await pilot.press("home", "delete")  # 10.1.0.0/16 holds default: refused
        assert "holds subnet default (10.1.0.0/24)" in _text(app, "#checks")
        await pilot.press("down", "delete")  # 10.9.0.0/16 is empty
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, AddressChange)
    assert app.result.remove == ("10.9.0.0/16",)
    assert app.result.add == (first,)


async def test_nothing_to_apply_and_escape_cancels() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        assert "Nothing to change" in _text(app, "#checks")
        assert app.result is NOTHING
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def _typed(pilot: Pilot[Any]) -> None:
    await pilot.press(*"10.50.1.0/24")
    await wait_for_layout(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_screen_snapshot(size: tuple[int, int], snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_typed)


async def test_sync_all_preview_dismisses_with_the_answer() -> None:
    from tests.peering.builders import inventory, link, linked, vnet
    from tui.address import plan_sync_all
    from tui.model import SyncLevel
    from widgets.sync_all_confirm import SyncAllConfirm

    v1, v2 = vnet("vnet1", "10.1.0.0/16"), vnet("vnet2", "10.2.0.0/16")
    v1 = linked(v1, link(v1, v2, "1and2", sync=SyncLevel.REMOTE_NOT_IN_SYNC))
    v2 = linked(v2, link(v2, v1, "2and1", sync=SyncLevel.LOCAL_NOT_IN_SYNC))
    plan = plan_sync_all(inventory(v1, v2))
    app = Harness(lambda: SyncAllConfirm(plan))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.query_one("#dialog").border_title == "Sync 1 peering not in sync"
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is True


async def test_the_peering_form_peers_overlapping_vnets_by_subnets() -> None:
    from textual.widgets import SelectionList

    from tests.address.test_subnet_peering import twins
    from tests.peering.builders import inventory
    from tui.model import SubnetSelection
    from tui.peering import PeeringRequest
    from widgets.peering_form import PeeringForm

    a, b = twins()
    app = Harness(lambda: PeeringForm(inventory(a, b), a))
    async with app.run_test(size=(120, 36)) as pilot:
        listing = app.screen.query_one("#remote-list", OptionList)
        hint = str(listing.get_option_at_index(0).prompt)
        assert "subnet peering: ot <-> ingest (type its name)" in hint
        await pilot.press(*"analytics")  # the exact name: subnet mode, pre-filled
        form = app.screen
        assert isinstance(form, PeeringForm)
        assert form.subnet_mode
        assert form.selection() == SubnetSelection(("ot",), ("ingest",))
        assert form.plan is not None
        assert form.plan.ok
        assert "--peer-complete-vnet false" in _text(app, "#commands")
        remote = form.query_one("#remote-subnets", SelectionList)
        remote.select("shared")  # fine: only factory's ot is peered from that side
        await pilot.pause()
        assert form.plan.ok
        form.query_one("#local-subnets", SelectionList).select("shared")
        await pilot.pause()
        assert "The chosen subnets overlap" in _text(app, "#problems")
        form.query_one("#local-subnets", SelectionList).deselect("shared")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, PeeringRequest)
    assert app.result.subnets == SubnetSelection(("ot",), ("ingest", "shared"))


async def test_editing_a_subnet_peering_changes_its_lists_and_says_to_sync() -> None:

    from textual.widgets import SelectionList

    from tests.address.test_subnet_peering import twins
    from tests.peering.builders import inventory, link, linked
    from tui.model import SubnetSelection
    from tui.peering import EditRequest
    from widgets.peering_edit import PeeringEditForm

    a, b = twins()
    mine = link(a, b, "f2a")._replace(subnets=SubnetSelection(("ot",), ("ingest",)))
    back = link(b, a, "a2f")._replace(subnets=SubnetSelection(("ingest",), ("ot",)))
    a, b = linked(a, mine), linked(b, back)
    app = Harness(lambda: PeeringEditForm(inventory(a, b), mine))
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#local-subnets", SelectionList).select("shared")
        app.screen.query_one("#remote-subnets", SelectionList).select("shared")
        await pilot.pause()
        assert "The chosen subnets overlap" in _text(app, "#problems")
        app.screen.query_one("#local-subnets", SelectionList).deselect("shared")
        await pilot.pause()
        assert ("analytics's link 'a2f' gets the same lists (as `peer --subnets` writes "
                "both) and will then need a sync") in _text(app, "#notes")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, EditRequest)
    assert app.result.subnets == SubnetSelection(("ot",), ("ingest", "shared"))
