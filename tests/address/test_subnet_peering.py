"""Subnet peering in the workflow's pure rules: preflight on the chosen subnets, the plan and
its az commands, which subnets could connect two overlapping VNets, checked against a
brute-force oracle where the space is large."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from tests.address.world import with_subnet
from tests.peering.builders import inventory, vnet
from tui.model import SubnetSelection, VirtualNetwork
from tui.peering import PeeringRequest, default_names, plan_peering, preflight
from tui.peering.subnets import overlapping_pairs, subnet_problems, subnet_route


def twins() -> tuple[VirtualNetwork, VirtualNetwork]:
    a = vnet("factory", "10.130.0.0/16")
    for name, prefix in (("shared", "10.130.0.0/24"), ("ot", "10.130.1.0/24")):
        a = with_subnet(a, name, prefix)
    b = vnet("analytics", "10.130.0.0/16")
    for name, prefix in (("shared", "10.130.0.0/24"), ("ingest", "10.130.2.0/24")):
        b = with_subnet(b, name, prefix)
    return a, b


def request(a: VirtualNetwork, b: VirtualNetwork,
            selection: SubnetSelection | None) -> PeeringRequest:
    local, remote = default_names(a, b)
    return PeeringRequest(a.id, b.id, local, remote, subnets=selection)


def test_overlapping_vnets_pass_when_the_chosen_subnets_do_not_overlap() -> None:
    a, b = twins()
    inv = inventory(a, b)
    whole = preflight(inv, request(a, b, None))
    assert not whole.ok
    good = preflight(inv, request(a, b, SubnetSelection(("ot",), ("ingest",))))
    assert good.ok, good.problems
    assert "overlap as VNets (10.130.0.0/16), which subnet peering allows" in good.notes[0]
    bad = preflight(inv, request(a, b, SubnetSelection(("shared",), ("ingest", "shared"))))
    assert [p.message for p in bad.problems] == [
        "The chosen subnets overlap (10.130.0.0/24 and 10.130.0.0/24): subnet peering needs "
        "subnets with unique prefixes on each side."]
    missing = preflight(inv, request(a, b, SubnetSelection(("nope",), ())))
    assert [p.message for p in missing.problems] == [
        "factory has no subnet nope.",
        "Choose at least one subnet of analytics (the remote side) to peer."]
    v6 = preflight(inv, request(a, b, SubnetSelection(("ot",), ("ingest",), ipv6_only=True)))
    assert "IPv6 only: factory's ot have no IPv6 prefix" in v6.problems[0].message


def test_the_plan_sends_each_side_its_view_and_says_so_in_az_terms() -> None:
    a, b = twins()
    plan = plan_peering(inventory(a, b), request(a, b, SubnetSelection(("ot",), ("ingest",))))
    assert plan.ok
    local, remote = plan.links
    assert local.subnets == SubnetSelection(("ot",), ("ingest",))
    assert remote.subnets == SubnetSelection(("ingest",), ("ot",))
    assert "--peer-complete-vnet false --local-subnet-names ot --remote-subnet-names ingest" \
        in plan.commands()[0]
    assert plan.describe()[1] == ("create analytics-to-factory on analytics -> factory "
                                  "(vnet access; subnets ingest -> ot)")


def test_which_subnets_could_connect_two_overlapping_vnets() -> None:
    a, b = twins()
    route = subnet_route(a, b)
    assert (route.local, route.remote) == (("ot",), ("ingest",))
    assert route.describe("factory", "analytics") == (
        "subnet peering can connect them: factory's ot with analytics's ingest (these "
        "overlap nothing on the other side)")
    same = b._replace(subnets=a.subnets)
    assert not subnet_route(a, same).possible


# --- against a brute-force oracle -------------------------------------------------------

def _oracle_overlap(ours: list[str], theirs: list[str]) -> bool:
    """Every address of every prefix, compared as integer ranges."""
    def span(text: str) -> tuple[int, int, int]:
        net = ipaddress.ip_network(text)
        return net.version, int(net.network_address), int(net.broadcast_address)
    return any(x[0] == y[0] and x[1] <= y[2] and y[1] <= x[2]
               for x in map(span, ours) for y in map(span, theirs))


blocks = st.builds(lambda third, length: str(ipaddress.ip_network(
    f"10.0.{third}.0/{length}", strict=False)), st.integers(0, 15), st.integers(20, 26))


@given(a_subnets=st.lists(blocks, min_size=1, max_size=4),
       b_subnets=st.lists(blocks, min_size=1, max_size=4),
       data=st.data())
def test_overlap_decisions_match_the_oracle(a_subnets: list[str], b_subnets: list[str],
                                            data: st.DataObject) -> None:
    a, b = vnet("a", "10.0.0.0/16"), vnet("b", "10.0.0.0/16", rg="rg-b")
    for i, prefix in enumerate(a_subnets):
        a = with_subnet(a, f"s{i}", prefix)
    for i, prefix in enumerate(b_subnets):
        b = with_subnet(b, f"t{i}", prefix)
    local = data.draw(st.lists(st.sampled_from([s.name for s in a.subnets]), min_size=1,
                               unique=True))
    remote = data.draw(st.lists(st.sampled_from([s.name for s in b.subnets]), min_size=1,
                                unique=True))
    ours = [p for s in a.subnets if s.name in local for p in s.address_prefixes]
    theirs = [p for s in b.subnets if s.name in remote for p in s.address_prefixes]
    expected = _oracle_overlap(ours, theirs)
    problems = subnet_problems(inventory(a, b), a, b, SubnetSelection(tuple(local),
                                                                        tuple(remote)))
    assert bool(problems) == expected
    assert bool(overlapping_pairs(ours, theirs)) == expected
    route = subnet_route(a, b)
    for name in route.local:  # a subnet offered overlaps nothing on the other side
        mine = [p for s in a.subnets if s.name == name for p in s.address_prefixes]
        assert not _oracle_overlap(mine, b_subnets)
