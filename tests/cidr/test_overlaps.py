"""Overlap detection by hand: the cases a person would check first."""

from __future__ import annotations

from tests.cidr.factory import link, vnet, vnet_id
from tui import cidr
from tui.model import Inventory, ResourceId


def _pairs(index: cidr.AddressIndex) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    return {
        (o.a.name, o.b.name): [(r.a_prefix, r.b_prefix, r.overlap) for r in o.ranges]
        for o in index.overlaps
    }


def test_containment_equality_and_disjoint_prefixes() -> None:
    index = cidr.analyse(
        [
            vnet("hub", "10.0.0.0/16"),
            vnet("spoke", "10.0.1.0/24"),
            vnet("twin", "10.0.0.0/16"),
            vnet("apart", "10.1.0.0/16"),
        ]
    )
    assert _pairs(index) == {
        ("hub", "spoke"): [("10.0.0.0/16", "10.0.1.0/24", "10.0.1.0/24")],
        ("hub", "twin"): [("10.0.0.0/16", "10.0.0.0/16", "10.0.0.0/16")],
        ("spoke", "twin"): [("10.0.1.0/24", "10.0.0.0/16", "10.0.1.0/24")],
    }
    assert index.conflicted_ids == {vnet_id("hub"), vnet_id("spoke"), vnet_id("twin")}


def test_partial_overlap_of_vnets_with_several_prefixes_names_each_range() -> None:
    index = cidr.analyse(
        [
            vnet("a", "10.0.0.0/16", "192.168.0.0/24", "172.16.0.0/16"),
            vnet("b", "10.0.5.0/24", "192.168.0.128/25", "10.9.0.0/16"),
        ]
    )
    (overlap,) = index.overlaps
    assert overlap.overlapping_ranges == ("10.0.5.0/24", "192.168.0.128/25")
    assert {(r.a_prefix, r.b_prefix) for r in overlap.ranges} == {
        ("10.0.0.0/16", "10.0.5.0/24"),
        ("192.168.0.0/24", "192.168.0.128/25"),
    }
    # seen from b, the prefixes swap sides
    assert {r.a_prefix for r in overlap.ranges_from(vnet_id("b"))} == {
        "10.0.5.0/24",
        "192.168.0.128/25",
    }


def test_ipv4_and_ipv6_never_overlap_each_other() -> None:
    # ::a00:0/104 holds the same integers as 10.0.0.0/8; families must stay apart.
    index = cidr.analyse(
        [
            vnet("v4", "10.0.0.0/8"),
            vnet("v6", "::a00:0/104", "fd00::/48"),
            vnet("v6b", "fd00:0:0:5::/64"),
        ]
    )
    assert _pairs(index) == {
        ("v6", "v6b"): [("fd00::/48", "fd00:0:0:5::/64", "fd00:0:0:5::/64")],
    }


def test_a_vnet_never_conflicts_with_itself_whatever_the_id_casing() -> None:
    own = vnet("a", "10.0.0.0/16", "10.0.1.0/24")  # Azure would refuse this; still no self-pair
    again = own._replace(id=ResourceId(own.id.upper()), address_prefixes=("10.0.0.0/8",))
    assert cidr.analyse([own, again, vnet("b", "172.16.0.0/12")]).overlaps == ()


def test_bad_prefixes_are_listed_and_skipped_and_host_bits_are_masked() -> None:
    index = cidr.analyse(
        [
            vnet("a", "10.0.0.0/16", "not-a-cidr", "10.0.0.1", "300.1.0.0/16"),
            vnet("b", "10.0.7.9/24"),
        ]
    )
    assert [i.prefix for i in index.invalid] == ["not-a-cidr", "10.0.0.1", "300.1.0.0/16"]
    assert _pairs(index) == {("a", "b"): [("10.0.0.0/16", "10.0.7.9/24", "10.0.7.0/24")]}


def test_groups_join_chains_and_keep_separate_clusters_apart() -> None:
    index = cidr.analyse(
        Inventory(
            vnets=(
                vnet("a", "10.0.0.0/16"),
                vnet("b", "10.0.0.0/24", "10.1.0.0/24"),
                vnet("c", "10.1.0.0/16"),
                vnet("x", "192.168.0.0/24"),
                vnet("y", "192.168.0.0/25"),
                vnet("alone", "172.16.0.0/16"),
            )
        )
    )
    assert [[v.name for v in g.vnets] for g in index.groups] == [["a", "b", "c"], ["x", "y"]]
    assert index.groups[0].overlapping_ranges == ("10.0.0.0/24", "10.1.0.0/24")
    assert index.overlapping(vnet_id("alone")) == ()
    assert index.overlapping_ids(vnet_id("b")) == {vnet_id("a"), vnet_id("c")}


def test_spokes_of_one_hub_that_overlap_each_other_are_reported_with_the_hub() -> None:
    index = cidr.analyse(
        [
            vnet("hub", "10.0.0.0/16", peers=["s1", "s2", "s3"]),
            vnet("s1", "10.1.0.0/16", peers=["hub"]),
            vnet("s2", "10.1.4.0/24", peers=["hub"]),
            vnet("s3", "10.2.0.0/16"),  # one-sided link from the hub still counts
            vnet("s4", "10.2.0.0/24", peers=["hub"]),  # one-sided the other way
            vnet("other", "10.1.0.0/24"),  # overlaps s1 and s2 but is not peered with the hub
        ]
    )
    found = {(p.hub.name, p.overlap.a.name, p.overlap.b.name) for p in index.peered_overlaps}
    assert found == {("hub", "s1", "s2"), ("hub", "s3", "s4")}


