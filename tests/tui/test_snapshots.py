"""How the explorer and each of its screens look, at 80x24 and 120x36, and under NO_COLOR.

The clock is frozen (the header's data age reads "updated just now"), animations are off
and the theme is fixed, so a change in these pictures is a change in the product. Every
screen is reached by the keys a person presses, from the showcase's hub-vnet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
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


SCREENS = {
    "explorer": [],
    "peering-form": ["p", *"spoke3", "down", "enter"],
    "edit": ["3", "e"],
    "delete": ["3", "d"],
    "conflicts": ["x"],
    "mesh": ["M", *"spoke3", "down", "space"],
    "free-ranges": ["x", "f", "backspace", "backspace", *"24", "enter"],
    "check": ["4", "c", *"vm2", "enter"],
    "help": ["question_mark"],
    "sort-and-filter": ["O", "slash", *"spoke", "enter"],
}
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(screen: str, size: str, snap_compare: Any,
                make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase", clock=frozen)

    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
        await wait_for_layout(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_explorer_without_colour(snap_compare: Any, make_app: Callable[..., VnetTuiApp],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: overlaps, Disconnected and missing links still stand out (bold, symbols)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("showcase", clock=frozen)
    assert app.no_color
    assert snap_compare(app, terminal_size=(120, 36), run_before=loaded)
