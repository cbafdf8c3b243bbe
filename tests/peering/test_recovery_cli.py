"""`peer` racing an `unpeer --both`, and the way back from an interrupted `peer`: the exit
code matches the state printed, and every half state names the command that mends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.peering.test_cli import in_process, peerings_in
from tui.azure.backend import AzureBackend
from tui.sandbox import control
from tui.sandbox.store import SandboxStore

CONNECTED = "Now vnet1 has 1and2 -> vnet2 (Connected); vnet2 has 2and1 -> vnet1 (Connected)."


def half_peered(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """What an interrupted `peer` leaves: vnet1's link, Initiated, and nothing on vnet2."""
    done = in_process(capsys, path, "peer", "vnet1", "vnet2", "--one-side", "--name", "1and2")
    assert done.returncode == 0, done.stderr
    assert peerings_in(path) == ["1and2"]


def test_peer_racing_unpeer_both_exits_as_its_last_line_says(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    put = AzureBackend.put_peering
    sent: list[Any] = []

    async def put_then_other_process_unpeers(self: AzureBackend, *args: Any,
                                             **kwargs: Any) -> Any:
        done = await put(self, *args, **kwargs)
        sent.append(done)
        if len(sent) == 2:  # both PUTs are back: `unpeer vnet1 1and2 --both` lands now
            with SandboxStore(sandbox_path) as store:
                for link in sent:
                    control.delete_peering(store, str(link.id))
        return done

    monkeypatch.setattr(AzureBackend, "put_peering", put_then_other_process_unpeers)
    raced = in_process(capsys, sandbox_path, "peer", "vnet1", "vnet2", "--name", "1and2",
                       "--remote-name", "2and1")
    assert raced.returncode == 3, raced.stdout
    lines = raced.stderr.splitlines()
    assert "1and2 on vnet1: created, but gone when read again: something else deleted it " \
           "meanwhile." in lines
    assert "Now vnet1 has no link to vnet2; vnet2 has no link to vnet1." in lines
    assert lines[-1] == ("Neither link exists: peer them again with `vnettui peer vnet1 vnet2` "
                         "(p in the explorer).")
    assert peerings_in(sandbox_path) == []


@pytest.mark.parametrize("argv", [("vnet1", "vnet2", "--name", "1and2", "--remote-name", "2and1"),
                                  ("vnet2", "vnet1", "--name", "2and1", "--remote-name", "1and2")])
def test_peer_again_completes_the_missing_side(
    argv: tuple[str, ...], env: dict[str, str], sandbox_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    half_peered(capsys, sandbox_path)
    again = in_process(capsys, sandbox_path, "peer", *argv)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == (
        "note: vnet1 already has '1and2' to vnet2 (Initiated), left as it is: only vnet2's "
        "side '2and1' is created, which completes the peering.")
    assert "  create 2and1 on vnet2 -> vnet1 (vnet access)" in again.stdout
    assert "create 1and2" not in again.stdout
    assert peerings_in(sandbox_path) == ["1and2", "2and1"]
    final = again.stdout.splitlines()[-1]
    assert final in (CONNECTED, "Now vnet2 has 2and1 -> vnet1 (Connected); vnet1 has 1and2 "
                                "-> vnet2 (Connected).")


def test_sync_on_a_half_peering_refuses_and_names_the_fix(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    half_peered(capsys, sandbox_path)
    synced = in_process(capsys, sandbox_path, "sync", "vnet1", "1and2")
    assert synced.returncode == 2
    assert "in sync" not in synced.stdout + synced.stderr
    assert synced.stderr.splitlines() == [
        "Nothing to sync: 1and2 on vnet1 has no link back (Initiated), so the two VNets are "
        "not peered; nothing was sent. (PeeringIncomplete)",
        "Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no link to vnet1.",
        "vnet2 has no link back, so no traffic flows: `vnettui peer vnet1 vnet2` (p in the "
        "explorer) creates vnet2's side, or `vnettui unpeer vnet1 1and2` removes 1and2.",
    ]
    # The fix it names works, and then the pair syncs as a pair.
    assert in_process(capsys, sandbox_path, "peer", "vnet1", "vnet2", "--remote-name",
                      "2and1").returncode == 0
    synced = in_process(capsys, sandbox_path, "sync", "vnet1", "1and2")
    assert synced.returncode == 0
    assert synced.stdout.splitlines() == ["Both links are already in sync; nothing was sent.",
                                          CONNECTED]
