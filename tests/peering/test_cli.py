"""`vnettui peer / unpeer / sync` on a temporary sandbox: the seed through the console
script, the other scenarios through `tui.cli.main` in process (same code and output)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tests.conftest import vnettui_command
from tui.commands.peer_cmd import all_refused
from tui.errors import CloudError, RefusedError
from tui.sandbox.builders import PEERING_TYPE
from tui.sandbox.store import SandboxStore


def vnettui(env: dict[str, str], path: Path, *args: str,
            **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*vnettui_command(), "--sandbox", "--sandbox-state", str(path), *args],
        capture_output=True, text=True, timeout=120, env={**env, **extra_env},
    )


def in_process(capsys: pytest.CaptureFixture[str], path: Path, *args: str,
               **extra_env: str) -> subprocess.CompletedProcess[str]:
    return run_main(capsys, "--sandbox", "--sandbox-state", str(path), *args, env=extra_env)


def peerings_in(path: Path) -> list[str]:
    with SandboxStore(path) as store, store.read() as tx:
        return sorted(r.name for r in tx.all_of_type(PEERING_TYPE))


@pytest.mark.slow
def test_the_seed_peers_both_sides(env: dict[str, str], sandbox_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    done = vnettui(env, sandbox_path, "peer", "vnet1", "vnet2", "--name", "1and2",
                   "--remote-name", "2and1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "Now vnet1 has 1and2 -> vnet2 (Connected); vnet2 has 2and1 -> vnet1 (Connected).")
    listed = in_process(capsys, sandbox_path, "list", "peerings", "--json")
    assert listed.returncode == 0, listed.stderr
    states = {(p["name"], p["peeringState"]) for p in json.loads(listed.stdout)}
    assert states == {("1and2", "Connected"), ("2and1", "Connected")}


def test_refusals_exit_2_with_the_reason(env: dict[str, str],
                                         make_sandbox: Callable[..., Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    overlap = in_process(capsys, path, "peer", "vnet1", "legacy-vnet")
    assert overlap.returncode == 2
    assert ("vnet1 and legacy-vnet cannot be peered: their address spaces overlap "
            "(10.1.0.0/16).") in overlap.stderr
    assert "spoke5-to-spoke6" in peerings_in(path)
    assert not any(name.startswith("vnet") for name in peerings_in(path))


def test_read_only_refuses_before_sending(env: dict[str, str], sandbox_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    refused = in_process(capsys, sandbox_path, "--read-only", "peer", "vnet1", "vnet2")
    assert refused.returncode == 2
    assert "read-only" in refused.stderr
    assert refused.stdout == ""
    assert peerings_in(sandbox_path) == []


def test_half_failure_rolls_back_and_exits_3(env: dict[str, str], sandbox_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    faults = json.dumps({"operation_seconds": 0, "fail_writes": ["2and1"]})
    failed = in_process(capsys, sandbox_path, "peer", "vnet1", "vnet2", "--name", "1and2",
                     "--remote-name", "2and1", VNETTUI_SANDBOX_FAULTS=faults)
    assert failed.returncode == 3
    assert "2and1 on vnet2: failed:" in failed.stderr
    assert "Rolled back: deleted 1and2 on vnet1." in failed.stderr
    assert failed.stderr.rstrip().endswith(
        "Now vnet1 has no link to vnet2; vnet2 has no link to vnet1.")
    assert peerings_in(sandbox_path) == []


def test_sync_and_unpeer(env: dict[str, str], make_sandbox: Callable[..., Path],
                        capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    synced = in_process(capsys, path, "sync", "spoke2-vnet", "spoke2-to-hub")
    assert synced.returncode == 0, synced.stderr
    assert "Synced hub-to-spoke2 on hub-vnet: FullyInSync." in synced.stdout
    gone = in_process(capsys, path, "unpeer", "spoke4-vnet", "spoke4-to-spoke5", "--both")
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout.splitlines()[-1] == (
        "Now spoke4-vnet has no link to spoke5-vnet; spoke5-vnet has no link to spoke4-vnet.")
    assert not {"spoke4-to-spoke5", "spoke5-to-spoke4"} & set(peerings_in(path))


def test_a_read_only_subscription_refuses_unpeer_and_sync_before_sending(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = in_process(capsys, sandbox_path, "peer", "vnet1", "vnet2", "--name", "1and2",
                      "--remote-name", "2and1")
    assert done.returncode == 0, done.stderr
    config = Path(env["XDG_CONFIG_HOME"]) / "vnettui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[subscriptions."AZ-303 Lab"]\nread_only = true\n')

    gone = in_process(capsys, sandbox_path, "unpeer", "vnet1", "1and2", "--both")
    assert gone.returncode == 2, gone.stderr
    assert gone.stdout == ""
    assert ("Refused to delete 1and2 on vnet1: subscription 'AZ-303 Lab'" in gone.stderr)
    assert f"is read_only in {config}; nothing was sent (ReadOnlySubscription)" in gone.stderr

    synced = in_process(capsys, sandbox_path, "sync", "vnet2", "2and1")
    assert synced.returncode == 2, synced.stderr
    assert synced.stdout == ""
    assert "Refused to sync 2and1 on vnet2: subscription 'AZ-303 Lab'" in synced.stderr
    assert peerings_in(sandbox_path) == ["1and2", "2and1"]


def test_only_an_outcome_of_refusals_alone_is_a_refusal() -> None:
    """The guard's refusals (nothing left the process) exit 2; any cloud failure among
    them, or no failure at all, is not a refusal."""
    assert all_refused([RefusedError("read-only"), RefusedError("read-only")])
    assert not all_refused([RefusedError("read-only"), CloudError("Conflict")])
    assert not all_refused([])
