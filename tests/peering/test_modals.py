"""The delete confirm, the edit form and the progress / half-failure modal, by keyboard."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, Checkbox, Static

from tests.peering.builders import az303, inventory, link, linked, vnet
from tests.peering.harness import NOTHING, Harness
from tui.errors import CloudError
from tui.model import Inventory, PeeringFlags, PeeringState, VirtualNetwork
from tui.peering import (
    Action,
    ApplyResult,
    Decision,
    DeleteRequest,
    EditRequest,
    LinkResult,
    PairState,
    PlannedLink,
    ProgressEvent,
    Stage,
    plan_peering,
)
from tui.peering import PeeringRequest as Req
from widgets.peering_confirm import DeletePeeringConfirm
from widgets.peering_edit import PeeringEditForm
from widgets.peering_form import PeeringForm
from widgets.peering_progress import PeeringProgress


def peered() -> tuple[Inventory, VirtualNetwork, VirtualNetwork]:
    _, v1, v2 = az303()
    v1 = linked(v1, link(v1, v2, "1and2"))
    v2 = linked(v2, link(v2, v1, "2and1"))
    return inventory(v1, v2), v1, v2


async def test_delete_confirm_defaults_to_both_and_says_so() -> None:
    inv, v1, _ = peered()
    app = Harness(lambda: DeletePeeringConfirm(inv, v1.peerings[0]))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, DeletePeeringConfirm)
        assert str(screen.query_one("#question", Static).render()) == "Delete 1and2 on vnet1?"
        assert screen.query_one("#both", Checkbox).value
        assert "no longer peered" in str(screen.query_one("#consequence", Static).render())
        # Destructive: it opens on Cancel, so enter alone deletes nothing.
        assert screen.query_one("#cancel", Button).has_focus
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.result == DeleteRequest(v1.peerings[0].id, True)


async def test_delete_confirm_keep_the_other_side() -> None:
    inv, v1, _ = peered()
    app = Harness(lambda: DeletePeeringConfirm(inv, v1.peerings[0]))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, DeletePeeringConfirm)
        await pilot.press("shift+tab", "space")  # from Cancel to the box, untick it
        assert not screen.query_one("#both", Checkbox).value
        assert str(screen.query_one("#consequence", Static).render()) == (
            "The link 2and1 on vnet2 will become Disconnected and carry no traffic.")
        await pilot.press("y")
        await pilot.pause()
    assert app.result == DeleteRequest(v1.peerings[0].id, False)


async def test_delete_confirm_escape_cancels() -> None:
    inv, v1, _ = peered()
    app = Harness(lambda: DeletePeeringConfirm(inv, v1.peerings[0]))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_edit_form_checks_gateway_rules_and_saves() -> None:
    spoke, hub = vnet("spoke", "10.1.0.0/16"), vnet("hub", "10.0.0.0/16", gateway=True)
    spoke = linked(spoke, link(spoke, hub, "spoke-hub"))
    hub = linked(hub, link(hub, spoke, "hub-spoke"))
    inv = inventory(spoke, hub)
    app = Harness(lambda: PeeringEditForm(inv, spoke.peerings[0]))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, PeeringEditForm)
        await pilot.press("tab", "tab", "tab", "space")  # use hub's gateway
        assert screen.query_one("#flag-remote-gw", Checkbox).value
        problems = str(screen.query_one("#problems", Static).render())
        assert "unless hub's link to spoke lets spoke use it" in problems
        await pilot.press("ctrl+s")
        assert app.result is NOTHING
        assert screen.query_one("#flag-remote-gw", Checkbox).has_focus  # the offending box
        await pilot.press("space", "shift+tab", "space", "ctrl+s")  # allow transit instead
        await pilot.pause()
    assert app.result == EditRequest(spoke.peerings[0].id, PeeringFlags(
        allow_gateway_transit=True))


def half_failed_result() -> ApplyResult:
    inv, v1, v2 = az303()
    plan = plan_peering(inv, Req(v1.id, v2.id, "1and2", "2and1"))
    mine, theirs = plan.links
    created = link(v1, v2, "1and2", PeeringState.INITIATED)
    now = PairState(v1.id, "vnet1", v2.id, "vnet2", created, None)
    return ApplyResult(plan, (LinkResult(mine, created),
                              LinkResult(theirs, None, CloudError("boom", code="Failed"))), now)


async def test_progress_reports_then_asks_roll_back_by_default() -> None:
    result = half_failed_result()
    app = Harness(lambda: PeeringProgress("Peering vnet1 with vnet2", result.plan.describe()))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, PeeringProgress)
        link0: PlannedLink = result.plan.links[0]
        assert link0.action is Action.CREATE
        screen.report(ProgressEvent(Stage.SENDING, "create 1and2 on vnet1", link0))
        screen.report(ProgressEvent(Stage.FAILED, "2and1 on vnet2: boom", result.plan.links[1]))
        asked = asyncio.ensure_future(screen.ask(result))
        await pilot.pause()
        summary = str(screen.query_one("#summary", Static).render())
        assert "Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no link to vnet1." in summary
        assert str(screen.query_one("#roll-back", Button).label) == (
            "Roll back (delete 1and2 on vnet1)")
        await pilot.press("escape")  # cannot skip the choice
        assert not asked.done()
        await pilot.press("enter")
        assert await asked is Decision.ROLL_BACK
        screen.finish("Rolled back: deleted 1and2 on vnet1.", ok=False)
        await pilot.pause()
        assert screen.query_one("#close", Button).has_focus
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is None


async def test_progress_retry_is_one_tab_away() -> None:
    result = half_failed_result()
    app = Harness(lambda: PeeringProgress("Peering", []))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, PeeringProgress)
        asked = asyncio.ensure_future(screen.ask(result))
        await pilot.pause()
        await pilot.press("tab", "enter")
        assert await asked is Decision.RETRY


def production(vnet: VirtualNetwork) -> str | None:
    """vnet2 sits in a production subscription: writes to it need its name typed."""
    return vnet.name if vnet.name == "vnet2" else None


async def test_form_asks_for_the_production_vnets_name() -> None:
    inv, v1, v2 = az303()
    app = Harness(lambda: PeeringForm(inv, v1, v2, confirm=production))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        await pilot.press("enter")  # names are the defaults; vnet2 not confirmed yet
        assert app.result is NOTHING
        problems = str(form.query_one("#problems", Static).render())
        assert problems == "Type vnet2 to confirm the write to production VNet vnet2."
        await pilot.press(*"vnet2", "enter")
        await pilot.pause()
    assert isinstance(app.result, Req)
    assert app.result.remote_vnet_id == v2.id


async def test_one_side_on_a_non_production_vnet_needs_no_typing() -> None:
    inv, v1, v2 = az303()
    app = Harness(lambda: PeeringForm(inv, v1, v2, confirm=production))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        form.query_one("#one-side", Checkbox).value = True
        await pilot.pause()
        form.action_submit()
        await pilot.pause()
    assert isinstance(app.result, Req)
    assert app.result.one_side


async def test_delete_confirm_asks_for_the_production_vnets_name() -> None:
    inv, v1, _ = peered()
    app = Harness(lambda: DeletePeeringConfirm(inv, v1.peerings[0], confirm=production))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.modal
        assert isinstance(screen, DeletePeeringConfirm)
        await pilot.press("y")
        assert app.result is NOTHING
        await pilot.press(*"vnet2", "enter")
        await pilot.pause()
    assert app.result == DeleteRequest(v1.peerings[0].id, True)
