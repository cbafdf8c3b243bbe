"""Subnet peering: which prefixes each side exchanges, and when two VNets that overlap as a
whole can still be connected (azure-facts section 8).

With `peerCompleteVnets: false` only the chosen subnets' prefixes are exchanged, so Azure's
overlap rule applies to those, not to the VNets' spaces: two VNets built from one template
can be peered by subnets as long as the chosen subnets do not overlap.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringState, SubnetSelection, VirtualNetwork

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _net(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def exposure(vnet: VirtualNetwork, names: Iterable[str], ipv6_only: bool = False
             ) -> tuple[str, ...]:
    """The prefixes of `vnet`'s subnets named in `names` (IPv6 ones only with `ipv6_only`):
    what that side exchanges on a subnet peering."""
    wanted = {n.lower() for n in names}
    found: list[str] = []
    for subnet in vnet.subnets:
        if subnet.name.lower() not in wanted:
            continue
        for text in subnet.address_prefixes:
            net = _net(text)
            if net is not None and (not ipv6_only or net.version == 6):
                found.append(text)
    return tuple(found)


def missing_subnets(vnet: VirtualNetwork, names: Iterable[str]) -> list[str]:
    have = {s.name.lower() for s in vnet.subnets}
    return [n for n in names if n.lower() not in have]


def overlapping_pairs(ours: Iterable[str], theirs: Iterable[str]) -> list[tuple[str, str]]:
    """Every (our prefix, their prefix) pair that overlaps (same IP family)."""
    mine = [(t, n) for t in ours if (n := _net(t)) is not None]
    other = [(t, n) for t in theirs if (n := _net(t)) is not None]
    return [(a, b) for a, na in mine for b, nb in other
            if na.version == nb.version and na.overlaps(nb)]


def vnets_overlap(a: VirtualNetwork, b: VirtualNetwork) -> list[tuple[str, str]]:
    return overlapping_pairs(a.address_prefixes, b.address_prefixes)


@dataclass(frozen=True)
class SubnetRoute:
    """For two VNets that overlap as a whole: the subnets subnet peering could connect.

    Each subnet listed overlaps no subnet on the other side, so any choice among them is a
    valid subnet peering as far as overlap goes; empty on either side means it cannot help.
    """

    local: tuple[str, ...]
    remote: tuple[str, ...]

    @property
    def possible(self) -> bool:
        return bool(self.local and self.remote)

    def selection(self) -> SubnetSelection:
        return SubnetSelection(self.local, self.remote)

    def describe(self, local_name: str, remote_name: str) -> str:
        if not self.possible:
            return (f"subnet peering cannot help: every subnet of "
                    f"{local_name if not self.local else remote_name} overlaps one of "
                    f"{remote_name if not self.local else local_name}'s")
        return (f"subnet peering can connect them: {local_name}'s {', '.join(self.local)} "
                f"with {remote_name}'s {', '.join(self.remote)} (these overlap nothing on "
                "the other side)")


def subnet_route(local: VirtualNetwork, remote: VirtualNetwork) -> SubnetRoute:
    """Which subnets of each VNet overlap no subnet of the other (see SubnetRoute)."""
    def free(mine: VirtualNetwork, other: VirtualNetwork) -> tuple[str, ...]:
        theirs = [p for s in other.subnets for p in s.address_prefixes]
        return tuple(s.name for s in mine.subnets
                     if s.address_prefixes and not overlapping_pairs(s.address_prefixes,
                                                                     theirs))
    return SubnetRoute(free(local, remote), free(remote, local))


def _peer_spaces(inventory: Inventory, hub: VirtualNetwork, skip: Sequence[VirtualNetwork]
                 ) -> list[tuple[str, tuple[str, ...]]]:
    """(name, space it exchanges with `hub`) for every VNet already peered with `hub`."""
    found = []
    skipped = {v.id for v in skip}
    for link in hub.peerings:
        if link.remote_vnet_id in skipped or link.state is PeeringState.DISCONNECTED:
            continue
        peer = inventory.vnet(link.remote_vnet_id)
        if link.is_subnet_peering:
            space = link.remote_address_prefixes
        elif peer is not None:
            space = peer.address_prefixes
        else:
            space = link.remote_vnet_address_prefixes or link.remote_address_prefixes
        found.append((peer.name if peer else link.remote_vnet_id.name, space))
    return found


def subnet_problems(inventory: Inventory, local: VirtualNetwork, remote: VirtualNetwork,
                    selection: SubnetSelection) -> list[str]:
    """Why Azure would refuse this subnet peering (as sentences; empty: it would not)."""
    problems: list[str] = []
    for vnet, names, which in ((local, selection.local, "this side"),
                               (remote, selection.remote, "the remote side")):
        if not names:
            problems.append(f"Choose at least one subnet of {vnet.name} ({which}) to peer.")
            continue
        missing = missing_subnets(vnet, names)
        if missing:
            problems.append(f"{vnet.name} has no subnet {', '.join(missing)}.")
        elif selection.ipv6_only and not exposure(vnet, names, True):
            problems.append(f"IPv6 only: {vnet.name}'s {', '.join(names)} have no IPv6 "
                            "prefix (dual-stack subnets are needed).")
    if problems:
        return problems
    ours = exposure(local, selection.local, selection.ipv6_only)
    theirs = exposure(remote, selection.remote, selection.ipv6_only)
    clash = overlapping_pairs(ours, theirs)
    if clash:
        pairs = ", ".join(f"{a} and {b}" for a, b in clash)
        problems.append(f"The chosen subnets overlap ({pairs}): subnet peering needs subnets "
                        "with unique prefixes on each side.")
    for here, here_space, there in ((local, ours, remote), (remote, theirs, local)):
        for name, space in _peer_spaces(inventory, there, (here, there)):
            hit = overlapping_pairs(here_space, space)
            if hit:
                problems.append(
                    f"{here.name}'s chosen subnets ({', '.join(sorted({a for a, _ in hit}))}) "
                    f"overlap {name}, which is already peered with {there.name}.")
    return problems


def subnet_note(local: VirtualNetwork, remote: VirtualNetwork,
                selection: SubnetSelection) -> str:
    """What the form says about a subnet peering: what is exchanged, and why overlapping
    VNets are fine now."""
    ours = exposure(local, selection.local, selection.ipv6_only)
    theirs = exposure(remote, selection.remote, selection.ipv6_only)
    text = (f"Only {local.name}'s {', '.join(selection.local)} ({', '.join(ours) or '-'}) and "
            f"{remote.name}'s {', '.join(selection.remote)} ({', '.join(theirs) or '-'}) are "
            "peered; other subnets get no route across.")
    whole = vnets_overlap(local, remote)
    if whole:
        text += (f" {local.name} and {remote.name} overlap as VNets "
                 f"({', '.join(sorted({b for _, b in whole}))}), which subnet peering allows: "
                 "only the chosen subnets must not overlap.")
    return text


def describe_link(peering: Peering) -> str:
    """`subnets ot -> ingest` (and `IPv6 only`) for a subnet peering, "" for whole VNets."""
    return peering.subnets.describe() if peering.subnets is not None else ""
