"""Address-space conflicts and free ranges: which VNets overlap, and what is still free.

Azure refuses to peer VNets whose address spaces overlap, and refuses a peering that would
put two overlapping VNets behind the same hub; finding that out late is the usual way a
peering plan fails. This module answers both questions for a whole inventory at once, fast
enough to rerun on every load (100k prefixes well under a second), with nothing but the
standard library and `tui.model`.

How to use it (the TUI and the command line build on these names):

    index = analyse(inventory)            # or analyse(vnets); build once per inventory
    index.overlaps                        # tuple[Overlap, ...]: every overlapping VNet pair
    index.groups                          # tuple[ConflictGroup, ...]: connected components
    index.peered_overlaps                 # tuple[PeeredOverlap, ...]: overlapping VNets
                                          #   peered to the same VNet
    index.conflicted_ids                  # frozenset[ResourceId]: VNets to mark in a list
    index.overlapping(vnet_id)            # tuple[Overlap, ...] touching one VNet, O(1)
    index.overlapping_ids(vnet_id)        # frozenset[ResourceId]: VNets overlapping it
    index.vnets_overlapping(prefixes)     # VNets that a prospective space would overlap
    index.peering_refusals(a_id, b_id)    # tuple[PeeringRefusal, ...]; () means "fine"
    index.peering_blockers(vnet_id)       # {remote id: refusals}: what a peering form
                                          #   greys out (both rules), without trying all
    index.free_blocks(24, count=5, within=..., peerable_with=..., avoid=...)
    index.free_search_ranges(24, within=..., peerable_with=...)  # what that searches
    free_blocks(vnets, 24, ...)           # the same without keeping an index
    check_free_request(24, within=...)    # validate a request (InputError) before loading

`Overlap.ranges` names each overlapping prefix pair (`PrefixOverlap`: the prefix on each
VNet as written there and the overlapping range itself). Two CIDR blocks either nest or are
disjoint, so an overlapping range is always the smaller of the two prefixes; a VNet overlaps
another "partially" when only some of its prefixes are involved. IPv4 and IPv6 never
overlap each other. A VNet never conflicts with itself (ids compare case-insensitively).
Prefixes that do not parse are skipped and listed in `index.invalid`.

`analyse` does the sweep; the result objects (`overlaps`, `groups`, ...) are built on first
use and kept, and parsed prefixes are cached by text, so re-analysing a refreshed
inventory costs a fraction of the first run. An index is immutable: after a change, call
`analyse` again. `free_blocks` documents the best-fit order and what `peerable_with` and
`avoid` change; bad input to it raises `InputError` with a message for a person.

Detection is an interval sweep: every prefix becomes an integer interval, sorted by
(start, larger first); because CIDR blocks nest or are disjoint, the open intervals always
form a chain of nested blocks, kept on a stack, and each new prefix overlaps exactly the
blocks left on the stack after the ones that ended are popped. That is O(n log n + k) for
n prefixes and k overlapping prefix pairs, never the all-pairs loop.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, NamedTuple, cast

from tui.errors import InputError
from tui.model import Inventory, ResourceId, VirtualNetwork, rid

RFC1918: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

VNETS_OVERLAP = "VnetAddressSpacesOverlap"
OVERLAPS_ALREADY_PEERED = "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"

# IPv6 intervals are shifted past the IPv4 space so one sweep keeps the families apart.
_V6_OFFSET = 1 << 32
_MAX_COUNT = 10_000


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrefixOverlap:
    """One overlapping prefix pair: `a_prefix` on the first VNet, `b_prefix` on the second."""

    a_prefix: str
    b_prefix: str
    overlap: str  # the overlapping range, canonical CIDR (the smaller of the two)


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two VNets whose address spaces overlap, with every overlapping prefix pair."""

    a: VirtualNetwork
    b: VirtualNetwork
    ranges: tuple[PrefixOverlap, ...]

    @property
    def ids(self) -> tuple[ResourceId, ResourceId]:
        return (self.a.id, self.b.id)

    @property
    def overlapping_ranges(self) -> tuple[str, ...]:
        """The overlapping ranges, each once, in address order."""
        return _sorted_prefixes({r.overlap for r in self.ranges})

    def other(self, vnet_id: str) -> VirtualNetwork:
        """The VNet of the pair that is not `vnet_id`."""
        return self.b if self.a.id == vnet_id else self.a

    def ranges_from(self, vnet_id: str) -> tuple[PrefixOverlap, ...]:
        """The ranges with `a_prefix` on `vnet_id` (swapped when it is the pair's `b`)."""
        if self.a.id == vnet_id:
            return self.ranges
        return tuple(PrefixOverlap(r.b_prefix, r.a_prefix, r.overlap) for r in self.ranges)


