"""Failures: in place, as plain notifications, never an exit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION
from widgets.conflicts_screen import ConflictsScreen


async def test_forbidden_subscription_shows_why_in_place_and_the_rest_loads(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    faults(forbidden_subscriptions=["Contoso Platform"])
    app = make_app("showcase")
    async with running(app) as (pilot, recorder):
        assert [v.name for v in app.explorer.state.inventory.vnets] == ["vnet1", "vnet2"]
        cells = app.explorer.subs_pane.cells_of(CONTOSO_SUBSCRIPTION.casefold())
        assert cells is not None
        assert "no access (AuthorizationFailed)" in cells[1].plain
        await wait_until(
            pilot,
            lambda: any("Contoso Platform (AuthorizationFailed)" in w
                        for w in recorder.notes("warning")),
            "a warning naming the unreadable subscription",
        )
        assert app.query_one("#header").info.failed == 1  # type: ignore[attr-defined]
        assert app.is_running


async def test_cloud_failure_is_a_notification_not_an_exit(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    app = make_app("az303")
    faults(error_every=1, error_status=503)  # the sandbox fails every request from now on
    recorder_holder: list[Any] = []
    async with app.run_test(size=(120, 36), message_hook=recorder_holder.append) as pilot:
        def error_notes() -> list[Any]:
            return [m.notification for m in recorder_holder
                    if type(m).__name__ == "Notify" and m.notification.severity == "error"]

        await wait_until(pilot, lambda: bool(error_notes()), "an error notification")
        errors = error_notes()
        assert len(errors) == 1
        assert errors[0].title == "Could not load the inventory"
        assert errors[0].markup is False
        assert "Traceback" not in errors[0].message
        assert app.is_running
        await pilot.press("j", "x")  # keys still work on an empty estate
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictsScreen),
                         "the conflicts view")
