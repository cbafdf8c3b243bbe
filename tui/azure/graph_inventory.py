"""The inventory through Resource Graph: one KQL query per resource kind across every
subscription in scope, its rows mapped to the same `tui.model` objects as ARM's lists.

First one small query asks which subscriptions of the scope the index answers for
(`resourcecontainers`, partial scopes allowed): that also finds the members of a
management group, and leaves the subscriptions it does not see to ARM, where each one is
read (or fails with its own reason) as the fan-out would. Then at most two queries run
concurrently, each following its pages, all paced by one quota (`graph_quota`): every page
is a query against the quota, so the fewer pages the sooner the load ends.

Rows are projected to what the model needs. VNets, NSGs and route tables share a query and
keep their whole `properties` (the ARM GET's), so ARM's mappers read them as they are; VMs
come joined with their NICs, cut to a few columns and mapped here. The index lags ARM
(seconds to minutes): what a write depends on is re-read from ARM, never from these rows
(`AzureBackend.refresh_vnets`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Collection, Sequence
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

WHOLE = "id, type, name, location, properties"
VNET_TYPE = "microsoft.network/virtualnetworks"
NSG_TYPE = "microsoft.network/networksecuritygroups"
ROUTE_TABLE_TYPE = "microsoft.network/routetables"


def network_query(types: Sequence[str], names: Sequence[str] = ()) -> str:
    """VNets, NSGs and route tables in one query (their rows keep the whole `properties`):
    one chain of pages instead of three, and no empty last page per kind. `names` (each
    one `is_plain_name`) narrows it to resources of those names."""
    listed = ", ".join(f"'{t}'" for t in types)
    if not all(is_plain_name(n) for n in names):
        raise ValueError(f"not a resource name to put in a query: {names!r}")
    quoted = ", ".join(f"'{n}'" for n in names)
    named = f" and name in~ ({quoted})" if names else ""
    return f"resources | where type in~ ({listed}){named} | project {WHOLE}"


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]{1,80}")


def is_plain_name(text: str) -> bool:
    """What Azure allows in a VNet's name (letters, digits, `_`, `.`, `-`): safe to quote
    in KQL as it is."""
    return _PLAIN_NAME.fullmatch(text) is not None


VNETS_QUERY = network_query([VNET_TYPE])
# VMs with their NICs joined in, one row per (VM, NIC): 40,000 VMs are 40 pages, where a
# query for VMs and another for NICs were 80. The key is lower-cased on both sides (ARM
# does not keep one casing of a resource group across references).
VMS_QUERY = (
    "resources | where type =~ 'microsoft.compute/virtualmachines' "
    "| project id, name, location, vmSize = tostring(properties.hardwareProfile.vmSize), "
    "osType = tostring(properties.storageProfile.osDisk.osType), "
    "nics = properties.networkProfile.networkInterfaces, "
    "powerState = tostring(properties.extended.instanceView.powerState.code), "
    "vmKey = tolower(id) "
    "| join kind=leftouter (resources "
    "| where type =~ 'microsoft.network/networkinterfaces' "
    "| project nicId = id, nicName = name, ipConfigurations = properties.ipConfigurations, "
    "networkSecurityGroup = properties.networkSecurityGroup, "
    "virtualMachine = properties.virtualMachine, "
    "enableIPForwarding = properties.enableIPForwarding, primary = properties.primary, "
    "vmKey = tolower(tostring(properties.virtualMachine.id))) on vmKey "
    "| project-away vmKey, vmKey1"
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


def nic_from_row(row: Row) -> NetworkInterface | None:
    """The NIC columns of a joined VM row; None when the VM had no NIC to join."""
    if not row.get("nicId"):
        return None
    props = {k: row[k] for k in _NIC_PROPERTIES if row.get(k) is not None}
    return mappers.nic_from_json({"id": row.get("nicId"), "name": row.get("nicName"),
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


VnetsSeen = Callable[[Sequence[VirtualNetwork]], None]

_NETWORK_MAPPERS: dict[str, Callable[[Row], Any]] = {
    VNET_TYPE: vnet_from_row, NSG_TYPE: nsg_from_row, ROUTE_TABLE_TYPE: route_table_from_row,
}


async def _network(reader: GraphReader, types: Sequence[str], scope: Scope, wanted: set[str],
                   on_vnets: VnetsSeen | None, started: asyncio.Event,
                   names: Sequence[str] = ()) -> dict[str, Buckets]:
    """VNets, NSGs and route tables from one query; each page's VNets are told at once
    (the explorer paints them while the rest is on its way)."""
    found = {t: Buckets() for t in types}
    async for page in _set_after_first(reader.pages(network_query(types, names), scope),
                                       started):
        vnets = []
        for row in page:
            sub = _subscription_of(row)
            kind = str(row.get("type") or "").lower()
            if sub not in wanted or kind not in found:
                continue
            item = _NETWORK_MAPPERS[kind](row)
            found[kind].add(sub, item)
            if kind == VNET_TYPE:
                vnets.append(item)
        if vnets and on_vnets is not None:
            on_vnets(vnets)
    return found


async def _set_after_first(pages: AsyncIterator[list[Row]],
                           event: asyncio.Event) -> AsyncIterator[list[Row]]:
    try:
        async for page in pages:
            event.set()
            yield page
    finally:
        event.set()


async def _vms(reader: GraphReader, scope: Scope, wanted: set[str],
               after: asyncio.Event | None) -> Buckets:
    """VMs from their joined rows (one per NIC, in the index's order of VMs). They start
    once the first page of VNets is in: a first page is the whole query evaluated, and
    the VNets are what the explorer paints first."""
    if after is not None:
        await after.wait()
    joined: dict[str, tuple[Row, list[NetworkInterface]]] = {}
    async for page in reader.pages(VMS_QUERY, scope):
        for row in page:
            if _subscription_of(row) not in wanted:
                continue
            entry = joined.setdefault(str(row.get("id") or "").lower(), (row, []))
            nic = nic_from_row(row)
            if nic is not None:
                entry[1].append(nic)
    found = Buckets()
    for row, nics in joined.values():
        found.add(_subscription_of(row), vm_from_row(row, {nic.id: nic for nic in nics}))
    return found


def _subscription_of(row: Row) -> str:
    """The lower-cased subscription of a row's id (`/subscriptions/{id}/...`)."""
    parts = str(row.get("id") or "").split("/", 3)
    return parts[2].lower() if len(parts) > 2 and parts[1].lower() == "subscriptions" else ""


async def read_graph(
    reader: GraphReader, kinds: Collection[Kind], subscriptions: Sequence[Subscription],
    management_groups: Sequence[str] = (), *, on_vnets: VnetsSeen | None = None,
    names: Sequence[str] = (),
) -> GraphResult:
    """The asked kinds of `subscriptions` (narrowed to `management_groups` when given):
    which subscriptions the index answers for, then at most two queries, VNets, NSGs and
    route tables in one and VMs with their NICs in the other."""
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
    types = [t for kind, t in ((Kind.VNETS, VNET_TYPE), (Kind.NSGS, NSG_TYPE),
                               (Kind.ROUTE_TABLES, ROUTE_TABLE_TYPE)) if kind in kinds]
    network: dict[str, Buckets] = {}
    vms = Buckets()
    started = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as group:
            if types:
                network_task = group.create_task(
                    _network(reader, types, scope, wanted, on_vnets, started, names))
            if Kind.VMS in kinds:
                vms_task = group.create_task(
                    _vms(reader, scope, wanted, started if types else None))
    except BaseExceptionGroup as group_error:
        raise first_error(group_error) from None
    if types:
        network = network_task.result()
    if Kind.VMS in kinds:
        vms = vms_task.result()
    empty = Buckets()
    contents = {}
    for sub in seen:
        contents[sub.id.lower()] = SubscriptionContents(
            vnets=network.get(VNET_TYPE, empty).of(sub.id),
            vms=vms.of(sub.id),
            nsgs=network.get(NSG_TYPE, empty).of(sub.id),
            route_tables=network.get(ROUTE_TABLE_TYPE, empty).of(sub.id),
        )
    return GraphResult(contents, seen, unseen)


__all__ = ["GraphResult", "VnetsSeen", "read_graph"]
