"""ARM JSON -> model, on the shapes of Microsoft's published examples (arm-examples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.azure import mappers
from tui.model import Direction, PeeringState, PowerState, SyncLevel

SUB = "/subscriptions/subid/resourceGroups/rg1/providers"
NET = f"{SUB}/Microsoft.Network"
VNET2 = (
    "/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet2"
)

VNET = {
    "id": f"{SUB}/Microsoft.Network/virtualNetworks/vnet1",
    "name": "vnet1",
    "location": "westus",
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/8"]},
        "subnets": [
            {
                "id": f"{SUB}/Microsoft.Network/virtualNetworks/vnet1/subnets/test-1",
                "name": "test-1",
                "properties": {
                    "addressPrefix": "10.0.0.0/24",
                    "networkSecurityGroup": {
                        "id": f"{SUB}/Microsoft.Network/networkSecurityGroups/nsg1"
                    },
                    "routeTable": {"id": f"{SUB}/Microsoft.Network/routeTables/rt1"},
                },
            },
            {
                "id": f"{SUB}/Microsoft.Network/virtualNetworks/vnet1/subnets/GatewaySubnet",
                "name": "GatewaySubnet",
                "properties": {
                    "addressPrefixes": ["10.0.255.0/27"],
                    "ipConfigurations": [
                        {"id": f"{NET}/virtualNetworkGateways/gw/ipConfigurations/default"}
                    ],
                },
            },
        ],
        "virtualNetworkPeerings": [
            {
                "id": f"{SUB}/Microsoft.Network/virtualNetworks/vnet1/virtualNetworkPeerings/peer",
                "name": "peer",
                "properties": {
                    "allowVirtualNetworkAccess": True,
                    "allowForwardedTraffic": True,
                    "allowGatewayTransit": False,
                    "useRemoteGateways": False,
                    "remoteVirtualNetwork": {"id": VNET2},
                    "remoteAddressSpace": {"addressPrefixes": ["12.0.0.0/8"]},
                    "remoteVirtualNetworkAddressSpace": {
                        "addressPrefixes": ["12.0.0.0/8", "13.0.0.0/8"]
                    },
                    "peeringState": "Connected",
                    "peeringSyncLevel": "LocalNotInSync",
                    "provisioningState": "Succeeded",
                },
            }
        ],
        "provisioningState": "Succeeded",
    },
}

NIC = {
    "name": "test-nic",
    "id": f"{SUB}/Microsoft.Network/networkInterfaces/test-nic",
    "properties": {
        "ipConfigurations": [
            {
                "name": "second",
                "properties": {
                    "privateIPAddress": "172.20.2.9",
                    "primary": False,
                    "subnet": {"id": f"{SUB}/Microsoft.Network/virtualNetworks/other/subnets/x"},
                },
            },
            {
                "name": "ipconfig1",
                "properties": {
                    "privateIPAddress": "172.20.2.4",
                    "privateIPAllocationMethod": "Dynamic",
                    "subnet": {
                        "id": f"{SUB}/Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default"
                    },
                    "primary": True,
                },
            },
        ],
        "enableIPForwarding": False,
        "networkSecurityGroup": {"id": f"{SUB}/Microsoft.Network/networkSecurityGroups/nsg"},
        "primary": True,
        "virtualMachine": {"id": f"{SUB}/Microsoft.Compute/virtualMachines/vm1"},
    },
}

VM = {
    "id": f"{SUB}/Microsoft.Compute/virtualMachines/vm1",
    "name": "vm1",
    "location": "eastus",
    "properties": {
        "hardwareProfile": {"vmSize": "Standard_A0"},
        "storageProfile": {"osDisk": {"osType": "Windows"}},
        "networkProfile": {
            "networkInterfaces": [{"id": f"{SUB}/Microsoft.Network/networkInterfaces/TEST-NIC"}]
        },
        "instanceView": {
            "statuses": [
                {"code": "ProvisioningState/succeeded"},
                {"code": "PowerState/deallocated"},
            ]
        },
    },
}


def test_vnet_with_subnets_peerings_and_gateway() -> None:
    vnet = mappers.vnet_from_json(VNET)
    assert (vnet.name, vnet.resource_group, vnet.subscription_id) == ("vnet1", "rg1", "subid")
    assert vnet.address_prefixes == ("10.0.0.0/8",)
    assert [s.name for s in vnet.subnets] == ["test-1", "GatewaySubnet"]
    assert vnet.subnets[0].address_prefixes == ("10.0.0.0/24",)
    assert vnet.subnets[0].nsg_id == f"{SUB}/microsoft.network/networkSecurityGroups/NSG1"
    assert vnet.subnets[0].route_table_id
    assert vnet.subnets[0].route_table_id.name == "rt1"
    assert vnet.subnets[1].address_prefixes == ("10.0.255.0/27",)
    assert vnet.has_gateway
    (peering,) = vnet.peerings
    assert peering.vnet_id == vnet.id
    assert peering.remote_vnet_id.name == "vnet2"
    assert peering.state is PeeringState.CONNECTED
    assert peering.sync_level is SyncLevel.LOCAL_NOT_IN_SYNC
    assert peering.needs_sync
    assert peering.flags.allow_forwarded_traffic
    assert not peering.flags.use_remote_gateways
    assert peering.remote_address_prefixes == ("12.0.0.0/8",)
    assert peering.remote_vnet_address_prefixes == ("12.0.0.0/8", "13.0.0.0/8")


def test_empty_gateway_subnet_is_not_a_gateway() -> None:
    body = json.loads(json.dumps(VNET))
    body["properties"]["subnets"][1]["properties"].pop("ipConfigurations")
    assert not mappers.vnet_from_json(body).has_gateway


def test_vm_joined_with_its_nic_case_insensitively() -> None:
    (vm,) = mappers.vms_from_json([VM], [NIC])
    assert (vm.size, vm.os_type, vm.power_state) == (
        "Standard_A0",
        "Windows",
        PowerState.DEALLOCATED,
    )
    assert vm.private_ip == "172.20.2.4"  # the primary ip configuration, though listed second
    assert vm.nics[0].private_ips == ("172.20.2.4", "172.20.2.9")
    assert vm.subnet_id is not None
    assert vm.subnet_id.name == "default"
    assert vm.vnet_id is not None
    assert vm.vnet_id.name == "rg1-vnet"
    assert vm.nics[0].nsg_id is not None
    assert vm.nics[0].nsg_id.name == "nsg"


def test_vm_primary_nic_from_network_profile() -> None:
    nic2 = json.loads(
        json.dumps(NIC).replace("test-nic", "nic2").replace("172.20.2.4", "172.20.3.4")
    )
    vm = json.loads(json.dumps(VM))
    vm["properties"]["networkProfile"]["networkInterfaces"] = [
        {"id": NIC["id"], "properties": {"primary": False}},
        {"id": nic2["id"], "properties": {"primary": True}},
    ]
    (joined,) = mappers.vms_from_json([vm], [NIC, nic2])
    assert [n.primary for n in joined.nics] == [False, True]
    assert joined.private_ip == "172.20.3.4"


def test_missing_fields_give_defaults_not_errors() -> None:
    vnet = mappers.vnet_from_json({"id": f"{SUB}/Microsoft.Network/virtualNetworks/bare"})
    assert (vnet.name, vnet.address_prefixes, vnet.subnets, vnet.peerings) == ("bare", (), (), ())
    (vm,) = mappers.vms_from_json([{"id": f"{SUB}/Microsoft.Compute/virtualMachines/v"}], [])
    assert vm.power_state is PowerState.UNKNOWN
    assert vm.nics == ()
    assert vm.private_ip is None
    peering = mappers.peering_from_json({"id": f"{VNET['id']}/virtualNetworkPeerings/p"})
    assert peering.state is PeeringState.UNKNOWN
    assert peering.vnet_id == VNET["id"]
    assert peering.sync_level is SyncLevel.FULLY_IN_SYNC


def test_nsg_rules_custom_and_default() -> None:
    body = {
        "id": f"{SUB}/Microsoft.Network/networkSecurityGroups/nsg1",
        "name": "nsg1",
        "properties": {
            "securityRules": [
                {
                    "name": "deny-80",
                    "properties": {
                        "protocol": "Tcp",
                        "sourcePortRange": "*",
                        "destinationPortRanges": ["80", "8080"],
                        "sourceAddressPrefixes": ["10.1.0.0/16", "10.3.0.0/16"],
                        "destinationAddressPrefix": "*",
                        "access": "Deny",
                        "priority": 100,
                        "direction": "Inbound",
                    },
                },
                {"name": "broken", "properties": {"direction": "Inbound"}},
            ],
            "defaultSecurityRules": [
                {
                    "name": "AllowVnetInBound",
                    "properties": {
                        "protocol": "*",
                        "sourcePortRange": "*",
                        "destinationPortRange": "*",
                        "sourceAddressPrefix": "VirtualNetwork",
                        "destinationAddressPrefix": "VirtualNetwork",
                        "access": "Allow",
                        "priority": 65000,
                        "direction": "Inbound",
                    },
                }
            ],
        },
    }
    nsg = mappers.nsg_from_json(body)
    assert [r.name for r in nsg.ordered(Direction.INBOUND)] == ["deny-80", "AllowVnetInBound"]
    deny = nsg.rules[0]
    assert deny.destination_ports == ("80", "8080")
    assert deny.source_prefixes == ("10.1.0.0/16", "10.3.0.0/16")
    assert not deny.is_default
    assert nsg.rules[1].is_default


def test_route_table_and_subscription() -> None:
    table = mappers.route_table_from_json(
        {
            "id": f"{SUB}/Microsoft.Network/routeTables/rt1",
            "name": "rt1",
            "properties": {
                "routes": [
                    {
                        "name": "to-nva",
                        "properties": {
                            "addressPrefix": "10.2.0.0/16",
                            "nextHopType": "VirtualAppliance",
                            "nextHopIpAddress": "10.0.1.4",
                        },
                    }
                ]
            },
        }
    )
    assert table.routes[0].next_hop_ip == "10.0.1.4"
    assert table.routes[0].next_hop_type == "VirtualAppliance"
    sub = mappers.subscription_from_json(
        {
            "id": "/subscriptions/291bba3f",
            "subscriptionId": "291bba3f",
            "displayName": "Example",
            "state": "Enabled",
            "tenantId": "t1",
        }
    )
    assert (sub.id, sub.name, sub.state, sub.tenant_id) == ("291bba3f", "Example", "Enabled", "t1")


# Microsoft's examples live beside the repository (../shared), not in it; skip without them.
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIRS = [
    ROOT.parent / "shared" / "arm-examples",
    ROOT.parent.parent / "shared" / "arm-examples",
]


def _example(name: str) -> dict[str, Any]:
    path = next((d / name for d in EXAMPLE_DIRS if (d / name).exists()), None)
    if path is None:
        pytest.skip(f"arm-examples/{name} not present")
    body: dict[str, Any] = json.loads(path.read_text())["responses"]["200"]["body"]
    return body


def test_published_examples_map_without_loss() -> None:
    vnets = [
        mappers.vnet_from_json(b) for b in _example("network.VirtualNetworkListAll.json")["value"]
    ]
    assert [v.address_prefixes for v in vnets] == [("10.0.0.0/8",), ("10.0.0.0/16",)]
    nics = _example("network.NetworkInterfaceListAll.json")["value"]
    vm_bodies = [
        {
            "id": f"{SUB}/Microsoft.Compute/virtualMachines/vm1",
            "properties": {"networkProfile": {"networkInterfaces": [{"id": nics[0]["id"]}]}},
        }
    ]
    (vm,) = mappers.vms_from_json(vm_bodies, nics)
    assert vm.private_ip == "172.20.2.4"
    nsg = mappers.nsg_from_json(_example("network.NetworkSecurityGroupListAll.json")["value"][0])
    assert len(nsg.rules) == 6
    assert all(r.is_default for r in nsg.rules)
    peerings = [
        mappers.peering_from_json(b)
        for b in _example("network.VirtualNetworkPeeringList.json")["value"]
    ]
    assert [p.remote_vnet_id.name for p in peerings] == ["vnet2", "vnet3"]
    assert all(p.state is PeeringState.INITIATED for p in peerings)
    (sub, _) = (
        mappers.subscription_from_json(b)
        for b in _example("resources.GetSubscriptions.json")["value"]
    )
    assert sub.name == "Example Subscription"


def test_power_state_joined_from_the_status_list_by_id() -> None:
    model = json.loads(json.dumps(VM))
    del model["properties"]["instanceView"]
    status = {
        "id": VM["id"].upper(),
        "properties": {"instanceView": {"statuses": [{"code": "PowerState/stopped"}]}},
    }
    (vm,) = mappers.vms_from_json([model], [NIC], [status])
    assert vm.power_state is PowerState.STOPPED
    assert vm.private_ip == "172.20.2.4"
    (alone,) = mappers.vms_from_json([model], [NIC])
    assert alone.power_state is PowerState.UNKNOWN


def test_values_many_resources_repeat_are_held_once() -> None:
    """10,000 VNets in a few regions hold a few region strings, and links a few flag sets."""
    from tui.azure.mappers import vnet_from_json

    def body(name: str) -> dict[str, object]:
        return {
            "id": f"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/"
                  f"virtualNetworks/{name}",
            "name": name, "location": "".join(["west", "europe"]),
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                           "virtualNetworkPeerings": [{
                               "id": f"/subscriptions/s1/resourceGroups/rg/providers/"
                                     f"Microsoft.Network/virtualNetworks/{name}/"
                                     "virtualNetworkPeerings/p",
                               "name": "p", "properties": {"allowForwardedTraffic": True}}]},
        }

    a, b = vnet_from_json(body("a")), vnet_from_json(body("b"))
    assert a.location is b.location
    assert a.resource_group is b.resource_group
    assert a.peerings[0].flags is b.peerings[0].flags
    assert a.peerings[0].flags.allow_forwarded_traffic


def test_a_link_shares_its_remote_vnets_id() -> None:
    """Either way round the pages come, a link's remote id is the remote VNet's own id
    object (one string for both), unless the two are cased differently: ids show as given."""
    from tui.azure.mappers import vnet_from_json

    base = "/subscriptions/s9/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/"

    def body(name: str, *remotes: str) -> dict[str, object]:
        return {
            "id": "".join([base, name]), "name": name, "location": "westeurope",
            "properties": {"virtualNetworkPeerings": [{
                "id": f"{base}{name}/virtualNetworkPeerings/to-{r}", "name": f"to-{r}",
                "properties": {"remoteVirtualNetwork": {"id": "".join([base, r])}}}
                for r in remotes]},
        }

    hub = vnet_from_json(body("hub", "spoke1", "SPOKE2"))  # before its spokes
    spoke1 = vnet_from_json(body("spoke1", "hub"))
    spoke2 = vnet_from_json(body("spoke2", "hub"))
    assert spoke1.peerings[0].remote_vnet_id is hub.id
    assert hub.peerings[0].remote_vnet_id is spoke1.id
    assert hub.peerings[1].remote_vnet_id == spoke2.id  # the same VNet, compared as ids
    assert hub.peerings[1].remote_vnet_id.endswith("SPOKE2")  # but shown as ARM wrote it
    assert spoke2.id.endswith("spoke2")


def test_a_links_address_spaces_are_its_vnets_own() -> None:
    """The three address spaces a link carries are held once with the equal spaces of its
    two VNets, not as copies per link."""
    from tui.azure.mappers import vnet_from_json

    base = "/subscriptions/s8/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/"

    def space(prefix: str) -> dict[str, list[str]]:
        return {"addressPrefixes": ["".join(prefix)]}  # a fresh string each time

    hub = vnet_from_json({
        "id": f"{base}hub", "name": "hub", "properties": {
            "addressSpace": space("10.80.0.0/16"),
            "virtualNetworkPeerings": [{
                "id": f"{base}hub/virtualNetworkPeerings/p", "name": "p",
                "properties": {"remoteVirtualNetwork": {"id": f"{base}spoke"},
                               "remoteAddressSpace": space("10.81.0.0/16"),
                               "remoteVirtualNetworkAddressSpace": space("10.81.0.0/16"),
                               "localAddressSpace": space("10.80.0.0/16")}}]}})
    spoke = vnet_from_json({"id": f"{base}spoke", "name": "spoke",
                            "properties": {"addressSpace": space("10.81.0.0/16")}})
    link = hub.peerings[0]
    assert link.local_address_prefixes is hub.address_prefixes
    assert link.remote_address_prefixes is spoke.address_prefixes
    assert link.remote_vnet_address_prefixes is spoke.address_prefixes
