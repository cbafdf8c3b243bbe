"""Syncing the stale side of a peering after an address space changed."""

from __future__ import annotations

from dataclasses import dataclass

from tui.errors import RefusedError, VnettuiError
from tui.model import Peering, ResourceId, SyncLevel
from tui.peering.backend import PeeringBackend
from tui.peering.each_link import describe_writes, on_each_link
from tui.peering.pair import PairState, read_pair
from tui.peering.progress import ProgressCallback, Stage
from tui.peering.retry import RetryPolicy


@dataclass(frozen=True)
class SyncRequest:
    peering_id: ResourceId


def sides_to_sync(link: Peering, reverse: Peering | None) -> list[Peering]:
    """The links whose copy of the other VNet's space is stale.

    Azure reports LocalNotInSync on the link that must be synced (azure-facts section 1:
    after vnet1 grows, vnet2's link says LocalNotInSync and syncing it settles both).
    LocalAndRemoteNotInSync means both ends changed [U], so both are synced.
    """
    stale = (SyncLevel.LOCAL_NOT_IN_SYNC, SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC)
    chosen = [p for p in (link, reverse) if p is not None and p.sync_level in stale]
    if chosen:
        return chosen
    # Only one side reports (the other could not be read): RemoteNotInSync points at the
    # other side; with no other side to sync, syncing this one is all that can be done.
    if link.sync_level is SyncLevel.REMOTE_NOT_IN_SYNC:
        return [reverse] if reverse is not None else [link]
    if reverse is not None and reverse.sync_level is SyncLevel.REMOTE_NOT_IN_SYNC:
        return [link]
    if (link.remote_vnet_address_prefixes
            and set(link.remote_address_prefixes) != set(link.remote_vnet_address_prefixes)):
        return [link]
    return []


@dataclass(frozen=True)
class SyncResult:
    synced: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    now: PairState
    already_in_sync: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        step = self.now.next_step()
        if step and not self.synced:  # one side missing: refused, and the way forward
            reasons = "\n".join(str(e) for _, e in self.errors)
            return f"{reasons}\n{self.now.describe()}\n{step}"
        if self.already_in_sync:
            return "Both links are already in sync; nothing was sent.\n" + self.now.describe()
        return describe_writes(
            [f"Synced {p.name} on {p.vnet_id.name}: {p.sync_level.value}." for p in self.synced],
            "sync", self.errors, self.now)


async def sync_peering(
    backend: PeeringBackend,
    peering_id: ResourceId,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> SyncResult:
    """Re-read the link and its reverse, sync the stale side(s), re-read both."""
    retry = retry or RetryPolicy()
    link = await backend.get_peering(peering_id)
    local_name, remote_name = link.vnet_id.name, link.remote_vnet_id.name
    before = await read_pair(backend, link.vnet_id, local_name, link.remote_vnet_id, remote_name)
    if before.next_step():
        return SyncResult((), ((link, _one_sided(before)),), before)
    reverse = before.remote_link
    targets = sides_to_sync(before.local_link or link, reverse)
    if not targets:
        return SyncResult((), (), before, already_in_sync=True)
    synced, errors = await on_each_link(
        backend, targets, lambda p: lambda: backend.sync_peering(p.id),
        starting=(Stage.SYNCING, "sync"), finished=(Stage.DONE, "synced"),
        retry=retry, on_progress=on_progress)
    now = await read_pair(backend, link.vnet_id, local_name, link.remote_vnet_id, remote_name)
    return SyncResult(tuple(synced), tuple(errors), now)


def _one_sided(pair: PairState) -> RefusedError:
    """A sync needs both links: with one missing there is no peering to sync."""
    (only,) = pair.links()
    return RefusedError(
        f"Nothing to sync: {only.name} on {only.vnet_id.name} has no link back "
        f"({only.state.value}), so the two VNets are not peered; nothing was sent.",
        code="PeeringIncomplete")
