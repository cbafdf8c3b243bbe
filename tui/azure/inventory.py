"""Reading one subscription's networking in six concurrent raw lists, joined into the model."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from tui.azure import mappers
from tui.azure.paging import (
    COMPUTE_API_VERSION,
    NETWORK_API_VERSION,
    list_all,
    subscription_list_url,
)
from tui.errors import AuthError, ThrottledError, VnettuiError
from tui.model import NetworkSecurityGroup, RouteTable, VirtualMachine, VirtualNetwork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubscriptionContents:
    vnets: tuple[VirtualNetwork, ...]
    vms: tuple[VirtualMachine, ...]
    nsgs: tuple[NetworkSecurityGroup, ...]
    route_tables: tuple[RouteTable, ...]


async def read_subscription(
    network: Any, compute: Any, base_url: str, sub_id: str
) -> SubscriptionContents:
    """VNets, NICs, NSGs, route tables, VMs and their power states, read concurrently.

    The first list that fails cancels the others and its error is raised, so the caller
    records one reason per subscription.
    """

    def net(kind: str) -> str:
        return subscription_list_url(base_url, sub_id, f"Microsoft.Network/{kind}",
                                     NETWORK_API_VERSION)

    def vms(query: str = "") -> str:
        return subscription_list_url(base_url, sub_id, "Microsoft.Compute/virtualMachines",
                                     COMPUTE_API_VERSION, query)

    # Power state comes from `statusOnly=true`, which adds each VM's instance view. Whether
    # ARM then still sends the rest of the model (network profile, size, OS) is not
    # confirmed, so the plain list is read too and the two are joined by id; a status list
    # that fails leaves power states unknown rather than failing the subscription.
    try:
        async with asyncio.TaskGroup() as group:
            vnets = group.create_task(list_all(network, net("virtualNetworks")))
            nics = group.create_task(list_all(network, net("networkInterfaces")))
            nsgs = group.create_task(list_all(network, net("networkSecurityGroups")))
            tables = group.create_task(list_all(network, net("routeTables")))
            models = group.create_task(list_all(compute, vms()))
            statuses = group.create_task(_optional(list_all(compute, vms("statusOnly=true"))))
    except BaseExceptionGroup as group_error:
        raise _first_error(group_error) from None
    return SubscriptionContents(
        vnets=tuple(mappers.vnet_from_json(b) for b in vnets.result()),
        vms=tuple(mappers.vms_from_json(models.result(), nics.result(), statuses.result())),
        nsgs=tuple(mappers.nsg_from_json(b) for b in nsgs.result()),
        route_tables=tuple(mappers.route_table_from_json(b) for b in tables.result()),
    )


async def _optional(reading: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A list whose failure costs detail, not the subscription (auth errors still count)."""
    try:
        return await reading
    except (AuthError, ThrottledError):
        raise
    except VnettuiError as error:
        log.warning("VM power states not read: %s", error)
        return []


def _first_error(group_error: BaseExceptionGroup[BaseException]) -> BaseException:
    """The project error inside a TaskGroup failure, else the first exception."""
    for exc in group_error.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first_error(exc)
        if isinstance(exc, VnettuiError):
            return exc
    return group_error.exceptions[0]
