"""Resource Graph through the real azure-mgmt-resourcegraph client: rows as ARM shows them,
paging, scope, quota and the index's lag, all from the sandbox's one store."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.resourcegraph.aio import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sandbox.conftest import AZ303, CONTOSO, compute_client, network_client, vnet_id
from tui.sandbox import SandboxCredential, SandboxTransport, control
from tui.sandbox.scenarios import FABRIKAM_SUBSCRIPTION, FABRIKAM_TENANT, reset
from tui.sandbox.store import SandboxStore
from tui.sandbox.vnets import put_vnet

ARM = "https://management.azure.com"
VNETS = "resources | where type =~ 'microsoft.network/virtualnetworks'"
Answer = tuple[dict[str, str], Any]


class Clock:
    """A clock the test moves: the quota window and the index lag read it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def graph(path: Path, *, tenant: str | None = None, clock: Callable[[], float] | None = None,
                **faults: Any) -> AsyncIterator[ResourceGraphClient]:
    transport = SandboxTransport(path, faults={"operation_seconds": 0, **faults},
                                 **({"clock": clock} if clock else {}))
    async with ResourceGraphClient(SandboxCredential(tenant), transport=transport,
                                   retry_total=0) as client:
        yield client


async def ask(client: ResourceGraphClient, query: str, subscriptions: list[str] | None = None,
              **options: Any) -> Answer:
    """(headers, QueryResponse) of one query."""
    request = QueryRequest(query=query, subscriptions=subscriptions,
                           options=QueryRequestOptions(**options))
    found: Answer = await client.resources(
        request, cls=lambda response, body, _: (dict(response.http_response.headers), body))
    return found


async def refused(client: ResourceGraphClient, query: str, **kwargs: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as caught:
        await ask(client, query, **kwargs)
    return caught.value


async def every_page(client: ResourceGraphClient, query: str, top: int,
                     between: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    token = None
    while True:
        _, page = await ask(client, query, top=top, skip_token=token)
        rows += page.data
        token = page.skip_token
        if token is None:
            return rows
        between()


async def test_rows_carry_the_properties_the_arm_get_returns(showcase: Path) -> None:
    async with graph(showcase) as client:
        _, vnets = await ask(client, f"{VNETS} | project id, type, resourceGroup, properties")
        _, vms = await ask(client, "resources | where type =~ 'Microsoft.Compute/virtualMachines'"
                                   " | project id, properties")
    async with network_client(showcase, CONTOSO) as net:
        for row in vnets.data:
            assert row["type"] == "microsoft.network/virtualnetworks"
            got = await net.send_request(HttpRequest("GET", f"{row['id']}?api-version=2024-05-01"))
            assert row["properties"] == got.json()["properties"], row["id"]
            assert row["resourceGroup"] == row["id"].split("/")[4].lower()
    hub = next(r for r in vnets.data if r["id"].endswith("/hub-vnet"))
    assert {p["name"] for p in hub["properties"]["virtualNetworkPeerings"]} == {
        "hub-to-spoke1", "hub-to-spoke2", "hub-to-spoke3"}
    async with compute_client(showcase, CONTOSO) as compute:
        db3 = await compute.virtual_machines.get("rg-spokes", "db3", expand="instanceView")
    row = next(r for r in vms.data if r["id"].endswith("/db3"))
    assert "instanceView" not in row["properties"]
    power = row["properties"]["extended"]["instanceView"]["powerState"]
    assert power["code"] == next(s.code for s in db3.instance_view.statuses
                                 if s.code.startswith("PowerState/")) == "PowerState/deallocated"


async def test_the_published_answer_shape(showcase: Path) -> None:
    async with graph(showcase) as client:
        headers, answer = await ask(client, "Resources | project id, name, type, location, tags"
                                            " | limit 3")
    assert (answer.total_records, answer.count, answer.result_truncated) == (3, 3, "false")
    assert answer.skip_token is None
    assert answer.facets == []
    assert [list(row) for row in answer.data] == [["id", "name", "type", "location", "tags"]] * 3
    assert headers["x-ms-user-quota-remaining"] == "14"
    assert headers["x-ms-user-quota-resets-after"] == "00:00:05"


async def test_every_row_exactly_once_across_pages_while_the_cloud_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "estate.db"
    reset(path, "estate", subscriptions=3, vnets=90, seed=4)
    with SandboxStore(path) as store, store.read() as tx:
        before = {r.id for r in tx.all_of_type("Microsoft.Network/virtualNetworks")}
    changes = iter(range(100))

    def write() -> None:
        n = next(changes)
        with SandboxStore(path) as store:
            # A new VNet, a changed one and the same rows again: none may repeat or vanish.
            sub = f"e57a7e00-0000-4000-8000-000004{n % 3:06d}"
            new = vnet_id(sub, "rg-estate-000", f"late-{n:03d}")
            with store.write() as tx:
                put_vnet(tx, new, {"location": "westeurope", "properties": {
                    "addressSpace": {"addressPrefixes": [f"172.16.{n}.0/24"]}}})
            changed = sorted(before)[n % len(before)]
            prefixes = control.get(store, changed)["properties"]["addressSpace"][  # type: ignore[index]
                "addressPrefixes"]
            control.set_address_space(store, changed, [*prefixes, f"172.17.{n}.0/24"])

    for query in (f"{VNETS} | project id, name",
                  f"{VNETS} | project id, name, location | order by name asc",
                  f"{VNETS} | order by location desc | project id"):
        async with graph(path, graph_quota=1000) as client:
            rows = await every_page(client, query, top=7, between=write)
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids)), "a row came twice"
        assert before <= set(ids), "a row was skipped"


