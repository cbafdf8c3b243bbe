"""The topology screen in a harness app: keys, results, reach marks and live updates."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.peering.harness import Harness
from tests.tui.waiting import wait_for_layout, wait_until
from tui.model import Inventory, PeeringFlags, PeeringState, SyncLevel, rid
from tui.resolve import find_vnet
from tui.topology import ItemKind, ReachKind, build_topology
from widgets.live import LiveModal
from widgets.topology_screen import TopologyAction, TopologyResult, TopologyScreen
from widgets.topology_view import TopologyView


def key(inv: Inventory, name: str) -> str:
    return find_vnet(inv, name).id.casefold()


def harness(inv: Inventory, name: str = "hub-vnet") -> Harness:
    app = Harness(lambda: TopologyScreen(build_topology(inv, find_vnet(inv, name).id)))
    app.animation_level = "none"
    return app


async def drawn(pilot: Pilot[Any]) -> TopologyView:
    screen = pilot.app.screen
    assert isinstance(screen, TopologyScreen)
    await wait_until(pilot, lambda: screen.view.drawing is not None, "the drawing")
    return screen.view


def on(view: TopologyView) -> tuple[ItemKind, str] | None:
    item = view.item
    return (item.kind, item.key) if item else None


async def test_keys_move_between_vnets_and_enter_selects_one(
        showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    app = harness(inv)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        assert on(view) == (ItemKind.VNET, key(inv, "hub-vnet"))
        await pilot.press("down", "down")
        assert on(view) == (ItemKind.VNET, key(inv, "spoke2-vnet"))
        await pilot.press("left")
        assert on(view) == (ItemKind.VNET, key(inv, "hub-vnet"))
        await pilot.press("right", "end")
        assert on(view) == (ItemKind.VNET, key(inv, "spoke3-vnet"))
        await pilot.press("k", "enter")
    assert app.result == TopologyResult(TopologyAction.SELECT, key(inv, "spoke2-vnet"))


async def test_p_d_s_ask_for_the_link_under_the_cursor(showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    hub, spoke2, spoke3 = (key(inv, n) for n in ("hub-vnet", "spoke2-vnet", "spoke3-vnet"))
    hub_vnet = find_vnet(inv, "hub-vnet")
    link = {p.name: p.id for p in hub_vnet.peerings}
    cases = [
        (["p"], TopologyResult(TopologyAction.PEER, hub, hub, None)),
        (["end", "p"], TopologyResult(TopologyAction.PEER, spoke3, hub, spoke3)),
        (["end", "d"], TopologyResult(TopologyAction.DELETE, spoke3, hub, spoke3,
                                      link["hub-to-spoke3"])),
        # spoke3's link is not waiting for a sync: s says so and the screen stays.
        (["end", "s", "up", "s"], TopologyResult(TopologyAction.SYNC, spoke2, hub, spoke2,
                                                 link["hub-to-spoke2"])),
    ]
    for keys, expected in cases:
        app = harness(inv)
        async with app.run_test(size=(80, 24)) as pilot:
            await drawn(pilot)
            await pilot.press(*keys)
        assert app.result == expected, keys


async def test_the_reach_column_follows_the_cursor_and_a_pin_explains(
        showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    app = harness(inv)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        await pilot.press("down", "down")  # spoke2-vnet
        assert view.reach == {key(inv, "hub-vnet"): ReachKind.DIRECT,
                              key(inv, "spoke1-vnet"): ReachKind.NONE,
                              key(inv, "spoke2-vnet"): ReachKind.SELF,
                              key(inv, "spoke3-vnet"): ReachKind.NONE}
        await pilot.press("m", "up")  # pinned to spoke2, looking at spoke1
        assert view.reach[key(inv, "spoke2-vnet")] is ReachKind.SELF
        reason = str(app.screen.query_one("#topology-reach").render())
        assert "⊘ from spoke2-vnet: spoke2-vnet and spoke1-vnet meet only at hub-vnet" in reason
        assert "routes to spoke1-vnet through appliance 10.100.1.4" in reason


async def test_a_big_hub_shows_plus_n_spokes_and_expands(estate_inventory: Inventory) -> None:
    inv = estate_inventory
    app = harness(inv, "vnet-00000")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        await pilot.press("end")
        item = view.item
        assert item is not None
        assert item.kind is ItemKind.MORE
        hidden = item.hidden
        shown = sum(i.kind is ItemKind.VNET for i in view.drawing.items) if view.drawing else 0
        assert (shown - 1, hidden) == (60 - hidden, hidden)
        assert 30 < hidden < 60
        before = view.cursor
        await pilot.press("enter")
        assert view.cursor == before  # on the first spoke it hid
        assert view.drawing is not None
        assert sum(i.kind is ItemKind.VNET for i in view.drawing.items) == 61
        await pilot.press("space")  # collapse again, from a spoke
        assert view.drawing.find(key(inv, "vnet-00000"), ItemKind.MORE) is not None
        assert on(view) == (ItemKind.VNET, key(inv, "vnet-00000"))


def _mended(inv: Inventory) -> Inventory:
    """spoke3 links back to the hub and the hub's Disconnected link revives: Connected."""
    hub, spoke3 = find_vnet(inv, "hub-vnet"), find_vnet(inv, "spoke3-vnet")
    revived = tuple(p._replace(state=PeeringState.CONNECTED) if p.name == "hub-to-spoke3"
                    else p for p in hub.peerings)
    back = revived[0]._replace(
        id=rid(f"{spoke3.id}/virtualNetworkPeerings/spoke3-to-hub"), name="spoke3-to-hub",
        vnet_id=spoke3.id, remote_vnet_id=hub.id, state=PeeringState.CONNECTED,
        sync_level=SyncLevel.FULLY_IN_SYNC, flags=PeeringFlags())
    return inv.with_vnet(hub._replace(peerings=revived)).with_vnet(
        spoke3._replace(peerings=(back,)))


async def test_update_changes_links_in_place_and_keeps_the_cursor(
        showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    app = harness(inv)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        await pilot.press("down")
        screen = app.screen
        assert isinstance(screen, TopologyScreen)
        title = screen.query_one("#topology-title")
        assert "1 broken" in str(title.render())
        screen.update(build_topology(_mended(inv), find_vnet(inv, "hub-vnet").id))
        await wait_for_layout(pilot)
        assert on(view) == (ItemKind.VNET, key(inv, "spoke1-vnet"))
        assert view.drawing is not None
        assert view.drawing.lines[-1].text.startswith("   └─●═══●─ spoke3-vnet")
        assert view.reach[key(inv, "spoke3-vnet")] is ReachKind.NONE  # from spoke1
        assert view.changed == {(key(inv, "hub-vnet"), key(inv, "spoke3-vnet"))}
        assert "broken" not in str(title.render())
        assert len(screen.visible_vnet_ids()) == 4
        assert isinstance(screen, LiveModal)
        assert set(screen.watched_vnets) == {key(inv, n) for n in (
            "hub-vnet", "spoke1-vnet", "spoke2-vnet", "spoke3-vnet")}
        screen.update_from(inv)  # back: spoke3's link flashes again
        assert view.changed == {(key(inv, "hub-vnet"), key(inv, "spoke3-vnet"))}
