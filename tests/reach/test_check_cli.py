"""`vnettui check` end to end: the console script, the real SDK, the sandbox cloud underneath.

The seed's "before" through the console script, its "after" and the refusals through
`tui.cli.main` in process (same code and output, no interpreter start-up); the showcase's
pairs through the backend in process (one inventory load for all of them), each naming
its reason.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.inprocess import run_main
from tests.conftest import FAST, vnettui_command
from tui.model import Inventory, PeeringFlags
from tui.reach import StepStatus, Verdict, check
from tui.resolve import find_vm, find_vnet
from tui.settings import Settings


def vnettui(env: dict[str, str], *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*vnettui_command(), *args], capture_output=True, text=True,
                          timeout=120, env={**env, **extra_env})


async def _load(path: Path) -> Inventory:
    from tui.azure import open_backend

    async with open_backend(Settings(sandbox=True, sandbox_state=path)) as backend:
        return await backend.load_inventory()


@pytest.mark.slow
async def test_seed_before_and_after_peering(
    sandbox_path: Path, env: dict[str, str], open_sandbox_backend: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = vnettui(env, "--sandbox", "--sandbox-state", str(sandbox_path),
                     "check", "vm1", "vm2", "--port", "80")
    assert before.returncode == 1, before.stderr
    assert before.stdout.splitlines()[0] == "Can vm1 reach vm2 on TCP 80?  NO"
    assert "✗ vnet1 and vnet2 are different VNets with no peering" in before.stdout
    assert "→ vnettui peer vnet1 vnet2" in before.stdout

    async with open_sandbox_backend(sandbox_path) as backend:
        inventory = await backend.load_inventory()
        vnet1, vnet2 = find_vnet(inventory, "vnet1"), find_vnet(inventory, "vnet2")
        await backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        half = check(await backend.load_inventory(), find_vm(inventory, "vm1"),
                     find_vm(inventory, "vm2"))
        assert half.reason is not None
        assert half.reason.text == "vnet2 has no link back to vnet1 (1and2 on vnet1 is Initiated)"
        await backend.put_peering(vnet2.id, "2and1", vnet1.id, PeeringFlags())

    # main() runs its own event loop, so off this test's loop.
    after = await asyncio.to_thread(
        run_main, capsys, "check", "vm1", "vm2", "--port", "80", "--json",
        "--sandbox", "--sandbox-state", str(sandbox_path))
    assert after.returncode == 0, after.stderr
    data = json.loads(after.stdout)
    assert data["reachable"] is True
    assert data["answer"] == "YES"
    assert ("vnet1 and vnet2 are peered both ways: 1and2 and 2and1 are Connected"
            in [s["text"] for s in data["steps"]])
    assert {s["status"] for s in data["steps"]} == {"ok"}
    # vm2's NIC carries the Portal's basic NSG with HTTP allowed at priority 300.
    rule = data["decidingRule"]
    assert (rule["name"], rule["priority"], rule["nsgName"], rule["level"], rule["access"]) == (
        "HTTP", 300, "vm2-nsg", "NIC", "Allow")


def test_bad_input_exits_2(sandbox_path: Path, env: dict[str, str],
                          capsys: pytest.CaptureFixture[str]) -> None:
    unknown = run_main(capsys, "--sandbox", "--sandbox-state", str(sandbox_path),
                      "check", "vm1", "nosuch")
    assert unknown.returncode == 2
    assert "No virtual machine 'nosuch'" in unknown.stderr
    bad_port = run_main(capsys, "check", "vm1", "vm2", "--port", "70000")
    assert bad_port.returncode == 2
    assert "port must be between 1 and 65535" in bad_port.stderr


def test_an_unreadable_subscription_prints_the_verdict_and_exits_3(
    make_sandbox: Callable[..., Path], env: dict[str, str], capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    faults = json.dumps({**FAST, "forbidden_subscriptions": ["Contoso Platform"]})
    result = run_main(capsys, "--sandbox", "--sandbox-state", str(path), "check", "vm1",
                      "10.2.0.4", env={"VNETTUI_SANDBOX_FAULTS": faults})
    assert result.returncode == 3
    assert result.stdout.startswith("Can vm1 reach 10.2.0.4 on TCP 80?  NO")
    assert "could not be read" in result.stderr
    assert "AuthorizationFailed" in result.stderr


# ---------------------------------------------------------------- the showcase's pairs


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inventory]:
    from tui.sandbox.scenarios import reset

    root = tmp_path_factory.mktemp("showcase")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(root / "state"))
        patch.setenv("XDG_CONFIG_HOME", str(root / "config"))
        patch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps(FAST))
        reset(root / "showcase.db", "showcase")
        yield asyncio.run(_load(root / "showcase.db"))


def verdict(inventory: Inventory, source: str, destination: str, port: int = 80) -> Verdict:
    return check(inventory, find_vm(inventory, source), find_vm(inventory, destination), port)


def reason(inventory: Inventory, source: str, destination: str, port: int = 80) -> str:
    result = verdict(inventory, source, destination, port)
    assert not result.reachable
    assert result.conclusive
    assert result.reason is not None
    assert result.reason.status is StepStatus.FAIL
    return result.reason.text


def test_showcase_unpeered_seed_pair(showcase: Inventory) -> None:
    assert reason(showcase, "vm1", "vm2") == "vnet1 and vnet2 are different VNets with no peering"


def test_showcase_nsg_blocks_http_to_api4(showcase: Inventory) -> None:
    result = verdict(showcase, "app5", "api4")
    assert not result.reachable
    rule = result.deciding_rule
    assert rule is not None
    assert (rule.rule_name, rule.priority, rule.nsg_name, rule.level.value) == (
        "DenyHttpInbound", 100, "nsg-spoke4", "subnet")


def test_showcase_https_to_api4_passes(showcase: Inventory) -> None:
    result = verdict(showcase, "app5", "api4", 443)
    assert result.reachable
    assert result.deciding_rule is not None
    assert result.deciding_rule.rule_name == "AllowVnetInBound"


def test_showcase_missing_return_peering(showcase: Inventory) -> None:
    assert reason(showcase, "app5", "web6") == (
        "spoke6-vnet has no link back to spoke5-vnet (spoke5-to-spoke6 on spoke5-vnet is "
        "Initiated)")


def test_showcase_spokes_only_meet_at_the_hub(showcase: Inventory) -> None:
    text = reason(showcase, "app2", "web1")
    assert text.endswith("spoke2-vnet and spoke1-vnet only meet at hub-vnet, and peering is "
                         "not transitive")
    steps = [s.text for s in verdict(showcase, "app2", "web1").steps]
    assert any("to virtual appliance 10.100.1.4 (route to-spoke1-via-nva in rt-spoke2" in s
               for s in steps)


def test_showcase_udr_to_none(showcase: Inventory) -> None:
    assert reason(showcase, "app2", "api4").startswith(
        "spoke2-vnet/workload to 10.104.1.4: route drop-spoke4 in rt-spoke2: 10.104.0.0/16 → "
        "None drops the traffic")


def test_showcase_stopped_vm(showcase: Inventory) -> None:
    assert reason(showcase, "web1", "db3").startswith("db3 is deallocated")


def test_showcase_spoke_reaches_the_hub(showcase: Inventory) -> None:
    assert verdict(showcase, "web1", "nva1").reachable
