"""The inventory through Resource Graph: one KQL query per resource kind across every
subscription in scope, its rows mapped to the same `tui.model` objects as ARM's lists.

First one small query asks which subscriptions of the scope the index answers for
(`resourcecontainers`, partial scopes allowed): that also finds the members of a
management group, and leaves the subscriptions it does not see to ARM, where each one is
read (or fails with its own reason) as the fan-out would. Then the kinds' queries run
concurrently, each following its pages, all paced by one quota (`graph_quota`).

Rows are projected to what the model needs. VNets, NSGs and route tables keep their whole
`properties` (the ARM GET's), so ARM's mappers read them as they are; VMs and NICs are cut
to a few columns and mapped here. The index lags ARM (seconds to minutes): what a write
depends on is re-read from ARM, never from these rows (`AzureBackend.refresh_vnets`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.azure import mappers
from tui.azure.graph import GraphReader, Row, Scope, subscription_ids, visible_query
from tui.azure.inventory import SubscriptionContents, first_error
from tui.model import (
    Kind,
    NetworkInterface,
    NetworkSecurityGroup,
    PowerState,
    RouteTable,
    Subscription,
    VirtualMachine,
    VirtualNetwork,
)


def _query(graph_type: str, columns: str) -> str:
    return f"resources | where type =~ '{graph_type}' | project {columns}"


WHOLE = "id, name, location, properties"
VNETS_QUERY = _query("microsoft.network/virtualnetworks", WHOLE)
NSGS_QUERY = _query("microsoft.network/networksecuritygroups", WHOLE)
ROUTE_TABLES_QUERY = _query("microsoft.network/routetables", WHOLE)
VMS_QUERY = _query(
    "microsoft.compute/virtualmachines",
    "id, name, location, vmSize = tostring(properties.hardwareProfile.vmSize), "
    "osType = tostring(properties.storageProfile.osDisk.osType), "
    "nics = properties.networkProfile.networkInterfaces, "
    "powerState = tostring(properties.extended.instanceView.powerState.code)",
)
NICS_QUERY = _query(
    "microsoft.network/networkinterfaces",
    "id, name, ipConfigurations = properties.ipConfigurations, "
    "networkSecurityGroup = properties.networkSecurityGroup, "
    "virtualMachine = properties.virtualMachine, "
    "enableIPForwarding = properties.enableIPForwarding, primary = properties.primary",
)


# One mapper per kind: a projected row -> the model object ARM's list would give.

def vnet_from_row(row: Row) -> VirtualNetwork:
    return mappers.vnet_from_json(row)


def nsg_from_row(row: Row) -> NetworkSecurityGroup:
    return mappers.nsg_from_json(row)


def route_table_from_row(row: Row) -> RouteTable:
    return mappers.route_table_from_json(row)


_NIC_PROPERTIES = ("ipConfigurations", "networkSecurityGroup", "virtualMachine",
                   "enableIPForwarding", "primary")


def nic_from_row(row: Row) -> NetworkInterface:
    props = {k: row[k] for k in _NIC_PROPERTIES if row.get(k) is not None}
    return mappers.nic_from_json({"id": row.get("id"), "name": row.get("name"),
                                  "properties": props})


def vm_from_row(row: Row, nics_by_id: dict[Any, NetworkInterface]) -> VirtualMachine:
    """A VM with its NICs joined, and its power state from the index's instance view."""
    body = {
        "id": row.get("id"), "name": row.get("name"), "location": row.get("location"),
        "properties": {
            "hardwareProfile": {"vmSize": row.get("vmSize")},
            "storageProfile": {"osDisk": {"osType": row.get("osType")}},
            "networkProfile": {"networkInterfaces": row.get("nics")},
        },
    }
    vm = mappers.vm_from_json(body, nics_by_id)
    power = PowerState.parse(row.get("powerState") if isinstance(row.get("powerState"), str)
                             else None)
    if power is PowerState.UNKNOWN:
        return vm
    return VirtualMachine(vm.id, vm.name, vm.resource_group, vm.subscription_id, vm.location,
                          vm.size, vm.os_type, power, vm.nics)


