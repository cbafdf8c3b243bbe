"""Reading only the VNets a command names, the cheapest way each name allows.

`vnettui peer A B`, `unpeer` and `sync` need two VNets with their peerings (the peers'
address spaces are on the peering records), not the tenant: on a 10,000-VNet estate a full
inventory is ~650 requests, a VNet named by id one GET. How a name is read:

- a full id, or `subscription/rg/name`: one GET (per subscription that name matches);
- `rg/name`: one GET per subscription searched (a 404 only means "not here");
- a bare name: the subscription's VNet list, page by page (names are unique only per
  resource group, so every subscription must be asked to find them all).

The result goes to `tui.resolve`, which matches, reports ambiguity and not-found exactly as
it does over a full inventory, because the same VNets a full load would match are read.

The peers of the named VNets are not read: their address spaces come from the links'
records (`remoteVirtualNetworkAddressSpace`, `remoteAddressSpace`), which is what
`tui.cidr` uses for a peer it does not hold. A full load would also see a link that only
the peer holds (one-sided, pointing at a named VNet); ARM itself has the last word on the
PUT, and the workflow reports its refusal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from tui.azure import mappers
from tui.azure.error_map import translate
from tui.azure.inventory import load_error
from tui.azure.paging import NETWORK_API_VERSION, get_json, resource_url, vnet_path
from tui.errors import NotFoundError
from tui.model import Kind, LoadError, ResourceId, Subscription, VirtualNetwork, rid

if TYPE_CHECKING:
    from tui.azure.reads import InventoryReads

# GETs in flight at once (an `rg/name` asks every subscription).
MAX_IN_FLIGHT = 16


class Read(NamedTuple):
    """One read: the VNet list of a subscription, or one VNet by id / group and name.
    A named tuple: a frozen dataclass compiles its methods from source on import."""

    subscription_id: str
    vnet_id: ResourceId | None = None  # one GET
    resource_group: str = ""  # with name: one GET
    name: str = ""

    @property
    def is_list(self) -> bool:
        return self.vnet_id is None and not self.name


def is_bare_name(ref: str) -> bool:
    """A ref that is a VNet's name alone: finding it means looking in every subscription."""
    text = ref.strip()
    return bool(text) and "/" not in text


def plan_reads(refs: Sequence[str], subscriptions: Sequence[Subscription]) -> list[Read]:
    """The reads that find every VNet of `subscriptions` each ref can name, deduplicated;
    a subscription whose whole list is read gets no GETs besides. A ref that cannot name a
    VNet (malformed, another subscription) reads nothing: resolving it reports why."""
    by_id = {s.id.lower(): s for s in subscriptions}
    reads: dict[tuple[str, str, str, str], Read] = {}
    for ref in refs:
        for read in _reads_for(ref.strip(), subscriptions, by_id):
            key = (read.subscription_id.lower(), str(read.vnet_id or "").lower(),
                   read.resource_group.lower(), read.name.lower())
            reads.setdefault(key, read)
    listed = {r.subscription_id.lower() for r in reads.values() if r.is_list}
    return [r for r in reads.values() if r.is_list or r.subscription_id.lower() not in listed]


def _reads_for(text: str, subscriptions: Sequence[Subscription],
               by_id: dict[str, Subscription]) -> list[Read]:
    if not text:
        return []
    if text.startswith("/"):
        vnet_id = rid(text.rstrip("/"))
        parts = [s.lower() for s in vnet_id.split("/") if s]
        is_vnet = (len(parts) == 8 and parts[0] == "subscriptions"
                   and parts[2] == "resourcegroups" and parts[4] == "providers"
                   and parts[5] == "microsoft.network" and parts[6] == "virtualnetworks")
        sub = by_id.get(vnet_id.subscription_id.lower())
        return [Read(sub.id, vnet_id=vnet_id)] if is_vnet and sub else []
    parts = [p.strip() for p in text.split("/")]
    if len(parts) > 3 or not all(parts):
        return []
    name = parts[-1]
    if len(parts) == 1:
        return [Read(s.id) for s in subscriptions]
    group = parts[-2]
    if len(parts) == 2:
        chosen = list(subscriptions)
    else:
        key = parts[0].lower()
        chosen = [s for s in subscriptions if key in (s.id.lower(), s.name.lower())]
    return [Read(s.id, resource_group=group, name=name) for s in chosen]


async def perform(backend: InventoryReads, reads: Sequence[Read]
                  ) -> tuple[list[VirtualNetwork], list[LoadError]]:
    """Run the reads concurrently: the VNets found (each once) and, per subscription, the
    first error that was not "not found"."""
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def one(read: Read) -> list[VirtualNetwork] | LoadError:
        try:
            if read.is_list:
                sub = Subscription(read.subscription_id, read.subscription_id)
                contents = await backend.load_subscription(sub, {Kind.VNETS}, gate=gate)
                return list(contents.vnets)
            group, name = read.resource_group, read.name
            if read.vnet_id is not None:
                group, name = read.vnet_id.resource_group, read.vnet_id.name
            path = vnet_path(read.subscription_id, group, name)
            url = resource_url(backend.base_url, path, NETWORK_API_VERSION)
            async with gate:
                body = await get_json(await backend.reader(), url)
            return [mappers.vnet_from_json(body)]
        except Exception as exc:
            error = translate(exc)
            if isinstance(error, NotFoundError):
                return []  # no such VNet (or group) here: resolving says "not found"
            return load_error(read.subscription_id, error)

    results = await asyncio.gather(*(one(r) for r in reads))
    vnets: dict[ResourceId, VirtualNetwork] = {}
    errors: dict[str, LoadError] = {}
    for result in results:
        if isinstance(result, LoadError):
            errors.setdefault(result.subscription_id.lower(), result)
        else:
            for vnet in result:
                vnets.setdefault(vnet.id, vnet)
    return list(vnets.values()), list(errors.values())
