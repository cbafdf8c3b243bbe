"""The explorer's state without an app: what is in view, what changed, what is refused."""

from __future__ import annotations

import dataclasses

from tests.tui.builders import peering, seed_inventory, vnet_id
from tui.explorer.state import ALL_KEY, ExplorerState
from tui.model import PeeringState
from tui.settings import Settings


def test_filters_selection_and_view() -> None:
    state = ExplorerState(Settings())
    inventory = seed_inventory()
    assert state.apply_inventory(inventory, now=1.0) == []
    assert state.loads == 1
    assert state.loaded_at == 1.0
    assert [v.name for v in state.vnets_in_view()] == ["vnet1", "vnet2"]
    assert state.set_filter("vnets", "vnet2") is True
    assert state.set_filter("vnets", "vnet2") is False
    assert state.set_filter("vnets", "") is True
    assert "vnets" not in state.filters
    assert state.select_vnet(vnet_id("vnet1").casefold()) is True
    selected = state.selected_vnet
    assert selected is not None
    assert selected.name == "vnet1"
    assert [vm.name for vm in state.vms_in_view()] == ["vm1"]
    state.set_filter("vms", "10.2")  # a VM filter looks beyond the selected VNet
    assert {vm.name for vm in state.vms_in_view()} == {"vm1", "vm2"}
    assert state.select_subscription(None) is False  # already all
    assert state.sub_key == ALL_KEY


def test_a_reload_reports_moved_links_and_forgets_a_vanished_selection() -> None:
    state = ExplorerState(Settings())
    base = seed_inventory()
    one = peering("vnet1", "vnet2", "1and2", PeeringState.CONNECTED)
    vnets = tuple(v._replace(peerings=(one,)) if v.name == "vnet1" else v
                  for v in base.vnets)
    state.apply_inventory(dataclasses.replace(base, vnets=vnets), now=1.0)
    state.select_vnet(vnet_id("vnet1").casefold())
    gone = one._replace(state=PeeringState.DISCONNECTED)
    fresh = {vnet_id("vnet1").casefold(): vnets[0]._replace(peerings=(gone,))}
    moved, differ = state.apply_vnets(fresh, now=2.0)
    assert [c.after.state for c in moved] == [PeeringState.DISCONNECTED]
    assert moved[0].disconnected
    assert [v.name for v in differ] == ["vnet1"]
    only_vnet2 = dataclasses.replace(base, vnets=tuple(v for v in vnets if v.name == "vnet2"))
    state.apply_inventory(only_vnet2, now=3.0)
    assert state.vnet_key is None


def test_read_only_reasons() -> None:
    state = ExplorerState(Settings(read_only=True))
    state.apply_inventory(seed_inventory(), now=1.0)
    assert state.read_only_reason() == "Read-only mode: vnettui sends no writes."
    by_config = ExplorerState(Settings(read_only_subscriptions=("AZ-303 Lab",)))
    by_config.apply_inventory(seed_inventory(), now=1.0)
    assert by_config.read_only_reason() is None
    reason = by_config.read_only_reason(vnet_id("vnet1"))
    assert reason is not None
    assert "read-only in the config file" in reason


def test_vnets_of_a_first_load_show_as_they_come_but_never_over_the_cache() -> None:
    inventory = seed_inventory()
    state = ExplorerState(Settings())
    state.begin(inventory.subscriptions)
    assert state.add_loading_vnets(inventory.vnets[:1]) is True
    assert state.add_loading_vnets(inventory.vnets[1:]) is True
    assert [v.name for v in state.vnets_in_view()] == ["vnet1", "vnet2"]
    assert state.overlaps == frozenset()  # worked out once the load ends
    state.apply_inventory(inventory, now=1.0)
    assert state.add_loading_vnets(inventory.vnets) is False  # a refresh: rows stay put
    assert len(state.inventory.vnets) == 2
    cached = ExplorerState(Settings())
    cached.apply_cached(inventory, now=5.0, age=60.0)
    assert cached.add_loading_vnets(inventory.vnets) is False


def test_the_caches_overlaps_are_found_after_it_is_shown() -> None:
    """A cached inventory is taken without the sweep; its overlaps are found on the next
    ask, or when anything needs the address index, and never from an empty one."""
    inventory = seed_inventory()
    overlapping = inventory.vnets[1]._replace(address_prefixes=("10.1.0.0/24",))
    inventory = dataclasses.replace(inventory, vnets=(inventory.vnets[0], overlapping))
    state = ExplorerState(Settings())
    state.apply_cached(inventory, now=5.0, age=60.0)
    assert (state.overlaps, state.conflict_count) == (frozenset(), None)
    assert state.overlap_lines(inventory.vnets[0]) == []  # not sought yet
    assert len(state.address_index.groups) == 1  # asked for: the cache's own overlaps
    assert state.conflict_count == 2
    assert state.analyse_overlaps() is False  # already known
    again = ExplorerState(Settings())
    again.apply_cached(inventory, now=5.0, age=60.0)
    assert again.analyse_overlaps() is True
    assert again.overlap_lines(inventory.vnets[0])[0].startswith("overlaps vnet2")
