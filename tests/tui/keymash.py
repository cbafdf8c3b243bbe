"""Key-mash sessions: hypothesis-drawn key sequences pressed into the real explorer.

The keys are every binding of every screen (the explorer, its panes, the filter, the
palette, each modal, the check screen, conflicts, activity, help) plus text a person
types into fields, in fast bursts and slow typing. A session passes when the app raised
nothing, did not crash, and is still running with the explorer at the bottom of its stack.
Quit keys are left out: the app must still be there to be checked.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.conftest import FAST
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.settings import Settings

EXPLORER = ["p", "d", "s", "e", "c", "x", "slash", "escape", "backspace", "1", "2", "3",
            "4", "y", "a", "r", "question_mark", "f1"]
TABLES = ["up", "down", "j", "k", "pageup", "pagedown", "home", "end", "g", "G", "enter",
          "o", "O", "tab", "shift+tab"]
PALETTE = ["ctrl+p"]
MODALS = ["y", "n", "f", "space", "enter", "tab", "shift+tab", "escape", "left", "right"]
TEXT = [*list("vnet12spokehub0.4/zx"), "minus", "full_stop"]
ALL_KEYS = sorted(set(EXPLORER + TABLES + PALETTE + MODALS + TEXT))

# A burst is pressed at once; a typed word gets a pause between keys, like a person.
burst = st.lists(st.sampled_from(ALL_KEYS), min_size=1, max_size=12)
typed = st.lists(st.sampled_from(TEXT), min_size=1, max_size=6).map(
    lambda keys: [k for key in keys for k in (key, "wait:30")]
)
sessions = st.lists(st.one_of(burst, typed), min_size=2, max_size=8).map(
    lambda chunks: [k for chunk in chunks for k in chunk]
)

FAULTS: dict[str, dict[str, Any]] = {
    "none": {},
    "faulty": {"latency_ms": 20, "error_every": 7, "error_status": 503, "throttle_every": 11},
}


def make_app(state: Path, fault: str) -> VnetTuiApp:
    os.environ["VNETTUI_SANDBOX_FAULTS"] = json.dumps({**FAST, **FAULTS[fault]})
    settings = Settings(sandbox=True, sandbox_state=state, interval=0.5, theme="textual-dark")
    return VnetTuiApp(settings)


async def mash(app: VnetTuiApp, keys: Sequence[str], size: tuple[int, int]) -> None:
    """Press `keys` into `app` at `size`; fails if the app raised, crashed or closed."""
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.explorer.loads >= 1 or app.screen is not
                         app.explorer, "the inventory to load")
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running, f"the app closed after {list(keys)}"
        assert app.screen_stack[0] is app.explorer
    assert app.crash is None, f"crash after {list(keys)}: {app.crash!r}"
