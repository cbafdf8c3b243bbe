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
come joined with their NICs, cut to a few columns and mapped here.

Each answer row packs one resource group's resources (`summarize rows =
make_list(pack_array(...)) by subscriptionId, resourceGroup`), unpacked here. Every page is
a query against the quota and a page holds at most 1,000 rows, so one row per resource made
the 60,000 resources of a 1,000-subscription tenant 60 pages: four quota windows, ~20 s of
waiting. Packed, pages are bounded by bytes instead (`PageSize`: ~4 MiB, which a page of
1,000 VNets came to; Azure refuses more than 16 MiB), and the load goes as fast as its
pages can be read. The index lags ARM
(seconds to minutes): what a write depends on is re-read from ARM, never from these rows
(`AzureBackend.refresh_vnets`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from tui.azure import mappers
from tui.azure.graph import (
    GraphReader,
    PageSize,
    Row,
    Scope,
    subscription_ids,
    visible_query,
)
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

NETWORK_COLUMNS = ("id", "type", "name", "location", "properties")
VNET_TYPE = "microsoft.network/virtualnetworks"
NSG_TYPE = "microsoft.network/networksecuritygroups"
ROUTE_TABLE_TYPE = "microsoft.network/routetables"
PACKED = "rows"
# The first page is a few resource groups (all of a small tenant's), so the explorer paints
# VNets early and the bytes per row are known before a large page is asked for; after it,
# pages aim at what a page of 1,000 unpacked VNets came to (a larger page is more memory
# at once, and no faster).
PAGE_SIZE = PageSize(first=20, budget=4 * 2**20)


def packed(query: str, columns: Sequence[str]) -> str:
    """`query` with its rows packed, a resource group's to one row (see `unpacked`).
    [U] Resource Graph publishes `summarize ... make_list()` samples; `pack_array` inside
    it is KQL's, assumed allowed there too (a refusal falls back to ARM)."""
    return (f"{query} | summarize {PACKED} = make_list(pack_array({', '.join(columns)})) "
            "by subscriptionId, resourceGroup")


def unpacked(page: Sequence[Row], columns: Sequence[str]) -> list[Row]:
    """The rows a page of `packed` rows carries, each as the unpacked query's row."""
    found = []
    for row in page:
        items = row.get(PACKED)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, list) and len(item) == len(columns):
                found.append(dict(zip(columns, item, strict=True)))
    return found


def network_query(types: Sequence[str], names: Sequence[str] = ()) -> str:
    """VNets, NSGs and route tables in one query (their rows keep the whole `properties`):
    one chain of pages instead of three, and no empty last page per kind. `names` (each
    one `is_plain_name`) narrows it to resources of those names."""
    listed = ", ".join(f"'{t}'" for t in types)
    if not all(is_plain_name(n) for n in names):
        raise ValueError(f"not a resource name to put in a query: {names!r}")
    quoted = ", ".join(f"'{n}'" for n in names)
    named = f" and name in~ ({quoted})" if names else ""
    return packed(f"resources | where type in~ ({listed}){named}", NETWORK_COLUMNS)


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]{1,80}")


def is_plain_name(text: str) -> bool:
    """What Azure allows in a VNet's name (letters, digits, `_`, `.`, `-`): safe to quote
    in KQL as it is."""
    return _PLAIN_NAME.fullmatch(text) is not None


VNETS_QUERY = network_query([VNET_TYPE])
VM_COLUMNS = ("id", "name", "location", "vmSize", "osType", "nics", "powerState", "nicId",
              "nicName", "ipConfigurations", "networkSecurityGroup", "virtualMachine",
              "enableIPForwarding", "primary")
# VMs with their NICs joined in, one row per (VM, NIC) before packing. The key is
# lower-cased on both sides (ARM does not keep one casing of a resource group across
# references).
VMS_QUERY = packed(
    "resources | where type =~ 'microsoft.compute/virtualmachines' "
    "| project id, subscriptionId, resourceGroup, name, location, "
    "vmSize = tostring(properties.hardwareProfile.vmSize), "
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
    "| project-away vmKey, vmKey1",
    VM_COLUMNS,
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


class Buckets:
    """Mapped objects per (lower-cased) subscription, in the order the index sent them.

    A plain class and `GraphResult` a named tuple: a dataclass compiles its methods from
    source on import, on the way to a first start's first reads."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: dict[str, list[Any]] = {}

    def add(self, sub: str, item: Any) -> None:
        self.found.setdefault(sub, []).append(item)

    def of(self, sub_id: str) -> tuple[Any, ...]:
        return tuple(self.found.get(sub_id.lower(), ()))


class GraphResult(NamedTuple):
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
                   on_vnets: VnetsSeen | None, names: Sequence[str] = ()
                   ) -> dict[str, Buckets]:
    """VNets, NSGs and route tables from one query; each page's VNets are told at once
    (the explorer paints them while the rest is on its way)."""
    found = {t: Buckets() for t in types}
    async for page in reader.pages(network_query(types, names), scope, size=PAGE_SIZE):
        # Mapped in a thread: the loop sends the next page and paints meanwhile.
        mapped = await asyncio.to_thread(_map_network, page, wanted, found.keys())
        vnets = []
        for kind, sub, item in mapped:
            found[kind].add(sub, item)
            if kind == VNET_TYPE:
                vnets.append(item)
        if vnets and on_vnets is not None:
            on_vnets(vnets)
    return found


def _map_network(page: Sequence[Row], wanted: Collection[str],
                 kinds: Collection[str]) -> list[tuple[str, str, Any]]:
    """(kind, subscription, model object) of each wanted row of a page."""
    mapped = []
    for row in unpacked(page, NETWORK_COLUMNS):
        sub = _subscription_of(row)
        kind = str(row.get("type") or "").lower()
        if sub in wanted and kind in kinds:
            mapped.append((kind, sub, _NETWORK_MAPPERS[kind](row)))
    return mapped


async def _vms(reader: GraphReader, scope: Scope, wanted: set[str]) -> Buckets:
    """VMs from their joined rows (one per NIC, in the index's order of VMs), asked for
    at the same time as the VNets: Azure evaluates the two queries side by side (and so
    does the sandbox, in helper processes, for a large file)."""
    joined: dict[str, tuple[Row, list[NetworkInterface]]] = {}
    vms: dict[str, VirtualMachine] = {}
    async for page in reader.pages(VMS_QUERY, scope, size=PAGE_SIZE):
        # A VM's rows (one per NIC) share its resource group, so they come in one packed
        # row of one page: each page's VMs are whole, and mapped while the next comes.
        await asyncio.to_thread(_map_vms, page, wanted, joined, vms)
    found = Buckets()
    for key, vm in vms.items():
        found.add(_subscription_of(joined[key][0]), vm)
    return found


def _map_vms(page: Sequence[Row], wanted: Collection[str],
             joined: dict[str, tuple[Row, list[NetworkInterface]]],
             vms: dict[str, VirtualMachine]) -> None:
    """Each wanted VM of a page mapped with its NICs (again, with all of them, should a
    VM's rows ever span pages)."""
    touched = []
    for row in unpacked(page, VM_COLUMNS):
        if _subscription_of(row) not in wanted:
            continue
        key = str(row.get("id") or "").lower()
        entry = joined.setdefault(key, (row, []))
        nic = nic_from_row(row)
        if nic is not None:
            entry[1].append(nic)
        touched.append(key)
    for key in dict.fromkeys(touched):
        row, nics = joined[key]
        vms[key] = vm_from_row(row, {nic.id: nic for nic in nics})


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
    try:
        async with asyncio.TaskGroup() as group:
            if types:
                network_task = group.create_task(
                    _network(reader, types, scope, wanted, on_vnets, names))
            if Kind.VMS in kinds:
                vms_task = group.create_task(
                    _vms(reader, scope, wanted))
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
