"""The peering workflow end to end on the sandbox, through the real SDK and AzureBackend.

Each refusal is checked twice: the preflight refuses it with a sentence naming both VNets,
and the same link sent straight to the cloud is refused with ARM's code, so the preflight
and the cloud agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.peering.conftest import FAST_POLL, FAST_RETRY, Cloud, add_second_hub
from tui.errors import CloudError, RefusedError
from tui.model import PeeringFlags, PeeringState, SyncLevel
from tui.peering import (
    Action,
    ApplyResult,
    Decision,
    DeleteRequest,
    EditRequest,
    PeeringRequest,
    ProgressEvent,
    Refused,
    RetryPolicy,
    Stage,
    SyncRequest,
    apply_plan,
    create_peering,
    perform,
    plan_peering,
    retry_failed,
)
from tui.resolve import find_peering, find_vnet
from tui.sandbox.store import SandboxStore

GW = PeeringFlags(use_remote_gateways=True)
TRANSIT = PeeringFlags(allow_gateway_transit=True)


async def request(cloud: Cloud, local: str, remote: str, names: tuple[str, str],
                  local_flags: PeeringFlags | None = None,
                  remote_flags: PeeringFlags | None = None,
                  one_side: bool = False) -> PeeringRequest:
    inv = await cloud.inventory()
    return PeeringRequest(find_vnet(inv, local).id, find_vnet(inv, remote).id, *names,
                          local_flags or PeeringFlags(), remote_flags or PeeringFlags(),
                          one_side)


async def test_the_seed_creates_both_links_and_they_connect(az303: Cloud) -> None:
    events: list[ProgressEvent] = []
    req = await request(az303, "vnet1", "vnet2", ("1and2", "2and1"))
    plan = plan_peering(await az303.inventory(), req)
    outcome = await create_peering(az303.backend, plan, events.append, retry=FAST_RETRY,
                                   poll=FAST_POLL)
    assert outcome.ok
    now = outcome.now
    assert now.local_link is not None
    assert now.remote_link is not None
    assert (now.local_link.name, now.local_link.state) == ("1and2", PeeringState.CONNECTED)
    assert (now.remote_link.name, now.remote_link.state) == ("2and1", PeeringState.CONNECTED)
    assert outcome.describe() == ("Now vnet1 has 1and2 -> vnet2 (Connected); vnet2 has 2and1 "
                                  "-> vnet1 (Connected).")
    stages = [e.stage for e in events]
    assert stages.count(Stage.SENDING) == 2
    assert stages.count(Stage.DONE) == 2
    assert [e.message for e in events if e.stage is Stage.STATE] == [
        "1and2 on vnet1: Connected", "2and1 on vnet2: Connected"]
    listed = await az303.backend.list_peerings(req.remote_vnet_id)
    assert [(p.name, p.state) for p in listed] == [("2and1", PeeringState.CONNECTED)]


async def test_one_side_stays_initiated(az303: Cloud) -> None:
    req = await request(az303, "vnet1", "vnet2", ("1and2", "unused"), one_side=True)
    outcome = await create_peering(az303.backend, plan_peering(await az303.inventory(), req),
                                   retry=FAST_RETRY, poll=FAST_POLL)
    assert outcome.ok
    assert outcome.now.remote_link is None
    assert outcome.now.local_link is not None
    assert outcome.now.local_link.state is PeeringState.INITIATED


@dataclass(frozen=True)
class Rule:
    """A request the preflight refuses, and what the cloud says to the link sent anyway."""

    scenario: str
    local: str
    remote: str
    local_flags: PeeringFlags
    remote_flags: PeeringFlags
    problem: str
    code: str
    send_remote_first: bool = False
    setup: Callable[[Any], None] | None = None
    names: tuple[str, str] = ("a-to-b", "b-to-a")


RULES = {
    "overlap": Rule("showcase", "vnet1", "legacy-vnet", PeeringFlags(), PeeringFlags(),
                    "vnet1 and legacy-vnet cannot be peered: their address spaces overlap "
                    "(10.1.0.0/16).", "VnetAddressSpacesOverlap"),
    "overlap with a peer of the remote": Rule(
        "showcase", "dr-vnet", "hub-vnet", PeeringFlags(), PeeringFlags(),
        "dr-vnet cannot be peered with hub-vnet: it overlaps spoke2-vnet, which is already "
        "peered with hub-vnet (10.102.0.0/16).", "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"),
    "duplicate link": Rule("showcase", "spoke1-vnet", "hub-vnet", PeeringFlags(),
                           PeeringFlags(), "spoke1-vnet already has the link 'spoke1-to-hub' to "
                           "hub-vnet (Connected)", "AnotherPeeringAlreadyReferencesRemoteVnet"),
    "self": Rule("az303", "vnet1", "vnet1", PeeringFlags(), PeeringFlags(),
                 "vnet1 cannot be peered with itself.", "CannotPeerVirtualNetworkWithItself"),
    "bad name": Rule("az303", "vnet1", "vnet2", PeeringFlags(), PeeringFlags(),
                     "The name 'bad name!' for vnet1's link to vnet2 is not valid",
                     "InvalidResourceName", names=("bad name!", "ok")),
    "remote has no gateway": Rule("az303", "vnet1", "vnet2", GW, TRANSIT,
                                  "vnet1 cannot use vnet2's gateway: vnet2 has no gateway.",
                                  "RemoteVnetHasNoGateways"),
    "remote link without transit": Rule(
        "showcase", "spoke6-vnet", "hub-vnet", GW, PeeringFlags(),
        "spoke6-vnet cannot use hub-vnet's gateway unless hub-vnet's link to spoke6-vnet lets "
        "spoke6-vnet use it", "RemotePeeringDoesNotAllowGatewayTransit", send_remote_first=True),
    "local gateway": Rule("showcase", "hub-vnet", "hub2-vnet", GW, TRANSIT,
                          "hub-vnet cannot use hub2-vnet's gateway: hub-vnet has a gateway of "
                          "its own.", "UseRemoteGatewaysNotAllowedWithLocalGateway",
                          setup=add_second_hub),
    "one remote gateway per VNet": Rule(
        "showcase", "spoke1-vnet", "hub2-vnet", GW, TRANSIT,
        "spoke1-vnet cannot use hub2-vnet's gateway: its link 'spoke1-to-hub' already uses "
        "hub-vnet's gateway, and only one link per VNet may.",
        "OnlyOnePeeringCanUseRemoteGateways", send_remote_first=True, setup=add_second_hub),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
async def test_preflight_refuses_what_the_cloud_refuses(
    rule: Rule, cloud_factory: Callable[..., Any]
) -> None:
    cloud: Cloud = await cloud_factory(rule.scenario)
    if rule.setup:
        rule.setup(cloud.path)
    req = await request(cloud, rule.local, rule.remote, rule.names, rule.local_flags,
                        rule.remote_flags)
    inventory = await cloud.inventory()
    plan = plan_peering(inventory, req)
    assert not plan.ok
    messages = [p.message for p in plan.preflight.problems]
    assert any(m.startswith(rule.problem) for m in messages), messages
    with pytest.raises(RefusedError):
        await apply_plan(cloud.backend, plan)
    refused = await perform(cloud.backend, inventory, req)
    assert isinstance(refused, Refused)
    assert rule.problem in refused.describe()

    # The cloud agrees: sent anyway, the offending link is refused with ARM's code.
    sends = [(req.local_vnet_id, req.local_name, req.remote_vnet_id, req.local_flags),
             (req.remote_vnet_id, req.remote_name, req.local_vnet_id, req.remote_flags)]
    if rule.send_remote_first:
        sends.reverse()
    async def send_both() -> None:
        for vnet_id, name, remote_id, flags in sends:
            await cloud.backend.put_peering(vnet_id, name, remote_id, flags)

    with pytest.raises(CloudError) as caught:
        await send_both()
    assert caught.value.code == rule.code


async def test_gateway_transit_pair_is_accepted(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("showcase")
    req = await request(cloud, "spoke6-vnet", "hub-vnet", ("spoke6-to-hub", "hub-to-spoke6"),
                        PeeringFlags(allow_forwarded_traffic=True, use_remote_gateways=True),
                        PeeringFlags(allow_forwarded_traffic=True, allow_gateway_transit=True))
    outcome = await perform(cloud.backend, await cloud.inventory(), req, retry=FAST_RETRY,
                            poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    pair = await cloud.backend.list_peerings(req.local_vnet_id)
    link = next(p for p in pair if p.name == "spoke6-to-hub")
    assert link.flags.use_remote_gateways
    assert link.state is PeeringState.CONNECTED


async def test_disconnected_link_is_revived_then_both_connect(showcase: Cloud) -> None:
    # hub-to-spoke3 is Disconnected (spoke3's side was deleted).
    req = await request(showcase, "spoke3-vnet", "hub-vnet", ("spoke3-to-hub", "hub-to-spoke3"))
    plan = plan_peering(await showcase.inventory(), req)
    assert plan.ok
    assert [(w[0].action, w[0].name) for w in plan.waves] == [
        (Action.REVIVE, "hub-to-spoke3"), (Action.CREATE, "spoke3-to-hub")]
    events: list[ProgressEvent] = []
    outcome = await create_peering(showcase.backend, plan, events.append, retry=FAST_RETRY,
                                   poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    assert [p.state for p in outcome.now.links()] == [PeeringState.CONNECTED] * 2
    sent = [e.message for e in events if e.stage is Stage.SENDING]
    assert sent == ["revive hub-to-spoke3 on hub-vnet", "create spoke3-to-hub on spoke3-vnet"]


async def test_creating_beside_a_disconnected_link_is_what_azure_refuses(
        showcase: Cloud) -> None:
    """Why the revive comes first: the cloud refuses the new side while the old one is
    Disconnected."""
    spoke3, hub = await showcase.vnet("spoke3-vnet"), await showcase.vnet("hub-vnet")
    with pytest.raises(CloudError) as caught:
        await showcase.backend.put_peering(spoke3.id, "spoke3-to-hub", hub.id, PeeringFlags())
    assert caught.value.code == "RemotePeeringIsDisconnected"


async def half_failed(cloud_factory: Callable[..., Any]) -> tuple[Cloud, ApplyResult]:
    """vnet2's side fails (fault profile `fail_writes`), vnet1's is created."""
    cloud: Cloud = await cloud_factory("az303", faults={"fail_writes": ["2and1"]})
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    result = await apply_plan(cloud.backend, plan_peering(await cloud.inventory(), req),
                              retry=FAST_RETRY, poll=FAST_POLL)
    return cloud, result


async def test_half_failure_says_what_exists(cloud_factory: Callable[..., Any]) -> None:
    _, result = await half_failed(cloud_factory)
    assert not result.ok
    assert result.half_failed
    assert [r.link.name for r in result.failed] == ["2and1"]
    assert [p.name for p in result.orphans] == ["1and2"]
    assert result.now.describe() == ("Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no "
                                     "link to vnet1.")
    assert "2and1 on vnet2: failed:" in result.describe()


async def test_half_failure_rolls_back_by_default(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("az303", faults={"fail_writes": ["2and1"]})
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    outcome = await perform(cloud.backend, await cloud.inventory(), req, retry=FAST_RETRY,
                            poll=FAST_POLL)
    assert not outcome.ok
    text = outcome.describe()
    assert "Rolled back: deleted 1and2 on vnet1." in text
    assert text.endswith("Now vnet1 has no link to vnet2; vnet2 has no link to vnet1.")
    assert await cloud.backend.list_peerings(req.local_vnet_id) == []


async def test_half_failure_retry_completes_the_pair(cloud_factory: Callable[..., Any]) -> None:
    cloud, result = await half_failed(cloud_factory)
    # The cause went away: the same sandbox, reached without the fault.
    healthy = cloud.open_backend(cloud.path)
    events: list[ProgressEvent] = []
    again = await retry_failed(healthy, result, events.append, retry=FAST_RETRY, poll=FAST_POLL)
    assert again.ok
    assert [e.message for e in events if e.stage is Stage.SENDING] == ["create 2and1 on vnet2"]
    assert [p.state for p in again.now.links()] == [PeeringState.CONNECTED] * 2


async def test_retry_that_fails_again_asks_again(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("az303", faults={"fail_writes": ["2and1"]})
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    answers = [Decision.RETRY, Decision.KEEP]
    asked: list[ApplyResult] = []

    async def decide(result: ApplyResult) -> Decision:
        asked.append(result)
        return answers.pop(0)

    outcome = await create_peering(cloud.backend, plan_peering(await cloud.inventory(), req),
                                   decide=decide, retry=FAST_RETRY, poll=FAST_POLL)
    assert len(asked) == 2
    assert outcome.kept_partial
    assert "Kept 1and2 on vnet1: it carries no traffic until the other side exists" in (
        outcome.describe())
    assert [p.name for p in await cloud.backend.list_peerings(req.local_vnet_id)] == ["1and2"]


async def test_busy_answers_are_retried_with_backoff(az303: Cloud) -> None:
    """A VNet mid-update: ARM answers 400 ReferencedResourceNotProvisioned, which the SDK
    does not retry; the workflow waits and sends again."""
    vnet2 = await az303.vnet("vnet2")

    def set_state(state: str) -> None:
        with SandboxStore(az303.path) as store, store.write() as tx:
            resource = tx.get(vnet2.id)
            assert resource is not None
            resource.properties["provisioningState"] = state
            tx.put(resource)

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            set_state("Succeeded")  # the other operation finished

    set_state("Updating")
    events: list[ProgressEvent] = []
    req = await request(az303, "vnet1", "vnet2", ("1and2", "2and1"))
    retry = RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0, sleep=sleep)
    outcome = await create_peering(az303.backend, plan_peering(await az303.inventory(), req),
                                   events.append, retry=retry, poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    retried = [e.message for e in events if e.stage is Stage.RETRYING]
    assert retried
    assert all("ReferencedResourceNotProvisioned" in m for m in retried)
    assert waits[0] == 1.0
    assert set(waits) <= {1.0, 2.0, 4.0}  # exponential backoff, per link


async def test_throttled_cloud_still_peers(cloud_factory: Callable[..., Any]) -> None:
    cloud: Cloud = await cloud_factory("az303", faults={"throttle_every": 3})
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    outcome = await perform(cloud.backend, await cloud.inventory(), req, retry=FAST_RETRY,
                            poll=FAST_POLL)
    assert outcome.ok, outcome.describe()


async def peered(cloud: Cloud) -> None:
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    outcome = await perform(cloud.backend, await cloud.inventory(), req, retry=FAST_RETRY,
                            poll=FAST_POLL)
    assert outcome.ok


async def test_delete_one_side_leaves_the_other_disconnected(az303: Cloud) -> None:
    await peered(az303)
    inv = await az303.inventory()
    link = find_peering(inv, "1and2", find_vnet(inv, "vnet1"))
    outcome = await perform(az303.backend, inv, DeleteRequest(link.id, both=False),
                            retry=FAST_RETRY)
    assert outcome.ok
    assert outcome.describe() == ("Deleted 1and2 on vnet1.\nNow vnet1 has no link to vnet2; "
                                  "vnet2 has 2and1 -> vnet1 (Disconnected).")


async def test_delete_both(az303: Cloud) -> None:
    await peered(az303)
    inv = await az303.inventory()
    link = find_peering(inv, "2and1", find_vnet(inv, "vnet2"))
    outcome = await perform(az303.backend, inv, DeleteRequest(link.id), retry=FAST_RETRY)
    assert outcome.ok
    assert outcome.describe().endswith("Now vnet2 has no link to vnet1; vnet1 has no link to "
                                       "vnet2.")


async def test_sync_syncs_the_stale_side(showcase: Cloud) -> None:
    inv = await showcase.inventory()
    hub, spoke2 = find_vnet(inv, "hub-vnet"), find_vnet(inv, "spoke2-vnet")
    stale = hub.peering_to(spoke2.id)
    grown = spoke2.peering_to(hub.id)
    assert stale is not None
    assert grown is not None
    assert stale.sync_level is SyncLevel.LOCAL_NOT_IN_SYNC
    assert grown.sync_level is SyncLevel.REMOTE_NOT_IN_SYNC
    events: list[ProgressEvent] = []
    # Asked on the side that changed, it syncs the other (stale) one.
    outcome = await perform(showcase.backend, inv, SyncRequest(grown.id), events.append,
                            retry=FAST_RETRY)
    assert outcome.ok, outcome.describe()
    assert [e.message for e in events if e.stage is Stage.SYNCING] == [
        "sync hub-to-spoke2 on hub-vnet"]
    fresh = await showcase.backend.list_peerings(hub.id)
    synced = next(p for p in fresh if p.name == "hub-to-spoke2")
    assert synced.sync_level is SyncLevel.FULLY_IN_SYNC
    assert set(synced.remote_address_prefixes) == {"10.102.0.0/16", "10.112.0.0/16"}
    again = await perform(showcase.backend, await showcase.inventory(), SyncRequest(grown.id))
    assert "already in sync" in again.describe()


async def test_edit_changes_flags_with_the_same_rules(showcase: Cloud) -> None:
    inv = await showcase.inventory()
    hub = find_vnet(inv, "hub-vnet")
    link = find_peering(inv, "hub-to-spoke1", hub)
    refused = await perform(showcase.backend, inv, EditRequest(link.id, PeeringFlags()))
    assert isinstance(refused, Refused)
    assert "spoke1-vnet's link 'spoke1-to-hub' uses hub-vnet's gateway" in refused.describe()
    flags = PeeringFlags(allow_gateway_transit=True, allow_forwarded_traffic=False)
    outcome = await perform(showcase.backend, inv, EditRequest(link.id, flags),
                            retry=FAST_RETRY, poll=FAST_POLL)
    assert outcome.ok, outcome.describe()
    assert (await showcase.backend.get_peering(link.id)).flags == flags


async def test_read_only_sends_nothing(az303: Cloud) -> None:
    req = await request(az303, "vnet1", "vnet2", ("1and2", "2and1"))
    outcome = await perform(az303.backend, await az303.inventory(), req, read_only=True)
    assert isinstance(outcome, Refused)
    assert outcome.error.code == "ReadOnly"
    assert await az303.backend.list_peerings(req.local_vnet_id) == []


async def test_guard_refusal_of_a_read_only_subscription_sends_nothing(
        cloud_factory: Callable[..., Any]) -> None:
    """A read-only subscription from the config is enforced by the backend's guard; the
    workflow reports both links refused and nothing to roll back."""
    cloud: Cloud = await cloud_factory("az303")
    guarded = cloud.open_backend(cloud.path, read_only_subscriptions=("AZ-303 Lab",))
    req = await request(cloud, "vnet1", "vnet2", ("1and2", "2and1"))
    outcome = await perform(guarded, await cloud.inventory(), req, retry=FAST_RETRY,
                            poll=FAST_POLL)
    assert not outcome.ok
    assert "Now vnet1 has no link to vnet2; vnet2 has no link to vnet1." in outcome.describe()
    assert await cloud.backend.list_peerings(req.local_vnet_id) == []
