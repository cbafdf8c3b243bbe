"""When and how long to wait before sending again: ARM's busy answers are worth a second try."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tui.errors import ThrottledError, TransientError, VnettuiError
from tui.peering.plan import PlannedLink
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit

_T = TypeVar("_T")

Sleep = Callable[[float], Awaitable[None]]


# ARM answers worth sending again after a pause (azure-facts sections 1 and 4).
RETRYABLE_CODES = frozenset({
    "ReferencedResourceNotProvisioned",
    "AnotherOperationInProgress",
    "RetryableErrorDueToAnotherOperation",
    "TooManyRequests",
})


def is_retryable(error: VnettuiError) -> bool:
    return (isinstance(error, ThrottledError | TransientError)
            or error.code in RETRYABLE_CODES or error.status == 429)


def pause_of(backend: object, sleep: Sleep | None = None) -> Sleep:
    """How to wait between attempts: `sleep` if given, else the backend's own `sleep` when it
    has one (the sandbox's clock, which never waits longer than its writes take), else
    asyncio.sleep."""
    if sleep is not None:
        return sleep
    own = getattr(backend, "sleep", None)
    return own if callable(own) else asyncio.sleep


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for writes (1, 2, 4 s: about 7 s before giving up)."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Sleep | None = None  # see pause_of

    def delay(self, attempt: int, error: VnettuiError) -> float:
        hinted = error.retry_after if isinstance(error, ThrottledError) else None
        wait = hinted if hinted is not None else self.base_delay * (2 ** (attempt - 1))
        return max(0.0, min(wait, self.max_delay))


@dataclass(frozen=True)
class PollPolicy:
    """How long to watch links settle after the PUTs returned (`polls` re-reads)."""

    polls: int = 30
    interval: float = 1.0
    sleep: Sleep | None = None  # see pause_of


async def with_retry(
    backend: object,
    call: Callable[[], Awaitable[_T]],
    what: str,
    policy: RetryPolicy,
    on_progress: ProgressCallback | None,
    link: PlannedLink | None = None,
) -> _T:
    """`call`, sent again after a pause on ARM's busy answers, each pause said as progress:
    every write of vnettui (peerings, syncs, address spaces) goes through here."""
    attempt = 1
    while True:
        try:
            return await call()
        except VnettuiError as error:
            if not is_retryable(error) or attempt >= policy.attempts:
                raise
            wait = policy.delay(attempt, error)
            _emit(on_progress, ProgressEvent(Stage.RETRYING, (
                f"{what}: {error.code or 'busy'}; trying again in {wait:g}s "
                f"(attempt {attempt + 1} of {policy.attempts})"), link))
            await pause_of(backend, policy.sleep)(wait)
            attempt += 1
