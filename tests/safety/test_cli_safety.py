"""Issue 7's end-to-end promises, through the real console script on an az303 sandbox."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
    assert all(r == "refused" for _, _, r in audit(env))


@pytest.mark.slow
def test_a_write_leaves_audit_entries(env: dict[str, str]) -> None:
    result = vnettui(env, "--sandbox", "peer", "vnet1", "vnet2")
    assert result.returncode == 0, result.stderr
    assert audit(env) == [("sandbox", "PUT", "accepted"), ("sandbox", "PUT", "succeeded")] * 2


@pytest.mark.slow
def test_a_read_only_subscription_in_the_config_is_refused_at_the_guard(
    env: dict[str, str],
) -> None:
    """The command checks only --read-only; the per-subscription rule is the guard's alone."""
    config = Path(env["XDG_CONFIG_HOME"]) / "vnettui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[subscriptions."AZ-303 Lab"]\nread_only = true\n')
    before = rows(env)
    result = vnettui(env, "--sandbox", "peer", "vnet1", "vnet2")
    assert result.returncode != 0
    assert "is read_only in" in result.stderr
    assert "nothing was sent" in result.stderr
    assert rows(env) == before
    assert audit(env) == [("sandbox", "PUT", "refused")] * 2
