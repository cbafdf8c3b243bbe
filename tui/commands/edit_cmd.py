"""`vnettui edit VNET PEERING` (the explorer's `e`) and `vnettui show RESOURCE` (its `i`).

`edit` changes a link's four settings with the same gateway checks, production prompt,
read-only refusal and audit as `peer`; a setting not given keeps its value. On a subnet
peering `--subnets`/`--remote-subnets`/`--ipv6-only` change the subnet lists: both links get
them (as `peer --subnets` writes both), then the stale side is synced (`--no-sync` leaves
that to `vnettui sync`, which the command names). `show` prints
one VNet, peering (`VNET/PEERING`) or VM as Azure Resource Manager returns it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from tui.commands.peer_cmd import (
    Refusals,
    _confirm,
    _finish,
    _inventory,
    _names,
    _print_event,
    _remote_of,
    refuse_on_gaps,
    refuse_read_only,
)
from tui.config import add_production_argument
from tui.errors import InputError
from tui.model import Peering, SubnetSelection
from tui.peering import EditRequest, PeeringBackend, ensure_writable, plan_edit, sync_peering
from tui.peering.edit import changes_subnets, edit_peering
from tui.resolve import find_peering, find_vnet
from tui.settings import Settings

# option -> PeeringFlags field
FLAGS = {
    "vnet_access": "allow_virtual_network_access",
    "forwarded_traffic": "allow_forwarded_traffic",
    "gateway_transit": "allow_gateway_transit",
    "remote_gateways": "use_remote_gateways",
}


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    edit = subparsers.add_parser(
        "edit", parents=parents, help="change a link's settings (the explorer's e)")
    edit.add_argument("vnet", metavar="VNET", help="name, rg/name, sub/rg/name or id")
    edit.add_argument("peering", metavar="PEERING", help="the link's name on VNET")
    for option, word in (("vnet-access", "the remote VNet may reach VNET"),
                         ("forwarded-traffic", "accept traffic forwarded by the remote"),
                         ("gateway-transit", "let the remote use VNET's gateway"),
                         ("remote-gateways", "use the remote VNet's gateway")):
        edit.add_argument(f"--{option}", action=argparse.BooleanOptionalAction, default=None,
                          help=f"{word} (unchanged when not given)")
    edit.add_argument("--subnets", metavar="A,B", type=_names,
                      help="subnet peering: peer these subnets of VNET instead")
    edit.add_argument("--remote-subnets", metavar="C", type=_names,
                      help="subnet peering: peer these subnets of the remote VNet instead")
    edit.add_argument("--ipv6-only", action=argparse.BooleanOptionalAction, default=None,
                      help="subnet peering: exchange only IPv6 prefixes (unchanged when not "
                           "given)")
    edit.add_argument("--no-sync", action="store_true",
                      help="after new subnet lists, leave the sync to `vnettui sync`")
    add_production_argument(edit)
    edit.set_defaults(handler=run_edit)
    show = subparsers.add_parser(
        "show", parents=parents, help="a VNet, a peering or a VM as ARM returns it")
    show.add_argument("resource", metavar="VNET_OR_ID",
                      help="a VNet (name, rg/name, sub/rg/name), or any resource id")
    show.add_argument("peering", metavar="PEERING", nargs="?", help="a link of that VNet")
    show.add_argument("--vm", action="store_true", help="VNET_OR_ID names a VM instead")
    show.set_defaults(handler=run_show)


def run_edit(args: argparse.Namespace, settings: Settings) -> int:
    with Refusals(settings, "edit", args.vnet, args.peering) as refusals:
        ensure_writable(settings.read_only, f"edit {args.peering} on {args.vnet}",
                        settings.read_only_origin)
        return asyncio.run(_edit(args, settings, refusals))


async def _edit(args: argparse.Namespace, settings: Settings, refusals: Refusals) -> int:
    from tui.azure import open_backend

    changes = {field: value for option, field in FLAGS.items()
               if (value := getattr(args, option)) is not None}
    asks_subnets = any(getattr(args, o) is not None
                       for o in ("subnets", "remote_subnets", "ipv6_only"))
    if not changes and not asks_subnets:
        raise InputError("edit: say what to change, e.g. --forwarded-traffic, "
                         "--no-gateway-transit or --subnets app,web")
    async with open_backend(settings) as backend:
        inventory = await _inventory(backend, [args.vnet], _remote_of(args))
        vnet = find_vnet(inventory, args.vnet)
        peering = find_peering(inventory, args.peering, vnet)
        refusals.ids = [str(peering.id)]
        remote = inventory.vnet(peering.remote_vnet_id)
        subnets = _selection(args, peering) if asks_subnets else None
        # New lists write the link back too, and the sync may PUT either side.
        both = changes_subnets(peering, subnets) and remote is not None
        targets = [vnet, remote] if both and remote is not None else [vnet]
        if both:
            refusals.ids.append(str(peering.remote_vnet_id))
        what = f"edit {peering.name} on {vnet.name}"
        refuse_read_only(settings, inventory, targets, what)
        refuse_on_gaps(inventory, [vnet, remote], what)
        plan = plan_edit(inventory, EditRequest(
            peering.id, peering.flags._replace(**changes), subnets))
        if not plan.preflight.ok:
            raise plan.preflight.refusal()
        for note in plan.preflight.notes:
            print(f"note: {note}")
        _confirm(args, settings, inventory, targets)
        typed: PeeringBackend = backend
        result = await edit_peering(typed, plan, _print_event)
        if not result.ok or not changes_subnets(peering, subnets):
            return _finish(result.ok, result.describe(), [r.error for r in result.failed],
                           bool(result.succeeded))
        print(result.describe())
        if len(plan.links) < 2:
            return 0  # no link back yet: the note said when it gets the lists
        if args.no_sync:
            print(f"Not synced (--no-sync): run `vnettui sync {vnet.name} {peering.name}` "
                  "to sync the stale side.")
            return 0
        print("The subnet lists changed what each side exchanges: syncing.")
        synced = await sync_peering(typed, peering.id, _print_event)
    return _finish(synced.ok, synced.describe(), [e for _, e in synced.errors],
                   bool(synced.synced) or bool(result.succeeded))


def _selection(args: argparse.Namespace, peering: Peering) -> SubnetSelection:
    """The subnet lists asked for; a list not given keeps the link's own."""
    have = peering.subnets or SubnetSelection((), ())
    return SubnetSelection(
        args.subnets if args.subnets is not None else have.local,
        args.remote_subnets if args.remote_subnets is not None else have.remote,
        args.ipv6_only if args.ipv6_only is not None else have.ipv6_only)


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_show(args, settings))


async def _show(args: argparse.Namespace, settings: Settings) -> int:
    from tui.azure import open_backend
    from tui.model import Kind
    from tui.resolve import find_vm

    ref: str = args.resource
    async with open_backend(settings) as backend:
        if ref.startswith("/") and not args.peering:
            resource_id = ref  # any id: shown as it is
        elif args.vm:
            inventory = await backend.load([Kind.VMS])
            resource_id = str(find_vm(inventory, ref).id)
        else:
            inventory = await _inventory(backend, [ref])
            vnet = find_vnet(inventory, ref)
            resource_id = str(find_peering(inventory, args.peering, vnet).id
                              if args.peering else vnet.id)
        body = await backend.get_resource_json(resource_id)
    json.dump(body, sys.stdout, indent=2)
    print()
    return 0
