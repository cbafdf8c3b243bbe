"""The inventory as plain, frozen data: what every other layer passes around.

No I/O, no Textual, no SDK. Resource ids are `ResourceId` strings that compare and hash
case-insensitively, because Azure treats `/subscriptions/X/resourceGroups/RG` and
`/subscriptions/x/resourcegroups/rg` as the same resource.

The records are named tuples, not frozen dataclasses: making a frozen dataclass compiles
its methods from source (~0.65 ms a class), and this module is on the way to the
explorer's first frame. So a record is a tuple: code reads it by field name and copies it
with `_replace`; it never iterates one, sorts by one, or compares one with a plain tuple
or with a record of another type (equal fields would make them equal). `Inventory` stays
a dataclass: its lookups are cached on the instance.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import NamedTuple, TypeVar

_T = TypeVar("_T")


class ResourceId(str):
    """An ARM resource id: displays as given, compares and hashes case-insensitively."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.casefold() == other.casefold()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self.casefold())

    @property
    def parts(self) -> dict[str, str]:
        """Segment pairs keyed by lower-cased segment name (`subscriptions`, `resourcegroups`...).

        Nested types keep the last value per key, which is what lookups of a child's own
        name want; use `name` and `parent` for the tree.
        """
        segs = [s for s in self.split("/") if s]
        return {segs[i].lower(): segs[i + 1] for i in range(0, len(segs) - 1, 2)}

    @property
    def subscription_id(self) -> str:
        return self.parts.get("subscriptions", "")

    @property
    def resource_group(self) -> str:
        return self.parts.get("resourcegroups", "")

    @property
    def name(self) -> str:
        return self.rstrip("/").rsplit("/", 1)[-1]

    @property
    def parent(self) -> ResourceId:
        """The id of the parent resource (a peering's or subnet's VNet)."""
        return ResourceId(self.rstrip("/").rsplit("/", 2)[0])


def rid(value: str | None) -> ResourceId:
    """Coerce an id from the wire (possibly missing) into a ResourceId."""
    return value if isinstance(value, ResourceId) else ResourceId(value or "")


class PeeringState(enum.StrEnum):
    INITIATED = "Initiated"
    CONNECTED = "Connected"
    DISCONNECTED = "Disconnected"
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, value: str | None) -> PeeringState:
        return _PEERING_STATES.get(value.lower(), cls.UNKNOWN) if value else cls.UNKNOWN


class SyncLevel(enum.StrEnum):
    FULLY_IN_SYNC = "FullyInSync"
    REMOTE_NOT_IN_SYNC = "RemoteNotInSync"
    LOCAL_NOT_IN_SYNC = "LocalNotInSync"
    LOCAL_AND_REMOTE_NOT_IN_SYNC = "LocalAndRemoteNotInSync"
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, value: str | None) -> SyncLevel:
        # A peering without the field (older api-versions) is treated as in sync.
        return _SYNC_LEVELS.get(value.lower(), cls.UNKNOWN) if value else cls.FULLY_IN_SYNC


# Parsed by dict: tens of thousands of peerings are mapped per inventory load.
_PEERING_STATES = {m.value.lower(): m for m in PeeringState}
_SYNC_LEVELS = {m.value.lower(): m for m in SyncLevel}


class Subscription(NamedTuple):
    """An Azure subscription the caller can read."""

    id: str  # the subscription GUID, not the /subscriptions/... path
    name: str
    state: str = "Enabled"
    tenant_id: str = ""


class PeeringFlags(NamedTuple):
    """The four settings of one direction of a peering, named as ARM names them."""

    allow_virtual_network_access: bool = True
    allow_forwarded_traffic: bool = False
    allow_gateway_transit: bool = False
    use_remote_gateways: bool = False


