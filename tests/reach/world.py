"""A small builder of hand-made inventories, so each reachability test states only what matters.

Names stand for resources: `World().vnet("vnet1", "10.1.0.0/16").vm("vm1", "vnet1", "10.1.0.4")`
builds a VNet with a subnet `default` (the first /24) and a running VM with one NIC.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from tui.model import (
    Direction,
    Inventory,
    NetworkInterface,
    NetworkSecurityGroup,
    Peering,
    PeeringFlags,
    PeeringState,
    PowerState,
    ResourceId,
    Route,
    RouteTable,
    SecurityRule,
    Subnet,
    Subscription,
    SyncLevel,
    VirtualMachine,
    VirtualNetwork,
)
from tui.reach import DEFAULT_RULES

SUB = "11111111-1111-1111-1111-111111111111"
RG = "rg-peering"


def arm_id(kind: str, name: str, rg: str = RG) -> ResourceId:
    return ResourceId(f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{kind}/{name}")


def vnet_id(name: str) -> ResourceId:
    return arm_id("Microsoft.Network/virtualNetworks", name)


def subnet_id(vnet: str, subnet: str = "default") -> ResourceId:
    return ResourceId(f"{vnet_id(vnet)}/subnets/{subnet}")


def nsg_id(name: str) -> ResourceId:
    return arm_id("Microsoft.Network/networkSecurityGroups", name)


def table_id(name: str) -> ResourceId:
    return arm_id("Microsoft.Network/routeTables", name)


def rule(name: str, priority: int, access: str = "Deny", *, inbound: bool = True,
         protocol: str = "Tcp", src: str | tuple[str, ...] = "*",
         dst: str | tuple[str, ...] = "*", ports: str | tuple[str, ...] = "80",
         src_ports: str | tuple[str, ...] = "*") -> SecurityRule:
    def tup(value: str | tuple[str, ...]) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) else value

    return SecurityRule(name, priority, Direction.INBOUND if inbound else Direction.OUTBOUND,
                        access, protocol, tup(src), tup(src_ports), tup(dst), tup(ports))


@dataclass
class _SubnetSpec:
    name: str
    prefix: str
    nsg: str | None = None
    routes: str | None = None


@dataclass
class _VNetSpec:
    name: str
    prefixes: tuple[str, ...]
    subnets: list[_SubnetSpec] = field(default_factory=list)
    peerings: list[Peering] = field(default_factory=list)


@dataclass
class _VMSpec:
    name: str
    vnet: str
    ip: str | None
    subnet: str
    power: PowerState
    nsg: str | None
    forwarding: bool
    has_nic: bool


class World:
    def __init__(self) -> None:
        self._vnets: dict[str, _VNetSpec] = {}
        self._vms: list[_VMSpec] = []
        self._nsgs: list[NetworkSecurityGroup] = []
        self._tables: list[RouteTable] = []

    # -- networks
    def vnet(self, name: str, *prefixes: str, nsg: str | None = None,
             routes: str | None = None) -> World:
        first = ipaddress.ip_network(prefixes[0])
        default = str(next(first.subnets(new_prefix=24)) if first.prefixlen < 24 else first)
        self._vnets[name] = _VNetSpec(name, prefixes, [_SubnetSpec("default", default, nsg,
                                                                   routes)])
        return self

    def subnet(self, vnet: str, name: str, prefix: str, *, nsg: str | None = None,
               routes: str | None = None) -> World:
        self._vnets[vnet].subnets.append(_SubnetSpec(name, prefix, nsg, routes))
        return self

    def link(self, a: str, b: str, *, name: str | None = None,
             state: PeeringState = PeeringState.CONNECTED, access: bool = True,
             forwarded: bool = False, programmed: tuple[str, ...] | None = None) -> World:
        """One direction of a peering: the link on `a` pointing at `b`."""
        remote = self._vnets[b]
        link_name = name or f"{a}-to-{b}"
        self._vnets[a].peerings.append(Peering(
            id=ResourceId(f"{vnet_id(a)}/virtualNetworkPeerings/{link_name}"), name=link_name,
            vnet_id=vnet_id(a), remote_vnet_id=vnet_id(b), state=state,
            sync_level=SyncLevel.FULLY_IN_SYNC,
            flags=PeeringFlags(allow_virtual_network_access=access,
                               allow_forwarded_traffic=forwarded),
            remote_address_prefixes=programmed if programmed is not None else remote.prefixes,
            remote_vnet_address_prefixes=remote.prefixes,
        ))
        return self

    def peer(self, a: str, b: str, *, forwarded: bool = False) -> World:
        """Both directions, Connected, VNet access allowed: what `vnettui peer a b` makes."""
        return self.link(a, b, forwarded=forwarded).link(b, a, forwarded=forwarded)

    def vm(self, name: str, vnet: str, ip: str | None, *, subnet: str = "default",
           power: PowerState = PowerState.RUNNING, nsg: str | None = None,
           forwarding: bool = False, has_nic: bool = True) -> World:
        self._vms.append(_VMSpec(name, vnet, ip, subnet, power, nsg, forwarding, has_nic))
        return self

    # -- security and routing
    def nsg(self, name: str, *rules: SecurityRule, with_defaults: bool = False) -> World:
        extra = DEFAULT_RULES if with_defaults else ()
        self._nsgs.append(NetworkSecurityGroup(nsg_id(name), name, (*rules, *extra)))
        return self

    def routes(self, name: str, *routes: Route) -> World:
        self._tables.append(RouteTable(table_id(name), name, routes))
        return self

    # -- result
    def build(self) -> Inventory:
        vnets = []
        for spec in self._vnets.values():
            subnets = tuple(
                Subnet(subnet_id(spec.name, s.name), s.name, (s.prefix,),
                       nsg_id(s.nsg) if s.nsg else None,
                       table_id(s.routes) if s.routes else None)
                for s in spec.subnets
            )
            vnets.append(VirtualNetwork(vnet_id(spec.name), spec.name, RG, SUB, "westeurope",
                                        spec.prefixes, subnets, tuple(spec.peerings)))
        vms = []
        for v in self._vms:
            vm = arm_id("Microsoft.Compute/virtualMachines", v.name)
            nics: tuple[NetworkInterface, ...] = ()
            if v.has_nic:
                nics = (NetworkInterface(
                    arm_id("Microsoft.Network/networkInterfaces", f"{v.name}-nic"),
                    f"{v.name}-nic", (v.ip,) if v.ip else (), subnet_id(v.vnet, v.subnet),
                    nsg_id(v.nsg) if v.nsg else None, vm, ip_forwarding=v.forwarding),)
            vms.append(VirtualMachine(vm, v.name, RG, SUB, "westeurope", "Standard_B2s",
                                      "Windows", v.power, nics))
        return Inventory((Subscription(SUB, "AZ-303 Lab"),), tuple(vnets), tuple(vms),
                         tuple(self._nsgs), tuple(self._tables))


def seed() -> World:
    """The seed story: vnet1/vm1 and vnet2/vm2 (IIS on 80), no peering yet."""
    return (World().vnet("vnet1", "10.1.0.0/16").vnet("vnet2", "10.2.0.0/16")
            .vm("vm1", "vnet1", "10.1.0.4").vm("vm2", "vnet2", "10.2.0.4"))


def vm_id(name: str) -> ResourceId:
    return arm_id("Microsoft.Compute/virtualMachines", name)
