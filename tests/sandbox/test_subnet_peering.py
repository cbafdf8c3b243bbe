"""Subnet peering in the sandbox, through the real SDK: Microsoft's shapes, the overlap rule on
exchanged prefixes, allow-listing, and sync after the chosen subnets change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from tests.sandbox.conftest import AZ303, CONTOSO, network_client, vnet_id
from tui.sandbox import control
from tui.sandbox.store import SandboxStore

FACTORY = vnet_id(CONTOSO, "rg-apps", "works-factory-vnet")
ANALYTICS = vnet_id(CONTOSO, "rg-apps", "works-analytics-vnet")


def subnet_body(remote: str, local: list[str], remote_names: list[str],
                **extra: Any) -> dict[str, Any]:
    return {"properties": {
        "allowVirtualNetworkAccess": True, "allowForwardedTraffic": False,
        "allowGatewayTransit": False, "useRemoteGateways": False,
        "peerCompleteVnets": False, "localSubnetNames": local,
        "remoteSubnetNames": remote_names, "enableOnlyIPv6Peering": False,
        "remoteVirtualNetwork": {"id": remote}, **extra}}


async def put(client: Any, vnet: str, name: str, body: dict[str, Any], **kw: Any) -> Any:
    return await (await client.virtual_network_peerings.begin_create_or_update(
        "rg-apps", vnet, name, body, **kw)).result()


async def test_overlapping_vnets_connect_by_subnets(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as client:
        with pytest.raises(HttpResponseError) as whole:
            await put(client, "works-factory-vnet", "f2a", {"properties": {
                "remoteVirtualNetwork": {"id": ANALYTICS}}})
        assert whole.value.error.code == "VnetAddressSpacesOverlap"
        first = await put(client, "works-factory-vnet", "f2a",
                          subnet_body(ANALYTICS, ["ot"], ["ingest"]))
        assert first.peering_state == "Initiated"
        back = await put(client, "works-analytics-vnet", "a2f",
                         subnet_body(FACTORY, ["ingest"], ["ot"]))
        mine = await client.virtual_network_peerings.get("rg-apps", "works-factory-vnet", "f2a")
    for link in (mine, back):
        assert (link.peering_state, link.peering_sync_level) == ("Connected", "FullyInSync")
        assert link.peer_complete_vnets is False
        assert link.enable_only_i_pv6_peering is False
        assert link.remote_virtual_network_address_space.address_prefixes == ["10.130.0.0/16"]
    assert (mine.local_subnet_names, mine.remote_subnet_names) == (["ot"], ["ingest"])
    assert mine.local_address_space.address_prefixes == ["10.130.1.0/24"]
    assert mine.remote_address_space.address_prefixes == ["10.130.2.0/24"]
    raw = mine.as_dict()
    assert {"peerCompleteVnets", "localSubnetNames", "remoteSubnetNames",
            "enableOnlyIPv6Peering"} <= set(raw["properties"])


@pytest.mark.parametrize(("local", "remote", "code", "text"), [
    (["shared"], ["shared"], "VnetAddressSpacesOverlap", "10.130.0.0/24"),
    (["ot"], ["nope"], "SubnetsNotFoundForSubnetPeering", "nope"),
    (["ot"], [], "InvalidRequestFormat", "remoteSubnetNames"),
])
async def test_refusals(showcase: Path, local: list[str], remote: list[str], code: str,
                        text: str) -> None:
    async with network_client(showcase, CONTOSO) as client:
        with pytest.raises(HttpResponseError) as caught:
            await put(client, "works-factory-vnet", "f2a", subnet_body(ANALYTICS, local, remote))
    assert caught.value.error.code == code
    assert text in caught.value.error.message


async def test_a_subscription_not_allow_listed_is_refused_with_what_to_do(
        showcase: Path) -> None:
    async with network_client(showcase, AZ303) as client:
        with pytest.raises(HttpResponseError) as caught:
            await (await client.virtual_network_peerings.begin_create_or_update(
                "rg-peering", "vnet1", "1and2",
                subnet_body(vnet_id(AZ303, "rg-peering", "vnet2"), ["default"],
                            ["default"]))).result()
    assert caught.value.error.code == "SubscriptionNotRegisteredForFeature"
    assert "az feature register --namespace Microsoft.Network --name " \
        "AllowMultiplePeeringLinksBetweenVnets" in caught.value.error.message
    with SandboxStore(showcase) as store:
        control.allow_subnet_peering(store, AZ303)
    async with network_client(showcase, AZ303) as client:
        link = await (await client.virtual_network_peerings.begin_create_or_update(
            "rg-peering", "vnet1", "1and2",
            subnet_body(vnet_id(AZ303, "rg-peering", "vnet2"), ["default"],
                        ["default"]))).result()
    assert link.peering_state == "Initiated"


async def test_changing_the_chosen_subnets_leaves_the_other_side_to_sync(
        showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as client:
        await put(client, "works-factory-vnet", "f2a", subnet_body(ANALYTICS, ["ot"], ["ingest"]))
        await put(client, "works-analytics-vnet", "a2f", subnet_body(FACTORY, ["ingest"], ["ot"]))
        await put(client, "works-factory-vnet", "f2a",
                  subnet_body(ANALYTICS, ["ot", "shared"], ["ingest"]))
        other = await client.virtual_network_peerings.get("rg-apps", "works-analytics-vnet", "a2f")
        assert other.peering_sync_level == "LocalNotInSync"
        assert other.remote_address_space.address_prefixes == ["10.130.1.0/24"]
        # the sync re-PUT of a client that sends only the four flags keeps the subnets
        synced = await put(client, "works-analytics-vnet", "a2f", {"properties": {
            "remoteVirtualNetwork": {"id": FACTORY}}}, sync_remote_address_space="true")
        assert synced.peering_sync_level == "FullyInSync"
        assert synced.remote_subnet_names == ["ot"]
        assert synced.remote_address_space.address_prefixes == ["10.130.0.0/24",
                                                               "10.130.1.0/24"]
        # growing a subnet-peered VNet changes nothing it exchanges: still in sync
        factory = await client.virtual_networks.get("rg-apps", "works-factory-vnet")
        factory.address_space.address_prefixes.append("10.131.0.0/16")
        await (await client.virtual_networks.begin_create_or_update(
            "rg-apps", "works-factory-vnet", factory)).result()
        levels = [(await client.virtual_network_peerings.get("rg-apps", v, n)
                   ).peering_sync_level for v, n in (("works-factory-vnet", "f2a"),
                                                     ("works-analytics-vnet", "a2f"))]
    assert levels == ["FullyInSync", "FullyInSync"]
