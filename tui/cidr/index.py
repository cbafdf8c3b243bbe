"""The address index one sweep builds: overlaps, peering refusals and free ranges asked of one
inventory.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, NamedTuple

from tui.cidr.free import _free_blocks, check_free_request
from tui.cidr.prefixes import _V6_OFFSET, _format, _parse_input, _sorted_prefixes, _span
from tui.cidr.results import (
    OVERLAPS_ALREADY_PEERED,
    VNETS_OVERLAP,
    ConflictGroup,
    InvalidPrefix,
    Overlap,
    PeeredOverlap,
    PeeringRefusal,
    PrefixOverlap,
)
from tui.errors import InputError
from tui.model import ResourceId, VirtualNetwork, rid


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
