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


# --- subnet peering (peerCompleteVnets: false) ----------------------------------------------
def is_subnet_peering(props: dict[str, Any]) -> bool:
    return props.get("peerCompleteVnets") is False


def subnet_names(props: dict[str, Any], key: str) -> list[str]:
    value = props.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _subnet_body_prefixes(subnet: dict[str, Any]) -> list[str]:
    props = subnet.get("properties") or {}
    many = props.get("addressPrefixes")
    if isinstance(many, list) and many:
        return [str(p) for p in many]
    one = props.get("addressPrefix")
    return [str(one)] if one else []


def missing_subnets(vnet: Resource, names: list[str]) -> list[str]:
    have = {str(s.get("name", "")).lower() for s in vnet.properties.get("subnets") or []}
    return [n for n in names if n.lower() not in have]


def subnet_prefixes(vnet: Resource | None, names: list[str], ipv6_only: bool = False) -> list[str]:
    """The prefixes of `vnet`'s subnets named in `names` (in the VNet's order), only the IPv6
    ones with `ipv6_only`: what a subnet peering exchanges of that side."""
    if vnet is None:
        return []
    wanted = {n.lower() for n in names}
    found: list[str] = []
    for subnet in vnet.properties.get("subnets") or []:
        if str(subnet.get("name", "")).lower() not in wanted:
            continue
        for prefix in _subnet_body_prefixes(subnet):
            if not ipv6_only or _network(prefix).version == 6:
                found.append(prefix)
    return found


def exposed(vnet: Resource | None, props: dict[str, Any]) -> list[str]:
    """What `vnet` exposes through its link with these properties: its whole space, or for a
    subnet peering its chosen subnets' prefixes (`localSubnetNames`)."""
    if vnet is None:
        return []
    if not is_subnet_peering(props):
        return prefixes(vnet)
    return subnet_prefixes(vnet, subnet_names(props, "localSubnetNames"),
                           bool(props.get("enableOnlyIPv6Peering")))
