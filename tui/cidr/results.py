"""What an analysis finds (overlaps, groups, refusals), as plain frozen values in ARM's terms."""

from __future__ import annotations

from dataclasses import dataclass

from tui.cidr.prefixes import _sorted_prefixes
from tui.model import ResourceId, VirtualNetwork

VNETS_OVERLAP = "VnetAddressSpacesOverlap"


OVERLAPS_ALREADY_PEERED = "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"


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
