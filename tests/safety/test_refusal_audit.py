"""Every refused write is in the audit log: `--read-only`, the config file's read_only (global
or per subscription), failed checks; and the config's read_only is reported as the config's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tui.audit import REFUSED, read_audit, record_refusal
from tui.sandbox.scenarios import AZ303_SUBSCRIPTION

VNET1 = (f"/subscriptions/{AZ303_SUBSCRIPTION}/resourceGroups/rg-peering/providers/"
         "Microsoft.Network/virtualNetworks/vnet1")


def test_read_only_refusals_are_audited(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--sandbox", "--sandbox-state", str(sandbox_path), "--read-only")
    for argv in (("peer", "vnet1", "vnet2"), ("unpeer", "vnet1", "l1"), ("sync", "vnet1", "l1")):
        assert run_main(capsys, *base, *argv).returncode == 2
    entries = read_audit()
    assert [(e.operation, e.ids, e.result, e.code) for e in entries] == [
        ("vnettui/peer", ("vnet1", "vnet2"), REFUSED, "ReadOnly"),
        ("vnettui/unpeer", ("vnet1", "l1"), REFUSED, "ReadOnly"),
        ("vnettui/sync", ("vnet1", "l1"), REFUSED, "ReadOnly"),
    ]
    assert entries[0].who == "sandbox"
    assert "--read-only" in entries[0].message
    assert entries[0].describe().endswith("sandbox peer vnet1: refused (ReadOnly)")


def test_config_read_only_is_the_config_files_and_audited(
    env: dict[str, str], sandbox_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "ro.toml"
    config.write_text("read_only = true\n")
    refused = run_main(capsys, "--config", str(config), "--sandbox", "--sandbox-state",
                       str(sandbox_path), "peer", "vnet1", "vnet2")
    assert refused.returncode == 2
    assert f"read-only (read_only = true in {config})" in refused.stderr
    assert "--read-only" not in refused.stderr
    assert [e.result for e in read_audit()] == [REFUSED]


def test_a_read_only_subscription_and_a_failed_check_are_audited_by_id(
    env: dict[str, str], make_sandbox: Callable[..., Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    config = tmp_path / "sub.toml"
    config.write_text('[subscriptions."AZ-303 Lab"]\nread_only = true\n')
    sandbox = ("--sandbox", "--sandbox-state", str(path))
    guarded = run_main(capsys, "--config", str(config), *sandbox, "peer", "vnet1", "vnet2")
    assert guarded.returncode == 2
    overlap = run_main(capsys, *sandbox, "peer", "vnet1", "legacy-vnet")
    assert overlap.returncode == 2
    first, second = read_audit()
    assert (first.code, first.ids[0], first.result) == ("ReadOnlySubscription", VNET1, REFUSED)
    assert str(config) in first.message
    assert (second.code, second.ids[0], second.result) == ("PreflightFailed", VNET1, REFUSED)
    assert "overlap" in second.message


def test_record_refusal_appends_one_line(env: dict[str, str]) -> None:
    # As the explorer calls it.
    entry = record_refusal(action="edit", reason="vnettui runs read-only", targets=[VNET1],
                           source="explorer", code="ReadOnly", who="ada@contoso.com")
    assert read_audit() == [entry]
    assert entry.extra == {"source": "explorer"}
    assert entry.describe().endswith("ada@contoso.com edit vnet1: refused (ReadOnly)")
