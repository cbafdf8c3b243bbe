"""Large files' Resource Graph pages are answered by helper processes: the same answer as
this process gives, a dead helper replaced, and the inventory the same as ARM's."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from tests.sandbox.conftest import AZ303, vnet_id
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph import endpoint, results, workers
from tui.sandbox.graph.results import PageRequest
from tui.sandbox.store import SandboxStore

QUERY = ("resources | where type =~ 'microsoft.network/virtualnetworks' "
         "| summarize rows = make_list(pack_array(id, properties)) "
         "by subscriptionId, resourceGroup")


def _request(store: SandboxStore, **options: object) -> PageRequest:
    faults = FaultProfile(graph_quota=10**6)
    request, headers = endpoint.prepare(
        store, {"query": QUERY, "options": options}, api_version="2022-10-01", tenant="*",
        is_forbidden=lambda _s: False, faults=faults,
        state=endpoint.GraphState.for_profile(faults, time.time), now=time.time())
    assert "x-ms-user-quota-remaining" in headers
    return request


def test_a_helper_answers_as_this_process_does_and_is_replaced_when_it_dies(
    make_sandbox: Callable[..., Path],
) -> None:
    path = make_sandbox("showcase")
    helpers = workers.Helpers(count=1)
    try:
        with SandboxStore(path) as store:
            first = _request(store, **{"$top": 2})
            here = results.compute(first, store, OrderedDict())
            assert asyncio.run(helpers.answer(first)) == here
            token = json.loads(here[1])["$skipToken"]
            # The next page from the result the helper kept; then the helper dies, and
            # its replacement evaluates the query again for the same page.
            following = _request(store, **{"$top": 2, "$skipToken": token})
            expected = results.compute(following, store, OrderedDict())
            assert asyncio.run(helpers.answer(following)) == expected
            process = helpers.helpers[0].process
            assert process is not None
            process.kill()
            process.wait()
            assert asyncio.run(helpers.answer(following)) == expected
            assert helpers.helpers[0].process is not process
    finally:
        helpers.stop()


def test_a_helper_reads_on_from_its_first_page_and_starts_again_after_a_change(
    make_sandbox: Callable[..., Path],
) -> None:
    """Pages after a first page come from where it stopped (a stream in the helper), the
    same pages as this process cuts from the whole result; a change to the file between
    pages ends the stream, and the next page is cut from the result evaluated again."""
    from tui.sandbox import control

    path = make_sandbox("showcase")
    helpers = workers.Helpers(count=1)
    pages: list[str] = []
    try:
        with SandboxStore(path) as store:
            token = None
            while True:
                options: dict[str, object] = {"$top": 1}
                if token:
                    options["$skipToken"] = token
                request = _request(store, **options)
                expected = results.compute(request, store, OrderedDict())
                got = asyncio.run(helpers.answer(request))
                assert got == expected
                pages.append(got[1])
                token = json.loads(got[1]).get("$skipToken")
                if len(pages) == 2:
                    control.delete_vnet(store, vnet_id(AZ303, "rg-peering", "vnet2"))
                if not token:
                    break
    finally:
        helpers.stop()
    assert len(pages) >= 3


def test_a_refusal_comes_back_as_its_error_body(make_sandbox: Callable[..., Path]) -> None:
    path = make_sandbox("showcase")
    helpers = workers.Helpers(count=1)
    try:
        with SandboxStore(path) as store:
            stale = _request(store, **{"$skipToken": "bm90LWEtdG9rZW4="})
        status, text = asyncio.run(helpers.answer(stale))
    finally:
        helpers.stop()
    assert status == 400
    assert json.loads(text)["error"]["details"][0]["code"] == "InvalidSkipToken"
