"""`AzureClients`: the SDK clients of one backend and their lifetime.

One client per subscription (the SDK binds the subscription into its operations), one
transport shared by all of them (one sandbox connection, one fault counter), a client with
a remote tenant's token for cross-tenant writes, and the SDK imported off the event loop.
`tui.azure.reads` and `tui.azure.writes` build on it; `AzureBackend` is the whole.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from tui.azure.connection import Connection
from tui.azure.graph_quota import QuotaPacer
from tui.model import rid
from tui.settings import Settings

if TYPE_CHECKING:
    from azure.mgmt.compute.aio import ComputeManagementClient
    from azure.mgmt.network.aio import NetworkManagementClient
    from azure.mgmt.resource.subscriptions.aio import SubscriptionClient
    from azure.mgmt.resourcegraph.aio import ResourceGraphClient

log = logging.getLogger(__name__)

# The client packages take about a second to import (DESIGN.md "Measured costs"); they are
# imported in a worker thread before first use, so a TUI's event loop keeps drawing.
SDK_MODULES = (
    "azure.core.rest",
    "azure.mgmt.resource.subscriptions.aio",
    "azure.mgmt.network.aio",
    "azure.mgmt.network.models",
    "azure.mgmt.compute.aio",
    "azure.mgmt.resourcegraph.aio",
)


def import_sdk() -> None:
    for name in SDK_MODULES:
        importlib.import_module(name)


class AzureClients:
    """The clients, built on first use and closed together. Use as `async with`."""

    def __init__(self, settings: Settings, connection: Connection) -> None:
        self.settings = settings
        self.connection = connection
        self.meter = connection.meter  # requests sent, for the explorer's rate
        self._subscription_client: SubscriptionClient | None = None
        self._graph_client: ResourceGraphClient | None = None
        # One quota for every Resource Graph query of this backend (tests give theirs a
        # clock and a sleep of their own).
        self.graph_pacer = QuotaPacer()
        # Why Resource Graph cannot be used, once a query said so: later loads go straight
        # to ARM, and the person is told once.
        self.graph_refused: str | None = None
        self.graph_requests = 0  # Resource Graph queries sent (the bench reads it)
        self._network: dict[str, NetworkManagementClient] = {}
        self._compute: dict[str, ComputeManagementClient] = {}
        # Clients that add a remote tenant's token (x-ms-authorization-auxiliary), keyed
        # by (subscription, tenant), and the tenant of every subscription listed so far.
        self._aux_network: dict[tuple[str, str], NetworkManagementClient] = {}
        self._tenants: dict[str, str] = {}
        self._closed = False
        self._sdk_loaded = False
        self._reader: Any = None  # the pipeline of every raw read (tui.azure.reader)
        # One transport for every client: one sandbox connection (or one fault counter),
        # closed once at the end.
        factory = connection.transport_factory
        self._transport: Any = factory() if factory is not None else None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every client (and its transport) and the credential; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        clients: list[Any] = [
            *self._network.values(), *self._aux_network.values(), *self._compute.values()
        ]
        if self._subscription_client is not None:
            clients.append(self._subscription_client)
        if self._reader is not None:
            clients.append(self._reader)
            self._reader = None
        if self._graph_client is not None:
            clients.append(self._graph_client)
        self._graph_client = None
        self._network.clear()
        self._aux_network.clear()
        self._compute.clear()
        self._subscription_client = None
        for client in clients:
            try:
                await client.close()
            except Exception:  # closing must not hide the result that came before it
                log.warning("closing an Azure client failed", exc_info=True)
        if self._transport is not None:
            try:
                await self._transport.close()
            except Exception:
                log.warning("closing the transport failed", exc_info=True)
        close = getattr(self.connection.credential, "close", None)
        if close is not None:
            try:
                await close()
            except Exception:
                log.warning("closing the credential failed", exc_info=True)

    async def sleep(self, seconds: float) -> None:
        """Wait between retries and polls on the transport's clock: the sandbox's never
        waits longer than its writes take to settle; the SDK's default transport (and no
        transport of our own) waits for real."""
        if self._transport is not None:
            await self._transport.sleep(seconds)
        else:
            await asyncio.sleep(seconds)

    async def _ready(self) -> None:
        """Import the SDK's clients off the event loop, once."""
        if not self._sdk_loaded:
            await asyncio.to_thread(import_sdk)
            self._sdk_loaded = True

    async def reader(self) -> Any:
        """The client every raw read goes through: the SDK's ARM pipeline without the
        typed clients, whose import (a second) the first data then never waits for."""
        if self._reader is None:
            module = await asyncio.to_thread(importlib.import_module, "tui.azure.reader")
            if self._reader is None:
                self._reader = module.raw_reader(self.connection, self._client_transport())
        return self._reader

    def _client_transport(self) -> Any:
        if self._closed:
            raise RuntimeError("the backend is closed")
        return self._transport

    # Clients, one per subscription (the SDK binds the subscription into its operations).

    def _client_kwargs(self) -> dict[str, Any]:
        if self._closed:
            raise RuntimeError("the backend is closed")
        return self.connection.client_kwargs(self._transport)

    @property
    def base_url(self) -> str:
        return self.connection.base_url.rstrip("/")

    def _subscriptions_client(self) -> SubscriptionClient:
        if self._subscription_client is None:
            from azure.mgmt.resource.subscriptions.aio import SubscriptionClient

            self._subscription_client = SubscriptionClient(
                self.connection.credential, **self._client_kwargs()
            )
        return self._subscription_client

    def _resource_graph(self) -> ResourceGraphClient:
        if self._graph_client is None:
            from azure.mgmt.resourcegraph.aio import ResourceGraphClient

            self._graph_client = ResourceGraphClient(
                self.connection.credential, **self._client_kwargs()
            )
        return self._graph_client

    def network(self, subscription_id: str) -> NetworkManagementClient:
        key = subscription_id.lower()
        if key not in self._network:
            from azure.mgmt.network.aio import NetworkManagementClient

            self._network[key] = NetworkManagementClient(
                self.connection.credential, subscription_id, **self._client_kwargs()
            )
        return self._network[key]

    def compute(self, subscription_id: str) -> ComputeManagementClient:
        key = subscription_id.lower()
        if key not in self._compute:
            from azure.mgmt.compute.aio import ComputeManagementClient

            self._compute[key] = ComputeManagementClient(
                self.connection.credential, subscription_id, **self._client_kwargs()
            )
        return self._compute[key]

    def _writer(
        self, subscription_id: str, remote_vnet_id: str, remote_tenant: str | None
    ) -> NetworkManagementClient:
        """The client for a peering write: with the remote tenant's token when the remote
        VNet lives in another tenant (ARM checks `peer/action` there)."""
        local = self._tenants.get(subscription_id.lower()) or self.settings.tenant or ""
        remote = remote_tenant or self._tenants.get(rid(remote_vnet_id).subscription_id.lower())
        if not remote or not local or remote.lower() == local.lower():
            return self.network(subscription_id)
        key = (subscription_id.lower(), remote.lower())
        if key not in self._aux_network:
            from azure.mgmt.network.aio import NetworkManagementClient

            from tui.azure import auth

            kwargs = self._client_kwargs()
            kwargs["per_retry_policies"] = [
                *kwargs.get("per_retry_policies", []),
                auth.auxiliary_policy(self.connection.credential, [remote], self.settings),
            ]
            self._aux_network[key] = NetworkManagementClient(
                self.connection.credential, subscription_id, **kwargs
            )
        return self._aux_network[key]
