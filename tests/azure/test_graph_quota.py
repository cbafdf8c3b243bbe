"""The Resource Graph pacer: never past the quota the answers report, and as many queries
at once as it allows. Time is a fake clock that `sleep` advances: nothing waits."""

from __future__ import annotations

import asyncio
import random

from hypothesis import given
from hypothesis import strategies as st

from tui.azure.error_map import retry_after_seconds
from tui.azure.graph_quota import QuotaPacer, parse_hms, quota_of
from tui.sandbox.graph.quota import Quota


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_quota_headers_are_read() -> None:
    assert parse_hms("00:00:03") == 3
    assert parse_hms("01:02:03") == 3723
    assert parse_hms("4") == 4
    assert parse_hms("soon") is None
    assert parse_hms(None) is None
    assert parse_hms("-1") is None
    assert quota_of({"x-ms-user-quota-remaining": "10",
                     "x-ms-user-quota-resets-after": "00:00:05"}) == (10, 5)
    assert quota_of({"x-ms-user-quota-remaining": "10"}) is None
    assert quota_of({}) is None
    # A 429 from Resource Graph carries no Retry-After: the quota's reset is the wait.
    assert retry_after_seconds({"x-ms-user-quota-resets-after": "00:00:04"}) == 4
    assert retry_after_seconds({"Retry-After": "2",
                                "x-ms-user-quota-resets-after": "00:00:04"}) == 2


async def _run(pacer: QuotaPacer, server: Quota, time: FakeTime, chains: int, pages: int,
               rng: random.Random) -> list[bool]:
    """`chains` queries of `pages` pages each (a page waits for the one before, as
    `$skipToken` paging does), answered by `server` after a random number of turns."""
    answers: list[bool] = []

    async def chain() -> None:
        for _ in range(pages):
            await pacer.acquire()
            for _ in range(rng.randrange(3)):
                await asyncio.sleep(0)  # other queries' turns while this one is out
            allowed, headers = server.take()
            answers.append(allowed)
            time.now += rng.random() * 0.2  # latency
            await pacer.release(headers)

    await asyncio.gather(*(chain() for _ in range(chains)))
    return answers


@given(limit=st.integers(1, 20), window=st.floats(0.5, 10), chains=st.integers(1, 6),
       pages=st.integers(1, 12), seed=st.integers(0, 10**6))
def test_pacing_never_meets_a_429(limit: int, window: float, chains: int, pages: int,
                                  seed: int) -> None:
    time = FakeTime()
    pacer = QuotaPacer(clock=time.clock, sleep=time.sleep)
    server = Quota(limit, window, time.clock)
    answers = asyncio.run(_run(pacer, server, time, chains, pages, random.Random(seed)))
    assert len(answers) == chains * pages
    assert all(answers), f"{answers.count(False)} queries past the quota"
    assert pacer.in_flight == 0


def test_the_quota_is_used_concurrently_then_waited_out() -> None:
    time = FakeTime()
    pacer = QuotaPacer(clock=time.clock, sleep=time.sleep, max_in_flight=6)
    server = Quota(15, 5.0, time.clock)
    most = 0

    async def query() -> None:
        nonlocal most
        await pacer.acquire()
        most = max(most, pacer.in_flight)
        await asyncio.sleep(0)
        allowed, headers = server.take()
        assert allowed
        await pacer.release(headers)

    async def main() -> None:
        await query()  # the first goes alone: nothing is known yet
        assert pacer.limit == 15
        assert pacer.remaining == 14
        await asyncio.gather(*(query() for _ in range(40)))

    asyncio.run(main())
    assert most == 6
    # 41 queries at 15 per 5 s: two windows waited out, none refused.
    assert pacer.waits >= 2
    assert time.now - 1000.0 >= 10.0


def test_answers_without_quota_headers_turn_pacing_off() -> None:
    time = FakeTime()
    pacer = QuotaPacer(clock=time.clock, sleep=time.sleep, max_in_flight=3)

    async def main() -> None:
        await pacer.acquire()
        await pacer.release({"content-type": "application/json"})
        for _ in range(3):
            await pacer.acquire()
        assert pacer.in_flight == 3
        assert not pacer.pacing
        for _ in range(3):
            await pacer.release({})

    asyncio.run(main())
    assert time.slept == []


@given(limit=st.integers(2, 20), window=st.floats(0.5, 10), chains=st.integers(1, 6),
       pages=st.integers(1, 12), seed=st.integers(0, 10**6))
def test_pacing_never_meets_a_429_when_some_answers_come_late(
    limit: int, window: float, chains: int, pages: int, seed: int,
) -> None:
    """A query counted in one window and answered in a later one (a large first page is
    seconds of work) must not be taken for news of the window now."""
    time = FakeTime()
    pacer = QuotaPacer(clock=time.clock, sleep=time.sleep)
    server = Quota(limit, window, time.clock)
    rng = random.Random(seed)
    answers: list[bool] = []

    async def chain() -> None:
        for _ in range(pages):
            sent_at = await pacer.acquire()
            allowed, headers = server.take()  # counted as it arrives
            answers.append(allowed)
            slow = rng.random() < 0.3
            for _ in range(rng.randrange(4) if slow else 0):
                time.now += window * rng.random()  # evaluated while others go on
                await asyncio.sleep(0)
            time.now += rng.random() * 0.2
            await pacer.release(headers, sent_at)

    async def main() -> None:
        await asyncio.gather(*(chain() for _ in range(chains)))

    asyncio.run(main())
    assert all(answers), f"{answers.count(False)} queries past the quota"
