"""Undoing a half-made peering: Azure has no transaction across the two links."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tui.errors import VnettuiError
from tui.model import Peering
from tui.peering.apply import ApplyResult
from tui.peering.backend import PeeringBackend
from tui.peering.delete import _deleting
from tui.peering.pair import PairState, read_pair
from tui.peering.plan import Action
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy, _with_retry


@dataclass(frozen=True)
class RollbackResult:
    deleted: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    kept: tuple[Peering, ...]  # revived links: they existed before, so they stay
    now: PairState

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        lines = [f"Rolled back: deleted {p.name} on {p.vnet_id.name}." for p in self.deleted]
        lines += [f"Could not delete {p.name} on {p.vnet_id.name}: {e}." for p, e in self.errors]
        lines += [f"Kept {p.name} on {p.vnet_id.name}: it existed before." for p in self.kept]
        lines.append(self.now.describe())
        return "\n".join(lines)


async def roll_back(
    backend: PeeringBackend,
    result: ApplyResult,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> RollbackResult:
    """Delete the links this apply created (they exist now); leave revived ones alone."""
    retry = retry or RetryPolicy()
    created = {link.peering_id for link in result.plan.links if link.action is Action.CREATE}
    doomed = [p for p in result.now.links() if p.id in created]
    kept = tuple(p for p in result.now.links() if p.id not in created)
    errors: list[tuple[Peering, VnettuiError]] = []
    deleted: list[Peering] = []

    async def delete(peering: Peering) -> None:
        label = f"{peering.name} on {peering.vnet_id.name}"
        _emit(on_progress, ProgressEvent(Stage.DELETING, f"rolling back: delete {label}",
                                         peering=peering))
        try:
            await _with_retry(backend, _deleting(backend, peering.id), label, retry, on_progress)
        except VnettuiError as error:
            errors.append((peering, error))
            _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}", peering=peering))
            return
        deleted.append(peering)
        _emit(on_progress, ProgressEvent(Stage.DELETED, f"deleted {label}", peering=peering))

    await asyncio.gather(*(delete(p) for p in doomed))
    plan = result.plan
    now = await read_pair(backend, plan.local_vnet_id, plan.local_name,
                          plan.remote_vnet_id, plan.remote_name)
    return RollbackResult(tuple(deleted), tuple(errors), kept, now)
