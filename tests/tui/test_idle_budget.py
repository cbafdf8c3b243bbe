"""An idle explorer reads what is on screen, once per interval, and nothing behind a modal.

Counted at the sandbox (its request log), as Azure would count them against the quota.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.conftest import LIVE_INTERVAL, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.sandbox import requestlog
from widgets.help_screen import HelpScreen


def requests(log: Path) -> int:
    if not log.exists():
        return 0
    with log.open(encoding="utf-8") as lines:
        return requestlog.read(lines).total


async def test_idle_reads_at_most_the_rows_in_view_per_poll_and_none_behind_a_modal(
    make_app: Callable[..., VnetTuiApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv(requestlog.ENV, str(log))
    app = make_app("showcase", interval=LIVE_INTERVAL)
    async with running(app, size=(120, 36)) as (pilot, _):
        explorer = app.explorer
        await pilot.press("j")  # hub-vnet, three peerings
        start_polls, start = explorer.polls, requests(log)
        await wait_until(pilot, lambda: explorer.polls >= start_polls + 10, "ten polls")
        polls = explorer.polls - start_polls
        rows = len(explorer.visible_vnet_keys())
        per_poll = (requests(log) - start) / polls
        assert per_poll <= rows + 1, (per_poll, rows)
        # Behind a modal that shows no live state, nothing is read at all.
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await wait_until(pilot, lambda: not (explorer.poll_worker is not None
                                             and explorer.poll_worker.is_running),
                         "the poll under way to finish")
        before, ticks = requests(log), explorer.ticks
        await wait_until(pilot, lambda: explorer.ticks >= ticks + 20, "twenty ticks")
        assert requests(log) == before
