"""Both ends must exist, run, and have a NIC with a private IP in a loaded subnet."""

import pytest

from tests.reach.world import World, seed, subnet_id, vm_id
from tui.model import PowerState
from tui.reach import StepStatus, check


@pytest.mark.parametrize("power", [PowerState.STOPPED, PowerState.DEALLOCATED])
def test_a_stopped_destination_fails_the_check(power: PowerState) -> None:
    world = seed().peer("vnet1", "vnet2").vm("vm3", "vnet2", "10.2.0.9", power=power)
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm3"))
    assert not verdict.reachable
    assert verdict.conclusive
    reason = verdict.reason
    assert reason is not None
    assert reason.text.startswith(f"vm3 is {power.value}")
    assert reason.resource_id == vm_id("vm3")
    assert reason.hint == "start vm3"


def test_a_stopped_source_fails_before_the_destination_is_looked_at() -> None:
    world = seed().vm("vm0", "vnet1", "10.1.0.9", power=PowerState.DEALLOCATED)
    verdict = check(world.build(), vm_id("vm0"), vm_id("vm2"))
    assert [s.status for s in verdict.steps] == [StepStatus.FAIL]
    assert verdict.steps[0].text.startswith("vm0 is deallocated")


def test_unknown_power_state_is_said_but_not_a_failure() -> None:
    world = seed().peer("vnet1", "vnet2").vm("vm3", "vnet2", "10.2.0.9",
                                            power=PowerState.UNKNOWN)
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm3"))
    assert verdict.reachable
    assert verdict.steps[1].text.startswith("vm3 power state unknown · 10.2.0.9")


def test_a_vm_without_nic_fails() -> None:
    verdict = check(seed().vm("bare", "vnet2", None, has_nic=False).build(),
                    vm_id("vm1"), vm_id("bare"))
    reason = verdict.reason
    assert reason is not None
    assert reason.text == "bare has no network interface"
    assert reason.resource_id == vm_id("bare")


def test_a_nic_without_private_ip_fails() -> None:
    verdict = check(seed().vm("noip", "vnet2", None).build(), vm_id("vm1"), vm_id("noip"))
    assert verdict.reason is not None
    assert verdict.reason.text == "noip's NIC noip-nic has no private IP address"


def test_a_subnet_that_was_not_loaded_makes_the_answer_unknown() -> None:
    verdict = check(seed().vm("lost", "vnet2", "10.2.9.4", subnet="gone").build(),
                    vm_id("vm1"), vm_id("lost"))
    assert not verdict.reachable
    assert not verdict.conclusive
    assert verdict.answer == "UNKNOWN"
    assert verdict.reason is not None
    assert verdict.reason.resource_id == subnet_id("vnet2", "gone")


def test_a_vm_that_is_not_in_the_inventory_fails_with_its_name() -> None:
    verdict = check(seed().build(), vm_id("vm1"), vm_id("ghost"))
    assert verdict.reason is not None
    assert verdict.reason.text == "destination VM ghost is not in the loaded inventory"
    assert verdict.destination == "ghost"


def test_vm_objects_are_accepted_as_well_as_ids() -> None:
    inventory = seed().peer("vnet1", "vnet2").build()
    vm1, vm2 = inventory.vm(vm_id("vm1")), inventory.vm(vm_id("vm2"))
    assert vm1 is not None
    assert vm2 is not None
    verdict = check(inventory, vm1, vm2)
    assert verdict.reachable
    assert (verdict.source, verdict.destination, verdict.destination_ip) == (
        "vm1", "vm2", "10.2.0.4")


def test_a_destination_ip_of_a_loaded_vm_is_checked_as_that_vm() -> None:
    inventory = seed().peer("vnet1", "vnet2").build()
    verdict = check(inventory, vm_id("vm1"), "10.2.0.4")
    assert verdict.reachable
    assert verdict.steps[1].text == "10.2.0.4 is vm2's address (NIC vm2-nic)"
    assert verdict.destination == "10.2.0.4"


def test_a_destination_ip_without_vm_is_checked_up_to_its_subnet() -> None:
    world = seed().peer("vnet1", "vnet2")
    verdict = check(world.build(), vm_id("vm1"), "10.2.0.77")
    assert verdict.reachable
    assert verdict.steps[1].text == (
        "10.2.0.77 is in vnet2/default; no loaded VM has that address, so only the subnet "
        "is checked")
    assert verdict.steps[-1].text == (
        "no NSG on subnet vnet2/default: inbound traffic is not filtered")


def test_a_private_destination_in_no_loaded_vnet_has_no_route() -> None:
    verdict = check(seed().build(), vm_id("vm1"), "10.77.0.1")
    assert verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == (
        "no route for vnet1/default to 10.77.0.1 (system route 10.0.0.0/8 → None drops it)")


def test_a_public_destination_is_beyond_what_vnettui_sees() -> None:
    verdict = check(seed().build(), vm_id("vm1"), "20.50.1.1")
    assert not verdict.conclusive
    assert verdict.reason is not None
    assert "vnettui cannot see the Internet" in verdict.reason.text


@pytest.mark.parametrize(("port", "protocol"), [(0, "tcp"), (65536, "tcp"), (80, "sctp")])
def test_bad_port_or_protocol_is_a_value_error(port: int, protocol: str) -> None:
    with pytest.raises(ValueError, match=r"port|protocol"):
        check(World().build(), vm_id("a"), vm_id("b"), port, protocol)


def test_an_overlapping_destination_ip_means_the_one_the_source_can_reach() -> None:
    # legacy reuses vnet2's space and comes first; vm1 is peered with vnet2 only.
    world = (World().vnet("legacy", "10.2.0.0/16").vnet("vnet1", "10.1.0.0/16")
             .vnet("vnet2", "10.2.0.0/16").vm("old", "legacy", "10.2.0.4")
             .vm("vm1", "vnet1", "10.1.0.4").vm("vm2", "vnet2", "10.2.0.4")
             .peer("vnet1", "vnet2"))
    verdict = check(world.build(), vm_id("vm1"), "10.2.0.4")
    assert verdict.reachable
    assert verdict.steps[1].text == "10.2.0.4 is vm2's address (NIC vm2-nic)"
    bare = check(world.build(), vm_id("vm1"), "10.2.0.99")
    assert bare.steps[1].text.startswith("10.2.0.99 is in vnet2/default")
