"""`n` in the check screen: Network Watcher's answer below ours, run by the app in a worker,
with a disagreement highlighted and a failure shown in place."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.worker import WorkerState

from tests.probe.ids import AZ303_WATCHER
from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.probe import ProbeResult
from tui.resolve import find_vm, find_vnet
from widgets.check_screen import CheckResult, CheckScreen


def shown(screen: CheckScreen) -> str:
    return str(screen.query_one("#check-probe", Static).render())


async def test_probe_disagrees_where_nothing_listens(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        spoke5 = find_vnet(app.explorer.state.inventory, "spoke5-vnet")
        app5 = find_vm(app.explorer.state.inventory, "app5")
        assert app.explorer.vnets_pane.select_key(spoke5.id.casefold())
        await wait_until(pilot, lambda: app.explorer.vms_pane.select_key(app5.id.casefold()),
                         "app5 in the VMs pane")
        await pilot.press("c", *"nva1")
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        # In the destination field `n` is a letter, not the probe.
        assert screen.query_one("#check-dest", Input).value == "nva1"
        assert screen.probed is None

        screen.query_one("#check-dest", Input).value = "api4"
        screen.query_one("#check-port", Input).value = "8080"
        await wait_until(pilot, lambda: isinstance(screen.result, CheckResult)
                         and screen.result.question == "Can app5 reach api4 on TCP 8080?",
                         "our verdict for 8080")
        assert isinstance(screen.result, CheckResult)
        assert screen.result.answer == "YES"

        screen.query_one("#check-probe-button").focus()
        await pilot.press("n")
        assert screen.probed == screen.request
        await wait_until(pilot, lambda: isinstance(screen.probe, ProbeResult), "the probe")
        assert isinstance(screen.probe, ProbeResult)
        assert screen.probe.status == "Disconnected"
        assert screen.probe_disagrees
        assert screen.query_one("#check-probe", Static).has_class("disagrees")
        text = shown(screen)
        assert "Network Watcher says: Disconnected" in text
        assert "Local Platform: Reason=nothing listens on port 8080" in text
        assert "Network Watcher disagrees: vnettui says reachable" in text

        # Another question: the old answer goes, the hint comes back.
        screen.query_one("#check-port", Input).value = "443"
        await wait_until(pilot, lambda: screen.probe is None, "the stale probe to clear")
        assert shown(screen).startswith("n: probe with Network Watcher")


async def open_check(pilot: Pilot[int], app: VnetTuiApp) -> CheckScreen:
    """The check screen from vm1 to vm2 with our verdict in, focus on the probe button."""
    await pilot.press("4", "c", *"vm2")
    screen = app.screen
    assert isinstance(screen, CheckScreen)
    await wait_until(pilot, lambda: isinstance(screen.result, CheckResult), "a verdict")
    screen.query_one("#check-probe-button").focus()
    return screen


async def test_probe_agrees_closing_is_harmless_and_a_failure_shows_in_place(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
) -> None:
    faults(operation_seconds=2)  # each check stays in progress long enough to see, even loaded
    app = make_app("az303")
    async with running(app) as (pilot, recorder):
        screen = await open_check(pilot, app)
        await pilot.press("n")
        assert screen.probing
        assert shown(screen).startswith("probing… Network Watcher is sending probes from vm1")
        await wait_until(pilot, lambda: isinstance(screen.probe, ProbeResult), "the probe")
        assert not screen.probe_disagrees
        assert "Network Watcher agrees: not reachable." in shown(screen)

        # Closed while probing: the answer has nowhere to go, and that is fine.
        await pilot.press("n")
        assert screen.probing
        await pilot.press("escape")
        assert not isinstance(app.screen, CheckScreen)
        probes = [w for w in app.workers if w.name == "probe"]
        await wait_until(pilot, lambda: all(w.is_finished for w in probes), "the probe to end")
        assert all(w.state is WorkerState.SUCCESS for w in probes), [w.error for w in probes]

        from tui.sandbox.store import SandboxStore

        with SandboxStore(app.settings.sandbox_path()) as store, store.write() as tx:
            assert tx.delete(AZ303_WATCHER)
        screen = await open_check(pilot, app)
        await pilot.click("#check-probe-button")
        await wait_until(pilot, lambda: isinstance(screen.probe, str), "the probe's failure")
        assert shown(screen).startswith(
            "Network Watcher could not probe: Network Watcher is not enabled in westeurope")
        assert isinstance(app.screen, CheckScreen)  # the app carries on
        assert not recorder.notes("error")
