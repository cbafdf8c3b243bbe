"""`vnettui sandbox reset`: once through the installed console script, then in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.sandbox.builders import VNET_TYPE
from tui.sandbox.store import SandboxStore

VNETTUI = Path(sys.executable).parent / "vnettui"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VNETTUI), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


def _vnet_names(path: Path) -> list[str]:
    with SandboxStore(path) as store, store.read() as tx:
        return [r.name for r in tx.all_of_type(VNET_TYPE)]


def test_reset_az303_via_env(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    done = _run("sandbox", "reset", "--scenario", "az303",
                env={"VNETTUI_SANDBOX_STATE": str(path), "XDG_STATE_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "az303" in done.stdout
    assert "vm2 10.2.0.4" in done.stdout
    assert sorted(_vnet_names(path)) == ["vnet1", "vnet2"]


def test_reset_estate_honours_global_sandbox_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = tmp_path / "estate.db"
    code = main(["sandbox", "reset", "--scenario", "estate", "--vnets", "40",
                 "--subscriptions", "2", "--seed", "3", "--sandbox-state", str(path)])
    assert code == 0
    assert "40 VNets" in capsys.readouterr().out
    assert len(_vnet_names(path)) == 40


def test_reset_refuses_estate_options_for_other_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    code = main(["--sandbox-state", str(tmp_path / "y.db"), "sandbox", "reset",
                 "--vnets", "5"])
    assert code == 2
    assert "only apply to --scenario estate" in capsys.readouterr().err
    assert not (tmp_path / "y.db").exists()


def test_reset_estate_takes_vms_and_refuses_impossible_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = str(tmp_path / "e.db")
    code = main(["--sandbox-state", path, "sandbox", "reset", "--scenario", "estate",
                 "--subscriptions", "7", "--vnets", "8", "--vms", "6"])
    out = capsys.readouterr().out
    assert code == 0
    assert "8 VNets, 6 VMs" in out
    assert "Estate 01, Estate 02, Estate 03, ... Estate 07 (7)" in out
    with pytest.raises(SystemExit) as refused:
        main(["--sandbox-state", path, "sandbox", "reset", "--scenario", "estate",
              "--vnets", "99999999"])
    assert refused.value.code == 2
    assert "must be 1-50,000" in capsys.readouterr().err
