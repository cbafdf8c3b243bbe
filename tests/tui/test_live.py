"""Live state: the sandbox changes behind the app's back and the panes follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.worker import Worker, WorkerState

from tests.tui.conftest import LIVE_INTERVAL, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.model import PeeringFlags, PeeringState, rid


def peering_line(app: VnetTuiApp, name: str) -> str:
    """The first line of a peering's row in the details pane, as shown."""
    vnet = app.explorer.details.vnet
    assert vnet is not None
    link = next(p for p in vnet.peerings if p.name == name)
    cells = app.explorer.details.peerings.cells_of(link.id.casefold())
    assert cells is not None
    return cells[0].plain.splitlines()[0]


async def test_remote_side_deleted_shows_disconnected_within_one_poll(
    make_app: Callable[..., VnetTuiApp], open_sandbox_backend: Callable[..., Any],
) -> None:
    app = make_app("showcase", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, recorder):
        await pilot.press("j")  # hub-vnet
        await wait_until(pilot, lambda: app.explorer.polls >= 1, "a first poll")
        assert "Connected" in peering_line(app, "hub-to-spoke1")
        hub = app.explorer.details.vnet
        assert hub is not None
        spoke1 = app.explorer.state.inventory.vnet(hub.peerings[0].remote_vnet_id)
        assert spoke1 is not None
        back = next(p for p in spoke1.peerings if p.name == "spoke1-to-hub")
        cursor = app.explorer.vnets_pane.cursor_row

        # Another client deletes the way back; the hub's link is left Disconnected.
        other = open_sandbox_backend(app.settings.sandbox_path())
        await other.delete_peering(back.id)
        polls_at_change = app.explorer.polls

        await wait_until(
            pilot, lambda: "Disconnected" in peering_line(app, "hub-to-spoke1"),
            "hub-to-spoke1 to show Disconnected",
        )
        # One poll may have been in flight when the change happened; the next one shows it.
        assert app.explorer.polls <= polls_at_change + 2
        await wait_until(
            pilot,
            lambda: any("hub-to-spoke1 on hub-vnet is now Disconnected" in n
                        for n in recorder.notes("warning")),
            "a notification that the link went Disconnected",
        )
        assert app.explorer.vnets_pane.cursor_row == cursor  # updated in place
        assert app.explorer.details.vnet is not None
        assert app.explorer.details.vnet.name == "hub-vnet"


async def test_check_screen_answer_follows_peering_state(
    make_app: Callable[..., VnetTuiApp], open_sandbox_backend: Callable[..., Any],
) -> None:
    from widgets.check_screen import CheckResult, CheckScreen

    app = make_app("az303", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, _):
        await pilot.press("4", "c", *"vm2")
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        await wait_until(pilot, lambda: isinstance(screen.result, CheckResult), "a verdict")
        result = screen.result
        assert isinstance(result, CheckResult)
        assert result.question == "Can vm1 reach vm2 on TCP 80?"
        assert result.answer == "NO"
        assert any(s.status == "fail" and "press p" in s.reason for s in result.steps)

        # Peered behind the app's back while the check is open: the answer turns YES.
        other = open_sandbox_backend(app.settings.sandbox_path())
        v1, v2 = (rid(v.id) for v in app.explorer.state.inventory.vnets)
        await other.put_peering(v1, "1and2", v2, PeeringFlags())
        await other.put_peering(v2, "2and1", v1, PeeringFlags())
        await wait_until(
            pilot,
            lambda: isinstance(screen.result, CheckResult) and screen.result.answer == "YES",
            "the open check to turn reachable",
        )
        await pilot.press("escape")
        assert not isinstance(app.screen, CheckScreen)
        vnet1 = app.explorer.state.inventory.vnets[0]
        assert [p.state for p in vnet1.peerings] == [PeeringState.CONNECTED]


async def test_slow_refresh_is_never_cancelled_by_the_next_tick(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    # Every request takes longer than the poll interval: ticks must skip, not cancel.
    faults(latency_ms=120)
    app = make_app("az303", interval=0.05)
    async with running(app) as (pilot, recorder):
        await pilot.press("r")  # a full reload is slow too; a second r must not cancel it
        await pilot.press("r")
        await wait_until(pilot, lambda: "Already refreshing." in recorder.notes(),
                         "the second r to be turned away")
        await wait_until(pilot, lambda: app.explorer.loads >= 2, "the slow reload to finish")
        start = app.explorer.polls
        await wait_until(pilot, lambda: app.explorer.polls >= start + 2, "two slow polls to finish")
        states = [
            m.state for m in recorder.messages
            if isinstance(m, Worker.StateChanged) and m.worker.group in ("poll", "inventory")
        ]
        assert WorkerState.SUCCESS in states
        assert WorkerState.CANCELLED not in states
        assert WorkerState.ERROR not in states


async def test_polling_pauses_behind_a_modal(make_app: Callable[..., VnetTuiApp]) -> None:
    from widgets.help_screen import HelpScreen

    app = make_app("az303", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, _):
        await wait_until(pilot, lambda: app.explorer.polls >= 1, "a first poll")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await wait_until(
            pilot,
            lambda: app.explorer.poll_worker is None or not app.explorer.poll_worker.is_running,
            "a poll in flight to finish",
        )
        polls, ticks = app.explorer.polls, app.explorer.ticks
        await wait_until(pilot, lambda: app.explorer.ticks >= ticks + 12, "a dozen ticks")
        assert app.explorer.polls == polls  # a dozen ticks is three intervals: no poll behind help
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.explorer.polls > polls, "polling to resume")
