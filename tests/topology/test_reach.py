"""Directly, only through a hub's appliance or gateway, or not at all (pure)."""

from __future__ import annotations

from tests.reach.world import World, vnet_id
from tests.topology.world import hub_world, key, showcase_like, with_gateway
from tui.model import Inventory, Route
from tui.topology import Reach, ReachKind, build_topology, reach_map


def reach(inv: Inventory, source: str) -> dict[str, Reach]:
    found = reach_map(build_topology(inv, vnet_id(source)), key(source))
    return {k.rsplit("/", 1)[-1]: r for k, r in found.items()}


def nva_world(*, back: bool = True, forwarded: bool = True, forwarding: bool = True) -> World:
    """spoke-a and spoke-b peered with hub only; UDRs send each to the hub's appliance."""
    world = (World().vnet("hub", "10.100.0.0/16").subnet("hub", "shared", "10.100.1.0/24")
             .vm("nva", "hub", "10.100.1.4", subnet="shared", forwarding=forwarding)
             .vnet("spoke-a", "10.1.0.0/16", routes="rt-a")
             .vnet("spoke-b", "10.2.0.0/16", routes="rt-b" if back else None)
             .peer("hub", "spoke-a", forwarded=forwarded).peer("hub", "spoke-b",
                                                                forwarded=forwarded)
             .routes("rt-a", Route("to-b", "10.2.0.0/16", "VirtualAppliance", "10.100.1.4")))
    if back:
        world.routes("rt-b", Route("to-a", "10.1.0.0/16", "VirtualAppliance", "10.100.1.4"))
    return world


def test_peered_both_ways_is_direct_and_the_vnet_itself_is_marked() -> None:
    found = reach(showcase_like(), "hub")
    assert found["hub"].kind is ReachKind.SELF
    assert found["spoke1"].kind is ReachKind.DIRECT
    assert "peered both ways" in found["spoke1"].reason


def test_a_disconnected_link_reaches_nothing_and_says_why() -> None:
    found = reach(showcase_like(), "hub")
    assert found["spoke3"].kind is ReachKind.NONE
    assert "Disconnected" in found["spoke3"].reason


def test_two_spokes_meet_only_at_the_hub_without_routes() -> None:
    found = reach(hub_world(2).build(), "s1")
    assert found["s2"].kind is ReachKind.NONE
    assert found["s2"].reason == (
        "s1 and s2 meet only at hub (peering is not transitive); no route sends their "
        "traffic through an appliance or gateway in hub")


def test_an_appliance_route_one_way_is_not_enough() -> None:
    found = reach(showcase_like(), "spoke2")
    assert found["spoke1"].kind is ReachKind.NONE
    assert ("spoke2 routes to spoke1 through appliance 10.100.1.4 (nva-nic), but spoke1 has "
            "no route back through hub") in found["spoke1"].reason


def test_appliance_routes_both_ways_reach_through_the_hub() -> None:
    found = reach(nva_world().build(), "spoke-a")
    assert found["spoke-b"] == Reach(ReachKind.VIA_HUB,
                                     "through appliance 10.100.1.4 (nva-nic) in hub", "hub")
    assert found["hub"].kind is ReachKind.DIRECT


def test_the_appliance_must_forward_and_the_links_accept_forwarded_traffic() -> None:
    assert reach(nva_world(forwarding=False).build(), "spoke-a")["spoke-b"].kind \
        is ReachKind.NONE
    refused = reach(nva_world(forwarded=False).build(), "spoke-a")["spoke-b"]
    assert refused.kind is ReachKind.NONE
    assert "does not accept traffic forwarded by hub" in refused.reason


def test_a_gateway_route_through_a_hub_the_spokes_use() -> None:
    world = (World().vnet("hub", "10.100.0.0/16")
             .vnet("spoke-a", "10.1.0.0/16", routes="rt-a")
             .vnet("spoke-b", "10.2.0.0/16", routes="rt-b")
             .peer("hub", "spoke-a", forwarded=True).peer("hub", "spoke-b", forwarded=True)
             .routes("rt-a", Route("to-b", "10.2.0.0/16", "VirtualNetworkGateway"))
             .routes("rt-b", Route("to-a", "10.1.0.0/16", "VirtualNetworkGateway")))
    inv = with_gateway(world.build(), "hub")
    # Routes to the gateway, but the spokes' links do not use the hub's gateway.
    assert reach(inv, "spoke-a")["spoke-b"].kind is ReachKind.NONE
    for name in ("spoke-a", "spoke-b"):
        vnet = inv.vnet(vnet_id(name))
        assert vnet is not None
        links = tuple(p._replace(flags=p.flags._replace(use_remote_gateways=True))
                      for p in vnet.peerings)
        inv = inv.with_vnet(vnet._replace(peerings=links))
    assert reach(inv, "spoke-a")["spoke-b"] == Reach(
        ReachKind.VIA_HUB, "through hub's gateway in hub", "hub")


def test_vnets_that_are_not_loaded_are_left_out() -> None:
    inv = World().vnet("a", "10.1.0.0/16").vnet("b", "10.2.0.0/16").peer("a", "b").build()
    only_a = Inventory(inv.subscriptions, tuple(v for v in inv.vnets if v.name == "a"))
    assert set(reach(only_a, "a")) == {"a"}
