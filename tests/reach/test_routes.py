"""Effective routes: longest prefix wins, a UDR beats a system route of equal prefix, None
drops, a virtual appliance is followed as far as vnettui can see."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reach.world import World, rule, seed, subnet_id, table_id, vm_id
from tui.model import PeeringState, Route
from tui.reach import StepStatus, check, effective_routes, route_for


def test_udr_to_none_names_the_route_table_and_route() -> None:
    world = (seed().peer("vnet1", "vnet2").routes("rt-vnet1", Route("blackhole", "10.2.0.0/16",
                                                                    "None"))
             .subnet("vnet1", "locked", "10.1.5.0/24", routes="rt-vnet1")
             .vm("vm5", "vnet1", "10.1.5.4", subnet="locked"))
    verdict = check(world.build(), vm_id("vm5"), vm_id("vm2"))
    assert not verdict.reachable
    assert verdict.conclusive
    reason = verdict.reason
    assert reason is not None
    assert reason.text == ("vnet1/locked to 10.2.0.4: route blackhole in rt-vnet1: "
                           "10.2.0.0/16 → None drops the traffic")
    assert reason.resource_id == table_id("rt-vnet1")
    assert reason.hint == "change or remove route blackhole in rt-vnet1"


def test_a_udr_to_none_is_the_reason_even_without_peering() -> None:
    # Peering would not help: the UDR overrides the route a peering adds.
    world = (seed().routes("rt", Route("drop-vnet2", "10.2.0.0/16", "None"))
             .subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
             .vm("vm9", "vnet1", "10.1.9.4", subnet="s"))
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm2"))
    assert verdict.reason is not None
    assert verdict.reason.text == ("vnet1/s to 10.2.0.4: route drop-vnet2 in rt: 10.2.0.0/16 → "
                                   "None drops the traffic (and vnet1 and vnet2 are not peered "
                                   "either)")
    assert [s.status for s in verdict.steps] == [StepStatus.OK, StepStatus.OK, StepStatus.FAIL]


def test_udr_wins_over_a_system_route_of_equal_prefix() -> None:
    world = (seed().peer("vnet1", "vnet2")
             .routes("rt", Route("drop-vnet2", "10.2.0.0/16", "None")))
    world.subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
    route = route_for(world.build(), world.build().vnets[0].subnets[1], "10.2.0.4")
    assert route is not None
    assert route.user
    assert route.next_hop_type == "None"


def test_longest_prefix_wins_over_a_broader_udr() -> None:
    world = (seed().peer("vnet1", "vnet2").routes("rt", Route("all-private", "10.0.0.0/8", "None"))
             .subnet("vnet1", "s", "10.1.9.0/24", routes="rt").vm("vm9", "vnet1", "10.1.9.4",
                                                                  subnet="s"))
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm2"))
    assert verdict.reachable
    assert "system route 10.2.0.0/16 → VNetPeering" in verdict.steps[3].text


def test_longer_udr_prefix_beats_the_vnet_route() -> None:
    world = (seed().routes("rt", Route("drop-one", "10.1.0.5/32", "None"))
             .subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
             .vm("vm9", "vnet1", "10.1.9.4", subnet="s").vm("vm1b", "vnet1", "10.1.0.5"))
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm1b"))
    assert verdict.reason is not None
    assert "route drop-one in rt: 10.1.0.5/32 → None" in verdict.reason.text


def test_replies_need_a_route_back() -> None:
    world = (seed().peer("vnet1", "vnet2").routes("rt2", Route("no-way-back", "10.1.0.0/16",
                                                                "None"))
             .subnet("vnet2", "s", "10.2.9.0/24", routes="rt2")
             .vm("vm9", "vnet2", "10.2.9.4", subnet="s"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm9"))
    assert verdict.reason is not None
    assert verdict.reason.text == ("replies from vnet2/s to 10.1.0.4: route no-way-back in rt2: "
                                   "10.1.0.0/16 → None drops the traffic")


def test_an_unsynced_peering_does_not_carry_the_new_prefix_and_says_sync() -> None:
    world = (World().vnet("vnet1", "10.1.0.0/16").vnet("vnet2", "10.2.0.0/16", "10.99.0.0/16")
             .subnet("vnet2", "new", "10.99.0.0/24")
             .link("vnet1", "vnet2", name="1and2", programmed=("10.2.0.0/16",))
             .link("vnet2", "vnet1", name="2and1")
             .vm("vm1", "vnet1", "10.1.0.4").vm("vm99", "vnet2", "10.99.0.4", subnet="new"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("vm99"))
    reason = verdict.reason
    assert reason is not None
    assert reason.text == ("no route for vnet1/default to 10.99.0.4 (system route 10.0.0.0/8 → "
                           "None drops it)")
    assert reason.command == "vnettui sync vnet1 1and2"


def test_only_connected_links_program_routes() -> None:
    inventory = seed().link("vnet1", "vnet2", state=PeeringState.INITIATED).build()
    route = route_for(inventory, inventory.vnets[0].subnets[0], "10.2.0.4")
    assert route is not None
    assert (route.prefix, route.next_hop_type) == ("10.0.0.0/8", "None")


def test_a_vnet_using_a_default_none_range_claims_it() -> None:
    inventory = World().vnet("big", "10.0.0.0/8").build()
    route = route_for(inventory, inventory.vnets[0].subnets[0], "10.200.0.1")
    assert route is not None
    assert route.next_hop_type == "VnetLocal"


def test_udr_to_internet_for_a_private_address_fails() -> None:
    world = (seed().peer("vnet1", "vnet2").routes("rt", Route("out", "10.2.0.0/16", "Internet"))
             .subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
             .vm("vm9", "vnet1", "10.1.9.4", subnet="s"))
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm2"))
    assert verdict.conclusive
    assert verdict.reason is not None
    assert "sends a private address to the Internet" in verdict.reason.text


def test_udr_to_a_gateway_is_unknown() -> None:
    world = (seed().peer("vnet1", "vnet2")
             .routes("rt", Route("gw", "10.2.0.0/16", "VirtualNetworkGateway"))
             .subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
             .vm("vm9", "vnet1", "10.1.9.4", subnet="s"))
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm2"))
    assert not verdict.conclusive
    assert verdict.reason is not None
    assert "cannot see beyond a gateway" in verdict.reason.text


def test_a_route_table_that_was_not_loaded_is_unknown() -> None:
    world = seed().peer("vnet1", "vnet2").subnet("vnet1", "s", "10.1.9.0/24", routes="absent")
    world.vm("vm9", "vnet1", "10.1.9.4", subnet="s")
    verdict = check(world.build(), vm_id("vm9"), vm_id("vm2"))
    assert not verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == "route table absent on subnet s was not loaded"


# ---------------------------------------------------------------- through a hub appliance

NVA = "10.0.1.4"


def transit(*, forwarding: bool = True, forwarded: bool = True, return_route: bool = True,
            nsg: str | None = None) -> World:
    """Spokes a and c peered with a hub whose appliance forwards between them via UDRs."""
    world = (World().vnet("hub", "10.0.0.0/16").subnet("hub", "nva", "10.0.1.0/24")
             .vnet("vnet-a", "10.10.0.0/16", routes="rt-a")
             .vnet("vnet-c", "10.30.0.0/16", routes="rt-c" if return_route else None, nsg=nsg)
             .peer("vnet-a", "hub", forwarded=forwarded).peer("hub", "vnet-c", forwarded=forwarded)
             .routes("rt-a", Route("to-c", "10.30.0.0/16", "VirtualAppliance", NVA))
             .routes("rt-c", Route("to-a", "10.10.0.0/16", "VirtualAppliance", NVA))
             .vm("nva1", "hub", NVA, subnet="nva", forwarding=forwarding)
             .vm("a1", "vnet-a", "10.10.0.4").vm("c1", "vnet-c", "10.30.0.4"))
    return world


def test_a_complete_appliance_path_is_unknown_and_names_the_appliance() -> None:
    verdict = check(transit().build(), vm_id("a1"), vm_id("c1"))
    assert not verdict.reachable
    assert not verdict.conclusive
    assert verdict.steps[2].text == ("vnet-a/default sends 10.30.0.4 to virtual appliance "
                                     f"{NVA} (route to-c in rt-a: 10.30.0.0/16 → "
                                     f"VirtualAppliance {NVA})")
    assert verdict.reason is not None
    assert verdict.reason.status is StepStatus.UNKNOWN
    assert verdict.reason.text == (f"routed to virtual appliance {NVA}: vnettui cannot see "
                                   "beyond an appliance; its own rules decide")


def test_appliance_without_ip_forwarding_fails() -> None:
    verdict = check(transit(forwarding=False).build(), vm_id("a1"), vm_id("c1"))
    assert verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text.startswith("the appliance's NIC nva1-nic has IP forwarding off")


def test_spoke_link_that_refuses_forwarded_traffic_fails() -> None:
    verdict = check(transit(forwarded=False).build(), vm_id("a1"), vm_id("c1"))
    assert verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == ("vnet-c-to-hub on vnet-c does not accept traffic forwarded "
                                   "by hub (allowForwardedTraffic false)")


def test_appliance_path_without_return_route_fails() -> None:
    verdict = check(transit(return_route=False).build(), vm_id("a1"), vm_id("c1"))
    assert verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == ("no route for replies from vnet-c/default to 10.10.0.4 "
                                   "(system route 10.0.0.0/8 → None drops it): vnet-a and "
                                   "vnet-c only meet at hub, and peering is not transitive")
    assert verdict.reason.hint == ("route replies through the appliance: a UDR for "
                                   f"10.10.0.0/16 → VirtualAppliance {NVA} on vnet-c/default")
    assert verdict.reason.command == ""


def test_appliance_path_still_checks_the_destination_nsg() -> None:
    world = transit(nsg="nsg-c").nsg("nsg-c", rule("deny-a", 100, src="10.10.0.0/16"))
    verdict = check(world.build(), vm_id("a1"), vm_id("c1"))
    assert verdict.conclusive
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.rule_name == "deny-a"


def test_udr_prefixes_join_the_virtual_network_tag() -> None:
    # The spoke's UDR towards c makes AllowVnetOutBound cover c (service-tags-overview.md).
    world = transit(nsg="nsg-c").nsg("nsg-c", with_defaults=True)
    verdict = check(world.build(), vm_id("a1"), vm_id("c1"))
    assert not verdict.conclusive
    assert any(s.rule and s.rule.rule_name == "AllowVnetInBound" for s in verdict.steps)


@pytest.mark.parametrize("missing", ["appliance", "hub-link"])
def test_appliance_that_cannot_be_seen_or_reached(missing: str) -> None:
    world = (World().vnet("hub", "10.0.0.0/16").vnet("vnet-a", "10.10.0.0/16", routes="rt-a")
             .vnet("vnet-c", "10.30.0.0/16").peer("hub", "vnet-c")
             .routes("rt-a", Route("to-c", "10.30.0.0/16", "VirtualAppliance", NVA))
             .vm("a1", "vnet-a", "10.10.0.4").vm("c1", "vnet-c", "10.30.0.4"))
    if missing == "hub-link":
        world.vm("nva1", "hub", NVA, forwarding=True)
    verdict = check(world.build(), vm_id("a1"), vm_id("c1"))
    assert verdict.reason is not None
    if missing == "appliance":
        assert not verdict.conclusive
        assert verdict.reason.text == f"no loaded NIC has the appliance's address {NVA}"
    else:
        assert verdict.conclusive
        assert verdict.reason.text == ("vnet-a cannot reach the appliance's VNet hub: vnet-a "
                                       "and hub are different VNets with no peering")


def test_route_for_unknown_address_is_none() -> None:
    inventory = seed().build()
    assert route_for(inventory, inventory.vnets[0].subnets[0], "not-an-ip") is None
    assert subnet_id("vnet1") == inventory.vnets[0].subnets[0].id


@given(
    udrs=st.lists(st.tuples(st.integers(0, 255), st.integers(8, 32),
                            st.sampled_from(["None", "VirtualAppliance", "VnetLocal"])),
                  max_size=6, unique_by=lambda u: (u[0], u[1])),
    last_octets=st.tuples(st.integers(0, 255), st.integers(0, 255)),
)
def test_route_for_picks_the_longest_prefix_and_a_udr_on_a_tie(
    udrs: list[tuple[int, int, str]], last_octets: tuple[int, int],
) -> None:
    routes = tuple(
        Route(f"r{i}", str(ipaddress.ip_network(f"10.2.{second}.0/{length}", strict=False)),
              hop, "10.0.1.4" if hop == "VirtualAppliance" else None)
        for i, (second, length, hop) in enumerate(udrs)
    )
    world = seed().peer("vnet1", "vnet2").routes("rt", *routes)
    world.subnet("vnet1", "s", "10.1.9.0/24", routes="rt")
    inventory = world.build()
    subnet = inventory.vnets[0].subnets[1]
    ip = f"10.2.{last_octets[0]}.{last_octets[1]}"
    chosen = route_for(inventory, subnet, ip)
    assert chosen is not None
    address = ipaddress.ip_address(ip)
    containing = [r for r in effective_routes(inventory, subnet)
                  if address in ipaddress.ip_network(r.prefix)]
    assert address in ipaddress.ip_network(chosen.prefix)
    longest = max(ipaddress.ip_network(r.prefix).prefixlen for r in containing)
    assert ipaddress.ip_network(chosen.prefix).prefixlen == longest
    if any(r.user and ipaddress.ip_network(r.prefix).prefixlen == longest for r in containing):
        assert chosen.user
