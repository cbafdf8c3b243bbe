"""The explorer on the sandbox: loading, navigation, narrowing, filtering, keys."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.help_screen import HelpScreen
from widgets.subscriptions_pane import ALL_KEY


def offers(app: VnetTuiApp, text: str) -> bool:
    """The command palette is open and its first hit mentions `text`."""
    lists = app.screen.query(CommandList)
    if not lists or not lists.first().option_count:
        return False
    return text in str(lists.first().get_option_at_index(0).prompt)


def names(app: VnetTuiApp, pane: str) -> list[str]:
    inv = app.explorer.state.inventory
    out = []
    for key in app.explorer.pane(pane).keys:
        item = inv.vnet(key) or inv.vm(key)
        if item is not None:
            out.append(item.name)
        elif key in app.explorer.state.statuses:
            out.append(app.explorer.state.statuses[key].subscription.name)
    return out


async def test_loads_the_seed_and_selects_vnet1(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("az303")
    async with running(app) as (_pilot, _):
        assert names(app, "subs") == ["AZ-303 Lab"]
        assert names(app, "vnets") == ["vnet1", "vnet2"]
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "vnet1"
        assert names(app, "vms") == ["vm1"]  # narrowed to vnet1
        info = app.query_one("#header").info  # type: ignore[attr-defined]
        assert (info.source, info.subscriptions, info.vnets, info.vms) == ("sandbox", 1, 2, 2)
        assert info.conflicts == 0
        assert app.focused is app.explorer.vnets_pane


async def test_keyboard_navigation(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await pilot.press("j")
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "hub-vnet"
        await pilot.press("enter")  # drill into the peerings of hub-vnet
        assert app.focused is app.explorer.details.peerings
        peering = app.explorer.details.selected_peering
        assert peering is not None
        assert peering.name == "hub-to-spoke1"
        await pilot.press("enter")  # a peering leads to its remote VNet
        assert app.focused is app.explorer.vnets_pane
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "spoke1-vnet"
        await pilot.press("escape")  # back to the VNet the jump came from
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "hub-vnet"
        await pilot.press("escape")  # nothing left to go back to: back a pane
        assert app.focused is app.explorer.subs_pane
        await pilot.press("4")
        assert app.focused is app.explorer.vms_pane
        await pilot.press("2", "k")  # from hub-vnet, one up
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "dr-vnet"


async def test_subscription_narrows_vnets_and_vnet_narrows_vms(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        assert len(app.explorer.vnets_pane.keys) == 13
        await pilot.press("1", "j")  # the first real subscription
        assert app.explorer.subs_pane.selected_key != ALL_KEY
        assert names(app, "vnets") == ["vnet1", "vnet2"]
        await pilot.press("j")
        assert len(app.explorer.vnets_pane.keys) == 11
        assert "hub-vnet" in names(app, "vnets")
        await pilot.press("enter")
        assert app.focused is app.explorer.vnets_pane
        await pilot.press("j")  # hub-vnet
        assert names(app, "vms") == ["nva1"]
        await pilot.press("k", "k")  # back to All
        await pilot.press("1", "k", "k")
        assert app.explorer.subs_pane.selected_key == ALL_KEY
        assert len(app.explorer.vnets_pane.keys) == 13


async def test_filter_as_you_type_by_name_prefix_and_ip(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await pilot.press("slash", *"spoke")
        assert names(app, "vnets") == [f"spoke{i}-vnet" for i in range(1, 7)]
        await pilot.press("enter")  # keep the filter, back to the pane
        assert app.focused is app.explorer.vnets_pane
        assert app.explorer.vnets_pane.border_subtitle == "/ spoke · 6 shown"
        await pilot.press("escape")  # esc in the pane clears its filter
        assert len(app.explorer.vnets_pane.keys) == 13
        await pilot.press("slash", *"10.1.0.7")  # an address inside a prefix
        assert names(app, "vnets") == ["legacy-vnet", "vnet1"]
        await pilot.press("escape")  # esc in the filter clears it too
        assert len(app.explorer.vnets_pane.keys) == 13
        assert app.focused is app.explorer.vnets_pane
        await pilot.press("4")  # a filter in the VM pane searches every VM
        await pilot.press("slash", *"10.2.0.4")
        assert names(app, "vms") == ["vm2"]


async def test_copy_id_help_keymap_and_palette_jump(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("az303", keymap={"vnettui.refresh": "f5"})
    async with running(app) as (pilot, _recorder):
        await pilot.press("y")
        vnet1 = app.explorer.state.inventory.vnets[0]
        assert app.clipboard == str(vnet1.id)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        entries = {e.description: e.keys for e in app.explorer.help_entries()}
        assert entries["Re-read everything now"] == "f5"
        assert entries["New peering from the selected VNet (both directions)"] == "p"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        loads = app.explorer.loads
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.explorer.loads > loads, "the remapped refresh")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Peerings: New peering from the selected VNet (both directions)",
                       "Peerings: Delete the selected peering",
                       "Analysis: Connectivity check from the selected VM",
                       "Analysis: Show overlapping address spaces",
                       "General: Re-read everything now"):
            assert wanted in titles
        await pilot.press("ctrl+p", *"jump to VM vm2")
        await wait_until(pilot, lambda: offers(app, "vm2"), "the palette to offer vm2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused is app.explorer.vms_pane,
                         "focus on the VM pane")
        assert names(app, "vms") == ["vm2"]
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "vnet2"


async def test_peerings_stay_in_the_details_while_a_filter_is_typed(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """A filter narrows its own pane, never the peering rows of the VNet on show."""
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        details = app.explorer.details
        await pilot.press("slash", *"hub")
        assert details.vnet is not None
        assert details.vnet.name == "hub-vnet"
        assert details.peerings.display
        assert details.peerings.row_count == 3
        await pilot.press("enter", "4", "slash", *"nva")
        assert details.peerings.row_count == 3
        await pilot.press("escape")
        assert details.peerings.row_count == 3


async def test_help_wraps_every_sentence_inside_its_box_at_80x24(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """The help table once took its natural width: wider than its box, so each long
    sentence was wrapped past the box's edge and its middle words were cut off."""
    app = make_app("az303")
    async with running(app, size=(80, 24)) as (pilot, _recorder):
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.pause()
        table = app.screen.query_one("#help-table")
        body = app.screen.query_one("#help-body")
        assert table.outer_size.width <= body.content_region.width
        shown = " ".join("".join(s.text for s in table.render_line(y)).strip()
                         for y in range(table.size.height)).split()
        for entry in app.explorer.help_entries():
            for word in entry.description.split():
                assert word in shown, (word, entry.description)
