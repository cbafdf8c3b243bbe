"""Failures: in place, as plain notifications, never an exit."""

from __future__ import annotations

from collections.abc import Callable

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
    async with running(app) as (_pilot, recorder):
        assert [v.name for v in app.inventory.vnets] == ["vnet1", "vnet2"]
        cells = app.subs_pane.cells_of(CONTOSO_SUBSCRIPTION.casefold())
        assert cells is not None
        assert "no access (AuthorizationFailed)" in cells[1].plain
        warnings = recorder.notes("warning")
        assert any("Contoso Platform (AuthorizationFailed)" in w for w in warnings)
        assert app.query_one("#header").info.failed == 1  # type: ignore[attr-defined]
        assert app.is_running


async def test_cloud_failure_is_a_notification_not_an_exit(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    app = make_app("az303")
    faults(error_every=1, error_status=503)  # the sandbox fails every request from now on
    recorder_holder = []
    async with app.run_test(size=(120, 36), message_hook=recorder_holder.append) as pilot:
        await wait_until(
            pilot, lambda: app.load_worker is not None and app.load_worker.is_finished,
            "the failed load to finish",
        )
        errors = [m.notification for m in recorder_holder
                  if type(m).__name__ == "Notify" and m.notification.severity == "error"]
        assert len(errors) == 1
        assert errors[0].title == "Could not load the inventory"
        assert errors[0].markup is False
        assert "Traceback" not in errors[0].message
        assert app.is_running
        await pilot.press("j", "x")  # keys still work on an empty estate
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictsScreen),
                         "the conflicts view")
