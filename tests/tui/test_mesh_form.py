"""M (and :mesh): peer a set of VNets with each other from the explorer: tick them, read
the checked plan, apply, answer a pair that half failed, read the exact report."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from textual.widgets import Button, Input

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.bulk_progress import BulkProgressScreen
from widgets.mesh_form import MeshForm


def text_of(app: VnetTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_mesh_of_three_with_one_pair_failing_rolled_back(
    make_app: Callable[..., VnetTuiApp], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps(
        {"operation_seconds": 0, "fail_writes": ["spoke6-vnet-to-vnet2"]}))
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        vnet2 = next(v for v in app.explorer.state.inventory.vnets if v.name == "vnet2")
        assert app.explorer.jump_to_vnet(vnet2.id.casefold())
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, MeshForm), "the mesh form")
        form = app.screen
        assert isinstance(form, MeshForm)
        assert "1 ticked" in text_of(app, "#chosen")  # the selected VNet, ticked
        search = form.query_one("#search", Input)
        for name in ("spoke3-vnet", "spoke6-vnet"):
            search.value = name  # as typed
            search.focus()
            await pilot.press("down", "space")
        plan = text_of(app, "#plan")
        assert "✓ vnet2 ↔ spoke3-vnet" in plan
        assert "✓ spoke3-vnet ↔ spoke6-vnet" in plan
        assert "az network vnet peering create" in text_of(app, "#commands")
        assert str(form.query_one("#connect", Button).label) == "Peer 3 pairs"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkProgressScreen),
                         "the progress screen")
        progress = app.screen
        assert isinstance(progress, BulkProgressScreen)
        question = progress.query_one("#question")
        await wait_until(pilot, lambda: question.display, "the roll back question")
        assert "vnet2 ↔ spoke6-vnet" in text_of(app, "#question")
        await pilot.press("enter")  # Roll back: the focused default
        await wait_until(pilot, lambda: progress.finished, "the report")
        summary = text_of(app, "#summary")
        assert "2 peered, 1 failed." in summary
        assert "vnet2 ↔ spoke6-vnet: failed, rolled back" in summary
        assert progress.ok is False


async def test_mesh_of_overlapping_vnets_is_refused_with_the_reasons(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        await pilot.press("colon", *"mesh vnet1 legacy-vnet vnet2", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeshForm), "the mesh form")
        problems = text_of(app, "#problems")
        assert "vnet1 ↔ legacy-vnet:" in problems
        assert "10.1.0.0/16" in problems
        assert "✗ vnet1 ↔ legacy-vnet" in text_of(app, "#plan")
        assert app.screen.query_one("#connect", Button).disabled
        await pilot.press("ctrl+s")  # refused: nothing is sent
        assert isinstance(app.screen, MeshForm)
