"""A second start paints the last inventory at once, marked "cached", then refreshes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.explorer import cache
from tui.settings import Settings
from widgets.header import header_text


async def test_the_second_start_paints_the_cache_before_the_cloud_answers(
    make_sandbox: Callable[..., Path], faults: Callable[..., None],
) -> None:
    path = make_sandbox("showcase")
    settings = Settings(sandbox=True, sandbox_state=path, interval=30.0, theme="textual-dark")
    first = VnetTuiApp(settings)
    async with running(first) as (pilot, _):
        await wait_until(pilot, lambda: cache.cache_path(settings).exists(), "the cache")
    faults(latency_ms=1500)  # the cloud is slow now: what shows first is the cache
    second = VnetTuiApp(settings)
    async with second.run_test(size=(120, 36)) as pilot:
        explorer = second.explorer
        await wait_until(pilot, lambda: explorer.vnets_pane.row_count == 13, "cached rows")
        assert explorer.state.loads == 0
        assert "cached" in header_text(explorer.header_info()).plain
        await wait_until(pilot, lambda: explorer.state.loads == 1, "the fresh load", 60)
        assert "updated" in header_text(explorer.header_info()).plain
    no_cache = VnetTuiApp(Settings(sandbox=True, sandbox_state=path, cache=False))
    async with no_cache.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert no_cache.explorer.vnets_pane.row_count == 0


def test_an_inventory_round_trips_with_the_kinds_it_holds() -> None:
    import json

    from tui.model import Inventory, Kind, Subscription

    inventory = Inventory(subscriptions=(Subscription("s", "Prod"),),
                          kinds=frozenset({Kind.VNETS, Kind.VMS}))
    back = cache.decode(Inventory, json.loads(json.dumps(cache.encode(inventory))))
    assert back == inventory
    assert back.kinds == {Kind.VNETS, Kind.VMS}
