"""Choosing the watcher, reading Network Watcher's answer, and saying it in words."""

from __future__ import annotations

import pytest

from tui import probe
from tui.azure import watcher
from tui.errors import AuthError, CloudError, NotFoundError
from tui.model import rid
from tui.probe import ProbeHop, ProbeIssue, ProbeResult

SUB = "0000aaaa-0000-4000-8000-000000000001"


def watcher_body(rg: str, name: str, location: str) -> dict[str, str]:
    return {"id": f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.Network/"
                  f"networkWatchers/{name}", "location": location}


def test_the_regions_watcher_is_chosen_and_the_conventional_name_wins() -> None:
    bodies = [
        watcher_body("ops", "nw-we", "westeurope"),
        watcher_body("NetworkWatcherRG", "NetworkWatcher_westeurope", "westeurope"),
        watcher_body("NetworkWatcherRG", "NetworkWatcher_northeurope", "northeurope"),
    ]
    chosen = watcher.choose_watcher(bodies, "West Europe", SUB)
    assert (chosen.resource_group, chosen.name) == ("NetworkWatcherRG",
                                                    "NetworkWatcher_westeurope")
    assert watcher.choose_watcher(bodies[:1], "westeurope", SUB).name == "nw-we"
    with pytest.raises(NotFoundError, match=f"not enabled in eastus for subscription {SUB}"):
        watcher.choose_watcher(bodies, "eastus", SUB)


def test_parameters_name_a_vm_or_an_address() -> None:
    vm = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a"
    assert watcher.parameters(vm, vm, 443, "tcp")["destination"] == {"port": 443,
                                                                     "resourceId": vm}
    body = watcher.parameters(vm, " 10.0.0.4 ", 80, "any")
    assert body == {"source": {"resourceId": vm},
                    "destination": {"port": 80, "address": "10.0.0.4"}, "protocol": "Tcp"}


def test_a_sparse_answer_maps_without_surprises() -> None:
    result = watcher.result_from_json(
        {"connectionStatus": "Degraded", "hops": [{"type": "Source", "issues": [
            {"origin": "Local", "type": "HighLatency", "severity": "Warning",
             "context": [{"Latency": "200"}, "not a dict"]}]}], "probesSent": "100"},
        f"/subscriptions/{SUB}/x")
    assert result.reachable is True  # degraded: some probes got through
    assert result.probes_sent == 100
    assert result.probes_failed is None
    [(hop, issue)] = result.issues
    assert hop.resource_id is None
    assert probe.issue_text(issue) == "Local HighLatency (warning): Latency=200"
    assert watcher.result_from_json({}, "x").reachable is None


@pytest.mark.parametrize("error", [
    CloudError("The agent is missing.", code="AgentNotInstalled", status=400),
    CloudError("NetworkWatcherAgentWindows extension is not installed on vm1.",
               code="BadRequest", status=400),
])
def test_a_missing_agent_says_what_to_install(error: CloudError) -> None:
    explained = watcher.explain(error, "vm1")
    assert explained.message.startswith(
        "Network Watcher cannot probe from vm1: its agent is not running there. Install the "
        "VM extension (NetworkWatcherAgentWindows or NetworkWatcherAgentLinux")
    assert explained.message.endswith(error.message)
    assert explained.code == error.code


def test_other_errors_pass_unchanged() -> None:
    error = AuthError("No rights.", code="AuthorizationFailed", status=403)
    assert watcher.explain(error, "vm1") is error


def result(status: str, issues: tuple[ProbeIssue, ...] = ()) -> ProbeResult:
    hops = (ProbeHop("Source", "10.0.0.4", rid("/s/x/virtualMachines/a")),
            ProbeHop("VirtualMachine", "10.0.1.4", rid("/s/x/virtualMachines/b"), issues))
    return ProbeResult(status, rid("/w"), hops, avg_latency_ms=2, probes_sent=66,
                       probes_failed=0 if status == "Connected" else 66)


def test_lines_and_agreement() -> None:
    deny = ProbeIssue("Inbound", "Error", "NetworkSecurityRule", (("RuleName", "nsg/Deny"),))
    blocked = result("Disconnected", (deny,))
    assert probe.lines(blocked) == [
        "Network Watcher says: Disconnected (66 TCP probes sent, 66 failed)",
        "  · Source 10.0.0.4 (a)",
        "  ✗ VirtualMachine 10.0.1.4 (b)",
        "    → Inbound NetworkSecurityRule: RuleName=nsg/Deny",
    ]
    assert probe.summary(result("Connected")) == (
        "Connected, 2 ms average (66 TCP probes sent, 0 failed)")
    assert probe.agreement(False, True, blocked) == "Network Watcher agrees: not reachable."
    assert not probe.disagrees(False, True, blocked)
    assert probe.disagrees(True, True, blocked)
    assert probe.agreement(True, True, blocked).startswith(
        "Network Watcher disagrees: vnettui says reachable from the configuration, Network "
        "Watcher measured Disconnected.")
    assert not probe.disagrees(True, False, blocked)  # ours was inconclusive
    unknown = result("Unknown")
    assert not probe.disagrees(True, True, unknown)
    assert "could not tell (Unknown)" in probe.agreement(True, True, unknown)
    assert probe.probe_json(blocked)["hops"][1]["issues"] == [
        {"origin": "Inbound", "severity": "Error", "type": "NetworkSecurityRule",
         "context": {"RuleName": "nsg/Deny"}}]
