"""Address spaces and gateways, read from ARM bodies: the facts every rule starts from."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from tui.sandbox.store import Resource


def prefixes(vnet: Resource | dict[str, Any]) -> list[str]:
    body = vnet.body if isinstance(vnet, Resource) else vnet
    space = body.get("properties", {}).get("addressSpace") or {}
    return list(space.get("addressPrefixes") or [])


@functools.lru_cache(maxsize=65536)
def _network(prefix: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(prefix, strict=False)


def overlaps(ours: list[str], theirs: list[str]) -> list[str]:
    """The prefixes of `theirs` that overlap any of `ours` (as Azure's message lists them)."""
    mine = [_network(p) for p in ours]
    found = []
    for prefix in theirs:
        net = _network(prefix)
        if any(net.version == m.version and net.overlaps(m) for m in mine):
            found.append(prefix)
    return found


def has_gateway(vnet: Resource | dict[str, Any]) -> bool:
    """A VNet has a gateway when its GatewaySubnet holds a virtual network gateway's IP
    configuration: the same test a client can run on the VNet body alone."""
    body = vnet.body if isinstance(vnet, Resource) else vnet
    for subnet in body.get("properties", {}).get("subnets") or []:
        if str(subnet.get("name", "")).lower() != "gatewaysubnet":
            continue
        for ipconfig in subnet.get("properties", {}).get("ipConfigurations") or []:
            if "/virtualnetworkgateways/" in str(ipconfig.get("id", "")).lower():
                return True
    return False