class SubnetSelection(NamedTuple):
    """Subnet peering (`peerCompleteVnets: false`): only these subnets of each side are
    peered, by name, as ARM names them (`localSubnetNames`, `remoteSubnetNames`); with
    `ipv6_only` (`enableOnlyIPv6Peering`) only their IPv6 prefixes are exchanged."""

    local: tuple[str, ...]
    remote: tuple[str, ...]
    ipv6_only: bool = False

    def reversed(self) -> SubnetSelection:
        """The same selection seen from the other side's link."""
        return SubnetSelection(self.remote, self.local, self.ipv6_only)

    def describe(self) -> str:
        """`subnets ot -> ingest` (and `IPv6 only`)."""
        text = f"subnets {', '.join(self.local)} -> {', '.join(self.remote)}"
        return text + (", IPv6 only" if self.ipv6_only else "")


class Peering(NamedTuple):
    """One direction of a VNet peering, as ARM reports it on its own VNet."""

    id: ResourceId
    name: str
    vnet_id: ResourceId  # the VNet this link lives on
    remote_vnet_id: ResourceId
    state: PeeringState
    sync_level: SyncLevel
    flags: PeeringFlags
    remote_address_prefixes: tuple[str, ...] = ()  # what is peered (programmed) now
    remote_vnet_address_prefixes: tuple[str, ...] = ()  # the remote VNet's current space
    provisioning_state: str = "Succeeded"
    subnets: SubnetSelection | None = None  # None: the whole VNets are peered
    local_address_prefixes: tuple[str, ...] = ()  # what this side exchanges now

    @property
    def is_subnet_peering(self) -> bool:
        return self.subnets is not None

    @property
    def needs_sync(self) -> bool:
        return self.sync_level not in (SyncLevel.FULLY_IN_SYNC, SyncLevel.UNKNOWN)


class Subnet(NamedTuple):
    """A subnet of a VNet, with the NSG and route table on it (for reachability)."""

    id: ResourceId
    name: str
    address_prefixes: tuple[str, ...]
    nsg_id: ResourceId | None = None
    route_table_id: ResourceId | None = None

    @property
    def vnet_id(self) -> ResourceId:
        return self.id.parent


class VirtualNetwork(NamedTuple):
    """A VNet with its address space, subnets and peerings."""

    id: ResourceId
    name: str
    resource_group: str
    subscription_id: str
    location: str
    address_prefixes: tuple[str, ...]
    subnets: tuple[Subnet, ...] = ()
    peerings: tuple[Peering, ...] = ()
    has_gateway: bool = False  # a subnet named GatewaySubnet holds a gateway
    provisioning_state: str = "Succeeded"

    def subnet(self, subnet_id: str) -> Subnet | None:
        return next((s for s in self.subnets if s.id == subnet_id), None)

    def peering_to(self, remote_vnet_id: str) -> Peering | None:
        return next((p for p in self.peerings if p.remote_vnet_id == remote_vnet_id), None)


class NetworkInterface(NamedTuple):
    """A NIC: what joins a VM to a subnet, with its private addresses."""

    id: ResourceId
    name: str
    private_ips: tuple[str, ...]
    subnet_id: ResourceId | None
    nsg_id: ResourceId | None = None
    vm_id: ResourceId | None = None
    ip_forwarding: bool = False
    primary: bool = True

    @property
    def vnet_id(self) -> ResourceId | None:
        return self.subnet_id.parent if self.subnet_id else None


class PowerState(enum.StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    DEALLOCATED = "deallocated"
    STARTING = "starting"
    STOPPING = "stopping"
    DEALLOCATING = "deallocating"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, code: str | None) -> PowerState:
        """Accept `PowerState/running`, `running` or `VM running`."""
        text = (code or "").lower().rsplit("/", 1)[-1].removeprefix("vm ").strip()
        return _POWER_STATES.get(text, cls.UNKNOWN)


_POWER_STATES = {m.value: m for m in PowerState}


