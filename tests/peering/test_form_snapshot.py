"""How the peering form looks in the seed's walk-through (vnet2 picked, 1and2 / 2and1)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.peering.builders import az303
from tests.peering.harness import Harness
from tests.tui.waiting import wait_for_layout
from widgets.peering_form import PeeringForm


async def _fill(pilot: Pilot[Any]) -> None:
    await pilot.press(*"vnet2", "tab", *"1and2", "tab", *"2and1")
    await wait_for_layout(pilot)


def test_form_snapshot(snap_compare: Any) -> None:
    inv, v1, _ = az303()
    app = Harness(lambda: PeeringForm(inv, v1))
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=(120, 36), run_before=_fill)
