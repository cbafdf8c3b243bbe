"""The check itself: Azure's order of checks over the loaded inventory, stopping at the
first that decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tui.model import (
    Direction,
    Inventory,
    NetworkInterface,
    Peering,
    PeeringState,
    PowerState,
    ResourceId,
    Subnet,
    VirtualMachine,
    VirtualNetwork,
    rid,
)
from tui.reach.links import VNetNames, peering_link
from tui.reach.nsg import Flow, evaluate_nsg, virtual_network_tag
from tui.reach.routes import EffectiveRoute, contains, parse_ip, route_for
from tui.reach.subnet_peering import excluded
from tui.reach.verdict import Level, RuleMatch, Step, StepStatus, Verdict, flow_name

PROTOCOLS = ("tcp", "udp", "icmp", "any")


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
    """Walks one flow through Azure's checks, collecting steps; `_Stop` ends the walk as
    soon as a step decides."""

    def __init__(self, inventory: Inventory, port: int, protocol: str) -> None:
        self.inv = inventory
        self.port = port
        self.protocol = protocol
        self.names = VNetNames(inventory)
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
        return flow_name(self.protocol, self.port)

    # -- ends
    def vm_end(self, vm: VirtualMachine, nic: NetworkInterface | None = None) -> _End:
        if vm.power_state in (PowerState.STOPPED, PowerState.DEALLOCATED,
                              PowerState.STOPPING, PowerState.DEALLOCATING,
                              PowerState.STARTING):
            raise self.fail(f"{vm.name} is {vm.power_state.value}: a VM that is not running "
                            "neither sends nor answers", vm.id, hint=f"start {vm.name}")
        # A power state that was not loaded (no instance view) is said, not held against it.
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

    def ip_end(self, ip: str, src: _End) -> _End:
        """The destination behind a bare address. Address spaces may overlap across VNets;
        the source means the one it can route to: its own VNet, then its peers."""
        found = self.nic_with(ip, src)
        if found is not None:
            vm, nic = found
            self.add(StepStatus.INFO, f"{ip} is {vm.name}'s address (NIC {nic.name})", nic.id)
            return replace(self.vm_end(vm, nic), ip=ip)
        address = parse_ip(ip)
        assert address is not None
        holders = [(vnet, subnet) for vnet in self.inv.vnets for subnet in vnet.subnets
                   if any(contains(p, address) for p in subnet.address_prefixes)]
        if holders:
            vnet, subnet = min(holders, key=lambda pair: self.nearness(src, pair[0].id))
            end = _End(ip, ip, None, None, subnet, vnet)
            self.add(StepStatus.INFO, f"{ip} is in {self.where(end)}; no loaded VM has that "
                     "address, so only the subnet is checked", subnet.id)
            return end
        return _End(ip, ip, None, None, None, None)

    def nearness(self, src: _End | None, vnet_id: ResourceId | None) -> int:
        """0 the source's own VNet, 1 a Connected peer of it, 2 anything else."""
        if src is None or src.vnet is None or vnet_id is None:
            return 2
        if src.vnet.id == vnet_id:
            return 0
        link = src.vnet.peering_to(vnet_id)
        return 1 if link is not None and link.state is PeeringState.CONNECTED else 2

    # -- path
    def path(self, src: _End, dst: _End) -> None:
        assert src.subnet is not None
        assert src.vnet is not None
        self.require_route_table(src.subnet)
        route = route_for(self.inv, src.subnet, dst.ip)
        if route is not None and route.hop == "virtualappliance":
            self.via_appliance(src, dst, route)
            return
        if route is not None and route.user and route.hop not in ("vnetlocal", "vnetpeering"):
            # A UDR overrides whatever a peering would route, so it is the reason even
            # when the VNets are not peered either.
            note = ""
            if dst.vnet is not None and dst.vnet.id != src.vnet.id and not peering_link(
                    self.inv, src.vnet, dst.vnet, self.names).ok:
                note = (f" (and {self.names.ref(src.vnet)} and {self.names.ref(dst.vnet)} "
                        "are not peered either)")
            self.judge_route(src.subnet, self.where(src), dst.ip, route, replies=False,
                             note=note)
        if dst.vnet is None:
            self.forward_route(src, dst, route)
            raise self.unknown(f"{dst.ip} is in no loaded VNet: vnettui cannot see where it is")
        if dst.vnet.id == src.vnet.id:
            self.add(StepStatus.OK, f"{src.label} and {dst.label} are both in "
                                    f"{self.names.ref(src.vnet)}", src.vnet.id)
        else:
            self.peered(src.vnet, dst.vnet)
            self.subnets_peered(src, dst)
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

    def subnets_peered(self, src: _End, dst: _End) -> None:
        """Across a subnet peering both ends' subnets must be among the peered ones."""
        assert src.vnet is not None
        assert src.subnet is not None
        assert dst.vnet is not None
        there, back = src.vnet.peering_to(dst.vnet.id), dst.vnet.peering_to(src.vnet.id)
        if there is None or (there.subnets is None and (back is None or back.subnets is None)):
            return
        left_out = excluded(src.subnet, src.label, dst.subnet, dst.label, there, back,
                            self.names.ref(src.vnet), self.names.ref(dst.vnet))
        if left_out is not None:
            raise self.fail(left_out.text, left_out.resource_id, hint=left_out.hint)
        selection = there.subnets or (back.subnets.reversed() if back and back.subnets
                                      else None)
        if selection is not None:
            self.add(StepStatus.OK, f"{there.name} is a subnet peering: "
                     f"{self.where(src)} and {self.where(dst)} are among its subnets "
                     f"({', '.join(selection.local)} <-> {', '.join(selection.remote)})",
                     there.id)

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
                    *, replies: bool, note: str = "", hint: str = "") -> None:
        """Pass a route that delivers, or stop with why not; `note` and `hint` add context
        to a drop (e.g. why replies have no way back through an appliance)."""
        what = f"replies from {where} to {ip}" if replies else f"{where} to {ip}"
        if route is None:
            raise self.fail(f"no route for {what}{note}", subnet.id, hint=hint)
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
                raise self.fail(f"{what}: {route.describe()} drops the traffic{note}", resource,
                                hint=hint or f"change or remove route {route.route_name} in "
                                             f"{route.route_table_name}")
            sync, command = self.sync_hint(subnet, ip)
            raise self.fail(f"no route for {what} ({route.describe()} drops it){note}",
                            resource, hint=hint or sync, command="" if hint else command)
        elif hop == "internet":
            address = parse_ip(ip)
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
        address = parse_ip(ip)
        if vnet is None or address is None:
            return "", ""
        for peering in vnet.peerings:
            remote = self.inv.vnet(peering.remote_vnet_id)
            if remote and any(contains(p, address) for p in remote.address_prefixes):
                owner = self.names.ref(vnet)
                return (f"sync {peering.name}, it does not carry {ip} yet: press s",
                        f"vnettui sync {owner} {peering.name}")
        return "", ""

    # -- appliance
    def nic_with(self, ip: str, src: _End | None = None
                 ) -> tuple[VirtualMachine, NetworkInterface] | None:
        """The VM and NIC holding `ip`, nearest to the source when spaces overlap."""
        address = parse_ip(ip)
        found = [(vm, nic) for vm in self.inv.vms for nic in vm.nics
                 if any(parse_ip(a) == address for a in nic.private_ips)]
        if not found:
            return None
        return min(found, key=lambda pair: self.nearness(src, pair[1].vnet_id))

    def via_appliance(self, src: _End, dst: _End, route: EffectiveRoute) -> None:
        """[U] choice: follow an appliance route as far as the inventory shows (the NVA's
        NIC, IP forwarding, peerings, forwarded-traffic flags, replies, NSGs with the
        original source address, i.e. no SNAT), then answer unknown: its own rules are
        invisible."""
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
        # allowForwardedTraffic on a link admits traffic the remote VNet forwards: the
        # destination's link to the hub carries the requests, the source's the replies.
        for vnet in (dst.vnet, src.vnet):
            peering = vnet.peering_to(hub.id)
            if peering is not None and not peering.flags.allow_forwarded_traffic:
                vn = self.names.ref(vnet)
                raise self.fail(f"{peering.name} on {vn} does not accept traffic forwarded by "
                                f"{hn} (allowForwardedTraffic false)", peering.id,
                                hint=f"allow forwarded traffic on {peering.name}: press e on {vn}")
        self.add(StepStatus.OK, f"{nic.name} ({vm.name}) forwards traffic; the peerings with "
                                f"{hn} accept forwarded traffic", nic.id)
        self.appliance_return(src, dst, hub, nva_ip)
        self.security(src, dst)
        raise self.unknown(f"routed to virtual appliance {nva_ip}: vnettui cannot see beyond an "
                           "appliance; its own rules decide", nic.id)

    def appliance_return(self, src: _End, dst: _End, hub: VirtualNetwork, nva_ip: str) -> None:
        """Replies need their own way back, typically a UDR through the same appliance."""
        assert src.vnet is not None
        assert dst.vnet is not None
        assert dst.subnet is not None
        self.require_route_table(dst.subnet)
        note = hint = ""
        if src.vnet.id != dst.vnet.id and not peering_link(self.inv, src.vnet, dst.vnet,
                                                           self.names).ok:
            note = (f": {self.names.ref(src.vnet)} and {self.names.ref(dst.vnet)} only meet at "
                    f"{self.names.ref(hub)}, and peering is not transitive")
        prefixes = ", ".join(src.vnet.address_prefixes)
        hint = (f"route replies through the appliance: a UDR for {prefixes} → VirtualAppliance "
                f"{nva_ip} on {self.where(dst)}")
        route = route_for(self.inv, dst.subnet, src.ip)
        self.judge_route(dst.subnet, self.where(dst), src.ip, route, replies=True, note=note,
                         hint=hint)

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
        # [U] choice (azure-facts.md section 7): with VNet access off the pair is outside the
        # VirtualNetwork tag; only an explicit rule lets it through, and with none on the
        # path (no NSG at all), the peering setting blocks it.
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
            if isinstance(destination, str) and parse_ip(destination) is not None:
                dst = self.ip_end(destination, src)
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
    # "any" asks whether some protocol gets through: TCP first, then UDP (ICMP has no port).
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
