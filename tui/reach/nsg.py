"""NSG evaluation: which rule of a security group decides a flow, and what service tags cover.

Rules by priority, first match wins; every NSG ends in the default rules
(network-security-groups-overview.md).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.model import (
    Direction,
    Inventory,
    NetworkSecurityGroup,
    PeeringState,
    SecurityRule,
    Subnet,
    VirtualNetwork,
)
from tui.reach.routes import IPAddress, contains, parse_ip, peered_prefixes
from tui.reach.subnet_peering import carries
from tui.reach.verdict import Level, RuleMatch

HOST_VIP = "168.63.129.16"  # Azure's host address: health probes, DNS; in the VirtualNetwork tag
EPHEMERAL_PORTS = (1024, 65535)


def _default_rule(name: str, priority: int, direction: Direction, access: str,
                  src: str, dst: str) -> SecurityRule:
    return SecurityRule(name, priority, direction, access, "*", (src,), ("*",), (dst,), ("*",),
                        is_default=True)


# Every NSG carries these (network.NetworkSecurityGroupListAll.json); used when a loaded NSG
# body does not list them.
DEFAULT_RULES: tuple[SecurityRule, ...] = (
    _default_rule("AllowVnetInBound", 65000, Direction.INBOUND, "Allow",
                  "VirtualNetwork", "VirtualNetwork"),
    _default_rule("AllowAzureLoadBalancerInBound", 65001, Direction.INBOUND, "Allow",
                  "AzureLoadBalancer", "*"),
    _default_rule("DenyAllInBound", 65500, Direction.INBOUND, "Deny", "*", "*"),
    _default_rule("AllowVnetOutBound", 65000, Direction.OUTBOUND, "Allow",
                  "VirtualNetwork", "VirtualNetwork"),
    _default_rule("AllowInternetOutBound", 65001, Direction.OUTBOUND, "Allow", "*", "Internet"),
    _default_rule("DenyAllOutBound", 65500, Direction.OUTBOUND, "Deny", "*", "*"),
)


def virtual_network_tag(inventory: Inventory, vnet: VirtualNetwork,
                        subnet: Subnet | None = None) -> list[str]:
    """What the `VirtualNetwork` service tag covers for traffic at this VNet (and subnet).

    The VNet's prefixes, its Connected peers' prefixes where VNet access is allowed on both
    links (the safe model of azure-facts.md section 7), the host address 168.63.129.16 and
    the prefixes of the UDRs on the subnet (service-tags-overview.md lists "address prefixes
    used on user-defined routes"; [U] that only the subnet's own route table counts).
    """
    prefixes = list(vnet.address_prefixes)
    for peering in vnet.peerings:
        if peering.state is not PeeringState.CONNECTED or (
                subnet is not None and not carries(peering, subnet)):
            continue
        back = inventory.reverse_of(peering)
        if peering.flags.allow_virtual_network_access and (
            back is None or back.flags.allow_virtual_network_access
        ):
            prefixes.extend(peered_prefixes(inventory, peering))
    prefixes.append(f"{HOST_VIP}/32")
    table = inventory.route_table(subnet.route_table_id) if subnet else None
    if table:
        prefixes.extend(r.address_prefix for r in table.routes)
    return prefixes


def _address_matches(prefix: str, ip: IPAddress, vnet_tag: Sequence[str]) -> bool:
    text = prefix.strip()
    low = text.lower()
    if low in ("*", "any", ""):
        return True
    if low == "virtualnetwork":
        return any(contains(p, ip) for p in vnet_tag)
    if low == "internet":
        # Public address space outside the VirtualNetwork tag.
        return ip.is_global and not any(contains(p, ip) for p in vnet_tag)
    if low == "azureloadbalancer":
        return ip == ipaddress.ip_address(HOST_VIP)
    # A CIDR or single address; any other service tag never holds a VM's private address.
    return contains(text, ip)


def _port_ranges(specs: Iterable[str]) -> list[tuple[int, int]] | None:
    """Parse "80", "1000-2000", "*" (also comma-separated); None means every port."""
    ranges: list[tuple[int, int]] = []
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if part in ("*", "any", "Any", "0-65535"):
                return None
            low, sep, high = part.partition("-")
            try:
                start = int(low)
                end = int(high) if sep else start
            except ValueError:
                continue  # a malformed range matches nothing
            ranges.append((start, end))
    return ranges


def _port_matches(specs: Sequence[str], port: int) -> bool:
    ranges = _port_ranges(specs)
    return ranges is None or any(start <= port <= end for start, end in ranges)


def _covers_ephemeral(specs: Sequence[str]) -> bool:
    """The client's source port is unknown: a rule's source ports count only when they
    cover every ephemeral port, as `*` does."""
    ranges = _port_ranges(specs)
    low, high = EPHEMERAL_PORTS
    return ranges is None or any(start <= low and high <= end for start, end in ranges)


def _protocol_matches(rule_protocol: str, protocol: str) -> bool:
    return rule_protocol.strip().lower() in ("*", "any", protocol)


@dataclass(frozen=True, slots=True)
class Flow:
    """One direction of traffic as an NSG sees it."""

    source_ip: str
    destination_ip: str
    port: int
    protocol: str  # tcp | udp | icmp


def rule_matches(rule: SecurityRule, flow: Flow, vnet_tag: Sequence[str]) -> bool:
    src, dst = parse_ip(flow.source_ip), parse_ip(flow.destination_ip)
    if src is None or dst is None or not _protocol_matches(rule.protocol, flow.protocol):
        return False
    if flow.protocol != "icmp" and not (
        _port_matches(rule.destination_ports, flow.port) and _covers_ephemeral(rule.source_ports)
    ):
        return False
    return (any(_address_matches(p, src, vnet_tag) for p in rule.source_prefixes)
            and any(_address_matches(p, dst, vnet_tag) for p in rule.destination_prefixes))


def rules_in_order(nsg: NetworkSecurityGroup,
                   direction: Direction) -> list[tuple[SecurityRule, bool]]:
    """The NSG's rules of one direction by priority, with `implicit` set on default rules
    added because the loaded body did not carry them."""
    own = [(r, False) for r in nsg.ordered(direction)]
    if not any(r.is_default or r.priority >= 65000 for r, _ in own):
        own.extend((r, True) for r in DEFAULT_RULES if r.direction == direction)
    return sorted(own, key=lambda pair: pair[0].priority)


def evaluate_nsg(nsg: NetworkSecurityGroup, direction: Direction, flow: Flow,
                 vnet_tag: Sequence[str], level: Level) -> RuleMatch:
    """First matching rule by priority; the default DenyAll rules guarantee a match."""
    for rule, implicit in rules_in_order(nsg, direction):
        if rule_matches(rule, flow, vnet_tag):
            return RuleMatch(rule.name, rule.priority, rule.access, direction, nsg.id, nsg.name,
                             level, rule.is_default or implicit, implicit)
    # Unreachable with the defaults in place; kept so a malformed body cannot crash a check.
    return RuleMatch("DenyAll", 65500, "Deny", direction, nsg.id, nsg.name, level, True, True)
