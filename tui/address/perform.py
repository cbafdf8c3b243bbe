"""One entry point for what the address-space screen or "sync all" returned, as
`tui.peering.perform` is for the peering modals: a refusal or an outcome, never an exception.

    work = AddressChange(...)              # AddressSpaceScreen's result
    work = SyncAllRequest(vnet_ids)        # "sync all" confirmed on the VNets in view
    screen = PeeringProgress(work_title(inventory, work), describe_work(inventory, work))
    outcome = await perform_address(backend, inventory, work, screen.report,
                                    read_only=..., read_only_origin=...)
    screen.finish(outcome.describe(), ok=outcome.ok)
    # then re-read vnets_touched(inventory, work)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.address.apply import AddressBackend, apply_address_change
from tui.address.plan import AddressChange, plan_address_change
from tui.address.sync_all import MAX_CONCURRENT_SYNCS, SyncAllPlan, plan_sync_all, sync_pairs
from tui.errors import RefusedError, VnettuiError
from tui.model import Inventory, ResourceId, VirtualNetwork
from tui.peering.gaps import write_gaps
from tui.peering.perform import Outcome, Refused, ensure_writable
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy


@dataclass(frozen=True)
class SyncAllRequest:
    """Sync every pair with a link on these VNets (those in view) that is not in sync."""

    vnet_ids: tuple[ResourceId, ...] = ()

    def plan(self, inventory: Inventory) -> SyncAllPlan:
        vnets = [v for v in (inventory.vnet(i) for i in self.vnet_ids) if v is not None]
        return plan_sync_all(inventory, vnets if self.vnet_ids else None)


AddressWork = AddressChange | SyncAllRequest


def work_title(inventory: Inventory, work: AddressWork) -> str:
    if isinstance(work, SyncAllRequest):
        return "Syncing every peering not in sync"
    vnet = inventory.vnet(work.vnet_id)
    return f"Address space of {vnet.name if vnet else work.vnet_id.name}"


def describe_work(inventory: Inventory, work: AddressWork) -> list[str]:
    """What will be sent, one line each (the progress modal's first lines)."""
    if isinstance(work, SyncAllRequest):
        plan = work.plan(inventory)
        return plan.describe() + [f"skipped: {note}" for note in plan.skipped]
    return plan_address_change(inventory, work).describe()


def work_targets(inventory: Inventory, work: AddressWork) -> list[VirtualNetwork]:
    """The VNets the work writes to (production confirmation, read-only subscriptions): the
    changed VNet and the peers whose links are synced."""
    if isinstance(work, SyncAllRequest):
        ids: Iterable[ResourceId] = {p.vnet_id for pair in work.plan(inventory).pairs
                                     for p in (pair.targets or (pair.link,))}
    else:
        plan = plan_address_change(inventory, work)
        ids = [work.vnet_id, *(link.peering_id.parent for link in plan.to_sync
                               if work.sync)]
    found = [inventory.vnet(i) for i in dict.fromkeys(ids)]
    return [v for v in found if v is not None]


def vnets_touched(inventory: Inventory, work: AddressWork) -> set[ResourceId]:
    """The VNets to re-read afterwards (both ends of every affected pair)."""
    if isinstance(work, SyncAllRequest):
        return {i for pair in work.plan(inventory).pairs
                for i in (pair.link.vnet_id, pair.link.remote_vnet_id)}
    vnet = inventory.vnet(work.vnet_id)
    return {work.vnet_id, *(p.remote_vnet_id for p in (vnet.peerings if vnet else ()))}


async def perform_address(
    backend: AddressBackend,
    inventory: Inventory,
    work: AddressWork,
    on_progress: ProgressCallback | None = None,
    *,
    read_only: bool = False,
    read_only_origin: str | None = None,
    retry: RetryPolicy | None = None,
    bound: int = MAX_CONCURRENT_SYNCS,
) -> Outcome:
    """Carry out `work`; a refusal or a failure to start comes back as `Refused`."""
    try:
        if isinstance(work, SyncAllRequest):
            what = "sync every peering not in sync"
        else:
            vnet = inventory.vnet(work.vnet_id)
            what = f"change the address space of {vnet.name if vnet else work.vnet_id.name}"
        ensure_writable(read_only, what, read_only_origin)
        gaps = write_gaps(inventory, work_targets(inventory, work))
        if not gaps.ok:
            raise gaps.refusal(what)
        if note := gaps.note():
            _emit(on_progress, ProgressEvent(Stage.INFO, note))
        if isinstance(work, SyncAllRequest):
            plan = work.plan(inventory)
            for skipped in plan.skipped:
                _emit(on_progress, ProgressEvent(Stage.INFO, skipped))
            return await sync_pairs(backend, plan.pairs, on_progress, retry=retry,
                                    bound=bound)
        change_plan = plan_address_change(inventory, work)
        if not change_plan.ok:
            raise RefusedError("\n".join(change_plan.problems) or "Nothing to change.",
                               code="PreflightFailed")
        return await apply_address_change(backend, change_plan, on_progress, retry=retry,
                                          bound=bound, inventory=inventory)
    except VnettuiError as error:
        return Refused(error)
