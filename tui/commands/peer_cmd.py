"""`vnettui peer`, `unpeer` and `sync`: the peering workflow of the TUI, for scripts.

Same preflight, same plan, same apply and roll back as the form (`tui.peering`). A refusal
(preflight, `--read-only` or a subscription marked read_only in the config file, a name
that resolves to nothing) exits 2 before anything is sent; a cloud failure exits 3 and
says exactly which links exist now. When only one side of a new peering could be created,
the created link is rolled back (deleted), as the TUI does by default, and the command
says so. Asked for again, a pair already Connected both ways exits 0 ("already connected,
nothing to do") when its links match the request, and 2 naming each setting that differs
(with the `vnettui edit` that changes it); `--json` says which.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui.audit import record_refusal
from tui.config import add_production_argument, confirm_production, is_read_only
from tui.errors import InputError, RefusedError, UnreadableError, VnettuiError
from tui.model import Inventory, PeeringFlags, SubnetSelection, VirtualNetwork
from tui.peering import (
    PeeringBackend,
    PeeringRequest,
    ProgressEvent,
    Stage,
    create_peering,
    default_names,
    delete_peering,
    ensure_writable,
    plan_delete,
    plan_peering,
    sync_peering,
    write_gaps,
)
from tui.peering.create import CreateOutcome
from tui.peering.existing import ExistingPeering, existing_peering
from tui.resolve import find_peering, find_vnet
from tui.settings import Settings

_MARKS = {Stage.SENDING: "…", Stage.RETRYING: "↻", Stage.DONE: "✓", Stage.FAILED: "✗",
          Stage.STATE: "●", Stage.DELETING: "…", Stage.DELETED: "✓", Stage.SYNCING: "…",
          Stage.INFO: "·"}


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    peer = subparsers.add_parser(
        "peer", parents=parents, help="peer two VNets (both links, checked first)",
        description="Create both links of a peering between VNET and REMOTE_VNET (or only "
                    "VNET's with --one-side), after the same checks as the TUI's form.")
    peer.add_argument("vnet", metavar="VNET", help="name, rg/name, sub/rg/name or id")
    peer.add_argument("remote", metavar="REMOTE_VNET", help="the VNet to peer with")
    peer.add_argument("--name", metavar="N", help="link name on VNET (default VNET-to-REMOTE)")
    peer.add_argument("--remote-name", metavar="N",
                      help="link name on REMOTE_VNET (default REMOTE-to-VNET)")
    peer.add_argument("--allow-forwarded-traffic", action="store_true",
                      help="both links accept traffic forwarded by the other VNet")
    peer.add_argument("--allow-gateway-transit", action="store_true",
                      help="let REMOTE_VNET use VNET's gateway")
    peer.add_argument("--use-remote-gateways", action="store_true",
                      help="VNET uses REMOTE_VNET's gateway (REMOTE_VNET's link then allows "
                           "gateway transit)")
    peer.add_argument("--no-vnet-access", action="store_true",
                      help="block traffic between the two VNets (both links)")
    peer.add_argument("--one-side", action="store_true",
                      help="only create the link on VNET")
    peer.add_argument("--subnets", metavar="A,B", type=_names,
                      help="subnet peering: peer only these subnets of VNET (needs "
                           "--remote-subnets); VNets that overlap can be peered this way")
    peer.add_argument("--remote-subnets", metavar="C", type=_names,
                      help="subnet peering: peer only these subnets of REMOTE_VNET")
    peer.add_argument("--ipv6-only", action="store_true",
                      help="subnet peering: exchange only the IPv6 prefixes of dual-stack "
                           "subnets")
    peer.add_argument("--json", action="store_true",
                      help="print the result as JSON (progress goes to stderr)")
    add_production_argument(peer)
    peer.set_defaults(handler=run_peer)

    unpeer = subparsers.add_parser(
        "unpeer", parents=parents, help="delete a peering link (and with --both its reverse)")
    unpeer.add_argument("vnet", metavar="VNET")
    unpeer.add_argument("peering", metavar="PEERING", help="the link's name on VNET")
    unpeer.add_argument("--both", action="store_true",
                        help="also delete the link back from the remote VNet")
    add_production_argument(unpeer)
    unpeer.set_defaults(handler=run_unpeer)

    sync = subparsers.add_parser(
        "sync", parents=parents, help="sync a peering whose address space changed (or --all)",
        description="Sync VNET's link PEERING (the stale side of the pair), or with --all "
                    "every peering in view that is not FullyInSync, after a preview.")
    sync.add_argument("vnet", metavar="VNET", nargs="?")
    sync.add_argument("peering", metavar="PEERING", nargs="?", help="the link's name on VNET")
    sync.add_argument("--all", action="store_true",
                      help="every peering not in sync in the subscriptions read (--subscription)")
    add_production_argument(sync)
    sync.set_defaults(handler=run_sync)


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"not a comma-separated list of subnet names: {text!r}")
    return names


def subnets_from(args: argparse.Namespace) -> SubnetSelection | None:
    """`--subnets`, `--remote-subnets`, `--ipv6-only` as a selection (both lists or none)."""
    local, remote = getattr(args, "subnets", None), getattr(args, "remote_subnets", None)
    if local is None and remote is None:
        if getattr(args, "ipv6_only", False):
            raise InputError("--ipv6-only applies to subnet peering: give --subnets and "
                             "--remote-subnets too.")
        return None
    if local is None or remote is None:
        raise InputError("Subnet peering needs both --subnets (on VNET) and --remote-subnets "
                         "(on REMOTE_VNET).")
    return SubnetSelection(local, remote, bool(args.ipv6_only))


def _print_event(event: ProgressEvent) -> None:
    print(f"  {_MARKS.get(event.stage, '·')} {event.message}", flush=True)


def _event_to_stderr(event: ProgressEvent) -> None:
    print(f"  {_MARKS.get(event.stage, '·')} {event.message}", file=sys.stderr, flush=True)


def request_from(args: argparse.Namespace, local: VirtualNetwork,
                 remote: VirtualNetwork) -> PeeringRequest:
    """The command line's flags as a request; see the option help for who gets which flag."""
    access = not args.no_vnet_access
    local_name, remote_name = default_names(local, remote)
    return PeeringRequest(
        local.id, remote.id,
        args.name if args.name is not None else local_name,
        args.remote_name if args.remote_name is not None else remote_name,
        PeeringFlags(access, args.allow_forwarded_traffic, args.allow_gateway_transit,
                     args.use_remote_gateways),
        PeeringFlags(access, args.allow_forwarded_traffic, args.use_remote_gateways, False),
        args.one_side,
        subnets_from(args),
    )