@dataclass
class Buckets:
    """Mapped objects per (lower-cased) subscription, in the order the index sent them."""

    found: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, sub: str, item: Any) -> None:
        self.found.setdefault(sub, []).append(item)

    def of(self, sub_id: str) -> tuple[Any, ...]:
        return tuple(self.found.get(sub_id.lower(), ()))


@dataclass(frozen=True)
class GraphResult:
    """What the index gave, per subscription it answered for; `unseen` are the listed
    subscriptions it did not (left to ARM)."""

    contents: dict[str, SubscriptionContents]
    seen: tuple[Subscription, ...]
    unseen: tuple[Subscription, ...]


async def _collect(reader: GraphReader, query: str, scope: Scope, mapper: Callable[[Row], Any],
                   wanted: set[str]) -> Buckets:
    buckets = Buckets()
    async for page in reader.pages(query, scope):
        for row in page:
            sub = _subscription_of(row)
            if sub in wanted:
                buckets.add(sub, mapper(row))
    return buckets


def _subscription_of(row: Row) -> str:
    """The lower-cased subscription of a row's id (`/subscriptions/{id}/...`)."""
    parts = str(row.get("id") or "").split("/", 3)
    return parts[2].lower() if len(parts) > 2 and parts[1].lower() == "subscriptions" else ""


async def read_graph(
    reader: GraphReader, kinds: Collection[Kind], subscriptions: Sequence[Subscription],
    management_groups: Sequence[str] = (),
) -> GraphResult:
    """The asked kinds of `subscriptions` (narrowed to `management_groups` when given)."""
    if management_groups:
        probe = Scope(management_groups=tuple(management_groups))
    else:
        probe = Scope(subscriptions=tuple(s.id for s in subscriptions))
    if not subscriptions:
        return GraphResult({}, (), ())
    visible = subscription_ids(await reader.rows(visible_query(), probe, partial=True))
    seen = tuple(s for s in subscriptions if s.id.lower() in visible)
    unseen = () if management_groups else tuple(
        s for s in subscriptions if s.id.lower() not in visible)
    if not seen:
        return GraphResult({}, (), unseen)
    # Scope by the management groups themselves when they are the whole filter, else by
    # the subscriptions (a --subscription filter, or what the index could see).
    if management_groups and len(seen) == len(visible):
        scope = probe
    else:
        scope = Scope(subscriptions=tuple(s.id for s in seen))
    wanted = {s.id.lower() for s in seen}
    plan: dict[str, tuple[str, Callable[[Row], Any]]] = {}
    if Kind.VNETS in kinds:
        plan["vnets"] = (VNETS_QUERY, vnet_from_row)
    if Kind.VMS in kinds:
        plan["vms"] = (VMS_QUERY, _same)
        plan["nics"] = (NICS_QUERY, nic_from_row)
    if Kind.NSGS in kinds:
        plan["nsgs"] = (NSGS_QUERY, nsg_from_row)
    if Kind.ROUTE_TABLES in kinds:
        plan["routeTables"] = (ROUTE_TABLES_QUERY, route_table_from_row)
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {name: group.create_task(_collect(reader, query, scope, mapper, wanted))
                     for name, (query, mapper) in plan.items()}
    except BaseExceptionGroup as group_error:
        raise first_error(group_error) from None
    got = {name: task.result() for name, task in tasks.items()}
    empty = Buckets()
    nics = got.get("nics", empty)
    nics_by_id = {nic.id: nic for sub in nics.found.values() for nic in sub}
    contents = {}
    for sub in seen:
        contents[sub.id.lower()] = SubscriptionContents(
            vnets=got.get("vnets", empty).of(sub.id),
            vms=tuple(vm_from_row(row, nics_by_id) for row in got.get("vms", empty).of(sub.id)),
            nsgs=got.get("nsgs", empty).of(sub.id),
            route_tables=got.get("routeTables", empty).of(sub.id),
        )
    return GraphResult(contents, seen, unseen)


def _same(row: Row) -> Row:
    return row


__all__ = ["GraphResult", "read_graph"]
