"""`vnettui free`: the first free address blocks of a size, for a new VNet.

Free means overlapping no loaded VNet's address space (see `tui.cidr.free_blocks` for the
best-fit order and what `--peerable-with` adds). Exit codes: 0 blocks found, 1 none free,
2 bad input (checked before anything is read), 3 when a subscription could not be read
(the blocks are printed, but a VNet in that subscription might use them).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tui import cidr
from tui.commands import json_output
from tui.commands.list_cmd import load, report_errors
from tui.model import Kind
from tui.settings import Settings

EXIT_OK, EXIT_NONE_FREE, EXIT_PARTIAL = 0, 1, 3


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "free", parents=parents, help="suggest free address ranges for a new VNet",
        description="List the first free blocks of a size that overlap no VNet, taken from "
        "the smallest free gap first so large gaps stay whole.",
    )
    p.add_argument("--within", action="append", metavar="CIDR",
                   help="search inside this range (repeatable; default: the RFC 1918 "
                   "blocks 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
    p.add_argument("--prefix-length", type=int, required=True, metavar="N",
                   help="size of the blocks, e.g. 24 for /24")
    p.add_argument("--count", type=int, default=5, metavar="K",
                   help="how many blocks to list (default 5)")
    p.add_argument("--peerable-with", metavar="VNET",
                   help="the blocks must also be peerable with this VNet: avoid the spaces "
                   "its peerings record for peers outside the loaded subscriptions, and "
                   "search near its own space")
    p.add_argument("--reuse-unrelated", action="store_true",
                   help="with --peerable-with: avoid only that VNet and its peers, so space "
                   "used by unrelated, never-peered VNets may be reused")
    json_output.add_arguments(p, "print JSON (camelCase keys)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tui.errors import InputError

    avoid: Any = "peering" if args.reuse_unrelated else "all"
    if args.reuse_unrelated and not args.peerable_with:
        raise InputError("--reuse-unrelated needs --peerable-with VNET")
    cidr.check_free_request(args.prefix_length, count=args.count, within=args.within)

    inventory = asyncio.run(load(settings, {Kind.VNETS}))
    hub = None
    if args.peerable_with:
        from tui.resolve import find_vnet

        hub = find_vnet(inventory, args.peerable_with)
    index = cidr.analyse(inventory)
    hub_id = hub.id if hub else None
    blocks = index.free_blocks(
        args.prefix_length, count=args.count, within=args.within, peerable_with=hub_id,
        avoid=avoid,
    )
    within = index.free_search_ranges(
        args.prefix_length, within=args.within, peerable_with=hub_id
    )
    if json_output.wanted(args):
        json_output.write({
            "prefixLength": args.prefix_length,
            "within": list(within),
            "peerableWith": hub.id if hub else None,
            "reuseUnrelated": bool(args.reuse_unrelated),
            "blocks": list(blocks),
            "errors": [
                {"subscriptionId": e.subscription_id, "code": e.code, "message": e.message}
                for e in inventory.errors
            ],
        }, pretty=args.pretty)
    elif blocks:
        print(f"Free /{args.prefix_length} blocks in {', '.join(within)}, smallest gap first:")
        print("\n".join(f"  {b}" for b in blocks))
        if len(blocks) < args.count:
            print(f"(only {len(blocks)} free, {args.count} asked for)")
    else:
        print(f"No free /{args.prefix_length} block in {', '.join(within)}.")
    report_errors(inventory, inventory.errors)
    if inventory.errors:
        return EXIT_PARTIAL
    return EXIT_OK if blocks else EXIT_NONE_FREE
