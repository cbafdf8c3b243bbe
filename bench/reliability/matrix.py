"""What the fault suite runs: the commands, the fault scenarios, and which cells the CI
size keeps. Data only; `runner` runs a cell and `verdict` judges it.

Every command runs on the `showcase` scenario, each on VNets of its own, so a cell's
targets are known before it runs:
- `peer vnet1 vnet2` (AZ-303 Lab, not peered),
- `unpeer spoke4-vnet spoke4-to-spoke5 --both` (Contoso Platform, Connected both ways),
- `sync spoke2-vnet spoke2-to-hub` (hub-to-spoke2 is LocalNotInSync).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PEER, UNPEER, SYNC = "peer", "unpeer --both", "sync"
LIST, CONFLICTS, CHECK = "list vnets", "conflicts", "check vm1 vm2"


@dataclass(frozen=True)
class Command:
    """One column of the table: a command line and what it means for it to succeed."""

    key: str
    argv: tuple[str, ...]
    success: frozenset[int]  # exit codes that mean it did its job (1 = a negative verdict)
    pair: tuple[str, str] | None = None  # the VNets whose links a write changes
    goal: str = ""  # "peered" | "unpeered" | "synced": what exit 0 promises about the pair

    @property
    def writes(self) -> bool:
        return self.pair is not None


COMMANDS: dict[str, Command] = {c.key: c for c in (
    Command(LIST, ("list", "vnets"), frozenset({0})),
    Command(CONFLICTS, ("conflicts",), frozenset({0, 1})),
    Command(CHECK, ("check", "vm1", "vm2"), frozenset({0, 1})),
    Command(PEER, ("peer", "vnet1", "vnet2"), frozenset({0}), ("vnet1", "vnet2"), "peered"),
    Command(UNPEER, ("unpeer", "spoke4-vnet", "spoke4-to-spoke5", "--both"), frozenset({0}),
            ("spoke4-vnet", "spoke5-vnet"), "unpeered"),
    Command(SYNC, ("sync", "spoke2-vnet", "spoke2-to-hub"), frozenset({0}),
            ("spoke2-vnet", "hub-vnet"), "synced"),
)}
READS = (LIST, CONFLICTS, CHECK)
WRITES = (PEER, UNPEER, SYNC)
EVERY = READS + WRITES

# Where a `peer` is killed, as the sandbox's request log shows it: (label, method, a
# substring of the path, how many such requests must have been answered). Every request
# waits KILL_LATENCY_MS and vnet2's side KILL_SLOW_MS more, so the two PUTs, sent at once,
# are answered apart and the kill lands in the gap after the answer the watcher saw.
KILL_POINTS: tuple[tuple[str, str, str, int], ...] = (
    ("reading the inventory", "GET", "/Microsoft.Network/virtualNetworks", 1),
    ("side A created", "PUT", "/vnet1-to-vnet2", 1),
    ("side A settled", "GET", "/operations/", 1),
    ("side B created", "PUT", "/vnet2-to-vnet1", 1),
    ("watching both", "GET", "/operations/", 2),
)
KILL_PROFILE = {"latency_ms": 100, "slow_paths": ["/vnet2-to-vnet1"], "slow_ms": 400}


@dataclass(frozen=True)
class Scenario:
    """One group of rows: a fault profile per command it applies to.

    `kind` says how the runner sets it up: "fault" (the profile alone), "read-only"
    (`--read-only` too), "kill" (SIGKILL at `kill_point`, then `peer` again), "race" (two
    copies at once), "lock" (another process holds the file's lock for `hold_seconds`),
    "corrupt" / "foreign" (the state file is random bytes / another SQLite database).
    """

    key: str
    profiles: Mapping[str, Mapping[str, Any]]
    kind: str = "fault"
    kill_point: int = 0
    hold_seconds: float = 0.0
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


def each(commands: Iterable[str], **profile: Any) -> dict[str, dict[str, Any]]:
    return {c: dict(profile) for c in commands}


def scenarios(*, lock_seconds: float) -> list[Scenario]:
    """Every row group of the full table, in the order printed."""
    rows = [
        Scenario("no fault", each(EVERY)),
        Scenario("throttle every 2nd", each(EVERY, throttle_every=2)),
        Scenario("throttle every 3rd", each(EVERY, throttle_every=3)),
        Scenario("throttle every 4th", each(EVERY, throttle_every=4)),
        Scenario("503 every 4th", each(EVERY, error_every=4, error_status=503)),
        Scenario("drop every 4th", each(EVERY, drop_every=4)),
        Scenario("hang every 5th, 1 s timeout", each(EVERY, hang_every=5, hang_seconds=1)),
        Scenario("forbidden: AZ-303 Lab", each(EVERY, forbidden_subscriptions=["AZ-303 Lab"])),
        Scenario("write fails on side A", {
            PEER: {"fail_writes": ["vnet1-to-vnet2"]},
            UNPEER: {"fail_writes": ["spoke4-to-spoke5"]},
            SYNC: {"fail_writes": ["hub-to-spoke2"]},  # the stale side, the one synced
        }),
        Scenario("write fails on side B", {
            PEER: {"fail_writes": ["vnet2-to-vnet1"]},
            UNPEER: {"fail_writes": ["spoke5-to-spoke4"]},
        }),
        Scenario("side B and the rollback fail", {
            PEER: {"fail_writes": ["vnet2-to-vnet1"], "fail_deletes": ["vnet1-to-vnet2"]},
        }),
        Scenario("--read-only", each(EVERY), kind="read-only"),
    ]
    rows += [
        Scenario(f"kill -9: {label}", {PEER: KILL_PROFILE}, kind="kill",
                 kill_point=n)
        for n, (label, *_) in enumerate(KILL_POINTS)
    ]
    rows += [
        Scenario("two writers racing", each(WRITES, latency_ms=10), kind="race"),
        Scenario("state file corrupt", each(EVERY), kind="corrupt"),
        Scenario("state file foreign", each(EVERY), kind="foreign"),
        Scenario(f"state file locked {lock_seconds:g} s", each(EVERY), kind="lock",
                 hold_seconds=lock_seconds),
    ]
    return rows


# The CI size: each kind of fault once, on the command it tells most about, so every
# command but one runs at least once (`sync` only refused: it shares peer's code path), in
# about 30 s on a shared 2-core machine. `make reliability` runs the whole table.
CI_CELLS: tuple[tuple[str, str], ...] = (
    ("throttle every 2nd", LIST),
    ("hang every 5th, 1 s timeout", CHECK),
    ("drop every 4th", PEER),
    ("forbidden: AZ-303 Lab", PEER),
    ("side B and the rollback fail", PEER),
    ("--read-only", SYNC),
    ("kill -9: side A created", PEER),
    ("two writers racing", UNPEER),
    ("state file corrupt", CONFLICTS),
    ("state file foreign", UNPEER),
    ("state file locked 1.5 s", PEER),
)
CI_LOCK_SECONDS = 1.5
FULL_LOCK_SECONDS = 35.0  # past the store's 30 s busy timeout: the command must give up


def cells(size: str) -> list[tuple[Scenario, Command]]:
    """(scenario, command) pairs of the table at `size` ("ci" or "full"), in order."""
    if size == "ci":
        by_key = {s.key: s for s in scenarios(lock_seconds=CI_LOCK_SECONDS)}
        return [(by_key[s], COMMANDS[c]) for s, c in CI_CELLS]
    full = scenarios(lock_seconds=FULL_LOCK_SECONDS)
    return [(s, COMMANDS[c]) for s in full for c in EVERY if c in s.profiles]
