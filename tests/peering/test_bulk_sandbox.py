"""Bulk apply on the sandbox, through the real SDK: spokes connected concurrently, one pair
failing (the rest complete, the failed pair rolled back and reported), and throttling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.peering.conftest import FAST_POLL, FAST_RETRY, Cloud
from tui.model import Inventory, PeeringFlags, PeeringState
from tui.peering import (
    BulkPlan,
    DisconnectRequest,
    ProgressEvent,
    Refused,
    Stage,
    apply_bulk,
    perform_bulk,
    plan_hub,
)
from tui.resolve import find_vnet

SPOKES = ("spoke4-vnet", "spoke5-vnet", "spoke6-vnet")


def hub_plan(inv: Inventory) -> BulkPlan:
    return plan_hub(inv, find_vnet(inv, "hub-vnet"), [find_vnet(inv, s) for s in SPOKES],
                    hub_flags=PeeringFlags(allow_gateway_transit=True),
                    spoke_flags=PeeringFlags(use_remote_gateways=True))


def hub_links(inv: Inventory) -> dict[str, PeeringState]:
    return {p.name: p.state for p in find_vnet(inv, "hub-vnet").peerings}


async def test_three_spokes_come_up_together(showcase: Cloud) -> None:
    plan = hub_plan(await showcase.inventory())
    events: list[tuple[int, ProgressEvent]] = []
    outcome = await apply_bulk(showcase.backend, plan, lambda i, e: events.append((i, e)),
                               retry=FAST_RETRY, poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    assert outcome.summary() == "3 peered."
    links = hub_links(await showcase.inventory())
    assert {links[f"hub-vnet-to-{s}"] for s in SPOKES} == {PeeringState.CONNECTED}
    assert {i for i, _ in events} == {0, 1, 2}  # a progress row per pair


async def test_one_pair_fails_the_rest_complete_and_it_is_rolled_back(
        cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("showcase",
                                       faults={"fail_writes": ["spoke6-vnet-to-hub-vnet"]})
    plan = hub_plan(await cloud.inventory())
    outcome = await apply_bulk(cloud.backend, plan, retry=FAST_RETRY, poll=FAST_POLL)
    assert not outcome.ok
    (failed,) = outcome.failed
    assert failed.pair.remote.name == "spoke6-vnet"
    assert failed.status() == "failed, rolled back"
    assert outcome.summary() == "2 peered, 1 failed."
    text = outcome.describe()
    assert "hub-vnet ↔ spoke6-vnet: failed, rolled back" in text
    assert "Rolled back: deleted hub-vnet-to-spoke6-vnet on hub-vnet." in text
    links = hub_links(await cloud.inventory())
    assert links["hub-vnet-to-spoke4-vnet"] is PeeringState.CONNECTED
    assert links["hub-vnet-to-spoke5-vnet"] is PeeringState.CONNECTED
    assert "hub-vnet-to-spoke6-vnet" not in links


async def test_throttled_pairs_all_complete_within_the_bound(
        cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("showcase", faults={"throttle_every": 4})
    plan = hub_plan(await cloud.inventory())
    events: list[tuple[int, ProgressEvent]] = []
    outcome = await apply_bulk(cloud.backend, plan, lambda i, e: events.append((i, e)),
                               concurrency=2, retry=FAST_RETRY, poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    seen = [i for i, _ in events]
    spans = {i: (seen.index(i), len(seen) - 1 - seen[::-1].index(i)) for i in set(seen)}
    most = max(sum(1 for a, b in spans.values() if a <= n <= b) for n in range(len(seen)))
    assert most == 2  # never more than `concurrency` pairs in flight
    assert all(e.stage is not Stage.FAILED for _, e in events)


async def test_perform_bulk_disconnects_spokes_and_refuses_when_read_only(
        showcase: Cloud) -> None:
    inv = await showcase.inventory()
    hub = find_vnet(inv, "hub-vnet")
    links = {p.name: p.id for p in hub.peerings}
    request = DisconnectRequest(hub.id, (links["hub-to-spoke1"], links["hub-to-spoke3"]))
    refused = await perform_bulk(showcase.backend, inv, request, read_only=True)
    assert isinstance(refused, Refused)
    assert "Refused to disconnect 2 spokes from hub-vnet" in refused.describe()
    rows: list[int] = []
    outcome = await perform_bulk(showcase.backend, inv, request, lambda i, e: rows.append(i),
                                 retry=FAST_RETRY)
    assert outcome.ok, outcome.describe()
    assert outcome.describe().endswith("2 disconnected.")
    assert set(rows) == {0, 1}
    assert set(hub_links(await showcase.inventory())) == {"hub-to-spoke2"}
    assert find_vnet(await showcase.inventory(), "spoke1-vnet").peerings == ()
