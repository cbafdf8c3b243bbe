"""Changing the flags of an existing link, checked against the gateway rules first."""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringFlags, PeeringState, ResourceId, SubnetSelection
from tui.peering.apply import ApplyResult, apply_plan
from tui.peering.backend import PeeringBackend
from tui.peering.delete import find_peering
from tui.peering.plan import Action, Plan, PlannedLink
from tui.peering.preflight import Check, Field, Preflight, Problem, gateway_problems
from tui.peering.progress import ProgressCallback
from tui.peering.retry import PollPolicy, RetryPolicy
from tui.peering.subnets import subnet_problems


@dataclass(frozen=True)
class EditRequest:
    peering_id: ResourceId
    flags: PeeringFlags
    # New subnet lists for a subnet peering (seen from this link's VNet); None keeps the
    # link's own. Every PUT of a subnet peering sends its lists, so an edit never turns it
    # into a whole-VNet peering by leaving them out.
    subnets: SubnetSelection | None = None


def check_edit(inventory: Inventory, peering: Peering, flags: PeeringFlags,
               subnets: SubnetSelection | None = None) -> Preflight:
    """The gateway rules for new flags on an existing link, and for a subnet peering the
    subnet rules for new subnet lists (the rest cannot change)."""
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    if vnet is None:
        return Preflight((Problem(Check.REMOTE,
                                  f"The VNet {peering.vnet_id.name} is not loaded."),))
    reverse = inventory.reverse_of(peering)
    problems: list[Problem] = []
    notes: list[str] = []
    if remote is not None:
        problems += gateway_problems(
            vnet, remote, flags, reverse.flags.allow_gateway_transit if reverse else None,
            replacing=peering, field_=Field.LOCAL_FLAGS)
        if reverse and reverse.flags.use_remote_gateways and not flags.allow_gateway_transit:
            problems.append(Problem(Check.GATEWAY, (
                f"{remote.name}'s link {reverse.name!r} uses {vnet.name}'s gateway, so "
                f"{vnet.name}'s link must keep allowing gateway transit."
            ), Field.LOCAL_FLAGS))
    elif flags.use_remote_gateways and vnet.has_gateway:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peering.remote_vnet_id.name}'s gateway: {vnet.name} has "
            f"a gateway of its own."), Field.LOCAL_FLAGS))
    if subnets is not None and changes_subnets(peering, subnets):
        if peering.subnets is None:
            problems.append(Problem(Check.EXISTING, (
                f"{peering.name} peers the whole VNets; to peer only some subnets delete it "
                "and create a subnet peering."), Field.LOCAL_FLAGS))
        elif remote is not None:
            problems += [Problem(Check.OVERLAP, m, Field.LOCAL_FLAGS)
                         for m in subnet_problems(inventory, vnet, remote, subnets)]
            # [U] As an address-space change does: what each side exchanges changed, so the
            # links' copies are stale until synced.
            if reverse is not None:
                notes.append(f"{remote.name}'s link {reverse.name!r} gets the same lists "
                             f"(as `peer --subnets` writes both) and will then need a sync "
                             f"(LocalNotInSync): s on the link, or `vnettui sync {vnet.name} "
                             f"{peering.name}` (`vnettui edit` syncs by itself).")
            else:
                notes.append(f"{remote.name} has no link back yet; it gets these lists when "
                             f"it links back (`vnettui peer {remote.name} {vnet.name} "
                             "--one-side`).")
    if peering.state is PeeringState.DISCONNECTED:
        notes.append(f"{peering.name} is Disconnected: saving it revives it (Initiated) until "
                     f"{peering.remote_vnet_id.name} links back.")
    return Preflight(tuple(problems), tuple(notes))


def changes_subnets(peering: Peering, subnets: SubnetSelection | None) -> bool:
    return subnets is not None and subnets != peering.subnets


def plan_edit(inventory: Inventory, request: EditRequest) -> Plan:
    """One link's PUT; new subnet lists go to the link back as well (reversed, its own
    settings kept), so both links name the same subnets, as `peer --subnets` makes them."""
    peering = find_peering(inventory, request.peering_id)
    if peering is None:
        return Plan(Preflight((Problem(Check.REMOTE, (
            f"The link {request.peering_id.name} is not loaded.")),)))
    check = check_edit(inventory, peering, request.flags, request.subnets)
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    vnet_name = vnet.name if vnet else peering.vnet_id.name
    remote_name = remote.name if remote else peering.remote_vnet_id.name
    action = Action.REVIVE if peering.state is PeeringState.DISCONNECTED else Action.UPDATE
    links = [PlannedLink(action, peering.vnet_id, vnet_name, peering.name,
                         peering.remote_vnet_id, remote_name, request.flags,
                         request.subnets or peering.subnets)]
    reverse = inventory.reverse_of(peering)
    if (request.subnets is not None and changes_subnets(peering, request.subnets)
            and reverse is not None and reverse.subnets is not None):
        back = Action.REVIVE if reverse.state is PeeringState.DISCONNECTED else Action.UPDATE
        links.append(PlannedLink(back, reverse.vnet_id, remote_name, reverse.name,
                                 reverse.remote_vnet_id, vnet_name, reverse.flags,
                                 request.subnets.reversed()))
    return Plan(check, tuple(links), peering.vnet_id, peering.remote_vnet_id, vnet_name,
                remote_name)


async def edit_peering(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """PUT the link with its new flags and re-read both sides."""
    return await apply_plan(backend, plan, on_progress, retry=retry,
                            poll=poll or PollPolicy(polls=1))
