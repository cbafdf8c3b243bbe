"""Undoing a half-made peering: Azure has no transaction across the two links."""

from __future__ import annotations

from dataclasses import dataclass

from tui.errors import VnettuiError
from tui.model import Peering
from tui.peering.apply import ApplyResult
from tui.peering.backend import PeeringBackend
from tui.peering.delete import _deleting
from tui.peering.each_link import describe_writes, on_each_link
from tui.peering.pair import PairState, read_plan_pair
from tui.peering.plan import Action
from tui.peering.progress import ProgressCallback, Stage
from tui.peering.retry import RetryPolicy


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
        return describe_writes(
            [f"Rolled back: deleted {p.name} on {p.vnet_id.name}." for p in self.deleted],
            "delete", self.errors, self.now,
            then=[f"Kept {p.name} on {p.vnet_id.name}: it existed before." for p in self.kept])


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
    deleted, errors = await on_each_link(
        backend, doomed, lambda p: _deleting(backend, p.id),
        starting=(Stage.DELETING, "rolling back: delete"), finished=(Stage.DELETED, "deleted"),
        retry=retry, on_progress=on_progress)
    now = await read_plan_pair(backend, result.plan)
    return RollbackResult(tuple(deleted), tuple(errors), kept, now)