async def test_skip_top_take_and_object_columns(showcase: Path) -> None:
    async with graph(showcase) as client:
        _, everything = await ask(client, f"{VNETS} | project name | order by name asc")
        _, window = await ask(client, f"{VNETS} | project name | order by name asc",
                              skip=2, top=3)
        assert window.data == everything.data[2:5]
        assert (window.total_records, window.count) == (13, 3)
        assert window.skip_token is not None
        assert window.result_truncated == "false"
        _, taken = await ask(client, f"{VNETS} | project name | take 5", top=2)
        assert (taken.total_records, taken.count, taken.result_truncated) == (5, 2, "true")
        assert taken.skip_token is None  # a query with take/limit is not paged
        _, objects = await ask(client, f"{VNETS} | project properties", top=2)
        assert (objects.result_truncated, objects.skip_token) == ("true", None)
        _, table = await ask(client, f"{VNETS} | project name, n = 1 | order by name asc",
                             top=2, result_format="table")
        assert table.data == {"columns": [{"name": "name", "type": "string"},
                                          {"name": "n", "type": "integer"}],
                              "rows": [["dr-vnet", 1], ["hub-vnet", 1]]}


async def test_a_skip_token_belongs_to_its_query(showcase: Path) -> None:
    async with graph(showcase) as client:
        _, first = await ask(client, f"{VNETS} | project id", top=2)
        error = await refused(client, f"{VNETS} | project id, name", top=2,
                              skip_token=first.skip_token)
        assert error.status_code == 400
        assert error.error.details[0].code == "InvalidSkipToken"
        garbage = await refused(client, f"{VNETS} | project id", skip_token="%%%")
        assert garbage.status_code == 400


async def test_refusals_have_azures_shape_and_name_the_operator(showcase: Path) -> None:
    async with graph(showcase) as client:
        error = await refused(client, "resources | mv-expand properties.subnets")
        assert error.status_code == 400
        assert error.error.code == "BadRequest"
        invalid, detail = error.error.details
        assert invalid.code == "InvalidQuery"
        assert "mv-expand" in invalid.message
        assert detail.code == "UnsupportedOperator"
        assert error.response.headers["x-ms-user-quota-remaining"] == "14"
        unknown = await refused(client, "resources | where Type =~ 'x'")
        assert unknown.error.details[1].code == "ResolveError"
        request = HttpRequest("POST", f"{ARM}/providers/Microsoft.ResourceGraph/resources"
                              "?api-version=2021-03-01",
                              json={"query": "resources", "options": {"$top": 1001}})
        too_many = await client._client.send_request(request)  # the SDK checks $top itself
        assert too_many.status_code == 400
        old = HttpRequest("POST", f"{ARM}/providers/Microsoft.ResourceGraph/resources"
                          "?api-version=2019-04-01", json={"query": "resources"})
        assert (await client._client.send_request(old)).status_code == 400
        newer = HttpRequest("POST", f"{ARM}/providers/Microsoft.ResourceGraph/resources"
                            "?api-version=2024-04-01", json={"query": "resources | take 1"})
        assert (await client._client.send_request(newer)).status_code == 200


