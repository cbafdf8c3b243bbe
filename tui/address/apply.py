"""Applying an address-space change: the VNet PUT, then a sync of every affected link.

The PUT goes first and alone (a long-running operation; busy answers are retried). Only
when it succeeded are the VNet's links re-read and every pair that is now out of sync
synced (`sync_all.sync_pairs`), so the result can say exactly what changed and which links,
if any, still need a sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tui.address.plan import AddressPlan
from tui.address.sync_all import MAX_CONCURRENT_SYNCS, SyncAllResult, pairs_to_sync, sync_pairs
from tui.errors import RefusedError, VnettuiError
from tui.model import Inventory, ResourceId, VirtualNetwork
from tui.peering.backend import PeeringBackend
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy, with_retry

# What the PUT answers when the VNet changed after it was read (If-Match); `tui.azure`
# answers the same code when the space it finds is not the one the change was planned on.
CHANGED_MEANWHILE = "PreconditionFailed"


class AddressBackend(PeeringBackend, Protocol):
    """The peering workflow's backend, plus the VNet write (`tui.azure.AzureBackend`)."""

    async def update_address_space(
        self, vnet_id: ResourceId, base: Sequence[str], prefixes: Sequence[str]
    ) -> VirtualNetwork: ...


@dataclass(frozen=True)
class AddressOutcome:
    plan: AddressPlan
    vnet: VirtualNetwork | None = None  # as the PUT left it
    error: VnettuiError | None = None  # the PUT failed: nothing was changed
    synced: SyncAllResult | None = None  # None: no sync asked for, or the PUT failed

    @property
    def ok(self) -> bool:
        return self.error is None and (self.synced is None or self.synced.ok)

    @property
    def errors(self) -> list[VnettuiError]:
        if self.error is not None:
            return [self.error]
        return self.synced.errors if self.synced is not None else []

    def describe(self) -> str:
        name = self.plan.vnet_name
        if self.error is not None:
            lines = [f"{name}'s address space was not changed: {self.error}."]
            if self.error.code == CHANGED_MEANWHILE:
                lines.append(f"Someone changed {name} after it was read: refresh, look at it "
                             "again and redo the change.")
            return "\n".join(lines)
        space = ", ".join(self.vnet.address_prefixes) if self.vnet else ", ".join(self.plan.after)
        lines = [f"{name} now has {space}."]
        if self.synced is not None:
            lines.append(self.synced.describe())
            for failed in self.synced.failed:
                link = failed.pair.link
                lines.append(f"Still to sync: `vnettui sync {link.vnet_id.name} {link.name}` "
                             "(s in the explorer), or `vnettui sync --all`.")
        elif self.plan.to_sync:
            names = ", ".join(link.label for link in self.plan.to_sync)
            lines.append(f"Not synced (as asked): {names}; `vnettui sync --all` syncs them.")
        return "\n".join(lines)


async def apply_address_change(
    backend: AddressBackend,
    plan: AddressPlan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    bound: int = MAX_CONCURRENT_SYNCS,
    inventory: Inventory | None = None,
) -> AddressOutcome:
    """PUT the new space, then (unless `plan.change.sync` is off) sync every pair of the
    VNet's links that is out of sync. Raises RefusedError for a plan that did not pass its
    checks; a cloud failure comes back in the outcome. `inventory` (what the plan was made
    from) names the peers in the progress lines."""
    if not plan.ok:
        raise RefusedError("\n".join(plan.problems) or "Nothing to change.",
                           code="PreflightFailed")
    retry = retry or RetryPolicy()
    change = plan.change
    label = f"{plan.vnet_name}'s address space"
    _emit(on_progress, ProgressEvent(Stage.SENDING, f"update {label}: {', '.join(plan.after)}"))
    try:
        vnet = await with_retry(
            backend, lambda: backend.update_address_space(change.vnet_id, plan.before,
                                                          plan.after),
            label, retry, on_progress)
    except VnettuiError as error:
        _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}"))
        return AddressOutcome(plan, None, error)
    _emit(on_progress, ProgressEvent(Stage.DONE, f"{label} updated"))
    if not change.sync:
        return AddressOutcome(plan, vnet)
    try:
        links = await backend.list_peerings(change.vnet_id)
    except VnettuiError as error:
        _emit(on_progress, ProgressEvent(Stage.FAILED, f"{plan.vnet_name}'s links: {error}"))
        return AddressOutcome(plan, vnet, None, SyncAllResult())
    # The peers as the plan knew them name the links; a peer not loaded is named by its id
    # and its link back is found when the pair is re-read.
    wanted = pairs_to_sync(inventory or Inventory(vnets=(vnet,)), links)
    for note in wanted.skipped:
        _emit(on_progress, ProgressEvent(Stage.INFO, note))
    synced = await sync_pairs(backend, wanted.pairs, on_progress, retry=retry, bound=bound)
    return AddressOutcome(plan, vnet, None, synced)