@dataclass(frozen=True, slots=True)
class ConflictGroup:
    """VNets connected by overlaps (a connected component of the overlap graph)."""

    vnets: tuple[VirtualNetwork, ...]
    overlaps: tuple[Overlap, ...]

    @property
    def overlapping_ranges(self) -> tuple[str, ...]:
        return _sorted_prefixes({r.overlap for o in self.overlaps for r in o.ranges})


@dataclass(frozen=True, slots=True)
class PeeredOverlap:
    """Two overlapping VNets that are both peered with `hub`.

    Azure refuses the peering that would create this
    (`VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`); it exists anyway when an address
    space grew after the peerings were made.
    """

    hub: ResourceId
    overlap: Overlap


@dataclass(frozen=True, slots=True)
class PeeringRefusal:
    """Why Azure would refuse a peering between `vnet` and `remote`, in ARM's own code.

    `code` is `VnetAddressSpacesOverlap` (the two overlap each other) or
    `VnetAddressSpaceOverlapsWithAlreadyPeeredVnet` (`vnet` overlaps `other`, which is
    already peered with `via`, the VNet `vnet` is being peered with). `ranges` have
    `a_prefix` on `vnet` and `b_prefix` on `other`.
    """

    code: str
    vnet: ResourceId
    other: ResourceId
    via: ResourceId | None
    ranges: tuple[PrefixOverlap, ...]

    @property
    def message(self) -> str:
        ranges = ", ".join(_sorted_prefixes({r.overlap for r in self.ranges}))
        if self.via is None:
            return (
                f"{self.vnet.name} and {self.other.name} cannot be peered: their address "
                f"spaces overlap ({ranges})"
            )
        return (
            f"{self.vnet.name} cannot be peered with {self.via.name}: it overlaps "
            f"{self.other.name}, which is already peered with {self.via.name} ({ranges})"
        )


@dataclass(frozen=True, slots=True)
class InvalidPrefix:
    """A prefix in the inventory that is not a CIDR block; left out of the analysis."""

    vnet: VirtualNetwork
    prefix: str


# --- parsing -------------------------------------------------------------------------------


def _span(text: str) -> tuple[int, int, int] | None:
    """(start, end, prefix length) of a CIDR block, IPv6 shifted by _V6_OFFSET; None if bad.

    Host bits are masked off (Azure stores canonical prefixes; a stray one still has a
    well-defined block). The fast paths matter: ipaddress costs 6-15 µs a prefix; anything
    unusual (embedded IPv4 in IPv6, odd spacing) goes to ipaddress, which has the last word.
    """
    if not text.isascii():
        return None
    if ":" in text:
        v6 = _v6_span(text)
        if v6 is not None:
            return v6
    parts = text.replace("/", ".").split(".")
    if (
        len(parts) == 5
        and "".join(parts).isdigit()
        and all(p and (p[0] != "0" or p == "0") for p in parts)  # no "", no leading zeros
    ):
        a, b, c, d, length = map(int, parts)
        if a < 256 and b < 256 and c < 256 and d < 256 and length <= 32:
            size = 1 << (32 - length)
            start = ((a << 24) | (b << 16) | (c << 8) | d) & ~(size - 1)
            return start, start + size - 1, length
        return None
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if "/" not in text:
        return None  # a bare address is not an address space
    start = int(net.network_address) + (_V6_OFFSET if net.version == 6 else 0)
    return start, start + net.num_addresses - 1, net.prefixlen


# Parsed prefixes by text, as (sort key, end): an inventory refresh re-analyses mostly
# the same strings. The sort key is (start << 8) | length: start first, larger block first.
_PARSED: dict[str, tuple[int, int]] = {}
_PARSED_LIMIT = 1 << 20


def clear_cache() -> None:
    """Forget parsed prefixes (benchmarks use it to time a cold start)."""
    _PARSED.clear()


def _keys_of(texts: list[str]) -> list[tuple[int, int] | None]:
    """(sort key, end) of every prefix, None for a bad one: cached, else parsed in bulk."""
    if len(_PARSED) > _PARSED_LIMIT:
        _PARSED.clear()
    found = list(map(_PARSED.get, texts))
    if None not in found:
        return found
    todo = list(dict.fromkeys(t for t, known in zip(texts, found, strict=True) if not known))
    quads = [t for t in todo if ":" not in t]
    parsed = dict(zip(quads, _quad_batch(quads), strict=True))
    rest = [t for t in todo if ":" in t]
    if None in parsed.values():
        rest += [t for t, key in parsed.items() if key is None]
    for text in rest:
        span = _span(text)
        parsed[text] = ((span[0] << 8) | span[2], span[1]) if span else None
    if None in parsed.values():
        parsed = {t: key for t, key in parsed.items() if key is not None}
    _PARSED.update(parsed)  # type: ignore[arg-type]
    return list(map(_PARSED.get, texts))


_LEADING_ZERO = re.compile(rb"(?:^|[./;])0[0-9]")


