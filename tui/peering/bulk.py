"""Many peerings in one plan: a hub with its spokes, or a mesh of VNets that all peer with
each other. Validated whole before anything is sent.

Every pair gets the checks of the peering form (`plan_peering`: overlaps with each other
and with the VNets already peered to either side, names, existing links, gateways). What
no single pair can see is checked across the plan: two new spokes whose spaces overlap
(Azure refuses the second one, since both would be peered with the hub), and link names
the pattern makes twice on one VNet. Pairs already peered both ways (Connected) are left
as they are and said so; a half-made pair is completed, as `peer` completes it.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from tui.errors import InputError, RefusedError
from tui.model import Inventory, PeeringFlags, PeeringState, ResourceId, VirtualNetwork
from tui.peering.plan import Plan, flags_text, plan_peering
from tui.peering.preflight import MAX_NAME, PeeringRequest, address_index

DEFAULT_PATTERN = "{local}-to-{remote}"
PLACEHOLDERS = ("local", "remote")


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot make link names, or None. `{local}` is the VNet the link lives
    on, `{remote}` the VNet it points to; both must appear, or every link on the hub
    would get the same name."""
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(pattern) if f is not None]
    except ValueError as error:
        return f"The name pattern {pattern!r} is not valid: {error}."
    unknown = [f for f in fields if f not in PLACEHOLDERS]
    if unknown:
        return (f"The name pattern {pattern!r} uses {{{unknown[0]}}}; use {{local}} (the VNet "
                "the link lives on) and {remote} (the VNet it points to).")
    if not {"local", "remote"} <= set(fields):
        return (f"The name pattern {pattern!r} must use both {{local}} and {{remote}}, so "
                "each link on a VNet gets its own name.")
    return None


def link_name(pattern: str, local: VirtualNetwork, remote: VirtualNetwork) -> str:
    """The name `pattern` gives the link on `local` to `remote`, cut to ARM's 80 characters
    as the default names are."""
    return pattern.format(local=local.name, remote=remote.name)[:MAX_NAME].rstrip(".-")


@dataclass(frozen=True)
class BulkPair:
    """One peering of the plan: its request and its own checked plan, or why it is left."""

    request: PeeringRequest
    plan: Plan
    local: VirtualNetwork
    remote: VirtualNetwork
    skipped: str = ""  # why nothing is sent (already peered both ways)

    @property
    def label(self) -> str:
        return f"{self.local.name} ↔ {self.remote.name}"

    @property
    def ok(self) -> bool:
        return bool(self.skipped) or self.plan.ok

    @property
    def problems(self) -> list[str]:
        return [p.message for p in self.plan.preflight.problems] if not self.skipped else []


@dataclass(frozen=True)
class BulkProblem:
    """A reason the plan cannot be sent that no single pair shows, the VNets it names (a
    form greys them out) and the pairs it concerns (indices into `BulkPlan.pairs`)."""

    message: str
    vnets: tuple[ResourceId, ...] = ()
    pairs: tuple[int, ...] = ()


@dataclass(frozen=True)
class BulkPlan:
    kind: str  # "hub" or "mesh"
    pairs: tuple[BulkPair, ...]
    problems: tuple[BulkProblem, ...] = ()
    hub: VirtualNetwork | None = None
    pattern: str = DEFAULT_PATTERN
    notes: tuple[str, ...] = field(default=())

    @property
    def to_send(self) -> tuple[BulkPair, ...]:
        return tuple(p for p in self.pairs if not p.skipped)

    @property
    def ok(self) -> bool:
        """Nothing blocks and something is to be sent."""
        return not self.problems and bool(self.to_send) and all(p.ok for p in self.pairs)

    def messages(self) -> list[str]:
        """Every reason it cannot be sent: across pairs first, then pair by pair."""
        found = [p.message for p in self.problems]
        found += [f"{pair.label}: {problem}" for pair in self.pairs for problem in pair.problems]
        if not found and not self.to_send:
            found.append("Every pair is already peered both ways: nothing to send.")
        return found

    def refusal(self) -> RefusedError:
        return RefusedError("\n".join(self.messages()), code="PreflightFailed")

    def targets(self) -> list[VirtualNetwork]:
        """The VNets the plan writes to (for read-only and production checks)."""
        found: dict[ResourceId, VirtualNetwork] = {}
        for pair in self.to_send:
            found.setdefault(pair.local.id, pair.local)
            found.setdefault(pair.remote.id, pair.remote)
        return list(found.values())

    def commands(self) -> list[str]:
        return [command for pair in self.to_send for command in pair.plan.commands()]

    def describe(self) -> list[str]:
        """One line per link to send, and one per pair left alone."""
        lines = []
        for pair in self.pairs:
            if pair.skipped:
                lines.append(f"leave {pair.label}: {pair.skipped}")
            else:
                lines += pair.plan.describe()
        return lines

    def subset(self, pairs: Sequence[BulkPair]) -> BulkPlan:
        """The same plan with only `pairs` (e.g. the ones to send again)."""
        return BulkPlan(self.kind, tuple(pairs), (), self.hub, self.pattern)


