"""`i` describes the selection with the JSON ARM returns for it."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.describe_screen import DescribeScreen


async def test_describe_a_vnet_and_a_peering(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await pilot.press("j", "i")  # hub-vnet
        screen = app.screen
        assert isinstance(screen, DescribeScreen)
        await wait_until(pilot, lambda: screen.body is not None, "the VNet's JSON")
        assert screen.body is not None
        assert screen.body["name"] == "hub-vnet"
        assert screen.body["properties"]["addressSpace"]["addressPrefixes"] == ["10.100.0.0/16"]
        await pilot.press("y")
        assert app.clipboard == screen.resource_id
        await pilot.press("escape", "3", "i")
        peering = app.screen
        assert isinstance(peering, DescribeScreen)
        await wait_until(pilot, lambda: peering.body is not None, "the peering's JSON")
        assert peering.body is not None
        assert peering.body["name"] == "hub-to-spoke1"
        assert "peeringState" in peering.body["properties"]
