"""Inventories read from real sandbox scenarios through the real backend, once per session
(they are frozen data): the showcase, and an estate whose hub has 60 spokes."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST
from tui.model import Inventory

_LOADED: dict[tuple[str, tuple[tuple[str, Any], ...]], Inventory] = {}

# `--subscriptions 1 --vnets 63`: vnet-00000 is the hub; two VNets reuse another's space
# (vnet-00039, and vnet-00045's IPv6 range) and stay out, so 60 spokes.
ESTATE = {"subscriptions": 1, "vnets": 63}


async def _read(path: Path) -> Inventory:
    from tui.azure import AzureBackend
    from tui.azure.connection import make_connection, sandbox_transport
    from tui.settings import Settings

    chosen = Settings(sandbox=True, sandbox_state=path)
    connection = make_connection(chosen)._replace(
        transport_factory=lambda: sandbox_transport(path, FAST))
    async with AzureBackend(chosen, connection) as backend:
        inventory: Inventory = await backend.load_inventory()
        return inventory


def scenario_inventory(scenario: str, **params: Any) -> Inventory:
    """The inventory of a fresh sandbox of `scenario`, read once per session."""
    from tui.sandbox.scenarios import reset

    key = (scenario, tuple(sorted(params.items())))
    if key not in _LOADED:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sandbox.db"
            reset(path, scenario, **params)
            _LOADED[key] = asyncio.run(_read(path))
    return _LOADED[key]


@pytest.fixture
def showcase_inventory(env: dict[str, str]) -> Inventory:
    return scenario_inventory("showcase")


@pytest.fixture
def estate_inventory(env: dict[str, str]) -> Inventory:
    return scenario_inventory("estate", **ESTATE)