class VirtualMachine(NamedTuple):
    """A VM with its private IPs (joined from its NICs) and power state."""

    id: ResourceId
    name: str
    resource_group: str
    subscription_id: str
    location: str
    size: str
    os_type: str
    power_state: PowerState
    nics: tuple[NetworkInterface, ...] = ()

    @property
    def primary_nic(self) -> NetworkInterface | None:
        return next((n for n in self.nics if n.primary), self.nics[0] if self.nics else None)

    @property
    def private_ip(self) -> str | None:
        nic = self.primary_nic
        return nic.private_ips[0] if nic and nic.private_ips else None

    @property
    def subnet_id(self) -> ResourceId | None:
        nic = self.primary_nic
        return nic.subnet_id if nic else None

    @property
    def vnet_id(self) -> ResourceId | None:
        nic = self.primary_nic
        return nic.vnet_id if nic else None


class Direction(enum.StrEnum):
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"


class SecurityRule(NamedTuple):
    """One NSG rule, custom or default."""

    name: str
    priority: int
    direction: Direction
    access: str  # "Allow" | "Deny"
    protocol: str  # "Tcp" | "Udp" | "Icmp" | "*" ...
    source_prefixes: tuple[str, ...] = ("*",)
    source_ports: tuple[str, ...] = ("*",)
    destination_prefixes: tuple[str, ...] = ("*",)
    destination_ports: tuple[str, ...] = ("*",)
    is_default: bool = False


class NetworkSecurityGroup(NamedTuple):
    """An NSG and its rules, for the reachability verdict."""

    id: ResourceId
    name: str
    rules: tuple[SecurityRule, ...] = ()  # custom and default rules together

    def ordered(self, direction: Direction) -> list[SecurityRule]:
        """Rules of one direction in evaluation order: lowest priority number first."""
        return sorted((r for r in self.rules if r.direction == direction), key=lambda r: r.priority)


class Route(NamedTuple):
    """One user-defined route of a route table."""

    name: str
    address_prefix: str
    next_hop_type: str  # VirtualAppliance | VnetLocal | Internet | VirtualNetworkGateway | None
    next_hop_ip: str | None = None


class RouteTable(NamedTuple):
    """A route table and its routes, for the reachability verdict."""

    id: ResourceId
    name: str
    routes: tuple[Route, ...] = ()


class LoadError(NamedTuple):
    """Why one subscription (or one part of it) could not be read."""

    subscription_id: str
    code: str
    message: str


class SubscriptionStatus(NamedTuple):
    """What the explorer knows of one subscription: loading, loaded, or failed."""

    subscription: Subscription
    vnet_count: int | None = None  # None until the inventory is in
    error: LoadError | None = None
    loading: bool = True
    production: bool = False  # marked in the config file: writes need the VNet's name typed
    read_only: bool = False  # no writes to it (the config file or --read-only)


class Kind(enum.StrEnum):
    """What an inventory can hold, read per kind: a command loads only the kinds it needs
    (`list vms` reads no VNets, `conflicts` no VMs). A VNet comes with its subnets and
    peerings (ARM lists them inside it); a VM with its NICs and power state."""

    VNETS = "vnets"
    VMS = "vms"
    NSGS = "nsgs"
    ROUTE_TABLES = "routeTables"


ALL_KINDS: frozenset[Kind] = frozenset(Kind)


