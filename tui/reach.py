"""Can one VM reach another on a port, and if not, why: a verdict from the loaded inventory.

Like Network Watcher's IP flow verify and connection troubleshoot, but computed from what is
already loaded, with no agent and for any pair. Pure: `tui.model` and the standard library.

The checks follow Azure's own order and stop at the first one that fails, so the last step
is the reason (azure-facts.md section 7):

1. both VMs exist and are running; each has a NIC with a private IP in a loaded subnet/VNet;
2. same VNet, or a peering in both directions, both links Connected (peering is not
   transitive: two spokes of one hub are not connected through it);
3. the source subnet's effective route to the destination (longest prefix wins; a UDR beats
   a system route of the same prefix; next hop None drops), and the destination subnet's
   route back for the replies;
4. NSGs: outbound at the source (NIC, then subnet), inbound at the destination (subnet, then
   NIC); rules by priority, first match wins; no NSG at a level allows at that level.

Choices where Azure is not explicit (each marked [U] below):
- A route to a virtual appliance: vnettui checks what it can see (the appliance's NIC has IP
  forwarding on, its VNet is peered with both ends and the peerings accept forwarded traffic,
  replies have a route back, the NSGs at both ends allow the flow with the original source
  address, i.e. no SNAT) and then answers *unknown* (`conclusive=False`, `reachable=False`):
  it cannot see the appliance's own rules.
- `allowVirtualNetworkAccess=false` on either link of a pair takes the pair out of the
  `VirtualNetwork` service tag (the safe model of azure-facts.md section 7), so only explicit
  NSG rules can allow it; with no NSG rule explicitly allowing the flow anywhere on the path,
  the peering setting blocks it.
- protocol `any`: reachable when TCP or UDP gets through (checked in that order); the verdict
  shows the evaluation that got through, or TCP's if neither did.
- The client's source port is unknown: a rule's source port ranges apply only when they cover
  every ephemeral port (1024-65535), as `*` does.
- Service tags other than `VirtualNetwork`, `Internet`, `AzureLoadBalancer` (Storage,
  AzureCloud...) never match a VM's private address. Application security groups are not
  modelled.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tui.model import (
    Direction,
    Inventory,
    NetworkInterface,
    NetworkSecurityGroup,
    Peering,
    PeeringState,
    PowerState,
    ResourceId,
    SecurityRule,
    Subnet,
    VirtualMachine,
    VirtualNetwork,
    rid,
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

PROTOCOLS = ("tcp", "udp", "icmp", "any")
HOST_VIP = "168.63.129.16"  # Azure's host address: health probes, DNS; in the VirtualNetwork tag
EPHEMERAL_PORTS = (1024, 65535)

# Azure's default system routes besides the VNet's own (virtual-networks-udr-overview.md):
# private ranges go nowhere unless a VNet, peering or UDR claims them.
_SYSTEM_DEFAULTS = (
    ("0.0.0.0/0", "Internet"),
    ("10.0.0.0/8", "None"),
    ("172.16.0.0/12", "None"),
    ("192.168.0.0/16", "None"),
    ("100.64.0.0/10", "None"),
)


def _default_rule(name: str, priority: int, direction: Direction, access: str,
                  src: str, dst: str) -> SecurityRule:
    return SecurityRule(name, priority, direction, access, "*", (src,), ("*",), (dst,), ("*",),
                        is_default=True)


# Every NSG carries these (network.NetworkSecurityGroupListAll.json); used when a loaded NSG
# body does not list them.
DEFAULT_RULES: tuple[SecurityRule, ...] = (
    _default_rule("AllowVnetInBound", 65000, Direction.INBOUND, "Allow",
                  "VirtualNetwork", "VirtualNetwork"),
    _default_rule("AllowAzureLoadBalancerInBound", 65001, Direction.INBOUND, "Allow",
                  "AzureLoadBalancer", "*"),
    _default_rule("DenyAllInBound", 65500, Direction.INBOUND, "Deny", "*", "*"),
    _default_rule("AllowVnetOutBound", 65000, Direction.OUTBOUND, "Allow",
                  "VirtualNetwork", "VirtualNetwork"),
    _default_rule("AllowInternetOutBound", 65001, Direction.OUTBOUND, "Allow", "*", "Internet"),
    _default_rule("DenyAllOutBound", 65500, Direction.OUTBOUND, "Deny", "*", "*"),
)


class StepStatus(enum.StrEnum):
    OK = "ok"
    FAIL = "fail"
    INFO = "info"
    UNKNOWN = "unknown"  # vnettui cannot see far enough to say


class Level(enum.StrEnum):
    NIC = "NIC"
    SUBNET = "subnet"


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """The NSG rule that matched a flow at one level."""

    rule_name: str
    priority: int
    access: str
    direction: Direction
    nsg_id: ResourceId
    nsg_name: str
    level: Level
    is_default: bool
    implicit: bool = False  # a default rule the loaded NSG body did not list

    @property
    def allows(self) -> bool:
        return self.access.lower() == "allow"

    def describe(self) -> str:
        return f"{self.rule_name} (priority {self.priority})"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the check looked at, what it found, and how to fix it when it failed."""

    status: StepStatus
    text: str
    resource_id: ResourceId | None = None
    hint: str = ""  # the fix in the explorer: "peer them: press p"
    command: str = ""  # the fix on the command line: "vnettui peer vnet1 vnet2"
    rule: RuleMatch | None = None

    @property
    def fix(self) -> str:
        """The fix away from the explorer: the command, else the hint without its key
        (hints read "what to do: press KEY ...")."""
        return self.command or self.hint.split(": press ")[0]


