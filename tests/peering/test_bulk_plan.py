"""Bulk plans checked whole before anything is sent (pure: hand-made inventories)."""

from __future__ import annotations

import pytest

from tests.peering.builders import inventory, link, linked, vnet
from tui.errors import InputError
from tui.model import PeeringFlags, PeeringState
from tui.peering import plan_hub, plan_mesh, plan_table
from tui.peering.bulk import link_name, pattern_problem

HUB = vnet("hub", "10.100.0.0/16", gateway=True)


def test_a_hub_plan_sends_both_links_of_each_spoke_with_each_sides_settings() -> None:
    spokes = [vnet(f"s{n}", f"10.{n}.0.0/16") for n in (1, 2, 3)]
    plan = plan_hub(inventory(HUB, *spokes), HUB, spokes,
                    hub_flags=PeeringFlags(allow_gateway_transit=True),
                    spoke_flags=PeeringFlags(use_remote_gateways=True))
    assert plan.ok
    assert [p.label for p in plan.to_send] == ["hub ↔ s1", "hub ↔ s2", "hub ↔ s3"]
    first = plan.pairs[0].plan.links
    assert [(link.name, link.flags.allow_gateway_transit, link.flags.use_remote_gateways)
            for link in first] == [("hub-to-s1", True, False), ("s1-to-hub", False, True)]
    assert len(plan.commands()) == 6
    assert plan_table(plan)[0][3] == "ok"


def test_spokes_that_overlap_each_other_through_the_hub_are_refused_before_sending() -> None:
    a, b, c = vnet("a", "10.1.0.0/16"), vnet("b", "10.1.128.0/17"), vnet("c", "10.3.0.0/16")
    plan = plan_hub(inventory(HUB, a, b, c), HUB, [a, b, c])
    assert not plan.ok
    assert all(pair.plan.ok for pair in plan.pairs)  # no single pair sees it
    (problem,) = plan.problems
    assert problem.message.startswith("a and b overlap (10.1.128.0/17): both would be peered "
                                      "with hub")
    assert problem.vnets == (a.id, b.id)
    assert problem.pairs == (0, 1)
    assert [row[3] for row in plan_table(plan)] == ["✗ 1 problem", "✗ 1 problem", "ok"]
    assert "a and b overlap" in str(plan.refusal())


def test_every_pair_gets_the_peering_forms_checks() -> None:
    spoke = vnet("spoke", "10.5.0.0/16")
    peer = vnet("peer", "10.9.0.0/16")
    hub = linked(HUB, link(HUB, peer, "hub-to-peer"))
    clash = vnet("clash", "10.9.0.0/24")  # overlaps a VNet already peered with the hub
    plan = plan_hub(inventory(hub, spoke, peer, clash), hub, [spoke, clash],
                    spoke_flags=PeeringFlags(use_remote_gateways=True))
    assert not plan.ok
    messages = plan.messages()
    assert any(m.startswith("hub ↔ clash: clash cannot be peered with hub: it overlaps peer")
               for m in messages)
    # use remote gateways without transit on the hub's side: each pair says so
    assert any("unless hub's link to spoke lets spoke use it" in m for m in messages)


def test_pairs_already_peered_are_left_as_they_are_and_half_ones_completed() -> None:
    done, half = vnet("done", "10.1.0.0/16"), vnet("half", "10.2.0.0/16")
    hub = linked(HUB, link(HUB, done, "hub-done"),
                 link(HUB, half, "hub-half", PeeringState.INITIATED))
    done = linked(done, link(done, HUB, "done-hub"))
    plan = plan_hub(inventory(hub, done, half), hub, [done, half])
    assert plan.ok
    assert plan.pairs[0].skipped.startswith("already peered both ways")
    assert [link.name for link in plan.pairs[1].plan.links] == ["half-to-hub"]
    assert [p.label for p in plan.to_send] == ["hub ↔ half"]


def test_nothing_to_send_is_not_ok() -> None:
    done = vnet("done", "10.1.0.0/16")
    hub = linked(HUB, link(HUB, done, "hub-done"))
    done = linked(done, link(done, HUB, "done-hub"))
    plan = plan_hub(inventory(hub, done), hub, [done])
    assert not plan.ok
    assert plan.messages() == ["Every pair is already peered both ways: nothing to send."]


def test_names_cut_to_80_characters_that_clash_on_the_hub() -> None:
    long = "x" * 64
    hub = vnet(long, "10.100.0.0/16")
    one, two = vnet("spoke-twelve1-a", "10.1.0.0/16"), vnet("spoke-twelve1-b", "10.2.0.0/16")
    assert link_name("{local}-to-{remote}", hub, one) == long + "-to-spoke-twelve"
    plan = plan_hub(inventory(hub, one, two), hub, [one, two])
    assert [p.message for p in plan.problems] == [
        f"The plan gives two links on {long} the name '{long}-to-spoke-twelve' ({long} ↔ "
        f"spoke-twelve1-a and {long} ↔ spoke-twelve1-b): change the name pattern."]


@pytest.mark.parametrize(("pattern", "problem"), [
    ("{local}", "must use both {local} and {remote}"),
    ("{local}-{hub}", "uses {hub}; use {local}"),
    ("{local", "is not valid"),
])
def test_name_patterns_are_checked(pattern: str, problem: str) -> None:
    assert problem in (pattern_problem(pattern) or "")
    with pytest.raises(InputError):
        plan_mesh(inventory(HUB, vnet("a", "10.1.0.0/16")), [HUB], pattern=pattern)


def test_bad_selections_are_input_errors() -> None:
    a = vnet("a", "10.1.0.0/16")
    inv = inventory(HUB, a)
    with pytest.raises(InputError, match="named twice"):
        plan_hub(inv, HUB, [a, a])
    with pytest.raises(InputError, match="cannot be one of its own spokes"):
        plan_hub(inv, HUB, [HUB])
    with pytest.raises(InputError, match="at least two"):
        plan_mesh(inv, [a])


def test_a_mesh_peers_every_two_and_is_refused_when_two_overlap() -> None:
    vnets = [vnet(f"m{n}", f"10.{n}.0.0/16") for n in range(1, 5)]
    plan = plan_mesh(inventory(*vnets), vnets)
    assert plan.ok
    assert len(plan.pairs) == 6
    assert sum(len(p.plan.links) for p in plan.pairs) == 12  # n·(n-1)
    clash = vnet("m5", "10.1.0.0/24")
    refused = plan_mesh(inventory(*vnets, clash), [*vnets, clash])
    assert not refused.ok
    assert ("m1 ↔ m5: m1 and m5 cannot be peered: their address spaces overlap "
            "(10.1.0.0/24).") in refused.messages()