async def test_rows_only_from_subscriptions_the_caller_may_read(showcase: Path) -> None:
    def subs(answer: Any) -> set[str]:
        return {r["subscriptionId"] for r in answer.data}

    everything = "resources | project subscriptionId"
    async with graph(showcase) as client:
        assert subs((await ask(client, everything))[1]) == {AZ303, CONTOSO}
    async with graph(showcase, forbidden_subscriptions=["Contoso Platform"]) as client:
        assert subs((await ask(client, everything))[1]) == {AZ303}  # tenant scope: left out
        error = await refused(client, everything, subscriptions=[AZ303, CONTOSO])
        assert error.status_code == 403
        assert error.error.code == "AuthorizationFailed"
        assert CONTOSO in error.error.message
        _, partial = await ask(client, everything, subscriptions=[AZ303, CONTOSO],
                               allow_partial_scopes=True)
        assert subs(partial) == {AZ303}
        none = await refused(client, everything, subscriptions=[CONTOSO],
                             allow_partial_scopes=True)
        assert none.error.details[0].code == "NoValidSubscriptionsInQueryRequest"
    async with graph(showcase, tenant=FABRIKAM_TENANT) as client:
        assert subs((await ask(client, everything))[1]) == {FABRIKAM_SUBSCRIPTION}
        other = await refused(client, everything, subscriptions=[AZ303])
        assert other.status_code == 403
        request = QueryRequest(query=everything, management_groups=[FABRIKAM_TENANT])
        assert subs(await client.resources(request)) == {FABRIKAM_SUBSCRIPTION}
        with pytest.raises(HttpResponseError) as unknown_group:
            await client.resources(QueryRequest(query=everything, management_groups=["mg1"]))
        assert unknown_group.value.status_code == 400


async def test_resource_containers(showcase: Path) -> None:
    async with graph(showcase) as client:
        _, found = await ask(client, "resourcecontainers | where type =~ "
                                     "'microsoft.resources/subscriptions' | project name, "
                                     "subscriptionId, tenantId | order by name asc")
        _, groups = await ask(client, "resourcecontainers | where type == "
                                      "'microsoft.resources/subscriptions/resourcegroups' "
                                      "| summarize count() by subscriptionId")
    assert [r["name"] for r in found.data] == ["AZ-303 Lab", "Contoso Platform"]
    assert {r["subscriptionId"]: r["count"] for r in groups.data} == {AZ303: 2, CONTOSO: 5}


async def test_quota_headers_and_429_past_the_quota(showcase: Path) -> None:
    clock = Clock(1000.0)
    async with graph(showcase, clock=clock, graph_quota=3, graph_quota_seconds=5) as client:
        seen = []
        for _ in range(3):
            headers, _ = await ask(client, "resources | take 1")
            seen.append(headers["x-ms-user-quota-remaining"])
            clock.now += 1
        assert seen == ["2", "1", "0"]
        throttled = await refused(client, "resources | take 1")
        assert throttled.status_code == 429
        assert throttled.error.code == "RateLimiting"
        assert throttled.response.headers["x-ms-user-quota-remaining"] == "0"
        assert throttled.response.headers["x-ms-user-quota-resets-after"] == "00:00:02"
        clock.now += 2
        headers, _ = await ask(client, "resources | take 1")
        assert headers["x-ms-user-quota-remaining"] == "2"


async def test_the_index_lags_arm_by_the_profiles_seconds(az303: Path) -> None:
    v1, v2 = vnet_id(AZ303, "rg-peering", "vnet1"), vnet_id(AZ303, "rg-peering", "vnet2")
    with SandboxStore(az303) as store:
        control.put_peering(store, v1, "1and2", v2)
        control.delete_vnet(store, v2)
        with store.write() as tx:
            put_vnet(tx, vnet_id(AZ303, "rg-peering", "vnet3"), {
                "location": "westeurope",
                "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16"]}}})
    clock = Clock(time.time())
    query = f"{VNETS} | project name, peerings = properties.virtualNetworkPeerings"
    async with graph(az303, clock=clock, graph_lag_seconds=30) as client:
        _, stale = await ask(client, query)
        clock.now += 31
        _, fresh = await ask(client, query)
    async with network_client(az303) as net:
        arm = await net.virtual_network_peerings.get("rg-peering", "vnet1", "1and2")
    assert arm.peering_state == "Disconnected"  # ARM has it at once (vnet2 is gone)
    links = {r["name"]: [p["name"] for p in r["peerings"]] for r in stale.data}
    assert links == {"vnet1": [], "vnet2": []}, "the index shows the cloud of 30 s ago"
    links = {r["name"]: [p["name"] for p in r["peerings"]] for r in fresh.data}
    assert links == {"vnet1": ["1and2"], "vnet3": []}


@pytest.fixture(scope="module")
def paged_estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paging") / "estate.db"
    reset(path, "estate", subscriptions=3, vnets=60, seed=9)
    return path


def _all_pages(store: SandboxStore, query: str, top: int) -> tuple[list[Any], list[int]]:
    from tui.sandbox.faults import FaultProfile
    from tui.sandbox.graph.endpoint import GraphState, answer

    faults = FaultProfile(graph_quota=10**6)
    state = GraphState.for_profile(faults, time.time)
    rows: list[Any] = []
    totals: list[int] = []
    token = None
    while True:
        options: dict[str, Any] = {"$top": top}
        if token:
            options["$skipToken"] = token
        text, _ = answer(store, {"query": query, "options": options},
                         api_version="2022-10-01", tenant="*", is_forbidden=lambda _s: False,
                         faults=faults, state=state, now=time.time())
        page = json.loads(text)
        assert page["count"] == len(page["data"])
        rows += page["data"]
        totals.append(page["totalRecords"])
        token = page.get("$skipToken")
        if token is None:
            return rows, totals


