"""Writes and names when a subscription cannot be read (the fault profile's 403)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tests.peering.test_cli import peerings_in
from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION

FORBID_CONTOSO = json.dumps({"operation_seconds": 0,
                             "forbidden_subscriptions": ["Contoso Platform"]})


def run(capsys: pytest.CaptureFixture[str], path: Path, *argv: str,
        faults: str = "") -> subprocess.CompletedProcess[str]:
    extra = {"VNETTUI_SANDBOX_FAULTS": faults} if faults else {}
    return run_main(capsys, "--sandbox", "--sandbox-state", str(path), *argv, env=extra)


def test_a_write_whose_peers_are_unreadable_is_refused(
    env: dict[str, str], make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    assert run(capsys, path, "peer", "vnet1", "spoke3-vnet").returncode == 0
    before = peerings_in(path)
    refused = run(capsys, path, "peer", "vnet1", "vnet2", faults=FORBID_CONTOSO)
    assert refused.returncode == 3, refused.stderr
    assert (f"Refused to peer vnet1 with vnet2: subscription 'Contoso Platform' "
            f"({CONTOSO_SUBSCRIPTION}) could not be read") in refused.stderr
    assert peerings_in(path) == before
    unpeer = run(capsys, path, "unpeer", "vnet1", "vnet1-to-spoke3-vnet", faults=FORBID_CONTOSO)
    assert unpeer.returncode == 3
    assert "'Contoso Platform'" in unpeer.stderr
    assert peerings_in(path) == before


def test_a_write_the_unreadable_subscription_cannot_affect_goes_ahead(
    env: dict[str, str], make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    done = run(capsys, path, "peer", "vnet1", "vnet2", faults=FORBID_CONTOSO)
    assert done.returncode == 0, done.stderr
    assert (f"note: subscription 'Contoso Platform' ({CONTOSO_SUBSCRIPTION}) could not be "
            "read, but neither vnet1 nor vnet2 nor any VNet peered with them lives there"
            ) in done.stdout
    assert {"vnet1-to-vnet2", "vnet2-to-vnet1"} <= set(peerings_in(path))


def test_a_name_that_may_live_in_an_unreadable_subscription_is_a_cloud_error(
    env: dict[str, str], make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    for argv in (("peer", "vnet1", "hub-vnet"), ("check", "vm1", "web1"),
                 ("peer", "vnet1", "Contoso Platform/rg-hub/hub-vnet")):
        done = run(capsys, path, *argv, faults=FORBID_CONTOSO)
        assert done.returncode == 3, (argv, done.stderr)
        assert (f"it may be in Contoso Platform ({CONTOSO_SUBSCRIPTION}) "
                "(AuthorizationFailed), which could not be read") in done.stderr
    # A name in a readable subscription that is not there is still bad input.
    wrong = run(capsys, path, "peer", "vnet1", "AZ-303 Lab/rg-peering/hub-vnet",
                faults=FORBID_CONTOSO)
    assert wrong.returncode == 2
    assert "No virtual network 'AZ-303 Lab/rg-peering/hub-vnet'." in wrong.stderr
