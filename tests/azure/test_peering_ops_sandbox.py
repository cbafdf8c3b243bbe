"""Typed peering operations through the SDK's long-running-operation polling, on the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.azure import AzureBackend
from tui.errors import CloudError, InputError, NotFoundError, RefusedError
from tui.model import PeeringFlags, PeeringState, SyncLevel, VirtualNetwork
from tui.resolve import find_vnet


async def _vnets(backend: AzureBackend) -> tuple[VirtualNetwork, VirtualNetwork]:
    inventory = await backend.load_inventory()
    return find_vnet(inventory, "vnet1"), find_vnet(inventory, "vnet2")


async def test_peer_both_ways_then_delete_one_side(az303_backend: AzureBackend) -> None:
    vnet1, vnet2 = await _vnets(az303_backend)
    first = await az303_backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
    assert first.state is PeeringState.INITIATED
    assert first.vnet_id == vnet1.id
    assert first.remote_vnet_id == vnet2.id
    assert first.provisioning_state == "Succeeded"

    flags = PeeringFlags(allow_forwarded_traffic=True)
    second = await az303_backend.put_peering(vnet2.id, "2and1", vnet1.id, flags)
    assert second.state is PeeringState.CONNECTED
    assert second.flags == flags
    assert (await az303_backend.get_peering(first.id)).state is PeeringState.CONNECTED

    listed = await az303_backend.list_peerings(vnet1.id)
    assert [p.name for p in listed] == ["1and2"]
    assert listed[0].remote_address_prefixes == ("10.2.0.0/16",)
    fresh = await az303_backend.get_vnet(vnet2.id)
    assert [p.name for p in fresh.peerings] == ["2and1"]
    assert fresh.subnets == vnet2.subnets

    await az303_backend.delete_peering(second.id)
    assert await az303_backend.list_peerings(vnet2.id) == []
    assert (await az303_backend.get_peering(first.id)).state is PeeringState.DISCONNECTED
    with pytest.raises(NotFoundError) as caught:
        await az303_backend.get_peering(second.id)
    assert caught.value.status == 404


async def test_sync_puts_the_same_body_with_sync_flag(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(make_sandbox("showcase")) as backend:
        inventory = await backend.load_inventory()
        stale = next(p for v in inventory.vnets for p in v.peerings
                     if p.sync_level is SyncLevel.LOCAL_NOT_IN_SYNC)
        synced = await backend.sync_peering(stale.id)
        assert synced.sync_level is SyncLevel.FULLY_IN_SYNC
        assert synced.flags == stale.flags
        assert synced.remote_vnet_id == stale.remote_vnet_id
        remote = await backend.get_vnet(stale.remote_vnet_id)
        assert synced.remote_address_prefixes == remote.address_prefixes


async def test_refusals_carry_arms_code(az303_backend: AzureBackend) -> None:
    vnet1, vnet2 = await _vnets(az303_backend)
    missing = vnet2.id.replace("vnet2", "vnet9")
    with pytest.raises(CloudError) as caught:
        await az303_backend.put_peering(vnet1.id, "to-nowhere", missing, PeeringFlags())
    assert caught.value.code == "InvalidGlobalResourceReference"
    assert "\n" not in caught.value.message
    with pytest.raises(CloudError) as caught:
        await az303_backend.put_peering(vnet1.id, "bad name!", vnet2.id, PeeringFlags())
    assert caught.value.code == "InvalidResourceName"
    with pytest.raises(CloudError) as caught:
        await az303_backend.put_peering(vnet1.id, "gw", vnet2.id,
                                PeeringFlags(use_remote_gateways=True))
    assert caught.value.code == "RemoteVnetHasNoGateways"


async def test_failed_long_running_operation(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(sandbox_path, faults={"fail_writes": ["1and2"]}) as backend:
        vnet1, vnet2 = await _vnets(backend)
        with pytest.raises(CloudError) as caught:
            await backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
    assert caught.value.code
    assert caught.value.exit_code == 3


async def test_read_only_sends_no_write(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(sandbox_path, read_only=True) as backend:
        vnet1, vnet2 = await _vnets(backend)
        with pytest.raises(RefusedError):
            await backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        assert await backend.list_peerings(vnet1.id) == []


async def test_bad_ids_are_input_errors(az303_backend: AzureBackend) -> None:
    with pytest.raises(InputError, match="virtual network id"):
        await az303_backend.list_peerings("/subscriptions/x/resourceGroups/rg")
    with pytest.raises(InputError, match="peering id"):
        await az303_backend.get_peering("/subscriptions/x/resourceGroups/rg/providers/"
                                "Microsoft.Network/virtualNetworks/v")


async def test_retry_pauses_follow_the_sandbox_clock(az303_backend: AzureBackend) -> None:
    """The peering workflow waits on `backend.sleep`: on a sandbox whose writes settle at
    once, even an hour's backoff is no wait at all (the wait_for is only a hang guard)."""
    import asyncio

    from tui.peering import pause_of

    assert pause_of(az303_backend) == az303_backend.sleep
    await asyncio.wait_for(az303_backend.sleep(3600), timeout=60)
