"""Which VNets one VNet can reach: directly, only through a hub's appliance or gateway, or
not at all. Peering is not transitive, and this is the picture of that.

Built on `tui.reach`: `peering_link` decides "directly" (peered both ways, Connected),
`route_for` reads each subnet's effective routes (system routes, peerings and the UDRs
loaded). Through a hub means: both VNets are peered directly with the hub, the routes of
one send the other's addresses to an appliance in the hub (a NIC with IP forwarding) or
to the hub's gateway (a link that uses it), the routes back do the same, and the links
to the hub accept forwarded traffic. An appliance's own rules cannot be seen, so this is
what the configuration allows, as the connectivity check says.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from tui.model import Inventory, NetworkInterface, VirtualNetwork
from tui.reach import VNetNames, peering_link, route_for
from tui.reach.routes import parse_network
from tui.topology.graph import Topology


class ReachKind(enum.StrEnum):
    SELF = "self"
    DIRECT = "direct"
    VIA_HUB = "via hub"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Reach:
    """How VNet `source` reaches one other VNet, and why, in a sentence."""

    kind: ReachKind
    reason: str
    hub: str = ""  # VIA_HUB: the hub's name


def _targets(vnet: VirtualNetwork) -> list[str]:
    """Addresses that stand for a VNet: the first host Azure hands out (.4) in each
    subnet, else in each prefix."""
    found = []
    for prefix in [p for s in vnet.subnets for p in s.address_prefixes] or vnet.address_prefixes:
        net = parse_network(prefix)
        if net is not None:
            found.append(str(net[4] if net.num_addresses > 4 else net.network_address))
    return found


class _Nics:
    """NICs by private address, built once per classification."""

    def __init__(self, inventory: Inventory) -> None:
        self.by_ip: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, NetworkInterface] = {}
        for vm in inventory.vms:
            for nic in vm.nics:
                for ip in nic.private_ips:
                    try:
                        self.by_ip.setdefault(ipaddress.ip_address(ip), nic)
                    except ValueError:
                        continue

    def appliance(self, ip: str | None) -> NetworkInterface | None:
        try:
            return self.by_ip.get(ipaddress.ip_address(ip or ""))
        except ValueError:
            return None


class _Classifier:
    def __init__(self, inventory: Inventory) -> None:
        self.inv = inventory
        self.names = VNetNames(inventory)
        self.nics = _Nics(inventory)

    def hop(self, src: VirtualNetwork, dst: VirtualNetwork, hub: VirtualNetwork) -> str | None:
        """How `src`'s routes take traffic for `dst` into `hub`, or None when none does."""
        for subnet in src.subnets:
            for ip in _targets(dst):
                route = route_for(self.inv, subnet, ip)
                if route is None:
                    continue
                if route.hop == "virtualappliance":
                    nic = self.nics.appliance(route.next_hop_ip)
                    if nic is not None and nic.ip_forwarding and nic.vnet_id == hub.id:
                        return f"appliance {route.next_hop_ip} ({nic.name})"
                elif route.hop == "virtualnetworkgateway":
                    link = src.peering_to(hub.id)
                    if hub.has_gateway and link is not None and link.flags.use_remote_gateways:
                        return f"{self.names.ref(hub)}'s gateway"
        return None

    def through(self, a: VirtualNetwork, b: VirtualNetwork, hub: VirtualNetwork) -> Reach:
        hn, an, bn = self.names.ref(hub), self.names.ref(a), self.names.ref(b)
        there, back = self.hop(a, b, hub), self.hop(b, a, hub)
        meet = f"{an} and {bn} meet only at {hn} (peering is not transitive)"
        if there is None and back is None:
            return Reach(ReachKind.NONE, f"{meet}; no route sends their traffic through "
                                         f"an appliance or gateway in {hn}")
        if there is None:
            return Reach(ReachKind.NONE, f"{meet}; {bn} routes to {an} through {back}, but "
                                         f"{an} has no route through {hn}")
        if back is None:
            return Reach(ReachKind.NONE, f"{meet}; {an} routes to {bn} through {there}, but "
                                         f"{bn} has no route back through {hn}")
        for vnet in (a, b):
            link = vnet.peering_to(hub.id)
            if link is not None and not link.flags.allow_forwarded_traffic:
                return Reach(ReachKind.NONE, f"{meet}; {link.name} on "
                                             f"{self.names.ref(vnet)} does not accept "
                                             f"traffic forwarded by {hn}")
        how = there if there == back else f"{there}, replies through {back}"
        return Reach(ReachKind.VIA_HUB, f"through {how} in {hn}", hn)

    def classify(self, a: VirtualNetwork, b: VirtualNetwork,
                 hubs: list[VirtualNetwork]) -> Reach:
        link = peering_link(self.inv, a, b, self.names)
        if link.ok:
            text = link.text + (" (VNet access is off on one side)" if link.blocked else "")
            return Reach(ReachKind.DIRECT, text)
        common = [h for h in hubs if h.id not in (a.id, b.id)
                  and peering_link(self.inv, a, h, self.names).ok
                  and peering_link(self.inv, h, b, self.names).ok]
        if not common:
            return Reach(ReachKind.NONE, link.text)
        answers = [self.through(a, b, hub) for hub in common]
        return next((r for r in answers if r.kind is ReachKind.VIA_HUB), answers[0])


def reach_from(inventory: Inventory, source: VirtualNetwork,
               others: list[VirtualNetwork]) -> Iterator[tuple[VirtualNetwork, Reach]]:
    """How `source` reaches each of `others` (VNets of its component, loaded)."""
    classifier = _Classifier(inventory)
    # Candidate hubs: the VNets `source` is peered with (a hub must be one of them).
    hubs = [v for p in source.peerings if (v := inventory.vnet(p.remote_vnet_id)) is not None]
    for other in others:
        if other.id == source.id:
            yield other, Reach(ReachKind.SELF, f"{classifier.names.ref(source)} itself")
        else:
            yield other, classifier.classify(source, other, hubs)


def reach_map(topology: Topology, key: str) -> dict[str, Reach]:
    """`reach_from` for the VNet `key` of `topology`, over its loaded VNets, by key (VNets
    that are not loaded are left out: nothing can be said of them)."""
    node = topology.nodes.get(key)
    if node is None or node.vnet is None:
        return {}
    others = [n.vnet for n in topology.nodes.values() if n.vnet is not None]
    return {other.id.casefold(): reach for other, reach in
            reach_from(topology.inventory, node.vnet, others)}
