"""How the explorer looks: the showcase estate at 120x36 and 80x24, and the key help.

The clock is frozen (the header's data age reads "updated just now"), animations are off
and the theme is fixed, so a change in these pictures is a change in the product.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.tui.waiting import wait_for_layout, wait_until
from tui.app import VnetTuiApp


def frozen() -> float:
    return 1000.0


async def loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, VnetTuiApp)
    app.animation_level = "none"
    await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory to load")
    await pilot.press("j")  # hub-vnet: the richest details pane
    await wait_for_layout(pilot)


def test_main_screen_120x36(snap_compare: Any, make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase", clock=frozen)
    assert snap_compare(app, terminal_size=(120, 36), run_before=loaded)


def test_main_screen_80x24(snap_compare: Any, make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase", clock=frozen)
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_help(snap_compare: Any, make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("az303", clock=frozen)
    assert snap_compare(app, terminal_size=(120, 36), press=["question_mark"],
                        run_before=loaded)
