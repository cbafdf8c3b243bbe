"""Issue 7's end-to-end promises on an az303 sandbox: the read-only refusal and the audit
entries through the real console script, the config file's read_only subscription through
`tui.cli.main` in process (same code and output)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.inprocess import run_main
from tui.audit import read_audit
from tui.sandbox.scenarios import reset

VNETTUI = str(Path(sys.executable).parent / "vnettui")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    reset(tmp_path / "sandbox.db", "az303")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "VNETTUI_SANDBOX_STATE": str(tmp_path / "sandbox.db"),
        "VNETTUI_SANDBOX_FAULTS": json.dumps({"operation_seconds": 0}),
    }


def vnettui(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([VNETTUI, *argv], capture_output=True, text=True, env=env,
                          check=False, timeout=120)


def rows(env: dict[str, str]) -> list[tuple[Any, ...]]:
    with sqlite3.connect(env["VNETTUI_SANDBOX_STATE"]) as conn:
        return sorted(conn.execute("select * from resources"))


def audit(env: dict[str, str]) -> list[tuple[str, str, str]]:
    path = Path(env["XDG_STATE_HOME"]) / "vnettui" / "audit.jsonl"
    return [(e.who, e.method, e.result) for e in read_audit(path, limit=None)]


@pytest.mark.slow
def test_read_only_peer_exits_2_says_why_and_changes_nothing(env: dict[str, str]) -> None:
    before = rows(env)
    result = vnettui(env, "--sandbox", "--read-only", "peer", "vnet1", "vnet2")
    assert result.returncode == 2, result.stderr
    assert "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(env) == before
    assert audit(env) == [("sandbox", "", "refused")]  # the refusal, and no request


@pytest.mark.slow
def test_a_write_leaves_audit_entries(env: dict[str, str]) -> None:
    result = vnettui(env, "--sandbox", "peer", "vnet1", "vnet2")
    assert result.returncode == 0, result.stderr
    # The two sides' PUTs go at once: how their entries interleave is the transport's.
    entries = audit(env)
    assert sorted(entries) == [("sandbox", "PUT", "accepted")] * 2 + [
        ("sandbox", "PUT", "succeeded")] * 2
    assert entries[0] == ("sandbox", "PUT", "accepted")


def test_a_read_only_subscription_in_the_config_is_refused_before_sending(
    env: dict[str, str], capsys: pytest.CaptureFixture[str],
) -> None:
    """The command refuses a write to a read_only subscription before planning: exit 2 with
    the reason, and not even the guard sees a request (the log has only the refusal)."""
    config = Path(env["XDG_CONFIG_HOME"]) / "vnettui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[subscriptions."AZ-303 Lab"]\nread_only = true\n')
    before = rows(env)
    result = run_main(capsys, "--sandbox", "peer", "vnet1", "vnet2", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert ("vnettui: Refused to peer vnet1 with vnet2: subscription 'AZ-303 Lab' "
            in result.stderr)
    assert (f"of vnet1 is read_only in {config}; nothing was sent (ReadOnlySubscription)"
            in result.stderr)
    assert "Traceback" not in result.stderr
    assert rows(env) == before
    assert audit(env) == [("sandbox", "", "refused")]
