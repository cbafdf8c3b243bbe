"""Sending a plan's links (each wave concurrently), watching them settle, and resending the
failed ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from tui.errors import CloudError, VnettuiError
from tui.model import Peering, PeeringState, ResourceId
from tui.peering.backend import PeeringBackend
from tui.peering.pair import PairState, read_plan_pair, state_text
from tui.peering.plan import Action, Plan, PlannedLink
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import PollPolicy, RetryPolicy, pause_of, with_retry


@dataclass(frozen=True)
class LinkResult:
    link: PlannedLink
    peering: Peering | None = None
    error: VnettuiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    results: tuple[LinkResult, ...]
    now: PairState

    @property
    def ok(self) -> bool:
        """Every link was sent and is there when re-read: the state printed is what was
        asked for (a link deleted meanwhile, say by a racing unpeer, makes it not ok)."""
        return all(r.ok for r in self.results) and not self.vanished

    @property
    def vanished(self) -> list[PlannedLink]:
        """Links sent successfully that the final re-read no longer shows."""
        if self.now.unreadable:
            return []  # cannot tell; `now` says which side could not be read
        present = {p.id for p in self.now.links()}
        return [r.link for r in self.results if r.ok and r.link.peering_id not in present]

    @property
    def failed(self) -> list[LinkResult]:
        return [r for r in self.results if not r.ok]

    @property
    def succeeded(self) -> list[LinkResult]:
        return [r for r in self.results if r.ok]

    @property
    def half_failed(self) -> bool:
        """Some links went through and some did not: the state a person must decide on."""
        return bool(self.failed) and bool(self.orphans or self.succeeded)

    @property
    def orphans(self) -> list[Peering]:
        """Links this plan created that exist now, while another link of the plan failed."""
        if not self.failed:
            return []
        created = {link.peering_id for link in self.plan.links if link.action is Action.CREATE}
        return [p for p in self.now.links() if p.id in created]

    def describe(self) -> str:
        lines = []
        gone = {link.peering_id for link in self.vanished}
        for r in self.results:
            if not r.ok:
                lines.append(f"{r.link.label}: failed: {r.error}.")
            elif r.link.peering_id in gone:
                lines.append(f"{r.link.label}: {r.link.action.value}d, but gone when read "
                             "again: something else deleted it meanwhile.")
            else:
                lines.append(f"{r.link.label}: {r.link.action.value}d.")
        lines.append(self.now.describe())
        return "\n".join(lines)


async def _put(backend: PeeringBackend, link: PlannedLink, policy: RetryPolicy,
               on_progress: ProgressCallback | None) -> LinkResult:
    _emit(on_progress, ProgressEvent(Stage.SENDING, f"{link.action.value} {link.label}", link))
    try:
        peering = await with_retry(
            backend,
            lambda: backend.put_peering(link.vnet_id, link.name, link.remote_vnet_id, link.flags,
                                        **({"subnets": link.subnets} if link.subnets else {})),
            link.label, policy, on_progress, link)
    except VnettuiError as error:
        _emit(on_progress, ProgressEvent(Stage.FAILED, f"{link.label}: {error}", link))
        return LinkResult(link, None, error)
    _emit(on_progress, ProgressEvent(Stage.DONE, f"{link.label}: {link.action.value}d", link,
                                     peering))
    return LinkResult(link, peering)


def _expected_state(plan: Plan, now: PairState) -> PeeringState:
    both = now.local_link is not None and now.remote_link is not None
    return PeeringState.CONNECTED if both else PeeringState.INITIATED


async def _settle(backend: PeeringBackend, plan: Plan, poll: PollPolicy,
                  on_progress: ProgressCallback | None) -> PairState:
    """Re-read both sides until the links show the state they should end in."""
    seen: dict[ResourceId, PeeringState] = {}
    now = await read_plan_pair(backend, plan)
    for poll_no in range(poll.polls):
        for link in now.links():
            if seen.get(link.id) is not link.state:
                seen[link.id] = link.state
                _emit(on_progress, ProgressEvent(
                    Stage.STATE, f"{link.name} on {link.vnet_id.name}: {state_text(link)}",
                    peering=link))
        expected = _expected_state(plan, now)
        settled = all(p.state is expected and p.provisioning_state.lower() == "succeeded"
                      for p in now.links())
        if settled or now.unreadable:
            break
        if poll_no == poll.polls - 1:
            _emit(on_progress, ProgressEvent(Stage.INFO, (
                f"still settling after {poll.polls} reads (expected {expected.value}); "
                f"Azure finishes on its own, so read the links again later")))
            break
        await pause_of(backend, poll.sleep)(poll.interval)
        now = await read_plan_pair(backend, plan)
    return now


async def apply_plan(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """Send the plan's links (each wave concurrently), then watch them settle.

    Never raises for a cloud failure: the result says which links failed and what exists.
    """
    if not plan.preflight.ok:
        raise plan.preflight.refusal()
    retry = retry or RetryPolicy()
    results: list[LinkResult] = []
    for wave in plan.waves:
        if any(not r.ok for r in results):
            # An earlier wave failed (a revive): the rest would be refused by Azure.
            results += [LinkResult(link, None, CloudError(
                "not sent, because an earlier step failed", code="NotAttempted"))
                for link in wave]
            continue
        results += await asyncio.gather(*(_put(backend, link, retry, on_progress)
                                          for link in wave))
    if all(r.ok for r in results):
        now = await _settle(backend, plan, poll or PollPolicy(), on_progress)
    else:
        now = await read_plan_pair(backend, plan)
    return ApplyResult(plan, tuple(results), now)


async def retry_failed(
    backend: PeeringBackend,
    result: ApplyResult,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """Send the failed links again; the ones that went through are kept."""
    failed = {r.link.peering_id for r in result.failed}
    again = replace(result.plan, links=tuple(link for link in result.plan.links
                                             if link.peering_id in failed))
    second = await apply_plan(backend, again, on_progress, retry=retry, poll=poll)
    merged = tuple(next((r2 for r2 in second.results if r2.link.peering_id == r.link.peering_id),
                        r) for r in result.results)
    return ApplyResult(result.plan, merged, second.now)
