"""The sandbox at tenant scale: building the 1,000-subscription estate, and answering an
inventory of it through Resource Graph against the ARM fan-out, both on one transport.

- reset: `sandbox reset --scenario estate --subscriptions 1000 --vnets 20000 --vms 40000`,
  wall time (it writes some 500 MB), against issue 13's target of one minute.
- graph vs ARM: every VNet and every VM of the estate, as the sandbox answers them (the
  transport's own work, no latency, no SDK deserialisation): Resource Graph pages of 1,000
  (`resources | where type =~ ... | project ...`, following `$skipToken`) against ARM's
  list-all per subscription (following `nextLink`, 50 a page). The note gives the requests
  each sent, which is what latency multiplies.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.framework import Row, measure

SIZE = (1_000, 20_000, 40_000)  # subscriptions, VNets, VMs
TARGET_RESET_SECONDS = 60.0
ARM = "https://management.azure.com"
KINDS = ("Microsoft.Network/virtualNetworks", "Microsoft.Compute/virtualMachines")


async def _send(transport: Any, method: str, url: str, body: Any = None) -> dict[str, Any]:
    from azure.core.rest import HttpRequest

    request = HttpRequest(method, url, json=body) if body is not None else HttpRequest(
        method, url)
    request.headers["Authorization"] = "Bearer sandbox-token"
    response = await transport.send(request)
    assert response.status_code == 200, response.text()
    found: dict[str, Any] = json.loads(response.content)
    return found


async def _graph(path: Path) -> tuple[int, int]:
    from tui.sandbox import SandboxTransport

    rows = requests = 0
    transport = SandboxTransport(path, faults={"operation_seconds": 0, "graph_quota": 10**6})
    for kind in KINDS:
        token = None
        while True:
            options: dict[str, Any] = {"$top": 1000}
            if token:
                options["$skipToken"] = token
            page = await _send(transport, "POST", f"{ARM}/providers/Microsoft.ResourceGraph/"
                               "resources?api-version=2021-03-01", {
                                   "query": f"resources | where type =~ '{kind}' | project id,"
                                            " name, resourceGroup, subscriptionId, location,"
                                            " properties",
                                   "options": options})
            requests += 1
            rows += len(page["data"])
            token = page.get("$skipToken")
            if not token:
                break
    await transport.close()
    return rows, requests


async def _arm(path: Path) -> tuple[int, int]:
    from tui.sandbox import SandboxTransport

    rows = requests = 0
    transport = SandboxTransport(path, faults={"operation_seconds": 0})
    subscriptions: list[str] = []
    url: str | None = f"{ARM}/subscriptions?api-version=2022-12-01"
    while url:
        page = await _send(transport, "GET", url)
        requests += 1
        subscriptions += [s["subscriptionId"] for s in page["value"]]
        url = page.get("nextLink")
    for sub in subscriptions:
        for kind in KINDS:
            url = f"{ARM}/subscriptions/{sub}/providers/{kind}?api-version=2024-05-01"
            while url:
                page = await _send(transport, "GET", url)
                requests += 1
                rows += len(page["value"])
                url = page.get("nextLink")
    await transport.close()
    return rows, requests


def run(size: tuple[int, int, int] = SIZE) -> Iterator[Row]:
    from tui.sandbox.scenarios import reset

    subscriptions, vnets, vms = size
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "estate.db"
        started = time.perf_counter()
        reset(path, "estate", subscriptions=subscriptions, vnets=vnets, vms=vms)
        built = time.perf_counter() - started
        yield Row("sandbox", f"reset: {subscriptions:,} subscriptions, {vnets:,} VNets, "
                  f"{vms:,} VMs", built, TARGET_RESET_SECONDS, "target",
                  "wall time (writes the whole file)")
        graph_seconds, (graph_rows, graph_requests) = measure(
            lambda: asyncio.run(_graph(path)), repeat=2)
        arm_seconds, (arm_rows, arm_requests) = measure(
            lambda: asyncio.run(_arm(path)), repeat=2)
        assert graph_rows == arm_rows == vnets + vms, (graph_rows, arm_rows)
        yield Row("sandbox", f"inventory of VNets and VMs, {subscriptions:,} subscriptions",
                  graph_seconds, arm_seconds, "measured",
                  f"Resource Graph {graph_requests:,} requests vs ARM fan-out "
                  f"{arm_requests:,}")
