"""The sweep and the free-range search against brute force, on random address plans.

Prefixes are drawn from small spaces (10.0.0.0/20, fd00::/116) so that nesting, equal
prefixes and VNets with several prefixes are common.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from tests.cidr.factory import all_pairs, components, net, vnet
from tui import cidr
from tui.model import VirtualNetwork


def _block(base: int, bits: int) -> st.SearchStrategy[str]:
    """A prefix of length bits-12..bits-4 inside the /(bits-12) at base."""
    return st.tuples(st.integers(bits - 12, bits - 4), st.integers(0, (1 << 12) - 1)).map(
        lambda t: str(ipaddress.ip_network((base | t[1], t[0]), strict=False))
    )


V4 = _block(10 << 24, 32)
V6 = _block(int(ipaddress.IPv6Address("fd00::")), 128)
PREFIX = st.one_of(V4, V4, V6)


@st.composite
def estates(draw: st.DrawFn, max_vnets: int = 14) -> list[VirtualNetwork]:
    count = draw(st.integers(0, max_vnets))
    names = [f"v{i}" for i in range(count)]
    vnets = []
    for name in names:
        prefixes = draw(st.lists(PREFIX, min_size=1, max_size=4))
        peers = draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
        vnets.append(vnet(name, *prefixes, peers=[p for p in peers if p != name]))
    return vnets


def _found(index: cidr.AddressIndex) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    return {
        (o.a.name, o.b.name): [(r.a_prefix, r.b_prefix, r.overlap) for r in o.ranges]
        for o in index.overlaps
    }


@given(estates())
def test_sweep_finds_the_pairs_of_the_all_pairs_loop(vnets: list[VirtualNetwork]) -> None:
    index = cidr.analyse(vnets)
    found, expected = _found(index), all_pairs(vnets)
    assert found.keys() == expected.keys()
    for pair, ranges in expected.items():
        assert sorted(found[pair]) == sorted(ranges)
    assert index.conflicted_ids == {v.id for v in vnets if any(v.name in p for p in expected)}
    for v in vnets:
        assert {o.other(v.id).name for o in index.overlapping(v.id)} == {
            b if a == v.name else a for a, b in expected if v.name in (a, b)
        }

    # groups are the connected components of the overlap graph
    groups = [{v.name for v in g.vnets} for g in index.groups]
    assert sorted(map(sorted, groups)) == sorted(map(sorted, components(expected)))
    assert sum(len(g.overlaps) for g in index.groups) == len(index.overlaps)

    # peered overlaps: overlapping pairs with a common peer, links read from either end
    peers: dict[str, set[str]] = {v.name: set() for v in vnets}
    for v in vnets:
        for p in v.peerings:
            peers[v.name].add(p.remote_vnet_id.name)
            peers[p.remote_vnet_id.name].add(v.name)
    hubs = {(hub, a, b) for (a, b) in expected for hub in peers[a] & peers[b]}
    found_hubs = {(p.hub.name, p.overlap.a.name, p.overlap.b.name) for p in index.peered_overlaps}
    assert found_hubs == hubs

    # peering refusals: direct overlap, or either side overlaps a peer of the other
    for a in vnets[:4]:
        for b in vnets[:4]:
            if a is b:
                continue
            refusals = {
                (r.code, r.vnet.name, r.other.name, r.via.name if r.via else None)
                for r in index.peering_refusals(a.id, b.id)
            }
            overlapping = set(expected) | {(y, x) for x, y in expected}
            want = (
                {(cidr.VNETS_OVERLAP, a.name, b.name, None)}
                if (a.name, b.name) in overlapping
                else set()
            )
            for local, hub in ((a.name, b.name), (b.name, a.name)):
                want |= {
                    (cidr.OVERLAPS_ALREADY_PEERED, local, peer, hub)
                    for peer in peers[hub] - {a.name, b.name}
                    if (local, peer) in overlapping
                }
            assert refusals == want

    # the bulk answer for a peering form is the pairwise answer for every loaded VNet
    for a in vnets[:4]:
        blockers = index.peering_blockers(a.id)
        assert set(blockers) == {
            b.id for b in vnets if b.id != a.id and index.peering_refusals(a.id, b.id)
        }


@given(estates(), st.lists(PREFIX, min_size=1, max_size=3))
def test_a_prospective_space_hits_what_brute_force_hits(
    vnets: list[VirtualNetwork], prefixes: list[str]
) -> None:
    probe = vnet("probe", *prefixes)
    expected = {b for (a, b) in all_pairs([probe, *vnets]) if a == "probe"}
    hits = cidr.analyse(vnets).vnets_overlapping(prefixes)
    assert {o.b.name for o in hits} == expected
    for o in hits:
        for r in o.ranges:
            assert net(r.overlap) == min(
                net(r.a_prefix), net(r.b_prefix), key=lambda n: n.num_addresses
            )


# --- free blocks ---------------------------------------------------------------------------


def _merged(containers: Sequence[str]) -> list[tuple[int, int]]:
    spans = sorted((int(net(c).network_address), int(net(c).broadcast_address)) for c in containers)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _oracle_free(
    containers: Sequence[str], used: Sequence[str], length: int
) -> list[ipaddress.IPv4Network]:
    """Every free aligned block, best fit first, by walking each one's supernets."""
    inside = _merged(containers)
    taken = [net(u) for u in used if net(u).version == 4]

    def free(block: ipaddress.IPv4Network) -> bool:
        first, last = int(block.network_address), int(block.broadcast_address)
        return any(s <= first and last <= e for s, e in inside) and not any(
            block.overlaps(t) for t in taken
        )

    candidates = {
        sub
        for c in containers
        if net(c).prefixlen <= length
        for sub in net(c).subnets(new_prefix=length)
    }
    keyed = []
    for block in candidates:
        if not free(block):
            continue
        hole = block
        while hole.prefixlen > 0 and free(hole.supernet()):
            hole = hole.supernet()
        keyed.append(
            ((-hole.prefixlen, int(hole.network_address), int(block.network_address)), block)
        )
    return [block for _, block in sorted(keyed)]


# Containers of /20../24 somewhere in 10.0.0.0/18, overlapping the VNets' 10.0.0.0/20.
CONTAINER = st.tuples(st.integers(20, 24), st.integers(0, (1 << 14) - 1)).map(
    lambda t: str(ipaddress.ip_network(((10 << 24) | t[1], t[0]), strict=False))
)


@given(
    estates(max_vnets=10),
    st.lists(CONTAINER, min_size=1, max_size=3),
    st.integers(22, 28),
    st.integers(1, 40),
)
def test_free_blocks_are_free_aligned_inside_and_best_fit_first(
    vnets: list[VirtualNetwork], containers: list[str], length: int, count: int
) -> None:
    if all(net(c).prefixlen > length for c in containers):
        return  # rejected with InputError; covered by the hand-written tests
    used = [p for v in vnets for p in v.address_prefixes]
    blocks = cidr.free_blocks(vnets, length, count=count, within=containers)
    oracle = _oracle_free(containers, used, length)
    assert len(blocks) == len(set(blocks)) == min(count, len(oracle))
    for text in blocks:
        block = ipaddress.IPv4Network(text)  # strict: raises unless aligned
        assert block.prefixlen == length
        assert any(block.subnet_of(net(c)) for c in containers)  # type: ignore[arg-type]
        assert not any(block.overlaps(net(u)) for u in used if net(u).version == 4)
    assert [str(b) for b in oracle[:count]] == list(blocks)
