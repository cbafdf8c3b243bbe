"""Fixtures shared by every part's tests: an isolated environment and a fresh sandbox.

Other parts add their own fixtures in `tests/<part>/conftest.py`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
# Writes settle at once in tests, and Resource Graph's quota (15 queries per 5 s, which a
# test reloading the inventory a few times would wait out for real) is out of the way;
# the tests of the quota set their own.
FAST = {"operation_seconds": 0, "graph_quota": 1000}

# Property tests: a modest budget for every run (`make test` must stay within minutes on a
# shared 2-core machine) and no per-example deadline, which a loaded machine would trip.
# HYPOTHESIS_PROFILE=thorough searches ten times harder, for a change to a pure core.
settings.register_profile("ci", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point XDG state/config at tmp_path and drop sandbox settings from the outer shell.

    Returns a copy of the environment for subprocesses (the CLI through its console script).
    """
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps(FAST))
    monkeypatch.delenv("VNETTUI_SANDBOX_STATE", raising=False)
    # Keep Azure SDK settings of the machine (a real cloud, a proxy) out of tests.
    for name in list(os.environ):
        if name.startswith(("AZURE_", "MSI_", "IDENTITY_")):
            monkeypatch.delenv(name, raising=False)
    return dict(os.environ)


@pytest.fixture
def make_sandbox(tmp_path: Path, env: dict[str, str]) -> Callable[..., Path]:
    """`make_sandbox(scenario="az303", name="sandbox.db", **params)` -> a freshly reset file."""
    from tui.sandbox.scenarios import reset

    def make(scenario: str = "az303", name: str = "sandbox.db", **params: Any) -> Path:
        path = tmp_path / name
        reset(path, scenario, **params)
        return path

    return make


@pytest.fixture
def sandbox_path(make_sandbox: Callable[..., Path]) -> Path:
    """A temporary sandbox file holding the `az303` scenario (writes settle instantly)."""
    return make_sandbox("az303")


@pytest.fixture
def showcase_with_twins(make_sandbox: Callable[..., Path]) -> Path:
    """The showcase, plus `vnet1` in Contoso's rg-peering (so `vnet1` and `rg-peering/vnet1`
    are ambiguous across subscriptions)."""
    from tui.sandbox.builders import Estate
    from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION
    from tui.sandbox.store import SandboxStore

    path = make_sandbox("showcase")
    estate = Estate()
    estate.resource_group(CONTOSO_SUBSCRIPTION, "rg-peering")
    estate.vnet(CONTOSO_SUBSCRIPTION, "rg-peering", "vnet1", ["10.31.0.0/16"])
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)
    return path


@pytest.fixture
async def open_sandbox_backend(env: dict[str, str]) -> AsyncIterator[Callable[..., Any]]:
    """`open_sandbox_backend(path, faults=None, transport_options=None, **settings)`
    -> an AzureBackend on that file, built as `open_backend` builds it (guard and audit
    included), with the fault profile handed to the transport directly.

    Faults always include `operation_seconds: 0` unless given. Backends still open at the
    end of the test are closed.
    """
    from tui.azure import AzureBackend
    from tui.azure.connection import make_connection, sandbox_transport
    from tui.settings import Settings

    opened: list[AzureBackend] = []

    def open_backend(path: Path, faults: dict[str, Any] | None = None,
                     transport_options: dict[str, Any] | None = None,
                     **settings: Any) -> AzureBackend:
        profile = {**FAST, **(faults or {})}
        options = transport_options or {}
        chosen = Settings(sandbox=True, sandbox_state=path, **settings)
        connection = make_connection(chosen)._replace(
            transport_factory=lambda: sandbox_transport(path, profile, **options),
        )
        backend = AzureBackend(chosen, connection)
        opened.append(backend)
        return backend

    yield open_backend
    for backend in opened:
        await backend.close()


@pytest.fixture
async def az303_backend(
    sandbox_path: Path, open_sandbox_backend: Callable[..., Any]
) -> AsyncIterator[Any]:
    """An open AzureBackend on a fresh az303 sandbox."""
    async with open_sandbox_backend(sandbox_path) as backend:
        yield backend


def vnettui_command() -> list[str]:
    """The console script when installed in the venv, else the module."""
    script = Path(sys.executable).parent / "vnettui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]
