"""What each scenario holds, read back through the real SDK, and the store's direct API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.conftest import (
    AZ303,
    CONTOSO,
    RG,
    compute_client,
    network_client,
    subscription_client,
    vnet_id,
)
from tui.sandbox import control
from tui.sandbox.builders import PEERING_TYPE, VNET_TYPE
from tui.sandbox.scenarios import (
    MAX_ESTATE_SUBSCRIPTIONS,
    MAX_ESTATE_VNETS,
    MAX_VMS_PER_VNET,
    address_block_bits,
    reset,
)
from tui.sandbox.store import SandboxStore


def _power(vm: object) -> str:
    codes = [s.code for s in vm.instance_view.statuses]  # type: ignore[attr-defined]
    return next(c for c in codes if c.startswith("PowerState/")).split("/", 1)[1]


async def test_showcase_contents(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as net, compute_client(
        showcase, CONTOSO
    ) as compute:
        vnets = {v.name: v async for v in net.virtual_networks.list_all()}
        vms = {v.name: v async for v in compute.virtual_machines.list_all(status_only="true")}
        tables = [t async for t in net.route_tables.list_all()]
        nsgs = {n.name: n async for n in net.network_security_groups.list_all()}
        nics = {n.name: n async for n in net.network_interfaces.list_all()}
    links = {p.name: p for v in vnets.values() for p in v.virtual_network_peerings}
    assert {n: (p.peering_state, p.peering_sync_level) for n, p in links.items()} == {
        "hub-to-spoke1": ("Connected", "FullyInSync"),
        "spoke1-to-hub": ("Connected", "FullyInSync"),
        "hub-to-spoke2": ("Connected", "LocalNotInSync"),
        "spoke2-to-hub": ("Connected", "RemoteNotInSync"),
        "hub-to-spoke3": ("Disconnected", "FullyInSync"),
        "spoke4-to-spoke5": ("Connected", "FullyInSync"),
        "spoke5-to-spoke4": ("Connected", "FullyInSync"),
        "spoke5-to-spoke6": ("Initiated", "FullyInSync"),
    }
    assert links["hub-to-spoke1"].allow_gateway_transit
    assert links["spoke1-to-hub"].use_remote_gateways
    assert {n: _power(vm) for n, vm in vms.items()} == {
        "nva1": "running", "web1": "running", "app2": "running", "db3": "deallocated",
        "api4": "running", "app5": "running", "web6": "running", "batch5": "stopped",
        "plc1": "running", "ingest1": "running",
    }
    assert nics["nva1-nic"].enable_ip_forwarding is True
    (table,) = tables
    assert [(r.address_prefix, r.next_hop_type, r.next_hop_ip_address) for r in table.routes] \
        == [("10.101.0.0/16", "VirtualAppliance", "10.100.1.4"), ("10.104.0.0/16", "None", None)]
    spoke2_subnet = vnets["spoke2-vnet"].subnets[0]
    assert spoke2_subnet.route_table.id.lower() == table.id.lower()
    deny = nsgs["nsg-spoke4"].security_rules[0]
    assert (deny.name, deny.access, deny.destination_port_range, deny.priority) == (
        "DenyHttpInbound", "Deny", "80", 100)
    assert vnets["spoke4-vnet"].subnets[0].network_security_group.id.lower() == \
        nsgs["nsg-spoke4"].id.lower()
    assert vnets["legacy-vnet"].address_space.address_prefixes == ["10.1.0.0/16"]
    assert vnets["dr-vnet"].location == "northeurope"


async def test_showcase_keeps_az303_untouched(showcase: Path) -> None:
    async with subscription_client(showcase) as subs:
        names = [s.display_name async for s in subs.subscriptions.list()]
    assert names == ["AZ-303 Lab", "Contoso Platform"]
    async with network_client(showcase, AZ303) as net:
        assert sorted([v.name async for v in net.virtual_networks.list_all()]) == [
            "vnet1", "vnet2"]


async def test_estate_is_seeded_and_repeatable(tmp_path: Path) -> None:
    first = reset(tmp_path / "a.db", "estate", subscriptions=2, vnets=120, seed=7)
    second = reset(tmp_path / "b.db", "estate", subscriptions=2, vnets=120, seed=7)
    assert (first.vnets, first.vms, first.peerings) == (second.vnets, second.vms,
                                                         second.peerings)
    assert first.vnets == 120
    assert first.vms == 30
    assert first.peerings > 0
    with SandboxStore(tmp_path / "a.db") as a, SandboxStore(tmp_path / "b.db") as b, \
            a.read() as ta, b.read() as tb:
        bodies_a = [r.body["properties"]["addressSpace"] for r in ta.all_of_type(VNET_TYPE)]
        bodies_b = [r.body["properties"]["addressSpace"] for r in tb.all_of_type(VNET_TYPE)]
        links = ta.all_of_type(PEERING_TYPE)
    assert bodies_a == bodies_b
    assert {link.properties["peeringState"] for link in links} == {"Connected"}
    sub = "e57a7e00-0000-4000-8000-000007000001"
    async with network_client(tmp_path / "a.db", sub, page_size=25) as net:
        assert len([v async for v in net.virtual_networks.list_all()]) == 60


def test_unknown_scenario_and_stray_parameters(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        reset(tmp_path / "x.db", "nope")
    with pytest.raises(ValueError, match="takes no parameters"):
        reset(tmp_path / "x.db", "az303", vnets=3)


async def test_missing_file_starts_as_showcase(tmp_path: Path) -> None:
    async with subscription_client(tmp_path / "new" / "sandbox.db") as subs:
        names = [s.display_name async for s in subs.subscriptions.list()]
    assert names == ["AZ-303 Lab", "Contoso Platform"]


async def test_store_changes_behind_the_clients_back(az303: Path) -> None:
    vnet1, vnet2 = vnet_id(AZ303, RG, "vnet1"), vnet_id(AZ303, RG, "vnet2")
    vm2 = f"/subscriptions/{AZ303}/resourceGroups/{RG}/providers/Microsoft.Compute/" \
          "virtualMachines/vm2"
    with SandboxStore(az303) as store:
        control.put_peering(store, vnet1, "1and2", vnet2)
        control.put_peering(store, vnet2, "2and1", vnet1, allowForwardedTraffic=True)
        control.delete_peering(store, f"{vnet2}/virtualNetworkPeerings/2and1")
        control.set_power_state(store, vm2, "stopped")
        control.set_address_space(store, vnet2, ["10.2.0.0/16", "10.20.0.0/16"])
    async with network_client(az303) as net, compute_client(az303) as compute:
        survivor = await net.virtual_network_peerings.get(RG, "vnet1", "1and2")
        vm = await compute.virtual_machines.get(RG, "vm2", expand="instanceView")
    assert survivor.peering_state == "Disconnected"
    assert survivor.remote_virtual_network_address_space.address_prefixes == [
        "10.2.0.0/16", "10.20.0.0/16"]
    assert _power(vm) == "stopped"


def test_estate_vms_are_dealt_over_the_vnets(tmp_path: Path) -> None:
    summary = reset(tmp_path / "e.db", "estate", subscriptions=3, vnets=10, vms=25, seed=2)
    assert summary.vms == 25
    with SandboxStore(tmp_path / "e.db") as store, store.read() as tx:
        vms = sorted(r.name for r in tx.all_of_type("Microsoft.Compute/virtualMachines"))
        nics = {r.name: r for r in tx.all_of_type("Microsoft.Network/networkInterfaces")}
    assert vms == [f"vm-{n:05d}" for n in range(25)]
    in_first = [nics[f"vm-{n:05d}-nic"] for n in (0, 10, 20)]
    subnet = in_first[0].properties["ipConfigurations"][0]["properties"]["subnet"]["id"]
    assert subnet.endswith("/virtualNetworks/vnet-00000/subnets/default")
    ips = [n.properties["ipConfigurations"][0]["properties"]["privateIPAddress"]
           for n in in_first]
    assert [ip.rsplit(".", 1)[1] for ip in ips] == ["4", "5", "6"]


def test_estate_sizes_have_limits_and_blocks_for_50k_vnets(tmp_path: Path) -> None:
    for sizes in ({"subscriptions": 0}, {"vnets": 0}, {"vnets": MAX_ESTATE_VNETS + 1},
                  {"subscriptions": MAX_ESTATE_SUBSCRIPTIONS + 1},
                  {"vnets": 2, "vms": 2 * MAX_VMS_PER_VNET + 1}):
        with pytest.raises(ValueError, match="VNets 1-65536"):
            reset(tmp_path / "x.db", "estate", **sizes)
    more_subscriptions_than_vnets = reset(tmp_path / "y.db", "estate", subscriptions=5,
                                          vnets=3)
    assert more_subscriptions_than_vnets.vnets == 3
    assert [address_block_bits(n) for n in (2000, 16_384, 16_385, 50_000, 65_536)] == [
        14, 14, 15, 16, 16]
