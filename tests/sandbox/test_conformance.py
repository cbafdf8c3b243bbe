"""Conformance: Microsoft's published request/response examples, replayed on the sandbox.

For each example in `../shared/arm-examples` (beside the repository) that the sandbox
supports, the example's request is sent through the sandbox (through the real SDK
pipeline) against resources created under the example's own placeholder ids, and the
answer's SHAPE is compared with Microsoft's: every key Microsoft shows is present with the
same JSON type, and the status code is one Microsoft lists. Extra keys are allowed (ARM
adds fields over time). A key Microsoft shows that the sandbox leaves out must be listed in
ABSENT_OK with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.rest import HttpRequest
from azure.mgmt.network.aio import NetworkManagementClient

from tui.sandbox import SandboxCredential, SandboxTransport
from tui.sandbox.builders import Estate
from tui.sandbox.store import SandboxStore

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(os.environ.get("VNETTUI_ARM_EXAMPLES") or ROOT.parent / "shared" / "arm-examples")

ABSENT_OK = {
    "$.value[].managedByTenants[]": "sandbox subscriptions are managed by no other tenant",
    "$.value[].tags.": "tags are the owner's free-form data",
    "$.value[].properties.defaultPublicNatGateway": "NAT gateways are not modelled",
    "$.value[].properties.ipConfigurations[].properties.publicIPAddress":
        "sandbox VMs have no public IPs (the seed's VMs have none)",
    "$.value[].properties.availabilitySet": "availability sets are not modelled",
    "$.value[].properties.storageProfile.osDisk.vhd": "sandbox disks are managed disks",
    "$.error.target": "optional in ARM's envelope; the Network RP leaves it out",
    "$.error.additionalInfo": "optional in ARM's envelope (policy details)",
    "$.error.details[]": "the sandbox's refusals carry no nested details",
    "$.data[].tags.": "tags are the owner's free-form data",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string"}[type(value)]


def _absent_ok(path: str) -> bool:
    return any(path == p or path.startswith(p) for p in ABSENT_OK)


def mismatches(theirs: Any, ours: Any, path: str = "$") -> list[str]:
    """Where `ours` differs in shape from Microsoft's `theirs` (keys and JSON types)."""
    if _kind(theirs) != _kind(ours):
        return [f"{path}: {_kind(theirs)} expected, got {_kind(ours)}"]
    found: list[str] = []
    if isinstance(theirs, dict):
        for key, value in theirs.items():
            child = f"{path}.{key}"
            if key not in ours:
                if not _absent_ok(child):
                    found.append(f"{child}: missing")
                continue
            found += mismatches(value, ours[key], child)
    elif isinstance(theirs, list) and theirs:
        if not ours:
            if not _absent_ok(f"{path}[]"):
                found.append(f"{path}: empty, Microsoft shows items")
            return found
        for mine_item, their_item in zip(ours, theirs, strict=False):
            found += mismatches(their_item, mine_item, f"{path}[]")
    return found


def example(name: str) -> dict[str, Any]:
    if not EXAMPLES.is_dir():
        pytest.skip(f"Microsoft's ARM examples are not at {EXAMPLES} (../shared/arm-examples "
                    "beside the repository, or $VNETTUI_ARM_EXAMPLES)")
    loaded: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return loaded


def _response(ex: dict[str, Any], status: int) -> dict[str, Any]:
    found: dict[str, Any] = ex["responses"][str(status)]
    return found


def _assert_shape(theirs: Any, ours: Any) -> None:
    problems = mismatches(theirs, ours)
    assert not problems, "\n".join(problems)


