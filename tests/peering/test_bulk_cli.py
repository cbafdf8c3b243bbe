"""`vnettui hub` and `vnettui mesh` on a temporary showcase sandbox, in process: dry run,
refusals (exit 2, audited), a failing pair (exit 3, rolled back) and a mesh."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.peering.test_cli import in_process, peerings_in
from tui.audit import REFUSED, read_audit

SPOKES = ("spoke4-vnet", "spoke5-vnet", "spoke6-vnet")


@pytest.fixture
def showcase_path(make_sandbox: Callable[..., Path]) -> Path:
    return make_sandbox("showcase")


def test_dry_run_prints_the_plan_and_the_az_commands_and_sends_nothing(
        showcase_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = peerings_in(showcase_path)
    done = in_process(capsys, showcase_path, "--read-only", "hub", "hub-vnet", *SPOKES,
                      "spoke1-vnet", "--use-remote-gateways", "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Connecting 3 spokes to hub-vnet:"
    assert lines[2].startswith("hub-vnet ↔ spoke4-vnet  create hub-vnet-to-spoke4-vnet, "
                               "create spoke4-vnet-to-hub-vnet")
    assert lines[2].endswith("vnet access, gateway transit / vnet access, remote gateways  ok")
    assert "hub-vnet ↔ spoke1-vnet  nothing" in done.stdout
    assert sum("az network vnet peering create" in line for line in lines) == 6
    assert lines[-1] == "Checks passed; nothing was sent (--dry-run)."
    assert peerings_in(showcase_path) == before


def test_refused_plans_exit_2_with_every_reason_and_are_audited(
        showcase_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlap = in_process(capsys, showcase_path, "hub", "hub-vnet", "vnet1", "legacy-vnet",
                         "dr-vnet")
    assert overlap.returncode == 2
    assert "vnet1 and legacy-vnet overlap (10.1.0.0/16): both would be peered" in overlap.stderr
    assert ("hub-vnet ↔ dr-vnet: dr-vnet cannot be peered with hub-vnet: it overlaps "
            "spoke2-vnet") in overlap.stderr
    read_only = in_process(capsys, showcase_path, "--read-only", "mesh", "vnet1", "vnet2")
    assert read_only.returncode == 2
    assert "Refused to peer vnet1 vnet2 as a mesh: vnettui runs read-only" in read_only.stderr
    entries = read_audit()
    assert [(e.operation, e.result, e.code) for e in entries] == [
        ("vnettui/hub", REFUSED, "PreflightFailed"), ("vnettui/mesh", REFUSED, "ReadOnly")]


def test_a_failing_pair_exits_3_the_rest_are_peered_and_it_is_rolled_back(
        showcase_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    faults = json.dumps({"operation_seconds": 0, "fail_writes": ["spoke6-vnet-to-hub-vnet"]})
    done = in_process(capsys, showcase_path, "hub", "hub-vnet", *SPOKES,
                      VNETTUI_SANDBOX_FAULTS=faults)
    assert done.returncode == 3
    assert "  [spoke6-vnet] ✗ spoke6-vnet-to-hub-vnet on spoke6-vnet: " in done.stdout
    assert "hub-vnet ↔ spoke6-vnet: failed, rolled back" in done.stderr
    assert done.stderr.rstrip().endswith("2 peered, 1 failed.")
    made = peerings_in(showcase_path)
    assert "hub-vnet-to-spoke4-vnet" in made
    assert "hub-vnet-to-spoke6-vnet" not in made


def test_a_mesh_peers_every_two(showcase_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    done = in_process(capsys, showcase_path, "mesh", "vnet1", "vnet2", "spoke6-vnet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("3 peered.")
    made = set(peerings_in(showcase_path))
    assert {"vnet1-to-vnet2", "vnet2-to-vnet1", "vnet1-to-spoke6-vnet",
            "spoke6-vnet-to-vnet1", "vnet2-to-spoke6-vnet", "spoke6-vnet-to-vnet2"} <= made
