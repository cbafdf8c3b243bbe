"""`vnettui address show|add|remove` and `vnettui sync --all`: a VNet's address space, for scripts.

Same checks as the explorer's address-space screen (`tui.address`), same refusals, exit codes
and audit as `peer`: a refusal (`--read-only`, a read_only subscription, a prefix Azure would
refuse, a name that resolves to nothing) exits 2 before anything is sent; a cloud failure
exits 3 and says exactly what changed and which links still need a sync.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui.address import (
    AddressBackend,
    AddressChange,
    SyncAllPlan,
    apply_address_change,
    plan_address_change,
    plan_sync_all,
    prefix_rows,
    suggest_prefixes,
    sync_pairs,
)
from tui.commands.peer_cmd import (
    Refusals,
    _confirm,
    _finish,
    _inventory,
    _print_event,
    refuse_on_gaps,
    refuse_read_only,
)
from tui.config import add_production_argument
from tui.errors import RefusedError, VnettuiError
from tui.model import Inventory, Kind, VirtualNetwork
from tui.peering import ensure_writable
from tui.resolve import find_vnet
from tui.settings import Settings


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    address = subparsers.add_parser(
        "address", parents=parents, help="show, grow or trim a VNet's address space",
        description="A VNet's address prefixes and the subnets in each; add a prefix (then "
                    "every peering that points at the VNet is synced) or remove one that "
                    "holds no subnet, after the same checks as the explorer.")
    verbs = address.add_subparsers(dest="verb", metavar="VERB", required=True)
    show = verbs.add_parser("show", parents=parents, help="prefixes, subnets, peerings to sync")
    show.add_argument("vnet", metavar="VNET", help="name, rg/name, sub/rg/name or id")
    show.add_argument("--json", action="store_true", help="print JSON (camelCase keys)")
    show.set_defaults(handler=run_show)
    add = verbs.add_parser("add", parents=parents,
                           help="add a prefix, then sync every affected peering")
    add.add_argument("vnet", metavar="VNET")
    add.add_argument("cidr", metavar="CIDR", help="the prefix to add, e.g. 10.99.0.0/16")
    add.add_argument("--no-sync", action="store_true",
                     help="leave the affected peerings out of sync (sync them later)")
    add_production_argument(add)
    add.set_defaults(handler=run_add)
    remove = verbs.add_parser("remove", parents=parents,
                              help="remove a prefix that holds no subnet")
    remove.add_argument("vnet", metavar="VNET")
    remove.add_argument("cidr", metavar="CIDR")
    remove.add_argument("--no-sync", action="store_true",
                        help="leave the affected peerings out of sync (sync them later)")
    add_production_argument(remove)
    remove.set_defaults(handler=run_remove)


def vnet_address_json(inventory: Inventory, vnet: VirtualNetwork) -> dict[str, Any]:
    plan = plan_address_change(inventory, AddressChange(vnet.id))
    free = suggest_prefixes(inventory, vnet)
    return {
        "id": vnet.id,
        "name": vnet.name,
        "addressPrefixes": list(vnet.address_prefixes),
        "prefixes": [{
            "prefix": row.prefix,
            "subnets": [{"name": n, "addressPrefix": p} for n, p in row.subnets],
            "removable": row.removable,
        } for row in prefix_rows(vnet)],
        "peeringsToSyncOnChange": [str(link.peering_id) for link in plan.to_sync],
        "peeringsNotInSync": [str(p.id) for p in vnet.peerings if p.needs_sync],
        "freePrefixes": list(free.prefixes),
    }


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_show(args, settings))


async def _show(args: argparse.Namespace, settings: Settings) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        # Every VNet (no VMs, NSGs, routes): the free prefixes avoid all of them.
        inventory = await _vnets_everywhere(backend)
    vnet = find_vnet(inventory, args.vnet)
    data = vnet_address_json(inventory, vnet)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(f"{vnet.name} ({vnet.resource_group}, {vnet.location})")
        for row in prefix_rows(vnet):
            inside = ", ".join(f"{n} {p}" for n, p in row.subnets) or "no subnets: removable"
            print(f"  {row.prefix:<20} {inside}")
        if data["peeringsToSyncOnChange"]:
            print("A change puts these out of sync (synced by `address add/remove`):")
            for pid in data["peeringsToSyncOnChange"]:
                print(f"  {pid.rsplit('/', 1)[-1]} on {pid.split('/')[8]}")
        stale = [p for p in vnet.peerings if p.needs_sync]
        for link in stale:
            print(f"Not in sync now: {link.name} ({link.sync_level.value})")
        if data["freePrefixes"]:
            print(f"Free to add: {', '.join(data['freePrefixes'])}")
    return 3 if inventory.errors else 0


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    return _change(args, settings, add=(args.cidr,))


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    return _change(args, settings, remove=(args.cidr,))


def _change(args: argparse.Namespace, settings: Settings, *, add: tuple[str, ...] = (),
            remove: tuple[str, ...] = ()) -> int:
    verb = "add" if add else "remove"
    what = f"{verb} {(add or remove)[0]} {'to' if add else 'from'} {args.vnet}"
    with Refusals(settings, f"address {verb}", args.vnet) as refusals:
        ensure_writable(settings.read_only, what, settings.read_only_origin)
        return asyncio.run(_apply(args, settings, refusals, add, remove))


async def _apply(args: argparse.Namespace, settings: Settings, refusals: Refusals,
                 add: tuple[str, ...], remove: tuple[str, ...]) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        # The VNet and its peers, nothing else: the checks that block (Azure's rules) need
        # only those; overlaps with unrelated VNets are warnings the explorer shows.
        inventory = await _inventory(backend, [args.vnet], _peers_of(args.vnet))
        vnet = find_vnet(inventory, args.vnet)
        refusals.ids = [str(vnet.id)]
        verb = "add" if add else "remove"
        what = f"{verb} {(add or remove)[0]} {'to' if add else 'from'} {vnet.name}"
        plan = plan_address_change(inventory, AddressChange(
            vnet.id, add, remove, sync=not args.no_sync))
        peers = [v for v in (inventory.vnet(link.peering_id.parent) for link in plan.to_sync)
                 if v is not None] if plan.change.sync else []
        # The syncs write to the peers' links: their subscriptions must be writable too.
        refuse_read_only(settings, inventory, [vnet, *peers], what)
        refuse_on_gaps(inventory, [vnet], what)
        for warning in plan.warnings:
            print(f"warning: {warning}")
        if not plan.ok:
            raise RefusedError("\n".join(plan.problems), code="PreflightFailed")
        _confirm(args, settings, inventory, [vnet, *peers])
        print(f"Changing {vnet.name}'s address space:")
        for line in plan.describe():
            print(f"  {line}")
        for note in plan.notes:
            print(f"  note: {note}")
        typed: AddressBackend = backend
        outcome = await apply_address_change(typed, plan, _print_event, inventory=inventory)
    return _finish(outcome.ok, outcome.describe(), outcome.errors, outcome.vnet is not None)


async def _vnets_everywhere(backend: Any) -> Inventory:
    inventory: Inventory = await backend.load({Kind.VNETS})
    for error in inventory.errors:
        print(f"vnettui: subscription {error.subscription_id} could not be read: "
              f"{error.message} ({error.code})", file=sys.stderr)
    return inventory


def _peers_of(ref: str) -> Callable[[Inventory], Sequence[str]]:
    """The VNets `ref`'s links point at, once `ref` resolves."""
    def peers(inventory: Inventory) -> Sequence[str]:
        try:
            return [p.remote_vnet_id for p in find_vnet(inventory, ref).peerings]
        except VnettuiError:
            return []  # reported when the command resolves the name itself
    return peers


