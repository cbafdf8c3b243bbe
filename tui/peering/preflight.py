"""A create request and the checks ARM would make on it, run against what is loaded before
anything is sent.
"""

from __future__ import annotations

import enum
import re
import weakref
from dataclasses import dataclass, field

from tui.cidr import VNETS_OVERLAP, AddressIndex, analyse
from tui.errors import RefusedError
from tui.model import (
    Inventory,
    Peering,
    PeeringFlags,
    PeeringState,
    ResourceId,
    SubnetSelection,
    VirtualNetwork,
)
from tui.peering.subnets import subnet_note, subnet_problems, subnet_route

MAX_NAME = 80


_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")


NAME_RULE = (
    "use 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and "
    "ending with a letter, digit or '_'"
)


@dataclass(frozen=True)
class PeeringRequest:
    """What the form (or `vnettui peer`) asks for: both links of one peering."""

    local_vnet_id: ResourceId
    remote_vnet_id: ResourceId
    local_name: str
    remote_name: str
    local_flags: PeeringFlags = field(default_factory=PeeringFlags)
    remote_flags: PeeringFlags = field(default_factory=PeeringFlags)
    one_side: bool = False  # create only the link on the local VNet
    # Subnet peering: only these subnets (names as seen from the local VNet); None peers
    # the whole VNets. The remote link gets the same selection reversed.
    subnets: SubnetSelection | None = None


class Check(enum.StrEnum):
    """The groups of the form's check line, in the order it shows them."""

    REMOTE = "remote"
    OVERLAP = "overlap"
    NAMES = "names"
    EXISTING = "existing"
    GATEWAY = "gateway"


class Field(enum.StrEnum):
    """Which part of the form a problem belongs to, so the form can point at it."""

    REMOTE = "remote"
    LOCAL_NAME = "local_name"
    REMOTE_NAME = "remote_name"
    LOCAL_FLAGS = "local_flags"
    REMOTE_FLAGS = "remote_flags"
    ONE_SIDE = "one_side"


@dataclass(frozen=True)
class Problem:
    """One reason the request cannot be sent, as a sentence naming both VNets."""

    check: Check
    message: str
    field: Field = Field.REMOTE


@dataclass(frozen=True)
class Preflight:
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # worth knowing, not blocking (e.g. a link will be revived)
    revives: tuple[str, ...] = ()  # VNets whose Disconnected link to the other is revived

    @property
    def ok(self) -> bool:
        return not self.problems

    def passed(self, check: Check) -> bool:
        return all(p.check is not check for p in self.problems)

    def summary(self, remote_name: str) -> list[tuple[bool, str]]:
        """The check line: (passed, label) for each group, worded as the storyboard shows."""
        # A Disconnected link is there and will be revived: "no link yet" would contradict
        # the note right below.
        fresh = (f"revives {' and '.join(self.revives)}'s Disconnected link" if self.revives
                 else f"no link to {remote_name} yet")
        labels = {
            Check.OVERLAP: ("no overlap", "address spaces overlap"),
            Check.NAMES: ("names valid", "name problem"),
            Check.EXISTING: (fresh, f"link to {remote_name} exists"),
            Check.GATEWAY: ("gateway settings valid", "gateway settings invalid"),
        }
        if not self.passed(Check.REMOTE):
            return [(False, "remote VNet")]  # nothing else can be checked yet
        return [(self.passed(c), good if self.passed(c) else bad)
                for c, (good, bad) in labels.items()]

    def refusal(self) -> RefusedError:
        return RefusedError("\n".join(p.message for p in self.problems), code="PreflightFailed")


def valid_name_problem(name: str, vnet: str, remote: str) -> str | None:
    """Why `name` cannot name vnet's link to remote, or None when ARM will accept it."""
    if not name:
        return f"Give {vnet}'s link to {remote} a name."
    if len(name) > MAX_NAME:
        return (f"The name of {vnet}'s link to {remote} is {len(name)} characters long; "
                f"the limit is {MAX_NAME}.")
    if not _NAME.fullmatch(name):
        return f"The name {name!r} for {vnet}'s link to {remote} is not valid: {NAME_RULE}."
    return None


def address_index(inventory: Inventory) -> AddressIndex:
    """`tui.cidr.analyse` once per inventory: the form re-checks on every keystroke."""
    hit = _INDEXES.get(id(inventory))
    if hit is not None and hit[0]() is inventory:
        return hit[1]
    index = analyse(inventory)
    if len(_INDEXES) >= 4:
        _INDEXES.clear()
    _INDEXES[id(inventory)] = (weakref.ref(inventory), index)
    return index


_INDEXES: dict[int, tuple[weakref.ref[Inventory], AddressIndex]] = {}


def overlapping_vnets(inventory: Inventory, local: VirtualNetwork) -> dict[ResourceId,
                                                                            tuple[str, ...]]:
    """VNets whose space overlaps `local`'s, with the overlapping ranges (the picker shows
    them disabled: Azure refuses to peer them)."""
    return {o.other(local.id).id: o.overlapping_ranges
            for o in address_index(inventory).overlapping(local.id)}


