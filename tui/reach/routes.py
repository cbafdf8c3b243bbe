"""A subnet's effective routes: system routes from its VNet and peerings, plus its UDRs.

Longest prefix wins; a UDR beats a system route of the same prefix
(virtual-networks-udr-overview.md).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringState, ResourceId, Subnet
from tui.reach.subnet_peering import carries

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# Azure's default system routes besides the VNet's own (virtual-networks-udr-overview.md):
# private ranges go nowhere unless a VNet, peering or UDR claims them.
_SYSTEM_DEFAULTS = (
    ("0.0.0.0/0", "Internet"),
    ("10.0.0.0/8", "None"),
    ("172.16.0.0/12", "None"),
    ("192.168.0.0/16", "None"),
    ("100.64.0.0/10", "None"),
)


@dataclass(frozen=True, slots=True)
class EffectiveRoute:
    """One route of a subnet's effective route table: a system route or a UDR."""

    prefix: str
    next_hop_type: str  # VnetLocal | VNetPeering | Internet | None | VirtualAppliance | ...
    next_hop_ip: str | None = None
    user: bool = False
    route_table_id: ResourceId | None = None
    route_table_name: str = ""
    route_name: str = ""
    peering: Peering | None = None  # the link a VNetPeering route comes from

    @property
    def hop(self) -> str:
        return self.next_hop_type.lower()

    def describe(self) -> str:
        target = self.next_hop_type + (f" {self.next_hop_ip}" if self.next_hop_ip else "")
        if self.user:
            return f"route {self.route_name} in {self.route_table_name}: {self.prefix} → {target}"
        return f"system route {self.prefix} → {target}"


def parse_ip(text: str | None) -> IPAddress | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def parse_network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def contains(prefix: str, ip: IPAddress) -> bool:
    net = parse_network(prefix)
    return net is not None and net.version == ip.version and ip in net


def _prefix_len(prefix: str) -> int:
    net = parse_network(prefix)
    return net.prefixlen if net else -1


def peered_prefixes(inventory: Inventory, peering: Peering) -> tuple[str, ...]:
    """What a link actually carries: the programmed remote space, else the remote VNet's."""
    if peering.remote_address_prefixes:
        return peering.remote_address_prefixes
    remote = inventory.vnet(peering.remote_vnet_id)
    return remote.address_prefixes if remote else peering.remote_vnet_address_prefixes


def effective_routes(inventory: Inventory, subnet: Subnet) -> list[EffectiveRoute]:
    """System routes of the subnet's VNet plus the UDRs of its route table (if loaded)."""
    vnet = inventory.vnet(subnet.vnet_id)
    routes: list[EffectiveRoute] = []
    claimed: set[str] = set()
    if vnet:
        for prefix in vnet.address_prefixes:
            routes.append(EffectiveRoute(prefix, "VnetLocal"))
            claimed.add(prefix)
        for peering in vnet.peerings:
            # A Connected link programs the peer's prefixes; Initiated/Disconnected ones don't.
            # A subnet peering programs routes only into its own (local) subnets.
            if peering.state is PeeringState.CONNECTED and carries(peering, subnet):
                for prefix in peered_prefixes(inventory, peering):
                    routes.append(EffectiveRoute(prefix, "VNetPeering", peering=peering))
                    claimed.add(prefix)
    for prefix, hop in _SYSTEM_DEFAULTS:
        if prefix not in claimed:  # a VNet using 10.0.0.0/8 itself turns that None into VnetLocal
            routes.append(EffectiveRoute(prefix, hop))
    table = inventory.route_table(subnet.route_table_id)
    if table:
        for route in table.routes:
            routes.append(EffectiveRoute(
                route.address_prefix, route.next_hop_type, route.next_hop_ip, user=True,
                route_table_id=table.id, route_table_name=table.name, route_name=route.name,
            ))
    return routes


def route_for(inventory: Inventory, subnet: Subnet, ip: str) -> EffectiveRoute | None:
    """The route the subnet uses for `ip`: longest prefix, a UDR winning a tie."""
    address = parse_ip(ip)
    if address is None:
        return None
    candidates = [r for r in effective_routes(inventory, subnet) if contains(r.prefix, address)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (_prefix_len(r.prefix), r.user))
