"""Sending a bulk plan: the pairs concurrently (at most `concurrency` at a time), each with
the whole create workflow of one peering (both sides, retries, watched until Connected,
and on a half failure the same roll back / retry / keep), and one report per pair.

Throttling needs nothing here: the backend's pipeline holds every request back while Azure
throttles (`tui.azure.throttle`) and each link's write is retried on ARM's busy answers
(`tui.peering.retry`). The bound keeps a big plan from opening a hundred writes at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tui.errors import VnettuiError
from tui.model import Inventory
from tui.peering.apply import ApplyResult
from tui.peering.backend import PeeringBackend
from tui.peering.bulk import BulkPair, BulkPlan, HubRequest, MeshRequest, plan_hub_request
from tui.peering.create import CreateOutcome, Decision, create_peering
from tui.peering.disconnect import (
    DisconnectOutcome,
    DisconnectRequest,
    disconnect_spokes,
    plan_disconnect,
)
from tui.peering.gaps import write_gaps
from tui.peering.perform import Refused, ensure_writable
from tui.peering.progress import ProgressEvent
from tui.peering.retry import PollPolicy, RetryPolicy

DEFAULT_CONCURRENCY = 20

BulkProgress = Callable[[int, ProgressEvent], None]  # index of the pair in plan.pairs, event
DecidePair = Callable[[int, ApplyResult], Awaitable[Decision]]


async def roll_back_pair(index: int, result: ApplyResult) -> Decision:
    """The default for a pair that half failed: delete what it created, as `peer` does."""
    return Decision.ROLL_BACK


@dataclass(frozen=True)
class PairOutcome:
    """How one pair ended: its create workflow's outcome, or why it did not run."""

    pair: BulkPair
    outcome: CreateOutcome | None = None
    error: VnettuiError | None = None

    @property
    def ok(self) -> bool:
        if self.pair.skipped:
            return True
        return self.outcome is not None and self.outcome.ok

    @property
    def written(self) -> bool:
        """Something of this pair was created and still exists (kept, or not rolled back)."""
        if self.outcome is None:
            return False
        return bool(self.outcome.now.links()) and not (
            self.outcome.rollback is not None and self.outcome.rollback.ok)

    def status(self) -> str:
        """A few words for the pair's row."""
        if self.pair.skipped:
            return "already peered"
        if self.outcome is None:
            return f"failed: {self.error}" if self.error else "not sent"
        if self.ok:
            return "peered: " + ", ".join(
                f"{p.name} {p.state.value}" for p in self.outcome.now.links())
        if self.outcome.rollback is not None:
            return "failed, rolled back" if self.outcome.rollback.ok else \
                "failed, roll back failed too"
        if self.outcome.kept_partial:
            return "failed, the side made was kept"
        return "failed"

    def describe(self) -> str:
        if self.pair.skipped:
            return f"{self.pair.label}: {self.pair.skipped}."
        if self.outcome is None:
            return f"{self.pair.label}: {self.status()}."
        return f"{self.pair.label}: {self.status()}\n" + _indent(self.outcome.describe())


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


@dataclass(frozen=True)
class BulkOutcome:
    plan: BulkPlan
    results: tuple[PairOutcome, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[PairOutcome]:
        return [r for r in self.results if not r.ok]

    @property
    def succeeded(self) -> list[PairOutcome]:
        return [r for r in self.results if r.ok and not r.pair.skipped]

    def summary(self) -> str:
        done, failed = len(self.succeeded), len(self.failed)
        left = sum(1 for r in self.results if r.pair.skipped)
        parts = [f"{done} peered"] + ([f"{failed} failed"] if failed else []) + (
            [f"{left} already peered"] if left else [])
        return ", ".join(parts) + "."

    def describe(self) -> str:
        return "\n".join([*(r.describe() for r in self.results), self.summary()])


async def apply_bulk(
    backend: PeeringBackend,
    plan: BulkPlan,
    on_progress: BulkProgress | None = None,
    decide: DecidePair = roll_back_pair,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> BulkOutcome:
    """Send every pair of an `ok` plan, at most `concurrency` at once. Never raises for a
    cloud failure: each pair's outcome says what happened and what exists now."""
    if not plan.ok:
        raise plan.refusal()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, pair: BulkPair) -> PairOutcome:
        if pair.skipped:
            return PairOutcome(pair)

        def report(event: ProgressEvent) -> None:
            if on_progress is not None:
                on_progress(index, event)

        async def ask(result: ApplyResult) -> Decision:
            return await decide(index, result)

        async with gate:
            try:
                outcome = await create_peering(backend, pair.plan, report, ask, retry=retry,
                                               poll=poll)
            except VnettuiError as error:
                return PairOutcome(pair, None, error)
        return PairOutcome(pair, outcome)

    results = await asyncio.gather(*(one(i, p) for i, p in enumerate(plan.pairs)))
    return BulkOutcome(plan, tuple(results))


def check_writable(inventory: Inventory, plan: BulkPlan, *, read_only: bool = False,
                   read_only_origin: str | None = None) -> str | None:
    """Refuse (RefusedError, UnreadableError) what may not be sent: `--read-only`, or a
    plan whose checks depend on a subscription that could not be read. Returns the note
    to show when missing subscriptions cannot matter."""
    what = (f"connect {len(plan.to_send)} spokes to {plan.hub.name}" if plan.hub
            else f"peer {len(plan.to_send)} pairs of VNets")
    ensure_writable(read_only, what, read_only_origin)
    gaps = write_gaps(inventory, plan.targets())
    if not gaps.ok:
        raise gaps.refusal(what)
    return gaps.note()


async def perform_bulk(
    backend: PeeringBackend,
    inventory: Inventory,
    request: HubRequest | MeshRequest | DisconnectRequest,
    on_progress: BulkProgress | None = None,
    decide: DecidePair = roll_back_pair,
    *,
    read_only: bool = False,
    read_only_origin: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> BulkOutcome | DisconnectOutcome | Refused:
    """Carry out what the connect-spokes or mesh form, or the disconnect confirmation,
    returned, as `perform` does for one peering: planned again on `inventory`, refused
    (never raised) when read-only, partial in a way that matters, or failing its checks."""
    try:
        if isinstance(request, DisconnectRequest):
            plans = plan_disconnect(inventory, request)
            targets = [v for plan in plans for p in plan.targets
                       if (v := inventory.vnet(p.vnet_id)) is not None]
            what = f"disconnect {len(plans)} spokes from {request.hub_id.name}"
            ensure_writable(read_only, what, read_only_origin)
            gaps = write_gaps(inventory, targets)
            if not gaps.ok:
                raise gaps.refusal(what)
            return await disconnect_spokes(backend, plans, on_progress,
                                           concurrency=concurrency, retry=retry)
        plan = plan_hub_request(inventory, request)
        check_writable(inventory, plan, read_only=read_only, read_only_origin=read_only_origin)
        return await apply_bulk(backend, plan, on_progress, decide, concurrency=concurrency,
                                retry=retry, poll=poll)
    except VnettuiError as error:
        return Refused(error)
