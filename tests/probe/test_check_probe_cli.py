"""`vnettui check --probe` in process (`tui.cli.main`) on the sandbox: our verdict, then
Network Watcher's, and the exit code stays ours."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import process_logging_restored
from tests.probe.ids import AZ303_WATCHER
from tui.cli import main

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    """`cli(*argv)` -> (exit code, stdout, stderr) on a fresh showcase sandbox."""
    monkeypatch.setenv("VNETTUI_SANDBOX_STATE", str(make_sandbox("showcase")))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with process_logging_restored():
            try:
                code = main(["--sandbox", *argv])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_probe_follows_our_verdict_and_agrees(cli: Run) -> None:
    code, out, err = cli("check", "app5", "api4", "--probe")
    assert code == 1, err
    ours, theirs = out.split("Network Watcher says: ")
    assert ours.startswith("Can app5 reach api4 on TCP 80?  NO")
    assert theirs.splitlines() == [
        "Disconnected (66 TCP probes sent, 66 failed)",
        "  · Source 10.105.1.4 (app5)",
        "  ✗ VirtualMachine 10.104.1.4 (api4)",
        "    → Inbound NetworkSecurityRule: RuleName=nsg-spoke4/DenyHttpInbound",
        "Network Watcher agrees: not reachable.",
    ]
    code, out, _ = cli("check", "app5", "api4", "--port", "443", "--probe")
    assert code == 0
    assert "Network Watcher says: Connected, 1 ms average" in out
    assert out.rstrip().endswith("Network Watcher agrees: reachable.")


def test_json_has_a_probe_key(cli: Run) -> None:
    code, out, _ = cli("check", "vm1", "10.2.0.4", "--probe", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["reachable"] is False
    probe = data["probe"]
    assert (probe["connectionStatus"], probe["reachable"], probe["agrees"]) == (
        "Disconnected", False, True)
    assert probe["networkWatcherId"].endswith("/networkWatchers/NetworkWatcher_westeurope")
    assert probe["hops"][0]["issues"][0]["type"] == "Platform"
    code, out, _ = cli("check", "vm1", "vm2", "--json")
    assert "probe" not in json.loads(out)


def test_disagreement_is_said_and_the_exit_code_stays_ours(cli: Run) -> None:
    """api4 listens on 80 and 443 only: the configuration lets 8080 through, the probe
    finds nothing listening. vnettui cannot see inside a VM; the exit code stays ours."""
    code, out, _ = cli("check", "app5", "api4", "--port", "8080", "--probe")
    assert code == 0
    assert "Can app5 reach api4 on TCP 8080?  YES" in out
    assert "Network Watcher says: Disconnected" in out
    assert "→ Local Platform: Reason=nothing listens on port 8080" in out
    assert ("Network Watcher disagrees: vnettui says reachable from the configuration, "
            "Network Watcher measured Disconnected.") in out
    code, out, _ = cli("check", "app5", "api4", "--port", "8080", "--probe", "--json")
    assert code == 0
    assert json.loads(out)["probe"]["agrees"] is False


def test_udp_cannot_be_probed(cli: Run) -> None:
    code, out, err = cli("check", "vm1", "vm2", "--protocol", "udp", "--probe")
    assert code == 2
    assert out == ""
    assert "Network Watcher cannot probe UDP" in err


def test_a_failed_probe_leaves_our_verdict_and_exit_code(
    cli: Run, make_sandbox: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.sandbox.store import SandboxStore

    path = make_sandbox("az303", name="nowatcher.db")
    monkeypatch.setenv("VNETTUI_SANDBOX_STATE", str(path))
    with SandboxStore(path) as store, store.write() as tx:
        assert tx.delete(AZ303_WATCHER)
    code, out, err = cli("check", "vm1", "vm2", "--probe")
    assert code == 1, err
    assert out.startswith("Can vm1 reach vm2 on TCP 80?  NO")
    assert out.rstrip().endswith(
        "Network Watcher could not probe: Network Watcher is not enabled in westeurope for "
        "subscription 3030a303-0000-4000-8000-000000000303: enable it (az network watcher "
        "configure --locations westeurope --enabled true -g NetworkWatcherRG) and probe "
        "again. (NetworkWatcherNotFound)")
    code, out, _ = cli("check", "vm1", "vm2", "--probe", "--json")
    error = json.loads(out)["probe"]["error"]
    assert error["code"] == "NetworkWatcherNotFound"
    assert error["message"].startswith("Network Watcher is not enabled in westeurope")