def _already_peered(local: VirtualNetwork, remote: VirtualNetwork) -> str:
    there, back = local.peering_to(remote.id), remote.peering_to(local.id)
    if there is None or back is None:
        return ""
    if there.state is PeeringState.CONNECTED and back.state is PeeringState.CONNECTED:
        return (f"already peered both ways ({there.name} and {back.name} are Connected); "
                "its settings are left as they are")
    return ""


def _pair(inventory: Inventory, local: VirtualNetwork, remote: VirtualNetwork,
          local_flags: PeeringFlags, remote_flags: PeeringFlags, pattern: str) -> BulkPair:
    # A Disconnected link is revived under its own name (Azure refuses a second link).
    names = []
    for vnet, other in ((local, remote), (remote, local)):
        old = vnet.peering_to(other.id)
        names.append(old.name if old is not None and old.state is PeeringState.DISCONNECTED
                     else link_name(pattern, vnet, other))
    request = PeeringRequest(local.id, remote.id, names[0], names[1], local_flags,
                             remote_flags)
    skipped = _already_peered(local, remote)
    plan = plan_peering(inventory, request)
    return BulkPair(request, plan, local, remote, skipped)


def _unique(vnets: Sequence[VirtualNetwork], what: str) -> None:
    seen: set[ResourceId] = set()
    for vnet in vnets:
        if vnet.id in seen:
            raise InputError(f"{vnet.name} is named twice among the {what}.")
        seen.add(vnet.id)


def _name_clashes(pairs: Sequence[BulkPair]) -> list[BulkProblem]:
    """Two links of the plan with one name on the same VNet."""
    named: dict[tuple[ResourceId, str], list[int]] = {}
    for index, pair in enumerate(pairs):
        if pair.skipped:
            continue
        for link in pair.plan.links:
            named.setdefault((link.vnet_id, link.name.casefold()), []).append(index)
    return [BulkProblem(f"The plan gives two links on {vnet.name} the name {name!r} ("
                        f"{' and '.join(pairs[i].label for i in found)}): change the name "
                        "pattern.", (vnet,), tuple(found))
            for (vnet, name), found in named.items() if len(found) > 1]


def plan_hub(inventory: Inventory, hub: VirtualNetwork, spokes: Sequence[VirtualNetwork], *,
             hub_flags: PeeringFlags | None = None, spoke_flags: PeeringFlags | None = None,
             pattern: str = DEFAULT_PATTERN) -> BulkPlan:
    """Peer `hub` with each of `spokes`: `hub_flags` on the hub's links (gateway transit),
    `spoke_flags` on the spokes' (use the hub's gateway, accept forwarded traffic)."""
    if problem := pattern_problem(pattern):
        raise InputError(problem)
    if not spokes:
        raise InputError(f"Choose at least one spoke to connect to {hub.name}.")
    _unique(spokes, "spokes")
    if any(s.id == hub.id for s in spokes):
        raise InputError(f"{hub.name} is the hub; it cannot be one of its own spokes.")
    hub_flags = hub_flags or PeeringFlags()
    spoke_flags = spoke_flags or PeeringFlags()
    pairs = tuple(_pair(inventory, hub, spoke, hub_flags, spoke_flags, pattern)
                  for spoke in spokes)
    problems = _name_clashes(pairs)
    # Two new spokes that overlap: once the first is peered with the hub, Azure refuses
    # the second (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet).
    index = address_index(inventory)
    new = [(i, p.remote) for i, p in enumerate(pairs) if not p.skipped]
    for (i, a), (j, b) in combinations(new, 2):
        overlap = next((o for o in index.overlapping(a.id) if o.other(a.id).id == b.id), None)
        if overlap is not None:
            ranges = ", ".join(overlap.overlapping_ranges)
            problems.append(BulkProblem(
                f"{a.name} and {b.name} overlap ({ranges}): both would be peered with "
                f"{hub.name}, and Azure refuses a peering that puts two overlapping VNets "
                "behind one hub; leave one of them out.", (a.id, b.id), (i, j)))
    notes = tuple(f"{p.label}: {p.skipped}." for p in pairs if p.skipped)
    return BulkPlan("hub", pairs, tuple(problems), hub, pattern, notes)


