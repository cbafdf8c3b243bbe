"""`AzureBackend`: the one object through which vnettui reads and writes Azure.

Bulk reads go out as raw pages (see `paging.py`); single reads, writes and long-running
operations use the SDK's typed operations, whose polling follows ARM's async protocol.
Both go through the same clients, so credential, retry and transport are shared.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tui import notices
from tui.azure import mappers, targets, watcher
from tui.azure.connection import Connection
from tui.azure.error_map import azure_errors, translate
from tui.azure.graph import GraphReader, GraphUnavailable, unavailable
from tui.azure.graph_inventory import read_graph
from tui.azure.graph_quota import QuotaPacer
from tui.azure.inventory import SubscriptionContents, load_error, read_subscription
from tui.azure.paging import (
    COMPUTE_API_VERSION,
    NETWORK_API_VERSION,
    SUBSCRIPTIONS_API_VERSION,
    get_json,
    list_all,
    resource_url,
    vnet_path,
)
from tui.errors import CloudError, InputError, NotFoundError, VnettuiError
from tui.model import (
    ALL_KINDS,
    Inventory,
    Kind,
    LoadError,
    Peering,
    PeeringFlags,
    ProbeResult,
    ResourceId,
    SubnetSelection,
    Subscription,
    VirtualNetwork,
    rid,
)
from tui.settings import Settings

if TYPE_CHECKING:
    from azure.mgmt.compute.aio import ComputeManagementClient
    from azure.mgmt.network.aio import NetworkManagementClient
    from azure.mgmt.network.models import VirtualNetworkPeering
    from azure.mgmt.resource.subscriptions.aio import SubscriptionClient
    from azure.mgmt.resourcegraph.aio import ResourceGraphClient

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Subscription, LoadError | None], None]

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


def _import_sdk() -> None:
    for name in SDK_MODULES:
        importlib.import_module(name)


# Subscriptions read at once, and requests in flight across all of them: enough to hide
# ARM's latency (a 10,000-VNet estate is ~250 pages of VNets), few enough to stay well
# under ARM's per-principal read budget when a tenant has hundreds of subscriptions.
MAX_CONCURRENT_SUBSCRIPTIONS = 16
MAX_REQUESTS_IN_FLIGHT = 16


def _vnet_parts(vnet_id: str) -> tuple[str, str, str]:
    """(subscription, resource group, VNet name) of a VNet id, or InputError."""
    value = rid(vnet_id)
    parts = value.parts
    segs = [s.lower() for s in value.split("/") if s]
    if (
        len(segs) != 8 or segs[0] != "subscriptions" or segs[2] != "resourcegroups"
        or segs[4] != "providers" or segs[5] != "microsoft.network"
        or segs[6] != "virtualnetworks"
    ):
        raise InputError(f"Not a virtual network id: {vnet_id!r}.")
    return parts["subscriptions"], parts["resourcegroups"], parts["virtualnetworks"]


def _peering_parts(peering_id: str) -> tuple[str, str, str, str]:
    """(subscription, resource group, VNet name, peering name) of a peering id."""
    value = rid(peering_id)
    segs = [s.lower() for s in value.split("/") if s]
    if len(segs) != 10 or segs[8] != "virtualnetworkpeerings":
        raise InputError(f"Not a virtual network peering id: {peering_id!r}.")
    sub, rg, vnet = _vnet_parts(value.parent)
    return sub, rg, vnet, value.name


def peering_body(
    remote_vnet_id: str, flags: PeeringFlags, subnets: SubnetSelection | None = None
) -> dict[str, Any]:
    """The PUT body of one peering direction, with every flag stated explicitly (and, for a
    subnet peering, its subnets in Microsoft's shape: `peerCompleteVnets: false`...)."""
    props: dict[str, Any] = {
        "allowVirtualNetworkAccess": flags.allow_virtual_network_access,
        "allowForwardedTraffic": flags.allow_forwarded_traffic,
        "allowGatewayTransit": flags.allow_gateway_transit,
        "useRemoteGateways": flags.use_remote_gateways,
        "remoteVirtualNetwork": {"id": str(remote_vnet_id)},
    }
    if subnets is not None:
        props.update({
            "peerCompleteVnets": False,
            "localSubnetNames": list(subnets.local),
            "remoteSubnetNames": list(subnets.remote),
            "enableOnlyIPv6Peering": subnets.ipv6_only,
        })
    return {"properties": props}


def _peering_model(body: dict[str, Any]) -> VirtualNetworkPeering:
    from azure.mgmt.network.models import VirtualNetworkPeering

    return VirtualNetworkPeering(body)


def _groups_need_graph(reason: str | None) -> str:
    why = f" ({reason})" if reason else ""
    return (f"--management-group scopes the Resource Graph queries, and Resource Graph is not "
            f"available{why}; use --subscription instead.")


def _inventory(
    subs: Sequence[Subscription], results: Sequence[SubscriptionContents | LoadError],
    kinds: frozenset[Kind], source: str, note: str,
) -> Inventory:
    contents = [r for r in results if isinstance(r, SubscriptionContents)]
    return Inventory(
        subscriptions=tuple(subs),
        vnets=tuple(v for c in contents for v in c.vnets),
        vms=tuple(vm for c in contents for vm in c.vms),
        nsgs=tuple(n for c in contents for n in c.nsgs),
        route_tables=tuple(t for c in contents for t in c.route_tables),
        errors=tuple(r for r in results if isinstance(r, LoadError)),
        loaded_at=datetime.now(UTC),
        kinds=kinds,
        source=source,
        source_note=note,
    )


class AzureBackend:
    """Reads inventory and manages peerings. Use as `async with open_backend(s) as b:`."""

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

    async def __aenter__(self) -> AzureBackend:
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
            await asyncio.to_thread(_import_sdk)
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

    # Bulk reads.

    async def list_subscriptions(self) -> list[Subscription]:
        """Readable subscriptions, narrowed to `settings.subscriptions` (ids or names).

        A `--subscription` that matches nothing readable is an InputError naming it.
        """
        url = f"{self.base_url}/subscriptions?api-version={SUBSCRIPTIONS_API_VERSION}"
        bodies = await list_all(await self.reader(), url)
        subs = [mappers.subscription_from_json(b) for b in bodies]
        self._tenants.update((s.id.lower(), s.tenant_id) for s in subs if s.tenant_id)
        wanted = self.settings.subscriptions
        if not wanted:
            return subs
        chosen: list[Subscription] = []
        missing: list[str] = []
        for want in wanted:
            key = want.strip().lower()
            matches = [s for s in subs if key in (s.id.lower(), s.name.lower())]
            if not matches:
                missing.append(want)
            chosen.extend(s for s in matches if s not in chosen)
        if missing:
            known = ", ".join(f"{s.name} ({s.id})" for s in subs) or "none"
            raise InputError(
                f"No readable subscription matches {', '.join(map(repr, missing))}; "
                f"readable: {known}."
            )
        return chosen

    async def load_subscription(
        self, sub: Subscription, kinds: Collection[Kind] = ALL_KINDS,
        *, gate: asyncio.Semaphore | None = None,
    ) -> SubscriptionContents:
        """One subscription's resources of `kinds` (raises on failure)."""
        reader = await self.reader()
        return await read_subscription(
            reader, reader, self.base_url, sub.id, kinds,
            gate=gate or asyncio.Semaphore(MAX_REQUESTS_IN_FLIGHT),
        )

    async def iter_subscriptions(
        self, kinds: Collection[Kind], subscriptions: Sequence[Subscription],
    ) -> AsyncIterator[tuple[Subscription, SubscriptionContents | LoadError]]:
        """Each subscription's resources of `kinds`, as soon as that subscription is read.

        Subscriptions are read concurrently (bounded, and at most MAX_REQUESTS_IN_FLIGHT
        requests at once), started in the given order. One that cannot be read comes out
        as a `LoadError` with the reason; the others are unaffected.
        """
        await self.reader()
        subs_gate = asyncio.Semaphore(MAX_CONCURRENT_SUBSCRIPTIONS)
        requests_gate = asyncio.Semaphore(MAX_REQUESTS_IN_FLIGHT)

        async def one(sub: Subscription) -> tuple[Subscription, SubscriptionContents | LoadError]:
            async with subs_gate:
                try:
                    return sub, await self.load_subscription(sub, kinds, gate=requests_gate)
                except Exception as exc:
                    return sub, load_error(sub.id, translate(exc))

        tasks = [asyncio.ensure_future(one(sub)) for sub in subscriptions]
        try:
            for done in asyncio.as_completed(tasks):
                yield await done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def load(
        self, kinds: Iterable[Kind] = ALL_KINDS,
        subscriptions: Sequence[Subscription] | None = None,
        *, on_progress: ProgressCallback | None = None,
    ) -> Inventory:
        """The resources of `kinds` in `subscriptions` (default: every readable one).

        What a command needs, and no more: `list vms` reads VMs but no VNets, `conflicts`
        VNets alone. Read through Resource Graph or ARM as `settings.inventory` says
        (`Inventory.source` tells which). A subscription that cannot be read becomes a
        `LoadError` in `Inventory.errors`; only the subscription list itself failing
        raises (and, with `--inventory graph` or management groups, Resource Graph).
        """
        wanted = frozenset(kinds)
        subs = list(subscriptions) if subscriptions is not None else (
            await self.list_subscriptions())
        mode = self.settings.inventory
        groups = self.settings.management_groups
        if mode == "arm" or (mode == "auto" and self.graph_refused is not None):
            if groups:
                raise InputError(_groups_need_graph(self.graph_refused))
            # Said with the load that found it out; later loads are plain ARM loads.
            return await self._load_arm(wanted, subs, on_progress, "")
        try:
            return await self._load_graph(wanted, subs, on_progress)
        except GraphUnavailable as error:
            if mode == "graph":
                raise CloudError(f"--inventory graph: {error.message}", code=error.code,
                                 status=error.status) from None
            if groups:
                raise InputError(_groups_need_graph(error.message)) from None
            self.graph_refused = error.message
            notices.tell(f"Resource Graph is not available ({error.message}); reading each "
                         "subscription through ARM instead.")
            return await self._load_arm(wanted, subs, on_progress, error.message)

    async def _load_arm(
        self, wanted: frozenset[Kind], subs: list[Subscription],
        on_progress: ProgressCallback | None, note: str,
    ) -> Inventory:
        """The ARM fan-out: every subscription's lists, read concurrently."""
        results: dict[str, SubscriptionContents | LoadError] = {}
        async for sub, result in self.iter_subscriptions(wanted, subs):
            results[sub.id] = result
            if on_progress is not None:
                on_progress(sub, result if isinstance(result, LoadError) else None)
        return _inventory(subs, [results[s.id] for s in subs], wanted, "arm", note)

    async def _load_graph(
        self, wanted: frozenset[Kind], subs: list[Subscription],
        on_progress: ProgressCallback | None,
    ) -> Inventory:
        """One query per kind across `subs`; the subscriptions the index does not answer
        for are read through ARM, each with its own result or reason."""
        reader = GraphReader(await self.reader(), self.base_url, self.graph_pacer,
                             self.sleep)
        groups = self.settings.management_groups
        try:
            found = await read_graph(reader, wanted, subs, groups)
        except VnettuiError as error:
            raise unavailable(error) from None
        finally:
            self.graph_requests += reader.requests
        results: dict[str, SubscriptionContents | LoadError] = dict(found.contents)
        if on_progress is not None:
            for sub in found.seen:
                on_progress(sub, None)
        async for sub, result in self.iter_subscriptions(wanted, found.unseen):
            results[sub.id.lower()] = result
            if on_progress is not None:
                on_progress(sub, result if isinstance(result, LoadError) else None)
        chosen = [s for s in subs if s.id.lower() in results]
        return _inventory(chosen, [results[s.id.lower()] for s in chosen], wanted, "graph", "")

    async def load_inventory(self, on_progress: ProgressCallback | None = None) -> Inventory:
        """Everything readable: every kind in every subscription (the explorer's load)."""
        return await self.load(ALL_KINDS, on_progress=on_progress)

    async def refresh_vnets(self, inventory: Inventory, vnet_ids: Iterable[str]) -> Inventory:
        """`inventory` with these VNets re-read from ARM, one GET each: ARM wins.

        For whatever a write depends on when the inventory came from Resource Graph, whose
        index lags ARM: a link made a moment ago, a VNet just deleted (dropped here). A
        VNet that cannot be read raises, so no preflight runs on what was not re-read.
        """
        await self.reader()
        ids = list(dict.fromkeys(rid(i) for i in vnet_ids))

        async def one(vnet_id: ResourceId) -> VirtualNetwork | None:
            try:
                return await self.get_vnet(vnet_id)
            except NotFoundError:
                return None

        fresh = dict(zip(ids, await asyncio.gather(*(one(i) for i in ids)), strict=True))
        vnets: list[VirtualNetwork | None] = [
            fresh.get(v.id, v) for v in inventory.vnets]
        held = {v.id for v in inventory.vnets}
        vnets += [v for i, v in fresh.items() if i not in held]
        return replace(inventory, vnets=tuple(v for v in vnets if v is not None))

    # Reading only the VNets a command names (see `targets`).

    async def find_vnets(
        self, refs: Sequence[str], subscriptions: Sequence[Subscription] | None = None,
    ) -> Inventory:
        """An inventory of the VNets that `refs` may name, for `tui.resolve.find_vnet`.

        Each name is read the cheapest way it allows: a full id or `subscription/rg/name`
        is one GET, `rg/name` one GET per subscription, a bare name a list of VNets per
        subscription; never NICs, VMs, NSGs or route tables. Only the given subscriptions
        (default: every readable one) are searched, as a full load would. A subscription
        that cannot be read becomes a `LoadError`, as in `load`.
        """
        await self.reader()
        subs = list(subscriptions) if subscriptions is not None else (
            await self.list_subscriptions())
        reads = targets.plan_reads(refs, subs)
        vnets, errors = await targets.perform(self, reads)
        return Inventory(subscriptions=tuple(subs), vnets=tuple(vnets), errors=tuple(errors),
                         loaded_at=datetime.now(UTC), kinds=frozenset({Kind.VNETS}))

    async def with_vnets(self, inventory: Inventory, vnet_ids: Iterable[str]) -> Inventory:
        """`inventory` and these VNets (a peering's remote, say), each read by one GET.

        VNets already held, and VNets outside the inventory's subscriptions (which a full
        load would not hold either), are not read; one that does not exist is left out.
        """
        await self.reader()
        listed = {s.id.lower() for s in inventory.subscriptions}
        wanted = list(dict.fromkeys(
            rid(i) for i in vnet_ids
            if inventory.vnet(i) is None and rid(i).subscription_id.lower() in listed))
        if not wanted:
            return inventory
        vnets, errors = await targets.perform(
            self, [targets.Read(rid(i).subscription_id, vnet_id=rid(i)) for i in wanted])
        known = {e.subscription_id.lower() for e in inventory.errors}
        return replace(inventory, vnets=inventory.vnets + tuple(vnets),
                       errors=inventory.errors + tuple(
                           e for e in errors if e.subscription_id.lower() not in known))

    # Single reads, raw like the bulk reads: one parse, no typed model.

    async def get_vnet(self, vnet_id: str) -> VirtualNetwork:
        sub, rg, name = _vnet_parts(vnet_id)
        url = resource_url(self.base_url, vnet_path(sub, rg, name), NETWORK_API_VERSION)
        return mappers.vnet_from_json(await get_json(await self.reader(), url))

    async def get_resource_json(self, resource_id: str) -> dict[str, Any]:
        """One resource exactly as ARM returns it (describe, `vnettui show`): a VNet, a
        peering, a VM or a NIC, at its provider's api-version."""
        if "/providers/microsoft.compute/" in resource_id.casefold():
            url = resource_url(self.base_url, resource_id, COMPUTE_API_VERSION)
        else:
            url = resource_url(self.base_url, resource_id, NETWORK_API_VERSION)
        return await get_json(await self.reader(), url)

    async def list_peerings(self, vnet_id: str) -> list[Peering]:
        """A VNet's links, from one GET of the VNet (which carries them all): one request
        however many links a hub has, where the peerings list is paged."""
        return list((await self.get_vnet(vnet_id)).peerings)

    async def get_peering(self, peering_id: str) -> Peering:
        await self._ready()
        sub, rg, vnet, name = _peering_parts(peering_id)
        with azure_errors():
            model = await self.network(sub).virtual_network_peerings.get(rg, vnet, name)
        return mappers.peering_from_json(model.as_dict())

    # Writes: long-running operations, awaited to the end. `--read-only` is enforced by the
    # guard policy in every client's pipeline (tui.azure.guard), where requests leave.

    async def put_peering(
        self, vnet_id: str, name: str, remote_vnet_id: str, flags: PeeringFlags,
        *, remote_tenant: str | None = None, subnets: SubnetSelection | None = None,
    ) -> Peering:
        """Create or update one direction of a peering; returns it once ARM settles.

        When the remote VNet's subscription is in another tenant (known from the
        subscription list, or `remote_tenant` for a pasted id), the request carries that
        tenant's token in `x-ms-authorization-auxiliary`.
        """
        await self._ready()
        sub, rg, vnet = _vnet_parts(vnet_id)
        body = _peering_model(peering_body(remote_vnet_id, flags, subnets))
        client = self._writer(sub, remote_vnet_id, remote_tenant)
        with azure_errors():
            poller = await client.virtual_network_peerings.begin_create_or_update(
                rg, vnet, name, body
            )
            model = await poller.result()
        return mappers.peering_from_json(model.as_dict(), rid(vnet_id))

    async def delete_peering(self, peering_id: str) -> None:
        await self._ready()
        sub, rg, vnet, name = _peering_parts(peering_id)
        with azure_errors():
            poller = await self.network(sub).virtual_network_peerings.begin_delete(rg, vnet, name)
            await poller.result()

    async def sync_peering(
        self, peering_id: str, *, remote_tenant: str | None = None
    ) -> Peering:
        """Re-read the remote address space: PUT the current body with syncRemoteAddressSpace.

        As `az network vnet peering sync` does: GET, then PUT the same flags and remote.
        """
        sub, rg, vnet, name = _peering_parts(peering_id)
        current = await self.get_peering(peering_id)
        body = _peering_model(peering_body(current.remote_vnet_id, current.flags,
                                           current.subnets))
        client = self._writer(sub, current.remote_vnet_id, remote_tenant)
        with azure_errors():
            poller = await client.virtual_network_peerings.begin_create_or_update(
                rg, vnet, name, body, sync_remote_address_space="true"
            )
            model = await poller.result()
        return mappers.peering_from_json(model.as_dict(), ResourceId(peering_id).parent)

    async def update_address_space(
        self, vnet_id: str, base: Sequence[str], prefixes: Sequence[str]
    ) -> VirtualNetwork:
        """Change a VNet's address prefixes (GET, then PUT with If-Match; tui.azure.address)."""
        from tui.azure.address import update_address_space

        return await update_address_space(self, vnet_id, base, prefixes)

    # Network Watcher: a read-only POST (the guard lets it through with --read-only).

    async def find_network_watcher(self, subscription_id: str, location: str) -> ResourceId:
        """The subscription's Network Watcher for a region, or NotFoundError saying so."""
        await self._ready()
        with azure_errors():
            found = [w.as_dict() async for w in
                     self.network(subscription_id).network_watchers.list_all()]
        return watcher.choose_watcher(found, location, subscription_id)

    async def probe_connectivity(
        self, source_vm_id: str, destination: str, port: int, protocol: str = "tcp",
        *, location: str | None = None,
    ) -> ProbeResult:
        """Network Watcher's connectivity check from a VM to a VM id or an IP address.

        `location` is the source VM's region when the caller knows it (else the VM is
        read). The check runs as a long-running operation, awaited to its end. A source VM
        without the Network Watcher agent is a CloudError saying what to install.
        """
        await self._ready()
        source = rid(source_vm_id)
        body = watcher.parameters(source, destination, port, protocol)
        sub = source.subscription_id
        if location is None:
            with azure_errors():
                vm = await self.compute(sub).virtual_machines.get(
                    source.resource_group, source.name
                )
            location = str(vm.location)
        watcher_id = await self.find_network_watcher(sub, location)
        from azure.mgmt.network.models import ConnectivityParameters

        try:
            with azure_errors():
                poller = await self.network(sub).network_watchers.begin_check_connectivity(
                    watcher_id.resource_group, watcher_id.name, ConnectivityParameters(body)
                )
                info = await poller.result()
        except CloudError as error:
            raise watcher.explain(error, source.name) from None
        return watcher.result_from_json(info.as_dict(), watcher_id, body["protocol"])
