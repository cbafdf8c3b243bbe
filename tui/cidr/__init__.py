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

Submodules, one concept each: `prefixes` (parsing), `results` (what is found), `sweep`
(the interval sweep and `analyse`), `index` (`AddressIndex` and its queries), `free`
(free-range search).
"""

from tui.cidr.free import check_free_request
from tui.cidr.index import AddressIndex
from tui.cidr.prefixes import _keys_of as _keys_of  # tests check it directly
from tui.cidr.prefixes import _span as _span  # tests check it directly
from tui.cidr.prefixes import clear_cache
from tui.cidr.results import OVERLAPS_ALREADY_PEERED, VNETS_OVERLAP, Overlap, PrefixOverlap
from tui.cidr.sweep import analyse, free_blocks

__all__ = [
    "OVERLAPS_ALREADY_PEERED",
    "VNETS_OVERLAP",
    "AddressIndex",
    "Overlap",
    "PrefixOverlap",
    "analyse",
    "check_free_request",
    "clear_cache",
    "free_blocks",
]