async def _inventory(backend: Any, refs: Sequence[str],
                     remote_of: Callable[[Inventory], Sequence[str]] | None = None) -> Inventory:
    """Only the VNets the command names (read the cheapest way each name allows), and with
    `remote_of` the VNets it then points at (a peering's remote): never the whole tenant."""
    inventory: Inventory = await backend.find_vnets(refs)
    if remote_of is not None:
        inventory = await backend.with_vnets(inventory, remote_of(inventory))
    for error in inventory.errors:
        print(f"vnettui: subscription {error.subscription_id} could not be read: "
              f"{error.message} ({error.code})", file=sys.stderr)
    return inventory


def _remote_of(args: argparse.Namespace) -> Callable[[Inventory], Sequence[str]]:
    """The remote VNet of `args.peering` on `args.vnet`, when both resolve."""
    def remote(inventory: Inventory) -> Sequence[str]:
        try:
            vnet = find_vnet(inventory, args.vnet)
            return [find_peering(inventory, args.peering, vnet).remote_vnet_id]
        except VnettuiError:
            return []  # reported when the command resolves them itself
    return remote


def _confirm(args: argparse.Namespace, settings: Settings, inventory: Inventory,
             vnets: list[VirtualNetwork]) -> None:
    """Production VNets need their name typed (`--yes-production NAME`, or at a prompt)."""
    ask = input if sys.stdin.isatty() else None
    confirm_production([(v, inventory.subscription(v.subscription_id)) for v in vnets],
                       settings, args.yes_production, ask)


