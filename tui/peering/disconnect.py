"""Disconnecting spokes from a hub: both links of each chosen peering deleted, the pairs
concurrently (bounded), confirmed once with the whole list, a result per pair."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from tui.errors import InputError
from tui.model import Inventory, ResourceId
from tui.peering.backend import PeeringBackend
from tui.peering.delete import DeletePlan, DeleteResult, delete_peering, find_peering, plan_delete
from tui.peering.progress import ProgressEvent
from tui.peering.retry import RetryPolicy

DisconnectProgress = Callable[[int, ProgressEvent], None]  # index into the plans, event


@dataclass(frozen=True)
class DisconnectRequest:
    """Links on `hub_id` whose peerings go, each with its link back."""

    hub_id: ResourceId
    peering_ids: tuple[ResourceId, ...]


def plan_disconnect(inventory: Inventory, request: DisconnectRequest) -> list[DeletePlan]:
    """A delete plan (both sides) per link; InputError for a link not loaded or not on the
    hub."""
    plans = []
    for peering_id in request.peering_ids:
        peering = find_peering(inventory, peering_id)
        if peering is None or peering.vnet_id != request.hub_id:
            raise InputError(f"The link {peering_id.name} is not a loaded link of "
                             f"{request.hub_id.name}; refresh.")
        plans.append(plan_delete(inventory, peering, both=True))
    if not plans:
        raise InputError(f"Choose at least one link of {request.hub_id.name} to disconnect.")
    return plans


def disconnect_lines(plans: list[DeletePlan]) -> list[str]:
    """The confirmation's list: one line per spoke, naming every link that goes."""
    return [" and ".join(f"{p.name} on {p.vnet_id.name}" for p in plan.targets)
            + f" ({plan.vnet_name} ↔ {plan.remote_vnet_name})" for plan in plans]


@dataclass(frozen=True)
class DisconnectOutcome:
    results: tuple[DeleteResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def describe(self) -> str:
        failed = sum(not r.ok for r in self.results)
        done = len(self.results) - failed
        summary = f"{done} disconnected" + (f", {failed} failed" if failed else "") + "."
        return "\n".join([*(r.describe() for r in self.results), summary])


async def disconnect_spokes(
    backend: PeeringBackend,
    plans: list[DeletePlan],
    on_progress: DisconnectProgress | None = None,
    *,
    concurrency: int = 10,
    retry: RetryPolicy | None = None,
) -> DisconnectOutcome:
    """Delete both links of each plan, at most `concurrency` pairs at once."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, plan: DeletePlan) -> DeleteResult:
        def report(event: ProgressEvent) -> None:
            if on_progress is not None:
                on_progress(index, event)
        async with gate:
            return await delete_peering(backend, plan, report, retry=retry)

    results = await asyncio.gather(*(one(i, p) for i, p in enumerate(plans)))
    return DisconnectOutcome(tuple(results))
