"""The interval sweep that finds every overlap and builds the index, and one-shot wrappers
around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, cast

from tui import collector
from tui.cidr.index import AddressIndex
from tui.cidr.prefixes import _keys_of
from tui.cidr.results import InvalidPrefix, Overlap
from tui.model import Inventory, VirtualNetwork


def _vnets_of(source: Inventory | Iterable[VirtualNetwork]) -> tuple[VirtualNetwork, ...]:
    return source.vnets if isinstance(source, Inventory) else tuple(source)


def analyse(source: Inventory | Iterable[VirtualNetwork]) -> AddressIndex:
    """Find every overlap in an inventory (or any VNets) and index them for queries."""
    with collector.paused():
        return _analyse(_vnets_of(source))


def _analyse(vnets: tuple[VirtualNetwork, ...]) -> AddressIndex:
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