def refuse_read_only(settings: Settings, inventory: Inventory,
                     vnets: list[VirtualNetwork], what: str) -> None:
    """A subscription marked read_only in the config file refuses the whole command before
    planning (exit 2, nothing sent), rather than the guard refusing request by request
    after part of the workflow has run."""
    for vnet in vnets:
        subscription = inventory.subscription(vnet.subscription_id)
        if not is_read_only(subscription or vnet.subscription_id, settings):
            continue
        label = (f"{subscription.name!r} ({subscription.id})" if subscription
                 else vnet.subscription_id)
        where = settings.config_path or "the config file"
        raise RefusedError(
            f"Refused to {what}: subscription {label} of {vnet.name} is read_only in "
            f"{where}; nothing was sent", code="ReadOnlySubscription")


def refuse_on_gaps(inventory: Inventory, vnets: Sequence[VirtualNetwork | None],
                   what: str) -> None:
    """A write that depends on a subscription that could not be read is refused (exit 3);
    one that cannot depend on it goes ahead with a note."""
    gaps = write_gaps(inventory, [v for v in vnets if v is not None])
    if not gaps.ok:
        raise gaps.refusal(what)
    note = gaps.note()
    if note:
        print(f"note: {note}")


class Refusals:
    """Every refusal of a write command goes to the audit log, with the resources it would
    have written: as typed until they are resolved (`ids`), then by id."""

    def __init__(self, settings: Settings, action: str, *refs: str) -> None:
        self.settings = settings
        self.action = action
        self.ids: list[str] = list(refs)

    def __enter__(self) -> Refusals:
        return self

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        if isinstance(error, RefusedError | UnreadableError):
            record_refusal(self.action, str(error), self.ids, code=error.code, source="cli",
                           who="sandbox" if self.settings.sandbox else "unknown")


def all_refused(failures: Sequence[VnettuiError | None]) -> bool:
    """Every failure was refused before leaving the process (the guard): a refusal (exit 2),
    not a cloud failure."""
    return bool(failures) and all(isinstance(e, RefusedError) for e in failures)


def run_peer(args: argparse.Namespace, settings: Settings) -> int:
    with Refusals(settings, "peer", args.vnet, args.remote) as refusals:
        ensure_writable(settings.read_only, f"peer {args.vnet} with {args.remote}",
                        settings.read_only_origin)
        return asyncio.run(_peer(args, settings, refusals))


async def _peer(args: argparse.Namespace, settings: Settings, refusals: Refusals) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        inventory = await _inventory(backend, [args.vnet, args.remote])
        local, remote = find_vnet(inventory, args.vnet), find_vnet(inventory, args.remote)
        refusals.ids = [str(local.id), str(remote.id)]
        what = f"peer {local.name} with {remote.name}"
        refuse_read_only(settings, inventory, [local] if args.one_side else [local, remote],
                         what)
        refuse_on_gaps(inventory, [local, remote], what)
        request = request_from(args, local, remote)
        existing = existing_peering(inventory, request, names_given=(
            args.name is not None, args.remote_name is not None))
        if existing is not None:
            return _already(existing, args.json)
        plan = plan_peering(inventory, request)
        say = _Say(args.json)
        for note in plan.preflight.notes:
            say(f"note: {note}")
        if not plan.ok:
            raise plan.preflight.refusal()
        _confirm(args, settings, inventory, [local] if args.one_side else [local, remote])
        say(f"Peering {local.name} with {remote.name}:")
        for line in plan.describe():
            say(f"  {line}")
        typed: PeeringBackend = backend
        outcome = await create_peering(typed, plan,
                                       _event_to_stderr if args.json else _print_event)
    result = outcome.result
    if args.json:
        _print_json("peered" if outcome.ok else "failed", outcome.describe(),
                    _links(outcome))
    return _finish(outcome.ok, "" if args.json else outcome.describe(),
                   [r.error for r in result.failed], bool(result.succeeded))


class _Say:
    """Lines for a person: stdout, or stderr when stdout carries JSON."""

    def __init__(self, json_out: bool) -> None:
        self.file = sys.stderr if json_out else sys.stdout

    def __call__(self, text: str) -> None:
        print(text, file=self.file, flush=True)


def _links(outcome: CreateOutcome) -> list[Any]:
    from tui.commands.list_cmd import peering_json

    return [peering_json(p) for p in outcome.now.links()]