@given(
    order=st.sampled_from(["", "| order by name asc", "| order by location desc",
                           "| sort by location asc, name desc", "| order by tostring(tags)"]),
    shape=st.sampled_from(["| project id, name, location, tags",
                           "| project name, location | extend n = 1",
                           "| summarize count() by location, resourceGroup",
                           "| summarize rows = make_list(pack_array(id, name, properties)) "
                           "by subscriptionId, resourceGroup"]),
    top=st.integers(min_value=1, max_value=25),
)
@settings(max_examples=25)
def test_pages_put_together_are_the_whole_result(
    paged_estate: Path, order: str, shape: str, top: int
) -> None:
    if "make_list" in shape:
        order = order.replace("name", "resourceGroup").replace("location", "subscriptionId") \
            .replace("tags", "rows")
        query = f"{VNETS} {shape} {order}"
    elif "summarize" in shape:  # order the groups by what they have
        order = order.replace("name", "resourceGroup").replace("tags", "count")
        query = f"{VNETS} {shape} {order}"
    else:
        query = f"{VNETS} {order} {shape}"
    with SandboxStore(paged_estate) as store:
        whole, _ = _all_pages(store, query, 1000)
        paged, totals = _all_pages(store, query, top)
    assert paged == whole
    assert set(totals) == {len(whole)}


@pytest.mark.parametrize("top", [1, 2, 5])
def test_packed_pages_from_the_first_rows_are_the_whole_results_pages(
    paged_estate: Path, top: int
) -> None:
    """A first page of a `summarize` by subscription and resource group is cut from the
    store's first rows (its groups come in id order); put together with the pages after
    it, it is the whole result, as the inventory's own packed queries read it."""
    from tui.azure.graph_inventory import VMS_QUERY, VNETS_QUERY

    with SandboxStore(paged_estate) as store:
        for query in (VNETS_QUERY, VMS_QUERY):
            whole, _ = _all_pages(store, f"{query} | order by subscriptionId asc, "
                                  "resourceGroup asc", 1000)  # no first page from rows
            paged, totals = _all_pages(store, query, top)
            assert [r["resourceGroup"] for r in paged] == [r["resourceGroup"] for r in whole]
            assert paged == whole
            assert set(totals) == {len(whole)}


def test_an_answer_over_the_payload_limit_is_refused_as_azure_does(paged_estate: Path) -> None:
    from tui.sandbox.errors import ArmError
    from tui.sandbox.faults import FaultProfile
    from tui.sandbox.graph.endpoint import GraphState, answer

    def page(store: SandboxStore, top: int, limit: int) -> str:
        faults = FaultProfile(graph_quota=10**6, graph_max_payload=limit)
        text, _ = answer(store, {"query": f"{VNETS} | project id, properties",
                                 "options": {"$top": top}},
                         api_version="2022-10-01", tenant="*", is_forbidden=lambda _s: False,
                         faults=faults, state=GraphState.for_profile(faults, time.time),
                         now=time.time())
        return text

    with SandboxStore(paged_estate) as store:
        whole = len(page(store, 60, 2**30))
        with pytest.raises(ArmError) as refused:
            page(store, 60, whole // 2)
        assert json.loads(page(store, 1, whole // 2))["count"] == 1  # fewer rows fit
    assert (refused.value.status, refused.value.code) == (400, "BadRequest")
    (detail,) = refused.value.details
    assert detail["code"] == "ResponsePayloadTooLarge"
    assert f"Response payload size is {whole}, and has exceeded the limit of {whole // 2}" \
        in detail["message"]
    assert "x-ms-user-quota-remaining" in refused.value.headers


async def test_a_change_from_another_connection_is_in_the_next_query(showcase: Path) -> None:
    count = f"{VNETS} | summarize count()"
    async with graph(showcase) as client:
        _, before = await ask(client, count)
        _, again = await ask(client, f"{VNETS} | project id", top=5)  # evaluated and kept
        with SandboxStore(showcase) as other:
            control.delete_vnet(other, vnet_id(AZ303, "rg-peering", "vnet2"))
        _, after = await ask(client, count)
        _, ids = await ask(client, f"{VNETS} | project id", top=5)
    assert (before.data[0]["count"], after.data[0]["count"]) == (13, 12)
    assert (again.total_records, ids.total_records) == (13, 12)