def _net_id(sub: str, rg: str, kind: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/{kind}/{name}"


@pytest.fixture
def cloud(tmp_path: Path) -> Path:
    """The examples' placeholder world: subscription `subid`, groups rg1, rg2, rgnew, peerTest."""
    estate = Estate(location="westus")
    sub = estate.subscription("subid", "Example Subscription")
    for rg in ("rg1", "rg2", "rgnew", "peerTest"):
        estate.resource_group(sub, rg)
    nsg = estate.nsg(sub, "rg1", "nsg")
    estate.nsg(sub, "rg1", "nsg1")
    estate.nsg(sub, "rg2", "nsg3")
    v1 = estate.vnet(sub, "rg1", "rg1-vnet", ["172.20.0.0/16"], [("default", "172.20.2.0/24")])
    v2 = estate.vnet(sub, "rgnew", "rgnew-vnet2", ["172.20.0.0/16"],
                     [("default", "172.20.2.0/24")])
    nic = estate.nic(sub, "rg1", "test-nic", f"{v1}/subnets/default", "172.20.2.4", nsg_id=nsg)
    estate.vm(sub, "rg1", "vm1", nic)
    estate.nic(sub, "rgnew", "test-nic2", f"{v2}/subnets/default", "172.20.2.4")
    estate.vnet(sub, "peerTest", "vnet1", ["10.0.0.0/16"])
    for name, prefix, community in (("vnet2", "12.0.0.0/8", "12076:20002"),
                                    ("vnet3", "13.0.0.0/8", "12076:20003")):
        vid = estate.vnet(sub, "peerTest", name, [prefix])
        estate.body(vid)["properties"]["bgpCommunities"] = {
            "virtualNetworkCommunity": community, "regionalCommunity": "12076:50004"}
    estate.subscription("291bba3f-e0a5-47bc-a099-3bdcb2a50a05", "Example Subscription")
    path = tmp_path / "conformance.db"
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)
    return path


@pytest.fixture
async def client(cloud: Path) -> AsyncIterator[NetworkManagementClient]:
    transport = SandboxTransport(cloud, faults={"operation_seconds": 0}, page_size=2)
    async with NetworkManagementClient(SandboxCredential(), "subid", transport=transport) as c:
        yield c


async def _send(client: NetworkManagementClient, method: str, url: str,
                body: Any = None) -> Any:
    request = HttpRequest(method, url, json=body) if body is not None else HttpRequest(
        method, url)
    return await client.send_request(request)


async def test_get_subscriptions(client: NetworkManagementClient) -> None:
    ex = example("resources.GetSubscriptions.json")
    answer = await _send(client, "GET", "/subscriptions?api-version=2022-12-01")
    assert str(answer.status_code) in ex["responses"]
    _assert_shape(_response(ex, 200)["body"], answer.json())


async def test_virtual_network_list_all(client: NetworkManagementClient) -> None:
    ex = example("network.VirtualNetworkListAll.json")
    version = ex["parameters"]["api-version"]
    for item in _response(ex, 200)["body"]["value"]:
        # Created through the sandbox's own PUT, from Microsoft's item.
        props = item["properties"]
        body = {"location": item["location"], "properties": {
            "addressSpace": props["addressSpace"], "dhcpOptions": props["dhcpOptions"],
            "subnets": [{"name": s["name"], "properties": {
                "addressPrefix": s["properties"]["addressPrefix"]}} for s in props["subnets"]],
        }}
        created = await _send(client, "PUT", f"{item['id']}?api-version={version}", body)
        assert created.status_code == 201
    answer = await _send(client, "GET", "/subscriptions/subid/resourceGroups/rg1/providers/"
                         f"Microsoft.Network/virtualNetworks?api-version={version}")
    assert answer.status_code == 200
    theirs = _response(ex, 200)["body"]
    _assert_shape({"value": theirs["value"][:1]}, answer.json())
    listed = [v async for v in client.virtual_networks.list_all()]
    assert {"vnet1", "vnet2"} <= {v.name for v in listed}


async def test_network_interface_list_all(client: NetworkManagementClient) -> None:
    ex = example("network.NetworkInterfaceListAll.json")
    answer = await _send(client, "GET", "/subscriptions/subid/providers/Microsoft.Network/"
                         f"networkInterfaces?api-version={ex['parameters']['api-version']}")
    assert answer.status_code == 200
    _assert_shape(_response(ex, 200)["body"], answer.json())


