"""Changing a VNet's address space, and the sync levels it leaves on its peerings."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError

from tests.sandbox.conftest import (
    AZ303,
    CONTOSO,
    RG,
    link,
    network_client,
    peering_body,
    vnet_id,
)
from tui.sandbox import control
from tui.sandbox.store import SandboxStore

VNET1 = vnet_id(AZ303, RG, "vnet1")
VNET2 = vnet_id(AZ303, RG, "vnet2")


async def test_resize_then_sync_the_stale_side(az303: Path) -> None:
    async with network_client(az303) as client:
        links = client.virtual_network_peerings
        await link(client, RG, "vnet1", "1and2", VNET2)
        await link(client, RG, "vnet2", "2and1", VNET1)

        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        vnet1.address_space.address_prefixes.append("10.99.0.0/16")
        changed = await (await client.virtual_networks.begin_create_or_update(
            RG, "vnet1", vnet1)).result()
        assert changed.address_space.address_prefixes == ["10.1.0.0/16", "10.99.0.0/16"]
        assert [s.name for s in changed.subnets] == ["default"]

        on_changed = await links.get(RG, "vnet1", "1and2")
        on_other = await links.get(RG, "vnet2", "2and1")
        assert on_changed.peering_sync_level == "RemoteNotInSync"
        assert on_other.peering_sync_level == "LocalNotInSync"
        assert on_other.remote_address_space.address_prefixes == ["10.1.0.0/16"]
        assert on_other.remote_virtual_network_address_space.address_prefixes == [
            "10.1.0.0/16", "10.99.0.0/16"]
        assert (on_changed.peering_state, on_other.peering_state) == ("Connected", "Connected")

        synced = await (await links.begin_create_or_update(
            RG, "vnet2", "2and1", on_other, sync_remote_address_space="true")).result()
        assert synced.peering_sync_level == "FullyInSync"
        assert synced.remote_address_space.address_prefixes == ["10.1.0.0/16", "10.99.0.0/16"]
        assert (await links.get(RG, "vnet1", "1and2")).peering_sync_level == "FullyInSync"


async def test_updating_flags_without_sync_keeps_the_stale_copy(az303: Path) -> None:
    async with network_client(az303) as client:
        links = client.virtual_network_peerings
        await link(client, RG, "vnet1", "1and2", VNET2)
        await link(client, RG, "vnet2", "2and1", VNET1)
        vnet2 = await client.virtual_networks.get(RG, "vnet2")
        vnet2.address_space.address_prefixes.append("10.98.0.0/16")
        await (await client.virtual_networks.begin_create_or_update(RG, "vnet2", vnet2)).result()
        updated = await (await links.begin_create_or_update(
            RG, "vnet1", "1and2", peering_body(VNET2, allowForwardedTraffic=True))).result()
    assert updated.allow_forwarded_traffic is True
    assert updated.peering_sync_level == "LocalNotInSync"


async def test_showcase_has_a_link_that_needs_sync(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as client:
        hub_side = await client.virtual_network_peerings.get("rg-hub", "hub-vnet",
                                                             "hub-to-spoke2")
        spoke_side = await client.virtual_network_peerings.get("rg-spokes", "spoke2-vnet",
                                                               "spoke2-to-hub")
    assert hub_side.peering_sync_level == "LocalNotInSync"
    assert spoke_side.peering_sync_level == "RemoteNotInSync"


async def test_removing_a_prefix_that_holds_subnets_is_refused(az303: Path) -> None:
    async with network_client(az303) as client:
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        vnet1.address_space.address_prefixes = ["10.50.0.0/16"]
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(RG, "vnet1", vnet1)
        assert caught.value.error.code == "NetcfgSubnetRangeOutsideVnet"
        assert (await client.virtual_networks.get(RG, "vnet1")).address_space.address_prefixes \
            == ["10.1.0.0/16"]


async def test_growing_into_a_peered_vnet_is_refused(az303: Path) -> None:
    async with network_client(az303) as client:
        await link(client, RG, "vnet1", "1and2", VNET2)
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        vnet1.address_space.address_prefixes.append("10.2.128.0/17")
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(RG, "vnet1", vnet1)
    assert caught.value.error.code == "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"


@pytest.mark.parametrize("prefix", ["10.1.0.1/16", "not-a-prefix", "10.300.0.0/16"])
async def test_bad_prefixes_are_refused(az303: Path, prefix: str) -> None:
    async with network_client(az303) as client:
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(RG, "vnet3", {
                "location": "westeurope",
                "properties": {"addressSpace": {"addressPrefixes": [prefix]}},
            })
    assert caught.value.error.code == "InvalidAddressPrefixFormat"


async def test_create_vnet_then_peer_it(az303: Path) -> None:
    async with network_client(az303) as client:
        created = await (await client.virtual_networks.begin_create_or_update(RG, "vnet3", {
            "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.3.0.0/16"]},
                "subnets": [{"name": "default", "properties": {"addressPrefix": "10.3.0.0/24"}}],
            },
        })).result()
        assert created.provisioning_state == "Succeeded"
        link = await (await client.virtual_network_peerings.begin_create_or_update(
            RG, "vnet3", "3to1", peering_body(VNET1))).result()
    assert link.peering_state == "Initiated"


async def test_deleting_a_vnet_disconnects_its_peers(az303: Path) -> None:
    async with network_client(az303) as client:
        await (await client.virtual_networks.begin_create_or_update(RG, "vnet3", {
            "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16"]}},
        })).result()
        links = client.virtual_network_peerings
        await link(client, RG, "vnet3", "3to1", VNET1)
        await (await links.begin_create_or_update(
            RG, "vnet1", "1to3", peering_body(vnet_id(AZ303, RG, "vnet3")))).result()
        await (await client.virtual_networks.begin_delete(RG, "vnet3")).result()
        survivor = await links.get(RG, "vnet1", "1to3")
        assert survivor.peering_state == "Disconnected"
        with pytest.raises(HttpResponseError) as in_use:
            await client.virtual_networks.begin_delete(RG, "vnet1")
    assert in_use.value.error.code == "InUseSubnetCannotBeDeleted"


async def test_vnet_put_with_a_stale_etag_is_refused(az303: Path) -> None:
    """If-Match: a change made since the VNet was read is detected, never overwritten."""
    async with network_client(az303) as client:
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        stale = vnet1.etag
        with SandboxStore(az303) as store:  # another admin grows it meanwhile
            control.set_address_space(store, VNET1, ["10.1.0.0/16", "10.77.0.0/16"])
        vnet1.address_space.address_prefixes.append("10.99.0.0/16")
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(
                RG, "vnet1", vnet1, headers={"If-Match": stale})
        assert caught.value.status_code == 412
        assert caught.value.error.code == "PreconditionFailed"
        now = await client.virtual_networks.get(RG, "vnet1")
        assert now.address_space.address_prefixes == ["10.1.0.0/16", "10.77.0.0/16"]
        now.address_space.address_prefixes.append("10.99.0.0/16")
        fresh = await (await client.virtual_networks.begin_create_or_update(
            RG, "vnet1", now, headers={"If-Match": now.etag})).result()
    assert fresh.address_space.address_prefixes == ["10.1.0.0/16", "10.77.0.0/16",
                                                    "10.99.0.0/16"]
    assert fresh.etag != now.etag


async def test_removing_only_the_prefix_with_subnets_is_refused(az303: Path) -> None:
    """Removing a prefix that holds a subnet: Azure's NetcfgSubnetRangeOutsideVnet; removing
    an empty one is fine and leaves the peerings out of sync like any change."""
    async with network_client(az303) as client:
        await link(client, RG, "vnet1", "1and2", VNET2)
        await link(client, RG, "vnet2", "2and1", VNET1)
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        vnet1.address_space.address_prefixes.append("10.99.0.0/16")
        grown = await (await client.virtual_networks.begin_create_or_update(
            RG, "vnet1", vnet1)).result()
        await (await client.virtual_network_peerings.begin_create_or_update(
            RG, "vnet2", "2and1", peering_body(VNET1),
            sync_remote_address_space="true")).result()
        grown.address_space.address_prefixes = ["10.99.0.0/16"]
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(RG, "vnet1", grown)
        assert caught.value.error.code == "NetcfgSubnetRangeOutsideVnet"
        assert "default" in caught.value.error.message
        grown.address_space.address_prefixes = ["10.1.0.0/16"]
        shrunk = await (await client.virtual_networks.begin_create_or_update(
            RG, "vnet1", grown)).result()
        assert shrunk.address_space.address_prefixes == ["10.1.0.0/16"]
        other = await client.virtual_network_peerings.get(RG, "vnet2", "2and1")
    assert other.peering_sync_level == "LocalNotInSync"
    assert other.remote_address_space.address_prefixes == ["10.1.0.0/16", "10.99.0.0/16"]


async def test_prefixes_of_one_vnet_must_not_overlap(az303: Path) -> None:
    async with network_client(az303) as client:
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
        vnet1.address_space.address_prefixes.append("10.1.128.0/17")
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.begin_create_or_update(RG, "vnet1", vnet1)
    assert caught.value.error.code == "VnetAddressSpaceOverlapsItself"
