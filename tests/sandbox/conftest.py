"""Fixtures: a fresh sandbox file per test and the real async SDK clients on top of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from azure.mgmt.compute.aio import ComputeManagementClient
from azure.mgmt.network.aio import NetworkManagementClient
from azure.mgmt.resource.subscriptions.aio import SubscriptionClient

from tui.sandbox import SandboxCredential, SandboxTransport
from tui.sandbox.scenarios import AZ303_SUBSCRIPTION, CONTOSO_SUBSCRIPTION, reset

FAST = {"operation_seconds": 0}
AZ303 = AZ303_SUBSCRIPTION
CONTOSO = CONTOSO_SUBSCRIPTION
RG = "rg-peering"


def vnet_id(sub: str, rg: str, name: str) -> str:
    return (
        f"/subscriptions/{sub}/resourceGroups/{rg}"
        f"/providers/Microsoft.Network/virtualNetworks/{name}"
    )


@pytest.fixture
def az303(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    return path


@pytest.fixture
def showcase(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.db"
    reset(path, "showcase")
    return path


ClientFactory = Callable[..., Any]


@pytest.fixture
async def network(az303: Path) -> AsyncIterator[NetworkManagementClient]:
    async with NetworkManagementClient(
        SandboxCredential(), AZ303, transport=SandboxTransport(az303, faults=FAST)
    ) as client:
        yield client


def network_client(
    path: Path, sub: str = AZ303, *, retry_total: int = 10, **kwargs: Any
) -> NetworkManagementClient:
    faults = kwargs.pop("faults", FAST)
    transport = SandboxTransport(path, faults=faults, **kwargs)
    return NetworkManagementClient(
        SandboxCredential(), sub, transport=transport, retry_total=retry_total
    )


def compute_client(path: Path, sub: str = AZ303, **kwargs: Any) -> ComputeManagementClient:
    faults = kwargs.pop("faults", FAST)
    transport = SandboxTransport(path, faults=faults, **kwargs)
    return ComputeManagementClient(SandboxCredential(), sub, transport=transport)


def subscription_client(path: Path, **kwargs: Any) -> SubscriptionClient:
    faults = kwargs.pop("faults", FAST)
    return SubscriptionClient(
        SandboxCredential(), transport=SandboxTransport(path, faults=faults, **kwargs)
    )


def peering_body(remote: str, **flags: bool) -> dict[str, Any]:
    return {"properties": {"remoteVirtualNetwork": {"id": remote}, **flags}}


async def link(
    client: NetworkManagementClient, rg: str, vnet: str, name: str, remote: str, **flags: bool
) -> Any:
    """Create or update one peering and wait for its long-running operation."""
    poller = await client.virtual_network_peerings.begin_create_or_update(
        rg, vnet, name, peering_body(remote, **flags)
    )
    return await poller.result()