@dataclass(frozen=True, slots=True)
class Verdict:
    reachable: bool
    steps: tuple[Step, ...]
    source: str
    destination: str
    destination_ip: str | None
    port: int
    protocol: str
    deciding_rule: RuleMatch | None = None  # the deny that blocked, or the last allow
    conclusive: bool = True  # False: the path leaves what vnettui can see

    @property
    def answer(self) -> str:
        if not self.conclusive:
            return "UNKNOWN"
        return "YES" if self.reachable else "NO"

    @property
    def question(self) -> str:
        flow = _flow_name(self.protocol, self.port)
        return f"Can {self.source} reach {self.destination} on {flow}?"

    @property
    def reason(self) -> Step | None:
        """The step that decided a negative or unknown answer."""
        return next((s for s in reversed(self.steps)
                     if s.status in (StepStatus.FAIL, StepStatus.UNKNOWN)), None)


@dataclass(frozen=True, slots=True)
class EffectiveRoute:
    """One route of a subnet's effective route table: a system route or a UDR."""

    prefix: str
    next_hop_type: str  # VnetLocal | VNetPeering | Internet | None | VirtualAppliance | ...
    next_hop_ip: str | None = None
    user: bool = False
    route_table_id: ResourceId | None = None
    route_table_name: str = ""
    route_name: str = ""
    peering: Peering | None = None  # the link a VNetPeering route comes from

    @property
    def hop(self) -> str:
        return self.next_hop_type.lower()

    def describe(self) -> str:
        target = self.next_hop_type + (f" {self.next_hop_ip}" if self.next_hop_ip else "")
        if self.user:
            return f"route {self.route_name} in {self.route_table_name}: {self.prefix} → {target}"
        return f"system route {self.prefix} → {target}"


def _flow_name(protocol: str, port: int) -> str:
    if protocol == "icmp":
        return "ICMP"
    if protocol == "any":
        return f"port {port} (any protocol)"
    return f"{protocol.upper()} {port}"


# ---------------------------------------------------------------- addresses and routes


