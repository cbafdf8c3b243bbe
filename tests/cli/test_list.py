"""`vnettui list ...`: the console script in a subprocess for the acceptance path, and
`tui.cli.main` in-process (same code, no interpreter start-up) for the rest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.inprocess import process_logging_restored, run_main
from tests.conftest import vnettui_command
from tui.cli import main
from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION


def vnettui(env: dict[str, str], *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*vnettui_command(), *args], capture_output=True, text=True, timeout=120,
        env={**env, **extra_env},
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


@pytest.mark.slow
def test_the_seed_through_the_console_script(tmp_path: Path, env: dict[str, str]) -> None:
    env = {**env, "VNETTUI_SANDBOX_STATE": str(tmp_path / "x.db")}
    reset = vnettui(env, "sandbox", "reset", "--scenario", "az303")
    assert reset.returncode == 0, reset.stderr

    vnets = as_json(vnettui(env, "--sandbox", "list", "vnets", "--json"))
    assert [(v["name"], v["addressPrefixes"]) for v in vnets] == [
        ("vnet1", ["10.1.0.0/16"]), ("vnet2", ["10.2.0.0/16"]),
    ]
    assert all(v["resourceGroup"] == "rg-peering" for v in vnets)
    assert all(v["location"] == "westeurope" for v in vnets)
    assert [[s["addressPrefixes"] for s in v["subnets"]] for v in vnets] == [
        [["10.1.0.0/24"]], [["10.2.0.0/24"]],
    ]
    assert all(v["peerings"] == [] for v in vnets)

    vms = as_json(vnettui(env, "list", "vms", "--json", "--sandbox"))
    assert [(vm["name"], vm["privateIp"]) for vm in vms] == [
        ("vm1", "10.1.0.4"), ("vm2", "10.2.0.4"),
    ]
    assert [vm["vnetId"] for vm in vms] == [v["id"] for v in vnets]
    assert vms[0]["nics"][0]["privateIps"] == ["10.1.0.4"]

    assert as_json(vnettui(env, "--sandbox", "list", "peerings", "--json")) == []


def test_partial_result_exits_3_with_the_failure_on_stderr(
    env: dict[str, str], make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    faults = json.dumps({"operation_seconds": 0,
                         "forbidden_subscriptions": [CONTOSO_SUBSCRIPTION]})
    result = run_main(capsys, "--sandbox", "list", "vnets", "--json", env={
        "VNETTUI_SANDBOX_STATE": str(make_sandbox("showcase")),
        "VNETTUI_SANDBOX_FAULTS": faults})
    assert result.returncode == 3
    vnets = json.loads(result.stdout)
    assert {v["name"] for v in vnets} == {"vnet1", "vnet2"}
    assert CONTOSO_SUBSCRIPTION in result.stderr
    assert "AuthorizationFailed" in result.stderr
    assert "Traceback" not in result.stderr


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    sandbox_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """`cli(*argv, **env)` -> (exit code, stdout, stderr) of `tui.cli.main` on az303."""
    monkeypatch.setenv("VNETTUI_SANDBOX_STATE", str(sandbox_path))

    def run(*argv: str, **extra_env: str) -> tuple[int, str, str]:
        for name, value in extra_env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        with process_logging_restored():
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse refusals
                code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_tables_are_aligned(cli: Run) -> None:
    code, out, _ = cli("--sandbox", "list", "vms")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:2] == ["NAME", "RESOURCE"]
    column = header.index("PRIVATE IP")
    assert [r[column:].split()[0] for r in rows] == ["10.1.0.4", "10.2.0.4"]
    assert cli("--sandbox", "list", "peerings")[:2] == (0, "No peerings.\n")
    code, out, _ = cli("--sandbox", "list", "subscriptions")
    assert code == 0
    assert out.splitlines()[1].startswith("AZ-303 Lab  ")


def test_subscriptions_json(cli: Run) -> None:
    code, out, err = cli("list", "subscriptions", "--json", "--sandbox")
    assert (code, err) == (0, "")
    (sub,) = json.loads(out)
    assert sub["name"] == "AZ-303 Lab"
    assert set(sub) == {"id", "name", "state", "tenantId"}


def test_bad_input_exits_2_without_a_traceback(cli: Run) -> None:
    code, _, err = cli("--sandbox", "--subscription", "nope", "list", "vnets")
    assert code == 2
    assert "'nope'" in err
    assert "Traceback" not in err
    assert cli("--sandbox", "list", "routers")[0] == 2
    code, _, err = cli("--sandbox", "list", "vnets", VNETTUI_SANDBOX_FAULTS="{oops")
    assert code == 2
    assert "fault" in err.lower()


def test_no_credential_is_explained_and_exits_3(cli: Run) -> None:
    # --auth env with no AZURE_* variables fails at once, without any network, in one line.
    code, out, err = cli("--auth", "env", "list", "subscriptions")
    assert code == 3
    assert out == ""
    assert err.startswith("vnettui: --auth env: AZURE_TENANT_ID is not set")
    assert "AZURE_CLIENT_SECRET" in err
    assert len(err.splitlines()) == 1


def test_a_file_that_is_not_a_sandbox_exits_2(cli: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database, just text that is long enough to be read as a header")
    code, _, err = cli("--sandbox", "--sandbox-state", str(junk), "list", "vnets")
    assert code == 2
    assert "SandboxFileUnusable" in err
    assert "vnettui sandbox reset" in err


def test_a_reader_that_stops_early_is_not_an_error(
    sandbox_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `vnettui list vms | head -0`
    monkeypatch.setenv("VNETTUI_SANDBOX_STATE", str(sandbox_path))
    with os.fdopen(write_end, "w") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        with process_logging_restored():
            assert main(["--sandbox", "list", "vms"]) == 0
