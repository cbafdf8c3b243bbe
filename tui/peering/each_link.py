"""One write sent to several links at once, each with retries, and what the result says.

Delete, roll back and sync differ only in the call and the words they report; the rest (the
label, the progress events, collecting failures instead of raising) is here, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence

from tui.errors import VnettuiError
from tui.model import Peering
from tui.peering.backend import PeeringBackend
from tui.peering.pair import PairState
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy, with_retry

Write = Callable[[Peering], Callable[[], Awaitable[Peering | None]]]
Failures = list[tuple[Peering, VnettuiError]]


async def on_each_link(
    backend: PeeringBackend,
    peerings: Iterable[Peering],
    write: Write,
    *,
    starting: tuple[Stage, str],
    finished: tuple[Stage, str],
    retry: RetryPolicy,
    on_progress: ProgressCallback | None,
) -> tuple[list[Peering], Failures]:
    """Send `write` for every link concurrently; (links done, as the write returned them, and
    failures). `starting` and `finished` are each a stage and the verb put before the label."""
    done_links: list[Peering] = []
    errors: Failures = []

    async def one(peering: Peering) -> None:
        label = f"{peering.name} on {peering.vnet_id.name}"
        _emit(on_progress, ProgressEvent(starting[0], f"{starting[1]} {label}", peering=peering))
        try:
            done = await with_retry(backend, write(peering), label, retry, on_progress)
        except VnettuiError as error:
            errors.append((peering, error))
            _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}", peering=peering))
            return
        done_links.append(done or peering)
        _emit(on_progress, ProgressEvent(finished[0], f"{finished[1]} {label}",
                                         peering=done or peering))

    await asyncio.gather(*(one(p) for p in peerings))
    return done_links, errors


def describe_writes(
    done: Sequence[str],
    verb: str,
    errors: Iterable[tuple[Peering, VnettuiError]],
    now: PairState,
    *,
    then: Sequence[str] = (),
) -> str:
    """What a result says: a line per link written, per failure, then what exists now."""
    failed = [f"Could not {verb} {p.name} on {p.vnet_id.name}: {e}." for p, e in errors]
    return "\n".join([*done, *failed, *then, now.describe()])