def _quad_batch(texts: list[str]) -> list[tuple[int, int] | None]:
    """Parse `a.b.c.d/n` prefixes together: a few whole-batch checks, one split, one int() map.

    Joined with `;` (which no valid prefix holds, and the count proves none does), the
    batch with its digits deleted must read `.../;.../;...`: then every text is four
    numbers and a length, and the split parts line up five per prefix. If any text is odd
    (a sign, a space, a leading zero, an octet over 255), the whole batch is refused and
    the caller parses one by one.
    """
    if not texts:
        return []
    refused: list[tuple[int, int] | None] = [None] * len(texts)
    joined = ";".join(texts)
    if not joined.isascii() or joined.count(";") != len(texts) - 1:
        return refused
    raw = joined.encode("ascii")
    if raw.translate(None, b"0123456789") != b";".join([b".../"] * len(texts)):
        return refused
    parts = joined.replace("/", ".").replace(";", ".").split(".")
    if "" in parts or _LEADING_ZERO.search(raw):
        return refused
    numbers = list(map(int, parts))
    a, b, c, d, lengths = (numbers[i::5] for i in range(5))
    if max(max(a), max(b), max(c), max(d)) > 255 or max(lengths) > 32:
        return refused
    sizes = [1 << (32 - n) for n in lengths]
    starts = [
        ((w << 24) | (x << 16) | (y << 8) | z) & -size
        for w, x, y, z, size in zip(a, b, c, d, sizes, strict=True)
    ]
    keys = [(start << 8) | n for start, n in zip(starts, lengths, strict=True)]
    ends = [start + size - 1 for start, size in zip(starts, sizes, strict=True)]
    return list(zip(keys, ends, strict=True))


_HEX = frozenset("0123456789abcdefABCDEF")


def _v6_span(text: str) -> tuple[int, int, int] | None:
    """The common IPv6 spelling (hex groups, at most one `::`, `/len`); None to fall back."""
    address, slash, length_text = text.partition("/")
    if not slash or not length_text.isdigit() or len(length_text) > 3:
        return None
    head, gap, tail = address.partition("::")
    groups = head.split(":") if head else []
    later = tail.split(":") if tail else []
    missing = 8 - len(groups) - len(later)
    if (missing < 1 if gap else missing != 0) or "" in groups or "" in later:
        return None
    filled = [g.zfill(4) for g in groups] + ["0000"] * missing + [g.zfill(4) for g in later]
    digits = "".join(filled)
    length = int(length_text)
    if len(digits) != 32 or not _HEX.issuperset(digits) or length > 128:
        return None
    size = 1 << (128 - length)
    start = (int(digits, 16) & -size) + _V6_OFFSET
    return start, start + size - 1, length


def _format(start: int, length: int) -> str:
    if start >= _V6_OFFSET:
        return str(ipaddress.IPv6Network((start - _V6_OFFSET, length)))
    return f"{start >> 24}.{(start >> 16) & 255}.{(start >> 8) & 255}.{start & 255}/{length}"


def _sorted_prefixes(prefixes: Iterable[str]) -> tuple[str, ...]:
    def key(text: str) -> tuple[int, int]:
        span = _span(text)
        return (span[0], span[2]) if span else (-1, 0)

    return tuple(sorted(prefixes, key=key))


def _vnets_of(source: Inventory | Iterable[VirtualNetwork]) -> tuple[VirtualNetwork, ...]:
    return source.vnets if isinstance(source, Inventory) else tuple(source)


# --- the index -----------------------------------------------------------------------------


class _Entry(NamedTuple):
    start: int
    end: int
    length: int
    owner: int  # index of the VNet in AddressIndex.vnets
    prefix: str  # as written on the VNet


