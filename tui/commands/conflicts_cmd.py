"""`vnettui conflicts [--json]`: every pair of VNets whose address spaces overlap.

Reads the VNets alone (no VMs, NICs, NSGs or route tables). Exit codes: 0 no overlap,
1 overlaps found, 3 when a subscription could not be read (the rest is still analysed and
printed; an incomplete answer is not a clean bill of health, so 3 wins over 0 and 1).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tui import cidr
from tui.commands import json_output
from tui.commands.list_cmd import load, render_table, report_errors
from tui.model import Inventory, Kind, VirtualNetwork
from tui.peering.subnets import subnet_route
from tui.settings import Settings

EXIT_OK, EXIT_CONFLICTS, EXIT_PARTIAL = 0, 1, 3


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "conflicts", parents=parents, help="list VNets whose address spaces overlap",
        description="Find every pair of VNets whose address spaces overlap, across all "
        "loaded subscriptions, and overlapping VNets peered with the same VNet. "
        "Exit 1 when any overlap, 0 when none, 3 when a subscription could not be read.",
    )
    json_output.add_arguments(p, "print JSON (camelCase keys, as ARM's)")
    p.set_defaults(handler=run)


def _vnet_json(inventory: Inventory, vnet: VirtualNetwork) -> dict[str, Any]:
    sub = inventory.subscription(vnet.subscription_id)
    return {
        "id": vnet.id,
        "name": vnet.name,
        "resourceGroup": vnet.resource_group,
        "subscriptionId": vnet.subscription_id,
        "subscriptionName": sub.name if sub else vnet.subscription_id,
        "addressPrefixes": list(vnet.address_prefixes),
    }


def _ranges_json(ranges: tuple[cidr.PrefixOverlap, ...]) -> list[dict[str, str]]:
    return [{"aPrefix": r.a_prefix, "bPrefix": r.b_prefix, "overlap": r.overlap} for r in ranges]


def conflicts_json(inventory: Inventory, index: cidr.AddressIndex) -> dict[str, Any]:
    """The `--json` document; its two long lists are `Stream`s, made as they are written."""
    group_of = {o.ids: n for n, g in enumerate(index.groups, 1) for o in g.overlaps}
    return {
        "overlaps": json_output.Stream(
            {
                "group": group_of[o.ids],
                "a": _vnet_json(inventory, o.a),
                "b": _vnet_json(inventory, o.b),
                "ranges": _ranges_json(o.ranges),
                "subnetPeering": _route_json(o.a, o.b),
            }
            for o in index.overlaps
        ),
        "groups": json_output.Stream(
            {
                "group": n,
                "vnetIds": [v.id for v in g.vnets],
                "overlappingRanges": list(g.overlapping_ranges),
            }
            for n, g in enumerate(index.groups, 1)
        ),
        "peeredOverlaps": [
            {
                "hubId": p.hub,
                "aId": p.overlap.a.id,
                "bId": p.overlap.b.id,
                "overlappingRanges": list(p.overlap.overlapping_ranges),
            }
            for p in index.peered_overlaps
        ],
        "invalidPrefixes": [{"vnetId": i.vnet.id, "prefix": i.prefix} for i in index.invalid],
        "errors": [
            {"subscriptionId": e.subscription_id, "code": e.code, "message": e.message}
            for e in inventory.errors
        ],
    }


def _route_json(a: VirtualNetwork, b: VirtualNetwork) -> dict[str, list[str]] | None:
    """The subnets of each that subnet peering could connect (None: it cannot help)."""
    route = subnet_route(a, b)
    if not route.possible:
        return None
    return {"localSubnetNames": list(route.local), "remoteSubnetNames": list(route.remote)}


def subnet_routes_text(index: cidr.AddressIndex) -> list[str]:
    """For each overlapping pair that subnet peering could still connect: how."""
    lines = []
    for o in index.overlaps:
        route = subnet_route(o.a, o.b)
        if route.possible:
            lines.append(f"  {o.a.name} <-> {o.b.name}: {', '.join(route.local)} with "
                         f"{', '.join(route.remote)} (`vnettui peer {o.a.name} {o.b.name} "
                         f"--subnets {','.join(route.local)} --remote-subnets "
                         f"{','.join(route.remote)}`)")
    return ["", "Subnet peering can still connect (these subnets overlap nothing on the "
                "other side):", *lines] if lines else []


def _label(inventory: Inventory, vnet: VirtualNetwork) -> str:
    sub = inventory.subscription(vnet.subscription_id)
    return f"{sub.name if sub else vnet.subscription_id}/{vnet.resource_group}/{vnet.name}"


def conflicts_text(inventory: Inventory, index: cidr.AddressIndex) -> str:
    vnets, subs = len(inventory.vnets), len(inventory.subscriptions)
    scope = f"{vnets} VNet{'s' * (vnets != 1)} in {subs} subscription{'s' * (subs != 1)}"
    if not index.overlaps:
        lines = [f"No address spaces overlap ({scope})."]
    else:
        rows = [
            (str(n), _label(inventory, o.a), r.a_prefix, _label(inventory, o.b), r.b_prefix,
             r.overlap)
            for n, g in enumerate(index.groups, 1)
            for o in g.overlaps
            for r in o.ranges
        ]
        pairs, groups = len(index.overlaps), len(index.groups)
        lines = [
            render_table(("GROUP", "VNET", "PREFIX", "OVERLAPS VNET", "PREFIX", "OVERLAP"), rows),
            "",
            f"{pairs} overlapping pair{'s' * (pairs != 1)} in {groups} "
            f"group{'s' * (groups != 1)} ({scope}). Overlapping VNets cannot be peered.",
            *subnet_routes_text(index),
        ]
    if index.peered_overlaps:
        lines += ["", "Overlapping VNets peered with the same VNet (Azure refuses new such "
                      "peerings: VnetAddressSpaceOverlapsWithAlreadyPeeredVnet):"]
        lines += [
            f"  {p.hub.name}: {p.overlap.a.name} and {p.overlap.b.name} "
            f"({', '.join(p.overlap.overlapping_ranges)})"
            for p in index.peered_overlaps
        ]
    if index.invalid:
        lines += ["", "Prefixes that are not CIDR ranges (left out):"]
        lines += [f"  {_label(inventory, i.vnet)}: {i.prefix!r}" for i in index.invalid]
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    inventory = asyncio.run(load(settings, {Kind.VNETS}))
    index = cidr.analyse(inventory)
    if json_output.wanted(args):
        json_output.write(conflicts_json(inventory, index), pretty=args.pretty)
    else:
        print(conflicts_text(inventory, index))
    report_errors(inventory, inventory.errors)
    if inventory.errors:
        return EXIT_PARTIAL
    return EXIT_CONFLICTS if index.overlaps else EXIT_OK
