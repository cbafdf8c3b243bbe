"""Reading one subscription's networking, only the kinds asked for, as raw lists mapped
page by page into the model.

What each kind costs (ARM lists, per subscription, each followed through its pages):
VNets one list (subnets and peerings come inside each VNet); VMs three (VMs, NICs, and the
VMs again with `statusOnly=true` for power states); NSGs one; route tables one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import Any, NamedTuple, TypeVar

from tui.azure import mappers
from tui.azure.paging import (
    COMPUTE_API_VERSION,
    NETWORK_API_VERSION,
    iter_pages,
    subscription_list_url,
)
from tui.errors import AuthError, ThrottledError, VnettuiError
from tui.model import (
    ALL_KINDS,
    Kind,
    LoadError,
    NetworkSecurityGroup,
    RouteTable,
    VirtualMachine,
    VirtualNetwork,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Json = dict[str, Any]


class SubscriptionContents(NamedTuple):
    """One subscription's resources of the kinds read (the others stay empty). A named
    tuple: a frozen dataclass compiles its methods from source on import."""

    vnets: tuple[VirtualNetwork, ...] = ()
    vms: tuple[VirtualMachine, ...] = ()
    nsgs: tuple[NetworkSecurityGroup, ...] = ()
    route_tables: tuple[RouteTable, ...] = ()


class Lister:
    """Lists one subscription's resources through its clients, at most `gate` requests in
    flight across every Lister that shares the gate."""

    def __init__(self, network: Any, compute: Any, base_url: str, sub_id: str,
                 gate: asyncio.Semaphore | None = None) -> None:
        self.network, self.compute = network, compute
        self.base_url, self.sub_id = base_url, sub_id
        self.gate = gate or asyncio.Semaphore(1)

    def network_url(self, kind: str) -> str:
        return subscription_list_url(self.base_url, self.sub_id, f"Microsoft.Network/{kind}",
                                     NETWORK_API_VERSION)

    def vm_url(self, query: str = "") -> str:
        return subscription_list_url(self.base_url, self.sub_id,
                                     "Microsoft.Compute/virtualMachines", COMPUTE_API_VERSION,
                                     query)

    async def mapped(self, client: Any, url: str, mapper: Callable[[Json], T]) -> list[T]:
        """Every item of a list, each page mapped as it arrives (its raw JSON then freed)."""
        found: list[T] = []
        pages = iter_pages(client, url)
        try:
            while True:
                async with self.gate:
                    page = await anext(pages, None)
                if page is None:
                    return found
                found.extend(map(mapper, page))
        finally:
            await pages.aclose()

    async def raw(self, client: Any, url: str) -> list[Json]:
        return await self.mapped(client, url, _same)

    async def vnets(self) -> list[VirtualNetwork]:
        return await self.mapped(self.network, self.network_url("virtualNetworks"),
                                 mappers.vnet_from_json)

    async def nsgs(self) -> list[NetworkSecurityGroup]:
        return await self.mapped(self.network, self.network_url("networkSecurityGroups"),
                                 mappers.nsg_from_json)

    async def route_tables(self) -> list[RouteTable]:
        return await self.mapped(self.network, self.network_url("routeTables"),
                                 mappers.route_table_from_json)

    async def vms(self) -> list[VirtualMachine]:
        """VMs joined with their NICs and power states.

        Power state comes from `statusOnly=true`, which adds each VM's instance view.
        Whether ARM then still sends the rest of the model (network profile, size, OS) is
        not confirmed, so the plain list is read too and the two are joined by id; a status
        list that fails leaves power states unknown rather than failing the subscription.
        """
        async with asyncio.TaskGroup() as group:
            models = group.create_task(self.raw(self.compute, self.vm_url()))
            nics = group.create_task(self.mapped(
                self.network, self.network_url("networkInterfaces"), mappers.nic_from_json))
            statuses = group.create_task(
                _optional(self.raw(self.compute, self.vm_url("statusOnly=true"))))
        return mappers.join_vms(models.result(), nics.result(), statuses.result())


def _same(body: Json) -> Json:
    return body


async def read_subscription(
    network: Any, compute: Any, base_url: str, sub_id: str,
    kinds: Collection[Kind] = ALL_KINDS, *, gate: asyncio.Semaphore | None = None,
) -> SubscriptionContents:
    """The asked kinds of one subscription, their lists read concurrently.

    The first list that fails cancels the others and its error is raised, so the caller
    records one reason per subscription.
    """
    lister = Lister(network, compute, base_url, sub_id, gate or asyncio.Semaphore(8))
    reads: dict[Kind, Callable[[], Awaitable[Iterable[Any]]]] = {
        Kind.VNETS: lister.vnets, Kind.VMS: lister.vms, Kind.NSGS: lister.nsgs,
        Kind.ROUTE_TABLES: lister.route_tables,
    }
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {kind: group.create_task(_as_tuple(reads[kind]())) for kind in Kind
                     if kind in kinds}
    except BaseExceptionGroup as group_error:
        raise first_error(group_error) from None

    def got(kind: Kind) -> tuple[Any, ...]:
        task = tasks.get(kind)
        return task.result() if task is not None else ()

    return SubscriptionContents(got(Kind.VNETS), got(Kind.VMS), got(Kind.NSGS),
                                got(Kind.ROUTE_TABLES))


def load_error(subscription_id: str, error: VnettuiError) -> LoadError:
    """Why a subscription could not be read, as the inventory records it (and the log)."""
    log.warning("subscription %s not loaded: %s", subscription_id, error)
    return LoadError(subscription_id, error.code or "Unknown", error.message)


async def _as_tuple(reading: Awaitable[Iterable[T]]) -> tuple[T, ...]:
    return tuple(await reading)


async def _optional(reading: Awaitable[list[Json]]) -> list[Json]:
    """A list whose failure costs detail, not the subscription (auth errors still count)."""
    try:
        return await reading
    except (AuthError, ThrottledError):
        raise
    except VnettuiError as error:
        log.warning("VM power states not read: %s", error)
        return []


def first_error(group_error: BaseExceptionGroup[BaseException]) -> BaseException:
    """The project error inside a TaskGroup failure, else the first exception."""
    for exc in group_error.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return first_error(exc)
        if isinstance(exc, VnettuiError):
            return exc
    return group_error.exceptions[0]
