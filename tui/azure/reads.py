"""Reads: the inventory (Resource Graph or the ARM fan-out), the VNets a command names,
and single resources, each mapped from raw ARM JSON to `tui.model`.

Bulk reads go out as raw pages (see `paging.py`); the one typed read is a peering's GET.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tui import collector, notices
from tui.azure import mappers
from tui.azure.clients import AzureClients
from tui.azure.error_map import azure_errors, translate
from tui.azure.graph import GraphReader, GraphUnavailable, unavailable
from tui.azure.graph_inventory import VnetsSeen, is_plain_name, read_graph
from tui.azure.inventory import SubscriptionContents, load_error, read_subscription
from tui.azure.paging import (
    COMPUTE_API_VERSION,
    NETWORK_API_VERSION,
    SUBSCRIPTIONS_API_VERSION,
    get_json,
    list_all,
    peering_parts,
    resource_url,
    vnet_parts,
    vnet_path,
)
from tui.errors import CloudError, InputError, NotFoundError, VnettuiError
from tui.model import (
    ALL_KINDS,
    Inventory,
    Kind,
    LoadError,
    Peering,
    ResourceId,
    Subscription,
    VirtualNetwork,
    rid,
)

ProgressCallback = Callable[[Subscription, LoadError | None], None]


# Subscriptions read at once, and requests in flight across all of them: enough to hide
# ARM's latency (a 10,000-VNet estate is ~250 pages of VNets), few enough to stay well
# under ARM's per-principal read budget when a tenant has hundreds of subscriptions.
MAX_CONCURRENT_SUBSCRIPTIONS = 16
MAX_REQUESTS_IN_FLIGHT = 16


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


class InventoryReads(AzureClients):
    """Everything the backend reads."""

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
        *, on_progress: ProgressCallback | None = None, on_vnets: VnetsSeen | None = None,
    ) -> Inventory:
        """The resources of `kinds` in `subscriptions` (default: every readable one);
        `on_vnets` is told each batch of VNets as it comes (a page, or a subscription).

        What a command needs, and no more: `list vms` reads VMs but no VNets, `conflicts`
        VNets alone. Read through Resource Graph or ARM as `settings.inventory` says
        (`Inventory.source` tells which). A subscription that cannot be read becomes a
        `LoadError` in `Inventory.errors`; only the subscription list itself failing
        raises (and, with `--inventory graph` or management groups, Resource Graph).
        The cyclic collector is paused meanwhile (`tui.collector`).
        """
        with collector.paused():
            return await self._load(frozenset(kinds), subscriptions, on_progress, on_vnets)

    async def _load(
        self, wanted: frozenset[Kind], subscriptions: Sequence[Subscription] | None,
        on_progress: ProgressCallback | None, on_vnets: VnetsSeen | None,
    ) -> Inventory:
        subs = list(subscriptions) if subscriptions is not None else (
            await self.list_subscriptions())
        mode = self.settings.inventory
        groups = self.settings.management_groups
        if mode == "arm" or (mode == "auto" and self.graph_refused is not None):
            if groups:
                raise InputError(_groups_need_graph(self.graph_refused))
            # Said with the load that found it out; later loads are plain ARM loads.
            return await self._load_arm(wanted, subs, on_progress, "", on_vnets)
        try:
            return await self._load_graph(wanted, subs, on_progress, on_vnets)
        except GraphUnavailable as error:
            if mode == "graph":
                raise CloudError(f"--inventory graph: {error.message}", code=error.code,
                                 status=error.status) from None
            if groups:
                raise InputError(_groups_need_graph(error.message)) from None
            self.graph_refused = error.message
            notices.tell(f"Resource Graph is not available ({error.message}); reading each "
                         "subscription through ARM instead.")
            return await self._load_arm(wanted, subs, on_progress, error.message, on_vnets)

    async def _load_arm(
        self, wanted: frozenset[Kind], subs: list[Subscription],
        on_progress: ProgressCallback | None, note: str, on_vnets: VnetsSeen | None = None,
    ) -> Inventory:
        """The ARM fan-out: every subscription's lists, read concurrently."""
        results: dict[str, SubscriptionContents | LoadError] = {}
        async for sub, result in self.iter_subscriptions(wanted, subs):
            results[sub.id] = result
            if on_vnets is not None and isinstance(result, SubscriptionContents) \
                    and result.vnets:
                on_vnets(result.vnets)
            if on_progress is not None:
                on_progress(sub, result if isinstance(result, LoadError) else None)
        return _inventory(subs, [results[s.id] for s in subs], wanted, "arm", note)

    async def _load_graph(
        self, wanted: frozenset[Kind], subs: list[Subscription],
        on_progress: ProgressCallback | None, on_vnets: VnetsSeen | None = None,
    ) -> Inventory:
        """At most two queries across `subs`; the subscriptions the index does not answer
        for are read through ARM, each with its own result or reason."""
        reader = GraphReader(await self.reader(), self.base_url, self.graph_pacer,
                             self.sleep)
        groups = self.settings.management_groups
        try:
            found = await read_graph(reader, wanted, subs, groups, on_vnets=on_vnets)
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
            if on_vnets is not None and isinstance(result, SubscriptionContents) \
                    and result.vnets:
                on_vnets(result.vnets)
            if on_progress is not None:
                on_progress(sub, result if isinstance(result, LoadError) else None)
        chosen = [s for s in subs if s.id.lower() in results]
        return _inventory(chosen, [results[s.id.lower()] for s in chosen], wanted, "graph", "")

    async def load_inventory(
        self, on_progress: ProgressCallback | None = None,
        subscriptions: Sequence[Subscription] | None = None,
        on_vnets: VnetsSeen | None = None,
    ) -> Inventory:
        """Everything readable: every kind in every subscription (the explorer's load;
        `subscriptions` when it listed them already, so they are not listed twice)."""
        return await self.load(ALL_KINDS, subscriptions, on_progress=on_progress,
                               on_vnets=on_vnets)

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
        from tui.azure import targets  # commands' reads: not on the way to a first inventory

        await self.reader()
        subs = list(subscriptions) if subscriptions is not None else (
            await self.list_subscriptions())
        bare = [r.strip() for r in refs if targets.is_bare_name(r)]
        found = await self._named_in_graph(bare, subs) if bare else None
        if found is None:
            reads = targets.plan_reads(refs, subs)
        else:
            # The index says where the bare names are; each VNet is then read from ARM
            # (what a write is checked on is never the index's copy), the subscriptions
            # the index does not see are listed, and the other refs read as they would be.
            named, unseen = found
            reads = [
                *targets.plan_reads([r for r in refs if not targets.is_bare_name(r)], subs),
                *(targets.Read(v.subscription_id, vnet_id=v.id) for v in named),
                *(targets.Read(s.id) for s in unseen)]
        vnets, errors = await targets.perform(self, reads)
        vnets = list({v.id.casefold(): v for v in vnets}.values())
        return Inventory(subscriptions=tuple(subs), vnets=tuple(vnets), errors=tuple(errors),
                         loaded_at=datetime.now(UTC), kinds=frozenset({Kind.VNETS}))

    async def _named_in_graph(
        self, names: Sequence[str], subs: list[Subscription],
    ) -> tuple[list[VirtualNetwork], tuple[Subscription, ...]] | None:
        """The VNets of these names, from one Resource Graph query instead of a list of
        every subscription's VNets; with the subscriptions the index does not see. None
        when the index can't be asked, or does not have every name yet (it trails ARM: a
        VNet made a minute ago is found by ARM's lists instead)."""
        if (self.settings.inventory == "arm" or self.graph_refused is not None
                or self.settings.management_groups
                or not all(is_plain_name(n) for n in names)):
            return None
        reader = GraphReader(await self.reader(), self.base_url, self.graph_pacer,
                             self.sleep)
        try:
            found = await read_graph(reader, {Kind.VNETS}, subs, names=names)
        except VnettuiError:
            return None  # said and remembered by the next full load, as usual
        finally:
            self.graph_requests += reader.requests
        vnets = [v for contents in found.contents.values() for v in contents.vnets]
        have = {v.name.casefold() for v in vnets}
        if not all(n.casefold() in have for n in names):
            return None
        return vnets, found.unseen

    async def with_vnets(self, inventory: Inventory, vnet_ids: Iterable[str]) -> Inventory:
        """`inventory` and these VNets (a peering's remote, say), each read by one GET.

        VNets already held, and VNets outside the inventory's subscriptions (which a full
        load would not hold either), are not read; one that does not exist is left out.
        """
        from tui.azure import targets

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
        sub, rg, name = vnet_parts(vnet_id)
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
        sub, rg, vnet, name = peering_parts(peering_id)
        with azure_errors():
            model = await self.network(sub).virtual_network_peerings.get(rg, vnet, name)
        return mappers.peering_from_json(model.as_dict())