# --- sync --all ----------------------------------------------------------------------------

def run_sync_all(args: argparse.Namespace, settings: Settings) -> int:
    """`vnettui sync --all`: every pair in view (the subscriptions read) not FullyInSync."""
    with Refusals(settings, "sync --all") as refusals:
        ensure_writable(settings.read_only, "sync every peering not in sync",
                        settings.read_only_origin)
        return asyncio.run(_sync_all(args, settings, refusals))


def preview(plan: SyncAllPlan) -> list[str]:
    lines = [f"  {line}" for line in plan.describe()]
    lines += [f"  skipped: {note}" for note in plan.skipped]
    return lines


async def _sync_all(args: argparse.Namespace, settings: Settings, refusals: Refusals) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        inventory = await _vnets_everywhere(backend)  # every link in view, no VMs
        plan = plan_sync_all(inventory)
        targets = {p.vnet_id for pair in plan.pairs for p in (pair.targets or (pair.link,))}
        vnets = [v for v in (inventory.vnet(t) for t in targets) if v is not None]
        refusals.ids = [str(pair.link.id) for pair in plan.pairs]
        refuse_read_only(settings, inventory, vnets, "sync every peering not in sync")
        print(f"{len(plan.pairs)} peering{'s' if len(plan.pairs) != 1 else ''} to sync:")
        for line in preview(plan):
            print(line)
        if not plan.pairs:
            return 3 if inventory.errors else 0
        _confirm(args, settings, inventory, vnets)
        result = await sync_pairs(backend, plan.pairs, _print_event)
    code = _finish(result.ok, result.describe(), result.errors,
                   any(o.result is not None and o.result.synced for o in result.outcomes))
    return code or (3 if inventory.errors else 0)


__all__ = ["register", "run_sync_all", "vnet_address_json"]
