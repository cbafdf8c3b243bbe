"""Free-range search by hand: best fit, exhaustion, the peering options, bad input."""

from __future__ import annotations

import pytest

from tests.cidr.factory import link, vnet, vnet_id
from tui import cidr
from tui.errors import InputError


def test_blocks_come_from_the_smallest_hole_that_fits_first() -> None:
    vnets = [vnet("a", "10.0.0.0/24"), vnet("b", "10.0.2.0/25")]
    # Free in 10.0.0.0/22: 10.0.1.0/24, 10.0.2.128/25, 10.0.3.0/24.
    assert cidr.free_blocks(vnets, 25, within="10.0.0.0/22", count=4) == (
        "10.0.2.128/25",
        "10.0.1.0/25",
        "10.0.1.128/25",
        "10.0.3.0/25",
    )
    assert cidr.free_blocks(vnets, 24, within="10.0.0.0/22") == ("10.0.1.0/24", "10.0.3.0/24")
    assert cidr.free_blocks(vnets, 23, within="10.0.0.0/22") == ()


def test_a_big_hole_stays_whole_when_a_small_one_fits() -> None:
    vnets = [vnet("a", "10.0.0.0/17"), vnet("b", "10.0.128.0/18")]
    # Holes: 10.0.192.0/18 and the rest of 10.0.0.0/8 in ever larger blocks.
    assert cidr.free_blocks(vnets, 20, within="10.0.0.0/8", count=1) == ("10.0.192.0/20",)


def test_default_ranges_are_rfc1918_smallest_first() -> None:
    assert cidr.free_blocks([], 24, count=2) == ("192.168.0.0/24", "192.168.1.0/24")
    # a /12 fits only in 10.0.0.0/8 and 172.16.0.0/12; 192.168.0.0/16 is skipped
    assert cidr.free_blocks([], 12, count=3) == ("172.16.0.0/12", "10.0.0.0/12", "10.16.0.0/12")


def test_overlapping_and_adjacent_ranges_are_merged() -> None:
    blocks = cidr.free_blocks(
        [], 24, within=["10.0.0.0/24", "10.0.0.0/23", "10.0.2.0/23"], count=10
    )
    assert blocks == ("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")


def test_ipv6_vnets_do_not_block_ipv4_space() -> None:
    assert cidr.free_blocks([vnet("v6", "::a00:0/104")], 8, within="10.0.0.0/8") == ("10.0.0.0/8",)


def _hub_estate() -> list:  # type: ignore[type-arg]
    hub = vnet("hub", "10.1.0.0/16", peers=["s1"])._replace(
        peerings=(
            link("hub", "s1"),
            link("hub", "far", remote_prefixes=["10.2.0.0/16"]),  # not loaded
        ),
    )
    return [
        hub,
        vnet("s1", "10.0.0.0/16", peers=["hub"]),
        vnet("unrelated", "10.3.0.0/16"),
        vnet("home", "192.168.0.0/24"),
    ]


def test_peerable_with_avoids_unloaded_peers_and_stays_in_the_hubs_range() -> None:
    vnets = _hub_estate()
    # plain: 10.2.0.0/16 looks free, yet the hub is peered with a VNet that uses it
    assert cidr.free_blocks(vnets, 16, count=2) == ("10.2.0.0/16", "10.4.0.0/16")
    # the peer outside the loaded subscriptions (10.2.0.0/16) is avoided, and the search
    # stays in 10.0.0.0/8 next to the hub
    assert cidr.free_blocks(vnets, 16, count=2, peerable_with=vnet_id("hub")) == (
        "10.4.0.0/16",
        "10.5.0.0/16",
    )


def test_avoid_peering_reuses_the_space_of_unrelated_vnets() -> None:
    vnets = _hub_estate()
    blocks = cidr.free_blocks(vnets, 16, count=2, peerable_with=vnet_id("hub"), avoid="peering")
    assert blocks == ("10.3.0.0/16", "10.4.0.0/16")
    index = cidr.analyse(vnets)
    for block in blocks:
        probe = vnet("new", block)
        hits = cidr.analyse([*vnets, probe]).peering_refusals(probe.id, vnet_id("hub"))
        assert hits == ()
    assert index.peering_refusals(vnet_id("unrelated"), vnet_id("hub")) == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"within": "10.0.0/8"}, "not a CIDR range: '10.0.0/8'"),
        ({"within": "banana"}, "not a CIDR range: 'banana'"),
        ({"within": ""}, "not a CIDR range"),
        ({"within": "10.0.0.0"}, "is an address, not a range"),
        ({"within": "10.0.0.1/8"}, "has host bits set: did you mean 10.0.0.0/8?"),
        ({"within": "fd00::/48"}, "IPv6: free-range search covers IPv4 address spaces only"),
        (
            {"within": "192.168.0.0/16", "prefix_length": 8},
            "a /8 block does not fit in 192.168.0.0/16",
        ),
        ({"within": []}, "at least one range"),
        ({"prefix_length": 33}, "prefix length must be a whole number from 0 to 32, not 33"),
        ({"count": 0}, "count must be a whole number from 1"),
        ({"avoid": "peering"}, "needs a VNet to peer with"),
        ({"peerable_with": "/subscriptions/x/nope"}, "no loaded VNet has the id"),
    ],
)
def test_bad_input_gets_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"prefix_length": 24, **kwargs}
    length = args.pop("prefix_length")
    with pytest.raises(InputError) as error:
        cidr.free_blocks([vnet("a", "10.0.0.0/16")], length, **args)  # type: ignore[arg-type]
    assert message in str(error.value)
    assert error.value.exit_code == 2