def plan_mesh(inventory: Inventory, vnets: Sequence[VirtualNetwork], *,
              flags: PeeringFlags | None = None, pattern: str = DEFAULT_PATTERN) -> BulkPlan:
    """Peer every two of `vnets` (n·(n-1) links); refused with the reasons when any two
    overlap (each pair's own check says which)."""
    if problem := pattern_problem(pattern):
        raise InputError(problem)
    if len(vnets) < 2:
        raise InputError("A mesh needs at least two VNets.")
    _unique(vnets, "VNets of the mesh")
    flags = flags or PeeringFlags()
    pairs = tuple(_pair(inventory, a, b, flags, flags, pattern)
                  for a, b in combinations(vnets, 2))
    notes = tuple(f"{p.label}: {p.skipped}." for p in pairs if p.skipped)
    return BulkPlan("mesh", pairs, tuple(_name_clashes(pairs)), None, pattern, notes)


def plan_table(plan: BulkPlan) -> list[tuple[str, str, str, str]]:
    """(pair, what is sent, settings, check) rows: the plan as the form and `--dry-run`
    show it."""
    rows = []
    for index, pair in enumerate(plan.pairs):
        if pair.skipped:
            rows.append((pair.label, "nothing", "", "already peered"))
            continue
        sent = ", ".join(f"{link.action.value} {link.name}" for link in pair.plan.links)
        settings = " / ".join(flags_text(link.flags) for link in pair.plan.links)
        count = len(pair.problems) + sum(index in p.pairs for p in plan.problems)
        check = "ok" if not count else f"✗ {count} problem" + ("s" if count != 1 else "")
        rows.append((pair.label, sent or "nothing", settings, check))
    return rows


@dataclass(frozen=True)
class HubRequest:
    """What the connect-spokes form asks for (planned again on the inventory at send)."""

    hub_id: ResourceId
    spoke_ids: tuple[ResourceId, ...]
    hub_flags: PeeringFlags = field(default_factory=PeeringFlags)
    spoke_flags: PeeringFlags = field(default_factory=PeeringFlags)
    pattern: str = DEFAULT_PATTERN


@dataclass(frozen=True)
class MeshRequest:
    """What the mesh form asks for: every two of these VNets peered, one set of settings."""

    vnet_ids: tuple[ResourceId, ...]
    flags: PeeringFlags = field(default_factory=PeeringFlags)
    pattern: str = DEFAULT_PATTERN


def _loaded(inventory: Inventory, vnet_id: ResourceId) -> VirtualNetwork:
    vnet = inventory.vnet(vnet_id)
    if vnet is None:
        raise InputError(f"The VNet {vnet_id.name} is not loaded; refresh.")
    return vnet


def plan_hub_request(inventory: Inventory, request: HubRequest | MeshRequest) -> BulkPlan:
    """The plan for a form's request (a hub's or a mesh's); InputError when a VNet is no
    longer loaded."""
    if isinstance(request, MeshRequest):
        return plan_mesh(inventory, [_loaded(inventory, v) for v in request.vnet_ids],
                         flags=request.flags, pattern=request.pattern)
    return plan_hub(inventory, _loaded(inventory, request.hub_id),
                    [_loaded(inventory, s) for s in request.spoke_ids],
                    hub_flags=request.hub_flags, spoke_flags=request.spoke_flags,
                    pattern=request.pattern)