@dataclass(frozen=True)
class _Side:
    """One link of the request, seen from the VNet it lives on."""

    vnet: VirtualNetwork
    peer: VirtualNetwork
    name: str
    flags: PeeringFlags
    name_field: Field
    flags_field: Field


def _name_problems(side: _Side, existing: Peering | None) -> list[Problem]:
    vnet, peer = side.vnet.name, side.peer.name
    problems = []
    bad = valid_name_problem(side.name, vnet, peer)
    if bad:
        problems.append(Problem(Check.NAMES, bad, side.name_field))
    elif existing is None or existing.name.lower() != side.name.lower():
        clash = next((p for p in side.vnet.peerings if p.name.lower() == side.name.lower()), None)
        if clash:
            problems.append(Problem(Check.NAMES, (
                f"{vnet} already has a link named {clash.name!r} (to "
                f"{clash.remote_vnet_id.name}); choose another name for {vnet}'s link to {peer}."
            ), side.name_field))
    return problems


def gateway_problems(
    vnet: VirtualNetwork,
    peer: VirtualNetwork,
    flags: PeeringFlags,
    peer_transit: bool | None,
    *,
    replacing: Peering | None = None,
    field_: Field = Field.LOCAL_FLAGS,
) -> list[Problem]:
    """ARM's gateway rules for the link on `vnet` to `peer` with `flags`.

    `peer_transit` is whether the peer's link back allows gateway transit, None when there
    is no link back yet. `replacing` is the link being revived or edited (not counted as
    another link using a remote gateway).
    """
    if not flags.use_remote_gateways:
        return []
    problems = []
    if not peer.has_gateway:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peer.name}'s gateway: {peer.name} has no gateway."
        ), field_))
    if peer_transit is False:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peer.name}'s gateway unless {peer.name}'s link to "
            f"{vnet.name} lets {vnet.name} use it (allow gateway transit on {peer.name}'s side)."
        ), field_))
    if vnet.has_gateway:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peer.name}'s gateway: {vnet.name} has a gateway of its own."
        ), field_))
    other = next((p for p in vnet.peerings if p.flags.use_remote_gateways
                  and (replacing is None or p.id != replacing.id)
                  and p.remote_vnet_id != peer.id), None)
    if other:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peer.name}'s gateway: its link {other.name!r} already uses "
            f"{other.remote_vnet_id.name}'s gateway, and only one link per VNet may."
        ), field_))
    return problems


def kept_initiated(local_existing: Peering | None, remote_existing: Peering | None,
                   one_side: bool) -> Peering | None:
    """The Initiated link of an interrupted peering (one side made, the other not): kept as
    it is while the missing side is created, so running `peer` again completes it."""
    if one_side:
        return None
    for mine, theirs in ((local_existing, remote_existing), (remote_existing, local_existing)):
        if mine is not None and mine.state is PeeringState.INITIATED and theirs is None:
            return mine
    return None


def _existing_problems(side: _Side, existing: Peering | None, creating: bool) -> list[Problem]:
    """A VNet may hold one link per remote VNet. A Disconnected one is revived, under its
    own name (re-PUT brings it back to Initiated; azure-facts section 1)."""
    if existing is None:
        return []
    vnet, peer = side.vnet.name, side.peer.name
    if existing.state is PeeringState.DISCONNECTED:
        if not creating:
            return [Problem(Check.EXISTING, (
                f"{vnet}'s link {existing.name!r} to {peer} is Disconnected, and Azure refuses "
                f"a new link on {peer} until it is revived: also create {vnet}'s side, "
                f"which revives it."
            ), Field.ONE_SIDE)]
        if existing.name.lower() != side.name.lower():
            return [Problem(Check.EXISTING, (
                f"{vnet} already has the Disconnected link {existing.name!r} to {peer}; it will "
                f"be revived rather than replaced, so name {vnet}'s side {existing.name!r}."
            ), side.name_field)]
        return []
    if creating:
        fix = (f" {peer} has no link back: create it with `vnettui peer {peer} {vnet} "
               f"--one-side`." if existing.state is PeeringState.INITIATED else "")
        return [Problem(Check.EXISTING, (
            f"{vnet} already has the link {existing.name!r} to {peer} ({existing.state.value}); "
            f"a VNet can have only one link to a given VNet.{fix}"
        ), side.name_field)]
    return []


