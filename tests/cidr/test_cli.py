"""`vnettui conflicts` and `vnettui free` on a temporary sandbox, checked by brute force.

The acceptance path runs the console script in a subprocess; the rest calls `tui.cli.main`
in-process (the same code without an interpreter start-up per case). The brute force reads
the VNets straight from the sandbox's store, past the SDK and the backend under test.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cidr.factory import components
from tests.cli.inprocess import run_main
from tests.conftest import vnettui_command
from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION
from tui.sandbox.store import SandboxStore

ESTATE = {"subscriptions": 3, "vnets": 150, "seed": 7}
RFC1918 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def vnettui(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*vnettui_command(), *args], capture_output=True, text=True, timeout=120, env=env
    )


def stored_vnets(path: Path) -> list[dict[str, Any]]:
    """Every VNet in a sandbox file, as the emulator stores it (id and address prefixes)."""
    with SandboxStore(path) as store, store.read() as tx:
        found = tx.all_of_type("Microsoft.Network/virtualNetworks")
    return [
        {"id": r.id, "addressPrefixes": r.properties["addressSpace"]["addressPrefixes"]}
        for r in found
    ]


def brute_force_pairs(vnets: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    """Every overlapping VNet pair (by id) with its overlapping ranges, all pairs compared."""
    found: dict[tuple[str, str], set[str]] = {}
    for i, a in enumerate(vnets):
        for b in vnets[i + 1 :]:
            for pa in a["addressPrefixes"]:
                for pb in b["addressPrefixes"]:
                    na, nb = ipaddress.ip_network(pa), ipaddress.ip_network(pb)
                    if na.version == nb.version and na.overlaps(nb):
                        inner = na if na.prefixlen >= nb.prefixlen else nb
                        key = (a["id"].lower(), b["id"].lower())
                        found.setdefault(key, set()).add(str(inner))
    return found


def reported_pairs(report: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    return {
        (o["a"]["id"].lower(), o["b"]["id"].lower()): {r["overlap"] for r in o["ranges"]}
        for o in report["overlaps"]
    }


def check_against_brute_force(report: dict[str, Any], vnets: list[dict[str, Any]]) -> None:
    expected = brute_force_pairs(vnets)
    assert reported_pairs(report) == expected
    groups = [{i.lower() for i in g["vnetIds"]} for g in report["groups"]]
    assert sorted(map(sorted, groups)) == sorted(map(sorted, components(expected)))


@pytest.mark.slow
def test_showcase_conflicts_through_the_console_script(
    env: dict[str, str], make_sandbox: Callable[..., Path]
) -> None:
    path = make_sandbox("showcase")
    env = {**env, "VNETTUI_SANDBOX_STATE": str(path)}
    result = vnettui(env, "--sandbox", "conflicts", "--json")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    check_against_brute_force(report, stored_vnets(path))
    # the scenario's known conflicts, across and within subscriptions
    names = {frozenset((o["a"]["name"], o["b"]["name"])) for o in report["overlaps"]}
    assert names == {frozenset({"vnet1", "legacy-vnet"}), frozenset({"dr-vnet", "spoke2-vnet"}),
                     frozenset({"works-factory-vnet", "works-analytics-vnet"})}
    (across,) = [o for o in report["overlaps"] if o["a"]["name"] == "vnet1"]
    assert across["a"]["subscriptionName"] == "AZ-303 Lab"
    assert across["b"]["subscriptionName"] == "Contoso Platform"
    assert across["ranges"] == [
        {"aPrefix": "10.1.0.0/16", "bPrefix": "10.1.0.0/16", "overlap": "10.1.0.0/16"}
    ]
    assert report["errors"] == []


def check_free_blocks(
    answer: dict[str, Any],
    vnets: list[dict[str, Any]],
    within: list[ipaddress.IPv4Network],
    length: int,
    count: int,
) -> None:
    used = [ipaddress.ip_network(p) for v in vnets for p in v["addressPrefixes"]]
    blocks = [ipaddress.IPv4Network(b) for b in answer["blocks"]]  # strict: aligned
    assert len(blocks) == len(set(blocks)) == count
    for block in blocks:
        assert block.prefixlen == length
        assert any(block.subnet_of(w) for w in within)
        assert not any(block.overlaps(u) for u in used if u.version == 4)


# --- in-process ----------------------------------------------------------------------------

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    env: dict[str, str],
    make_sandbox: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    """`cli(*argv, scenario=..., **env)` -> (exit code, stdout, stderr) of `tui.cli.main`,
    on a sandbox file `tmp_path / f"{scenario}.db"` made on first use."""
    made: dict[str, Path] = {}

    def run(*argv: str, scenario: str = "showcase", **extra_env: str) -> tuple[int, str, str]:
        if scenario not in made:
            params = ESTATE if scenario == "estate" else {}
            made[scenario] = make_sandbox(scenario, name=f"{scenario}.db", **params)
        monkeypatch.setenv("VNETTUI_SANDBOX_STATE", str(made[scenario]))
        for name, value in extra_env.items():
            monkeypatch.setenv(name, value)
        result = run_main(capsys, *argv)
        return result.returncode, result.stdout, result.stderr

    return run


def test_no_overlap_exits_0(cli: Run) -> None:
    code, out, err = cli("--sandbox", "conflicts", scenario="az303")
    assert (code, err) == (0, "")
    assert out == "No address spaces overlap (2 VNets in 1 subscription).\n"
    code, out, _ = cli("--sandbox", "conflicts", "--json", scenario="az303")
    assert code == 0
    assert json.loads(out)["overlaps"] == []


def test_the_table_names_both_vnets_prefixes_and_the_overlap(cli: Run) -> None:
    code, out, err = cli("--sandbox", "conflicts")
    assert (code, err) == (1, "")
    header, *rows = out.splitlines()
    assert header.split() == ["GROUP", "VNET", "PREFIX", "OVERLAPS", "VNET", "PREFIX", "OVERLAP"]
    assert rows[0].split() == [
        "1", "AZ-303", "Lab/rg-peering/vnet1", "10.1.0.0/16",
        "Contoso", "Platform/rg-legacy/legacy-vnet", "10.1.0.0/16", "10.1.0.0/16",
    ]
    assert "3 overlapping pairs in 3 groups (13 VNets in 2 subscriptions)" in out


def test_an_unreadable_subscription_exits_3_with_the_rest_analysed(cli: Run) -> None:
    faults = json.dumps({"operation_seconds": 0, "forbidden_subscriptions": [CONTOSO_SUBSCRIPTION]})
    code, out, err = cli("--sandbox", "conflicts", "--json", VNETTUI_SANDBOX_FAULTS=faults)
    assert code == 3
    report = json.loads(out)
    assert report["overlaps"] == []  # only AZ-303 Lab was read, and it has no overlap
    assert [e["subscriptionId"] for e in report["errors"]] == [CONTOSO_SUBSCRIPTION]
    assert "AuthorizationFailed" in err
    assert "Traceback" not in err


def test_free_within_a_range_and_peerable_with_a_hub(cli: Run) -> None:
    code, out, err = cli(
        "--sandbox", "free", "--within", "10.104.0.0/13", "--prefix-length", "24", "--count", "3"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [  # 10.107.0.0/16 is the smallest gap (10.108.0.0/14 is next)
        "Free /24 blocks in 10.104.0.0/13, smallest gap first:",
        "  10.107.0.0/24", "  10.107.1.0/24", "  10.107.2.0/24",
    ]
    code, out, _ = cli("--sandbox", "free", "--prefix-length", "16", "--count", "8", "--json")
    _, listed, _ = cli("--sandbox", "list", "vnets", "--json")
    assert code == 0
    check_free_blocks(json.loads(out), json.loads(listed), RFC1918, 16, 8)
    code, out, _ = cli("--sandbox", "free", "--prefix-length", "16", "--peerable-with",
                       "hub-vnet", "--json")
    answer = json.loads(out)
    assert code == 0
    assert answer["within"] == ["10.0.0.0/8"]  # the hub's own RFC 1918 block
    check_free_blocks(answer, json.loads(listed), [ipaddress.ip_network("10.0.0.0/8")], 16, 5)


def test_free_says_when_nothing_is_free(cli: Run) -> None:
    code, out, _ = cli("--sandbox", "free", "--within", "10.1.0.0/16", "--prefix-length", "24")
    assert code == 1
    assert out == "No free /24 block in 10.1.0.0/16.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--within", "10.0.0.0/33"], "not a CIDR range: '10.0.0.0/33'"),
        (["--within", "fd00::/48"], "IPv6"),
        (["--within", "10.1.2.3/16"], "did you mean 10.1.0.0/16?"),
        (["--within", "192.168.0.0/16", "--prefix-length", "12"], "does not fit"),
        (["--count", "0"], "count must be"),
        (["--prefix-length", "40"], "prefix length must be"),
        (["--reuse-unrelated"], "needs --peerable-with"),
        (["--peerable-with", "no-such-vnet"], "no-such-vnet"),
        (["--prefix-length", "big"], "invalid int value"),
    ],
)
def test_free_bad_input_exits_2_with_a_message(
    cli: Run, args: list[str], message: str
) -> None:
    argv = ["--sandbox", "free", *args]
    if "--prefix-length" not in args:
        argv += ["--prefix-length", "24"]
    code, _, err = cli(*argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_generated_estate_conflicts_match_brute_force(cli: Run, tmp_path: Path) -> None:
    code, out, err = cli("--sandbox", "conflicts", "--json", scenario="estate")
    report, vnets = json.loads(out), stored_vnets(tmp_path / "estate.db")
    assert len(vnets) == 150
    assert report["overlaps"], "150 random /16../20 prefixes in 10.0.0.0/8 collide"
    assert (code, err) == (1, "")
    check_against_brute_force(report, vnets)


def test_spokes_of_one_hub_that_came_to_overlap_are_reported(cli: Run, tmp_path: Path) -> None:
    cli("--sandbox", "conflicts")  # makes the showcase sandbox
    # spoke1's space grows into spoke2's behind the peerings' back (an address-space edit)
    with SandboxStore(tmp_path / "showcase.db") as store, store.write() as tx:
        (spoke1,) = [
            r for r in tx.all_of_type("Microsoft.Network/virtualNetworks")
            if r.name == "spoke1-vnet"
        ]
        spoke1.properties["addressSpace"]["addressPrefixes"].append("10.102.5.0/24")
        tx.put(spoke1)

    code, out, _ = cli("--sandbox", "conflicts", "--json")
    assert code == 1
    report = json.loads(out)
    assert [
        (p["hubId"].rsplit("/", 1)[-1], p["aId"].rsplit("/", 1)[-1], p["bId"].rsplit("/", 1)[-1],
         p["overlappingRanges"])
        for p in report["peeredOverlaps"]
    ] == [("hub-vnet", "spoke1-vnet", "spoke2-vnet", ["10.102.5.0/24"])]
    # dr-vnet overlaps spoke1 now too, joining one group of three
    assert sorted(
        sorted(i.rsplit("/", 1)[-1] for i in g["vnetIds"]) for g in report["groups"]
    ) == [["dr-vnet", "spoke1-vnet", "spoke2-vnet"], ["legacy-vnet", "vnet1"],
          ["works-analytics-vnet", "works-factory-vnet"]]

    code, out, _ = cli("--sandbox", "conflicts")
    assert "  hub-vnet: spoke1-vnet and spoke2-vnet (10.102.5.0/24)" in out.splitlines()