def _ip(text: str | None) -> IPAddress | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _net(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _contains(prefix: str, ip: IPAddress) -> bool:
    net = _net(prefix)
    return net is not None and net.version == ip.version and ip in net


def _prefix_len(prefix: str) -> int:
    net = _net(prefix)
    return net.prefixlen if net else -1


def _peered_prefixes(inventory: Inventory, peering: Peering) -> tuple[str, ...]:
    """What a link actually carries: the programmed remote space, else the remote VNet's."""
    if peering.remote_address_prefixes:
        return peering.remote_address_prefixes
    remote = inventory.vnet(peering.remote_vnet_id)
    return remote.address_prefixes if remote else peering.remote_vnet_address_prefixes


def effective_routes(inventory: Inventory, subnet: Subnet) -> list[EffectiveRoute]:
    """System routes of the subnet's VNet plus the UDRs of its route table (if loaded)."""
    vnet = inventory.vnet(subnet.vnet_id)
    routes: list[EffectiveRoute] = []
    claimed: set[str] = set()
    if vnet:
        for prefix in vnet.address_prefixes:
            routes.append(EffectiveRoute(prefix, "VnetLocal"))
            claimed.add(prefix)
        for peering in vnet.peerings:
            # A Connected link programs the peer's prefixes; Initiated/Disconnected ones don't.
            if peering.state is PeeringState.CONNECTED:
                for prefix in _peered_prefixes(inventory, peering):
                    routes.append(EffectiveRoute(prefix, "VNetPeering", peering=peering))
                    claimed.add(prefix)
    for prefix, hop in _SYSTEM_DEFAULTS:
        if prefix not in claimed:  # a VNet using 10.0.0.0/8 itself turns that None into VnetLocal
            routes.append(EffectiveRoute(prefix, hop))
    table = inventory.route_table(subnet.route_table_id)
    if table:
        for route in table.routes:
            routes.append(EffectiveRoute(
                route.address_prefix, route.next_hop_type, route.next_hop_ip, user=True,
                route_table_id=table.id, route_table_name=table.name, route_name=route.name,
            ))
    return routes


def route_for(inventory: Inventory, subnet: Subnet, ip: str) -> EffectiveRoute | None:
    """The route the subnet uses for `ip`: longest prefix, a UDR winning a tie."""
    address = _ip(ip)
    if address is None:
        return None
    candidates = [r for r in effective_routes(inventory, subnet) if _contains(r.prefix, address)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (_prefix_len(r.prefix), r.user))


# ---------------------------------------------------------------- NSG evaluation


def virtual_network_tag(inventory: Inventory, vnet: VirtualNetwork,
                        subnet: Subnet | None = None) -> list[str]:
    """What the `VirtualNetwork` service tag covers for traffic at this VNet (and subnet).

    The VNet's prefixes, its Connected peers' prefixes where VNet access is allowed on both
    links (the safe model of azure-facts.md section 7), the host address 168.63.129.16 and
    the prefixes of the UDRs on the subnet (service-tags-overview.md lists "address prefixes
    used on user-defined routes"; [U] that only the subnet's own route table counts).
    """
    prefixes = list(vnet.address_prefixes)
    for peering in vnet.peerings:
        if peering.state is not PeeringState.CONNECTED:
            continue
        back = inventory.reverse_of(peering)
        if peering.flags.allow_virtual_network_access and (
            back is None or back.flags.allow_virtual_network_access
        ):
            prefixes.extend(_peered_prefixes(inventory, peering))
    prefixes.append(f"{HOST_VIP}/32")
    table = inventory.route_table(subnet.route_table_id) if subnet else None
    if table:
        prefixes.extend(r.address_prefix for r in table.routes)
    return prefixes


def _address_matches(prefix: str, ip: IPAddress, vnet_tag: Sequence[str]) -> bool:
    text = prefix.strip()
    low = text.lower()
    if low in ("*", "any", ""):
        return True
    if low == "virtualnetwork":
        return any(_contains(p, ip) for p in vnet_tag)
    if low == "internet":
        # Public address space outside the VirtualNetwork tag.
        return ip.is_global and not any(_contains(p, ip) for p in vnet_tag)
    if low == "azureloadbalancer":
        return ip == ipaddress.ip_address(HOST_VIP)
    # A CIDR or single address; any other service tag never holds a VM's private address.
    return _contains(text, ip)


def _port_ranges(specs: Iterable[str]) -> list[tuple[int, int]] | None:
    """Parse "80", "1000-2000", "*" (also comma-separated); None means every port."""
    ranges: list[tuple[int, int]] = []
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if part in ("*", "any", "Any", "0-65535"):
                return None
            low, sep, high = part.partition("-")
            try:
                start = int(low)
                end = int(high) if sep else start
            except ValueError:
                continue  # a malformed range matches nothing
            ranges.append((start, end))
    return ranges


def _port_matches(specs: Sequence[str], port: int) -> bool:
    ranges = _port_ranges(specs)
    return ranges is None or any(start <= port <= end for start, end in ranges)


def _covers_ephemeral(specs: Sequence[str]) -> bool:
    ranges = _port_ranges(specs)
    low, high = EPHEMERAL_PORTS
    return ranges is None or any(start <= low and high <= end for start, end in ranges)


def _protocol_matches(rule_protocol: str, protocol: str) -> bool:
    return rule_protocol.strip().lower() in ("*", "any", protocol)


@dataclass(frozen=True, slots=True)
class Flow:
    """One direction of traffic as an NSG sees it."""

    source_ip: str
    destination_ip: str
    port: int
    protocol: str  # tcp | udp | icmp


def rule_matches(rule: SecurityRule, flow: Flow, vnet_tag: Sequence[str]) -> bool:
    src, dst = _ip(flow.source_ip), _ip(flow.destination_ip)
    if src is None or dst is None or not _protocol_matches(rule.protocol, flow.protocol):
        return False
    if flow.protocol != "icmp" and not (
        _port_matches(rule.destination_ports, flow.port) and _covers_ephemeral(rule.source_ports)
    ):
        return False
    return (any(_address_matches(p, src, vnet_tag) for p in rule.source_prefixes)
            and any(_address_matches(p, dst, vnet_tag) for p in rule.destination_prefixes))


def rules_in_order(nsg: NetworkSecurityGroup,
                   direction: Direction) -> list[tuple[SecurityRule, bool]]:
    """The NSG's rules of one direction by priority, with `implicit` set on default rules
    added because the loaded body did not carry them."""
    own = [(r, False) for r in nsg.ordered(direction)]
    if not any(r.is_default or r.priority >= 65000 for r, _ in own):
        own.extend((r, True) for r in DEFAULT_RULES if r.direction == direction)
    return sorted(own, key=lambda pair: pair[0].priority)


def evaluate_nsg(nsg: NetworkSecurityGroup, direction: Direction, flow: Flow,
                 vnet_tag: Sequence[str], level: Level) -> RuleMatch:
    """First matching rule by priority; the default DenyAll rules guarantee a match."""
    for rule, implicit in rules_in_order(nsg, direction):
        if rule_matches(rule, flow, vnet_tag):
            return RuleMatch(rule.name, rule.priority, rule.access, direction, nsg.id, nsg.name,
                             level, rule.is_default or implicit, implicit)
    # Unreachable with the defaults in place; kept so a malformed body cannot crash a check.
    return RuleMatch("DenyAll", 65500, "Deny", direction, nsg.id, nsg.name, level, True, True)


# ---------------------------------------------------------------- peering links


@dataclass(frozen=True, slots=True)
class Link:
    """Whether two VNets are peered both ways, and if not, the precise reason."""

    ok: bool
    text: str
    resource_id: ResourceId | None = None
    hint: str = ""
    command: str = ""
    blocked: tuple[Peering, ...] = ()  # Connected links with VNet access switched off
    missing: bool = False  # no link in either direction


class _Names:
    """Short names for VNets in sentences and commands: `name`, or `rg/name` when the name
    alone is ambiguous in the inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self._count: dict[str, int] = {}
        for vnet in inventory.vnets:
            key = vnet.name.lower()
            self._count[key] = self._count.get(key, 0) + 1

    def ref(self, vnet: VirtualNetwork) -> str:
        if self._count.get(vnet.name.lower(), 0) > 1:
            return f"{vnet.resource_group}/{vnet.name}"
        return vnet.name


def peering_link(inventory: Inventory, a: VirtualNetwork, b: VirtualNetwork,
                 names: _Names | None = None) -> Link:
    names = names or _Names(inventory)
    an, bn = names.ref(a), names.ref(b)
    there, back = a.peering_to(b.id), b.peering_to(a.id)
    if there is None and back is None:
        return Link(False, f"{an} and {bn} are different VNets with no peering", a.id,
                    hint="peer them: press p", command=f"vnettui peer {an} {bn}", missing=True)
    if back is None:
        assert there is not None
        return _one_sided(there, an, bn)
    if there is None:
        return _one_sided(back, bn, an)
    for link, owner in ((there, an), (back, bn)):
        if link.state is not PeeringState.CONNECTED:
            return Link(False, f"{link.name} on {owner} is {link.state.value}, not Connected",
                        link.id, hint=f"delete both links and peer again: press d on {owner}",
                        command=f"vnettui unpeer {owner} {link.name} --both && "
                                f"vnettui peer {an} {bn}")
    blocked = tuple(p for p in (there, back) if not p.flags.allow_virtual_network_access)
    return Link(True, f"{an} and {bn} are peered both ways: {there.name} and {back.name} are "
                      "Connected", there.id, blocked=blocked)


def _one_sided(link: Peering, owner: str, other: str) -> Link:
    if link.state is PeeringState.DISCONNECTED:
        return Link(False, f"{link.name} on {owner} is Disconnected: {other} has no link back "
                           f"to {owner} (it was deleted)", link.id,
                    hint=f"peer {owner} and {other} again: press p on {owner}",
                    command=f"vnettui unpeer {owner} {link.name} && vnettui peer {owner} {other}")
    return Link(False, f"{other} has no link back to {owner} ({link.name} on {owner} is "
                       f"{link.state.value})", link.id,
                hint=f"create the return link: press p on {other}",
                command=f"vnettui peer {other} {owner} --one-side")


# ---------------------------------------------------------------- the check


class _Stop(Exception):
    """Raised by the checker once a step has decided the verdict."""


@dataclass(frozen=True, slots=True)
class _End:
    """One end of the flow: a VM's NIC, or a bare address in a subnet."""

    label: str
    ip: str
    vm: VirtualMachine | None
    nic: NetworkInterface | None
    subnet: Subnet | None
    vnet: VirtualNetwork | None


class _Checker:
    def __init__(self, inventory: Inventory, port: int, protocol: str) -> None:
        self.inv = inventory
        self.port = port
        self.protocol = protocol
        self.names = _Names(inventory)
        self.steps: list[Step] = []
        self.conclusive = True
        self.matches: list[RuleMatch] = []
        self.blocked: tuple[Peering, ...] = ()

    # -- helpers
    def add(self, status: StepStatus, text: str, resource_id: str | None = None, *,
            hint: str = "", command: str = "", rule: RuleMatch | None = None) -> None:
        self.steps.append(Step(status, text, rid(resource_id) if resource_id else None,
                               hint, command, rule))

    def fail(self, text: str, resource_id: str | None = None, *, hint: str = "",
             command: str = "", rule: RuleMatch | None = None) -> _Stop:
        self.add(StepStatus.FAIL, text, resource_id, hint=hint, command=command, rule=rule)
        return _Stop()

    def unknown(self, text: str, resource_id: str | None = None) -> _Stop:
        self.add(StepStatus.UNKNOWN, text, resource_id)
        self.conclusive = False
        return _Stop()

    def where(self, end: _End) -> str:
        if end.vnet and end.subnet:
            return f"{self.names.ref(end.vnet)}/{end.subnet.name}"
        return "an unknown subnet"

    @property
    def flow_name(self) -> str:
        return _flow_name(self.protocol, self.port)

    # -- ends
    def vm_end(self, vm: VirtualMachine, nic: NetworkInterface | None = None) -> _End:
        if vm.power_state in (PowerState.STOPPED, PowerState.DEALLOCATED,
                              PowerState.STOPPING, PowerState.DEALLOCATING,
                              PowerState.STARTING):
            raise self.fail(f"{vm.name} is {vm.power_state.value}: a VM that is not running "
                            "neither sends nor answers", vm.id, hint=f"start {vm.name}")
        state = "running" if vm.power_state is PowerState.RUNNING else "power state unknown"
        nic = nic or vm.primary_nic
        if nic is None:
            raise self.fail(f"{vm.name} has no network interface", vm.id)
        if not nic.private_ips:
            raise self.fail(f"{vm.name}'s NIC {nic.name} has no private IP address", nic.id)
        if nic.subnet_id is None:
            raise self.fail(f"{vm.name}'s NIC {nic.name} is in no subnet", nic.id)
        vnet = self.inv.vnet(nic.vnet_id)
        subnet = vnet.subnet(nic.subnet_id) if vnet else None
        if vnet is None or subnet is None:
            raise self.unknown(f"{vm.name}'s subnet {nic.subnet_id.parent.name}/"
                               f"{nic.subnet_id.name} was not loaded", nic.subnet_id)
        end = _End(vm.name, nic.private_ips[0], vm, nic, subnet, vnet)
        self.add(StepStatus.OK, f"{vm.name} {state} · {end.ip} · {self.where(end)} "
                                f"(NIC {nic.name})", vm.id)
        return end

    def ip_end(self, ip: str) -> _End:
        found = self.nic_with(ip)
        if found is not None:
            vm, nic = found
            self.add(StepStatus.INFO, f"{ip} is {vm.name}'s address (NIC {nic.name})", nic.id)
            return replace(self.vm_end(vm, nic), ip=ip)
        address = _ip(ip)
        assert address is not None
        for vnet in self.inv.vnets:
            for subnet in vnet.subnets:
                if any(_contains(p, address) for p in subnet.address_prefixes):
                    end = _End(ip, ip, None, None, subnet, vnet)
                    self.add(StepStatus.INFO, f"{ip} is in {self.where(end)}; no loaded VM has "
                             "that address, so only the subnet is checked", subnet.id)
                    return end
        return _End(ip, ip, None, None, None, None)

    # -- path
    def path(self, src: _End, dst: _End) -> None:
        assert src.subnet is not None
        assert src.vnet is not None
        self.require_route_table(src.subnet)
        route = route_for(self.inv, src.subnet, dst.ip)
        if route is not None and route.hop == "virtualappliance":
            self.via_appliance(src, dst, route)
            return
        if dst.vnet is None:
            self.forward_route(src, dst, route)
            raise self.unknown(f"{dst.ip} is in no loaded VNet: vnettui cannot see where it is")
        if dst.vnet.id == src.vnet.id:
            self.add(StepStatus.OK, f"{src.label} and {dst.label} are both in "
                                    f"{self.names.ref(src.vnet)}", src.vnet.id)
        else:
            self.peered(src.vnet, dst.vnet)
        self.forward_route(src, dst, route)
        self.return_route(src, dst)

    def peered(self, a: VirtualNetwork, b: VirtualNetwork) -> None:
        link = peering_link(self.inv, a, b, self.names)
        if link.missing:
            hubs = [h for h in self.inv.vnets if h.id not in (a.id, b.id)
                    and peering_link(self.inv, a, h, self.names).ok
                    and peering_link(self.inv, h, b, self.names).ok]
            if hubs:
                an, bn = self.names.ref(a), self.names.ref(b)
                hub = " and ".join(self.names.ref(h) for h in hubs)
                raise self.fail(
                    f"{an} and {bn} are both peered with {hub} but not with each other; "
                    "peering is not transitive", a.id,
                    hint="peer them directly, or route through an appliance in "
                         f"{self.names.ref(hubs[0])} with UDRs on both spokes: press p",
                    command=f"vnettui peer {an} {bn}")
        if not link.ok:
            raise self.fail(link.text, link.resource_id, hint=link.hint, command=link.command)
        self.add(StepStatus.OK, link.text, link.resource_id)
        if link.blocked:
            self.blocked = link.blocked
            names = " and ".join(f"{p.name} on {self.names.ref(self.vnet_of(p))}"
                                 for p in link.blocked)
            verb = "blocks" if len(link.blocked) == 1 else "block"
            self.add(StepStatus.INFO, f"{names} {verb} VNet access "
                     "(allowVirtualNetworkAccess false): only an explicit NSG rule lets this "
                     "traffic through", link.blocked[0].id)

    def vnet_of(self, peering: Peering) -> VirtualNetwork:
        vnet = self.inv.vnet(peering.vnet_id)
        assert vnet is not None
        return vnet

    def require_route_table(self, subnet: Subnet) -> None:
        if subnet.route_table_id and self.inv.route_table(subnet.route_table_id) is None:
            raise self.unknown(f"route table {subnet.route_table_id.name} on subnet "
                               f"{subnet.name} was not loaded", subnet.route_table_id)

    def route_resource(self, route: EffectiveRoute, subnet: Subnet) -> ResourceId:
        return route.route_table_id if route.route_table_id else subnet.id

    def forward_route(self, src: _End, dst: _End, route: EffectiveRoute | None) -> None:
        assert src.subnet is not None
        self.judge_route(src.subnet, self.where(src), dst.ip, route, replies=False)

    def return_route(self, src: _End, dst: _End) -> None:
        if dst.subnet is None:
            return
        self.require_route_table(dst.subnet)
        route = route_for(self.inv, dst.subnet, src.ip)
        self.judge_route(dst.subnet, self.where(dst), src.ip, route, replies=True)

    def judge_route(self, subnet: Subnet, where: str, ip: str, route: EffectiveRoute | None,
                    *, replies: bool) -> None:
        what = f"replies from {where} to {ip}" if replies else f"{where} to {ip}"
        if route is None:
            raise self.fail(f"no route for {what}", subnet.id)
        resource = self.route_resource(route, subnet)
        hop = route.hop
        if hop in ("vnetlocal", "vnetpeering"):
            verb = "return" if replies else "is routed"
            self.add(StepStatus.OK, f"{what} {verb} by {route.describe()}", resource)
        elif hop == "virtualappliance":  # only reached for replies
            self.add(StepStatus.INFO, f"{what} go through virtual appliance {route.next_hop_ip} "
                                      f"({route.describe()})", resource)
        elif hop == "none":
            if route.user:
                raise self.fail(f"{what}: {route.describe()} drops the traffic", resource,
                                hint=f"change or remove route {route.route_name} in "
                                     f"{route.route_table_name}")
            hint, command = self.sync_hint(subnet, ip)
            raise self.fail(f"no route for {what} ({route.describe()} drops it)", resource,
                            hint=hint, command=command)
        elif hop == "internet":
            address = _ip(ip)
            if address is not None and not address.is_global:
                raise self.fail(f"{what}: {route.describe()} sends a private address to the "
                                "Internet, where nothing answers", resource)
            raise self.unknown(f"{what} leaves Azure ({route.describe()}): vnettui cannot see "
                               "the Internet", resource)
        else:
            raise self.unknown(f"{what} goes to {route.describe()}: vnettui cannot see beyond "
                               "a gateway", resource)

    def sync_hint(self, subnet: Subnet, ip: str) -> tuple[str, str]:
        """A stale peering explains a missing route when the remote VNet holds the address."""
        vnet = self.inv.vnet(subnet.vnet_id)
        address = _ip(ip)
        if vnet is None or address is None:
            return "", ""
        for peering in vnet.peerings:
            remote = self.inv.vnet(peering.remote_vnet_id)
            if remote and any(_contains(p, address) for p in remote.address_prefixes):
                owner = self.names.ref(vnet)
                return (f"sync {peering.name}, it does not carry {ip} yet: press s",
                        f"vnettui sync {owner} {peering.name}")
        return "", ""

    # -- appliance
    def nic_with(self, ip: str) -> tuple[VirtualMachine, NetworkInterface] | None:
        for vm in self.inv.vms:
            for nic in vm.nics:
                if any(_ip(a) == _ip(ip) for a in nic.private_ips):
                    return vm, nic
        return None

    def via_appliance(self, src: _End, dst: _End, route: EffectiveRoute) -> None:
        assert src.subnet is not None
        assert src.vnet is not None
        nva_ip = route.next_hop_ip or "?"
        self.add(StepStatus.INFO, f"{self.where(src)} sends {dst.ip} to virtual appliance "
                 f"{nva_ip} ({route.describe()})", route.route_table_id)
        found = self.nic_with(nva_ip)
        if found is None:
            raise self.unknown(f"no loaded NIC has the appliance's address {nva_ip}",
                               route.route_table_id)
        vm, nic = found
        if vm.power_state not in (PowerState.RUNNING, PowerState.UNKNOWN):
            raise self.fail(f"the appliance {vm.name} is {vm.power_state.value}", vm.id,
                            hint=f"start {vm.name}")
        if not nic.ip_forwarding:
            raise self.fail(f"the appliance's NIC {nic.name} has IP forwarding off: it drops "
                            "traffic addressed to others", nic.id,
                            hint=f"enable IP forwarding on {nic.name}")
        hub = self.inv.vnet(nic.vnet_id)
        if hub is None:
            raise self.unknown(f"the appliance's VNet {nic.vnet_id} was not loaded", nic.id)
        hn = self.names.ref(hub)
        self.linked(src.vnet, hub, f"{self.names.ref(src.vnet)} cannot reach the appliance's "
                                   f"VNet {hn}")
        if dst.vnet is None:
            raise self.unknown(f"{dst.ip} is in no loaded VNet: vnettui cannot see where it is")
        self.linked(hub, dst.vnet, f"the appliance's VNet {hn} cannot reach "
                                   f"{self.names.ref(dst.vnet)}")
        for vnet in (dst.vnet, src.vnet):
            peering = vnet.peering_to(hub.id)
            if peering is not None and not peering.flags.allow_forwarded_traffic:
                vn = self.names.ref(vnet)
                raise self.fail(f"{peering.name} on {vn} does not accept traffic forwarded by "
                                f"{hn} (allowForwardedTraffic false)", peering.id,
                                hint=f"allow forwarded traffic on {peering.name}: press e on {vn}")
        self.add(StepStatus.OK, f"{nic.name} ({vm.name}) forwards traffic; the peerings with "
                                f"{hn} accept forwarded traffic", nic.id)
        self.return_route(src, dst)
        self.security(src, dst)
        raise self.unknown(f"routed to virtual appliance {nva_ip}: vnettui cannot see beyond an "
                           "appliance; its own rules decide", nic.id)

    def linked(self, a: VirtualNetwork, b: VirtualNetwork, problem: str) -> None:
        if a.id == b.id:
            return
        link = peering_link(self.inv, a, b, self.names)
        if not link.ok:
            raise self.fail(f"{problem}: {link.text}", link.resource_id, hint=link.hint,
                            command=link.command)

    # -- NSGs
    def security(self, src: _End, dst: _End) -> None:
        out_flow = Flow(src.ip, dst.ip, self.port, self.protocol)
        assert src.vnet is not None
        src_tag = virtual_network_tag(self.inv, src.vnet, src.subnet)
        self.side(src, Direction.OUTBOUND, out_flow, src_tag,
                  [(Level.NIC, src.nic), (Level.SUBNET, src.subnet)])
        if dst.vnet is not None:
            dst_tag = virtual_network_tag(self.inv, dst.vnet, dst.subnet)
            self.side(dst, Direction.INBOUND, out_flow, dst_tag,
                      [(Level.SUBNET, dst.subnet), (Level.NIC, dst.nic)])
        if self.blocked and not any(not m.is_default for m in self.matches):
            first = self.blocked[0]
            owner = self.names.ref(self.vnet_of(first))
            raise self.fail(f"{first.name} on {owner} blocks VNet access and no NSG rule "
                            f"explicitly allows {src.ip} → {dst.ip}", first.id,
                            hint=f"allow VNet access on {first.name}: press e on {owner}")

    def side(self, end: _End, direction: Direction, flow: Flow, tag: Sequence[str],
             levels: Sequence[tuple[Level, NetworkInterface | Subnet | None]]) -> None:
        way = "outbound" if direction is Direction.OUTBOUND else "inbound"
        peer = flow.destination_ip if direction is Direction.OUTBOUND else flow.source_ip
        towards = f"to {peer}" if direction is Direction.OUTBOUND else f"from {peer}"
        present = [(lvl, holder) for lvl, holder in levels if holder and holder.nsg_id]
        if not present:
            holder_id = end.nic.id if end.nic else end.subnet.id if end.subnet else None
            where = f"{end.label}'s NIC or subnet" if end.nic else f"subnet {self.where(end)}"
            self.add(StepStatus.OK, f"no NSG on {where}: {way} traffic is not filtered",
                     holder_id)
            return
        for level, holder in levels:
            if holder is None:
                continue
            name = (f"{end.label}'s NIC {holder.name}" if level is Level.NIC
                    else f"subnet {self.where(end)}")
            if holder.nsg_id is None:
                self.add(StepStatus.OK, f"no NSG on {name}: {way} traffic is not filtered there",
                         holder.id)
                continue
            nsg = self.inv.nsg(holder.nsg_id)
            if nsg is None:
                raise self.unknown(f"NSG {holder.nsg_id.name} on {name} was not loaded",
                                   holder.nsg_id)
            match = evaluate_nsg(nsg, direction, flow, tag, level)
            self.matches.append(match)
            verb = "allows" if match.allows else "denies"
            text = (f"NSG {nsg.name} on {name} {verb} {way} {self.flow_name} {towards}: "
                    f"{match.describe()}")
            if not match.allows:
                hint = ("a rule that allows it needs a priority number below "
                        f"{match.priority}" if match.is_default
                        else f"change rule {match.rule_name} in {nsg.name}, or allow the flow "
                             f"with a priority number below {match.priority}")
                raise self.fail(text, nsg.id, hint=hint, rule=match)
            self.add(StepStatus.OK, text, nsg.id, rule=match)

    # -- whole
    def run(self, source: VirtualMachine | str, destination: VirtualMachine | str) -> Verdict:
        src_label, dst_label = _label(source), _label(destination)
        dst_ip: str | None = None
        try:
            src_vm = self.lookup(source, "source")
            src = self.vm_end(src_vm)
            src_label = src_vm.name
            if isinstance(destination, str) and _ip(destination) is not None:
                dst = self.ip_end(destination)
            else:
                dst_vm = self.lookup(destination, "destination")
                dst_label = dst_vm.name
                dst = self.vm_end(dst_vm)
            dst_ip = dst.ip
            self.path(src, dst)
            self.security(src, dst)
        except _Stop:
            pass
        failed = any(s.status in (StepStatus.FAIL, StepStatus.UNKNOWN) for s in self.steps)
        deciding = next((s.rule for s in reversed(self.steps) if s.rule), None)
        return Verdict(not failed, tuple(self.steps), src_label, dst_label, dst_ip, self.port,
                       self.protocol, deciding, self.conclusive)

    def lookup(self, vm: VirtualMachine | str, role: str) -> VirtualMachine:
        if isinstance(vm, VirtualMachine):
            return vm
        found = self.inv.vm(vm)
        if found is None:
            raise self.fail(f"{role} VM {_label(vm)} is not in the loaded inventory",
                            vm if "/" in vm else None)
        return found


def _label(end: VirtualMachine | str) -> str:
    if isinstance(end, VirtualMachine):
        return end.name
    return rid(end).name or end if "/" in end else end


def check(inventory: Inventory, source_vm: VirtualMachine | str,
          dest_vm: VirtualMachine | str, port: int = 80, protocol: str = "tcp") -> Verdict:
    """Can `source_vm` reach `dest_vm` (a VM, a VM's resource id, or a private IP address)
    on `port`/`protocol` (tcp, udp, icmp or any)? Raises ValueError on a bad port/protocol."""
    proto = protocol.strip().lower()
    if proto not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
    if not 0 < port < 65536:
        raise ValueError(f"port must be between 1 and 65535, not {port}")
    if proto != "any":
        return _Checker(inventory, port, proto).run(source_vm, dest_vm)
    tcp = _Checker(inventory, port, "tcp").run(source_vm, dest_vm)
    if tcp.reachable:
        chosen, note = tcp, "protocol any: TCP gets through"
    else:
        udp = _Checker(inventory, port, "udp").run(source_vm, dest_vm)
        if udp.reachable:
            chosen, note = udp, "protocol any: TCP does not get through, UDP does"
        else:
            chosen, note = tcp, "protocol any: neither TCP nor UDP gets through; TCP's path shown"
    return replace(chosen, protocol="any",
                   steps=(Step(StepStatus.INFO, note), *chosen.steps))
