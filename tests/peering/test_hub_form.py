"""The connect-spokes form, the bulk progress screen and the disconnect confirmation, each
in a harness app; the progress screen driven by a real bulk apply on the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.peering.conftest import FAST_POLL, FAST_RETRY, Cloud
from tests.peering.harness import Harness
from tests.topology.conftest import scenario_inventory
from tests.tui.waiting import wait_for_layout, wait_until
from tui.model import Inventory, PeeringFlags
from tui.peering import (
    BulkOutcome,
    DisconnectRequest,
    HubRequest,
    perform_bulk,
    plan_hub_request,
)
from tui.resolve import find_vnet
from widgets.bulk_progress import BulkProgressScreen
from widgets.disconnect_confirm import DisconnectSpokesConfirm
from widgets.hub_form import HubForm
from widgets.tick_list import TickList


@pytest.fixture
def showcase_inventory(env: dict[str, str]) -> Inventory:
    return scenario_inventory("showcase")


def form(inv: Inventory) -> Harness:
    app = Harness(lambda: HubForm(inv, find_vnet(inv, "hub-vnet")))
    app.animation_level = "none"
    return app


def prompt_of(pilot: Pilot[Any], name: str) -> str:
    ticks = pilot.app.screen.query_one("#spokes", TickList)
    lines = [str(ticks.get_option_at_index(i).prompt) for i in range(ticks.option_count)]
    return next(line for line in lines if f" {name} " in line)


async def test_three_spokes_with_the_hubs_gateway(showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    app = form(inv)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"spo")  # type to search: spoke1..6
        await pilot.press("down", "down", "space", "down", "space", "down", "space")
        assert "[ ] spoke1-vnet" in prompt_of(pilot, "spoke1-vnet")
        assert "already connected" in prompt_of(pilot, "spoke1-vnet")
        await pilot.press("tab", "tab", "tab", "space")  # ... use hub-vnet's gateway
        assert "Connect 3 spokes" in str(app.screen.query_one("#connect").render())
        await pilot.press("ctrl+s")
    assert app.result == HubRequest(
        find_vnet(inv, "hub-vnet").id,
        tuple(find_vnet(inv, f"spoke{n}-vnet").id for n in (4, 5, 6)),
        PeeringFlags(allow_gateway_transit=True), PeeringFlags(use_remote_gateways=True))


async def test_vnets_that_would_overlap_are_greyed_with_the_ranges(
        showcase_inventory: Inventory) -> None:
    app = form(showcase_inventory)
    async with app.run_test(size=(120, 40)) as pilot:
        search = app.screen.query_one("#search", Input)
        search.value = "dr-vnet"  # as typed (typing each letter costs a frame per key)
        await pilot.press("down", "space")
        assert "[ ] dr-vnet" in prompt_of(pilot, "dr-vnet")
        assert "overlaps spoke2-vnet (10.102.0.0/16)" in prompt_of(pilot, "dr-vnet")
        search.value = "vnet1"
        search.focus()
        await pilot.press("down", "space")
        search.value = "legacy"
        await pilot.pause()
        assert "overlaps vnet1 (10.1.0.0/16), ticked" in prompt_of(pilot, "legacy-vnet")
        search.focus()
        await pilot.press("down")
        await pilot.press("space", "ctrl+s")  # greyed: not ticked, so vnet1 alone is sent
    assert isinstance(app.result, HubRequest)
    assert app.result.spoke_ids == (find_vnet(showcase_inventory, "vnet1").id,)


async def test_progress_rows_a_half_failure_asked_and_rolled_back(
        cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("showcase",
                                       faults={"fail_writes": ["spoke6-vnet-to-hub-vnet"]})
    inv = await cloud.inventory()
    request = HubRequest(find_vnet(inv, "hub-vnet").id,
                         tuple(find_vnet(inv, f"spoke{n}-vnet").id for n in (4, 6)))
    screen = BulkProgressScreen.for_plan(plan_hub_request(inv, request))
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_layout(pilot)
        work = app.run_worker(perform_bulk(cloud.backend, inv, request, screen.report,
                                           screen.ask, retry=FAST_RETRY, poll=FAST_POLL))
        question = screen.query_one("#question")
        await wait_until(pilot, lambda: question.display, "the roll back question")
        assert "spoke6-vnet: hub-vnet-to-spoke6-vnet on hub-vnet: created." in str(
            question.render())
        await pilot.press("enter")  # Roll back: the focused default
        await wait_until(pilot, lambda: work.is_finished, "the bulk apply")
        outcome = work.result
        assert isinstance(outcome, BulkOutcome)
        screen.finish(outcome.describe(), ok=outcome.ok)
        rows = str(screen.query_one("#rows-text").render()).splitlines()
        assert rows[0].startswith("spoke4-vnet  ● spoke4-vnet-to-hub-vnet on spoke4-vnet: "
                                  "Connected")
        assert rows[1].startswith("spoke6-vnet  ✓ Rolled back") or "deleted" in rows[1]
        assert "1 peered, 1 failed." in str(screen.query_one("#summary").render())
        await pilot.press("escape")
    assert app.result is None


async def test_disconnect_lists_every_link_that_goes(showcase_inventory: Inventory) -> None:
    inv = showcase_inventory
    hub = find_vnet(inv, "hub-vnet")
    app = Harness(lambda: DisconnectSpokesConfirm(inv, hub))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "down", "down", "space")  # hub-to-spoke1, hub-to-spoke3
        doomed = str(app.screen.query_one("#doomed").render())
        assert "These 3 links are deleted" in doomed
        assert "hub-to-spoke1 on hub-vnet and spoke1-to-hub on spoke1-vnet" in doomed
        assert "hub-to-spoke3 on hub-vnet (hub-vnet ↔ spoke3-vnet)" in doomed
        await pilot.press("ctrl+s")
    links = {p.name: p.id for p in hub.peerings}
    assert app.result == DisconnectRequest(hub.id, (links["hub-to-spoke1"],
                                                    links["hub-to-spoke3"]))
