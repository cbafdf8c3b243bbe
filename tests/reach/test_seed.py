"""The seed story, before and after peering vnet1 and vnet2 (links 1and2 / 2and1)."""

from tests.reach.world import seed, vm_id, vnet_id
from tui.reach import StepStatus, check


def test_before_peering_vm1_cannot_reach_vm2_and_the_missing_peering_is_named() -> None:
    verdict = check(seed().build(), vm_id("vm1"), vm_id("vm2"), 80)
    assert not verdict.reachable
    assert verdict.answer == "NO"
    assert verdict.question == "Can vm1 reach vm2 on TCP 80?"
    assert [s.status for s in verdict.steps] == [StepStatus.OK, StepStatus.OK, StepStatus.FAIL]
    assert verdict.steps[0].text == "vm1 running · 10.1.0.4 · vnet1/default (NIC vm1-nic)"
    reason = verdict.reason
    assert reason is not None
    assert reason.text == "vnet1 and vnet2 are different VNets with no peering"
    assert reason.resource_id == vnet_id("vnet1")
    assert reason.hint == "peer them: press p"
    assert reason.command == "vnettui peer vnet1 vnet2"
    assert verdict.deciding_rule is None


def test_after_peering_both_ways_vm1_reaches_vm2_with_no_nsg() -> None:
    world = seed().link("vnet1", "vnet2", name="1and2").link("vnet2", "vnet1", name="2and1")
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm2"), 80)
    assert verdict.reachable
    assert verdict.answer == "YES"
    assert all(s.status is StepStatus.OK for s in verdict.steps)
    texts = [s.text for s in verdict.steps]
    assert "vnet1 and vnet2 are peered both ways: 1and2 and 2and1 are Connected" in texts
    assert "vnet1/default to 10.2.0.4 is routed by system route 10.2.0.0/16 → VNetPeering" in texts
    assert texts[-1] == "no NSG on vm2's NIC or subnet: inbound traffic is not filtered"
    assert verdict.deciding_rule is None  # "no NSG"


def test_after_peering_the_deciding_rule_is_allow_vnet_inbound() -> None:
    world = (seed().peer("vnet1", "vnet2").nsg("nsg-vm2", with_defaults=True)
             .vm("vm3", "vnet2", "10.2.0.5", nsg="nsg-vm2"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm3"), 80)
    assert verdict.reachable
    rule = verdict.deciding_rule
    assert rule is not None
    assert (rule.rule_name, rule.priority, rule.nsg_name, rule.level.value) == (
        "AllowVnetInBound", 65000, "nsg-vm2", "NIC")
    assert verdict.steps[-1].text == (
        "NSG nsg-vm2 on vm3's NIC vm3-nic allows inbound TCP 80 from 10.1.0.4: "
        "AllowVnetInBound (priority 65000)")


def test_the_fix_away_from_the_explorer_is_the_command_or_the_bare_hint() -> None:
    blocked = seed().link("vnet1", "vnet2", name="1and2", access=False).link("vnet2", "vnet1")
    reason = check(blocked.build(), vm_id("vm1"), vm_id("vm2")).reason
    assert reason is not None
    assert reason.hint == "allow VNet access on 1and2: press e on vnet1"
    assert reason.fix == "allow VNet access on 1and2"
    missing = check(seed().build(), vm_id("vm1"), vm_id("vm2")).reason
    assert missing is not None
    assert missing.fix == "vnettui peer vnet1 vnet2"
