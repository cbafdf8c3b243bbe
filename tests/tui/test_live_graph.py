"""The explorer on Resource Graph: the index seeds the screen, ARM keeps it fresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.tui.conftest import LIVE_INTERVAL, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.model import PeeringFlags


async def test_a_new_link_shows_from_arm_before_the_index_has_it(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
    open_sandbox_backend: Callable[..., Any],
) -> None:
    faults(graph_lag_seconds=3600, graph_quota=1000)  # the index an hour behind ARM
    app = make_app("az303", interval=LIVE_INTERVAL)
    async with running(app) as (pilot, _):
        assert app.explorer.state.inventory.source == "graph"
        await wait_until(pilot, lambda: app.explorer.polls >= 1, "a first poll")
        vnet1 = app.explorer.details.vnet
        assert vnet1 is not None
        assert vnet1.name == "vnet1"
        assert vnet1.peerings == ()
        vnet2 = next(v for v in app.explorer.state.inventory.vnets if v.name == "vnet2")

        other = open_sandbox_backend(app.settings.sandbox_path(), {"graph_lag_seconds": 3600},
                                     inventory="graph")
        await other.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        index = await other.load_inventory()
        assert index.vnet(vnet1.id).peerings == ()  # type: ignore[union-attr]

        def shown() -> bool:
            vnet = app.explorer.details.vnet
            return vnet is not None and [p.name for p in vnet.peerings] == ["1and2"]

        await wait_until(pilot, shown, "the link read from ARM to show on vnet1")


async def test_the_peering_form_checks_what_arm_says_not_the_lagging_index(
    make_app: Callable[..., VnetTuiApp], faults: Callable[..., None],
    open_sandbox_backend: Callable[..., Any],
) -> None:
    """Issue 13 point 7: a link ARM has and the index does not yet must fail the form's
    check for a second link, as ARM would (AnotherPeeringAlreadyReferencesRemoteVnet)."""
    from tui.peering import Check, PeeringRequest, preflight
    from widgets.peering_form import PeeringForm

    faults(graph_lag_seconds=3600, graph_quota=1000)
    app = make_app("az303")  # quiet: no poll re-reads the VNets behind the form's back
    async with running(app) as (pilot, _):
        explorer = app.explorer
        vnet1, vnet2 = sorted(explorer.state.inventory.vnets, key=lambda v: v.name)
        other = open_sandbox_backend(app.settings.sandbox_path(), {"graph_lag_seconds": 3600},
                                     inventory="graph")
        await other.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        await other.put_peering(vnet2.id, "2and1", vnet1.id, PeeringFlags())
        stale = explorer.state.inventory
        again = PeeringRequest(vnet1.id, vnet2.id, "vnet1-to-vnet2", "vnet2-to-vnet1")
        assert preflight(stale, again).ok  # the index alone would let it through

        assert explorer.state.selected_vnet == vnet1
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PeeringForm), "the form")
        await pilot.press(*"vnet2")
        form = app.screen
        assert isinstance(form, PeeringForm)
        form.action_submit()  # before ARM's read is in: waits for it, sends nothing
        await wait_until(pilot, lambda: form.fresh.fresh is not None, "ARM's read of the pair")
        assert form.plan is not None
        assert not form.plan.preflight.passed(Check.EXISTING)
        assert "1and2" in form.plan.preflight.problems[0].message
        await pilot.pause()
        assert app.screen is form  # refused on ARM's word: still open, nothing sent
        assert [p.name for p in form.inventory.vnet(vnet1.id).peerings] == ["1and2"]  # type: ignore[union-attr]


async def test_load_progress_is_painted_once_however_many_reports_come(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """A tenant of 1,000 subscriptions reports 1,000 times in a burst: one paint."""
    app = make_app("showcase")
    async with running(app) as (pilot, _):
        explorer = app.explorer
        painted: list[int] = []
        real = explorer.render_subscriptions
        explorer.render_subscriptions = lambda: (painted.append(1), real())[1]  # type: ignore[method-assign]
        subs = explorer.state.inventory.subscriptions
        for _ in range(500):
            for sub in subs:
                explorer._on_progress(sub, None)
        assert painted == []  # not once per report
        await wait_until(pilot, lambda: bool(painted), "the coalesced paint")
        await pilot.pause(0.3)
        assert painted == [1]
