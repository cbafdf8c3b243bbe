"""A query's first page is cut from its first rows when the store's rows map one for one
to the result's (a type filter, then project/extend/project-away): the page, its
`totalRecords` and its skip token must be exactly those of the whole query evaluated, and
the sandbox transport answers off the event loop."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tui.sandbox import SandboxTransport
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph.endpoint import GraphState, answer
from tui.sandbox.scenarios import reset
from tui.sandbox.store import SandboxStore

VNETS = "resources | where type =~ 'microsoft.network/virtualnetworks'"
ONE_FOR_ONE = [
    VNETS,
    f"{VNETS} | project id, name, properties",
    "resources | where type in~ ('microsoft.network/virtualnetworks', "
    "'microsoft.compute/virtualmachines') | project id, type | extend t = tolower(type)",
    f"{VNETS} and type == 'microsoft.network/virtualnetworks' | project-away tags",
]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first") / "estate.db"
    reset(path, "estate", subscriptions=3, vnets=40, vms=30, seed=4)
    return path


def _ask(store: SandboxStore, query: str, now: float, lag: float = 0.0,
         **options: Any) -> dict[str, Any]:
    faults = FaultProfile(graph_quota=10**6, graph_lag_seconds=lag)
    state = GraphState.for_profile(faults, time.time)
    text, _ = answer(store, {"query": query, "options": options}, api_version="2022-10-01",
                     tenant="*", is_forbidden=lambda _s: False, faults=faults, state=state,
                     now=now)
    found: dict[str, Any] = json.loads(text)
    return found


@pytest.mark.parametrize("query", ONE_FOR_ONE)
@pytest.mark.parametrize("top", [1, 7, 1000])
def test_first_page_is_the_whole_querys_first_page(estate: Path, query: str, top: int) -> None:
    store = SandboxStore(estate)
    now = time.time()
    first = _ask(store, query, now, **{"$top": top})
    whole = _ask(store, query, now, **{"$top": top, "$skip": 0})  # $skip: evaluated whole
    assert first["totalRecords"] > 0
    assert first == whole  # rows, totalRecords, count, resultTruncated and the token
    if first["totalRecords"] > top:
        after = _ask(store, query, now, **{"$top": 1000, "$skipToken": first["$skipToken"]})
        ids = [r.get("id") for r in first["data"] + after["data"]]
        assert len(ids) == first["totalRecords"] == len(set(ids))


def test_first_page_counts_only_what_the_lagging_index_holds(tmp_path: Path) -> None:
    from tui.sandbox import control

    path = tmp_path / "lag.db"
    reset(path, "estate", subscriptions=2, vnets=10, seed=2)
    store = SandboxStore(path)
    gone = _ask(store, VNETS, time.time(), **{"$top": 3})["data"][0]["id"]
    control.delete_vnet(store, gone)
    lagging = _ask(store, VNETS, time.time(), lag=60, **{"$top": 3})
    assert lagging["totalRecords"] == 10
    assert lagging["data"][0]["id"] == gone
    assert lagging == _ask(store, VNETS, time.time(), lag=60, **{"$top": 3, "$skip": 0})
    live = _ask(store, VNETS, time.time(), **{"$top": 3})
    assert live["totalRecords"] == 9
    assert gone not in [r["id"] for r in live["data"]]


async def test_the_transport_answers_off_the_event_loop(estate: Path) -> None:
    threads: list[int] = []

    class Recording(SandboxTransport):
        def _answer(self, request: Any) -> Any:
            threads.append(threading.get_ident())
            return super()._answer(request)

    from azure.core.rest import HttpRequest

    transport = Recording(estate, faults={"operation_seconds": 0})
    async with transport:
        request = HttpRequest("GET", "https://management.azure.com/subscriptions"
                                     "?api-version=2022-12-01")
        response = await transport.send(request)
    assert response.status_code == 200
    assert threads
    assert threading.get_ident() not in threads
