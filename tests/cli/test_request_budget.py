"""What each command reads, counted by the sandbox's request log: only what it shows or
checks.

On a multi-subscription estate, `peer`/`unpeer`/`sync` read the named VNets and not the
tenant, `list vms` no VNets, `list vnets` and `conflicts` no VMs, NICs, NSGs or route
tables. These budgets are regression guards: a change that reads the whole inventory again
fails here, long before anyone notices a slow command on a big tenant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.counting import SentRequests, counting_requests
from tests.cli.inprocess import run_main

SUB1 = "e57a7e00-0000-4000-8000-000005000001"  # estate seed 5: "Estate 02"
INVENTORY_LISTS = {"GET networkInterfaces", "GET virtualMachines", "GET networkSecurityGroups",
                   "GET routeTables"}
PEER_BUDGET = 14  # measured 12: subscriptions (2 pages), 2 VNet GETs, 2 PUTs, 2 operation
                  # polls, 2 peering GETs, 2 VNet GETs re-reading both sides


@pytest.fixture(scope="module")
def estate_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three subscriptions of 60 VNets (two pages each), each with a hub of 59 links."""
    from tui.sandbox.scenarios import reset

    path = tmp_path_factory.mktemp("budget") / "estate.db"
    reset(path, "estate", subscriptions=3, vnets=180, seed=5)
    return path


@pytest.fixture
def estate(estate_file: Path, tmp_path: Path, env: dict[str, str]) -> Path:
    """A fresh copy of the estate for each test (writes stay in it)."""
    copy = tmp_path / "estate.db"
    copy.write_bytes(estate_file.read_bytes())
    return copy


@pytest.fixture
def requests() -> Iterator[SentRequests]:
    with counting_requests() as log:
        yield log


Vnettui = Callable[..., "tuple[int, str, str]"]


@pytest.fixture
def vnettui(estate: Path, capsys: pytest.CaptureFixture[str]) -> Vnettui:
    def run(*args: str) -> tuple[int, str, str]:
        done = run_main(capsys, "--sandbox", "--sandbox-state", str(estate), *args)
        return done.returncode, done.stdout, done.stderr
    return run


def vnet(n: int, sub: str = "Estate 01", group: str = "rg-estate-000") -> str:
    return f"{sub}/{group}/vnet-{n:05d}"


def test_peer_reads_the_two_vnets_not_the_tenant(vnettui: Vnettui, requests: SentRequests) -> None:
    # Two hubs (59 links each) in different subscriptions, one named by id.
    remote = (f"/subscriptions/{SUB1}/resourceGroups/rg-estate-000/providers/"
              "Microsoft.Network/virtualNetworks/vnet-00001")
    code, out, err = vnettui("peer", vnet(0), remote)
    assert code == 0, err
    assert "(Connected); vnet-00001 has" in out
    assert len(requests) <= PEER_BUDGET, requests.by_kind()
    assert set(requests.by_kind()) <= {
        "GET subscriptions", "GET virtualNetwork", "PUT virtualNetworkPeering",
        "GET virtualNetworkPeering", "GET operation"}


def test_unpeer_and_sync_read_the_vnet_and_its_remote(
    vnettui: Vnettui, requests: SentRequests
) -> None:
    code, _, err = vnettui("sync", vnet(0), "hub-to-vnet-00003")
    assert code == 0, err
    assert requests.by_kind()["GET virtualNetwork"] == 4  # both sides, before and after
    synced = len(requests)
    code, out, err = vnettui("unpeer", vnet(0), "hub-to-vnet-00003", "--both")
    assert code == 0, err
    assert "vnet-00003 has no link to vnet-00000" in out
    assert synced <= 8, requests.by_kind()
    assert len(requests) - synced <= 12, requests.by_kind()
    assert not set(requests.by_kind()) & {"GET virtualNetworks", *INVENTORY_LISTS}


def test_a_bare_name_lists_vnets_but_nothing_else(vnettui: Vnettui, requests: SentRequests) -> None:
    code, _, err = vnettui("--inventory", "arm", "peer", "vnet-00000", "vnet-00001",
                           "--one-side")
    assert code == 0, err
    kinds = requests.by_kind()
    assert kinds["GET virtualNetworks"] == 3 * 2  # each subscription's two pages, once
    assert not set(kinds) & INVENTORY_LISTS


def test_a_bare_name_is_one_resource_graph_query(vnettui: Vnettui,
                                                 requests: SentRequests) -> None:
    """Where the index can be asked, names are found by one query (and its probe of which
    subscriptions it sees), not by listing every subscription's VNets; what the checks
    read is ARM's copy of each VNet."""
    code, _, err = vnettui("peer", "vnet-00000", "vnet-00001", "--one-side")
    assert code == 0, err
    kinds = requests.by_kind()
    assert kinds["POST resources"] == 2  # the probe, then the VNets of those names
    assert kinds["GET virtualNetwork"] >= 2  # each then read from ARM, never the index's
    assert "GET virtualNetworks" not in kinds
    assert not set(kinds) & INVENTORY_LISTS


LISTINGS = [
    (("list", "subscriptions", "--json"), {"GET subscriptions"}),
    (("list", "vnets", "--json"), {"GET subscriptions", "GET virtualNetworks"}),
    (("list", "peerings"), {"GET subscriptions", "GET virtualNetworks"}),
    (("conflicts", "--json"), {"GET subscriptions", "GET virtualNetworks"}),
    (("free", "--prefix-length", "24"), {"GET subscriptions", "GET virtualNetworks"}),
    (("list", "vms", "--json"),
     {"GET subscriptions", "GET virtualMachines", "GET networkInterfaces"}),
]


@pytest.mark.parametrize(("args", "reads"), LISTINGS)
def test_each_listing_reads_only_the_kinds_it_shows(
    vnettui: Vnettui, requests: SentRequests, args: tuple[str, ...], reads: set[str]
) -> None:
    code, out, err = vnettui("--inventory", "arm", *args)
    assert code in (0, 1), err  # conflicts exits 1: the estate has overlaps
    assert set(requests.by_kind()) == reads
    if "--json" in args:
        assert json.loads(out)


@pytest.mark.parametrize(("args", "reads"), LISTINGS)
def test_through_resource_graph_each_listing_sends_a_query_per_kind(
    vnettui: Vnettui, requests: SentRequests, args: tuple[str, ...], reads: set[str]
) -> None:
    """The subscription list from ARM, then which subscriptions the index answers for,
    then one query for the network kinds shown and one for VMs joined with their NICs:
    never a list per subscription."""
    code, out, err = vnettui(*args)
    assert code in (0, 1), err
    kinds = requests.by_kind()
    lists = len(reads) - 1
    assert set(kinds) == {"GET subscriptions"} | ({"POST resources"} if lists else set()), kinds
    queries = int(bool(reads - {"GET subscriptions", "GET virtualMachines",
                                "GET networkInterfaces"})) + int("GET virtualMachines" in reads)
    assert kinds["POST resources"] == (1 + queries if lists else 0)
    if "--json" in args:
        assert json.loads(out)


def test_a_name_the_index_lacks_is_looked_for_through_arm(vnettui: Vnettui,
                                                          requests: SentRequests) -> None:
    """The index trails ARM: a name it does not have (new, or a typo) is looked for in
    every subscription's list before the command says there is no such VNet."""
    code, _, err = vnettui("peer", "vnet-new", "vnet-00001", "--one-side")
    assert code == 2
    assert "vnet-new" in err
    kinds = requests.by_kind()
    assert kinds["POST resources"] == 2
    assert kinds["GET virtualNetworks"] == 3 * 2
