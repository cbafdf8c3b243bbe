"""Deleting one link or both, with what the confirm modal asks and says will happen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tui.errors import NotFoundError, VnettuiError
from tui.model import Inventory, Peering, ResourceId, rid
from tui.peering.backend import PeeringBackend
from tui.peering.each_link import describe_writes, on_each_link
from tui.peering.pair import PairState, read_pair, state_text
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy


@dataclass(frozen=True)
class DeleteRequest:
    peering_id: ResourceId
    both: bool = True


@dataclass(frozen=True)
class DeletePlan:
    peering: Peering
    vnet_name: str
    remote_vnet_name: str
    reverse: Peering | None
    both: bool

    @property
    def targets(self) -> list[Peering]:
        return [self.peering] + ([self.reverse] if self.both and self.reverse else [])

    def question(self) -> str:
        return f"Delete {self.peering.name} on {self.vnet_name}?"

    def consequence(self, both: bool | None = None) -> str:
        both = self.both if both is None else both
        if self.reverse is None:
            return (f"{self.remote_vnet_name} has no link back to {self.vnet_name}, so nothing "
                    f"else changes.")
        if both:
            return (f"The link {self.reverse.name} on {self.remote_vnet_name} is deleted too: "
                    f"{self.vnet_name} and {self.remote_vnet_name} are no longer peered.")
        return (f"The link {self.reverse.name} on {self.remote_vnet_name} will become "
                f"Disconnected and carry no traffic.")

    def commands(self) -> list[str]:
        return [f"az network vnet peering delete -g {p.vnet_id.resource_group} "
                f"--vnet-name {p.vnet_id.name} -n {p.name} "
                f"--subscription {p.vnet_id.subscription_id}" for p in self.targets]


def find_peering(inventory: Inventory, peering_id: str) -> Peering | None:
    pid = rid(peering_id)
    vnet = inventory.vnet(pid.parent)
    if vnet is None:
        vnet = next((v for v in inventory.vnets if any(p.id == pid for p in v.peerings)), None)
    return next((p for p in vnet.peerings if p.id == pid), None) if vnet else None


def plan_delete(inventory: Inventory, peering: Peering, both: bool = True) -> DeletePlan:
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    reverse = inventory.reverse_of(peering)
    return DeletePlan(peering, vnet.name if vnet else peering.vnet_id.name,
                      remote.name if remote else peering.remote_vnet_id.name, reverse, both)


@dataclass(frozen=True)
class DeleteResult:
    plan: DeletePlan
    deleted: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    now: PairState

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        return describe_writes([f"Deleted {p.name} on {p.vnet_id.name}." for p in self.deleted],
                               "delete", self.errors, self.now)


def _deleting(backend: PeeringBackend, peering_id: ResourceId) -> Callable[
        [], Awaitable[Peering | None]]:
    async def call() -> Peering | None:
        try:
            await backend.delete_peering(peering_id)
        except NotFoundError:
            pass  # already gone: what a delete wanted
        return None
    return call


async def delete_peering(
    backend: PeeringBackend,
    plan: DeletePlan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> DeleteResult:
    """Delete one or both links concurrently, then re-read what is left."""
    deleted, errors = await on_each_link(
        backend, plan.targets, lambda p: _deleting(backend, p.id),
        starting=(Stage.DELETING, "delete"), finished=(Stage.DELETED, "deleted"),
        retry=retry or RetryPolicy(), on_progress=on_progress)
    now = await read_pair(backend, plan.peering.vnet_id, plan.vnet_name,
                          plan.peering.remote_vnet_id, plan.remote_vnet_name)
    for link in now.links():
        _emit(on_progress, ProgressEvent(
            Stage.STATE, f"{link.name} on {link.vnet_id.name}: {state_text(link)}", peering=link))
    return DeleteResult(plan, tuple(deleted), tuple(errors), now)
