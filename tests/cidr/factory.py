"""Small builders for VNets and peerings, and the brute-force oracles the sweep must match."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from tui.model import (
    Peering,
    PeeringFlags,
    PeeringState,
    ResourceId,
    SyncLevel,
    VirtualNetwork,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def vnet_id(name: str, sub: str = "sub1") -> ResourceId:
    return ResourceId(
        f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/{name}"
    )


def link(
    local: str, remote: str, *, remote_prefixes: Sequence[str] = (), sub: str = "sub1"
) -> Peering:
    vid = vnet_id(local, sub)
    return Peering(
        id=ResourceId(f"{vid}/virtualNetworkPeerings/{local}-to-{remote}"),
        name=f"{local}-to-{remote}",
        vnet_id=vid,
        remote_vnet_id=vnet_id(remote, sub),
        state=PeeringState.CONNECTED,
        sync_level=SyncLevel.FULLY_IN_SYNC,
        flags=PeeringFlags(),
        remote_address_prefixes=tuple(remote_prefixes),
        remote_vnet_address_prefixes=tuple(remote_prefixes),
    )


def vnet(name: str, *prefixes: str, peers: Iterable[str] = (), sub: str = "sub1") -> VirtualNetwork:
    return VirtualNetwork(
        id=vnet_id(name, sub),
        name=name,
        resource_group="rg",
        subscription_id=sub,
        location="westeurope",
        address_prefixes=tuple(prefixes),
        peerings=tuple(link(name, r, sub=sub) for r in peers),
    )


def net(text: str) -> Network:
    return ipaddress.ip_network(text, strict=False)


def all_pairs(
    vnets: Sequence[VirtualNetwork],
) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """The all-pairs loop: every VNet pair, every prefix pair, compared with ipaddress."""
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    parsed = [[(p, net(p)) for p in v.address_prefixes] for v in vnets]
    for i, a in enumerate(vnets):
        for j in range(i + 1, len(vnets)):
            b = vnets[j]
            if a.id == b.id:
                continue
            for pa, na in parsed[i]:
                for pb, nb in parsed[j]:
                    if na.version == nb.version and na.overlaps(nb):
                        inner = na if na.prefixlen >= nb.prefixlen else nb
                        found.setdefault((a.name, b.name), []).append((pa, pb, str(inner)))
    return found


def components(pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    groups: list[set[str]] = []
    for a, b in pairs:
        touching = [g for g in groups if a in g or b in g]
        merged = {a, b}.union(*touching)
        groups = [g for g in groups if g not in touching] + [merged]
    return groups