def test_a_hub_outside_the_loaded_subscriptions_shows_through_its_spokes() -> None:
    index = cidr.analyse(
        [
            vnet("s1", "10.1.0.0/16", peers=["far-hub"]),
            vnet("s2", "10.1.0.0/16", peers=["far-hub"]),
        ]
    )
    (found,) = index.peered_overlaps
    assert found.hub == vnet_id("far-hub")


def test_peering_refusals_name_azure_codes_and_ranges() -> None:
    index = cidr.analyse(
        [
            vnet("hub", "10.0.0.0/16", peers=["s1"]),
            vnet("s1", "10.1.0.0/16", peers=["hub"]),
            vnet("new", "10.1.8.0/24"),
            vnet("clash", "10.0.3.0/24"),
            vnet("fine", "10.9.0.0/16"),
        ]
    )
    assert index.peering_refusals(vnet_id("hub"), vnet_id("fine")) == ()

    (direct,) = index.peering_refusals(vnet_id("hub"), vnet_id("clash"))
    assert direct.code == "VnetAddressSpacesOverlap"
    assert (direct.vnet, direct.other, direct.via) == (vnet_id("hub"), vnet_id("clash"), None)
    assert [(r.a_prefix, r.b_prefix) for r in direct.ranges] == [("10.0.0.0/16", "10.0.3.0/24")]
    assert direct.message == (
        "hub and clash cannot be peered: their address spaces overlap (10.0.3.0/24)"
    )

    # new overlaps s1, which is already peered with hub: refused in either argument order
    for a, b in (("new", "hub"), ("hub", "new")):
        (refusal,) = index.peering_refusals(vnet_id(a), vnet_id(b))
        assert refusal.code == "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"
        assert (refusal.vnet, refusal.other, refusal.via) == (
            vnet_id("new"),
            vnet_id("s1"),
            vnet_id("hub"),
        )
        assert refusal.ranges[0].overlap == "10.1.8.0/24"
        assert "already peered with hub" in refusal.message

    # re-checking an existing peering does not count the pair against itself
    assert index.peering_refusals(vnet_id("hub"), vnet_id("s1")) == ()


def test_a_peer_in_an_unloaded_subscription_counts_with_its_recorded_space() -> None:
    hub = vnet("hub", "10.0.0.0/16")._replace(
        peerings=(link("hub", "remote", remote_prefixes=["10.7.0.0/16"]),),
    )
    index = cidr.analyse([hub, vnet("new", "10.7.1.0/24")])
    (refusal,) = index.peering_refusals(vnet_id("new"), vnet_id("hub"))
    assert (refusal.other, refusal.via) == (vnet_id("remote"), vnet_id("hub"))
    assert [(r.a_prefix, r.b_prefix, r.overlap) for r in refusal.ranges] == [
        ("10.7.1.0/24", "10.7.0.0/16", "10.7.1.0/24"),
    ]


def test_which_vnets_a_prospective_space_would_overlap() -> None:
    index = cidr.analyse(
        [
            vnet("big", "10.0.0.0/8"),
            vnet("same", "10.4.0.0/16"),
            vnet("inside", "10.4.2.0/24", "fd00::/64"),
            vnet("elsewhere", "10.5.0.0/16"),
        ]
    )
    hits = index.vnets_overlapping(["10.4.0.0/16", "fd00::/48"])
    assert {o.b.name: o.overlapping_ranges for o in hits} == {
        "big": ("10.4.0.0/16",),
        "same": ("10.4.0.0/16",),
        "inside": ("10.4.2.0/24", "fd00::/64"),
    }
    assert {
        o.b.name for o in index.vnets_overlapping(["10.4.0.0/16"], exclude=vnet_id("same"))
    } == {
        "big",
        "inside",
    }


def test_peering_blockers_cover_peers_outside_the_inventory() -> None:
    hub = vnet("hub", "10.0.0.0/16")._replace(
        peerings=(link("hub", "far", remote_prefixes=["10.7.0.0/16", "garbage"]),),
    )
    spoke = vnet("spoke", "10.8.0.0/16")._replace(
        peerings=(link("spoke", "far2", remote_prefixes=["10.9.0.0/16"]),),
    )
    index = cidr.analyse([
        hub, spoke, vnet("new", "10.7.1.0/24"), vnet("near", "10.9.3.0/24"),
        vnet("fine", "10.50.0.0/16"),
    ])
    assert set(index.peering_blockers(vnet_id("hub"))) == {vnet_id("new")}
    assert set(index.peering_blockers(vnet_id("new"))) == {vnet_id("hub")}
    assert set(index.peering_blockers(vnet_id("near"))) == {vnet_id("spoke")}
    (refusal,) = index.peering_blockers(vnet_id("spoke"))[vnet_id("near")]
    assert (refusal.vnet, refusal.other, refusal.via) == (
        vnet_id("near"), vnet_id("far2"), vnet_id("spoke"),
    )
    assert index.peering_blockers(vnet_id("fine")) == {}


def test_peering_a_vnet_with_itself_is_refused_as_an_overlap() -> None:
    index = cidr.analyse([vnet("a", "10.0.0.0/16", "fd00::/64")])
    (refusal,) = index.peering_refusals(vnet_id("a"), vnet_id("A").upper())
    assert refusal.code == "VnetAddressSpacesOverlap"
    assert [r.overlap for r in refusal.ranges] == ["10.0.0.0/16", "fd00::/64"]
    assert index.peering_blockers(vnet_id("a")) == {}
