"""Throttling (429) absorbed in the pipeline: one shared back-off for all of a backend's
clients, Retry-After honoured with jitter, and a longer budget than other errors get.

azure-core's retry policy treats 429 like a 5xx: three tries, each request on its own. When
several requests are throttled together they wake together, retry in lockstep and are
throttled again, until each gives up. Here, once Azure throttles, the backend's requests go
one at a time (the one holding the turn retries until it gets through), all waiting for one
shared resume time; when the queue is empty they flow concurrently again. The back-off is
shared per backend rather than per subscription because Azure counts a principal's
requests per tenant as well as per subscription (and the sandbox counts them all together).

`ThrottlePolicy` sits first among a client's per-retry policies, so every resend still
passes the read-only guard and the audit, and the SDK's retry policy never sees a 429
unless this policy's budget ran out (then it raises `ThrottledError`, which is not retried).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import AsyncHTTPPolicy
from azure.core.pipeline.transport import AsyncHttpTransport
from azure.core.rest import AsyncHttpResponse, HttpRequest

from tui import notices
from tui.azure.error_map import retry_after_seconds
from tui.azure.meter import RequestMeter
from tui.errors import ThrottledError

log = logging.getLogger(__name__)

# How many 429 answers one request absorbs, and how long it waits in all, before giving
# up: far more than the three tries azure-core gives a 5xx, since throttling always ends.
THROTTLE_ATTEMPTS = 12
THROTTLE_BUDGET_SECONDS = 300.0
# Without a Retry-After: 1, 2, 4 ... seconds, at most this long.
FALLBACK_MAX_SECONDS = 60.0
# How much later than Retry-After a wait may end (as a fraction of it), so that
# processes throttled together do not come back together.
JITTER = 0.5
# A person hears about throttling at most this often (every wait goes to the log).
NOTICE_EVERY_SECONDS = 10.0


def jittered_wait(retry_after: float | None, attempt: int, draw: float) -> float:
    """Seconds to wait before the `attempt`-th resend (1-based): Retry-After when Azure
    gave it, else exponential; stretched by up to JITTER of itself (`draw` in [0, 1))."""
    if retry_after is None:
        base = min(FALLBACK_MAX_SECONDS, 2.0 ** (attempt - 1))
    else:
        base = max(0.0, retry_after)
    return base * (1.0 + JITTER * draw)


class Backoff:
    """The throttling state one backend's clients share: when sending may resume, and
    whether requests must take turns."""

    def __init__(self, draw: Callable[[], float] = random.random) -> None:
        self._draw = draw
        self._turn = asyncio.Lock()
        self._resume_at = 0.0  # time.monotonic() before which nothing is sent
        self._recovering = False  # throttled, and no request has got through since
        self._waiting = 0  # requests holding or queued for the turn
        self._last_notice = float("-inf")

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[bool]:
        """Free passage while Azure is content; one request at a time while it throttles
        (and until every request queued then has had its turn). Yields whether this
        request holds the turn."""
        if not self._recovering and not self._waiting:
            yield False
            return
        self._waiting += 1
        try:
            async with self._turn:
                yield True
        finally:
            self._waiting -= 1

    async def pause(self, sleep: Callable[[float], Any]) -> None:
        """Wait until the shared resume time (on the transport's clock)."""
        left = self._resume_at - time.monotonic()
        if left > 0:
            await sleep(left)

    def throttled(self, retry_after: float | None, attempt: int) -> float:
        """Azure answered 429: push the shared resume time out; returns this wait."""
        wait = jittered_wait(retry_after, attempt, self._draw())
        self._resume_at = max(self._resume_at, time.monotonic() + wait)
        self._recovering = True
        log.info("throttled (attempt %d): waiting %.1f s", attempt, wait)
        now = time.monotonic()
        if now - self._last_notice >= NOTICE_EVERY_SECONDS:
            self._last_notice = now
            asked = "no Retry-After" if retry_after is None else f"Retry-After {retry_after:g} s"
            notices.tell(f"Azure is throttling requests (429, {asked}); waiting {wait:.1f} s, "
                         "then sending one request at a time until it lets up.")
        return wait

    def got_through(self) -> None:
        self._recovering = False


Request = PipelineRequest[HttpRequest]
Response = PipelineResponse[HttpRequest, AsyncHttpResponse]


class ThrottlePolicy(AsyncHTTPPolicy[HttpRequest, AsyncHttpResponse]):
    """Resends a throttled request after the shared back-off, within the 429 budget."""

    def __init__(self, backoff: Backoff) -> None:
        super().__init__()
        self.backoff = backoff

    async def send(self, request: Request) -> Response:
        backoff = self.backoff
        transport = request.context.transport
        # The transport's own clock: the sandbox never waits longer than its writes take.
        sleep = transport.sleep if isinstance(transport, AsyncHttpTransport) else asyncio.sleep
        attempt = 0
        waited = 0.0
        while True:
            async with backoff.turn() as holding:
                # The turn is held across resends: the request that has it gets through
                # before the next one is let go, so no two retry in step.
                while True:
                    await backoff.pause(sleep)
                    response = await self.next.send(request)
                    if response.http_response.status_code != 429:
                        backoff.got_through()
                        return response
                    attempt += 1
                    retry_after = retry_after_seconds(response.http_response.headers)
                    if attempt > THROTTLE_ATTEMPTS or waited >= THROTTLE_BUDGET_SECONDS:
                        raise _gave_up(attempt - 1, waited, retry_after)
                    waited += backoff.throttled(retry_after, attempt)
                    if not holding:
                        break  # throttled while flowing freely: queue up for the turn


class MeterPolicy(AsyncHTTPPolicy[HttpRequest, AsyncHttpResponse]):
    """Counts each request that goes out (resends too) and each 429, for the explorer's
    rate; last among the per-retry policies, so a refused write is not counted."""

    def __init__(self, meter: RequestMeter) -> None:
        super().__init__()
        self.meter = meter

    async def send(self, request: Request) -> Response:
        self.meter.sent()
        response = await self.next.send(request)
        if response.http_response.status_code == 429:
            self.meter.throttled()
        return response


def _gave_up(resends: int, waited: float, retry_after: float | None) -> ThrottledError:
    return ThrottledError(
        f"Azure kept throttling requests (429) after {resends} resends and {waited:.0f} s "
        "of waiting; try again in a few minutes.",
        code="TooManyRequests", retry_after=retry_after,
    )
