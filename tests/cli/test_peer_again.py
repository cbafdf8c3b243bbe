"""`peer` asked again for a pair already Connected both ways (idempotent for scripts), and
`edit --subnets/--remote-subnets` on a subnet peering (both links, then the sync)."""

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


def test_peer_again_is_nothing_to_do_or_names_what_differs(
        make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("az303")
    first = cli(capsys, path, "peer", "vnet1", "vnet2", "--name", "1and2",
                "--remote-name", "2and1")
    assert first.returncode == 0, first.stderr
    again = cli(capsys, path, "peer", "vnet1", "vnet2")  # default names do not count
    assert again.returncode == 0, again.stderr
    assert again.stdout == ("Already connected, nothing to do: 1and2 on vnet1 and 2and1 on "
                            "vnet2 are Connected as asked.\n")
    data = json.loads(cli(capsys, path, "peer", "vnet1", "vnet2", "--json").stdout)
    assert (data["result"], data["differences"]) == ("alreadyConnected", [])
    assert [link["name"] for link in data["links"]] == ["1and2", "2and1"]

    differs = cli(capsys, path, "peer", "vnet1", "vnet2", "--allow-forwarded-traffic",
                  "--json")
    assert differs.returncode == 2
    data = json.loads(differs.stdout)
    assert data["result"] == "settingsDiffer"
    assert data["differences"] == ["1and2 on vnet1: forwarded traffic is off, asked on",
                                   "2and1 on vnet2: forwarded traffic is off, asked on"]
    assert data["edits"] == ["vnettui edit vnet1 1and2 --forwarded-traffic",
                             "vnettui edit vnet2 2and1 --forwarded-traffic"]
    assert "vnettui edit vnet1 1and2 --forwarded-traffic" in differs.stderr
    renamed = cli(capsys, path, "peer", "vnet1", "vnet2", "--name", "other")
    assert renamed.returncode == 2
    assert "is named '1and2', not 'other'" in renamed.stderr
    refused = [(e.operation, e.code) for e in read_audit() if e.result == "refused"]
    assert refused == [("vnettui/peer", "PeeringSettingsDiffer")] * 2

    for vnet, link in (("vnet1", "1and2"), ("vnet2", "2and1")):
        assert cli(capsys, path, "edit", vnet, link, "--forwarded-traffic").returncode == 0
    now = cli(capsys, path, "peer", "vnet1", "vnet2", "--allow-forwarded-traffic")
    assert now.returncode == 0, now.stderr
    assert now.stdout.startswith("Already connected, nothing to do")


def test_edit_changes_both_links_subnet_lists_then_syncs(
        make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = make_sandbox("showcase")
    made = cli(capsys, path, "peer", "works-factory-vnet", "works-analytics-vnet",
               "--subnets", "shared", "--remote-subnets", "ingest", "--name", "f2a",
               "--remote-name", "a2f")
    assert made.returncode == 0, made.stderr

    read_only = cli(capsys, path, "--read-only", "edit", "works-factory-vnet", "f2a",
                    "--subnets", "ot")
    assert read_only.returncode == 2
    assert "read-only" in read_only.stderr
    unknown = cli(capsys, path, "edit", "works-factory-vnet", "f2a", "--subnets", "nope")
    assert unknown.returncode == 2
    assert "works-factory-vnet has no subnet nope" in unknown.stderr
    overlapping = cli(capsys, path, "edit", "works-factory-vnet", "f2a",
                      "--remote-subnets", "shared")  # shared is 10.130.0.0/24 on both
    assert overlapping.returncode == 2
    assert "The chosen subnets overlap (10.130.0.0/24 and 10.130.0.0/24)" in overlapping.stderr
    edited = cli(capsys, path, "edit", "works-factory-vnet", "f2a", "--subnets", "ot",
                 "--remote-subnets", "ingest")
    assert edited.returncode == 0, edited.stderr
    assert "update a2f on works-analytics-vnet" in edited.stdout
    assert "syncing" in edited.stdout
    links = {p["name"]: p for p in json.loads(cli(capsys, path, "list", "peerings",
                                                   "--json").stdout)}
    assert (links["f2a"]["localSubnetNames"], links["f2a"]["remoteSubnetNames"]) == (
        ["ot"], ["ingest"])
    assert (links["a2f"]["localSubnetNames"], links["a2f"]["remoteSubnetNames"]) == (
        ["ingest"], ["ot"])
    assert {links[n]["peeringSyncLevel"] for n in ("f2a", "a2f")} == {"FullyInSync"}
    assert links["a2f"]["remoteAddressPrefixes"] == ["10.130.1.0/24"]
    reach = cli(capsys, path, "check", "plc1", "ingest1", "--port", "80")
    assert reach.returncode == 0, reach.stdout

    whole = cli(capsys, path, "edit", "hub-vnet", "hub-to-spoke1", "--subnets", "default")
    assert whole.returncode == 2
    assert "peers the whole VNets" in whole.stderr
    later = cli(capsys, path, "edit", "works-factory-vnet", "f2a", "--subnets", "ot,shared",
                "--remote-subnets", "ingest", "--no-sync")
    assert later.returncode == 0, later.stderr
    assert "run `vnettui sync works-factory-vnet f2a`" in later.stdout
