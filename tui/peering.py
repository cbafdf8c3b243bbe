"""The peering workflow shared by the TUI and the command line.

A peering is two links, one on each VNet, and Azure gives no transaction across them. So
this module checks a request against what is loaded before anything is sent (the same
rules ARM enforces, phrased with both VNets' names), turns it into a plan, applies both
sides concurrently with retries, waits for Connected, and when only one side made it,
says exactly what exists and rolls back or retries. Delete, sync and edit live here too.

No Textual, no SDK: the cloud is any object with the `PeeringBackend` methods
(`tui.azure.AzureBackend` in the product), so the rules are testable on plain data.
"""

from __future__ import annotations

import asyncio
import enum
import re
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from tui.cidr import AddressIndex, analyse
from tui.errors import (
    CloudError,
    NotFoundError,
    RefusedError,
    ThrottledError,
    TransientError,
    VnettuiError,
)
from tui.model import (
    Inventory,
    Peering,
    PeeringFlags,
    PeeringState,
    ResourceId,
    SyncLevel,
    VirtualNetwork,
    rid,
)


class PeeringBackend(Protocol):
    """What the workflow needs from the cloud; `tui.azure.AzureBackend` provides it."""

    async def put_peering(
        self, vnet_id: ResourceId, name: str, remote_vnet_id: ResourceId, flags: PeeringFlags
    ) -> Peering: ...

    async def delete_peering(self, peering_id: ResourceId) -> None: ...

    async def sync_peering(self, peering_id: ResourceId) -> Peering: ...

    async def get_peering(self, peering_id: ResourceId) -> Peering: ...

    async def list_peerings(self, vnet_id: ResourceId) -> list[Peering]: ...

    async def get_vnet(self, vnet_id: ResourceId) -> VirtualNetwork: ...


