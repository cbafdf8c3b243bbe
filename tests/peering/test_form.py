"""The peering form driven with the keyboard alone, as in the seed's walk-through."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, Static

from tests.peering.builders import az303, inventory, link, linked, vnet
from tests.peering.harness import NOTHING, Harness
from tui.model import PeeringFlags, PeeringState
from tui.peering import PeeringRequest
from widgets.peering_form import PeeringForm


async def test_seed_flow_with_the_keyboard_only() -> None:
    inv, v1, v2 = az303()
    app = Harness(lambda: PeeringForm(inv, v1))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        assert form.query_one("#remote-search", Input).has_focus
        await pilot.press(*"vnet2")
        assert form.remote == v2
        assert form.query_one("#local-name", Input).value == "vnet1-to-vnet2"
        assert form.query_one("#remote-name", Input).value == "vnet2-to-vnet1"
        assert str(form.query_one("#remote-access", Checkbox).label) == "vnet2 may reach vnet1"
        await pilot.press("tab", *"1and2", "tab", *"2and1")
        assert "✓ no overlap" in str(form.query_one("#checks", Static).render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == PeeringRequest(v1.id, v2.id, "1and2", "2and1", PeeringFlags(),
                                        PeeringFlags(), False)


async def test_enter_in_the_picker_moves_on_to_the_names_without_submitting() -> None:
    inv, v1, v2 = az303()
    app = Harness(lambda: PeeringForm(inv, v1))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        await pilot.press(*"vnet2", "enter")
        assert form.remote == v2
        assert form.query_one("#local-name", Input).has_focus
        assert app.result is NOTHING
        await pilot.press(*"1and2", "tab", *"2and1", "enter")
        await pilot.pause()
    assert app.result == PeeringRequest(v1.id, v2.id, "1and2", "2and1", PeeringFlags(),
                                        PeeringFlags(), False)


async def test_picker_disables_overlapping_vnets_and_arrows_pick() -> None:
    v1 = vnet("vnet1", "10.1.0.0/16")
    inv = inventory(v1, vnet("legacy-app", "10.1.0.0/24"), vnet("vnet2", "10.2.0.0/16"),
                    vnet("vnet3", "10.3.0.0/16"))
    app = Harness(lambda: PeeringForm(inv, v1))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        options = form.query_one("#remote-list", OptionList)
        legacy = options.get_option_at_index(0)
        assert legacy.disabled
        assert "overlaps 10.1.0.0/24" in str(legacy.prompt)
        assert options.highlighted == 1  # the first one that can be picked
        await pilot.press("down", "enter")
        assert form.remote is not None
        assert form.remote.name == "vnet3"
        assert form.query_one("#local-name", Input).has_focus
        # Typing the overlapping VNet's name does not pick it.
        await pilot.press("shift+tab")
        form.query_one("#remote-search", Input).value = ""
        await pilot.press(*"legacy-app")
        assert form.remote is None


async def test_problems_block_submit_and_point_at_the_field() -> None:
    inv, v1, v2 = az303()
    app = Harness(lambda: PeeringForm(inv, v1, v2))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        assert form.query_one("#local-name", Input).has_focus
        await pilot.press("tab", "backspace", "enter")  # empty remote name
        assert app.result is NOTHING
        problems = str(form.query_one("#problems", Static).render())
        assert "Give vnet2's link to vnet1 a name." in problems
        assert form.query_one("#remote-name", Input).has_focus
        await pilot.press(*"2and1")
        # vnet1 uses vnet2's gateway: vnet2 has none, so the check line turns red.
        form.query_one("#local-remote-gw", Checkbox).value = True
        await pilot.pause()
        assert "✗ gateway settings invalid" in str(form.query_one("#checks", Static).render())
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_one_side_and_revive_prefill() -> None:
    inv, v1, v2 = az303()
    v2 = linked(v2, link(v2, v1, "2and1", PeeringState.DISCONNECTED))
    inv = inventory(v1, v2)
    app = Harness(lambda: PeeringForm(inv, v1, v2))
    async with app.run_test(size=(120, 36)) as pilot:
        form = app.modal
        assert isinstance(form, PeeringForm)
        assert form.query_one("#remote-name", Input).value == "2and1"
        notes = str(form.query_one("#notes", Static).render())
        assert "will be revived first" in notes
        commands = str(form.query_one("#commands", Static).render())
        assert "az network vnet peering update" in commands
        assert "az network vnet peering create" in commands
        form.query_one("#one-side", Checkbox).value = True
        await pilot.pause()
        assert form.query_one("#remote-name", Input).disabled
        assert "is Disconnected" in str(form.query_one("#problems", Static).render())
