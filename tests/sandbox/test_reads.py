"""Reads through the real SDK clients: subscriptions, list-all with paging, get, power state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.rest import HttpRequest

from tests.sandbox.conftest import (
    AZ303,
    CONTOSO,
    RG,
    compute_client,
    network_client,
    subscription_client,
)


async def test_subscriptions_are_listed_across_pages(showcase: Path) -> None:
    async with subscription_client(showcase, page_size=1) as client:
        subs = [s async for s in client.subscriptions.list()]
    assert [(s.subscription_id, s.display_name) for s in subs] == [
        (AZ303, "AZ-303 Lab"), (CONTOSO, "Contoso Platform"),
    ]
    assert all(s.state == "Enabled" and s.tenant_id for s in subs)


async def test_list_all_vnets_follows_next_links(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO, page_size=2) as client:
        vnets = [v async for v in client.virtual_networks.list_all()]
        first = await client.send_request(HttpRequest(
            "GET", f"/subscriptions/{CONTOSO}/providers/Microsoft.Network/virtualNetworks"
                   "?api-version=2026-03-01",
        ))
    names = sorted(v.name for v in vnets)
    assert names == sorted([
        "hub-vnet", "spoke1-vnet", "spoke2-vnet", "spoke3-vnet", "spoke4-vnet", "spoke5-vnet",
        "spoke6-vnet", "legacy-vnet", "dr-vnet", "works-factory-vnet", "works-analytics-vnet",
    ])
    page = first.json()
    assert len(page["value"]) == 2
    assert "api-version=2026-03-01" in page["nextLink"]
    assert page["nextLink"].startswith("https://management.azure.com/subscriptions/")


async def test_az303_is_exactly_the_seed(az303: Path) -> None:
    async with network_client(az303) as net, compute_client(az303) as compute:
        vnets = {v.name: v async for v in net.virtual_networks.list_all()}
        nics = {n.name: n async for n in net.network_interfaces.list_all()}
        vms = {v.name: v async for v in compute.virtual_machines.list_all(status_only="true")}
        nsgs = [n async for n in net.network_security_groups.list_all()]
        tables = [t async for t in net.route_tables.list_all()]
    assert {n: v.address_space.address_prefixes for n, v in vnets.items()} == {
        "vnet1": ["10.1.0.0/16"], "vnet2": ["10.2.0.0/16"],
    }
    for name, prefix in (("vnet1", "10.1.0.0/24"), ("vnet2", "10.2.0.0/24")):
        assert [(s.name, s.address_prefix) for s in vnets[name].subnets] == [("default", prefix)]
        assert vnets[name].virtual_network_peerings == []
        assert vnets[name].location == "westeurope"
    ips = {n: nic.ip_configurations[0].private_ip_address for n, nic in nics.items()}
    assert ips == {"vm1-nic": "10.1.0.4", "vm2-nic": "10.2.0.4"}
    assert all(nic.ip_configurations[0].public_ip_address is None for nic in nics.values())
    assert set(vms) == {"vm1", "vm2"}
    assert vms["vm1"].storage_profile.image_reference.sku == "2016-Datacenter"
    assert vms["vm2"].tags["listeningPorts"] == "80"
    for vm in vms.values():
        codes = [s.code for s in vm.instance_view.statuses]
        assert "PowerState/running" in codes
        nic_id = vm.network_profile.network_interfaces[0].id
        assert nics[nic_id.rsplit("/", 1)[-1]].virtual_machine.id.lower() == vm.id.lower()
    # vm2's NSG lets HTTP in, so the story ends "reachable on port 80" once peered.
    vm2_nsg = next(n for n in nsgs if n.name == "vm2-nsg")
    assert any(r.destination_port_range == "80" and r.access == "Allow"
               and r.direction == "Inbound" for r in vm2_nsg.security_rules)
    assert len(vm2_nsg.default_security_rules) == 6
    assert tables == []


async def test_power_state_only_when_asked(showcase: Path) -> None:
    async with compute_client(showcase, CONTOSO) as compute:
        plain = [v async for v in compute.virtual_machines.list_all()]
        expanded = {v.name: v async for v in compute.virtual_machines.list_all(
            expand="instanceView")}
        db3 = await compute.virtual_machines.get("rg-spokes", "db3", expand="instanceView")
        view = await compute.virtual_machines.instance_view("rg-spokes", "web1")
    assert all(v.instance_view is None for v in plain)
    assert "PowerState/deallocated" in [s.code for s in expanded["db3"].instance_view.statuses]
    assert "PowerState/deallocated" in [s.code for s in db3.instance_view.statuses]
    assert "PowerState/running" in [s.code for s in view.statuses]


async def test_get_vnet_and_not_found(az303: Path) -> None:
    async with network_client(az303) as client:
        vnet = await client.virtual_networks.get(RG, "vnet2")
        assert vnet.address_space.address_prefixes == ["10.2.0.0/16"]
        with pytest.raises(ResourceNotFoundError) as missing:
            await client.virtual_networks.get(RG, "vnet9")
        assert missing.value.error.code == "ResourceNotFound"
        with pytest.raises(ResourceNotFoundError) as no_group:
            await client.virtual_networks.get("rg-nowhere", "vnet1")
        assert no_group.value.error.code == "ResourceGroupNotFound"
        with pytest.raises(ResourceNotFoundError) as no_parent:
            await client.virtual_network_peerings.get(RG, "vnet9", "x")
        assert no_parent.value.error.code == "ParentResourceNotFound"


async def test_gateway_is_visible_on_the_vnet_body(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as client:
        hub = await client.virtual_networks.get("rg-hub", "hub-vnet")
        spoke = await client.virtual_networks.get("rg-spokes", "spoke1-vnet")
    gateway_subnet = next(s for s in hub.subnets if s.name == "GatewaySubnet")
    assert any("/virtualNetworkGateways/" in c.id for c in gateway_subnet.ip_configurations)
    assert not any(s.name == "GatewaySubnet" for s in spoke.subnets)


async def test_a_file_that_is_not_a_sandbox_says_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database\n" * 100)
    async with network_client(path) as client:
        unusable = f"^The sandbox file {path} cannot be used: file is not a database"
        with pytest.raises(sqlite3.DatabaseError, match=unusable):
            await client.virtual_networks.get(RG, "vnet1")


async def test_malformed_bodies_are_bad_requests(az303: Path) -> None:
    async with network_client(az303, retry_total=0) as client:
        url = (f"/subscriptions/{AZ303}/resourceGroups/{RG}/providers/Microsoft.Network/"
               "virtualNetworks/vnet1?api-version=2026-03-01")
        for body in ('{"properties": {"subnets": [1]}, "location": "westeurope"}', "{nope",
                     "[]"):
            answer = await client.send_request(HttpRequest("PUT", url, content=body))
            assert answer.status_code == 400, body
        no_version = await client.send_request(HttpRequest("GET", url.split("?")[0]))
        assert no_version.json()["error"]["code"] == "MissingApiVersionParameter"


async def test_vm_power_actions_are_long_running(showcase: Path) -> None:
    async with compute_client(showcase, CONTOSO) as compute:
        await (await compute.virtual_machines.begin_deallocate("rg-spokes", "web1")).result()
        view = await compute.virtual_machines.instance_view("rg-spokes", "web1")
        assert "PowerState/deallocated" in [s.code for s in view.statuses]
        with pytest.raises(HttpResponseError) as refused:
            await compute.virtual_machines.begin_restart("rg-spokes", "web1")
        assert refused.value.status_code == 409
        await (await compute.virtual_machines.begin_start("rg-spokes", "db3")).result()
        await (await compute.virtual_machines.begin_power_off("rg-spokes", "app2")).result()
        states = {v.name: [s.code for s in v.instance_view.statuses] async for v in
                  compute.virtual_machines.list_all(status_only="true")}
    assert "PowerState/running" in states["db3"]
    assert "PowerState/stopped" in states["app2"]


async def test_if_match_guards_writes(az303: Path) -> None:
    async with network_client(az303, retry_total=0) as client:
        url = (f"/subscriptions/{AZ303}/resourceGroups/{RG}/providers/Microsoft.Network/"
               "virtualNetworks/vnet1/virtualNetworkPeerings/1and2?api-version=2026-03-01")
        body = {"properties": {"remoteVirtualNetwork": {"id": url.split(
            "/virtualNetworks/")[0] + "/virtualNetworks/vnet2"}}}
        created = await client.send_request(HttpRequest(
            "PUT", url, json=body, headers={"If-None-Match": "*"}))
        assert created.status_code == 201
        again = await client.send_request(HttpRequest(
            "PUT", url, json=body, headers={"If-None-Match": "*"}))
        assert again.status_code == 412
        stale = await client.send_request(HttpRequest(
            "DELETE", url, headers={"If-Match": 'W/"00000000-0000-0000-0000-000000000000"'}))
        assert stale.json()["error"]["code"] == "PreconditionFailed"
        etag = (await client.send_request(HttpRequest("GET", url))).json()["etag"]
        fresh = await client.send_request(HttpRequest("DELETE", url, headers={"If-Match": etag}))
        assert fresh.status_code == 202