@dataclass(frozen=True)
class AddressIndex:
    """Everything `analyse` found about one inventory's address spaces. Never mutated.

    The sweep runs in `analyse`; result objects are built on first use and kept.
    """

    vnets: tuple[VirtualNetwork, ...]
    invalid: tuple[InvalidPrefix, ...]
    # One slot per parsed prefix, in parallel lists (the hot loop avoids object creation):
    _keys: Sequence[int] = field(repr=False)  # (start << 8) | prefix length
    _ends: Sequence[int] = field(repr=False)
    _owners: list[int] = field(repr=False)  # index of the VNet in `vnets`
    _texts: list[str] = field(repr=False)  # the prefix as written on the VNet
    _by_id: dict[str, int] = field(repr=False)  # casefolded id -> first index in `vnets`
    # (VNet a, VNet b) -> [(entry on a, entry on b)], a < b in inventory order
    _pairs: dict[tuple[int, int], list[tuple[int, int]]] = field(repr=False)
    _order: list[int] = field(repr=False)  # entry indices sorted by (start, larger first)

    # -- what was found

    @cached_property
    def overlaps(self) -> tuple[Overlap, ...]:
        """Every pair of VNets whose address spaces overlap, in inventory order."""
        keys, texts, vnets = self._keys, self._texts, self.vnets
        found = []
        for (a, b), hits in sorted(self._pairs.items()):
            ranges = []
            for i, j in hits:
                # the inner block is the overlap: the longer prefix (or either, when equal)
                inner = keys[i] if keys[i] & 255 >= keys[j] & 255 else keys[j]
                ranges.append(PrefixOverlap(texts[i], texts[j], _format(inner >> 8, inner & 255)))
            found.append(Overlap(vnets[a], vnets[b], tuple(ranges)))
        return tuple(found)

    @cached_property
    def _entries(self) -> list[_Entry]:
        return [
            _Entry(key >> 8, end, key & 255, owner, text)
            for key, end, owner, text in zip(
                self._keys, self._ends, self._owners, self._texts, strict=True
            )
        ]

    @cached_property
    def _adjacent(self) -> dict[ResourceId, tuple[Overlap, ...]]:
        adjacent: dict[ResourceId, list[Overlap]] = {}
        for o in self.overlaps:
            adjacent.setdefault(o.a.id, []).append(o)
            adjacent.setdefault(o.b.id, []).append(o)
        return {k: tuple(v) for k, v in adjacent.items()}

    @cached_property
    def conflicted_ids(self) -> frozenset[ResourceId]:
        """Ids of the VNets that overlap at least one other VNet."""
        return frozenset(self.vnets[i].id for pair in self._pairs for i in pair)

    @cached_property
    def groups(self) -> tuple[ConflictGroup, ...]:
        """Connected components of the overlap graph, largest first, then by first VNet."""
        parent: dict[int, int] = {}

        def find(i: int) -> int:
            parent.setdefault(i, i)
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self._pairs:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        members: dict[int, list[int]] = {}
        for i in sorted(parent):
            members.setdefault(find(i), []).append(i)
        edges: dict[int, list[Overlap]] = {}
        for pair, overlap in zip(sorted(self._pairs), self.overlaps, strict=True):
            edges.setdefault(find(pair[0]), []).append(overlap)
        groups = [
            ConflictGroup(tuple(self.vnets[i] for i in members[root]), tuple(edges[root]))
            for root in sorted(members)
        ]
        groups.sort(key=lambda g: -len(g.vnets))  # stable: ties keep inventory order
        return tuple(groups)

    @cached_property
    def peered_overlaps(self) -> tuple[PeeredOverlap, ...]:
        """Overlapping VNets that are peered with the same VNet (the hub).

        A link counts whatever its state, and from either end (a hub outside the loaded
        subscriptions still shows through its spokes' links): Azure's rule is about
        peerings that exist [U: whether a Disconnected link counts is unconfirmed; counting
        it errs on the side of warning].
        """
        peers = self._peers
        found: list[PeeredOverlap] = []
        for o in self.overlaps:
            common = peers.get(o.a.id, frozenset()) & peers.get(o.b.id, frozenset())
            found.extend(PeeredOverlap(hub, o) for hub in sorted(common, key=str.casefold))
        return tuple(found)

    # -- questions about one VNet

    def vnet(self, vnet_id: str) -> VirtualNetwork | None:
        i = self._by_id.get(vnet_id.casefold())
        return self.vnets[i] if i is not None else None

    def overlapping(self, vnet_id: str) -> tuple[Overlap, ...]:
        """Every overlap that involves `vnet_id` (empty when none or unknown)."""
        return self._adjacent.get(rid(vnet_id), ())

    def overlapping_ids(self, vnet_id: str) -> frozenset[ResourceId]:
        """Ids of the VNets that overlap `vnet_id` (`peering_blockers` adds the peers' rule)."""
        return frozenset(o.other(vnet_id).id for o in self.overlapping(vnet_id))

    def vnets_overlapping(
        self, prefixes: Iterable[str], *, exclude: str | None = None
    ) -> tuple[Overlap, ...]:
        """Which loaded VNets a prospective address space would overlap.

        Returns one `Overlap` per VNet hit, with `a` a placeholder VNet named "(new)" that
        holds `prefixes` and `b` the VNet it overlaps. `exclude` leaves one VNet out (the
        VNet whose space is being edited). Bad prefixes raise InputError.
        """
        spans = [(text, _parse_input(text)) for text in prefixes]
        return self._overlapping_spans(spans, exclude)

    def _overlapping_spans(
        self, spans: Sequence[tuple[str, tuple[int, int, int]]], exclude: str | None
    ) -> tuple[Overlap, ...]:
        probe = VirtualNetwork(
            id=ResourceId("(new)"), name="(new)", resource_group="", subscription_id="",
            location="", address_prefixes=tuple(text for text, _ in spans),
        )
        skip = self._by_id.get(exclude.casefold()) if exclude else None
        hits: dict[int, list[PrefixOverlap]] = {}
        for text, (start, end, length) in spans:
            for j in self._query(start, end, length):
                entry = self._entries[j]
                if entry.owner == skip:
                    continue
                inner = (start, length) if length >= entry.length else (entry.start, entry.length)
                hits.setdefault(entry.owner, []).append(
                    PrefixOverlap(text, entry.prefix, _format(*inner))
                )
        return tuple(Overlap(probe, self.vnets[i], tuple(hits[i])) for i in sorted(hits))

    def peering_refusals(self, vnet_id: str, remote_id: str) -> tuple[PeeringRefusal, ...]:
        """Why Azure would refuse peering these two VNets for overlap; () when it would not.

        Both directions of the peering are checked, as the form creates both links: the two
        overlap each other (`VnetAddressSpacesOverlap`), `vnet` overlaps a VNet already
        peered with `remote`, or `remote` overlaps one already peered with `vnet`
        (`VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`). A peer outside the loaded
        subscriptions counts with the address space its peering record shows.
        """
        a, b = rid(vnet_id), rid(remote_id)
        if a == b:
            # [U] Azure's code for peering a VNet with itself is unconfirmed; its space
            # overlaps itself, so the overlap refusal is the plausible answer.
            own = self.vnet(a)
            prefixes = own.address_prefixes if own else ()
            ranges = tuple(PrefixOverlap(t, t, _format(sp[0], sp[2]))
                           for t in prefixes if (sp := _span(t)))
            return (PeeringRefusal(VNETS_OVERLAP, a, b, None, ranges),)
        refusals: list[PeeringRefusal] = []
        direct = next((o for o in self.overlapping(a) if o.other(a).id == b), None)
        if direct is not None:
            refusals.append(PeeringRefusal(VNETS_OVERLAP, a, b, None, direct.ranges_from(a)))
        for local, hub in ((a, b), (b, a)):
            refusals.extend(self._already_peered(local, hub, skip=(a, b)))
        return tuple(refusals)

    def peering_blockers(self, vnet_id: str) -> dict[ResourceId, tuple[PeeringRefusal, ...]]:
        """Every loaded VNet that `vnet_id` cannot be peered with for overlap, and why.

        What a peering form greys out: the same answer as `peering_refusals(vnet_id, b)`
        for every loaded `b`, found from the overlaps and peers around the VNet instead of
        trying every VNet in the inventory.
        """
        a = rid(vnet_id)
        candidates = set(self.overlapping_ids(a))  # direct overlaps
        for peer, prefixes in self._peer_prefixes(a).items():  # b overlaps a peer of a
            if self.vnet(peer) is not None:
                candidates |= self.overlapping_ids(peer)
            else:
                spans = [(t, sp) for t in prefixes if (sp := _span(t))]
                candidates |= {o.b.id for o in self._overlapping_spans(spans, None)}
        for other in self.overlapping_ids(a):  # a overlaps a peer of b
            candidates |= self._peers.get(other, frozenset())
        own = self.vnet(a)
        for b, _, prefixes in self._unloaded_peers:  # ... a peer b's link records
            if own is not None and _pairwise(own.address_prefixes, prefixes):
                candidates.add(b)
        candidates.discard(a)
        found = {}
        for b in candidates:
            if self.vnet(b) is not None:
                refusals = self.peering_refusals(a, b)
                if refusals:
                    found[b] = refusals
        return found

    def free_blocks(
        self,
        prefix_length: int,
        *,
        count: int = 5,
        within: str | Sequence[str] | None = None,
        peerable_with: str | None = None,
        avoid: Literal["all", "peering"] = "all",
    ) -> tuple[str, ...]:
        """The first `count` free IPv4 blocks of `/prefix_length`, best fit first.

        Free means overlapping no avoided address space, inside one of the `within` ranges
        (default: the RFC 1918 blocks; overlapping ranges are merged). Aligned means the
        block is a real CIDR block (its start is a multiple of its size).

        Best fit, precisely: the free space inside the ranges splits uniquely into maximal
        free aligned blocks (every free aligned block lies inside exactly one of them).
        Candidates come from the smallest of those that can hold a `/prefix_length` first,
        lowest address first among equals, and in address order inside each; so a request
        is carved out of the tightest hole and larger free blocks stay whole for larger
        requests, as a buddy allocator does.

        Avoided by default (`avoid="all"`): every prefix of every loaded VNet, so a result
        is already peerable with every loaded VNet as far as the loaded data shows.
        `peerable_with=VNET` adds what the loaded VNets alone miss for a new spoke of that
        VNet: the spaces its peering records show for peers outside the loaded
        subscriptions (and both the peered and the current space of each peer, which
        differ until a sync); and, when `within` is not given, the search is restricted to
        the RFC 1918 blocks that hold that VNet's space, so the spoke stays in its hub's
        plan. With `avoid="peering"` (needs `peerable_with`) only that VNet and its peers
        are avoided: address space that unrelated, never-peered VNets use may be reused.

        Raises InputError for a bad range, an IPv6 range, a length no range can hold, a
        bad count, an unknown VNet or `avoid="peering"` without `peerable_with`.
        """
        check_free_request(
            prefix_length, count=count, within=within, peerable_with=peerable_with, avoid=avoid
        )
        containers = self._search_ranges(prefix_length, within, peerable_with)
        used: list[tuple[int, int]] = []
        if peerable_with is not None:
            for text in self._peer_scope_prefixes(self._hub_index(peerable_with)):
                span = _span(text)
                if span and span[0] < _V6_OFFSET:
                    used.append(span[:2])
        if avoid == "all":
            used.extend(self._v4_used)
        return _free_blocks(containers, used, prefix_length, count)

    def free_search_ranges(
        self,
        prefix_length: int,
        *,
        within: str | Sequence[str] | None = None,
        peerable_with: str | None = None,
    ) -> tuple[str, ...]:
        """The ranges `free_blocks` searches with these arguments (to say so on screen)."""
        check_free_request(prefix_length, within=within, peerable_with=peerable_with)
        found = self._search_ranges(prefix_length, within, peerable_with)
        return tuple(_format(start, length) for start, _, length in found)

    def _hub_index(self, vnet_id: str) -> int:
        found = self._by_id.get(vnet_id.casefold())
        if found is None:
            raise InputError(f"no loaded VNet has the id {vnet_id!r}")
        return found

    def _search_ranges(
        self, prefix_length: int, within: str | Sequence[str] | None, peerable_with: str | None
    ) -> list[tuple[int, int, int]]:
        containers = check_free_request(prefix_length, within=within)
        if within is None and peerable_with is not None:
            hub = self._hub_index(peerable_with)
            spans = [sp[:2] for sp in map(_span, self.vnets[hub].address_prefixes) if sp]
            near = [
                c for c in containers
                if c[2] <= prefix_length and any(c[0] <= s and e <= c[1] for s, e in spans)
            ]
            containers = near or containers
        return [c for c in containers if c[2] <= prefix_length]

    # -- internals

    @cached_property
    def _v4_used(self) -> list[tuple[int, int]]:
        """The IPv4 space of every VNet as merged (start, end) intervals, in order."""
        merged: list[list[int]] = []
        keys, ends, v6 = self._keys, self._ends, _V6_OFFSET << 8
        for k in self._order:  # sorted by start, so IPv6 comes last
            if keys[k] >= v6:
                break
            start, end = keys[k] >> 8, ends[k]
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(start, end) for start, end in merged]

    @cached_property
    def _starts(self) -> list[int]:
        keys = self._keys
        return [keys[k] >> 8 for k in self._order]

    @cached_property
    def _blocks(self) -> dict[tuple[int, int], list[int]]:
        blocks: dict[tuple[int, int], list[int]] = {}
        for k, e in enumerate(self._entries):
            blocks.setdefault((e.start, e.length), []).append(k)
        return blocks

    def _query(self, start: int, end: int, length: int) -> Iterator[int]:
        """Entries overlapping the block: those inside it, then those strictly containing it."""
        lo, hi = bisect_left(self._starts, start), bisect_right(self._starts, end)
        yield from self._order[lo:hi]
        v6 = start >= _V6_OFFSET
        base, bits = (start - _V6_OFFSET, 128) if v6 else (start, 32)
        for shorter in range(length - 1, -1, -1):
            sup = base & ~((1 << (bits - shorter)) - 1)
            if sup != base:  # a container starting where the block starts was found above
                yield from self._blocks.get((sup + (_V6_OFFSET if v6 else 0), shorter), ())

    @cached_property
    def _peers(self) -> dict[ResourceId, frozenset[ResourceId]]:
        """Who is peered with whom, from links read at either end (any state)."""
        peers: dict[ResourceId, set[ResourceId]] = {}
        for v in self.vnets:
            for p in v.peerings:
                if p.remote_vnet_id and p.remote_vnet_id != v.id:
                    peers.setdefault(v.id, set()).add(p.remote_vnet_id)
                    peers.setdefault(p.remote_vnet_id, set()).add(v.id)
        return {k: frozenset(v) for k, v in peers.items()}

    @cached_property
    def _unloaded_peers(self) -> list[tuple[ResourceId, ResourceId, tuple[str, ...]]]:
        """(loaded VNet, peer outside the inventory, the peer's space as the link records)."""
        return [
            (v.id, p.remote_vnet_id, self._recorded(p.remote_vnet_id, v.id))
            for v in self.vnets
            for p in v.peerings
            if p.remote_vnet_id and self.vnet(p.remote_vnet_id) is None
        ]

    def _recorded(self, peer: ResourceId, hub: ResourceId) -> tuple[str, ...]:
        """A peer's address space as `hub`'s link to it records it (current and peered)."""
        hub_vnet = self.vnet(hub)
        link = hub_vnet.peering_to(peer) if hub_vnet else None
        if link is None:
            return ()
        recorded = link.remote_vnet_address_prefixes + link.remote_address_prefixes
        return _sorted_prefixes({t for t in recorded if _span(t)})  # bad ones: nothing to avoid

    def _peer_prefixes(self, hub: ResourceId) -> dict[ResourceId, tuple[str, ...]]:
        """Every VNet peered with `hub` and its address space (loaded, else as recorded)."""
        found: dict[ResourceId, tuple[str, ...]] = {}
        for peer in self._peers.get(hub, ()):
            vnet = self.vnet(peer)
            found[peer] = vnet.address_prefixes if vnet else self._recorded(peer, hub)
        return found

    def _peer_scope_prefixes(self, hub_index: int) -> list[str]:
        hub = self.vnets[hub_index]
        texts = list(hub.address_prefixes)
        for p in hub.peerings:
            texts.extend(p.remote_vnet_address_prefixes + p.remote_address_prefixes)
        for prefixes in self._peer_prefixes(hub.id).values():
            texts.extend(prefixes)
        return texts

    def _already_peered(
        self, local: ResourceId, hub: ResourceId, skip: tuple[ResourceId, ResourceId]
    ) -> Iterator[PeeringRefusal]:
        """`local` overlaps a VNet already peered with `hub` (other than the pair itself)."""
        local_adjacent = {o.other(local).id: o for o in self.overlapping(local)}
        for peer, prefixes in self._peer_prefixes(hub).items():
            if peer in skip:
                continue
            if self.vnet(peer) is not None:
                hit = local_adjacent.get(peer)
                ranges = hit.ranges_from(local) if hit else ()
            else:
                local_vnet = self.vnet(local)
                ranges = _pairwise(local_vnet.address_prefixes if local_vnet else (), prefixes)
            if ranges:
                yield PeeringRefusal(OVERLAPS_ALREADY_PEERED, local, peer, hub, ranges)


