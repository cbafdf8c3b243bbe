"""Loading the inventory: raw ARM pages mapped straight to the model (`AzureBackend`)
against the SDK's typed pagers for the same six lists, on a generated sandbox estate.

Both go through the same clients, pipeline and sandbox transport, so the difference is the
SDK's per-item model deserialization that the raw path skips (DESIGN.md "Measured costs").
Times include the sandbox answering, which is the same work on both sides.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bench.framework import Row, measure
from tui.azure import AzureBackend, mappers, open_backend
from tui.model import Inventory
from tui.settings import Settings

SIZES = ((2, 1_000), (4, 5_000))  # (subscriptions, VNets)


async def _raw(backend: AzureBackend) -> Inventory:
    return await backend.load_inventory()


async def _typed(backend: AzureBackend) -> int:
    """The same lists through the typed pagers, mapped to the model via `as_dict()`."""
    subs = await backend.list_subscriptions()

    async def every(pager: Any) -> list[dict[str, Any]]:
        return [item.as_dict() async for item in pager]

    async def one(sub_id: str) -> int:
        net, compute = backend.network(sub_id), backend.compute(sub_id)
        vnets, nics, nsgs, tables, vms, statuses = await asyncio.gather(
            every(net.virtual_networks.list_all()),
            every(net.network_interfaces.list_all()),
            every(net.network_security_groups.list_all()),
            every(net.route_tables.list_all()),
            every(compute.virtual_machines.list_all()),
            every(compute.virtual_machines.list_all(status_only="true")),
        )
        mapped = [mappers.vnet_from_json(v) for v in vnets]
        mapped_vms = mappers.vms_from_json(vms, nics, statuses)
        [mappers.nsg_from_json(n) for n in nsgs]
        [mappers.route_table_from_json(t) for t in tables]
        return len(mapped) + len(mapped_vms)

    return sum(await asyncio.gather(*(one(s.id) for s in subs)))


def _run(path: Path, job: Any) -> Any:
    async def go() -> Any:
        async with open_backend(Settings(sandbox=True, sandbox_state=path)) as backend:
            return await job(backend)

    return asyncio.run(go())


def run(sizes: Iterable[tuple[int, int]] = SIZES) -> Iterator[Row]:
    from tui.sandbox.scenarios import reset

    os.environ["VNETTUI_SANDBOX_FAULTS"] = '{"operation_seconds": 0}'
    with tempfile.TemporaryDirectory() as tmp:
        for subscriptions, vnets in sizes:
            path = Path(tmp) / f"estate-{vnets}.db"
            reset(path, "estate", subscriptions=subscriptions, vnets=vnets, seed=1)
            _run(path, _raw)  # warm: imports and the sandbox file's page cache
            ours, inventory = measure(lambda p=path: _run(p, _raw), repeat=2)
            typed, count = measure(lambda p=path: _run(p, _typed), repeat=2)
            assert count == len(inventory.vnets) + len(inventory.vms)
            yield Row(
                "inventory", f"{len(inventory.vnets):,} VNets, {len(inventory.vms):,} VMs, "
                f"{subscriptions} subscriptions", ours, typed, "measured",
                "raw pages vs typed pagers",
            )