def _print_json(result: str, message: str, links: list[Any], **extra: Any) -> None:
    print(json.dumps({"result": result, "message": message, "links": links, **extra},
                     separators=(",", ":")))


def _already(existing: ExistingPeering, json_out: bool) -> int:
    """A pair Connected both ways: nothing to do (0), or refused naming what differs (2)."""
    from tui.commands.list_cmd import peering_json

    text = existing.describe()
    if json_out:
        _print_json("alreadyConnected" if existing.same else "settingsDiffer", text,
                    [peering_json(e.link) for e in existing.links],
                    differences=existing.differences,
                    edits=[e.edit for e in existing.links if e.edit])
    if existing.same:
        if not json_out:
            print(text)
        return 0
    raise RefusedError(text, code="PeeringSettingsDiffer")


def run_unpeer(args: argparse.Namespace, settings: Settings) -> int:
    with Refusals(settings, "unpeer", args.vnet, args.peering) as refusals:
        ensure_writable(settings.read_only, f"delete {args.peering} on {args.vnet}",
                        settings.read_only_origin)
        return asyncio.run(_unpeer(args, settings, refusals))


async def _unpeer(args: argparse.Namespace, settings: Settings, refusals: Refusals) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        inventory = await _inventory(backend, [args.vnet], _remote_of(args))
        vnet = find_vnet(inventory, args.vnet)
        peering = find_peering(inventory, args.peering, vnet)
        refusals.ids = [str(peering.id)]
        reverse = inventory.vnet(peering.remote_vnet_id) if args.both else None
        what = f"delete {peering.name} on {vnet.name}"
        refuse_read_only(settings, inventory, [v for v in (vnet, reverse) if v is not None],
                         what)
        refuse_on_gaps(inventory, [vnet, reverse], what)
        plan = plan_delete(inventory, peering, both=args.both)
        targets = [inventory.vnet(p.vnet_id) for p in plan.targets]
        _confirm(args, settings, inventory, [v for v in targets if v is not None])
        print(f"{plan.question()[:-1]}: {plan.consequence()}")
        typed: PeeringBackend = backend
        result = await delete_peering(typed, plan, _print_event)
    return _finish(result.ok, result.describe(), [e for _, e in result.errors],
                   bool(result.deleted))


def run_sync(args: argparse.Namespace, settings: Settings) -> int:
    if args.all or args.vnet is None or args.peering is None:
        if not args.all or args.vnet is not None:
            raise InputError("Name a VNET and its PEERING, or give --all (not both).")
        from tui.commands.address_cmd import run_sync_all

        return run_sync_all(args, settings)
    with Refusals(settings, "sync", args.vnet, args.peering) as refusals:
        ensure_writable(settings.read_only, f"sync {args.peering} on {args.vnet}",
                        settings.read_only_origin)
        return asyncio.run(_sync(args, settings, refusals))


async def _sync(args: argparse.Namespace, settings: Settings, refusals: Refusals) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        inventory = await _inventory(backend, [args.vnet], _remote_of(args))
        vnet = find_vnet(inventory, args.vnet)
        peering = find_peering(inventory, args.peering, vnet)
        refusals.ids = [str(peering.id)]
        pair = [inventory.vnet(peering.vnet_id), inventory.vnet(peering.remote_vnet_id)]
        what = f"sync {peering.name} on {vnet.name}"
        # A sync may PUT either side (whichever is stale), so both must be writable.
        refuse_read_only(settings, inventory, [v for v in pair if v is not None], what)
        refuse_on_gaps(inventory, pair, what)
        _confirm(args, settings, inventory, [v for v in pair if v is not None])
        typed: PeeringBackend = backend
        result = await sync_peering(typed, peering.id, _print_event)
    return _finish(result.ok, result.describe(), [e for _, e in result.errors],
                   bool(result.synced))


def _finish(
    ok: bool, text: str, errors: Sequence[VnettuiError | None], anything_done: bool
) -> int:
    """Print the outcome and choose the exit code: 0 done; 2 when every failure was a
    refusal and nothing was written (nothing was sent); 3 for a cloud failure."""
    if ok:
        if text:
            print(text)
        return 0
    if text:
        print(text, file=sys.stderr)
    return 2 if all_refused(errors) and not anything_done else 3
