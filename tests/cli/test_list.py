"""`vnettui list ...` through its console script, in a subprocess, on a temporary sandbox."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import vnettui_command

pytestmark = pytest.mark.slow


def vnettui(env: dict[str, str], *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*vnettui_command(), *args], capture_output=True, text=True, timeout=120,
        env={**env, **extra_env},
    )


@pytest.fixture
def state(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment with VNETTUI_SANDBOX_STATE at a fresh az303 sandbox (via the CLI)."""
    env = {**env, "VNETTUI_SANDBOX_STATE": str(tmp_path / "x.db")}
    reset = vnettui(env, "sandbox", "reset", "--scenario", "az303")
    assert reset.returncode == 0, reset.stderr
    return env


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_the_seed_as_json(state: dict[str, str]) -> None:
    vnets = as_json(vnettui(state, "--sandbox", "list", "vnets", "--json"))
    assert [(v["name"], v["addressPrefixes"]) for v in vnets] == [
        ("vnet1", ["10.1.0.0/16"]), ("vnet2", ["10.2.0.0/16"]),
    ]
    assert all(v["resourceGroup"] == "rg-peering" for v in vnets)
    assert all(v["location"] == "westeurope" for v in vnets)
    assert [[s["addressPrefixes"] for s in v["subnets"]] for v in vnets] == [
        [["10.1.0.0/24"]], [["10.2.0.0/24"]],
    ]
    assert all(v["peerings"] == [] for v in vnets)

    vms = as_json(vnettui(state, "list", "vms", "--json", "--sandbox"))
    assert [(vm["name"], vm["privateIp"]) for vm in vms] == [
        ("vm1", "10.1.0.4"), ("vm2", "10.2.0.4"),
    ]
    assert [vm["vnetId"] for vm in vms] == [v["id"] for v in vnets]
    assert vms[0]["nics"][0]["privateIps"] == ["10.1.0.4"]

    assert as_json(vnettui(state, "--sandbox", "list", "peerings", "--json")) == []
    (sub,) = as_json(vnettui(state, "--sandbox", "list", "subscriptions", "--json"))
    assert sub["name"] == "AZ-303 Lab"
    assert set(sub) == {"id", "name", "state", "tenantId"}


def test_tables_are_aligned(state: dict[str, str]) -> None:
    result = vnettui(state, "--sandbox", "list", "vms")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split()[:2] == ["NAME", "RESOURCE"]
    column = header.index("PRIVATE IP")
    assert [r[column:].split()[0] for r in rows] == ["10.1.0.4", "10.2.0.4"]
    empty = vnettui(state, "--sandbox", "list", "peerings")
    assert empty.returncode == 0
    assert empty.stdout.strip() == "No peerings."


def test_partial_result_exits_3_with_the_failure_on_stderr(
    tmp_path: Path, env: dict[str, str], make_sandbox: Callable[..., Path]
) -> None:
    env = {**env, "VNETTUI_SANDBOX_STATE": str(make_sandbox("showcase"))}
    subs = as_json(vnettui(env, "--sandbox", "list", "subscriptions", "--json"))
    victim = next(s for s in subs if s["name"] != "AZ-303 Lab")
    faults = json.dumps({"operation_seconds": 0, "forbidden_subscriptions": [victim["id"]]})
    result = vnettui(env, "--sandbox", "list", "vnets", "--json",
                     VNETTUI_SANDBOX_FAULTS=faults)
    assert result.returncode == 3
    vnets = json.loads(result.stdout)
    assert vnets
    assert all(v["subscriptionId"] != victim["id"] for v in vnets)
    assert victim["id"] in result.stderr
    assert "AuthorizationFailed" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_input_exits_2_without_a_traceback(state: dict[str, str]) -> None:
    unknown = vnettui(state, "--sandbox", "--subscription", "nope", "list", "vnets")
    assert unknown.returncode == 2
    assert "'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    wrong = vnettui(state, "--sandbox", "list", "routers")
    assert wrong.returncode == 2
    bad_faults = vnettui(state, "--sandbox", "list", "vnets", VNETTUI_SANDBOX_FAULTS="{oops")
    assert bad_faults.returncode == 2
    assert "Traceback" not in bad_faults.stderr


def test_no_credential_is_a_sentence_and_exit_3(env: dict[str, str]) -> None:
    # EnvironmentCredential with no AZURE_* variables fails at once, without any network.
    result = vnettui(env, "--auth", "env", "list", "subscriptions")
    assert result.returncode == 3
    assert "no credential worked" in result.stderr
    assert "AZURE_CLIENT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
