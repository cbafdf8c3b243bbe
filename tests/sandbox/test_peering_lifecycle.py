"""The peering state machine, driven through the real SDK's long-running operations."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest

from tests.sandbox.conftest import AZ303, RG, network_client, peering_body, vnet_id
from tui.sandbox.store import SandboxStore

VNET1 = vnet_id(AZ303, RG, "vnet1")
VNET2 = vnet_id(AZ303, RG, "vnet2")


async def test_one_side_initiated_both_sides_connected(az303: Path) -> None:
    async with network_client(az303) as client:
        poller = await client.virtual_network_peerings.begin_create_or_update(
            RG, "vnet1", "1and2", peering_body(VNET2, allowVirtualNetworkAccess=True))
        first = await poller.result()
        assert (first.peering_state, first.provisioning_state) == ("Initiated", "Succeeded")
        assert first.remote_address_space.address_prefixes == ["10.2.0.0/16"]
        assert first.remote_virtual_network_address_space.address_prefixes == ["10.2.0.0/16"]
        second = await (await client.virtual_network_peerings.begin_create_or_update(
            RG, "vnet2", "2and1", peering_body(VNET1))).result()
        assert second.peering_state == "Connected"
        again = await client.virtual_network_peerings.get(RG, "vnet1", "1and2")
        assert again.peering_state == "Connected"
        assert again.peering_sync_level == "FullyInSync"
        vnet1 = await client.virtual_networks.get(RG, "vnet1")
    assert [(p.name, p.peering_state) for p in vnet1.virtual_network_peerings] == [
        ("1and2", "Connected")]


async def test_delete_disconnects_survivor_and_re_put_revives(az303: Path) -> None:
    async with network_client(az303) as client:
        ops = client.virtual_network_peerings
        await (await ops.begin_create_or_update(RG, "vnet1", "1and2", peering_body(VNET2))).result()
        await (await ops.begin_create_or_update(RG, "vnet2", "2and1", peering_body(VNET1))).result()
        await (await ops.begin_delete(RG, "vnet2", "2and1")).result()
        survivor = await ops.get(RG, "vnet1", "1and2")
        assert (survivor.peering_state, survivor.provisioning_state) == (
            "Disconnected", "Succeeded")
        assert [p.name async for p in ops.list(RG, "vnet2")] == []

        with pytest.raises(HttpResponseError) as refused:
            await ops.begin_create_or_update(RG, "vnet2", "2and1", peering_body(VNET1))
        assert refused.value.status_code == 400
        assert refused.value.error.code == "RemotePeeringIsDisconnected"

        revived = await (await ops.begin_create_or_update(
            RG, "vnet1", "1and2", peering_body(VNET2))).result()
        assert revived.peering_state == "Initiated"
        back = await (await ops.begin_create_or_update(
            RG, "vnet2", "2and1", peering_body(VNET1))).result()
        assert back.peering_state == "Connected"
        assert (await ops.get(RG, "vnet1", "1and2")).peering_state == "Connected"


async def test_delete_of_missing_peering_is_no_content(az303: Path) -> None:
    async with network_client(az303) as client:
        response = await client.send_request(HttpRequest(
            "DELETE", f"{VNET1}/virtualNetworkPeerings/nothing?api-version=2026-03-01"))
    assert response.status_code == 204


async def test_writes_are_long_running_operations(az303: Path) -> None:
    slow = {"operation_seconds": 600}
    async with network_client(az303, faults=slow, retry_total=0) as client:
        url = f"{VNET1}/virtualNetworkPeerings/1and2?api-version=2026-03-01"
        put = await client.send_request(HttpRequest("PUT", url, json=peering_body(VNET2)))
        assert put.status_code == 201
        assert put.json()["properties"]["provisioningState"] == "Updating"
        assert put.headers["Retry-After"] == "1"
        status_url = put.headers["Azure-AsyncOperation"]
        assert "api-version=" in status_url
        assert "/operations/" in status_url
        status = await client.send_request(HttpRequest("GET", status_url))
        assert status.status_code == 200
        assert status.json()["status"] == "InProgress"
        got = await client.send_request(HttpRequest("GET", url))
        assert got.json()["properties"]["provisioningState"] == "Updating"
        update = await client.send_request(HttpRequest("PUT", url, json=peering_body(VNET2)))
        # The peering is locked by its own operation: a retryable answer.
        assert update.status_code == 429
        assert update.json()["error"]["code"] == "RetryableErrorDueToAnotherOperation"

    with SandboxStore(az303) as store, store.write() as tx:
        tx.conn.execute("UPDATE operations SET due = 0")
    async with network_client(az303) as client:
        status = await client.send_request(HttpRequest("GET", status_url))
        assert status.json()["status"] == "Succeeded"
        got = await client.send_request(HttpRequest("GET", url))
        assert got.json()["properties"]["provisioningState"] == "Succeeded"
        delete = await client.send_request(HttpRequest("DELETE", url))
        assert delete.status_code == 202
        assert "/operationResults/" in delete.headers["Location"]
        assert delete.headers["Azure-AsyncOperation"]
        done = await client.send_request(HttpRequest("GET", delete.headers["Location"]))
        assert done.status_code == 204
        gone = await client.send_request(HttpRequest("GET", url))
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "NotFound"
