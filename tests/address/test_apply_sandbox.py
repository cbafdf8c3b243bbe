"""Growing a peered VNet on the sandbox through the real SDK: the PUT, the syncs, the failures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.peering.conftest import FAST_RETRY, Cloud
from tui.address import (
    AddressChange,
    apply_address_change,
    plan_address_change,
    plan_sync_all,
    sync_pairs,
)
from tui.model import SyncLevel
from tui.resolve import find_vnet
from tui.sandbox import control
from tui.sandbox.store import SandboxStore


async def test_grow_a_hub_spoke_and_every_link_comes_back_in_sync(showcase: Cloud) -> None:
    inventory = await showcase.inventory()
    spoke1 = find_vnet(inventory, "spoke1-vnet")
    plan = plan_address_change(inventory, AddressChange(spoke1.id, add=("10.121.0.0/16",)))
    assert [t.label for t in plan.to_sync] == ["hub-to-spoke1 on hub-vnet"]
    events: list[str] = []
    outcome = await apply_address_change(showcase.backend, plan, lambda e: events.append(
        e.message), retry=FAST_RETRY, inventory=inventory)
    assert outcome.ok, outcome.describe()
    assert outcome.vnet is not None
    assert outcome.vnet.address_prefixes == ("10.101.0.0/16", "10.121.0.0/16")
    after = await showcase.inventory()
    levels = {p.name: p.sync_level for v in after.vnets for p in v.peerings
              if p.name in ("hub-to-spoke1", "spoke1-to-hub")}
    assert levels == {"hub-to-spoke1": SyncLevel.FULLY_IN_SYNC,
                      "spoke1-to-hub": SyncLevel.FULLY_IN_SYNC}
    assert "synced hub-to-spoke1 on hub-vnet" in events
    assert "hub-to-spoke1 on hub-vnet: Connected, FullyInSync" in events
    assert outcome.describe().startswith("spoke1-vnet now has 10.101.0.0/16, 10.121.0.0/16.\n"
                                         "1 of 1 peerings now FullyInSync.")


async def test_a_change_made_meanwhile_is_not_overwritten(showcase: Cloud) -> None:
    inventory = await showcase.inventory()
    spoke6 = find_vnet(inventory, "spoke6-vnet")
    plan = plan_address_change(inventory, AddressChange(spoke6.id, add=("10.116.0.0/16",)))
    with SandboxStore(showcase.path) as store:
        control.set_address_space(store, spoke6.id, ["10.106.0.0/16", "10.126.0.0/16"])
    outcome = await apply_address_change(showcase.backend, plan, retry=FAST_RETRY)
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.code == "PreconditionFailed"
    assert "Someone changed spoke6-vnet after it was read" in outcome.describe()
    now = await showcase.backend.get_vnet(spoke6.id)
    assert now.address_prefixes == ("10.106.0.0/16", "10.126.0.0/16")


async def test_an_etag_race_between_read_and_write_is_refused_by_arm(
        showcase: Cloud, monkeypatch: Any) -> None:
    """The other admin writes between our GET and our PUT: If-Match makes ARM answer 412."""
    inventory = await showcase.inventory()
    spoke6 = find_vnet(inventory, "spoke6-vnet")
    plan = plan_address_change(inventory, AddressChange(spoke6.id, add=("10.116.0.0/16",)))
    operations = showcase.backend.network(spoke6.subscription_id).virtual_networks
    real_get = operations.get

    async def get_then_race(*args: Any, **kwargs: Any) -> Any:
        model = await real_get(*args, **kwargs)
        with SandboxStore(showcase.path) as store:
            control.set_address_space(store, spoke6.id, ["10.106.0.0/16", "10.127.0.0/16"])
        return model

    monkeypatch.setattr(operations, "get", get_then_race)
    outcome = await apply_address_change(showcase.backend, plan, retry=FAST_RETRY)
    assert outcome.error is not None
    assert outcome.error.code == "PreconditionFailed"
    assert outcome.error.status == 412
    monkeypatch.undo()
    now = await showcase.backend.get_vnet(spoke6.id)
    assert now.address_prefixes == ("10.106.0.0/16", "10.127.0.0/16")


async def test_a_sync_that_fails_is_reported_exactly(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("showcase", faults={"fail_writes": ["hub-to-spoke1"]})
    inventory = await cloud.inventory()
    spoke1 = find_vnet(inventory, "spoke1-vnet")
    plan = plan_address_change(inventory, AddressChange(spoke1.id, add=("10.121.0.0/16",)))
    outcome = await apply_address_change(cloud.backend, plan, retry=FAST_RETRY)
    assert outcome.vnet is not None
    assert not outcome.ok
    text = outcome.describe()
    assert "0 of 1 peerings now FullyInSync. 1 failed: spoke1-to-hub on spoke1-vnet." in text
    assert "Could not sync hub-to-spoke1 on hub-vnet" in text
    assert "Still to sync: `vnettui sync spoke1-vnet spoke1-to-hub`" in text
    assert [e.code for e in outcome.errors] == ["InternalServerError"]


async def test_sync_all_runs_pairs_under_a_bound(showcase: Cloud) -> None:
    inventory = await showcase.inventory()
    for name, prefix in (("spoke1-vnet", "10.121.0.0/16"), ("spoke4-vnet", "10.124.0.0/16")):
        vnet = find_vnet(inventory, name)
        with SandboxStore(showcase.path) as store:
            control.set_address_space(store, vnet.id, [*vnet.address_prefixes, prefix])
    inventory = await showcase.inventory()
    plan = plan_sync_all(inventory)
    assert len(plan.pairs) == 3  # hub-spoke1, hub-spoke2 (showcase), spoke4-spoke5
    in_flight, most = 0, 0
    real = showcase.backend.sync_peering

    async def counted(peering_id: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            await asyncio.sleep(0)
            return await real(peering_id, **kwargs)
        finally:
            in_flight -= 1

    showcase.backend.sync_peering = counted
    result = await sync_pairs(showcase.backend, plan.pairs, bound=2, retry=FAST_RETRY)
    assert result.ok, result.describe()
    assert most <= 2
    after = await showcase.inventory()
    assert not [p.name for v in after.vnets for p in v.peerings
                if p.needs_sync and p.state.value == "Connected"]


async def test_perform_refuses_read_only_and_carries_out_both_kinds(showcase: Cloud) -> None:
    from tui.address import SyncAllRequest, perform_address, vnets_touched, work_targets
    from tui.peering import Refused

    inventory = await showcase.inventory()
    spoke1 = find_vnet(inventory, "spoke1-vnet")
    change = AddressChange(spoke1.id, add=("10.121.0.0/16",), sync=False)
    refused = await perform_address(showcase.backend, inventory, change, read_only=True)
    assert isinstance(refused, Refused)
    assert "read-only" in refused.describe()
    assert [v.name for v in work_targets(inventory, change)] == ["spoke1-vnet"]
    done = await perform_address(showcase.backend, inventory, change, retry=FAST_RETRY)
    assert done.ok, done.describe()
    inventory = await showcase.inventory()
    work = SyncAllRequest(tuple(v.id for v in inventory.vnets))
    assert {i.name for i in vnets_touched(inventory, work)} == {
        "hub-vnet", "spoke1-vnet", "spoke2-vnet"}
    synced = await perform_address(showcase.backend, inventory, work, retry=FAST_RETRY)
    assert synced.ok, synced.describe()
    assert synced.describe().startswith("2 of 2 peerings now FullyInSync.")