async def test_network_security_group_list_all(client: NetworkManagementClient) -> None:
    ex = example("network.NetworkSecurityGroupListAll.json")
    answer = await _send(client, "GET", "/subscriptions/subid/resourceGroups/rg1/providers/"
                         "Microsoft.Network/networkSecurityGroups?api-version="
                         f"{ex['parameters']['api-version']}")
    assert answer.status_code == 200
    _assert_shape(_response(ex, 200)["body"], answer.json())


def _peering_url(ex: dict[str, Any], name: str | None = None) -> str:
    p = ex["parameters"]
    vnet = _net_id(p["subscriptionId"], p["resourceGroupName"], "virtualNetworks",
                   p["virtualNetworkName"])
    return (f"{vnet}/virtualNetworkPeerings/{name or p['virtualNetworkPeeringName']}"
            f"?api-version={p['api-version']}")


async def test_peering_create_get_list_sync_delete(client: NetworkManagementClient) -> None:
    create = example("network.VirtualNetworkPeeringCreate.json")
    body = create["parameters"]["VirtualNetworkPeeringParameters"]
    first = await _send(client, "PUT", _peering_url(create), body)
    assert first.status_code == 201
    _assert_shape(_response(create, 201)["body"], first.json())
    again = await _send(client, "PUT", _peering_url(create), body)
    assert again.status_code == 200
    _assert_shape(_response(create, 200)["body"], again.json())

    get = example("network.VirtualNetworkPeeringGet.json")
    got = await _send(client, "GET", _peering_url(get))
    assert got.status_code == 200
    _assert_shape(_response(get, 200)["body"], got.json())

    listing = example("network.VirtualNetworkPeeringList.json")
    second = dict(body["properties"], remoteVirtualNetwork={
        "id": _net_id("subid", "peerTest", "virtualNetworks", "vnet3")})
    assert (await _send(client, "PUT", _peering_url(get, "peer2"),
                        {"properties": second})).status_code == 201
    p = listing["parameters"]
    listed = await _send(client, "GET", _net_id(
        p["subscriptionId"], p["resourceGroupName"], "virtualNetworks", p["virtualNetworkName"])
        + f"/virtualNetworkPeerings?api-version={p['api-version']}")
    assert listed.status_code == 200
    _assert_shape(_response(listing, 200)["body"], listed.json())

    sync = example("network.VirtualNetworkPeeringSync.json")
    synced = await _send(client, "PUT", _peering_url(sync) + "&syncRemoteAddressSpace=true",
                         sync["parameters"]["VirtualNetworkPeeringParameters"])
    assert str(synced.status_code) in sync["responses"]
    _assert_shape(_response(sync, synced.status_code)["body"], synced.json())

    delete = example("network.VirtualNetworkPeeringDelete.json")
    deleted = await _send(client, "DELETE", _peering_url(delete))
    assert str(deleted.status_code) in delete["responses"]
    for header in _response(delete, deleted.status_code).get("headers", {}):
        assert header in deleted.headers


async def test_virtual_machines_by_location(cloud: Path) -> None:
    from azure.mgmt.compute.aio import ComputeManagementClient

    ex = example("compute.VirtualMachine_ListBySubscription_ByLocation.json")
    transport = SandboxTransport(cloud, faults={"operation_seconds": 0})
    async with ComputeManagementClient(SandboxCredential(), "subid",
                                       transport=transport) as compute:
        answer = await compute.send_request(HttpRequest(
            "GET", "/subscriptions/subid/providers/Microsoft.Compute/locations/westus/"
                   f"virtualMachines?api-version={ex['parameters']['api-version']}"))
        assert answer.status_code == 200
        _assert_shape(_response(ex, 200)["body"], answer.json())
        by_location = [vm async for vm in compute.virtual_machines.list_by_location("westus")]
        assert [vm.name for vm in by_location] == ["vm1"]
        assert [vm async for vm in compute.virtual_machines.list_by_location("eastus")] == []


