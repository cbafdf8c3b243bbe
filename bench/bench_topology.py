"""Issue 15's two performance targets, on the sandbox.

- topology screen: a 200-VNet component (the estate's hub with its 200 spokes) from
  `push_screen(TopologyScreen(...))` to drawn and idle, in a headless app at 160x45, against
  a 200-row DataTable pushed the same way (CPU seconds, best of several; target 200 ms).
  Also the pure part (graph, tree, drawing) and the reach from a spoke over all 201 VNets.
- hub: connecting 20 spokes at 50 ms latency with writes that take 1 s (the sandbox's
  default for people), wall time, against twice the time of connecting one (the target:
  no more than 2x). Once to a new hub, once to the estate's hub that already has 200 spokes:
  there the sandbox's own checks of every PUT against the hub's peers are CPU on the same
  event loop as the client, which Azure would spend on its side.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.framework import Row, measure

TARGET_DRAW_SECONDS = 0.2
SIZE = (160, 45)
SPOKES = 200  # the estate's hub peers with up to 200 VNets
LATENCY_MS = 50
WRITE_SECONDS = 1.0


def _estate(path: Path, vnets: int) -> None:
    from tui.sandbox.scenarios import reset

    reset(path, "estate", subscriptions=1, vnets=vnets)


async def _backend(path: Path, faults: dict[str, Any]) -> Any:
    from tui.azure import AzureBackend
    from tui.azure.connection import make_connection, sandbox_transport
    from tui.settings import Settings

    chosen = Settings(sandbox=True, sandbox_state=path)
    connection = make_connection(chosen)._replace(
        transport_factory=lambda: sandbox_transport(path, faults))
    return AzureBackend(chosen, connection)


async def _inventory(path: Path) -> Any:
    async with await _backend(path, {"operation_seconds": 0}) as backend:
        return await backend.load_inventory()


def _screens(inventory: Any, hub_id: str, rows: int, repeat: int) -> tuple[float, float]:
    """(topology screen, DataTable screen of `rows` rows) CPU seconds to drawn and idle,
    best of `repeat`."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable

    from tui.topology import build_topology
    from widgets.topology_screen import TopologyScreen

    class Table(Screen[None]):
        def compose(self) -> Any:
            table: DataTable[str] = DataTable()
            table.add_columns("Name", "Resource group", "Location", "Address space", "Peerings")
            table.add_rows((v.name, v.resource_group, v.location, ", ".join(v.address_prefixes),
                            str(len(v.peerings))) for v in inventory.vnets[:rows])
            yield table

    times: dict[str, float] = {"topology": float("inf"), "table": float("inf")}

    async def main() -> None:
        app: App[None] = App()
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(repeat):
                for name in times:
                    topology = build_topology(inventory, hub_id) if name == "topology" else None
                    start = time.process_time()
                    screen: Screen[Any] = (TopologyScreen(topology) if topology is not None
                                           else Table())
                    await app.push_screen(screen)
                    await pilot.pause()
                    if isinstance(screen, TopologyScreen):
                        while screen.view.drawing is None:
                            await pilot.pause()
                    await pilot.pause()
                    times[name] = min(times[name], time.process_time() - start)
                    app.pop_screen()
                    await pilot.pause()

    asyncio.run(main())
    return times["topology"], times["table"]


async def _connect(path: Path, count: int, on_estate_hub: bool) -> float:
    """Wall seconds to connect `count` free VNets to a hub (a free VNet, or the estate's)."""
    from tui.peering import apply_bulk, plan_hub
    from tui.peering.preflight import address_index
    from tui.peering.retry import PollPolicy

    faults = {"operation_seconds": WRITE_SECONDS, "latency_ms": LATENCY_MS}
    async with await _backend(path, faults) as backend:
        inventory = await backend.load_inventory()
        index = address_index(inventory)
        free = [v for v in inventory.vnets if not v.peerings and not index.overlapping(v.id)]
        hub = inventory.vnets[0] if on_estate_hub else free.pop()
        plan = plan_hub(inventory, hub, free[:count])
        assert plan.ok, plan.messages()
        started = time.perf_counter()
        outcome = await apply_bulk(backend, plan, poll=PollPolicy(interval=WRITE_SECONDS / 4))
        elapsed = time.perf_counter() - started
        assert outcome.ok, outcome.describe()
        return elapsed


def _connect_rows(spokes: int, extra: int) -> Iterator[Row]:
    for on_estate_hub, where in ((False, "a new hub"), (True, f"a hub with {spokes} spokes")):
        seconds = {}
        for count in (1, 20):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "estate.db"
                _estate(path, spokes + 1 + extra)
                seconds[count] = asyncio.run(_connect(path, count, on_estate_hub))
        yield Row("hub", f"connect 20 spokes to {where}, {LATENCY_MS} ms latency, "
                  f"{WRITE_SECONDS:g} s writes", seconds[20], 2 * seconds[1],
                  "2x one spoke", f"one spoke {seconds[1]:.2f} s wall; 20 = "
                  f"{seconds[20] / seconds[1]:.1f}x one (target ≤ 2x)")


def run(spokes: int = SPOKES, repeat: int = 5, *, connect: bool = True) -> Iterator[Row]:
    """`connect=False` leaves out the (slow, wall-time) hub rows."""
    from tui.topology import build_topology, draw, reach_map

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "estate.db"
        _estate(path, spokes + 1 + max(2, spokes // 20))  # some reuse a space: not peered
        inventory = asyncio.run(_inventory(path))
    hub = inventory.vnets[0]
    topology = build_topology(inventory, hub.id)
    drawn = len(topology.nodes)
    ours, table = _screens(inventory, hub.id, drawn, repeat)
    yield Row("topology", f"screen, {drawn}-VNet component, to drawn and idle", ours, table,
              f"{drawn}-row DataTable", f"target {TARGET_DRAW_SECONDS * 1000:.0f} ms")
    pure, _ = measure(lambda: draw(build_topology(inventory, hub.id), width=SIZE[0],
                                   limit=SIZE[1]), repeat=repeat)
    yield Row("topology", f"graph + tree + drawing, {len(topology.nodes)} VNets", pure,
              TARGET_DRAW_SECONDS, "target", "pure: what the command line prints")
    spoke = next(k for k in topology.nodes if k != topology.root)
    reach, found = measure(lambda: reach_map(topology, spoke), repeat=repeat)
    yield Row("topology", f"reach from a spoke over {len(found)} VNets", reach,
              TARGET_DRAW_SECONDS, "target", "each cursor move on a new VNet")
    if connect:
        yield from _connect_rows(spokes, 40)
