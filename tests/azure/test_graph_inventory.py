"""The inventory through Resource Graph, on the sandbox's index and the real SDK pipeline:
the same model objects as the ARM fan-out, paging, scope, quota and the index's lag."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.azure.graph_helpers import Recorder, SteppedTime, backend_with, graph_bodies
from tui.azure import AzureBackend
from tui.azure.graph import GraphReader, PageSize, Scope
from tui.model import Inventory, Kind, PeeringFlags
from tui.peering import Check, PeeringRequest, preflight
from tui.sandbox import control
from tui.sandbox.store import SandboxStore
from tui.sandbox.tenants import HOME_TENANT

FIELDS = ("subscriptions", "vnets", "vms", "nsgs", "route_tables", "errors", "kinds")


def same(arm: Inventory, graph: Inventory) -> None:
    assert (arm.source, graph.source) == ("arm", "graph")
    for name in FIELDS:
        assert getattr(graph, name) == getattr(arm, name), name


async def _both(open_sandbox_backend: Callable[..., AzureBackend], path: Path,
                faults: dict[str, Any] | None = None) -> tuple[Inventory, Inventory, int]:
    async with open_sandbox_backend(path, faults, inventory="arm") as backend:
        arm = await backend.load_inventory()
    async with open_sandbox_backend(path, faults, inventory="graph") as backend:
        graph = await backend.load_inventory()
        sent = backend.graph_requests
    return arm, graph, sent


@pytest.mark.parametrize(("scenario", "params"), [
    ("showcase", {}),
    ("estate", {"subscriptions": 3, "vnets": 24, "vms": 30, "seed": 5}),
])
async def test_graph_and_arm_give_identical_inventories(
    scenario: str, params: dict[str, Any], make_sandbox: Callable[..., Path],
    open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    path = make_sandbox(scenario, **params)
    arm, graph, sent = await _both(open_sandbox_backend, path)
    same(arm, graph)
    assert graph.vnets
    assert graph.vms
    assert any(v.peerings for v in graph.vnets)
    # The subscriptions in scope, then VNets, NSGs and route tables in one query and VMs
    # joined with their NICs in another.
    assert sent == 1 + 2


async def test_a_large_file_answered_by_helper_processes_gives_the_same_inventory(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.sandbox.graph import workers

    monkeypatch.setattr(workers, "LARGE", 0)  # every file is large
    arm, graph, _ = await _both(open_sandbox_backend, make_sandbox(
        "estate", subscriptions=3, vnets=24, vms=30, seed=5))
    same(arm, graph)
    assert any(h.process is not None for h in workers.helpers().helpers)


async def test_a_page_too_large_for_azure_is_asked_for_again_with_fewer_rows(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    path = make_sandbox("estate", subscriptions=3, vnets=60, vms=30, seed=5)
    arm, graph, sent = await _both(open_sandbox_backend, path, {"graph_max_payload": 120_000})
    same(arm, graph)
    assert sent > 1 + 2  # refused pages, and more of them, smaller


async def test_a_subscription_the_index_does_not_answer_for_is_read_through_arm(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    arm, graph, _ = await _both(open_sandbox_backend, make_sandbox("showcase"),
                                {"forbidden_subscriptions": ["AZ-303 Lab"]})
    same(arm, graph)
    assert [e.code for e in graph.errors] == ["AuthorizationFailed"]


async def test_every_row_exactly_once_across_pages_under_concurrent_writes(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    path = make_sandbox("estate", subscriptions=2, vnets=40, seed=2)
    async with open_sandbox_backend(path, inventory="arm") as backend:
        before = await backend.load({Kind.VNETS})
    store = SandboxStore(path)
    ids = [v.id for v in before.vnets]
    async with open_sandbox_backend(path, {"graph_quota": 1000}) as backend:
        reader = GraphReader(backend._resource_graph(), backend.base_url, backend.graph_pacer)
        scope = Scope(tuple(s.id for s in before.subscriptions))
        seen: list[str] = []
        pages = 0
        # A row per VNet (the reader's paging, as any query's; not the inventory's packing).
        query = ("resources | where type =~ 'microsoft.network/virtualnetworks' "
                 "| project id, name, properties")
        async for page in reader.pages(query, scope, size=PageSize(first=7)):
            pages += 1
            seen += [row["id"].lower() for row in page]
            # Between pages the estate changes: links made, a VNet re-addressed, one gone.
            n = pages * 2
            if n + 1 < len(ids):
                control.put_peering(store, ids[n], f"w{pages}", ids[n + 1])
            if pages == 2:
                control.delete_vnet(store, ids[-1])
    store.close()
    assert pages == -(-len(ids) // 7)
    # Each VNet that was there throughout, exactly once; the deleted one at most once.
    assert sorted(seen) == sorted(set(seen))
    assert {i.lower() for i in ids[:-1]} <= set(seen)


async def test_subscription_filter_and_management_groups_are_passed_to_the_query(
    make_sandbox: Callable[..., Path], env: dict[str, str],
) -> None:
    path = make_sandbox("showcase")
    recorder = Recorder()
    async with backend_with(path, recorder, inventory="graph",
                            subscriptions=("AZ-303 Lab",)) as backend:
        inventory = await backend.load_inventory()
        chosen = inventory.subscriptions[0].id
    bodies = graph_bodies(recorder)
    assert len(bodies) == 3
    assert all(b["subscriptions"] == [chosen] for b in bodies)
    assert {v.subscription_id for v in inventory.vnets} == {chosen}

    recorder = Recorder()
    async with backend_with(path, recorder, inventory="graph",
                            management_groups=(HOME_TENANT,)) as backend:
        grouped = await backend.load_inventory()
    bodies = graph_bodies(recorder)
    assert bodies
    assert all(b["managementGroups"] == [HOME_TENANT] and "subscriptions" not in b
                          for b in bodies)
    assert {s.name for s in grouped.subscriptions} == {"AZ-303 Lab", "Contoso Platform"}


async def test_the_quota_paces_the_queries_and_no_429_is_met(
    make_sandbox: Callable[..., Path], env: dict[str, str], tmp_path: Path,
) -> None:
    path = make_sandbox("showcase")
    time = SteppedTime()
    log = tmp_path / "requests.log"
    faults = {"graph_quota": 1, "graph_quota_seconds": 5}
    async with backend_with(path, None, faults=faults, time=time, log=log,
                            inventory="graph") as backend:
        inventory = await backend.load_inventory()
        waits = backend.graph_pacer.waits
    assert inventory.source == "graph"
    assert inventory.errors == ()
    graph_lines = [json.loads(x) for x in log.read_text().splitlines() if "ResourceGraph" in x]
    assert len(graph_lines) == 3
    assert {x["status"] for x in graph_lines} == {200}
    assert waits >= 2
    assert time.now - time.start >= 10


async def test_a_429_from_a_spent_quota_is_waited_out(
    make_sandbox: Callable[..., Path], env: dict[str, str], tmp_path: Path,
) -> None:
    path = make_sandbox("az303")
    time = SteppedTime()
    log = tmp_path / "requests.log"
    faults = {"graph_quota": 3, "graph_quota_seconds": 5}
    async with backend_with(path, None, faults=faults, time=time, log=log,
                            inventory="graph") as backend:
        # Another client of the same user spends the quota; this backend's pacer knows
        # nothing of it, so its first query meets a 429 and waits for the reset it names.
        for _ in range(3):
            backend._transport.graph.quota.take()
        inventory = await backend.load_inventory()
    statuses = [json.loads(x)["status"] for x in log.read_text().splitlines()
                if "ResourceGraph" in x]
    assert statuses[0] == 429
    assert statuses.count(200) == 3
    assert inventory.source == "graph"
    assert len(inventory.vnets) == 2


async def test_a_new_link_is_in_arm_before_the_index_has_it(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    """The index lags: the links of what is shown, and whatever a write depends on, are
    read from ARM, and a preflight on them refuses what ARM would refuse."""
    async with open_sandbox_backend(sandbox_path, {"graph_lag_seconds": 3600},
                                    inventory="graph") as backend:
        inventory = await backend.load_inventory()
        vnet1, vnet2 = sorted(inventory.vnets, key=lambda v: v.name)
        await backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        stale = await backend.load_inventory()
        assert stale.source == "graph"
        assert stale.vnet(vnet1.id).peerings == ()
        assert [p.name for p in await backend.list_peerings(vnet1.id)] == ["1and2"]
        fresh = await backend.refresh_vnets(stale, [vnet1.id, vnet2.id])
    assert [p.name for p in fresh.vnet(vnet1.id).peerings] == ["1and2"]  # type: ignore[union-attr]
    # A second link from vnet1 to vnet2: ARM refuses it (AnotherPeeringAlreadyReferences-
    # RemoteVnet). The lagging index alone would let it through; ARM's read does not.
    again = PeeringRequest(vnet1.id, vnet2.id, "again", "again-back", one_side=True)
    assert preflight(stale, again).ok
    assert not preflight(fresh, again).passed(Check.EXISTING)


async def test_refresh_drops_a_vnet_arm_no_longer_has(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    async with open_sandbox_backend(sandbox_path, {"graph_lag_seconds": 3600},
                                    inventory="graph") as backend:
        inventory = await backend.load_inventory()
        gone = inventory.vnets[0].id
        store = SandboxStore(sandbox_path)
        control.delete_vnet(store, gone)
        store.close()
        fresh = await backend.refresh_vnets(inventory, [gone])
    assert inventory.vnet(gone) is not None
    assert fresh.vnet(gone) is None