async def test_error_envelope(client: NetworkManagementClient) -> None:
    ex = example("arm-rpc.ErrorResponse.json")
    create = example("network.VirtualNetworkPeeringCreate.json")
    refused = await _send(client, "PUT", _peering_url(create, "bad!name"),
                          create["parameters"]["VirtualNetworkPeeringParameters"])
    assert refused.status_code == 400
    _assert_shape(ex, refused.json())


async def test_async_operation_status_in_progress(cloud: Path) -> None:
    ex = example("arm-docs.AsyncOperationStatus.InProgress.json")
    create = example("network.VirtualNetworkPeeringCreate.json")
    transport = SandboxTransport(cloud, faults={"operation_seconds": 600})
    async with NetworkManagementClient(SandboxCredential(), "subid",
                                       transport=transport) as slow:
        started = await _send(slow, "PUT", _peering_url(create),
                              create["parameters"]["VirtualNetworkPeeringParameters"])
        status = await _send(slow, "GET", started.headers["Azure-AsyncOperation"])
    assert status.status_code == 200
    assert status.json()["status"] == "InProgress"
    _assert_shape(ex, status.json())


@pytest.fixture
def graph_cloud(tmp_path: Path) -> Path:
    """The Resource Graph examples' subscription: a NIC in RG1, a VNet in RG2, Linux and
    Windows VMs."""
    sub = "cfbbd179-59d2-4052-aa06-9270a38aa9d6"
    estate = Estate(location="centralus")
    estate.subscription(sub, "Example Subscription")
    for rg in ("RG1", "RG2"):
        estate.resource_group(sub, rg)
    vnet = estate.vnet(sub, "RG2", "myVnet", ["10.0.0.0/16"], [("default", "10.0.0.0/24")],
                       location="westus", tags={"tag1": "Value1"})
    for n, image in enumerate(("Ubuntu Server 22.04 LTS", "Ubuntu Server 22.04 LTS",
                               "Windows Server 2019 Datacenter")):
        nic = estate.nic(sub, "RG1", f"nic{n}", f"{vnet}/subnets/default", f"10.0.0.{n + 4}")
        estate.vm(sub, "RG1", f"vm{n}", nic, image=image)
    path = tmp_path / "graph.db"
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)
    return path


async def _graph_example(cloud: Path, name: str) -> tuple[dict[str, Any], Any]:
    ex = example(name)
    params = ex["parameters"]
    transport = SandboxTransport(cloud, faults={"operation_seconds": 0})
    async with NetworkManagementClient(SandboxCredential(), "unused",
                                       transport=transport) as client:
        answer = await _send(
            client, "POST",
            f"/providers/Microsoft.ResourceGraph/resources?api-version={params['api-version']}",
            params["query"],
        )
    assert str(answer.status_code) in ex["responses"]
    return ex, answer.json()


async def test_resource_graph_basic_query(graph_cloud: Path) -> None:
    ex, ours = await _graph_example(graph_cloud, "resourcegraph.ResourcesBasicQuery.json")
    theirs = _response(ex, 200)["body"]
    _assert_shape(theirs, ours)
    assert (ours["totalRecords"], ours["count"], ours["resultTruncated"]) == (3, 3, "false")
    assert [list(row) for row in ours["data"]] == [list(row) for row in theirs["data"]]


async def test_resource_graph_properties_query(graph_cloud: Path) -> None:
    ex, ours = await _graph_example(graph_cloud, "resourcegraph.ResourcesPropertiesQuery.json")
    _assert_shape(_response(ex, 200)["body"], ours)
    assert ours["data"] == [
        {"properties_storageProfile_osDisk_osType": "Linux", "count": 2},
        {"properties_storageProfile_osDisk_osType": "Windows", "count": 1},
    ]
