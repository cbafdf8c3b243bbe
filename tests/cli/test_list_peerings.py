"""`vnettui list peerings [VNET]`: the Portal's columns (remote address space, remote
subscription, gateway settings, provisioning state, sync level in words) and one VNet's
links, the VNet named as every command names it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.counting import counting_requests
from tests.cli.inprocess import run_main
from tui.commands.list_cmd import PEERING_HEADERS
from tui.sandbox.scenarios import AZ303_SUBSCRIPTION

Cli = Callable[..., "tuple[int, str, str]"]


def _cli(path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str) -> tuple[int, str, str]:
        done = run_main(capsys, "--sandbox", "--sandbox-state", str(path), *args)
        return done.returncode, done.stdout, done.stderr
    return run


@pytest.fixture
def showcase(make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> Cli:
    return _cli(make_sandbox("showcase"), capsys)


def _rows(out: str) -> list[dict[str, str]]:
    """The table as dicts, cut at the header's column starts (cells may hold spaces)."""
    header, *lines = out.splitlines()
    starts = [header.index(h) for h in PEERING_HEADERS]
    ends = [*starts[1:], None]
    return [{h: line[a:b].strip() for h, a, b in zip(PEERING_HEADERS, starts, ends, strict=True)}
            for line in lines]


def test_one_vnets_links_with_the_portals_columns(showcase: Cli) -> None:
    code, out, err = showcase("list", "peerings", "rg-hub/hub-vnet")
    assert (code, err) == (0, "")
    rows = {r["PEERING"]: r for r in _rows(out)}
    assert set(rows) == {"hub-to-spoke1", "hub-to-spoke2", "hub-to-spoke3"}
    assert {r["VNET"] for r in rows.values()} == {"rg-hub/hub-vnet"}
    spoke1, spoke2, spoke3 = (rows[f"hub-to-spoke{n}"] for n in (1, 2, 3))
    assert spoke1["REMOTE VNET"] == "rg-spokes/spoke1-vnet"
    assert spoke1["REMOTE SUBSCRIPTION"] == "Contoso Platform"
    assert spoke1["GATEWAY"] == "gateway transit"
    assert spoke1["SYNC"] == "in sync"
    assert spoke1["PROVISIONING"] == "Succeeded"
    assert spoke1["ALLOWS"] == "access, forwarded"
    # spoke2 grew a prefix the hub's link has not synced yet.
    assert spoke2["REMOTE ADDRESS SPACE"] == "10.102.0.0/16, 10.112.0.0/16"
    assert spoke2["SYNC"] == "local sync needed"
    assert spoke2["GATEWAY"] == "-"
    assert spoke3["STATE"] == "Disconnected"


def test_the_spokes_side_says_it_uses_the_remote_gateway(showcase: Cli) -> None:
    code, out, _ = showcase("list", "peerings", "spoke1-vnet")
    assert code == 0
    (row,) = _rows(out)
    assert (row["PEERING"], row["GATEWAY"]) == ("spoke1-to-hub", "remote gateway")
    assert row["REMOTE ADDRESS SPACE"] == "10.100.0.0/16"


def test_json_adds_where_the_remote_lives_and_the_words(showcase: Cli) -> None:
    code, out, err = showcase("list", "peerings", "spoke2-vnet", "--json")
    assert (code, err) == (0, "")
    (link,) = json.loads(out)
    assert link["name"] == "spoke2-to-hub"
    assert link["peeringSyncLevel"] == "RemoteNotInSync"
    assert link["peeringSyncLevelText"] == "remote sync needed"
    assert link["remoteSubscriptionName"] == "Contoso Platform"
    assert link["remoteSubscriptionId"] == link["remoteVnetId"].split("/")[2]
    assert link["remoteTenantId"] is None  # same tenant
    assert link["remoteAddressSpace"] == ["10.100.0.0/16"]
    code, out, _ = showcase("list", "peerings", "--json")
    assert code == 0
    assert len(json.loads(out)) == 8  # every link of every VNet, with the same keys
    assert all("peeringSyncLevelText" in p for p in json.loads(out))


def test_a_vnet_without_links_and_a_vnet_argument_elsewhere(showcase: Cli) -> None:
    assert showcase("list", "peerings", "vnet1")[:2] == (0, "No peerings.\n")
    code, out, err = showcase("list", "vnets", "vnet1")
    assert (code, out) == (2, "")
    assert "only `list peerings VNET`" in err
    code, _, err = showcase("list", "peerings", "nope-vnet")
    assert code == 2
    assert "No virtual network 'nope-vnet'" in err


def test_an_ambiguous_name_lists_the_candidates_and_exits_2(
    showcase_with_twins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = _cli(showcase_with_twins, capsys)
    code, out, err = cli("list", "peerings", "vnet1")
    assert (code, out) == (2, "")
    assert "ambiguous" in err
    assert "AZ-303 Lab/rg-peering/vnet1" in err
    assert "Contoso Platform/rg-peering/vnet1" in err
    assert "Traceback" not in err
    assert cli("list", "peerings", f"{AZ303_SUBSCRIPTION}/rg-peering/vnet1")[:2] == (
        0, "No peerings.\n")


def test_one_vnet_by_id_costs_one_get(showcase: Cli) -> None:
    vnet = ("/subscriptions/c0c0a5e0-0000-4000-8000-00000000c0c0/resourceGroups/rg-hub/"
            "providers/Microsoft.Network/virtualNetworks/hub-vnet")
    with counting_requests() as requests:
        code, out, _ = showcase("list", "peerings", vnet, "--inventory", "arm")
    assert code == 0
    assert len(_rows(out)) == 3
    assert requests.by_kind() == {"GET subscriptions": 1, "GET virtualNetwork": 1}