@dataclass(frozen=True, repr=False)
class Inventory:
    """Everything loaded, with lookups by id. Built once per load; never mutated.

    `kinds` says what was read: a kind not in it is empty because it was not asked for,
    not because the subscriptions hold none. Every lookup is a dict access, built on first
    use, so code that looks things up per row stays linear at 50,000 VNets.
    """

    subscriptions: tuple[Subscription, ...] = ()
    vnets: tuple[VirtualNetwork, ...] = ()
    vms: tuple[VirtualMachine, ...] = ()
    nsgs: tuple[NetworkSecurityGroup, ...] = ()
    route_tables: tuple[RouteTable, ...] = ()
    errors: tuple[LoadError, ...] = ()
    loaded_at: datetime | None = None
    kinds: frozenset[Kind] = ALL_KINDS
    # Where the data came from: "graph" (Resource Graph's index, which may lag ARM by
    # seconds to minutes) or "arm" (read from ARM itself). `source_note` says why ARM was
    # used when Resource Graph was wanted but not available, on the one load that found
    # it out (the backend then goes straight to ARM, quietly), else "".
    source: str = "arm"
    source_note: str = ""

    @cached_property
    def _index(self) -> dict[ResourceId, object]:
        index: dict[ResourceId, object] = {}
        for group in (self.vnets, self.vms, self.nsgs, self.route_tables):
            index.update((item.id, item) for item in group)
        return index

    @cached_property
    def _subscriptions(self) -> dict[str, Subscription]:
        found: dict[str, Subscription] = {}
        for sub in self.subscriptions:
            found.setdefault(sub.id.lower(), sub)
        return found

    @cached_property
    def _vnets_by_subscription(self) -> dict[str, list[VirtualNetwork]]:
        found: dict[str, list[VirtualNetwork]] = {}
        for vnet in self.vnets:
            found.setdefault(vnet.subscription_id.lower(), []).append(vnet)
        return found

    @cached_property
    def _vms_by_vnet(self) -> dict[ResourceId, list[VirtualMachine]]:
        found: dict[ResourceId, list[VirtualMachine]] = {}
        for vm in self.vms:
            vnet_id = vm.vnet_id
            if vnet_id is not None:
                found.setdefault(vnet_id, []).append(vm)
        return found

    @cached_property
    def _errors(self) -> dict[str, LoadError]:
        found: dict[str, LoadError] = {}
        for error in self.errors:
            found.setdefault(error.subscription_id.lower(), error)
        return found

    def __repr__(self) -> str:
        # Counts, not contents: a repr of 50,000 VNets takes a second to build (asyncio.run
        # in Python 3.11 builds one of its main task's result on the way out).
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in (
            "subscriptions", "vnets", "vms", "nsgs", "route_tables", "errors"))
        kinds = sorted(k.value for k in self.kinds)
        return (f"Inventory({counts}, kinds={kinds}, source={self.source}, "
                f"loaded_at={self.loaded_at})")

    def _get(self, kind: type[_T], item_id: str | None) -> _T | None:
        item = self._index.get(rid(item_id)) if item_id else None
        return item if isinstance(item, kind) else None

    def vnet(self, vnet_id: str | None) -> VirtualNetwork | None:
        return self._get(VirtualNetwork, vnet_id)

    def vm(self, vm_id: str | None) -> VirtualMachine | None:
        return self._get(VirtualMachine, vm_id)

    def nsg(self, nsg_id: str | None) -> NetworkSecurityGroup | None:
        return self._get(NetworkSecurityGroup, nsg_id)

    def route_table(self, table_id: str | None) -> RouteTable | None:
        return self._get(RouteTable, table_id)

    def subscription(self, sub_id: str) -> Subscription | None:
        return self._subscriptions.get(sub_id.lower())

    def vnets_in(self, sub_id: str) -> list[VirtualNetwork]:
        return list(self._vnets_by_subscription.get(sub_id.lower(), ()))

    def vms_in(self, vnet_id: str) -> list[VirtualMachine]:
        return list(self._vms_by_vnet.get(rid(vnet_id), ()))

    def error_for(self, sub_id: str) -> LoadError | None:
        return self._errors.get(sub_id.lower())

    def reverse_of(self, peering: Peering) -> Peering | None:
        """The link on the remote VNet that points back at this peering's VNet."""
        remote = self.vnet(peering.remote_vnet_id)
        return remote.peering_to(peering.vnet_id) if remote else None

    def with_vnet(self, vnet: VirtualNetwork) -> Inventory:
        """A copy with one VNet replaced (after its peerings were re-read)."""
        return replace(self, vnets=tuple(vnet if v.id == vnet.id else v for v in self.vnets))


def ids(items: Iterable[ResourceId | str]) -> set[ResourceId]:
    return {rid(i) for i in items}
