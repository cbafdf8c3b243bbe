"""Every refusal of azure-facts.md sections 1 and 2, with ARM's codes, through the real SDK."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from tests.sandbox.conftest import (
    AZ303,
    CONTOSO,
    RG,
    network_client,
    peering_body,
    vnet_id,
)
from tui.sandbox.builders import Estate
from tui.sandbox.scenarios import peer
from tui.sandbox.store import SandboxStore

VNET1 = vnet_id(AZ303, RG, "vnet1")
VNET2 = vnet_id(AZ303, RG, "vnet2")
SUB = "9a7e0000-0000-4000-8000-000000000001"


async def _refused(path: Path, sub: str, rg: str, vnet: str, name: str, body: dict[str, Any],
                   **query: Any) -> HttpResponseError:
    async def attempt(client: Any) -> None:
        poller = await client.virtual_network_peerings.begin_create_or_update(
            rg, vnet, name, body, **query)
        await poller.result()

    async with network_client(path, sub) as client:
        with pytest.raises(HttpResponseError) as caught:
            await attempt(client)
    return caught.value


async def _create(path: Path, sub: str, rg: str, vnet: str, name: str, remote: str,
                  **flags: bool) -> Any:
    async with network_client(path, sub) as client:
        poller = await client.virtual_network_peerings.begin_create_or_update(
            rg, vnet, name, peering_body(remote, **flags))
        return await poller.result()


async def test_overlapping_address_spaces(showcase: Path) -> None:
    legacy = vnet_id(CONTOSO, "rg-legacy", "legacy-vnet")
    error = await _refused(showcase, AZ303, RG, "vnet1", "to-legacy", peering_body(legacy))
    assert (error.status_code, error.error.code) == (400, "VnetAddressSpacesOverlap")
    assert "10.1.0.0/16" in error.message


async def test_overlap_with_a_vnet_already_peered_with_the_remote(showcase: Path) -> None:
    await _create(showcase, AZ303, RG, "vnet1", "1and2", VNET2)
    await _create(showcase, AZ303, RG, "vnet2", "2and1", VNET1)
    # legacy-vnet (10.1.0.0/16) does not overlap vnet2, but vnet2 is peered with vnet1.
    error = await _refused(showcase, CONTOSO, "rg-legacy", "legacy-vnet", "to-vnet2",
                           peering_body(VNET2))
    assert error.error.code == "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"
    assert "https://aka.ms/VnetPeeringInfo" in error.message


async def test_second_peering_to_the_same_remote(az303: Path) -> None:
    await _create(az303, AZ303, RG, "vnet1", "1and2", VNET2)
    error = await _refused(az303, AZ303, RG, "vnet1", "again", peering_body(VNET2))
    assert error.error.code == "AnotherPeeringAlreadyReferencesRemoteVnet"


@pytest.mark.parametrize("name", ["-starts-badly", "ends-badly.", "has!bang", "x" * 81])
async def test_bad_peering_names(az303: Path, name: str) -> None:
    error = await _refused(az303, AZ303, RG, "vnet1", name, peering_body(VNET2))
    assert (error.status_code, error.error.code) == (400, "InvalidResourceName")


async def test_names_the_seed_uses_are_fine(az303: Path) -> None:
    assert (await _create(az303, AZ303, RG, "vnet1", "1and2", VNET2)).name == "1and2"
    assert (await _create(az303, AZ303, RG, "vnet2", "a_b.c-d_", VNET1)).name == "a_b.c-d_"


async def test_remote_vnet_that_does_not_exist(az303: Path) -> None:
    missing = vnet_id(AZ303, RG, "vnet9")
    error = await _refused(az303, AZ303, RG, "vnet1", "to9", peering_body(missing))
    assert (error.status_code, error.error.code) == (400, "InvalidGlobalResourceReference")
    assert missing in error.message


async def test_changing_the_remote_of_a_peering(showcase: Path) -> None:
    spoke4 = vnet_id(CONTOSO, "rg-spokes", "spoke4-vnet")
    error = await _refused(showcase, CONTOSO, "rg-spokes", "spoke5-vnet", "spoke5-to-spoke6",
                           peering_body(spoke4))
    assert error.error.code == "ChangingRemoteVirtualNetworkNotAllowed"


async def test_peering_a_vnet_with_itself(az303: Path) -> None:
    error = await _refused(az303, AZ303, RG, "vnet1", "self", peering_body(VNET1))
    assert error.error.code == "CannotPeerVirtualNetworkWithItself"


async def test_missing_parent_vnet(az303: Path) -> None:
    error = await _refused(az303, AZ303, RG, "vnet9", "x", peering_body(VNET2))
    assert (error.status_code, error.error.code) == (404, "ParentResourceNotFound")


async def test_referenced_vnet_mid_update(az303: Path) -> None:
    slow = {"operation_seconds": 600}
    async with network_client(az303, faults=slow) as client:
        vnet2 = await client.virtual_networks.get(RG, "vnet2")
        vnet2.address_space.address_prefixes.append("10.22.0.0/16")
        await client.virtual_networks.begin_create_or_update(RG, "vnet2", vnet2)
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_network_peerings.begin_create_or_update(
                RG, "vnet1", "1and2", peering_body(VNET2))
    assert caught.value.error.code == "ReferencedResourceNotProvisioned"
    assert "Updating" in caught.value.message


# --- gateway rules ---------------------------------------------------------------------
@pytest.fixture
def gateways(tmp_path: Path) -> Path:
    """hub-a and hub-b have gateways; spoke and other have none."""
    path = tmp_path / "gateways.db"
    estate = Estate()
    estate.subscription(SUB, "Gateways")
    estate.resource_group(SUB, "rg")
    for name, prefix in (("hub-a", "10.10"), ("hub-b", "10.20")):
        vnet = estate.vnet(SUB, "rg", name, [f"{prefix}.0.0/16"],
                           [("GatewaySubnet", f"{prefix}.0.0/27")])
        estate.gateway(SUB, "rg", f"{name}-gw", vnet)
    estate.vnet(SUB, "rg", "spoke", ["10.30.0.0/16"])
    estate.vnet(SUB, "rg", "other", ["10.40.0.0/16"])
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)
        peer(tx, vnet_id(SUB, "rg", "hub-a"), "a-to-spoke", vnet_id(SUB, "rg", "spoke"),
             allowGatewayTransit=True)
        peer(tx, vnet_id(SUB, "rg", "hub-b"), "b-to-spoke", vnet_id(SUB, "rg", "spoke"),
             allowGatewayTransit=True)
        peer(tx, vnet_id(SUB, "rg", "hub-b"), "b-to-other", vnet_id(SUB, "rg", "other"))
    return path


async def test_use_remote_gateways_needs_a_remote_gateway(gateways: Path) -> None:
    body = peering_body(vnet_id(SUB, "rg", "other"), useRemoteGateways=True,
                        doNotVerifyRemoteGateways=True)
    error = await _refused(gateways, SUB, "rg", "spoke", "to-other", body)
    assert error.error.code == "RemoteVnetHasNoGateways"


async def test_use_remote_gateways_needs_transit_on_the_remote_link(gateways: Path) -> None:
    body = peering_body(vnet_id(SUB, "rg", "hub-b"), useRemoteGateways=True)
    error = await _refused(gateways, SUB, "rg", "other", "to-hub-b", body)
    assert error.error.code == "RemotePeeringDoesNotAllowGatewayTransit"
    assert "AllowGatewayTransit flag set to false" in error.message


async def test_use_remote_gateways_not_with_a_local_gateway(gateways: Path) -> None:
    body = peering_body(vnet_id(SUB, "rg", "hub-b"), useRemoteGateways=True)
    error = await _refused(gateways, SUB, "rg", "hub-a", "a-to-b", body)
    assert error.error.code == "UseRemoteGatewaysNotAllowedWithLocalGateway"


async def test_only_one_peering_uses_remote_gateways(gateways: Path) -> None:
    first = await _create(gateways, SUB, "rg", "spoke", "to-a", vnet_id(SUB, "rg", "hub-a"),
                          useRemoteGateways=True)
    assert (first.peering_state, first.use_remote_gateways) == ("Connected", True)
    body = peering_body(vnet_id(SUB, "rg", "hub-b"), useRemoteGateways=True)
    error = await _refused(gateways, SUB, "rg", "spoke", "to-b", body)
    assert error.error.code == "OnlyOnePeeringCanUseRemoteGateways"
    # Without the flag the same link is fine.
    second = await _create(gateways, SUB, "rg", "spoke", "to-b", vnet_id(SUB, "rg", "hub-b"))
    assert second.peering_state == "Connected"
