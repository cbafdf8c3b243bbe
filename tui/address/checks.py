"""The checks on a prefix as it is typed (to add) or chosen (to remove), before anything is sent.

Azure refuses a VNet address space whose prefixes overlap each other, a prefix that overlaps
a VNet peered with it (`VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`) and removing a
prefix that still holds a subnet; each is an error here, worded with the names involved.
Overlapping a loaded VNet that is not peered is allowed by Azure but rules out peering the
two later: a warning.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringState, ResourceId, VirtualNetwork

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

PRIVATE_V4 = tuple(ipaddress.IPv4Network(p) for p in
                   ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))


class Severity(enum.StrEnum):
    ERROR = "error"  # Azure refuses it: the form will not send
    WARNING = "warning"  # allowed, but worth knowing


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str


@dataclass(frozen=True)
class PrefixCheck:
    """What the form shows under the field as a prefix is typed."""

    text: str
    prefix: str | None  # the canonical prefix when the text parses, else None
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.prefix is not None and not self.errors

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings if f.severity is Severity.WARNING)


def parse_prefix(text: str) -> tuple[Network | None, str | None]:
    """(network, None) for a valid CIDR prefix, else (None, why not, in a sentence)."""
    value = text.strip()
    if not value:
        return None, "Type a prefix such as 10.3.0.0/16."
    if "/" not in value:
        return None, f"{value} has no prefix length: write it as {value}/16 or similar."
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return None, f"{value} is not a CIDR prefix (e.g. 10.3.0.0/16)."
        return None, (f"{value} has host bits set: the range starts at {loose.network_address},"
                      f" so write {loose}.")
    return net, None


def _net(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def overlapping(prefix: Network, others: Iterable[str]) -> list[str]:
    """The prefixes of `others` that overlap `prefix` (same family only)."""
    found = []
    for text in others:
        other = _net(text)
        if other is not None and other.version == prefix.version and other.overlaps(prefix):
            found.append(text)
    return found


PeerSpace = tuple[ResourceId, str, tuple[str, ...], Peering | None]


def peers_of(inventory: Inventory, vnet: VirtualNetwork) -> list[PeerSpace]:
    """Every VNet peered with `vnet` (a link at either end, not Disconnected), with its name,
    the address space the new prefix must not overlap, and the link on `vnet` if any.

    For a whole-VNet link that is the peer's space as loaded, else as the link records it
    (current and peered). [U] For a subnet peering it is only what the peer exchanges (its
    peered subnets' prefixes): a VNet prefix of ours holds none of the peered subnets.
    """
    found: dict[ResourceId, PeerSpace] = {}
    for link in vnet.peerings:
        if link.state is PeeringState.DISCONNECTED or not link.remote_vnet_id:
            continue
        peer = inventory.vnet(link.remote_vnet_id)
        if link.is_subnet_peering:
            space = link.remote_address_prefixes
        elif peer is not None:
            space = peer.address_prefixes
        else:
            space = tuple(dict.fromkeys(link.remote_vnet_address_prefixes
                                        + link.remote_address_prefixes))
        name = peer.name if peer is not None else link.remote_vnet_id.name
        found[link.remote_vnet_id] = (link.remote_vnet_id, name, space, link)
    for other in inventory.vnets:
        back = other.peering_to(vnet.id)
        if other.id == vnet.id or back is None or other.id in found:
            continue
        if back.state is PeeringState.DISCONNECTED:
            continue
        space = back.local_address_prefixes if back.is_subnet_peering else other.address_prefixes
        found[other.id] = (other.id, other.name, space, None)
    return list(found.values())


def check_new_prefix(
    inventory: Inventory, vnet: VirtualNetwork, text: str, *,
    pending: Sequence[str] = (), removing: Sequence[str] = (),
) -> PrefixCheck:
    """Everything wrong (errors) or worth knowing (warnings) about adding `text` to `vnet`.

    `pending` are prefixes already chosen to add in the same change, `removing` those chosen
    to remove (they no longer count as the VNet's own).
    """
    net, problem = parse_prefix(text)
    if net is None:
        return PrefixCheck(text, None, (Finding(Severity.ERROR, problem or "Not a prefix."),))
    prefix = str(net)
    findings: list[Finding] = []
    gone = {_canonical(p) for p in removing}
    own = [p for p in vnet.address_prefixes if _canonical(p) not in gone]
    if prefix in {_canonical(p) for p in own} or prefix in {_canonical(p) for p in pending}:
        findings.append(Finding(Severity.ERROR, f"{vnet.name} already has {prefix}."))
        return PrefixCheck(text, prefix, tuple(findings))
    clash = overlapping(net, [*own, *pending])
    if clash:
        findings.append(Finding(Severity.ERROR, (
            f"{prefix} overlaps {vnet.name}'s own {', '.join(clash)}: the prefixes of one "
            "VNet must not overlap.")))
    peered: set[ResourceId] = set()
    for peer_id, name, space, link in peers_of(inventory, vnet):
        hit = overlapping(net, space)
        if hit:
            peered.add(peer_id)
            how = f" through {link.name}" if link is not None else ""
            findings.append(Finding(Severity.ERROR, (
                f"{prefix} overlaps {name} ({', '.join(hit)}), which is peered with "
                f"{vnet.name}{how}: Azure refuses it "
                "(VnetAddressSpaceOverlapsWithAlreadyPeeredVnet).")))
    for other in inventory.vnets:
        if other.id == vnet.id or other.id in peered:
            continue
        hit = overlapping(net, other.address_prefixes)
        if hit:
            sub = inventory.subscription(other.subscription_id)
            where = f" in {sub.name}" if sub else ""
            findings.append(Finding(Severity.WARNING, (
                f"{prefix} overlaps {other.name}{where} ({', '.join(hit)}): allowed, but "
                f"{vnet.name} and {other.name} could then never be peered as whole VNets.")))
    if net.version == 4 and not any(net.subnet_of(p) for p in PRIVATE_V4):
        findings.append(Finding(Severity.WARNING, (
            f"{prefix} is not a private range (RFC 1918 or 100.64.0.0/10): Azure accepts it, "
            "but traffic to those public addresses would stay inside the network.")))
    return PrefixCheck(text, prefix, tuple(findings))


def subnets_in(vnet: VirtualNetwork, prefix: str) -> list[tuple[str, str]]:
    """(subnet name, its prefix) for every subnet prefix inside `prefix`."""
    net = _net(prefix)
    found: list[tuple[str, str]] = []
    if net is None:
        return found
    for subnet in vnet.subnets:
        for text in subnet.address_prefixes:
            inner = _net(text)
            if inner is not None and inner.version == net.version and inner.overlaps(net):
                found.append((subnet.name, text))
    return found


def check_removal(
    vnet: VirtualNetwork, prefix: str, *, removing: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why `prefix` cannot be removed from `vnet` (empty: it can). `removing` are the other
    prefixes already chosen to remove in the same change."""
    wanted = _canonical(prefix)
    if wanted not in {_canonical(p) for p in vnet.address_prefixes}:
        return (f"{vnet.name} has no prefix {prefix}.",)
    held = subnets_in(vnet, prefix)
    if held:
        names = ", ".join(f"{name} ({text})" for name, text in held)
        return (f"{prefix} holds subnet{'s' if len(held) > 1 else ''} {names}: Azure refuses "
                "to remove a range with subnets in it (NetcfgSubnetRangeOutsideVnet); move or "
                "delete them first.",)
    left = {_canonical(p) for p in vnet.address_prefixes} - {wanted} - {
        _canonical(p) for p in removing}
    if not left:
        return (f"{prefix} is {vnet.name}'s last prefix: a VNet needs at least one.",)
    return ()


def _canonical(text: str) -> str:
    net = _net(text)
    return str(net) if net is not None else text
