"""When Resource Graph cannot be used (no permission, the provider not registered, a
query refused), `auto` reads through ARM instead, says so once, and is not an error."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.azure.graph_helpers import backend_with
from tests.cli.inprocess import run_main
from tui.azure import AzureBackend, graph_inventory
from tui.azure import graph as graph_module
from tui.errors import CloudError, InputError
from tui.sandbox import SandboxTransport, routes
from tui.sandbox.errors import ArmError
from tui.sandbox.tenants import HOME_TENANT
from tui.sandbox.transport import _response

REFUSED = ("resources | where type =~ 'microsoft.network/virtualnetworks' "
           "| mv-expand properties.subnets")


def refused(_types: object, _names: object = ()) -> str:
    return REFUSED


class NoGraphRights(SandboxTransport):
    """The sandbox, but the caller may not query Resource Graph (403)."""

    async def send(self, request: Any, **kwargs: Any) -> Any:
        if "Microsoft.ResourceGraph" not in str(request.url):
            return await super().send(request, **kwargs)
        error = ArmError(403, "AuthorizationFailed", "The client does not have authorization "
                         "to perform action 'Microsoft.ResourceGraph/resources/read'.")
        return _response(request, routes.Answer(403, error.body()))


@pytest.fixture
def notices(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    caplog.set_level(logging.WARNING, logger="vnettui.notices")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "vnettui.notices"]


@pytest.mark.parametrize(("cause", "reason"), [
    ("refused", "Resource Graph refused the query"),
    ("unregistered", "the Resource Graph provider is not registered"),
    ("forbidden", "no permission to query Resource Graph"),
])
async def test_auto_falls_back_to_arm_once_and_says_so_once(
    cause: str, reason: str, make_sandbox: Callable[..., Path], env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch, notices: Callable[[], list[str]],
) -> None:
    path = make_sandbox("showcase")
    async with backend_with(path, inventory="arm") as backend:
        arm = await backend.load_inventory()
    transport_class: type[SandboxTransport] | None = None
    if cause == "refused":
        monkeypatch.setattr(graph_inventory, "network_query", refused)
    elif cause == "unregistered":  # the sandbox refuses api-versions before 2021-03-01
        monkeypatch.setattr(graph_module, "GRAPH_API_VERSION", "2019-04-01")
    else:
        transport_class = NoGraphRights
    async with backend_with(path, transport_class=transport_class) as backend:
        first = await backend.load_inventory()
        sent = backend.graph_requests
        second = await backend.load_inventory()
        assert backend.graph_requests == sent  # known now: straight to ARM
    assert first.source_note.startswith(reason)
    assert second.source_note == ""  # said once, with the load that found it out
    for inventory in (first, second):
        assert inventory.source == "arm"
        assert inventory.errors == ()
        assert (inventory.vnets, inventory.vms, inventory.nsgs) == (arm.vnets, arm.vms, arm.nsgs)
    (said,) = notices()
    assert said.startswith(f"Resource Graph is not available ({reason}")
    assert said.endswith("reading each subscription through ARM instead.")


async def test_graph_alone_is_an_error_and_groups_need_graph(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend],
    monkeypatch: pytest.MonkeyPatch, notices: Callable[[], list[str]],
) -> None:
    monkeypatch.setattr(graph_inventory, "network_query", refused)
    async with open_sandbox_backend(sandbox_path, inventory="graph") as backend:
        with pytest.raises(CloudError, match="--inventory graph: Resource Graph refused"):
            await backend.load_inventory()
    async with open_sandbox_backend(sandbox_path, management_groups=(HOME_TENANT,)) as backend:
        with pytest.raises(InputError, match=r"--management-group .* not available"):
            await backend.load_inventory()
    async with open_sandbox_backend(sandbox_path, inventory="arm",
                                    management_groups=(HOME_TENANT,)) as backend:
        with pytest.raises(InputError, match="--management-group"):
            await backend.load_inventory()
        assert backend.graph_requests == 0
    assert notices() == []


def test_the_command_line_says_it_once_on_stderr(
    make_sandbox: Callable[..., Path], env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    args = ("--sandbox", "--sandbox-state", str(path))
    arm = run_main(capsys, *args, "--inventory", "arm", "list", "vnets", "--json")
    monkeypatch.setattr(graph_inventory, "network_query", refused)
    done = run_main(capsys, *args, "list", "vnets", "--json")
    assert done.returncode == 0
    assert done.stdout == arm.stdout
    (line,) = done.stderr.splitlines()
    assert line.startswith("vnettui: Resource Graph is not available (Resource Graph refused")
    strict = run_main(capsys, *args, "--inventory", "graph", "list", "vnets")
    assert strict.returncode == 3
    assert "--inventory graph: Resource Graph refused the query" in strict.stderr


def test_option_values_are_checked(capsys: pytest.CaptureFixture[str],
                                   env: dict[str, str]) -> None:
    done = run_main(capsys, "--sandbox", "--inventory", "index", "list", "vnets")
    assert done.returncode == 2
    assert "invalid choice: 'index'" in done.stderr
    done = run_main(capsys, "--sandbox", "--management-group", "a/b", "list", "vnets")
    assert done.returncode == 2
    assert "--management-group 'a/b'" in done.stderr
