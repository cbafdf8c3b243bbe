"""Keys typed straight after `/` or `:` in one read (a paste, or fast typing over SSH) go
into the bar, not to the pane that had the focus (widgets/typing_bar.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.command_bar import CommandBar
from widgets.filter_bar import FilterBar

NAMES = {"/": "slash", ":": "colon", " ": "space", "\r": "enter"}


async def burst(pilot: Pilot[Any], text: str) -> None:
    """Every key of `text` read at once, as the terminal driver posts them."""
    for char in text:
        pilot.app.post_message(events.Key(NAMES.get(char, char), char))
    await pilot.pause()


async def test_a_filter_typed_in_one_read_filters(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await burst(pilot, "/spoke2")  # t would open the topology, s sync, p peer
        bar = app.explorer.query_one(FilterBar)
        await wait_until(pilot, lambda: bar.value == "spoke2", "the filter to hold spoke2")
        assert app.screen is app.explorer
        assert [app.explorer.state.inventory.vnet(k) is not None
                for k in app.explorer.vnets_pane.keys]
        assert all("spoke2" in k for k in app.explorer.vnets_pane.keys)


async def test_a_command_typed_in_one_read_runs(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await burst(pilot, ":sub Contoso\r")
        await wait_until(pilot, lambda: not app.explorer.query_one(CommandBar).display,
                         "the command to run")
        assert app.screen is app.explorer
        state = app.explorer.state
        assert state.subscription_name(state.sub_key) == "Contoso Platform"


async def test_keys_after_the_bar_closes_are_keys_again(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await burst(pilot, "/hub\r")
        bar = app.explorer.query_one(FilterBar)
        await wait_until(pilot, lambda: not bar.display, "the filter bar to close")
        await pilot.press("t")
        await wait_until(pilot, lambda: app.screen is not app.explorer, "the topology")
