"""Free ranges to offer when a VNet grows: none overlaps a loaded VNet or anything peered to it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from tui.errors import InputError
from tui.model import Inventory, VirtualNetwork
from tui.peering.preflight import address_index

DEFAULT_LENGTH = 24


@dataclass(frozen=True)
class Suggestions:
    prefix_length: int
    prefixes: tuple[str, ...]
    searched: tuple[str, ...]  # the ranges searched, to say so on screen

    def describe(self) -> str:
        where = ", ".join(self.searched) or "the private ranges"
        if not self.prefixes:
            return f"No free /{self.prefix_length} in {where}."
        return f"Free /{self.prefix_length} in {where}, avoiding every loaded VNet and its peers"


def natural_length(vnet: VirtualNetwork) -> int:
    """The size to suggest first: that of the VNet's first IPv4 prefix (a VNet tends to grow
    by blocks like the one it has), else /24."""
    for text in vnet.address_prefixes:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if net.version == 4:
            return net.prefixlen
    return DEFAULT_LENGTH


def suggest_prefixes(
    inventory: Inventory, vnet: VirtualNetwork, prefix_length: int | None = None, count: int = 5
) -> Suggestions:
    """Up to `count` free IPv4 blocks for `vnet`, best fit first (`AddressIndex.free_blocks`
    with `peerable_with`: every loaded VNet is avoided, and so is what the VNet's links
    record of peers outside the inventory; the search stays in the private block that holds
    the VNet's space)."""
    length = natural_length(vnet) if prefix_length is None else prefix_length
    index = address_index(inventory)
    try:
        found = index.free_blocks(length, count=count, peerable_with=vnet.id)
        searched = index.free_search_ranges(length, peerable_with=vnet.id)
    except InputError:
        return Suggestions(length, (), ())
    return Suggestions(length, found, searched)
