"""Pieces of ARM bodies that the rules write as well as the estate builder: GUIDs derived
from names, NSG security rules (the default ones included) and a VM's instance view.

Apart from `builders` so that the rules (peerings, VNets, operations, routes) reach these
shapes without the builder, and each shape is written in one place.
"""

from __future__ import annotations

import hashlib
from typing import Any

DEFAULT_RULES: tuple[tuple[str, str, str, str, str, int, str], ...] = (
    # name, description, source, destination, access, priority, direction
    ("AllowVnetInBound", "Allow inbound traffic from all VMs in VNET",
     "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Inbound"),
    ("AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer",
     "AzureLoadBalancer", "*", "Allow", 65001, "Inbound"),
    ("DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"),
    ("AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET",
     "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Outbound"),
    ("AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet",
     "*", "Internet", "Allow", 65001, "Outbound"),
    ("DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"),
)


def stable_guid(*parts: str) -> str:
    """A GUID derived from names, so a scenario is the same every time it is built.

    The string `uuid.UUID(md5, version=4)` gives, formatted directly (a large estate makes
    hundreds of thousands of them)."""
    h = hashlib.md5("/".join(parts).encode()).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def security_rule(
    nsg_id: str,
    name: str,
    *,
    priority: int,
    direction: str,
    access: str,
    protocol: str = "Tcp",
    source: str = "*",
    destination: str = "*",
    destination_port: str = "*",
    source_port: str = "*",
    description: str | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "protocol": protocol,
        "sourcePortRange": source_port,
        "destinationPortRange": destination_port,
        "sourceAddressPrefix": source,
        "destinationAddressPrefix": destination,
        "access": access,
        "priority": priority,
        "direction": direction,
        "sourcePortRanges": [],
        "destinationPortRanges": [],
        "sourceAddressPrefixes": [],
        "destinationAddressPrefixes": [],
    }
    if description:
        props["description"] = description
    return {
        "name": name,
        "id": f"{nsg_id}/securityRules/{name}",
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": props,
    }


def default_security_rules(nsg_id: str) -> list[dict[str, Any]]:
    rules = []
    for name, description, source, destination, access, priority, direction in DEFAULT_RULES:
        rules.append({
            "name": name,
            "id": f"{nsg_id}/defaultSecurityRules/{name}",
            "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
            "properties": {
                "provisioningState": "Succeeded",
                "description": description,
                "protocol": "*",
                "sourcePortRange": "*",
                "destinationPortRange": "*",
                "sourceAddressPrefix": source,
                "destinationAddressPrefix": destination,
                "access": access,
                "priority": priority,
                "direction": direction,
            },
        })
    return rules


POWER_DISPLAY = {
    "running": "VM running",
    "stopped": "VM stopped",
    "deallocated": "VM deallocated",
    "starting": "VM starting",
    "stopping": "VM stopping",
    "deallocating": "VM deallocating",
}


def instance_view(power: str) -> dict[str, Any]:
    return {
        "statuses": [
            {
                "code": "ProvisioningState/succeeded",
                "level": "Info",
                "displayStatus": "Provisioning succeeded",
            },
            {
                "code": f"PowerState/{power}",
                "level": "Info",
                "displayStatus": POWER_DISPLAY.get(power, power),
            },
        ]
    }
