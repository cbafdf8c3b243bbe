"""`vnettui hub HUB SPOKE...` and `vnettui mesh VNET...`: many peerings in one command.

The whole plan is checked before anything is sent (`tui.peering.bulk`: every pair as
`peer` checks it, plus spokes that would overlap through the hub and names the pattern
makes twice); `--dry-run` prints the plan, its checks and the equivalent az commands and
sends nothing. The pairs are then sent concurrently (`--concurrency`, default 20), each
watched until Connected; a pair that half failed is rolled back, as `peer` does, and the
report says what happened to each. Exit codes as `peer`: 0 all peered, 2 refused before
anything was sent (a check, `--read-only`, a production VNet not confirmed), 3 a cloud
failure (the report says which pairs exist now).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from tui.commands.list_cmd import render_table
from tui.commands.peer_cmd import (
    _MARKS,
    Refusals,
    _confirm,
    all_refused,
    refuse_on_gaps,
    refuse_read_only,
)
from tui.config import add_production_argument
from tui.model import Inventory, Kind, PeeringFlags
from tui.peering import ensure_writable
from tui.peering.bulk import DEFAULT_PATTERN, BulkPlan, plan_hub, plan_mesh, plan_table
from tui.peering.bulk_apply import DEFAULT_CONCURRENCY, BulkOutcome, apply_bulk
from tui.peering.progress import ProgressEvent
from tui.resolve import find_vnet
from tui.settings import Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-forwarded-traffic", action="store_true",
                        help="every link accepts traffic forwarded by the VNet it points to")
    parser.add_argument("--name-pattern", metavar="PATTERN", default=DEFAULT_PATTERN,
                        help="link names, from {local} (the VNet the link lives on) and "
                             "{remote} (default %(default)s)")
    parser.add_argument("--concurrency", type=_concurrency, metavar="N",
                        default=DEFAULT_CONCURRENCY,
                        help="pairs sent at once, 1-50 (default %(default)s)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan, its checks and the az commands; send nothing")
    add_production_argument(parser)


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError("give a number from 1 to 50")
    return value


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    hub = subparsers.add_parser(
        "hub", parents=parents, help="connect spokes to a hub (both links of each, checked)",
        description="Peer HUB with every SPOKE, both links of each, after checking the "
                    "whole plan: each pair as `peer` does, and spokes that would overlap "
                    "each other through the hub.")
    hub.add_argument("hub", metavar="HUB", help="name, rg/name, sub/rg/name or id")
    hub.add_argument("spokes", metavar="SPOKE", nargs="+", help="the VNets to connect")
    hub.add_argument("--gateway-transit", action="store_true",
                     help="the hub's links let the spokes use its gateway")
    hub.add_argument("--use-remote-gateways", action="store_true",
                     help="the spokes use the hub's gateway (implies --gateway-transit)")
    _common(hub)
    hub.set_defaults(handler=run_hub)

    mesh = subparsers.add_parser(
        "mesh", parents=parents, help="peer every two of the VNets given (n·(n-1) links)",
        description="Peer every two of the VNets given, both links of each, after checking "
                    "the whole plan; refused with the reasons when any two overlap.")
    mesh.add_argument("vnets", metavar="VNET", nargs="+", help="two or more VNets")
    _common(mesh)
    mesh.set_defaults(handler=run_mesh)


def _print_plan(plan: BulkPlan, dry_run: bool) -> None:
    rows = plan_table(plan)
    print(render_table(("PAIR", "SENDS", "SETTINGS", "CHECK"), rows))
    for note in plan.notes:
        print(f"note: {note}")
    for pair in plan.to_send:
        for note in pair.plan.preflight.notes:
            print(f"note: {pair.label}: {note}")
    if dry_run:
        print("\nThe same with az:")
        for command in plan.commands():
            print(f"  {command}")


def _progress(plan: BulkPlan) -> Any:
    def show(index: int, event: ProgressEvent) -> None:
        label = plan.pairs[index].remote.name if plan.hub else plan.pairs[index].label
        print(f"  [{label}] {_MARKS.get(event.stage, '·')} {event.message}", flush=True)
    return show


def run_hub(args: argparse.Namespace, settings: Settings) -> int:
    with Refusals(settings, "hub", args.hub, *args.spokes) as refusals:
        if not args.dry_run:
            ensure_writable(settings.read_only, f"connect spokes to {args.hub}",
                            settings.read_only_origin)
        return asyncio.run(_bulk(args, settings, refusals, hub=True))


def run_mesh(args: argparse.Namespace, settings: Settings) -> int:
    with Refusals(settings, "mesh", *args.vnets) as refusals:
        if not args.dry_run:
            ensure_writable(settings.read_only, f"peer {' '.join(args.vnets)} as a mesh",
                            settings.read_only_origin)
        return asyncio.run(_bulk(args, settings, refusals, hub=False))


def _report_unreadable(inventory: Inventory) -> None:
    for error in inventory.errors:
        print(f"vnettui: subscription {error.subscription_id} could not be read: "
              f"{error.message} ({error.code})", file=sys.stderr)


async def _bulk(args: argparse.Namespace, settings: Settings, refusals: Refusals,
                *, hub: bool) -> int:
    from tui.azure import open_backend

    forwarded = args.allow_forwarded_traffic
    async with open_backend(settings) as backend:
        # Every pair's checks need the VNets (and their recorded peers), not VMs or NICs.
        inventory = await backend.load([Kind.VNETS])
        _report_unreadable(inventory)
        if hub:
            center = find_vnet(inventory, args.hub)
            spokes = [find_vnet(inventory, ref) for ref in args.spokes]
            refusals.ids = [str(v.id) for v in (center, *spokes)]
            transit = args.gateway_transit or args.use_remote_gateways
            plan = plan_hub(inventory, center, spokes,
                            hub_flags=PeeringFlags(True, forwarded, transit, False),
                            spoke_flags=PeeringFlags(True, forwarded, False,
                                                     args.use_remote_gateways),
                            pattern=args.name_pattern)
            what = f"connect {len(spokes)} spokes to {center.name}"
        else:
            vnets = [find_vnet(inventory, ref) for ref in args.vnets]
            refusals.ids = [str(v.id) for v in vnets]
            plan = plan_mesh(inventory, vnets, flags=PeeringFlags(True, forwarded),
                             pattern=args.name_pattern)
            what = f"peer {len(vnets)} VNets as a mesh"
        title = (f"Connecting {len(plan.to_send)} spokes to {plan.hub.name}:" if plan.hub
                 else f"Peering {len(plan.pairs)} pairs:")
        print(title)
        _print_plan(plan, args.dry_run)
        if not plan.ok:
            raise plan.refusal()
        if args.dry_run:
            print("Checks passed; nothing was sent (--dry-run).")
            return 0
        targets = plan.targets()
        refuse_read_only(settings, inventory, targets, what)
        refuse_on_gaps(inventory, targets, what)
        _confirm(args, settings, inventory, targets)
        outcome = await apply_bulk(backend, plan, _progress(plan),
                                   concurrency=args.concurrency)
    return _finish(outcome)


def _finish(outcome: BulkOutcome) -> int:
    if outcome.ok:
        print(outcome.describe())
        return 0
    print(outcome.describe(), file=sys.stderr)
    errors = [r.error for r in outcome.failed if r.outcome is None]
    errors += [e.error for r in outcome.failed if r.outcome for e in r.outcome.result.failed]
    written = any(r.written or r.ok for r in outcome.results if not r.pair.skipped)
    return 2 if all_refused(errors) and not written else 3
