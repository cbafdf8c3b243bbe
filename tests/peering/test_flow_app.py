"""The seed's walk-through in a small App wired as the explorer wires it: the form, then
the progress modal driven by `tui.peering.perform` on the sandbox, keyboard only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, Static

from tests.peering.conftest import FAST_RETRY, Cloud
from tui.model import Inventory, VirtualNetwork
from tui.peering import Outcome, PeeringBackend, Request, perform
from tui.resolve import find_vnet
from widgets.peering_form import PeeringForm
from widgets.peering_progress import PeeringProgress


class FlowApp(App[None]):
    """`p` on a VNet, as the explorer does it (see widgets/peering_progress.py)."""

    def __init__(self, backend: PeeringBackend, inventory: Inventory,
                 vnet: VirtualNetwork) -> None:
        super().__init__()
        self.backend = backend
        self.inventory = inventory
        self.vnet = vnet
        self.outcome: Outcome | None = None

    def compose(self) -> ComposeResult:
        yield Static("explorer")

    def on_mount(self) -> None:
        self.push_screen(PeeringForm(self.inventory, self.vnet), self.chosen)

    def chosen(self, request: Request | None) -> None:
        if request is not None:
            self.run_peering(request)

    @work(group="peering", exit_on_error=False)
    async def run_peering(self, request: Request) -> None:
        screen = PeeringProgress.for_request(self.inventory, request)
        await self.push_screen(screen)
        # FAST_RETRY: the fault profile's failure is retried like any 5xx, without waiting.
        self.outcome = await perform(self.backend, self.inventory, request, screen.report,
                                     screen.ask, retry=FAST_RETRY)
        screen.finish(self.outcome.describe(), ok=self.outcome.ok)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


def summary(app: App[None]) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def test_seed_walk_through_keyboard_only(az303: Cloud) -> None:
    inventory = await az303.inventory()
    app = FlowApp(az303.backend, inventory, find_vnet(inventory, "vnet1"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"vnet2", "tab", *"1and2", "tab", *"2and1", "enter")
        await until(pilot, lambda: isinstance(app.screen, PeeringProgress)
                    and app.screen.finished, "the peering finished")
        assert app.outcome is not None
        assert app.outcome.ok
        assert summary(app) == ("Now vnet1 has 1and2 -> vnet2 (Connected); vnet2 has 2and1 "
                                "-> vnet1 (Connected).")
        log = str(app.screen.query_one("#log-text", Static).render())
        assert "● 1and2 on vnet1: Connected" in log
        await pilot.press("enter")  # Close
        await until(pilot, lambda: not isinstance(app.screen, PeeringProgress), "closed")


async def test_half_failure_offers_roll_back_first(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("az303", faults={"fail_writes": ["2and1"]})
    inventory = await cloud.inventory()
    app = FlowApp(cloud.backend, inventory, find_vnet(inventory, "vnet1"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"vnet2", "tab", *"1and2", "tab", *"2and1", "enter")
        await until(pilot, lambda: isinstance(app.screen, PeeringProgress)
                    and app.screen.query_one("#choice").display, "the roll back / retry choice")
        assert "Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no link" in summary(app)
        assert app.screen.query_one("#roll-back", Button).has_focus
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PeeringProgress)
                    and app.screen.finished, "the roll back finished")
        assert "Rolled back: deleted 1and2 on vnet1." in summary(app)
    assert await cloud.backend.list_peerings(inventory.vnets[0].id) == []