def preflight(inventory: Inventory, request: PeeringRequest) -> Preflight:
    """Every rule ARM would enforce, checked against what is loaded, before anything is sent."""
    local = inventory.vnet(request.local_vnet_id)
    remote = inventory.vnet(request.remote_vnet_id)
    if local is None:
        return Preflight((Problem(Check.REMOTE,
                                  f"The VNet {request.local_vnet_id.name} is not loaded."),))
    if remote is None:
        what = request.remote_vnet_id.name or "a remote VNet"
        msg = (f"Choose the VNet to peer {local.name} with." if not request.remote_vnet_id
               else f"The VNet {what} is not loaded, so {local.name} cannot be checked against it.")
        return Preflight((Problem(Check.REMOTE, msg),))
    if local.id == remote.id:
        return Preflight((Problem(Check.REMOTE, f"{local.name} cannot be peered with itself."),))

    problems: list[Problem] = []
    notes: list[str] = []
    # Overlap, direct and with VNets already peered to either side (tui.cidr counts a peer
    # whatever its link's state [U: which states ARM counts]).
    if request.subnets is None:
        refusals = address_index(inventory).peering_refusals(local.id, remote.id)
        problems += [Problem(Check.OVERLAP, refusal.message + ".") for refusal in refusals]
        if any(r.code == VNETS_OVERLAP and r.via is None for r in refusals):
            notes += subnet_way_forward(local, remote)
    else:
        # Subnet peering: the overlap rules apply to the chosen subnets' prefixes.
        problems += [Problem(Check.OVERLAP, message) for message in
                     subnet_problems(inventory, local, remote, request.subnets)]
        notes.append(subnet_note(local, remote, request.subnets))

    local_existing = local.peering_to(remote.id)
    remote_existing = remote.peering_to(local.id)
    mine = _Side(local, remote, request.local_name, request.local_flags,
                 Field.LOCAL_NAME, Field.LOCAL_FLAGS)
    theirs = _Side(remote, local, request.remote_name, request.remote_flags,
                   Field.REMOTE_NAME, Field.REMOTE_FLAGS)

    kept = kept_initiated(local_existing, remote_existing, request.one_side)
    if kept is not None:
        side, other = (mine, theirs) if kept is local_existing else (theirs, mine)
        notes.append(f"{side.vnet.name} already has {kept.name!r} to {side.peer.name} "
                     f"(Initiated), left as it is: only {other.vnet.name}'s side "
                     f"{other.name!r} is created, which completes the peering.")
    if kept is None or kept is not local_existing:
        problems += _name_problems(mine, local_existing)
        problems += _existing_problems(mine, local_existing, creating=True)
    if request.one_side:
        problems += _existing_problems(theirs, remote_existing, creating=False)
        if remote_existing and remote_existing.state is PeeringState.INITIATED:
            notes.append(f"{remote.name} already links to {local.name} "
                         f"({remote_existing.name!r}): both links become Connected.")
        elif remote_existing is None:
            notes.append(f"Only {local.name}'s link is created: it stays Initiated, carrying no "
                         f"traffic, until {remote.name} links back (`vnettui peer "
                         f"{remote.name} {local.name} --one-side`).")
    elif kept is None or kept is not remote_existing:
        problems += _name_problems(theirs, remote_existing)
        problems += _existing_problems(theirs, remote_existing, creating=True)
    revives: list[str] = []
    for side, existing in ((mine, local_existing), (theirs, remote_existing)):
        if existing and existing.state is PeeringState.DISCONNECTED and not (
                side is theirs and request.one_side):
            notes.append(f"{side.vnet.name}'s Disconnected link {existing.name!r} to "
                         f"{side.peer.name} will be revived first.")
            revives.append(side.vnet.name)

    # Gateway rules, each side against the other side's transit flag as it will be (a kept
    # link's own flags, not the request's: it is not sent).
    local_flags = kept.flags if kept is not None and kept is local_existing \
        else request.local_flags
    remote_flags = kept.flags if kept is not None and kept is remote_existing \
        else request.remote_flags
    if request.one_side:
        remote_transit = remote_existing.flags.allow_gateway_transit if remote_existing else None
        # [U] Azure's answer to use-remote-gateways with no link back yet is not known; we
        # let it through and it takes effect once the link back allows transit.
    else:
        remote_transit = remote_flags.allow_gateway_transit
    problems += gateway_problems(local, remote, local_flags, remote_transit,
                                 replacing=local_existing, field_=Field.LOCAL_FLAGS)
    if not request.one_side:
        problems += gateway_problems(remote, local, remote_flags,
                                     local_flags.allow_gateway_transit,
                                     replacing=remote_existing, field_=Field.REMOTE_FLAGS)
    return Preflight(tuple(problems), tuple(notes), tuple(revives))


def subnet_way_forward(local: VirtualNetwork, remote: VirtualNetwork) -> list[str]:
    """For two VNets that overlap: whether subnet peering could connect them, and how."""
    route = subnet_route(local, remote)
    if not route.possible:
        return []
    return [f"{route.describe(local.name, remote.name)}: `vnettui peer {local.name} "
            f"{remote.name} --subnets {','.join(route.local)} --remote-subnets "
            f"{','.join(route.remote)}` (or \"peer only these subnets\" in the form)."]


def default_names(local: VirtualNetwork, remote: VirtualNetwork) -> tuple[str, str]:
    """`<local>-to-<remote>` and back, cut to ARM's 80 characters."""
    return (f"{local.name}-to-{remote.name}"[:MAX_NAME].rstrip(".-"),
            f"{remote.name}-to-{local.name}"[:MAX_NAME].rstrip(".-"))
