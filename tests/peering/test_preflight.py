"""Preflight and plan rules on hand-built inventories: every refusal ARM would give,
caught before a request is sent, as a sentence naming both VNets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.peering.builders import SUB, az303, inventory, link, linked, vnet, vnet_id
from tui.model import Inventory, PeeringFlags, PeeringState, SyncLevel
from tui.peering import (
    Action,
    Check,
    DeleteRequest,
    EditRequest,
    Field,
    PeeringRequest,
    SyncRequest,
    check_edit,
    default_names,
    find_peering,
    overlapping_vnets,
    plan_delete,
    plan_edit,
    plan_peering,
    preflight,
    sides_to_sync,
    valid_name_problem,
    write_targets,
)

GW = PeeringFlags(use_remote_gateways=True)
TRANSIT = PeeringFlags(allow_gateway_transit=True)


def request(inv: Inventory, local: str, remote: str, *, names: tuple[str, str] = ("1and2", "2and1"),
            local_flags: PeeringFlags | None = None, remote_flags: PeeringFlags | None = None,
            one_side: bool = False) -> PeeringRequest:
    ids = {v.name: v.id for v in inv.vnets}
    return PeeringRequest(ids[local], ids[remote], names[0], names[1],
                          local_flags or PeeringFlags(), remote_flags or PeeringFlags(), one_side)


def messages(inv: Inventory, req: PeeringRequest) -> list[str]:
    return [p.message for p in preflight(inv, req).problems]


def test_the_seed_request_passes_and_plans_both_links() -> None:
    inv, v1, v2 = az303()
    plan = plan_peering(inv, request(inv, "vnet1", "vnet2"))
    assert plan.ok
    assert [(link.action, link.vnet_name, link.name) for link in plan.links] == [
        (Action.CREATE, "vnet1", "1and2"), (Action.CREATE, "vnet2", "2and1")]
    assert plan.preflight.summary("vnet2") == [
        (True, "no overlap"), (True, "names valid"), (True, "no link to vnet2 yet"),
        (True, "gateway settings valid")]
    first, second = plan.commands()
    assert first == ("az network vnet peering create -g rg-peering --vnet-name vnet1 -n 1and2 "
                     f"--remote-vnet vnet2 --allow-vnet-access --subscription {SUB}")
    other_rg = v2._replace(id=vnet_id("vnet2", rg="rg-other"), resource_group="rg-other")
    inv2 = inventory(v1, other_rg)
    cross = plan_peering(inv2, request(inv2, "vnet1", "vnet2")).commands()[0]
    assert f"--remote-vnet {other_rg.id} " in cross
    assert "--allow-vnet-access" in first
    assert "--use-remote-gateways" not in first
    assert "--vnet-name vnet2 -n 2and1 --remote-vnet vnet1 " in second
    assert len(plan.waves) == 1  # both created together


def test_default_names_go_both_ways() -> None:
    _, v1, v2 = az303()
    assert default_names(v1, v2) == ("vnet1-to-vnet2", "vnet2-to-vnet1")
    long = v2._replace(name="v" * 75)
    local_name, _ = default_names(v1, long)
    assert len(local_name) == 80
    assert valid_name_problem(local_name, "a", "b") is None


@pytest.mark.parametrize("name", ["1and2", "a", "a_", "A.b-c_9", "x" * 80])
def test_valid_names(name: str) -> None:
    assert valid_name_problem(name, "vnet1", "vnet2") is None


@pytest.mark.parametrize(("name", "why"), [
    ("", "Give vnet1's link to vnet2 a name."),
    ("x" * 81, "81 characters"),
    ("-abc", "not valid"), ("abc-", "not valid"), ("abc.", "not valid"), ("a b", "not valid"),
    ("_abc", "not valid"), ("a/b", "not valid"),
])
def test_invalid_names_say_why(name: str, why: str) -> None:
    problem = valid_name_problem(name, "vnet1", "vnet2")
    assert problem is not None
    assert why in problem
    assert "vnet1" in problem
    assert "vnet2" in problem


@given(st.text(alphabet="ab_.-9 /", max_size=90))
def test_name_rule_matches_arm(name: str) -> None:
    ok = (1 <= len(name) <= 80 and name[0].isalnum() and (name[-1].isalnum() or name[-1] == "_")
          and all(c.isalnum() or c in "_.-" for c in name))
    assert (valid_name_problem(name, "a", "b") is None) == ok


def test_bad_names_point_at_their_field() -> None:
    inv, _, _ = az303()
    check = preflight(inv, request(inv, "vnet1", "vnet2", names=("bad name", "")))
    assert [p.field for p in check.problems] == [Field.LOCAL_NAME, Field.REMOTE_NAME]
    assert not check.passed(Check.NAMES)
    assert check.passed(Check.OVERLAP)


def test_name_must_be_unique_on_its_vnet() -> None:
    v1, v2, v3 = vnet("vnet1", "10.1.0.0/16"), vnet("vnet2", "10.2.0.0/16"), vnet("vnet3",
                                                                                 "10.3.0.0/16")
    v1 = linked(v1, link(v1, v3, "1and2"))
    inv = inventory(v1, v2, v3)
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2"))
    assert msg == ("vnet1 already has a link named '1and2' (to vnet3); choose another name for "
                   "vnet1's link to vnet2.")


def test_self_peering_is_refused() -> None:
    inv, _, _ = az303()
    assert messages(inv, request(inv, "vnet1", "vnet1")) == [
        "vnet1 cannot be peered with itself."]


def test_no_remote_chosen_yet() -> None:
    inv, v1, _ = az303()
    check = preflight(inv, PeeringRequest(v1.id, v1.id.parent.parent, "a", "b"))
    assert not check.ok
    assert check.problems[0].check is Check.REMOTE


def test_direct_overlap_names_both_vnets_and_prefixes() -> None:
    legacy = vnet("legacy-app", "10.0.0.0/8", "192.168.0.0/24")
    inv = inventory(vnet("vnet1", "10.1.0.0/16"), legacy)
    (msg,) = messages(inv, request(inv, "vnet1", "legacy-app"))
    assert msg == ("vnet1 and legacy-app cannot be peered: their address spaces overlap "
                   "(10.1.0.0/16).")
    assert overlapping_vnets(inv, inv.vnets[0]) == {legacy.id: ("10.1.0.0/16",)}


def test_overlap_with_a_vnet_already_peered_to_the_remote() -> None:
    hub, spoke = vnet("hub", "10.0.0.0/16"), vnet("spoke", "10.5.0.0/16")
    newcomer = vnet("newcomer", "10.5.128.0/17")
    hub = linked(hub, link(hub, spoke, "hub-spoke"))
    spoke = linked(spoke, link(spoke, hub, "spoke-hub"))
    inv = inventory(hub, spoke, newcomer)
    (msg,) = messages(inv, request(inv, "newcomer", "hub"))
    assert msg == ("newcomer cannot be peered with hub: it overlaps spoke, which is already "
                   "peered with hub (10.5.128.0/17).")
    # And the other way round: the hub joining a VNet whose peer overlaps it.
    (msg,) = messages(inv, request(inv, "hub", "newcomer", names=("a", "b")))
    assert "newcomer cannot be peered with hub: it overlaps spoke" in msg


def test_existing_link_on_either_side_is_refused() -> None:
    inv, v1, v2 = az303()
    inv = inventory(linked(v1, link(v1, v2, "old")), v2)
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2"))
    assert msg == ("vnet1 already has the link 'old' to vnet2 (Connected); a VNet can "
                   "have only one link to a given VNet.")
    inv = inventory(v1, linked(v2, link(v2, v1, "old")))
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2"))
    assert msg.startswith("vnet2 already has the link 'old' to vnet1")
    check = preflight(inv, request(inv, "vnet1", "vnet2"))
    assert (False, "link to vnet2 exists") in check.summary("vnet2")


def test_peer_again_completes_an_interrupted_peering_from_either_side() -> None:
    inv, v1, v2 = az303()
    inv = inventory(linked(v1, link(v1, v2, "1and2", PeeringState.INITIATED)), v2)
    for local, remote, names in (("vnet1", "vnet2", ("1and2", "2and1")),
                                 ("vnet2", "vnet1", ("2and1", "1and2"))):
        check = preflight(inv, request(inv, local, remote, names=names))
        assert check.ok, check.problems
        assert check.notes == (
            "vnet1 already has '1and2' to vnet2 (Initiated), left as it is: only vnet2's "
            "side '2and1' is created, which completes the peering.",)
        plan = plan_peering(inv, request(inv, local, remote, names=names))
        assert [(link.action, link.vnet_name, link.name) for link in plan.links] == [
            (Action.CREATE, "vnet2", "2and1")]
    # --one-side on the VNet that already has it: nothing to create, and the way forward.
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2", one_side=True))
    assert msg.endswith("vnet2 has no link back: create it with "
                        "`vnettui peer vnet2 vnet1 --one-side`.")


def test_one_side_completes_an_initiated_link_from_the_other_vnet() -> None:
    inv, v1, v2 = az303()
    inv = inventory(v1, linked(v2, link(v2, v1, "2and1", PeeringState.INITIATED)))
    check = preflight(inv, request(inv, "vnet1", "vnet2", one_side=True))
    assert check.ok
    assert check.notes == ("vnet2 already links to vnet1 ('2and1'): both links become "
                           "Connected.",)
    plan = plan_peering(inv, request(inv, "vnet1", "vnet2", one_side=True))
    assert [link.name for link in plan.links] == ["1and2"]


def test_disconnected_link_is_revived_first_under_its_own_name() -> None:
    inv, v1, v2 = az303()
    inv = inventory(v1, linked(v2, link(v2, v1, "2and1", PeeringState.DISCONNECTED)))
    plan = plan_peering(inv, request(inv, "vnet1", "vnet2"))
    assert plan.ok
    assert [(w[0].action, w[0].name) for w in plan.waves] == [
        (Action.REVIVE, "2and1"), (Action.CREATE, "1and2")]
    notes = plan.preflight.notes
    assert "vnet2's Disconnected link '2and1' to vnet1 will be revived first." in notes
    assert plan.commands()[1].startswith("az network vnet peering update -g rg-peering "
                                         "--vnet-name vnet2 -n 2and1")
    # Another name for that side would be a second link to the same VNet: refused.
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2", names=("1and2", "other")))
    assert msg == ("vnet2 already has the Disconnected link '2and1' to vnet1; it will be "
                   "revived rather than replaced, so name vnet2's side '2and1'.")
    # Creating only vnet1's side while vnet2's is Disconnected: Azure refuses.
    (problem,) = preflight(inv, request(inv, "vnet1", "vnet2", one_side=True)).problems
    assert problem.field is Field.ONE_SIDE
    assert "RemotePeering" not in problem.message
    assert "vnet2's link '2and1' to vnet1 is Disconnected" in problem.message


def test_use_remote_gateways_needs_a_gateway_on_the_remote() -> None:
    inv, _, _ = az303()
    (msg,) = messages(inv, request(inv, "vnet1", "vnet2", local_flags=GW, remote_flags=TRANSIT))
    assert msg == "vnet1 cannot use vnet2's gateway: vnet2 has no gateway."


def test_use_remote_gateways_needs_transit_on_the_other_side() -> None:
    inv = inventory(vnet("spoke", "10.1.0.0/16"), vnet("hub", "10.0.0.0/16", gateway=True))
    (msg,) = messages(inv, request(inv, "spoke", "hub", local_flags=GW))
    assert msg == ("spoke cannot use hub's gateway unless hub's link to spoke lets spoke use it "
                   "(allow gateway transit on hub's side).")
    assert messages(inv, request(inv, "spoke", "hub", local_flags=GW, remote_flags=TRANSIT)) == []


def test_use_remote_gateways_not_with_a_local_gateway() -> None:
    inv = inventory(vnet("hub1", "10.1.0.0/16", gateway=True),
                    vnet("hub2", "10.0.0.0/16", gateway=True))
    (msg,) = messages(inv, request(inv, "hub1", "hub2", local_flags=GW, remote_flags=TRANSIT))
    assert msg == "hub1 cannot use hub2's gateway: hub1 has a gateway of its own."


def test_only_one_link_per_vnet_uses_remote_gateways() -> None:
    spoke, hub = vnet("spoke", "10.1.0.0/16"), vnet("hub", "10.0.0.0/16", gateway=True)
    hub2 = vnet("hub2", "10.9.0.0/16", gateway=True)
    spoke = linked(spoke, link(spoke, hub, "spoke-hub", flags=GW))
    hub = linked(hub, link(hub, spoke, "hub-spoke", flags=TRANSIT))
    inv = inventory(spoke, hub, hub2)
    (problem,) = preflight(inv, request(inv, "spoke", "hub2", local_flags=GW,
                                        remote_flags=TRANSIT)).problems
    assert problem.message == ("spoke cannot use hub2's gateway: its link 'spoke-hub' already "
                               "uses hub's gateway, and only one link per VNet may.")
    assert problem.field is Field.LOCAL_FLAGS
    assert problem.check is Check.GATEWAY


def test_remote_side_gateway_rules_are_checked_too() -> None:
    inv = inventory(vnet("hub", "10.0.0.0/16", gateway=True), vnet("spoke", "10.1.0.0/16"))
    check = preflight(inv, request(inv, "hub", "spoke", remote_flags=GW))
    (problem,) = check.problems
    assert problem.field is Field.REMOTE_FLAGS
    assert problem.message.startswith("spoke cannot use hub's gateway unless hub's link")
    assert preflight(inv, request(inv, "hub", "spoke", local_flags=TRANSIT,
                                  remote_flags=GW)).ok


def test_edit_keeps_the_gateway_rules() -> None:
    spoke, hub = vnet("spoke", "10.1.0.0/16"), vnet("hub", "10.0.0.0/16", gateway=True)
    spoke = linked(spoke, link(spoke, hub, "spoke-hub", flags=GW))
    hub = linked(hub, link(hub, spoke, "hub-spoke", flags=TRANSIT))
    inv = inventory(spoke, hub)
    hub_link = hub.peerings[0]
    (problem,) = check_edit(inv, hub_link, PeeringFlags()).problems
    assert problem.message == ("spoke's link 'spoke-hub' uses hub's gateway, so hub's link must "
                               "keep allowing gateway transit.")
    assert check_edit(inv, hub_link, PeeringFlags(allow_forwarded_traffic=True,
                                                  allow_gateway_transit=True)).ok
    # The link itself keeping use-remote-gateways is not "another" link using one.
    assert check_edit(inv, spoke.peerings[0], GW).ok
    plan = plan_edit(inv, EditRequest(hub_link.id, PeeringFlags(allow_gateway_transit=True,
                                                                 allow_forwarded_traffic=True)))
    assert plan.ok
    assert plan.links[0].action is Action.UPDATE
    assert "allowForwardedTraffic=true" in plan.commands()[0]


def test_delete_plan_says_what_happens_to_the_other_side() -> None:
    inv, v1, v2 = az303()
    v1 = linked(v1, link(v1, v2, "1and2"))
    v2 = linked(v2, link(v2, v1, "2and1"))
    inv = inventory(v1, v2)
    found = find_peering(inv, v1.peerings[0].id.lower())
    assert found is not None
    plan = plan_delete(inv, found, both=False)
    assert plan.question() == "Delete 1and2 on vnet1?"
    assert plan.consequence() == ("The link 2and1 on vnet2 will become Disconnected and carry "
                                  "no traffic.")
    assert [p.name for p in plan.targets] == ["1and2"]
    both = plan_delete(inv, found)
    assert [p.name for p in both.targets] == ["1and2", "2and1"]
    assert len(both.commands()) == 2


def test_sync_chooses_the_stale_side() -> None:
    _, v1, v2 = az303()
    changed = link(v1, v2, "1and2", sync=SyncLevel.REMOTE_NOT_IN_SYNC)
    stale = link(v2, v1, "2and1", sync=SyncLevel.LOCAL_NOT_IN_SYNC)
    assert sides_to_sync(changed, stale) == [stale]
    assert sides_to_sync(stale, changed) == [stale]
    assert sides_to_sync(changed, None) == [changed]
    both = stale._replace(sync_level=SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC)
    assert sides_to_sync(changed._replace(sync_level=SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC),
                         both) == [changed._replace(sync_level=both.sync_level), both]
    assert sides_to_sync(link(v1, v2, "a"), link(v2, v1, "b")) == []


def test_write_targets_name_the_vnets_written_to() -> None:
    inv, v1, v2 = az303()
    v1 = linked(v1, link(v1, v2, "1and2"))
    v2 = linked(v2, link(v2, v1, "2and1"))
    inv = inventory(v1, v2)
    both = PeeringRequest(v1.id, v2.id, "a", "b")
    assert [v.name for v in write_targets(inv, both)] == ["vnet1", "vnet2"]
    assert [v.name for v in write_targets(inv, replace(both, one_side=True))] == ["vnet1"]
    one = v1.peerings[0].id
    assert [v.name for v in write_targets(inv, DeleteRequest(one, both=False))] == ["vnet1"]
    assert [v.name for v in write_targets(inv, DeleteRequest(one))] == ["vnet1", "vnet2"]
    assert [v.name for v in write_targets(inv, SyncRequest(one))] == ["vnet1", "vnet2"]
    assert [v.name for v in write_targets(inv, EditRequest(one, PeeringFlags()))] == ["vnet1"]


def test_a_revived_link_is_not_called_no_link_yet() -> None:
    _, v1, v2 = az303()
    inv = inventory(linked(v1, link(v1, v2, "1and2", PeeringState.DISCONNECTED)), v2)
    result = preflight(inv, request(inv, "vnet1", "vnet2"))
    labels = [label for _ok, label in result.summary("vnet2")]
    assert "no link to vnet2 yet" not in labels
    assert "revives vnet1's Disconnected link" in labels
    assert any("will be revived first" in note for note in result.notes)
