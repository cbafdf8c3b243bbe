"""Fixtures for the peering workflow on the sandbox: the real SDK through AzureBackend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui.model import Inventory, VirtualNetwork
from tui.peering import PollPolicy, RetryPolicy
from tui.resolve import find_vnet
from tui.sandbox.builders import Estate
from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION
from tui.sandbox.store import SandboxStore


async def no_wait(seconds: float) -> None:
    """Backoff and polling pauses cost nothing here: the sandbox settles writes at once."""


FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.0, sleep=no_wait)
FAST_POLL = PollPolicy(polls=5, interval=0.0, sleep=no_wait)


@dataclass
class Cloud:
    """A sandbox file and a backend on it, with a fresh inventory on demand."""

    path: Path
    backend: Any
    open_backend: Callable[..., Any]

    async def inventory(self) -> Inventory:
        inventory: Inventory = await self.backend.load_inventory()
        return inventory

    async def vnet(self, ref: str) -> VirtualNetwork:
        return find_vnet(await self.inventory(), ref)


@pytest.fixture
async def cloud_factory(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., Any]
) -> Callable[..., Any]:
    """`await cloud_factory("showcase", faults={...})` -> a Cloud on a fresh sandbox."""

    async def make(scenario: str = "az303", faults: dict[str, Any] | None = None,
                   name: str = "sandbox.db") -> Cloud:
        path = make_sandbox(scenario, name=name)
        backend = open_sandbox_backend(path, faults=faults)
        return Cloud(path, backend, open_sandbox_backend)

    return make


@pytest.fixture
async def az303(cloud_factory: Callable[..., Any]) -> Cloud:
    cloud: Cloud = await cloud_factory("az303")
    return cloud


@pytest.fixture
async def showcase(cloud_factory: Callable[..., Any]) -> Cloud:
    cloud: Cloud = await cloud_factory("showcase")
    return cloud


def add_second_hub(path: Path) -> None:
    """A second VNet with a gateway in the showcase (for the one-remote-gateway rule)."""
    estate = Estate()
    sub = CONTOSO_SUBSCRIPTION
    estate.resource_group(sub, "rg-hub2")
    hub2 = estate.vnet(sub, "rg-hub2", "hub2-vnet", ["10.200.0.0/16"],
                       [("GatewaySubnet", "10.200.0.0/27")])
    estate.gateway(sub, "rg-hub2", "hub2-vpngw", hub2)
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)
