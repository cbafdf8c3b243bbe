"""Two processes writing one sandbox file: both sides of every peering end Connected,
whatever the interleaving, because each peering change is one IMMEDIATE transaction."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from tui.sandbox.builders import PEERING_TYPE, Estate
from tui.sandbox.faults import FaultProfile
from tui.sandbox.routes import Router, parse
from tui.sandbox.store import SandboxStore

SUB = "2b0c0000-0000-4000-8000-000000000002"
PAIRS = 15


def _vnet(name: str) -> str:
    return (f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/"
            f"virtualNetworks/{name}")


def _writer(path: str, side: str, other: str) -> list[int]:
    """Create one direction of every pair through the HTTP layer; return the statuses."""
    statuses = []
    with SandboxStore(path) as store:
        router = Router(store, FaultProfile(operation_seconds=0))
        for i in range(PAIRS):
            url = (f"https://management.azure.com{_vnet(f'{side}{i}')}/virtualNetworkPeerings/"
                   f"{side}-to-{other}?api-version=2026-03-01")
            body = {"properties": {"remoteVirtualNetwork": {"id": _vnet(f"{other}{i}")}}}
            answer = router.handle(parse("PUT", url, json.dumps(body)))
            statuses.append(answer.status)
    return statuses


def test_two_processes_peer_both_sides_of_many_pairs(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    estate = Estate()
    estate.subscription(SUB, "Shared")
    estate.resource_group(SUB, "rg")
    for i in range(PAIRS):
        estate.vnet(SUB, "rg", f"a{i}", [f"10.{i}.0.0/16"])
        estate.vnet(SUB, "rg", f"b{i}", [f"10.{100 + i}.0.0/16"])
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)

    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        first = pool.apply_async(_writer, (str(path), "a", "b"))
        second = pool.apply_async(_writer, (str(path), "b", "a"))
        statuses = first.get(timeout=120) + second.get(timeout=120)
    assert statuses == [201] * (2 * PAIRS)

    with SandboxStore(path) as store, store.read() as tx:
        links = tx.all_of_type(PEERING_TYPE)
    assert len(links) == 2 * PAIRS
    assert {link.properties["peeringState"] for link in links} == {"Connected"}