def _pairwise(a_prefixes: Iterable[str], b_prefixes: Iterable[str]) -> tuple[PrefixOverlap, ...]:
    """Overlapping prefix pairs of two short lists (a VNet against one peer's record)."""
    found = []
    b_spans = [(t, _span(t)) for t in b_prefixes]
    for a_text in a_prefixes:
        a = _span(a_text)
        for b_text, b in b_spans:
            if a and b and a[0] <= b[1] and b[0] <= a[1]:
                inner = a if a[2] >= b[2] else b
                found.append(PrefixOverlap(a_text, b_text, _format(inner[0], inner[2])))
    return tuple(found)


def _parse_input(text: str, *, ipv4_only: bool = False) -> tuple[int, int, int]:
    """A CIDR typed by a person: strict, with a message that says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"not a CIDR range: {text!r} (expected something like 10.0.0.0/16)")
    cleaned = text.strip()
    try:
        net = ipaddress.ip_network(cleaned, strict=False)
    except ValueError:
        raise InputError(
            f"not a CIDR range: {cleaned!r} (expected something like 10.0.0.0/16)"
        ) from None
    if "/" not in cleaned:
        raise InputError(f"{cleaned!r} is an address, not a range: add a prefix length, "
                         f"e.g. {cleaned}/16")
    if ipv4_only and net.version == 6:
        raise InputError(f"{cleaned} is IPv6: free-range search covers IPv4 address spaces only")
    if ipaddress.ip_interface(cleaned).ip != net.network_address:
        raise InputError(f"{cleaned} has host bits set: did you mean {net}?")
    span = _span(str(net))
    assert span is not None
    return span


def check_free_request(
    prefix_length: int,
    *,
    count: int = 5,
    within: str | Sequence[str] | None = None,
    peerable_with: str | None = None,
    avoid: Literal["all", "peering"] = "all",
) -> list[tuple[int, int, int]]:
    """Validate a free-range request before any inventory is read; the parsed ranges.

    Raises InputError with a message that says what is wrong (see `free_blocks`).
    """
    if isinstance(prefix_length, bool) or not isinstance(prefix_length, int) or not (
        0 <= prefix_length <= 32
    ):
        raise InputError(
            f"prefix length must be a whole number from 0 to 32, not {prefix_length!r}"
        )
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= _MAX_COUNT:
        raise InputError(f"count must be a whole number from 1 to {_MAX_COUNT}, not {count!r}")
    if avoid not in ("all", "peering"):
        raise InputError(f"avoid must be 'all' or 'peering', not {avoid!r}")
    if avoid == "peering" and peerable_with is None:
        raise InputError("avoid='peering' needs a VNet to peer with (peerable_with)")
    if within is None:
        texts = list(RFC1918)
    else:
        texts = [within] if isinstance(within, str) else list(within)
    if not texts:
        raise InputError("give at least one range to search within")
    containers = [_parse_input(t, ipv4_only=True) for t in texts]
    if all(c[2] > prefix_length for c in containers):
        names = ", ".join(_format(c[0], c[2]) for c in containers)
        raise InputError(f"a /{prefix_length} block does not fit in {names}")
    return containers


def _free_blocks(
    containers: list[tuple[int, int, int]],
    used: list[tuple[int, int]],
    prefix_length: int,
    count: int,
) -> tuple[str, ...]:
    fitting = [c for c in containers if c[2] <= prefix_length]  # others cannot hold one
    # Merge the containers (overlapping ranges must not yield a block twice).
    merged: list[list[int]] = []
    for start, end, _ in sorted(fitting):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    used_merged: list[list[int]] = []
    for start, end in sorted(used):
        if used_merged and start <= used_merged[-1][1] + 1:
            used_merged[-1][1] = max(used_merged[-1][1], end)
        else:
            used_merged.append([start, end])

    size = 1 << (32 - prefix_length)
    holes: list[tuple[int, int]] = []  # (block length, start) of maximal free aligned blocks
    i = 0
    for c_start, c_end in merged:
        while i < len(used_merged) and used_merged[i][1] < c_start:
            i += 1
        cursor, j = c_start, i
        while cursor <= c_end:
            if j < len(used_merged) and used_merged[j][0] <= c_end:
                gap_end = min(c_end, used_merged[j][0] - 1)
                next_cursor = used_merged[j][1] + 1
                j += 1
            else:
                gap_end, next_cursor = c_end, c_end + 1
            holes.extend(_aligned_blocks(cursor, gap_end, size))
            cursor = max(cursor, next_cursor)
    holes.sort(key=lambda h: (-h[0], h[1]))
    found: list[str] = []
    for length, start in holes:
        for block in range(start, start + (1 << (32 - length)), size):
            found.append(_format(block, prefix_length))
            if len(found) == count:
                return tuple(found)
    return tuple(found)


def _aligned_blocks(start: int, end: int, min_size: int) -> Iterator[tuple[int, int]]:
    """The maximal aligned blocks covering [start, end] that hold at least `min_size`."""
    while start <= end:
        size = start & -start if start else 1 << 32
        while start + size - 1 > end:
            size >>= 1
        if size >= min_size:
            yield 32 - size.bit_length() + 1, start
        start += size


# --- building ------------------------------------------------------------------------------


def analyse(source: Inventory | Iterable[VirtualNetwork]) -> AddressIndex:
    """Find every overlap in an inventory (or any VNets) and index them for queries."""
    vnets = _vnets_of(source)
    # Flat lists over every prefix, built with comprehensions: at 100k prefixes the
    # per-item cost of an ordinary loop is most of the time.
    by_id: dict[str, int] = {}
    owner_of = [by_id.setdefault(v.id.casefold(), i) for i, v in enumerate(vnets)]
    texts = [t for v in vnets for t in v.address_prefixes]
    owners = [o for o, v in zip(owner_of, vnets, strict=True) for _ in v.address_prefixes]
    parsed = _keys_of(texts)
    invalid: list[InvalidPrefix] = []
    if None in parsed:
        keep = [i for i, known in enumerate(parsed) if known is not None]
        where = [v for v in vnets for _ in v.address_prefixes]
        invalid = [InvalidPrefix(where[i], texts[i]) for i, p in enumerate(parsed) if not p]
        texts, owners = [texts[i] for i in keep], [owners[i] for i in keep]
        parsed = [parsed[i] for i in keep]
    keys: Sequence[int] = ()
    ends: Sequence[int] = ()
    if parsed:
        keys, ends = zip(*cast(list[tuple[int, int]], parsed), strict=True)
    order = sorted(range(len(keys)), key=keys.__getitem__)

    pairs: dict[tuple[int, int], list[tuple[int, int]]] = {}  # VNet pair -> (entry, entry)
    stack: list[int] = []  # open blocks, each nested in the one below
    for k in order:
        start = keys[k] >> 8
        while stack and ends[stack[-1]] < start:
            stack.pop()
        if stack:
            owner = owners[k]
            for outer in stack:
                other = owners[outer]
                if other < owner:
                    pairs.setdefault((other, owner), []).append((outer, k))
                elif other > owner:
                    pairs.setdefault((owner, other), []).append((k, outer))
                # other == owner: a VNet never conflicts with itself
        stack.append(k)

    return AddressIndex(
        vnets=vnets,
        invalid=tuple(invalid),
        _keys=keys,
        _ends=ends,
        _owners=owners,
        _texts=texts,
        _by_id=by_id,
        _pairs=pairs,
        _order=order,
    )


def find_overlaps(source: Inventory | Iterable[VirtualNetwork]) -> tuple[Overlap, ...]:
    """Every pair of VNets whose address spaces overlap (see `analyse` for the rest)."""
    return analyse(source).overlaps


def free_blocks(
    source: Inventory | Iterable[VirtualNetwork],
    prefix_length: int,
    *,
    count: int = 5,
    within: str | Sequence[str] | None = None,
    peerable_with: str | None = None,
    avoid: Literal["all", "peering"] = "all",
) -> tuple[str, ...]:
    """`AddressIndex.free_blocks` without keeping the index."""
    return analyse(source).free_blocks(
        prefix_length, count=count, within=within, peerable_with=peerable_with, avoid=avoid
    )
