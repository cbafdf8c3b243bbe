"""A second start paints the last inventory at once, marked "cached", then refreshes it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT
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


CACHED_START = """
import json, sys
from pathlib import Path
from tui.app import VnetTuiApp
from tui.settings import Settings

seen = {}
app = VnetTuiApp(Settings(sandbox=True, sandbox_state=Path(sys.argv[1]), interval=30.0))

async def auto_pilot(pilot):
    explorer = app.explorer
    while explorer.query_one_optional("#vms") is None:
        await pilot.pause(0.001)
    seen["rows"] = explorer.vnets_pane.row_count
    seen["imported"] = sorted(m for m in ("tui.cidr", "tui.config") if m in sys.modules)
    seen["conflicts"] = explorer.state.conflict_count
    while explorer.state.conflict_count is None:
        await pilot.pause(0.01)
    seen["conflicts_after"] = explorer.state.conflict_count
    seen["loads_then"] = explorer.state.loads
    app.exit(0)

app.run(headless=True, size=(120, 36), auto_pilot=auto_pilot)
print(json.dumps(seen))
"""


async def test_the_cache_is_painted_before_its_overlaps_are_sought(
    make_sandbox: Callable[..., Path], faults: Callable[..., None], env: dict[str, str],
) -> None:
    """The cached rows are in the first frame with neither the overlap sweep nor the config
    rules imported; the overlaps follow a frame later, long before the cloud answers."""
    path = make_sandbox("showcase")
    settings = Settings(sandbox=True, sandbox_state=path, interval=30.0)
    first = VnetTuiApp(settings)
    async with running(first) as (pilot, _):
        await wait_until(pilot, lambda: cache.cache_path(settings).exists(), "the cache")
        assert first.explorer.state.conflict_count
    faults(latency_ms=3000)
    out = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", CACHED_START, str(path)], capture_output=True,
        text=True, check=True, cwd=ROOT, env=dict(os.environ), timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["rows"] == 13
    assert seen["imported"] == []
    assert seen["conflicts"] is None  # not sought yet
    assert seen["conflicts_after"] == first.explorer.state.conflict_count
    assert seen["loads_then"] == 0  # from the cache alone
