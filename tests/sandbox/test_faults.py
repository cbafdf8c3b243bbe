"""The fault profile: throttling, server errors, dropped connections, hung requests,
forbidden subscriptions and failing writes, seen through the real SDK's retry and polling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import (
    HttpResponseError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.core.rest import HttpRequest

from tests.sandbox.conftest import (
    AZ303,
    CONTOSO,
    RG,
    link,
    network_client,
    subscription_client,
    vnet_id,
)
from tui.sandbox import FaultProfile, SandboxTransport

VNET1 = vnet_id(AZ303, RG, "vnet1")
VNET2 = vnet_id(AZ303, RG, "vnet2")
LIST = f"/subscriptions/{AZ303}/providers/Microsoft.Network/virtualNetworks?api-version=2026-03-01"


async def test_throttling_answers_429_and_the_sdk_retries(az303: Path) -> None:
    faults = {"throttle_every": 2, "operation_seconds": 0}
    async with network_client(az303, faults=faults, retry_total=0) as client:
        assert (await client.send_request(HttpRequest("GET", LIST))).status_code == 200
        throttled = await client.send_request(HttpRequest("GET", LIST))
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    async with network_client(az303, faults=faults) as client:
        names = [v.name async for v in client.virtual_networks.list_all()]
        assert names == ["vnet1", "vnet2"]
        assert (await link(client, RG, "vnet1", "1and2", VNET2)).peering_state == "Initiated"


async def test_server_errors_are_retried(az303: Path) -> None:
    faults = {"error_every": 2, "error_status": 500, "operation_seconds": 0}
    async with network_client(az303, faults=faults, retry_total=0) as client:
        await client.send_request(HttpRequest("GET", LIST))
        failed = await client.send_request(HttpRequest("GET", LIST))
    assert failed.status_code == 500
    assert failed.json()["error"]["code"] == "InternalServerError"
    async with network_client(az303, faults=faults) as client:
        assert len([v async for v in client.virtual_networks.list_all()]) == 2


async def test_dropped_connections(az303: Path) -> None:
    faults = {"drop_every": 1, "operation_seconds": 0}
    async with network_client(az303, faults=faults, retry_total=0) as client:
        with pytest.raises(ServiceResponseError):
            await client.virtual_networks.get(RG, "vnet1")


@pytest.mark.parametrize("who", ["Contoso Platform", CONTOSO, CONTOSO.upper()])
async def test_forbidden_subscription(showcase: Path, who: str) -> None:
    faults = {"forbidden_subscriptions": [who], "operation_seconds": 0}
    async with subscription_client(showcase, faults=faults) as subs:
        # Still listed: the caller sees the subscription but may not read inside it.
        assert len([s async for s in subs.subscriptions.list()]) == 2
    async with network_client(showcase, CONTOSO, faults=faults) as client:
        with pytest.raises(HttpResponseError) as caught:
            await client.virtual_networks.get("rg-hub", "hub-vnet")
    assert (caught.value.status_code, caught.value.error.code) == (403, "AuthorizationFailed")
    assert "Microsoft.Network/virtualNetworks/read" in caught.value.message
    async with network_client(showcase, AZ303, faults=faults) as client:
        assert len([v async for v in client.virtual_networks.list_all()]) == 2
        # Peering into the forbidden subscription needs the peer action there.
        with pytest.raises(HttpResponseError) as linked:
            await link(client, RG, "vnet2", "to-hub", vnet_id(CONTOSO, "rg-hub", "hub-vnet"))
    assert (linked.value.status_code, linked.value.error.code) == (
        403, "LinkedAuthorizationFailed")


async def test_failing_writes_end_failed_and_change_nothing(az303: Path) -> None:
    faults = {"fail_writes": ["2and1"], "operation_seconds": 0}
    async with network_client(az303, faults=faults) as client:
        await link(client, RG, "vnet1", "1and2", VNET2)
        with pytest.raises(HttpResponseError) as caught:
            await link(client, RG, "vnet2", "2and1", VNET1)
        assert caught.value.error.code == "InternalServerError"
        assert [p.name async for p in client.virtual_network_peerings.list(RG, "vnet2")] == []
        survivor = await client.virtual_network_peerings.get(RG, "vnet1", "1and2")
        assert survivor.peering_state == "Initiated"

    faults = {"fail_writes": ["/virtualNetworkPeerings/1AND2"], "operation_seconds": 0}
    async with network_client(az303, faults=faults) as client:
        poller = await client.virtual_network_peerings.begin_delete(RG, "vnet1", "1and2")
        with pytest.raises(HttpResponseError):
            await poller.result()
        assert (await client.virtual_network_peerings.get(RG, "vnet1", "1and2")).name == "1and2"


def test_profile_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps(
        {"latency_ms": 5, "throttle_every": 3, "operation_seconds": 0,
         "forbidden_subscriptions": "AZ-303 Lab"}))
    transport = SandboxTransport(tmp_path / "s.db")
    assert transport.faults == FaultProfile(
        latency_ms=5.0, throttle_every=3, operation_seconds=0.0,
        forbidden_subscriptions=("AZ-303 Lab",))
    # An explicit profile wins over the environment.
    assert SandboxTransport(tmp_path / "s.db", faults={}).faults == FaultProfile()


@pytest.mark.parametrize(("value", "message"), [
    ("{not json", "not valid JSON"),
    ("[1]", "must be a JSON object"),
    ('{"throttle_evry": 2}', "unknown fault profile key"),
    ('{"throttle_every": -1}', "whole number"),
    ('{"error_status": 200}', "HTTP error status"),
    ('{"fail_writes": [1]}', "list of strings"),
    ('{"graph_quota": 0}', "graph_quota must be a whole number >= 1"),
    ('{"graph_quota_seconds": 0}', "graph_quota_seconds must be a number > 0"),
    ('{"graph_lag_seconds": 3601}', "at most 3600"),
    ('{"latency_ms": NaN}', "number >= 0"),
])
def test_bad_profiles_say_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", value)
    with pytest.raises(ValueError, match=message):
        FaultProfile.from_env()


async def test_latency_keeps_answers_right(az303: Path) -> None:
    faults: dict[str, Any] = {"latency_ms": 1, "operation_seconds": 0}
    async with network_client(az303, faults=faults) as client:
        assert (await client.virtual_networks.get(RG, "vnet1")).name == "vnet1"


def test_the_history_reaches_as_far_back_as_the_longest_lag() -> None:
    from tui.sandbox.faults import MAX_GRAPH_LAG_SECONDS
    from tui.sandbox.store import HISTORY_SECONDS

    assert HISTORY_SECONDS == MAX_GRAPH_LAG_SECONDS
    profile = FaultProfile.from_mapping({"graph_quota": 3, "graph_lag_seconds": 60})
    assert (profile.graph_quota, profile.graph_quota_seconds, profile.graph_lag_seconds) == (
        3, 5.0, 60.0)


async def test_fail_deletes_fails_only_the_delete(az303: Path) -> None:
    """A rollback can fail after the PUT it undoes went through."""
    faults = {"fail_deletes": ["1and2"], "operation_seconds": 0}
    async with network_client(az303, faults=faults) as client:
        await link(client, RG, "vnet1", "1and2", VNET2)
        poller = await client.virtual_network_peerings.begin_delete(RG, "vnet1", "1and2")
        with pytest.raises(HttpResponseError):
            await poller.result()
        assert (await client.virtual_network_peerings.get(RG, "vnet1", "1and2")).name == "1and2"


async def test_a_hung_request_fails_as_a_read_timeout(az303: Path) -> None:
    """`hang_every`: no answer, then the SDK transport's own timeout error; the SDK's retry
    policy retries it like any read timeout, so the call still succeeds."""
    transport = SandboxTransport(az303, faults={"hang_every": 1, "hang_seconds": 0.05})
    request = HttpRequest("GET", f"https://management.azure.com{LIST}")
    with pytest.raises(ServiceResponseTimeoutError, match="read timed out"):
        await transport.send(request)
    await transport.close()
    faults = {"hang_every": 2, "hang_seconds": 0.05, "operation_seconds": 0}
    async with network_client(az303, faults=faults) as client:
        assert len([v async for v in client.virtual_networks.list_all()]) == 2


def test_slow_paths_add_latency_to_those_requests_only() -> None:
    profile = FaultProfile.from_mapping(
        {"latency_ms": 10, "slow_paths": ["2AND1"], "slow_ms": 300})
    assert profile.delay_of("https://x/virtualNetworkPeerings/2and1?api-version=1") == 0.31
    assert profile.delay_of("https://x/virtualNetworkPeerings/1and2?api-version=1") == 0.01
