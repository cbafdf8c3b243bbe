"""`vnettui address` and `vnettui sync --all` in process on a temporary sandbox: output, exit
codes and the audit, as `peer` has them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tui.audit import read_audit


def cli(capsys: pytest.CaptureFixture[str], path: Path,
        *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(capsys, "--sandbox", "--sandbox-state", str(path), *args)


def test_show_lists_prefixes_subnets_and_links(make_sandbox: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    shown = cli(capsys, path, "address", "show", "spoke2-vnet", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["prefixes"] == [
        {"prefix": "10.102.0.0/16", "subnets": [{"name": "workload",
                                                 "addressPrefix": "10.102.1.0/24"}],
         "removable": False},
        {"prefix": "10.112.0.0/16", "subnets": [], "removable": True}]
    assert [p.rsplit("/", 1)[-1] for p in data["peeringsToSyncOnChange"]] == ["hub-to-spoke2"]
    assert [p.rsplit("/", 1)[-1] for p in data["peeringsNotInSync"]] == ["spoke2-to-hub"]
    assert len(data["freePrefixes"]) == 5


def test_add_then_every_link_is_in_sync(make_sandbox: Callable[..., Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    added = cli(capsys, path, "address", "add", "hub-vnet", "10.150.0.0/16")
    assert added.returncode == 0, added.stderr
    assert "update hub-vnet's address space (add 10.150.0.0/16)" in added.stdout
    assert "sync spoke1-to-hub on spoke1-vnet\n  sync spoke2-to-hub on spoke2-vnet\n" in \
        added.stdout
    assert "2 of 2 peerings now FullyInSync." in added.stdout  # spoke2's was stale already
    listed = json.loads(cli(capsys, path, "list", "peerings", "--json").stdout)
    stale = [p["name"] for p in listed
             if p["peeringSyncLevel"] != "FullyInSync" and p["peeringState"] == "Connected"]
    assert stale == []


def test_refusals_exit_2_and_are_audited(make_sandbox: Callable[..., Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    held = cli(capsys, path, "address", "remove", "spoke2-vnet", "10.102.0.0/16")
    assert held.returncode == 2
    assert "holds subnet workload (10.102.1.0/24)" in held.stderr
    peered = cli(capsys, path, "address", "add", "spoke2-vnet", "10.100.5.0/24")
    assert peered.returncode == 2
    assert "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet" in \
        peered.stderr
    read_only = cli(capsys, path, "--read-only", "address", "add", "vnet1", "10.11.0.0/16")
    assert read_only.returncode == 2
    assert "read-only" in read_only.stderr
    bad = cli(capsys, path, "address", "add", "vnet1", "10.11.0.1/16")
    assert bad.returncode == 2
    assert "host bits" in bad.stderr
    refused = [(e.operation, e.code) for e in read_audit() if e.result == "refused"]
    assert refused == [("vnettui/address remove", "PreflightFailed"),
                       ("vnettui/address add", "PreflightFailed"),
                       ("vnettui/address add", "ReadOnly"),
                       ("vnettui/address add", "PreflightFailed")]


def test_sync_all_previews_then_syncs(make_sandbox: Callable[..., Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    grown = cli(capsys, path, "address", "add", "spoke1-vnet", "10.121.0.0/16", "--no-sync")
    assert grown.returncode == 0, grown.stderr
    assert "Not synced (as asked): hub-to-spoke1 on hub-vnet" in grown.stdout
    synced = cli(capsys, path, "sync", "--all")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith(
        "2 peerings to sync:\n  sync hub-to-spoke1 on hub-vnet (LocalNotInSync): "
        "hub-vnet <-> spoke1-vnet\n  sync hub-to-spoke2 on hub-vnet (LocalNotInSync): "
        "hub-vnet <-> spoke2-vnet\n")
    again = cli(capsys, path, "sync", "--all")
    assert again.stdout.startswith("0 peerings to sync:")
    both = cli(capsys, path, "sync", "vnet1", "--all")
    assert both.returncode == 2
    assert "not both" in both.stderr


def test_overlapping_vnets_peered_by_subnets_then_checked(
        make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The README walk-through: whole VNets refused, subnets peered, reachability across."""
    path = make_sandbox("showcase")
    whole = cli(capsys, path, "peer", "works-factory-vnet", "works-analytics-vnet")
    assert whole.returncode == 2
    assert "--subnets ot --remote-subnets ingest" in whole.stdout  # the way forward
    wrong = cli(capsys, path, "peer", "works-factory-vnet", "works-analytics-vnet",
                "--subnets", "shared", "--remote-subnets", "ingest", "--name", "f2a",
                "--remote-name", "a2f")
    assert wrong.returncode == 0, wrong.stderr
    refused = cli(capsys, path, "check", "plc1", "ingest1", "--port", "80")
    assert refused.returncode == 1
    assert ("plc1's subnet ot is not part of the subnet peering f2a (it peers "
            "works-factory-vnet's shared with works-analytics-vnet's ingest)") in refused.stdout
    listed = cli(capsys, path, "list", "peerings")
    assert "access; subnets shared -> ingest" in listed.stdout
    data = {p["name"]: p for p in json.loads(cli(capsys, path, "list", "peerings",
                                                  "--json").stdout)}
    assert data["f2a"]["peerCompleteVnets"] is False
    assert data["f2a"]["localAddressPrefixes"] == ["10.130.0.0/24"]
    assert data["f2a"]["remoteAddressPrefixes"] == ["10.130.2.0/24"]
    not_listed = cli(capsys, path, "peer", "vnet1", "vnet2", "--subnets", "default",
                     "--remote-subnets", "default")
    assert not_listed.returncode == 3
    assert "az feature register --namespace Microsoft.Network" in not_listed.stderr


def test_conflicts_say_which_pairs_subnet_peering_can_connect(
        make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    text = cli(capsys, path, "conflicts")
    assert text.returncode == 1
    assert ("works-analytics-vnet <-> works-factory-vnet: ingest with ot (`vnettui peer "
            "works-analytics-vnet works-factory-vnet --subnets ingest --remote-subnets ot`)"
            ) in text.stdout
    data = json.loads(cli(capsys, path, "conflicts", "--json").stdout)
    routes = {frozenset((o["a"]["name"], o["b"]["name"])): o["subnetPeering"]
              for o in data["overlaps"]}
    assert routes[frozenset({"vnet1", "legacy-vnet"})] is None  # default overlaps default
    assert routes[frozenset({"works-factory-vnet", "works-analytics-vnet"})] == {
        "localSubnetNames": ["ingest"], "remoteSubnetNames": ["ot"]}
