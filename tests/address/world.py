"""A small hand-built world for the address-space screen: vnet1 (a subnet, a spare prefix)
peered with vnet2, and legacy overlapping nothing yet."""

from __future__ import annotations

from tests.peering.builders import inventory, link, linked, vnet
from tui.model import Inventory, ResourceId, Subnet, VirtualNetwork


def with_subnet(v: VirtualNetwork, name: str, prefix: str) -> VirtualNetwork:
    subnet = Subnet(ResourceId(f"{v.id}/subnets/{name}"), name, (prefix,))
    return v._replace(subnets=(*v.subnets, subnet))


def peered() -> tuple[Inventory, VirtualNetwork, VirtualNetwork]:
    v1 = with_subnet(vnet("vnet1", "10.1.0.0/16", "10.9.0.0/16"), "default", "10.1.0.0/24")
    v2 = with_subnet(vnet("vnet2", "10.2.0.0/16"), "default", "10.2.0.0/24")
    v1 = linked(v1, link(v1, v2, "1and2"))
    v2 = linked(v2, link(v2, v1, "2and1"))
    legacy = vnet("legacy", "10.50.0.0/16", rg="rg-legacy")
    return inventory(v1, v2, legacy), v1, v2
