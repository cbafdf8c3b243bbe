"""What a reachability check answers: the verdict, its ordered steps, the deciding rule."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tui.model import Direction, ResourceId


class StepStatus(enum.StrEnum):
    OK = "ok"
    FAIL = "fail"
    INFO = "info"
    UNKNOWN = "unknown"  # vnettui cannot see far enough to say


class Level(enum.StrEnum):
    NIC = "NIC"
    SUBNET = "subnet"


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """The NSG rule that matched a flow at one level."""

    rule_name: str
    priority: int
    access: str
    direction: Direction
    nsg_id: ResourceId
    nsg_name: str
    level: Level
    is_default: bool
    implicit: bool = False  # a default rule the loaded NSG body did not list

    @property
    def allows(self) -> bool:
        return self.access.lower() == "allow"

    def describe(self) -> str:
        return f"{self.rule_name} (priority {self.priority})"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the check looked at, what it found, and how to fix it when it failed."""

    status: StepStatus
    text: str
    resource_id: ResourceId | None = None
    hint: str = ""  # the fix in the explorer: "peer them: press p"
    command: str = ""  # the fix on the command line: "vnettui peer vnet1 vnet2"
    rule: RuleMatch | None = None

    @property
    def fix(self) -> str:
        """The fix away from the explorer: the command, else the hint without its key
        (hints read "what to do: press KEY ...")."""
        return self.command or self.hint.split(": press ")[0]


@dataclass(frozen=True, slots=True)
class Verdict:
    reachable: bool
    steps: tuple[Step, ...]
    source: str
    destination: str
    destination_ip: str | None
    port: int
    protocol: str
    deciding_rule: RuleMatch | None = None  # the deny that blocked, or the last allow
    conclusive: bool = True  # False: the path leaves what vnettui can see

    @property
    def answer(self) -> str:
        if not self.conclusive:
            return "UNKNOWN"
        return "YES" if self.reachable else "NO"

    @property
    def question(self) -> str:
        flow = flow_name(self.protocol, self.port)
        return f"Can {self.source} reach {self.destination} on {flow}?"

    @property
    def reason(self) -> Step | None:
        """The step that decided a negative or unknown answer."""
        return next((s for s in reversed(self.steps)
                     if s.status in (StepStatus.FAIL, StepStatus.UNKNOWN)), None)



def flow_name(protocol: str, port: int) -> str:
    if protocol == "icmp":
        return "ICMP"
    if protocol == "any":
        return f"port {port} (any protocol)"
    return f"{protocol.upper()} {port}"
