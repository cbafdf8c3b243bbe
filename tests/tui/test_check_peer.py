"""The check screen's fix is one key away: `p` opens the peering form for the pair."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.check_screen import CheckResult, CheckScreen
from widgets.peering_form import PeeringForm


async def test_p_on_the_check_screen_opens_the_form_with_the_remote_filled_in(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("az303")
    async with running(app) as (pilot, _):
        await pilot.press("4", "c", *"vm2", "enter")
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        await wait_until(pilot, lambda: isinstance(screen.result, CheckResult), "a verdict")
        assert isinstance(screen.result, CheckResult)
        assert screen.result.answer == "NO"
        assert screen.result.peer is not None
        # A port being retyped: the old verdict does not stand meanwhile.
        port = screen.query_one("#check-port", Input)
        port.value = ""
        await pilot.pause()
        assert screen.result is None
        port.value = "80"
        port.focus()
        await wait_until(pilot, lambda: isinstance(screen.result, CheckResult), "a verdict")
        await pilot.press("enter")  # from the port field: out of the fields, p is a key
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringForm), "the form")
        form = app.screen
        assert isinstance(form, PeeringForm)
        assert form.local.name == "vnet1"
        assert form.remote is not None
        assert form.remote.name == "vnet2"
