"""Network Watcher's answer: as data, in words, and whether it agrees with ours.

Shared by `vnettui check --probe` and the check screen, so both say the same thing. Pure:
imports only `tui.model`. A measurement, not inventory, so it lives here, not in the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.model import ResourceId


@dataclass(frozen=True, slots=True)
class ProbeIssue:
    """One problem Network Watcher found at a hop (`ConnectivityIssue`)."""

    origin: str  # Local | Inbound | Outbound
    severity: str  # Error | Warning
    kind: str  # NetworkSecurityRule | UserDefinedRoute | Platform | AgentStopped | ...
    context: tuple[tuple[str, str], ...] = ()  # (key, value) pairs, e.g. ("RuleName", ...)


@dataclass(frozen=True, slots=True)
class ProbeHop:
    """One hop of Network Watcher's path (`ConnectivityHop`)."""

    kind: str  # Source | VirtualMachine | VirtualAppliance | VnetLocal | Internet ...
    address: str
    resource_id: ResourceId | None = None
    issues: tuple[ProbeIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Network Watcher's connectivity check for one pair: a second opinion, measured by
    Azure with real probes, beside the verdict vnettui computes from configuration."""

    status: str  # Connected | Disconnected | Degraded | Unknown (older docs: Reachable...)
    watcher_id: ResourceId
    hops: tuple[ProbeHop, ...] = ()
    avg_latency_ms: int | None = None
    min_latency_ms: int | None = None
    max_latency_ms: int | None = None
    probes_sent: int | None = None
    probes_failed: int | None = None
    protocol: str = "Tcp"  # what was probed (Network Watcher has no UDP probe)

    @property
    def reachable(self) -> bool | None:
        """True when probes got through (Degraded: some did), False when none did,
        None when Network Watcher could not tell."""
        status = self.status.lower()
        if status in ("connected", "reachable", "degraded"):
            return True
        if status in ("disconnected", "unreachable"):
            return False
        return None

    @property
    def issues(self) -> tuple[tuple[ProbeHop, ProbeIssue], ...]:
        return tuple((hop, issue) for hop in self.hops for issue in hop.issues)


LABEL = "Network Watcher says"


def summary(result: ProbeResult) -> str:
    """`Connected, 1 ms average (66 probes sent, 0 failed)`."""
    parts = [result.status]
    if result.avg_latency_ms is not None and result.reachable:
        parts.append(f"{result.avg_latency_ms} ms average")
    text = ", ".join(parts)
    if result.probes_sent is not None:
        text += f" ({result.probes_sent} {result.protocol.upper()} probes sent, "
        text += f"{result.probes_failed or 0} failed)"
    return text


def issue_text(issue: ProbeIssue) -> str:
    """`Inbound NetworkSecurityRule: RuleName=nsg/DenyHttp` (a warning says so)."""
    text = f"{issue.origin} {issue.kind}".strip()
    if issue.severity.lower() not in ("", "error"):
        text += f" ({issue.severity.lower()})"
    if issue.context:
        text += ": " + ", ".join(f"{k}={v}" for k, v in issue.context)
    return text


def hop_text(hop: ProbeHop) -> str:
    """`VirtualMachine 10.2.0.4 (vm2)`."""
    name = f" ({hop.resource_id.name})" if hop.resource_id else ""
    return f"{hop.kind} {hop.address}{name}".strip()


def lines(result: ProbeResult) -> list[str]:
    """The headline, then each hop with its issues (marked ✗), as the CLI prints them."""
    out = [f"{LABEL}: {summary(result)}"]
    for hop in result.hops:
        out.append(f"  {'✗' if hop.issues else '·'} {hop_text(hop)}")
        out.extend(f"    → {issue_text(issue)}" for issue in hop.issues)
    return out


def disagrees(ours: bool, conclusive: bool, result: ProbeResult) -> bool:
    """True when both sides have an answer and the answers differ."""
    theirs = result.reachable
    return conclusive and theirs is not None and theirs != ours


def agreement(ours: bool, conclusive: bool, result: ProbeResult) -> str:
    """One line comparing the two answers."""
    theirs = result.reachable
    if theirs is None:
        return f"Network Watcher could not tell ({result.status}); the verdict above stands alone."
    if not conclusive:
        return "vnettui could not decide; Network Watcher's measurement is the better guide."
    if theirs == ours:
        return f"Network Watcher agrees: {'reachable' if ours else 'not reachable'}."
    said = "reachable" if ours else "not reachable"
    return (
        f"Network Watcher disagrees: vnettui says {said} from the configuration, Network "
        f"Watcher measured {result.status}. Something not loaded (a firewall in the VM, an "
        "effective rule, a change since the last refresh) decides; look at its hops."
    )


def probe_json(result: ProbeResult) -> dict[str, Any]:
    """The result with ARM-style camelCase keys, as `check --json` prints it."""
    return {
        "connectionStatus": result.status,
        "reachable": result.reachable,
        "networkWatcherId": str(result.watcher_id),
        "protocol": result.protocol,
        "avgLatencyInMs": result.avg_latency_ms,
        "minLatencyInMs": result.min_latency_ms,
        "maxLatencyInMs": result.max_latency_ms,
        "probesSent": result.probes_sent,
        "probesFailed": result.probes_failed,
        "hops": [
            {
                "type": hop.kind, "address": hop.address,
                "resourceId": str(hop.resource_id) if hop.resource_id else None,
                "issues": [
                    {"origin": i.origin, "severity": i.severity, "type": i.kind,
                     "context": dict(i.context)}
                    for i in hop.issues
                ],
            }
            for hop in result.hops
        ],
    }
