"""The request rate the explorer shows: every request counted once, resends and 429s too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.counting import counting_requests
from tui.azure.meter import RequestMeter
from widgets.header import HeaderInfo, header_text


def test_the_rate_is_the_last_minute() -> None:
    now = [0.0]
    meter = RequestMeter(clock=lambda: now[0])
    for t in (0.0, 10.0, 59.0):
        now[0] = t
        meter.sent()
    assert meter.per_minute() == 3
    now[0] = 65.0
    assert meter.per_minute() == 2
    assert meter.total == 3
    assert not meter.recently_throttled()
    meter.throttled()
    now[0] = 124.0
    assert meter.recently_throttled()
    now[0] = 126.0
    assert not meter.recently_throttled()
    assert meter.per_minute() == 0


async def test_the_backend_counts_what_the_sandbox_answers(
    sandbox_path: Path, open_sandbox_backend: Callable[..., Any],
) -> None:
    with counting_requests() as log:
        backend = open_sandbox_backend(sandbox_path, faults={"throttle_every": 4})
        await backend.load_inventory()
        sent = len(log.sent)
    assert sent > 4
    assert backend.meter.total == sent == backend.meter.per_minute()
    assert backend.meter.recently_throttled()


def test_the_header_shows_the_rate_and_throttling() -> None:
    text = header_text(HeaderInfo(source="sandbox", rate=1234, throttled=True)).plain
    assert "1,234 req/min" in text
    assert "throttled" in text
    assert "/min" not in header_text(HeaderInfo(source="sandbox")).plain
