"""One entry point for whatever a peering modal returned: refusal or outcome, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tui.errors import RefusedError, VnettuiError
from tui.model import Inventory, ResourceId, VirtualNetwork
from tui.peering.backend import PeeringBackend
from tui.peering.create import Decide, always_roll_back, create_peering
from tui.peering.delete import DeleteRequest, delete_peering, find_peering, plan_delete
from tui.peering.edit import EditRequest, edit_peering, plan_edit
from tui.peering.gaps import write_gaps
from tui.peering.plan import plan_peering
from tui.peering.preflight import PeeringRequest
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import PollPolicy, RetryPolicy
from tui.peering.sync import SyncRequest, sync_peering


def ensure_writable(read_only: bool, what: str, origin: str | None = None) -> None:
    """`--read-only` (or `origin`: what else set it, e.g. the config file) refuses every
    write before anything is sent."""
    if read_only:
        raise RefusedError(
            f"Refused to {what}: vnettui runs read-only ({origin or '--read-only'}); "
            "nothing was sent.", code="ReadOnly")


Request = PeeringRequest | DeleteRequest | EditRequest | SyncRequest


class Outcome(Protocol):
    """What every operation ends with: did it work, and what exists now, in words."""

    @property
    def ok(self) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Refused:
    """An operation that stopped before anything was sent, or could not start."""

    error: VnettuiError

    @property
    def ok(self) -> bool:
        return False

    def describe(self) -> str:
        return str(self.error)


def title_of(inventory: Inventory, request: Request) -> str:
    """A heading for the progress modal."""
    def name(vnet_id: ResourceId) -> str:
        vnet = inventory.vnet(vnet_id)
        return vnet.name if vnet else vnet_id.name

    if isinstance(request, PeeringRequest):
        return f"Peering {name(request.local_vnet_id)} with {name(request.remote_vnet_id)}"
    verb = {DeleteRequest: "Deleting", EditRequest: "Changing", SyncRequest: "Syncing"}
    return f"{verb[type(request)]} {request.peering_id.name} on {request.peering_id.parent.name}"


_VERBS = {"Peering": "peer", "Deleting": "delete", "Changing": "change", "Syncing": "sync"}


def action_of(inventory: Inventory, request: Request) -> str:
    """What a refusal says was refused: `peer vnet1 with vnet2`, `delete 1and2 on vnet1`."""
    verb, _, rest = title_of(inventory, request).partition(" ")
    return f"{_VERBS[verb]} {rest}"


def describe_request(inventory: Inventory, request: Request) -> list[str]:
    """What will be sent, one line each, before it is (the progress modal's first lines)."""
    if isinstance(request, PeeringRequest):
        return plan_peering(inventory, request).describe()
    if isinstance(request, EditRequest):
        return plan_edit(inventory, request).describe()
    if isinstance(request, SyncRequest):
        return [f"sync the stale side of {request.peering_id.name} and re-read both links"]
    peering = find_peering(inventory, request.peering_id)
    if peering is None:
        return []
    return [f"delete {p.name} on {p.vnet_id.name}"
            for p in plan_delete(inventory, peering, request.both).targets]


def write_targets(inventory: Inventory, request: Request) -> list[VirtualNetwork]:
    """The VNets a request writes to (for read-only subscriptions and production checks)."""
    if isinstance(request, PeeringRequest):
        ids = [request.local_vnet_id] + ([] if request.one_side else [request.remote_vnet_id])
    elif isinstance(request, DeleteRequest):
        peering = find_peering(inventory, request.peering_id)
        plan = plan_delete(inventory, peering, request.both) if peering else None
        ids = [p.vnet_id for p in plan.targets] if plan else [request.peering_id.parent]
    elif isinstance(request, SyncRequest):
        # Which side gets synced is decided on fresh data, so both may be written.
        peering = find_peering(inventory, request.peering_id)
        ids = [request.peering_id.parent] + ([peering.remote_vnet_id] if peering else [])
    else:
        ids = [request.peering_id.parent]
    found = [inventory.vnet(i) for i in ids]
    return [v for v in found if v is not None]


async def perform(
    backend: PeeringBackend,
    inventory: Inventory,
    request: Request,
    on_progress: ProgressCallback | None = None,
    decide: Decide = always_roll_back,
    *,
    read_only: bool = False,
    read_only_origin: str | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> Outcome:
    """Carry out what a peering modal returned. Never raises a `VnettuiError`: a refusal
    or a failure to start comes back as a `Refused` outcome, so the app only shows it.
    `read_only_origin` is `Settings.read_only_origin` (what made it read-only).
    """
    try:
        what = action_of(inventory, request)
        ensure_writable(read_only, what, read_only_origin)
        gaps = write_gaps(inventory, write_targets(inventory, request))
        if not gaps.ok:
            raise gaps.refusal(what)
        if note := gaps.note():
            _emit(on_progress, ProgressEvent(Stage.INFO, note))
        if isinstance(request, PeeringRequest):
            plan = plan_peering(inventory, request)
            if not plan.ok:
                raise plan.preflight.refusal()
            return await create_peering(backend, plan, on_progress, decide, retry=retry,
                                        poll=poll)
        if isinstance(request, EditRequest):
            plan = plan_edit(inventory, request)
            if not plan.ok:
                raise plan.preflight.refusal()
            return await edit_peering(backend, plan, on_progress, retry=retry, poll=poll)
        if isinstance(request, SyncRequest):
            return await sync_peering(backend, request.peering_id, on_progress, retry=retry)
        peering = find_peering(inventory, request.peering_id)
        if peering is None:
            raise RefusedError(f"The link {request.peering_id.name} is not loaded; refresh.",
                               code="NotLoaded")
        return await delete_peering(backend, plan_delete(inventory, peering, request.both),
                                    on_progress, retry=retry)
    except VnettuiError as error:
        return Refused(error)
