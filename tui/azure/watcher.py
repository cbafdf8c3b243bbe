"""Network Watcher's connectivity check: a second opinion measured by Azure itself.

vnettui's own verdict (`tui.reach`) is computed from configuration; this asks Azure to send
real probes from the source VM. It needs the region's Network Watcher (Azure creates
`NetworkWatcherRG/NetworkWatcher_<region>` with a subscription's first VNet there) and,
on real VMs, the Network Watcher agent extension on the source VM.

Pure helpers here (choosing the watcher, the request body, the result's mapping, the
error sentences); the call itself is `AzureBackend.probe_connectivity`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.errors import CloudError, InputError, NotFoundError, VnettuiError
from tui.model import ResourceId, rid
from tui.probe import ProbeHop, ProbeIssue, ProbeResult

# Our protocols as Network Watcher's (`Tcp | Http | Https | Icmp`): it has no UDP probe,
# and "any" (reachable by TCP or UDP) is probed with TCP.
PROBE_PROTOCOLS = {"tcp": "Tcp", "any": "Tcp"}

# [U] The codes Azure answers with when the source VM lacks the Network Watcher agent are
# not documented; these are the plausible ones, and a message naming the agent or its
# extension counts too.
AGENT_CODES = frozenset(
    code.lower()
    for code in (
        "AgentNotInstalled",
        "NetworkWatcherAgentNotInstalled",
        "NetworkWatcherExtensionNotInstalled",
        "VMExtensionNotFound",
        "VmExtensionNotInstalled",
        "AgentStopped",
    )
)
_AGENT_WORDS = ("networkwatcheragent", "azurenetworkwatcherextension", "watcher agent",
                "agent is not installed", "agent not installed", "extension is not installed")


def region_key(location: str) -> str:
    """`West Europe` and `westeurope` name the same region."""
    return "".join(location.split()).lower()


def probe_protocol(protocol: str) -> str:
    """Network Watcher's protocol for ours, or InputError for what it cannot probe."""
    try:
        return PROBE_PROTOCOLS[protocol.lower()]
    except KeyError:
        raise InputError(
            f"Network Watcher cannot probe {protocol.upper()}: its connectivity check sends "
            "TCP (or HTTP, HTTPS, ICMP) probes only; check without the probe, or use TCP.",
            code="ProbeProtocol",
        ) from None


def choose_watcher(
    watchers: Iterable[dict[str, Any]], location: str, subscription_id: str
) -> ResourceId:
    """The subscription's watcher for the region; the conventional name wins a tie."""
    wanted = region_key(location)
    found = [rid(w.get("id")) for w in watchers
             if region_key(str(w.get("location") or "")) == wanted and w.get("id")]
    if not found:
        raise NotFoundError(
            f"Network Watcher is not enabled in {wanted} for subscription {subscription_id}: "
            f"enable it (az network watcher configure --locations {wanted} --enabled true "
            "-g NetworkWatcherRG) and probe again.",
            code="NetworkWatcherNotFound",
        )
    conventional = f"NetworkWatcher_{wanted}".lower()
    found.sort(key=lambda w: w.name.lower() != conventional)
    return found[0]


def parameters(source_vm_id: str, destination: str, port: int, protocol: str) -> dict[str, Any]:
    """The `ConnectivityParameters` body: the destination is a resource id or an address."""
    target: dict[str, Any] = {"port": port}
    if destination.strip().startswith("/"):
        target["resourceId"] = destination.strip()
    else:
        target["address"] = destination.strip()
    return {
        "source": {"resourceId": str(source_vm_id)},
        "destination": target,
        "protocol": probe_protocol(protocol),
    }


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _issue(body: dict[str, Any]) -> ProbeIssue:
    context: list[tuple[str, str]] = []
    for entry in body.get("context") or []:
        if isinstance(entry, dict):
            context.extend((str(k), str(v)) for k, v in entry.items())
    return ProbeIssue(
        origin=str(body.get("origin") or ""), severity=str(body.get("severity") or "Error"),
        kind=str(body.get("type") or "Unknown"), context=tuple(context),
    )


def result_from_json(
    body: dict[str, Any], watcher_id: str, protocol: str = "Tcp"
) -> ProbeResult:
    """`ConnectivityInformation` (REST names) as a `ProbeResult`."""
    hops = tuple(
        ProbeHop(
            kind=str(hop.get("type") or "Unknown"),
            address=str(hop.get("address") or ""),
            resource_id=rid(hop["resourceId"]) if hop.get("resourceId") else None,
            issues=tuple(_issue(i) for i in hop.get("issues") or [] if isinstance(i, dict)),
        )
        for hop in body.get("hops") or [] if isinstance(hop, dict)
    )
    return ProbeResult(
        status=str(body.get("connectionStatus") or "Unknown"),
        watcher_id=rid(watcher_id),
        hops=hops,
        avg_latency_ms=_int(body.get("avgLatencyInMs")),
        min_latency_ms=_int(body.get("minLatencyInMs")),
        max_latency_ms=_int(body.get("maxLatencyInMs")),
        probes_sent=_int(body.get("probesSent")),
        probes_failed=_int(body.get("probesFailed")),
        protocol=protocol,
    )


def is_agent_error(error: VnettuiError) -> bool:
    if (error.code or "").lower() in AGENT_CODES:
        return True
    text = error.message.lower()
    return any(word in text for word in _AGENT_WORDS)


def explain(error: VnettuiError, source_name: str) -> VnettuiError:
    """A missing agent becomes a sentence saying what to install; other errors pass."""
    if not is_agent_error(error):
        return error
    return CloudError(
        f"Network Watcher cannot probe from {source_name}: its agent is not running there. "
        "Install the VM extension (NetworkWatcherAgentWindows or NetworkWatcherAgentLinux, "
        "publisher Microsoft.Azure.NetworkWatcher) and probe again. Azure said: "
        f"{error.message}",
        code=error.code or "AgentNotInstalled", status=error.status,
    )
