"""`:` commands, breadcrumbs and back, from the keyboard of the real explorer."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.check_screen import CheckResult, CheckScreen
from widgets.command_bar import CommandBar


async def test_command_mode_breadcrumbs_and_back(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, recorder):
        explorer = app.explorer
        await pilot.press("colon", *"sub Cont")
        bar = app.screen.query_one(CommandBar)
        assert bar.value == ":sub Cont"  # the first key does not replace the ":"
        await pilot.press("tab", "enter")
        assert explorer.state.subscription_name(explorer.state.sub_key) == "Contoso Platform"
        await pilot.press("colon", *"filter hub", "enter")
        assert explorer.vnets_pane.keys
        hub = explorer.state.selected_vnet
        assert hub is not None
        assert hub.name == "hub-vnet"
        assert "Contoso Platform › hub-vnet" in explorer.trail()
        # enter on a peering jumps to its remote VNet; esc comes back.
        await pilot.press("3", "enter")
        remote = explorer.state.selected_vnet
        assert remote is not None
        assert remote.name != "hub-vnet"
        await pilot.press("escape")
        back = explorer.state.selected_vnet
        assert back is not None
        assert back.name == "hub-vnet"
        await pilot.press("colon", *"nonsense", "enter")
        assert any("No command 'nonsense'" in n for n in recorder.notes("warning"))
        await pilot.press("colon", *"check nva1 vm2 443", "enter")
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        await wait_until(pilot, lambda: isinstance(screen.result, CheckResult), "a verdict")
        assert isinstance(screen.result, CheckResult)
        assert "TCP 443" in screen.result.question
