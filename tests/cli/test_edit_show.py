"""`edit` and `show`: the explorer's e and i from a shell, with the same checks and audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tui.audit import read_audit


def test_edit_changes_only_what_is_given_and_refuses_what_azure_would(
    make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(make_sandbox("showcase"))

    def vnettui(*args: str) -> tuple[int, str, str]:
        done = run_main(capsys, "--sandbox", "--sandbox-state", path, *args)
        return done.returncode, done.stdout, done.stderr

    code, out, _ = vnettui("edit", "hub-vnet", "hub-to-spoke2", "--forwarded-traffic")
    assert code == 0
    assert "hub-to-spoke2 on hub-vnet: updated" in out
    code, out, _ = vnettui("show", "hub-vnet", "hub-to-spoke2")
    assert code == 0
    props = json.loads(out)["properties"]
    assert props["allowForwardedTraffic"] is True
    assert props["allowVirtualNetworkAccess"] is True  # not given: unchanged
    # spoke1 uses hub's gateway: hub's link must keep transit, as Azure insists.
    code, _, err = vnettui("edit", "hub-vnet", "hub-to-spoke1", "--no-gateway-transit")
    assert code == 2
    assert "must keep allowing gateway transit" in err
    code, _, err = vnettui("--read-only", "edit", "hub-vnet", "hub-to-spoke2",
                           "--no-forwarded-traffic")
    assert code == 2
    assert "read-only" in err
    refusals = [e for e in read_audit() if e.result == "refused"]
    assert [e.operation for e in refusals] == ["vnettui/edit", "vnettui/edit"]
    code, _, err = vnettui("edit", "hub-vnet", "hub-to-spoke2")
    assert code == 2
    assert "say what to change" in err


def test_show_prints_arm_json_of_a_vnet_a_vm_and_any_id(
    make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(make_sandbox("az303"))
    done = run_main(capsys, "--sandbox", "--sandbox-state", path, "show", "vnet1")
    assert done.returncode == 0
    vnet = json.loads(done.stdout)
    assert vnet["properties"]["addressSpace"]["addressPrefixes"] == ["10.1.0.0/16"]
    done = run_main(capsys, "--sandbox", "--sandbox-state", path, "show", "--vm", "vm2")
    assert json.loads(done.stdout)["name"] == "vm2"
    done = run_main(capsys, "--sandbox", "--sandbox-state", path, "show", vnet["id"])
    assert json.loads(done.stdout)["id"] == vnet["id"]
    done = run_main(capsys, "--sandbox", "--sandbox-state", path, "show", "nosuch")
    assert done.returncode == 2