# ---------------------------------------------------------------------------------------
# Requests and preflight
# ---------------------------------------------------------------------------------------

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

    @property
    def ok(self) -> bool:
        return not self.problems

    def passed(self, check: Check) -> bool:
        return all(p.check is not check for p in self.problems)

    def summary(self, remote_name: str) -> list[tuple[bool, str]]:
        """The check line: (passed, label) for each group, worded as the storyboard shows."""
        labels = {
            Check.OVERLAP: ("no overlap", "address spaces overlap"),
            Check.NAMES: ("names valid", "name problem"),
            Check.EXISTING: (f"no link to {remote_name} yet", f"link to {remote_name} exists"),
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
        return [Problem(Check.EXISTING, (
            f"{vnet} already has the link {existing.name!r} to {peer} ({existing.state.value}); "
            f"a VNet can have only one link to a given VNet."
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
    problems += [Problem(Check.OVERLAP, refusal.message + ".")
                 for refusal in address_index(inventory).peering_refusals(local.id, remote.id)]

    local_existing = local.peering_to(remote.id)
    remote_existing = remote.peering_to(local.id)
    mine = _Side(local, remote, request.local_name, request.local_flags,
                 Field.LOCAL_NAME, Field.LOCAL_FLAGS)
    theirs = _Side(remote, local, request.remote_name, request.remote_flags,
                   Field.REMOTE_NAME, Field.REMOTE_FLAGS)

    problems += _name_problems(mine, local_existing)
    problems += _existing_problems(mine, local_existing, creating=True)
    if request.one_side:
        problems += _existing_problems(theirs, remote_existing, creating=False)
        if remote_existing and remote_existing.state is PeeringState.INITIATED:
            notes.append(f"{remote.name} already links to {local.name} "
                         f"({remote_existing.name!r}): both links become Connected.")
        elif remote_existing is None:
            notes.append(f"Only {local.name}'s link is created: it stays Initiated, carrying no "
                         f"traffic, until {remote.name} links back.")
    else:
        problems += _name_problems(theirs, remote_existing)
        problems += _existing_problems(theirs, remote_existing, creating=True)
    for side, existing in ((mine, local_existing), (theirs, remote_existing)):
        if existing and existing.state is PeeringState.DISCONNECTED and not (
                side is theirs and request.one_side):
            notes.append(f"{side.vnet.name}'s Disconnected link {existing.name!r} to "
                         f"{side.peer.name} will be revived first.")

    # Gateway rules, each side against the other side's transit flag as it will be.
    if request.one_side:
        remote_transit = remote_existing.flags.allow_gateway_transit if remote_existing else None
        # [U] Azure's answer to use-remote-gateways with no link back yet is not known; we
        # let it through and it takes effect once the link back allows transit.
    else:
        remote_transit = request.remote_flags.allow_gateway_transit
    problems += gateway_problems(local, remote, request.local_flags, remote_transit,
                                 replacing=local_existing, field_=Field.LOCAL_FLAGS)
    if not request.one_side:
        problems += gateway_problems(remote, local, request.remote_flags,
                                     request.local_flags.allow_gateway_transit,
                                     replacing=remote_existing, field_=Field.REMOTE_FLAGS)
    return Preflight(tuple(problems), tuple(notes))


def default_names(local: VirtualNetwork, remote: VirtualNetwork) -> tuple[str, str]:
    """`<local>-to-<remote>` and back, cut to ARM's 80 characters."""
    return (f"{local.name}-to-{remote.name}"[:MAX_NAME].rstrip(".-"),
            f"{remote.name}-to-{local.name}"[:MAX_NAME].rstrip(".-"))


# ---------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------


class Action(enum.StrEnum):
    CREATE = "create"
    REVIVE = "revive"  # re-PUT a Disconnected link, back to Initiated
    UPDATE = "update"  # change the flags of a live link


@dataclass(frozen=True)
class PlannedLink:
    """One PUT the plan will send."""

    action: Action
    vnet_id: ResourceId
    vnet_name: str
    name: str
    remote_vnet_id: ResourceId
    remote_vnet_name: str
    flags: PeeringFlags

    @property
    def peering_id(self) -> ResourceId:
        return ResourceId(f"{self.vnet_id}/virtualNetworkPeerings/{self.name}")

    @property
    def label(self) -> str:
        return f"{self.name} on {self.vnet_name}"

    def az_command(self) -> str:
        """The az CLI command that sends the same PUT."""
        vnet, remote = self.vnet_id, self.remote_vnet_id
        head = f"-g {vnet.resource_group} --vnet-name {vnet.name} -n {self.name}"
        tail = f"--subscription {vnet.subscription_id}"
        f = self.flags
        if self.action is Action.CREATE:
            # az takes the remote VNet's bare name when it sits in the same resource group.
            same_rg = (remote.subscription_id.lower() == vnet.subscription_id.lower()
                       and remote.resource_group.lower() == vnet.resource_group.lower())
            opts = [f"--remote-vnet {remote.name if same_rg else remote}"]
            opts += [flag for on, flag in (
                (f.allow_virtual_network_access, "--allow-vnet-access"),
                (f.allow_forwarded_traffic, "--allow-forwarded-traffic"),
                (f.allow_gateway_transit, "--allow-gateway-transit"),
                (f.use_remote_gateways, "--use-remote-gateways"),
            ) if on]
            return f"az network vnet peering create {head} {' '.join(opts)} {tail}"
        sets = " ".join(f"{key}={str(value).lower()}" for key, value in (
            ("allowVirtualNetworkAccess", f.allow_virtual_network_access),
            ("allowForwardedTraffic", f.allow_forwarded_traffic),
            ("allowGatewayTransit", f.allow_gateway_transit),
            ("useRemoteGateways", f.use_remote_gateways),
        ))
        return f"az network vnet peering update {head} --set {sets} {tail}"


@dataclass(frozen=True)
class Plan:
    """The links to send, in waves: revives first (Azure refuses a link whose other side
    is Disconnected), then creates/updates together."""

    preflight: Preflight
    links: tuple[PlannedLink, ...] = ()
    local_vnet_id: ResourceId = field(default_factory=ResourceId)
    remote_vnet_id: ResourceId = field(default_factory=ResourceId)
    local_name: str = ""
    remote_name: str = ""

    @property
    def ok(self) -> bool:
        return self.preflight.ok and bool(self.links)

    @property
    def waves(self) -> list[tuple[PlannedLink, ...]]:
        first = tuple(link for link in self.links if link.action is Action.REVIVE)
        rest = tuple(link for link in self.links if link.action is not Action.REVIVE)
        return [wave for wave in (first, rest) if wave]

    def commands(self) -> list[str]:
        return [link.az_command() for link in self.links]

    def describe(self) -> list[str]:
        """One line per link, for `vnettui peer` and the progress modal."""
        verbs = {Action.CREATE: "create", Action.REVIVE: "revive", Action.UPDATE: "update"}
        return [f"{verbs[link.action]} {link.name} on {link.vnet_name} -> {link.remote_vnet_name}"
                f" ({flags_text(link.flags)})" for link in self.links]


def flags_text(flags: PeeringFlags) -> str:
    on = [label for value, label in (
        (flags.allow_virtual_network_access, "vnet access"),
        (flags.allow_forwarded_traffic, "forwarded traffic"),
        (flags.allow_gateway_transit, "gateway transit"),
        (flags.use_remote_gateways, "remote gateways"),
    ) if value]
    return ", ".join(on) if on else "no access"


def plan_peering(inventory: Inventory, request: PeeringRequest) -> Plan:
    """The plan for a request; `plan.ok` is False (and `links` empty) when preflight fails,
    but the links are still listed for display when the VNets are known."""
    check = preflight(inventory, request)
    local = inventory.vnet(request.local_vnet_id)
    remote = inventory.vnet(request.remote_vnet_id)
    base = Plan(check, (), request.local_vnet_id, request.remote_vnet_id, "", "")
    if local is None or remote is None or local.id == remote.id:
        return base
    links = []
    local_existing = local.peering_to(remote.id)
    remote_existing = remote.peering_to(local.id)
    links.append(PlannedLink(
        Action.REVIVE if local_existing else Action.CREATE, local.id, local.name,
        request.local_name, remote.id, remote.name, request.local_flags))
    if not request.one_side:
        links.append(PlannedLink(
            Action.REVIVE if remote_existing else Action.CREATE, remote.id, remote.name,
            request.remote_name, local.id, local.name, request.remote_flags))
    return replace(base, links=tuple(links), local_name=local.name, remote_name=remote.name)


# ---------------------------------------------------------------------------------------
# Progress, retry, results
# ---------------------------------------------------------------------------------------


class Stage(enum.StrEnum):
    SENDING = "sending"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    STATE = "state"  # a re-read showed a link's state
    DELETING = "deleting"
    DELETED = "deleted"
    SYNCING = "syncing"
    INFO = "info"


@dataclass(frozen=True)
class ProgressEvent:
    stage: Stage
    message: str
    link: PlannedLink | None = None
    peering: Peering | None = None


ProgressCallback = Callable[[ProgressEvent], None]
Sleep = Callable[[float], Awaitable[None]]

# ARM answers worth sending again after a pause (azure-facts sections 1 and 4).
RETRYABLE_CODES = frozenset({
    "ReferencedResourceNotProvisioned",
    "AnotherOperationInProgress",
    "RetryableErrorDueToAnotherOperation",
    "TooManyRequests",
})


def is_retryable(error: VnettuiError) -> bool:
    return (isinstance(error, ThrottledError | TransientError)
            or error.code in RETRYABLE_CODES or error.status == 429)


def pause_of(backend: object, sleep: Sleep | None = None) -> Sleep:
    """How to wait between attempts: `sleep` if given, else the backend's own `sleep` when it
    has one (the sandbox's clock, which never waits longer than its writes take), else
    asyncio.sleep."""
    if sleep is not None:
        return sleep
    own = getattr(backend, "sleep", None)
    return own if callable(own) else asyncio.sleep


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for writes (1, 2, 4 s: about 7 s before giving up)."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Sleep | None = None  # see pause_of

    def delay(self, attempt: int, error: VnettuiError) -> float:
        hinted = error.retry_after if isinstance(error, ThrottledError) else None
        wait = hinted if hinted is not None else self.base_delay * (2 ** (attempt - 1))
        return max(0.0, min(wait, self.max_delay))


@dataclass(frozen=True)
class PollPolicy:
    """How long to watch links settle after the PUTs returned (`polls` re-reads)."""

    polls: int = 30
    interval: float = 1.0
    sleep: Sleep | None = None  # see pause_of


def _emit(on_progress: ProgressCallback | None, event: ProgressEvent) -> None:
    if on_progress is not None:
        on_progress(event)


async def _with_retry(
    backend: PeeringBackend,
    call: Callable[[], Awaitable[Peering | None]],
    what: str,
    policy: RetryPolicy,
    on_progress: ProgressCallback | None,
    link: PlannedLink | None = None,
) -> Peering | None:
    attempt = 1
    while True:
        try:
            return await call()
        except VnettuiError as error:
            if not is_retryable(error) or attempt >= policy.attempts:
                raise
            wait = policy.delay(attempt, error)
            _emit(on_progress, ProgressEvent(Stage.RETRYING, (
                f"{what}: {error.code or 'busy'}; trying again in {wait:g}s "
                f"(attempt {attempt + 1} of {policy.attempts})"), link))
            await pause_of(backend, policy.sleep)(wait)
            attempt += 1


@dataclass(frozen=True)
class LinkResult:
    link: PlannedLink
    peering: Peering | None = None
    error: VnettuiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class PairState:
    """What exists between two VNets, re-read from the cloud (None: could not be read)."""

    local_vnet_id: ResourceId
    local_vnet_name: str
    remote_vnet_id: ResourceId
    remote_vnet_name: str
    local_link: Peering | None = None
    remote_link: Peering | None = None
    unreadable: tuple[str, ...] = ()  # VNet names whose links could not be re-read

    def links(self) -> list[Peering]:
        return [p for p in (self.local_link, self.remote_link) if p is not None]

    def describe(self) -> str:
        parts = []
        for name, other, link in ((self.local_vnet_name, self.remote_vnet_name, self.local_link),
                                  (self.remote_vnet_name, self.local_vnet_name, self.remote_link)):
            if name in self.unreadable:
                parts.append(f"{name}'s links could not be read")
            elif link is None:
                parts.append(f"{name} has no link to {other}")
            else:
                parts.append(f"{name} has {link.name} -> {other} ({state_text(link)})")
        return "Now " + "; ".join(parts) + "."


def state_text(peering: Peering) -> str:
    text = peering.state.value
    if peering.provisioning_state.lower() not in ("succeeded", ""):
        text += f", {peering.provisioning_state}"
    if peering.state is PeeringState.CONNECTED and peering.needs_sync:
        text += ", sync needed"
    return text


async def read_pair(
    backend: PeeringBackend, local_id: ResourceId, local_name: str,
    remote_id: ResourceId, remote_name: str,
) -> PairState:
    """Re-read the links between two VNets from the cloud: the truth after a write."""
    unreadable: list[str] = []

    async def link(vnet_id: ResourceId, name: str, other: ResourceId) -> Peering | None:
        try:
            found = await backend.list_peerings(vnet_id)
        except VnettuiError:
            unreadable.append(name)
            return None
        return next((p for p in found if p.remote_vnet_id == other), None)

    mine, theirs = await asyncio.gather(link(local_id, local_name, remote_id),
                                        link(remote_id, remote_name, local_id))
    return PairState(local_id, local_name, remote_id, remote_name, mine, theirs,
                     tuple(unreadable))


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    results: tuple[LinkResult, ...]
    now: PairState

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[LinkResult]:
        return [r for r in self.results if not r.ok]

    @property
    def succeeded(self) -> list[LinkResult]:
        return [r for r in self.results if r.ok]

    @property
    def half_failed(self) -> bool:
        """Some links went through and some did not: the state a person must decide on."""
        return bool(self.failed) and bool(self.orphans or self.succeeded)

    @property
    def orphans(self) -> list[Peering]:
        """Links this plan created that exist now, while another link of the plan failed."""
        if self.ok:
            return []
        created = {link.peering_id for link in self.plan.links if link.action is Action.CREATE}
        return [p for p in self.now.links() if p.id in created]

    def describe(self) -> str:
        lines = []
        for r in self.results:
            if r.ok:
                lines.append(f"{r.link.label}: {r.link.action.value}d.")
            else:
                lines.append(f"{r.link.label}: failed: {r.error}.")
        lines.append(self.now.describe())
        return "\n".join(lines)


async def _put(backend: PeeringBackend, link: PlannedLink, policy: RetryPolicy,
               on_progress: ProgressCallback | None) -> LinkResult:
    _emit(on_progress, ProgressEvent(Stage.SENDING, f"{link.action.value} {link.label}", link))
    try:
        peering = await _with_retry(
            backend,
            lambda: backend.put_peering(link.vnet_id, link.name, link.remote_vnet_id, link.flags),
            link.label, policy, on_progress, link)
    except VnettuiError as error:
        _emit(on_progress, ProgressEvent(Stage.FAILED, f"{link.label}: {error}", link))
        return LinkResult(link, None, error)
    _emit(on_progress, ProgressEvent(Stage.DONE, f"{link.label}: {link.action.value}d", link,
                                     peering))
    return LinkResult(link, peering)


def _expected_state(plan: Plan, now: PairState) -> PeeringState:
    both = now.local_link is not None and now.remote_link is not None
    return PeeringState.CONNECTED if both else PeeringState.INITIATED


async def _settle(backend: PeeringBackend, plan: Plan, poll: PollPolicy,
                  on_progress: ProgressCallback | None) -> PairState:
    """Re-read both sides until the links show the state they should end in."""
    seen: dict[ResourceId, PeeringState] = {}
    now = await read_pair(backend, plan.local_vnet_id, plan.local_name,
                          plan.remote_vnet_id, plan.remote_name)
    for poll_no in range(poll.polls):
        for link in now.links():
            if seen.get(link.id) is not link.state:
                seen[link.id] = link.state
                _emit(on_progress, ProgressEvent(
                    Stage.STATE, f"{link.name} on {link.vnet_id.name}: {state_text(link)}",
                    peering=link))
        expected = _expected_state(plan, now)
        settled = all(p.state is expected and p.provisioning_state.lower() == "succeeded"
                      for p in now.links())
        if settled or now.unreadable:
            break
        if poll_no == poll.polls - 1:
            _emit(on_progress, ProgressEvent(Stage.INFO, (
                f"still settling after {poll.polls} reads (expected {expected.value}); "
                f"Azure finishes on its own, so read the links again later")))
            break
        await pause_of(backend, poll.sleep)(poll.interval)
        now = await read_pair(backend, plan.local_vnet_id, plan.local_name,
                              plan.remote_vnet_id, plan.remote_name)
    return now


async def apply_plan(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """Send the plan's links (each wave concurrently), then watch them settle.

    Never raises for a cloud failure: the result says which links failed and what exists.
    """
    if not plan.preflight.ok:
        raise plan.preflight.refusal()
    retry = retry or RetryPolicy()
    results: list[LinkResult] = []
    for wave in plan.waves:
        if any(not r.ok for r in results):
            # An earlier wave failed (a revive): the rest would be refused by Azure.
            results += [LinkResult(link, None, CloudError(
                "not sent, because an earlier step failed", code="NotAttempted"))
                for link in wave]
            continue
        results += await asyncio.gather(*(_put(backend, link, retry, on_progress)
                                          for link in wave))
    if all(r.ok for r in results):
        now = await _settle(backend, plan, poll or PollPolicy(), on_progress)
    else:
        now = await read_pair(backend, plan.local_vnet_id, plan.local_name,
                              plan.remote_vnet_id, plan.remote_name)
    return ApplyResult(plan, tuple(results), now)


@dataclass(frozen=True)
class RollbackResult:
    deleted: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    kept: tuple[Peering, ...]  # revived links: they existed before, so they stay
    now: PairState

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        lines = [f"Rolled back: deleted {p.name} on {p.vnet_id.name}." for p in self.deleted]
        lines += [f"Could not delete {p.name} on {p.vnet_id.name}: {e}." for p, e in self.errors]
        lines += [f"Kept {p.name} on {p.vnet_id.name}: it existed before." for p in self.kept]
        lines.append(self.now.describe())
        return "\n".join(lines)


async def roll_back(
    backend: PeeringBackend,
    result: ApplyResult,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> RollbackResult:
    """Delete the links this apply created (they exist now); leave revived ones alone."""
    retry = retry or RetryPolicy()
    created = {link.peering_id for link in result.plan.links if link.action is Action.CREATE}
    doomed = [p for p in result.now.links() if p.id in created]
    kept = tuple(p for p in result.now.links() if p.id not in created)
    errors: list[tuple[Peering, VnettuiError]] = []
    deleted: list[Peering] = []

    async def delete(peering: Peering) -> None:
        label = f"{peering.name} on {peering.vnet_id.name}"
        _emit(on_progress, ProgressEvent(Stage.DELETING, f"rolling back: delete {label}",
                                         peering=peering))
        try:
            await _with_retry(backend, _deleting(backend, peering.id), label, retry, on_progress)
        except VnettuiError as error:
            errors.append((peering, error))
            _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}", peering=peering))
            return
        deleted.append(peering)
        _emit(on_progress, ProgressEvent(Stage.DELETED, f"deleted {label}", peering=peering))

    await asyncio.gather(*(delete(p) for p in doomed))
    plan = result.plan
    now = await read_pair(backend, plan.local_vnet_id, plan.local_name,
                          plan.remote_vnet_id, plan.remote_name)
    return RollbackResult(tuple(deleted), tuple(errors), kept, now)


def _deleting(backend: PeeringBackend, peering_id: ResourceId) -> Callable[
        [], Awaitable[Peering | None]]:
    async def call() -> Peering | None:
        try:
            await backend.delete_peering(peering_id)
        except NotFoundError:
            pass  # already gone: what a delete wanted
        return None
    return call


async def retry_failed(
    backend: PeeringBackend,
    result: ApplyResult,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """Send the failed links again; the ones that went through are kept."""
    failed = {r.link.peering_id for r in result.failed}
    again = replace(result.plan, links=tuple(link for link in result.plan.links
                                             if link.peering_id in failed))
    second = await apply_plan(backend, again, on_progress, retry=retry, poll=poll)
    merged = tuple(next((r2 for r2 in second.results if r2.link.peering_id == r.link.peering_id),
                        r) for r in result.results)
    return ApplyResult(result.plan, merged, second.now)


class Decision(enum.StrEnum):
    """What to do when one side made it and the other did not."""

    ROLL_BACK = "roll back"
    RETRY = "retry"
    KEEP = "keep"


Decide = Callable[[ApplyResult], Awaitable[Decision]]


async def always_roll_back(result: ApplyResult) -> Decision:
    return Decision.ROLL_BACK


@dataclass(frozen=True)
class CreateOutcome:
    """The end of the create workflow: what was applied, and any roll back."""

    result: ApplyResult
    rollback: RollbackResult | None = None
    kept_partial: bool = False

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def now(self) -> PairState:
        return self.rollback.now if self.rollback else self.result.now

    def describe(self) -> str:
        if self.ok:
            return self.now.describe()
        text = self.result.describe()
        if self.rollback:
            text += "\n" + self.rollback.describe()
        elif self.kept_partial and self.result.orphans:
            names = ", ".join(f"{p.name} on {p.vnet_id.name}" for p in self.result.orphans)
            text += (f"\nKept {names}: it carries no traffic until the other side exists "
                     f"(delete it with unpeer, or retry).")
        return text


async def create_peering(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    decide: Decide = always_roll_back,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> CreateOutcome:
    """The whole create: apply, and on a half failure ask `decide` until it is resolved.

    `decide` is the TUI's roll back / retry modal, or the CLI's default (roll back).
    """
    result = await apply_plan(backend, plan, on_progress, retry=retry, poll=poll)
    while result.half_failed:
        choice = await decide(result)
        if choice is Decision.RETRY:
            result = await retry_failed(backend, result, on_progress, retry=retry, poll=poll)
            continue
        if choice is Decision.ROLL_BACK:
            undone = await roll_back(backend, result, on_progress, retry=retry)
            return CreateOutcome(result, undone)
        return CreateOutcome(result, None, kept_partial=True)
    return CreateOutcome(result)


# ---------------------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeleteRequest:
    peering_id: ResourceId
    both: bool = True


@dataclass(frozen=True)
class DeletePlan:
    peering: Peering
    vnet_name: str
    remote_vnet_name: str
    reverse: Peering | None
    both: bool

    @property
    def targets(self) -> list[Peering]:
        return [self.peering] + ([self.reverse] if self.both and self.reverse else [])

    def question(self) -> str:
        return f"Delete {self.peering.name} on {self.vnet_name}?"

    def consequence(self, both: bool | None = None) -> str:
        both = self.both if both is None else both
        if self.reverse is None:
            return (f"{self.remote_vnet_name} has no link back to {self.vnet_name}, so nothing "
                    f"else changes.")
        if both:
            return (f"The link {self.reverse.name} on {self.remote_vnet_name} is deleted too: "
                    f"{self.vnet_name} and {self.remote_vnet_name} are no longer peered.")
        return (f"The link {self.reverse.name} on {self.remote_vnet_name} will become "
                f"Disconnected and carry no traffic.")

    def commands(self) -> list[str]:
        return [f"az network vnet peering delete -g {p.vnet_id.resource_group} "
                f"--vnet-name {p.vnet_id.name} -n {p.name} "
                f"--subscription {p.vnet_id.subscription_id}" for p in self.targets]


def find_peering(inventory: Inventory, peering_id: str) -> Peering | None:
    pid = rid(peering_id)
    vnet = inventory.vnet(pid.parent)
    if vnet is None:
        vnet = next((v for v in inventory.vnets if any(p.id == pid for p in v.peerings)), None)
    return next((p for p in vnet.peerings if p.id == pid), None) if vnet else None


def plan_delete(inventory: Inventory, peering: Peering, both: bool = True) -> DeletePlan:
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    reverse = inventory.reverse_of(peering)
    return DeletePlan(peering, vnet.name if vnet else peering.vnet_id.name,
                      remote.name if remote else peering.remote_vnet_id.name, reverse, both)


@dataclass(frozen=True)
class DeleteResult:
    plan: DeletePlan
    deleted: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    now: PairState

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        lines = [f"Deleted {p.name} on {p.vnet_id.name}." for p in self.deleted]
        lines += [f"Could not delete {p.name} on {p.vnet_id.name}: {e}." for p, e in self.errors]
        lines.append(self.now.describe())
        return "\n".join(lines)


async def delete_peering(
    backend: PeeringBackend,
    plan: DeletePlan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> DeleteResult:
    """Delete one or both links concurrently, then re-read what is left."""
    retry = retry or RetryPolicy()
    deleted: list[Peering] = []
    errors: list[tuple[Peering, VnettuiError]] = []

    async def delete(peering: Peering) -> None:
        label = f"{peering.name} on {peering.vnet_id.name}"
        _emit(on_progress, ProgressEvent(Stage.DELETING, f"delete {label}", peering=peering))
        try:
            await _with_retry(backend, _deleting(backend, peering.id), label, retry, on_progress)
        except VnettuiError as error:
            errors.append((peering, error))
            _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}", peering=peering))
            return
        deleted.append(peering)
        _emit(on_progress, ProgressEvent(Stage.DELETED, f"deleted {label}", peering=peering))

    await asyncio.gather(*(delete(p) for p in plan.targets))
    now = await read_pair(backend, plan.peering.vnet_id, plan.vnet_name,
                          plan.peering.remote_vnet_id, plan.remote_vnet_name)
    for link in now.links():
        _emit(on_progress, ProgressEvent(
            Stage.STATE, f"{link.name} on {link.vnet_id.name}: {state_text(link)}", peering=link))
    return DeleteResult(plan, tuple(deleted), tuple(errors), now)


# ---------------------------------------------------------------------------------------
# Sync
# ---------------------------------------------------------------------------------------


def sides_to_sync(link: Peering, reverse: Peering | None) -> list[Peering]:
    """The links whose copy of the other VNet's space is stale.

    Azure reports LocalNotInSync on the link that must be synced (azure-facts section 1:
    after vnet1 grows, vnet2's link says LocalNotInSync and syncing it settles both).
    LocalAndRemoteNotInSync means both ends changed [U], so both are synced.
    """
    stale = (SyncLevel.LOCAL_NOT_IN_SYNC, SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC)
    chosen = [p for p in (link, reverse) if p is not None and p.sync_level in stale]
    if chosen:
        return chosen
    # Only one side reports (the other could not be read): RemoteNotInSync points at the
    # other side; with no other side to sync, syncing this one is all that can be done.
    if link.sync_level is SyncLevel.REMOTE_NOT_IN_SYNC:
        return [reverse] if reverse is not None else [link]
    if reverse is not None and reverse.sync_level is SyncLevel.REMOTE_NOT_IN_SYNC:
        return [link]
    if (link.remote_vnet_address_prefixes
            and set(link.remote_address_prefixes) != set(link.remote_vnet_address_prefixes)):
        return [link]
    return []


@dataclass(frozen=True)
class SyncResult:
    synced: tuple[Peering, ...]
    errors: tuple[tuple[Peering, VnettuiError], ...]
    now: PairState
    already_in_sync: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        if self.already_in_sync:
            return "Both links are already in sync; nothing was sent.\n" + self.now.describe()
        lines = [f"Synced {p.name} on {p.vnet_id.name}: {p.sync_level.value}."
                 for p in self.synced]
        lines += [f"Could not sync {p.name} on {p.vnet_id.name}: {e}." for p, e in self.errors]
        lines.append(self.now.describe())
        return "\n".join(lines)


async def sync_peering(
    backend: PeeringBackend,
    peering_id: ResourceId,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> SyncResult:
    """Re-read the link and its reverse, sync the stale side(s), re-read both."""
    retry = retry or RetryPolicy()
    link = await backend.get_peering(peering_id)
    local_name, remote_name = link.vnet_id.name, link.remote_vnet_id.name
    before = await read_pair(backend, link.vnet_id, local_name, link.remote_vnet_id, remote_name)
    reverse = before.remote_link
    targets = sides_to_sync(before.local_link or link, reverse)
    if not targets:
        return SyncResult((), (), before, already_in_sync=True)
    synced: list[Peering] = []
    errors: list[tuple[Peering, VnettuiError]] = []

    async def sync(peering: Peering) -> None:
        label = f"{peering.name} on {peering.vnet_id.name}"
        _emit(on_progress, ProgressEvent(Stage.SYNCING, f"sync {label}", peering=peering))
        try:
            done = await _with_retry(backend, lambda: backend.sync_peering(peering.id), label,
                                     retry, on_progress)
        except VnettuiError as error:
            errors.append((peering, error))
            _emit(on_progress, ProgressEvent(Stage.FAILED, f"{label}: {error}", peering=peering))
            return
        synced.append(done or peering)
        _emit(on_progress, ProgressEvent(Stage.DONE, f"synced {label}", peering=done))

    await asyncio.gather(*(sync(p) for p in targets))
    now = await read_pair(backend, link.vnet_id, local_name, link.remote_vnet_id, remote_name)
    return SyncResult(tuple(synced), tuple(errors), now)


# ---------------------------------------------------------------------------------------
# Edit
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditRequest:
    peering_id: ResourceId
    flags: PeeringFlags


def check_edit(inventory: Inventory, peering: Peering, flags: PeeringFlags) -> Preflight:
    """The gateway rules for new flags on an existing link (the rest cannot change)."""
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    if vnet is None:
        return Preflight((Problem(Check.REMOTE,
                                  f"The VNet {peering.vnet_id.name} is not loaded."),))
    reverse = inventory.reverse_of(peering)
    problems: list[Problem] = []
    notes: list[str] = []
    if remote is not None:
        problems += gateway_problems(
            vnet, remote, flags, reverse.flags.allow_gateway_transit if reverse else None,
            replacing=peering, field_=Field.LOCAL_FLAGS)
        if reverse and reverse.flags.use_remote_gateways and not flags.allow_gateway_transit:
            problems.append(Problem(Check.GATEWAY, (
                f"{remote.name}'s link {reverse.name!r} uses {vnet.name}'s gateway, so "
                f"{vnet.name}'s link must keep allowing gateway transit."
            ), Field.LOCAL_FLAGS))
    elif flags.use_remote_gateways and vnet.has_gateway:
        problems.append(Problem(Check.GATEWAY, (
            f"{vnet.name} cannot use {peering.remote_vnet_id.name}'s gateway: {vnet.name} has "
            f"a gateway of its own."), Field.LOCAL_FLAGS))
    if peering.state is PeeringState.DISCONNECTED:
        notes.append(f"{peering.name} is Disconnected: saving it revives it (Initiated) until "
                     f"{peering.remote_vnet_id.name} links back.")
    return Preflight(tuple(problems), tuple(notes))


def plan_edit(inventory: Inventory, request: EditRequest) -> Plan:
    peering = find_peering(inventory, request.peering_id)
    if peering is None:
        return Plan(Preflight((Problem(Check.REMOTE, (
            f"The link {request.peering_id.name} is not loaded.")),)))
    check = check_edit(inventory, peering, request.flags)
    vnet = inventory.vnet(peering.vnet_id)
    remote = inventory.vnet(peering.remote_vnet_id)
    vnet_name = vnet.name if vnet else peering.vnet_id.name
    remote_name = remote.name if remote else peering.remote_vnet_id.name
    action = Action.REVIVE if peering.state is PeeringState.DISCONNECTED else Action.UPDATE
    link = PlannedLink(action, peering.vnet_id, vnet_name, peering.name,
                       peering.remote_vnet_id, remote_name, request.flags)
    return Plan(check, (link,), peering.vnet_id, peering.remote_vnet_id, vnet_name, remote_name)


async def edit_peering(
    backend: PeeringBackend,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> ApplyResult:
    """PUT the link with its new flags and re-read both sides."""
    return await apply_plan(backend, plan, on_progress, retry=retry,
                            poll=poll or PollPolicy(polls=1))


def ensure_writable(read_only: bool, what: str) -> None:
    """`--read-only` refuses every write before anything is sent."""
    if read_only:
        raise RefusedError(f"Refused to {what}: vnettui runs read-only (--read-only).",
                           code="ReadOnly")



# ---------------------------------------------------------------------------------------
# One entry point for the app: whatever a modal returned, carried out
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncRequest:
    peering_id: ResourceId


Request = PeeringRequest | DeleteRequest | EditRequest | SyncRequest


class Outcome(Protocol):
    """What every operation ends with: did it work, and what exists now, in words."""

    @property
    def ok(self) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Refused:
    """An operation that stopped before anything was sent, or could not start."""

    error: VnettuiError

    @property
    def ok(self) -> bool:
        return False

    def describe(self) -> str:
        return str(self.error)


def title_of(inventory: Inventory, request: Request) -> str:
    """A heading for the progress modal."""
    def name(vnet_id: ResourceId) -> str:
        vnet = inventory.vnet(vnet_id)
        return vnet.name if vnet else vnet_id.name

    if isinstance(request, PeeringRequest):
        return f"Peering {name(request.local_vnet_id)} with {name(request.remote_vnet_id)}"
    verb = {DeleteRequest: "Deleting", EditRequest: "Changing", SyncRequest: "Syncing"}
    return f"{verb[type(request)]} {request.peering_id.name} on {request.peering_id.parent.name}"


def describe_request(inventory: Inventory, request: Request) -> list[str]:
    """What will be sent, one line each, before it is (the progress modal's first lines)."""
    if isinstance(request, PeeringRequest):
        return plan_peering(inventory, request).describe()
    if isinstance(request, EditRequest):
        return plan_edit(inventory, request).describe()
    if isinstance(request, SyncRequest):
        return [f"sync the stale side of {request.peering_id.name} and re-read both links"]
    peering = find_peering(inventory, request.peering_id)
    if peering is None:
        return []
    return [f"delete {p.name} on {p.vnet_id.name}"
            for p in plan_delete(inventory, peering, request.both).targets]


def write_targets(inventory: Inventory, request: Request) -> list[VirtualNetwork]:
    """The VNets a request writes to (for read-only subscriptions and production checks)."""
    if isinstance(request, PeeringRequest):
        ids = [request.local_vnet_id] + ([] if request.one_side else [request.remote_vnet_id])
    elif isinstance(request, DeleteRequest):
        peering = find_peering(inventory, request.peering_id)
        plan = plan_delete(inventory, peering, request.both) if peering else None
        ids = [p.vnet_id for p in plan.targets] if plan else [request.peering_id.parent]
    elif isinstance(request, SyncRequest):
        # Which side gets synced is decided on fresh data, so both may be written.
        peering = find_peering(inventory, request.peering_id)
        ids = [request.peering_id.parent] + ([peering.remote_vnet_id] if peering else [])
    else:
        ids = [request.peering_id.parent]
    found = [inventory.vnet(i) for i in ids]
    return [v for v in found if v is not None]


async def perform(
    backend: PeeringBackend,
    inventory: Inventory,
    request: Request,
    on_progress: ProgressCallback | None = None,
    decide: Decide = always_roll_back,
    *,
    read_only: bool = False,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> Outcome:
    """Carry out what a peering modal returned. Never raises a `VnettuiError`: a refusal
    or a failure to start comes back as a `Refused` outcome, so the app only shows it.
    """
    try:
        ensure_writable(read_only, title_of(inventory, request).lower())
        if isinstance(request, PeeringRequest):
            plan = plan_peering(inventory, request)
            if not plan.ok:
                raise plan.preflight.refusal()
            return await create_peering(backend, plan, on_progress, decide, retry=retry,
                                        poll=poll)
        if isinstance(request, EditRequest):
            plan = plan_edit(inventory, request)
            if not plan.ok:
                raise plan.preflight.refusal()
            return await edit_peering(backend, plan, on_progress, retry=retry, poll=poll)
        if isinstance(request, SyncRequest):
            return await sync_peering(backend, request.peering_id, on_progress, retry=retry)
        peering = find_peering(inventory, request.peering_id)
        if peering is None:
            raise RefusedError(f"The link {request.peering_id.name} is not loaded; refresh.",
                               code="NotLoaded")
        return await delete_peering(backend, plan_delete(inventory, peering, request.both),
                                    on_progress, retry=retry)
    except VnettuiError as error:
        return Refused(error)
