"""No key sequence crashes the explorer (issue: unbreakable).

The regressions first (each crashed the app before), then hypothesis-drawn sessions at
80x24 and 120x36, with and without a latency/error fault profile. `make fuzz` runs the
same with KEYMASH_EXAMPLES in the thousands of keys.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.tui.keymash import make_app, mash, sessions

EXAMPLES = int(os.environ.get("KEYMASH_EXAMPLES", "2"))


@pytest.mark.parametrize(
    "keys",
    [
        # A filter that matches nothing, then a cursor move in the empty pane.
        ["2", "slash", *"zzzz", "enter", "up", "k", "home", "G", "enter", "o"],
        # The palette opened and closed in bursts, modals on top of it.
        ["ctrl+p", *"overlapping", "enter", "enter", "ctrl+p", "escape", "escape", "ctrl+p",
         "escape", "ctrl+p", "ctrl+p", "escape", "escape"],
        # d on a VNet row never opens a delete for a link nobody selected.
        ["2", "d", "enter", "enter"],
    ],
    ids=["empty-table", "palette-burst", "delete-on-vnet-row"],
)
async def test_regressions(keys: list[str], make_sandbox: Callable[..., Path]) -> None:
    app = make_app(make_sandbox("showcase"), "none")
    await mash(app, keys, (80, 24))


async def test_cursor_keys_while_the_vnets_pane_is_still_loading(
    make_sandbox: Callable[..., Path], env: dict[str, str]
) -> None:
    """Latency 2 s: `2`, `up` within the first second, on a pane with no rows yet."""
    path = make_sandbox("showcase")
    os.environ["VNETTUI_SANDBOX_FAULTS"] = '{"operation_seconds": 0, "latency_ms": 2000}'
    from tui.app import VnetTuiApp
    from tui.settings import Settings

    app = VnetTuiApp(Settings(sandbox=True, sandbox_state=path, theme="textual-dark"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "up", "k", "down", "enter", "d", "s", "e", "p", "home", "G")
        assert app.is_running
        assert app.explorer.vnets_pane.row_count == 0
    assert app.crash is None


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("fault", ["none", "faulty"])
def test_key_mash(size: tuple[int, int], fault: str, make_sandbox: Callable[..., Path],
                  env: dict[str, str]) -> None:
    path = make_sandbox("showcase")

    # CI runs the same few sessions every time; `make fuzz` searches afresh.
    @settings(max_examples=EXAMPLES, deadline=None,
              derandomize=not os.environ.get("KEYMASH_EXAMPLES"),
              suppress_health_check=list(HealthCheck))
    @given(keys=sessions)
    def session(keys: list[str]) -> None:
        asyncio.run(mash(make_app(path, fault), keys, size))

    session()
