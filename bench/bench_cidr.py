"""Overlap detection (`tui.cidr.analyse`) against the all-pairs loop, at 1k, 10k, 100k prefixes.

The estate is generated (seeded): VNets with one to three prefixes of /24 to /28 packed
through 10.0.0.0/8, one in ten an IPv6 /64 in fd00::/40, and about 2% of prefixes reusing
(equal to, inside or around) an earlier VNet's prefix, so there are real overlaps to report.
The all-pairs loop compares every prefix of every VNet pair, on prefixes parsed by the
same code; it runs where it finishes within a budget and is extrapolated quadratically
from the largest size it ran at beyond that.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable, Iterator, Sequence

from bench.framework import Row, extrapolate_quadratic, measure
from tui import cidr
from tui.model import ResourceId, VirtualNetwork

SIZES = (1_000, 10_000, 100_000)
BASELINE_BUDGET_SECONDS = 30.0


def estate(prefixes: int, *, seed: int = 1, reuse: float = 0.02) -> list[VirtualNetwork]:
    rng = random.Random(seed)
    v6_base = int(ipaddress.IPv6Address("fd00::"))
    cursor = 10 << 24
    made: list[str] = []
    vnets: list[VirtualNetwork] = []
    while len(made) < prefixes:
        own: list[str] = []
        for _ in range(min(rng.choice((1, 1, 2, 3)), prefixes - len(made))):
            if made and rng.random() < reuse:
                base = ipaddress.ip_network(rng.choice(made))
                shift = rng.choice((-2, 0, 2))
                length = min(max(base.prefixlen + shift, 8), base.max_prefixlen)
                text = str(ipaddress.ip_network((int(base.network_address), length), strict=False))
            elif rng.random() < 0.1:
                text = str(ipaddress.IPv6Network((v6_base | (len(made) << 64), 64)))
            else:
                length = rng.randint(24, 28)
                size = 1 << (32 - length)
                cursor = (cursor + size - 1) & ~(size - 1)
                text = f"{ipaddress.IPv4Address(cursor)}/{length}"
                cursor += size
            own.append(text)
            made.append(text)
        i = len(vnets)
        vnets.append(VirtualNetwork(
            id=ResourceId(f"/subscriptions/s{i % 7}/resourceGroups/rg/providers/"
                          f"Microsoft.Network/virtualNetworks/vnet{i}"),
            name=f"vnet{i}", resource_group="rg", subscription_id=f"s{i % 7}",
            location="westeurope", address_prefixes=tuple(own),
        ))
    return vnets


def all_pairs(vnets: Sequence[VirtualNetwork]) -> set[tuple[int, int]]:
    """The loop the sweep replaces: every VNet pair, every prefix pair."""
    spans = [[s for s in map(cidr._span, v.address_prefixes) if s] for v in vnets]
    found = set()
    for i in range(len(vnets)):
        mine = spans[i]
        for j in range(i + 1, len(vnets)):
            for a in mine:
                for b in spans[j]:
                    if a[0] <= b[1] and b[0] <= a[1]:
                        found.add((i, j))
    return found


def _detect(vnets: Sequence[VirtualNetwork]) -> tuple[cidr.Overlap, ...]:
    return cidr.analyse(vnets).overlaps


def run(sizes: Iterable[int] = SIZES, budget: float = BASELINE_BUDGET_SECONDS) -> Iterator[Row]:
    largest: tuple[int, float] | None = None  # the baseline's largest measured run
    for n in sizes:
        vnets = estate(n)
        cold, overlaps = measure(lambda v=vnets: _detect(v), setup=cidr.clear_cache)  # type: ignore[misc]
        warm, _ = measure(lambda v=vnets: _detect(v))  # type: ignore[misc]
        index = {v.id: i for i, v in enumerate(vnets)}
        pairs = {(index[o.a.id], index[o.b.id]) for o in overlaps}
        estimate = extrapolate_quadratic(*largest, n) if largest else 0.0
        if largest is None or estimate <= budget:
            baseline, expected = measure(lambda v=vnets: all_pairs(v), repeat=1)  # type: ignore[misc]
            if expected != pairs:
                raise AssertionError(f"sweep and all-pairs loop disagree at {n} prefixes")
            largest, how = (n, baseline), "measured"
        else:
            baseline, how = estimate, f"n² from {largest[0]:,}"
        note = f"{len(vnets):,} VNets, {len(pairs):,} overlapping pairs"
        yield Row("cidr overlaps (cold)", f"{n:,} prefixes", cold, baseline, how, note)
        yield Row("cidr overlaps (refresh)", f"{n:,} prefixes", warm, baseline, how,
                  "prefixes parsed by the previous run")
