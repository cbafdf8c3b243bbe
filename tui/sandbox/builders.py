"""ARM bodies for the resources the sandbox serves, shaped like Microsoft's examples.

Scenarios and tests build their clouds with `Estate`, which keeps the cross-links ARM keeps
(a subnet lists the IP configurations in it, an NSG the NICs and subnets it is attached to,
a NIC its VM) so what the SDK reads back is internally consistent.

The shared pieces of bodies are in `bodies`, the type names and id helpers in `records`;
every name this module had is still importable from it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tui.sandbox.bodies import (
    DEFAULT_RULES,
    POWER_DISPLAY,
    default_security_rules,
    instance_view,
    security_rule,
    stable_guid,
)
from tui.sandbox.records import (
    GATEWAY_TYPE,
    NIC_TYPE,
    NSG_TYPE,
    PEERING_TYPE,
    PUBLIC_IP_TYPE,
    RESOURCE_GROUP_TYPE,
    ROUTE_TABLE_TYPE,
    SUBNET_TYPE,
    SUBSCRIPTION_TYPE,
    VM_TYPE,
    VNET_TYPE,
    WATCHER_TYPE,
    Resource,
    net_id,
    rg_id,
)
from tui.sandbox.tenants import HOME_TENANT
from tui.sandbox.transaction import Tx

SANDBOX_TENANT = HOME_TENANT

IMAGES: dict[str, dict[str, str]] = {
    "Windows Server 2016 Datacenter": {
        "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
        "sku": "2016-Datacenter", "version": "latest", "exactVersion": "14393.6452.231109",
    },
    "Windows Server 2019 Datacenter": {
        "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
        "sku": "2019-Datacenter", "version": "latest", "exactVersion": "17763.5122.231109",
    },
    "Ubuntu Server 22.04 LTS": {
        "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
        "sku": "22_04-lts-gen2", "version": "latest", "exactVersion": "22.04.202311010",
    },
}


def _mac(seed: str) -> str:
    digest = hashlib.md5(seed.encode()).hexdigest()[:10].upper()
    return "00-0D-" + "-".join(digest[i : i + 2] for i in range(0, 8, 2))


class Estate:
    """Resources under construction, keyed by lower-cased id, written in one go by `save`.

    A plain class: the sandbox's rules import this module for its names on the way to a
    first answer, and a dataclass compiles its methods from source on import."""

    __slots__ = ("location", "resources")

    def __init__(self, location: str = "westeurope") -> None:
        self.location = location
        self.resources: dict[str, Resource] = {}

    def _add(self, resource: Resource) -> Resource:
        self.resources[resource.key] = resource
        return resource

    def body(self, resource_id: str) -> dict[str, Any]:
        return self.resources[resource_id.lower()].body

    def save(self, tx: Tx) -> None:
        tx.put_many(self.resources.values())

    # --- containers ---------------------------------------------------------------------
    def subscription(self, sub: str, display_name: str, *, tenant: str = SANDBOX_TENANT) -> str:
        sid = f"/subscriptions/{sub}"
        self._add(Resource(sid, SUBSCRIPTION_TYPE, {
            "id": sid,
            "authorizationSource": "RoleBased",
            "managedByTenants": [],
            "subscriptionId": sub,
            "tenantId": tenant,
            "displayName": display_name,
            "state": "Enabled",
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
            "tags": {},
        }))
        return sub

    def resource_group(self, sub: str, rg: str, location: str | None = None) -> str:
        rid = rg_id(sub, rg)
        self._add(Resource(rid, RESOURCE_GROUP_TYPE, {
            "id": rid, "name": rg, "type": RESOURCE_GROUP_TYPE,
            "location": location or self.location,
            "properties": {"provisioningState": "Succeeded"},
        }))
        return rg

    # --- network ------------------------------------------------------------------------
    def vnet(
        self,
        sub: str,
        rg: str,
        name: str,
        prefixes: list[str],
        subnets: list[tuple[str, str]] | None = None,
        *,
        location: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        vid = net_id(sub, rg, "virtualNetworks", name)
        self._add(Resource(vid, VNET_TYPE, {
            "id": vid,
            "name": name,
            "type": VNET_TYPE,
            "location": location or self.location,
            "tags": dict(tags or {}),
            "properties": {
                "provisioningState": "Succeeded",
                "resourceGuid": stable_guid(vid),
                "addressSpace": {"addressPrefixes": list(prefixes)},
                "dhcpOptions": {"dnsServers": []},
                "subnets": [],
                "virtualNetworkPeerings": [],
                "enableDdosProtection": False,
            },
        }))
        for subnet_name, prefix in subnets or []:
            self.subnet(vid, subnet_name, prefix)
        return vid

    def subnet(self, vnet_id: str, name: str, prefix: str) -> str:
        sid = f"{vnet_id}/subnets/{name}"
        self.body(vnet_id)["properties"]["subnets"].append({
            "id": sid,
            "name": name,
            "type": SUBNET_TYPE,
            "properties": {
                "provisioningState": "Succeeded",
                "addressPrefix": prefix,
                "delegations": [],
                "privateEndpointNetworkPolicies": "Disabled",
                "privateLinkServiceNetworkPolicies": "Enabled",
            },
        })
        return sid

    def _subnet_props(self, subnet_id: str) -> dict[str, Any]:
        vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
        for subnet in self.body(vnet_id)["properties"]["subnets"]:
            if subnet["id"].lower() == subnet_id.lower():
                props: dict[str, Any] = subnet["properties"]
                return props
        raise KeyError(subnet_id)

    def nsg(
        self, sub: str, rg: str, name: str, rules: list[dict[str, Any]] | None = None,
        *, location: str | None = None,
    ) -> str:
        nid = net_id(sub, rg, "networkSecurityGroups", name)
        self._add(Resource(nid, NSG_TYPE, {
            "name": name,
            "id": nid,
            "type": NSG_TYPE,
            "location": location or self.location,
            "properties": {
                "provisioningState": "Succeeded",
                "resourceGuid": stable_guid(nid),
                "securityRules": list(rules or []),
                "defaultSecurityRules": default_security_rules(nid),
            },
        }))
        return nid

    def portal_basic_nsg(self, sub: str, rg: str, name: str, ports: list[int]) -> str:
        """The NSG the Portal creates for a VM with 'basic' NIC security and open ports:
        one Allow rule per selected inbound port, priorities from 300 (as the Portal does)."""
        nid = net_id(sub, rg, "networkSecurityGroups", name)
        names = {80: "HTTP", 443: "HTTPS", 22: "SSH", 3389: "RDP"}
        rules = [
            security_rule(nid, names.get(port, f"Port_{port}"), priority=300 + 20 * i,
                          direction="Inbound", access="Allow", destination_port=str(port))
            for i, port in enumerate(ports)
        ]
        return self.nsg(sub, rg, name, rules)

    def attach_nsg_to_subnet(self, subnet_id: str, nsg_id: str) -> None:
        self._subnet_props(subnet_id)["networkSecurityGroup"] = {"id": nsg_id}
        self.body(nsg_id)["properties"].setdefault("subnets", []).append({"id": subnet_id})

    def route_table(
        self, sub: str, rg: str, name: str, routes: list[tuple[str, str, str, str | None]],
        *, location: str | None = None,
    ) -> str:
        """Routes as (name, addressPrefix, nextHopType, nextHopIpAddress)."""
        tid = net_id(sub, rg, "routeTables", name)
        route_bodies = []
        for route_name, prefix, hop_type, hop_ip in routes:
            props: dict[str, Any] = {
                "provisioningState": "Succeeded",
                "addressPrefix": prefix,
                "nextHopType": hop_type,
                "hasBgpOverride": False,
            }
            if hop_ip:
                props["nextHopIpAddress"] = hop_ip
            route_bodies.append({
                "name": route_name, "id": f"{tid}/routes/{route_name}",
                "type": "Microsoft.Network/routeTables/routes", "properties": props,
            })
        self._add(Resource(tid, ROUTE_TABLE_TYPE, {
            "name": name, "id": tid, "type": ROUTE_TABLE_TYPE,
            "location": location or self.location,
            "properties": {
                "provisioningState": "Succeeded",
                "resourceGuid": stable_guid(tid),
                "disableBgpRoutePropagation": False,
                "routes": route_bodies,
            },
        }))
        return tid

    def attach_route_table(self, subnet_id: str, table_id: str) -> None:
        self._subnet_props(subnet_id)["routeTable"] = {"id": table_id}
        self.body(table_id)["properties"].setdefault("subnets", []).append({"id": subnet_id})

    def gateway(self, sub: str, rg: str, name: str, vnet_id: str) -> str:
        """A route-based VPN gateway in the VNet's GatewaySubnet (which must exist).

        The VNet shows it the way ARM does: the GatewaySubnet's `ipConfigurations` lists the
        gateway's IP configuration, which is how a client can tell the VNet has a gateway.
        """
        gid = net_id(sub, rg, "virtualNetworkGateways", name)
        pip = net_id(sub, rg, "publicIPAddresses", f"{name}-pip")
        subnet_id = f"{vnet_id}/subnets/GatewaySubnet"
        ipconfig_id = f"{gid}/ipConfigurations/default"
        self._add(Resource(pip, PUBLIC_IP_TYPE, {
            "name": f"{name}-pip", "id": pip, "type": PUBLIC_IP_TYPE, "location": self.location,
            "sku": {"name": "Standard", "tier": "Regional"},
            "properties": {
                "provisioningState": "Succeeded", "publicIPAllocationMethod": "Static",
                "publicIPAddressVersion": "IPv4", "ipAddress": "20.0.0.1",
                "ipConfiguration": {"id": ipconfig_id},
            },
        }))
        self._add(Resource(gid, GATEWAY_TYPE, {
            "name": name, "id": gid, "type": GATEWAY_TYPE, "location": self.location,
            "properties": {
                "provisioningState": "Succeeded",
                "resourceGuid": stable_guid(gid),
                "gatewayType": "Vpn",
                "vpnType": "RouteBased",
                "vpnGatewayGeneration": "Generation1",
                "enableBgp": False,
                "activeActive": False,
                "sku": {"name": "VpnGw1", "tier": "VpnGw1", "capacity": 2},
                "ipConfigurations": [{
                    "name": "default", "id": ipconfig_id,
                    "properties": {
                        "provisioningState": "Succeeded",
                        "privateIPAllocationMethod": "Dynamic",
                        "subnet": {"id": subnet_id},
                        "publicIPAddress": {"id": pip},
                    },
                }],
            },
        }, ref=vnet_id))
        self._subnet_props(subnet_id).setdefault("ipConfigurations", []).append(
            {"id": ipconfig_id}
        )
        return gid

    def nic(
        self,
        sub: str,
        rg: str,
        name: str,
        subnet_id: str,
        private_ip: str,
        *,
        nsg_id: str | None = None,
        ip_forwarding: bool = False,
    ) -> str:
        nid = net_id(sub, rg, "networkInterfaces", name)
        ipconfig_id = f"{nid}/ipConfigurations/ipconfig1"
        props: dict[str, Any] = {
            "provisioningState": "Succeeded",
            "resourceGuid": stable_guid(nid),
            "ipConfigurations": [{
                "name": "ipconfig1",
                "id": ipconfig_id,
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "properties": {
                    "provisioningState": "Succeeded",
                    "privateIPAddress": private_ip,
                    "privateIPAllocationMethod": "Dynamic",
                    "subnet": {"id": subnet_id},
                    "primary": True,
                    "privateIPAddressVersion": "IPv4",
                },
            }],
            "dnsSettings": {
                "dnsServers": [],
                "appliedDnsServers": [],
                "internalDomainNameSuffix": f"{stable_guid(sub)[:12]}.ax.internal.cloudapp.net",
            },
            "macAddress": _mac(nid),
            "enableAcceleratedNetworking": False,
            "disableTcpStateTracking": False,
            "enableIPForwarding": ip_forwarding,
            "vnetEncryptionSupported": False,
            "primary": True,
            "nicType": "Standard",
        }
        if nsg_id:
            props["networkSecurityGroup"] = {"id": nsg_id}
            self.body(nsg_id)["properties"].setdefault("networkInterfaces", []).append(
                {"id": nid}
            )
        self._add(Resource(nid, NIC_TYPE, {
            "name": name, "id": nid, "type": NIC_TYPE, "location": self.location,
            "properties": props,
        }, ref=subnet_id))
        self._subnet_props(subnet_id).setdefault("ipConfigurations", []).append(
            {"id": ipconfig_id}
        )
        return nid

    def network_watcher(self, sub: str, location: str | None = None) -> str:
        """What Azure creates on its own with a subscription's first VNet in a region."""
        where = location or self.location
        rg = "NetworkWatcherRG"
        if rg_id(sub, rg).lower() not in self.resources:
            self.resource_group(sub, rg, where)
        wid = net_id(sub, rg, "networkWatchers", f"NetworkWatcher_{where}")
        self._add(Resource(wid, WATCHER_TYPE, {
            "name": f"NetworkWatcher_{where}", "id": wid, "type": WATCHER_TYPE,
            "location": where, "properties": {"provisioningState": "Succeeded"},
        }))
        return wid

    # --- compute ------------------------------------------------------------------------
    def vm(
        self,
        sub: str,
        rg: str,
        name: str,
        nic_id: str,
        *,
        image: str = "Windows Server 2016 Datacenter",
        size: str = "Standard_B2s",
        power: str = "running",
        tags: dict[str, str] | None = None,
    ) -> str:
        vid = f"{rg_id(sub, rg)}/providers/Microsoft.Compute/virtualMachines/{name}"
        ref = IMAGES[image]
        windows = ref["publisher"] == "MicrosoftWindowsServer"
        os_profile: dict[str, Any] = {
            "computerName": name,
            "adminUsername": "azureuser",
            "secrets": [],
            "allowExtensionOperations": True,
            "requireGuestProvisionSignal": True,
        }
        if windows:
            os_profile["windowsConfiguration"] = {
                "provisionVMAgent": True, "enableAutomaticUpdates": True,
                "patchSettings": {"patchMode": "AutomaticByOS", "assessmentMode": "ImageDefault"},
            }
        else:
            os_profile["linuxConfiguration"] = {
                "disablePasswordAuthentication": True, "provisionVMAgent": True,
                "patchSettings": {"patchMode": "ImageDefault", "assessmentMode": "ImageDefault"},
            }
        disk = f"{name}_OsDisk_1_{stable_guid(vid).replace('-', '')}"
        self._add(Resource(vid, VM_TYPE, {
            "name": name,
            "id": vid,
            "type": VM_TYPE,
            "location": self.location,
            "tags": dict(tags or {}),
            "properties": {
                "vmId": stable_guid(vid),
                "hardwareProfile": {"vmSize": size},
                "storageProfile": {
                    "imageReference": ref,
                    "osDisk": {
                        "osType": "Windows" if windows else "Linux",
                        "name": disk,
                        "createOption": "FromImage",
                        "caching": "ReadWrite",
                        "managedDisk": {
                            "storageAccountType": "Premium_LRS",
                            "id": f"{rg_id(sub, rg)}/providers/Microsoft.Compute/disks/{disk}",
                        },
                        "deleteOption": "Delete",
                        "diskSizeGB": 127 if windows else 30,
                    },
                    "dataDisks": [],
                },
                "osProfile": os_profile,
                "networkProfile": {
                    "networkInterfaces": [{"id": nic_id, "properties": {"primary": True}}]
                },
                "provisioningState": "Succeeded",
                # Stored with the VM; served only when the caller asks for the instance view.
                "instanceView": instance_view(power),
            },
        }))
        self.body(nic_id)["properties"]["virtualMachine"] = {"id": vid}
        return vid



__all__ = [
    "DEFAULT_RULES", "GATEWAY_TYPE", "IMAGES", "NIC_TYPE", "NSG_TYPE", "PEERING_TYPE",
    "POWER_DISPLAY", "PUBLIC_IP_TYPE", "ROUTE_TABLE_TYPE", "SANDBOX_TENANT", "SUBNET_TYPE",
    "VM_TYPE", "VNET_TYPE", "WATCHER_TYPE", "Estate", "default_security_rules",
    "instance_view", "net_id", "rg_id", "security_rule", "stable_guid",
]
