"""The whole create workflow: apply, and on a half failure ask what to do until it is resolved."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tui.peering.apply import ApplyResult, apply_plan, retry_failed
from tui.peering.backend import PeeringBackend
from tui.peering.pair import PairState
from tui.peering.plan import Plan
from tui.peering.progress import ProgressCallback
from tui.peering.retry import PollPolicy, RetryPolicy
from tui.peering.rollback import RollbackResult, roll_back


class Decision(enum.StrEnum):
    """What to do when one side made it and the other did not."""

    ROLL_BACK = "roll back"
    RETRY = "retry"
    KEEP = "keep"


Decide = Callable[[ApplyResult], Awaitable[Decision]]


async def always_roll_back(result: ApplyResult) -> Decision:
    return Decision.ROLL_BACK


@dataclass(frozen=True)
class CreateOutcome:
    """The end of the create workflow: what was applied, and any roll back."""

    result: ApplyResult
    rollback: RollbackResult | None = None
    kept_partial: bool = False

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def now(self) -> PairState:
        return self.rollback.now if self.rollback else self.result.now

    def describe(self) -> str:
        if self.ok:
            return self.now.describe()
        text = self.result.describe()
        if self.rollback:
            text += "\n" + self.rollback.describe()
        elif self.kept_partial and self.result.orphans:
            names = ", ".join(f"{p.name} on {p.vnet_id.name}" for p in self.result.orphans)
            text += f"\nKept {names}: it carries no traffic until the other side exists."
        step = self.now.next_step()
        if step:
            text += "\n" + step
        elif self.result.vanished and not self.now.links():
            plan = self.result.plan
            text += (f"\nNeither link exists: peer them again with `vnettui peer "
                     f"{plan.local_name} {plan.remote_name}` (p in the explorer).")
        return text


async def create_peering(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    decide: Decide = always_roll_back,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> CreateOutcome:
    """The whole create: apply, and on a half failure ask `decide` until it is resolved.

    `decide` is the TUI's roll back / retry modal, or the CLI's default (roll back).
    """
    result = await apply_plan(backend, plan, on_progress, retry=retry, poll=poll)
    while result.half_failed:
        choice = await decide(result)
        if choice is Decision.RETRY:
            result = await retry_failed(backend, result, on_progress, retry=retry, poll=poll)
            continue
        if choice is Decision.ROLL_BACK:
            undone = await roll_back(backend, result, on_progress, retry=retry)
            return CreateOutcome(result, undone)
        return CreateOutcome(result, None, kept_partial=True)
    return CreateOutcome(result)
