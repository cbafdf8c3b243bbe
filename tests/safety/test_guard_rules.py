"""Which requests the read-only guard lets through (the rules; the pipeline is tested against
the sandbox in test_guard_sandbox.py)."""

from __future__ import annotations

import pytest

from tui.azure.guard import WriteRules, is_write
from tui.model import Subscription

ARM = "https://management.azure.com"
SUB = "00000000-0000-0000-0000-0000000000aa"
RG = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network"
PEERING = f"{ARM}{RG}/virtualNetworks/vnet1/virtualNetworkPeerings/1and2?api-version=2025-07-01"


@pytest.mark.parametrize(
    "url",
    [
        f"{ARM}{RG}/networkWatchers/NetworkWatcher_westeurope/connectivityCheck?api-version=1",
        f"{ARM}{RG}/networkWatchers/nw/ipFlowVerify?api-version=1",
        f"{ARM}{RG}/networkWatchers/nw/nextHop",
        f"{ARM}{RG}/networkInterfaces/nic1/effectiveRouteTable?api-version=1",
        f"{ARM}{RG}/networkInterfaces/nic1/effectiveNetworkSecurityGroups?api-version=1",
        f"{ARM}/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01",
    ],
)
def test_named_read_operations_may_post(url: str) -> None:
    assert not is_write("POST", url)
    assert WriteRules(read_only=True).refusal("POST", url) is None


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PUT", PEERING),
        ("PATCH", PEERING),
        ("DELETE", PEERING),
        ("POST", f"{ARM}/subscriptions/{SUB}/providers/Microsoft.Network/register"),
        ("POST", f"{ARM}{RG}/networkWatchers/nw/packetCaptures/pc/stop"),
        ("POST", f"{ARM}/batch?api-version=2020-06-01"),
        ("POST", f"{ARM}{RG}/networkWatchers/nw/connectivityCheck/extra"),
        ("POST", f"{ARM}{RG}/networkInterfaces/nic1/effectiveRouteTable/../../x"),
        ("POST", f"{ARM}{RG}/networkWatchers/../connectivityCheck"),
        ("POST", f"{ARM}{RG}/networkWatchers/%2E%2E/connectivityCheck"),
        ("MERGE", PEERING),
    ],
)
def test_every_other_write_is_refused_in_read_only(method: str, url: str) -> None:
    assert is_write(method, url)
    reason = WriteRules(read_only=True).refusal(method, url)
    assert reason is not None
    assert "read-only" in reason
    assert "nothing was sent" in reason
    assert WriteRules().refusal(method, url) is None


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_reads_always_pass(method: str) -> None:
    assert WriteRules(read_only=True).refusal(method, PEERING) is None


def test_a_read_only_subscription_by_id_refuses_only_its_own_writes() -> None:
    rules = WriteRules(read_only_subscriptions=(SUB.upper(),))
    assert rules.refusal("PUT", PEERING) is not None
    other = PEERING.replace(SUB, "00000000-0000-0000-0000-0000000000bb")
    assert rules.refusal("PUT", other) is None


def test_a_read_only_subscription_by_name_fails_closed_until_its_name_is_known() -> None:
    rules = WriteRules(read_only_subscriptions=("Production Hub",))
    unknown = rules.refusal("PUT", PEERING)
    assert unknown is not None
    assert "not known yet" in unknown
    rules.learn([Subscription(SUB, "AZ-303 Lab")])
    assert rules.refusal("PUT", PEERING) is None
    rules.learn([Subscription(SUB, "production hub")])
    named = rules.refusal("PUT", PEERING)
    assert named is not None
    assert "'production hub'" in named
