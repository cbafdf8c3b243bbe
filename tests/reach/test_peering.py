"""Same VNet, or a peering Connected in both directions; peering is not transitive."""


from tests.reach.world import World, rule, seed, vm_id, vnet_id
from tui.model import Inventory, PeeringState, ResourceId
from tui.reach import StepStatus, check, peering_link


def reason_of(world: World, src: str = "vm1", dst: str = "vm2") -> str:
    verdict = check(world.build(), vm_id(src), vm_id(dst))
    assert not verdict.reachable
    assert verdict.reason is not None
    return verdict.reason.text


def test_same_vnet_needs_no_peering() -> None:
    world = seed().vm("vm1b", "vnet1", "10.1.0.5")
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm1b"))
    assert verdict.reachable
    assert verdict.steps[2].text == "vm1 and vm1b are both in vnet1"
    assert verdict.steps[3].text == (
        "vnet1/default to 10.1.0.5 is routed by system route 10.1.0.0/16 → VnetLocal")


def test_same_vnet_across_subnets() -> None:
    world = (seed().subnet("vnet1", "app", "10.1.1.0/24")
             .vm("app1", "vnet1", "10.1.1.4", subnet="app"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("app1"))
    assert verdict.reachable
    assert verdict.steps[1].text == "app1 running · 10.1.1.4 · vnet1/app (NIC app1-nic)"


def test_one_sided_initiated_link_names_the_missing_return_link() -> None:
    world = seed().link("vnet1", "vnet2", name="1and2", state=PeeringState.INITIATED)
    assert reason_of(world) == "vnet2 has no link back to vnet1 (1and2 on vnet1 is Initiated)"
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm2"))
    assert verdict.reason is not None
    assert verdict.reason.command == "vnettui peer vnet2 vnet1 --one-side"
    assert verdict.reason.hint == "create the return link: press p on vnet2"
    assert verdict.reason.resource_id.endswith("/virtualNetworkPeerings/1and2")


def test_one_sided_link_on_the_destination_side_is_named_from_there() -> None:
    world = seed().link("vnet2", "vnet1", name="2and1", state=PeeringState.INITIATED)
    assert reason_of(world) == "vnet1 has no link back to vnet2 (2and1 on vnet2 is Initiated)"


def test_disconnected_survivor_says_the_other_side_was_deleted() -> None:
    world = seed().link("vnet1", "vnet2", name="1and2", state=PeeringState.DISCONNECTED)
    assert reason_of(world) == (
        "1and2 on vnet1 is Disconnected: vnet2 has no link back to vnet1 (it was deleted)")
    reason = check(world.build(), vm_id("vm1"), vm_id("vm2")).reason
    assert reason is not None
    assert reason.command == "vnettui peer vnet1 vnet2 --name 1and2"  # revives it, then links


def test_both_links_present_but_one_not_connected() -> None:
    world = (seed().link("vnet1", "vnet2", name="1and2")
             .link("vnet2", "vnet1", name="2and1", state=PeeringState.DISCONNECTED))
    assert reason_of(world) == "2and1 on vnet2 is Disconnected, not Connected"


def test_vnet_access_blocked_without_nsg_blocks_the_pair() -> None:
    world = seed().link("vnet1", "vnet2", name="1and2", access=False).link(
        "vnet2", "vnet1", name="2and1")
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm2"))
    assert not verdict.reachable
    info = [s for s in verdict.steps if s.status is StepStatus.INFO]
    assert info[0].text == ("1and2 on vnet1 blocks VNet access (allowVirtualNetworkAccess "
                            "false): only an explicit NSG rule lets this traffic through")
    assert verdict.reason is not None
    assert verdict.reason.text == ("1and2 on vnet1 blocks VNet access and no NSG rule "
                                   "explicitly allows 10.1.0.4 → 10.2.0.4")
    assert verdict.reason.hint == "allow VNet access on 1and2: press e on vnet1"


def test_vnet_access_blocked_on_the_return_link_counts_too() -> None:
    world = seed().link("vnet1", "vnet2").link("vnet2", "vnet1", name="2and1", access=False)
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm2"))
    assert not verdict.reachable
    assert verdict.reason is not None
    assert verdict.reason.text.startswith("2and1 on vnet2 blocks VNet access")


def test_vnet_access_blocked_default_rules_no_longer_allow() -> None:
    world = (seed().link("vnet1", "vnet2", access=False).link("vnet2", "vnet1")
             .nsg("web", with_defaults=True).vm("web1", "vnet2", "10.2.0.8", nsg="web"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert not verdict.reachable
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.rule_name == "DenyAllInBound"


def test_vnet_access_blocked_but_an_explicit_rule_lets_it_through() -> None:
    allow = rule("allow-vnet1-http", 200, "Allow", src="10.1.0.0/16")
    world = (seed().link("vnet1", "vnet2", access=False).link("vnet2", "vnet1")
             .nsg("web", allow, with_defaults=True).vm("web1", "vnet2", "10.2.0.8", nsg="web"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.reachable
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.describe() == "allow-vnet1-http (priority 200)"


def hub_and_spokes() -> World:
    return (World().vnet("hub", "10.0.0.0/16").vnet("vnet-a", "10.10.0.0/16")
            .vnet("vnet-c", "10.30.0.0/16").peer("vnet-a", "hub").peer("hub", "vnet-c")
            .vm("a1", "vnet-a", "10.10.0.4").vm("c1", "vnet-c", "10.30.0.4"))


def test_hub_and_spoke_is_not_transitive_and_says_so() -> None:
    verdict = check(hub_and_spokes().build(), vm_id("a1"), vm_id("c1"))
    assert not verdict.reachable
    assert verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == ("vnet-a and vnet-c are both peered with hub but not with "
                                   "each other; peering is not transitive")
    assert verdict.reason.command == "vnettui peer vnet-a vnet-c"
    assert "appliance in hub" in verdict.reason.hint


def test_spokes_reach_the_hub_itself() -> None:
    world = hub_and_spokes().vm("h1", "hub", "10.0.0.4")
    assert check(world.build(), vm_id("a1"), vm_id("h1")).reachable
    assert check(world.build(), vm_id("h1"), vm_id("c1")).reachable


def test_half_peered_hub_is_not_called_a_hub() -> None:
    world = (World().vnet("hub", "10.0.0.0/16").vnet("vnet-a", "10.10.0.0/16")
             .vnet("vnet-c", "10.30.0.0/16").peer("vnet-a", "hub")
             .link("hub", "vnet-c", state=PeeringState.INITIATED)
             .vm("a1", "vnet-a", "10.10.0.4").vm("c1", "vnet-c", "10.30.0.4"))
    assert reason_of(world, "a1", "c1") == "vnet-a and vnet-c are different VNets with no peering"


def test_peering_link_is_symmetric_in_its_verdict() -> None:
    inventory = seed().link("vnet1", "vnet2", name="1and2").build()
    v1, v2 = inventory.vnet(vnet_id("vnet1")), inventory.vnet(vnet_id("vnet2"))
    assert v1 is not None
    assert v2 is not None
    forward, backward = peering_link(inventory, v1, v2), peering_link(inventory, v2, v1)
    assert not forward.ok
    assert not backward.ok
    assert forward.text == backward.text


def test_ambiguous_vnet_names_are_qualified_in_commands() -> None:
    inventory = seed().build()
    vnet2 = inventory.vnets[1]
    twin = vnet2._replace(id=ResourceId(vnet2.id.replace("rg-peering", "rg-b")),
                          resource_group="rg-b", subnets=())
    doubled = Inventory(inventory.subscriptions, (*inventory.vnets, twin), inventory.vms)
    verdict = check(doubled, vm_id("vm1"), vm_id("vm2"))
    assert verdict.reason is not None
    assert verdict.reason.command == "vnettui peer vnet1 rg-peering/vnet2"
