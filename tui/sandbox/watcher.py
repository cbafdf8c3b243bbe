"""Network Watcher's connectivity check, answered from the sandbox's own rules.

It follows Azure's documented data path (azure-facts.md section 7) and shares no code with
the client's `tui/reach.py`, so the two can be compared: source VM running; outbound NSGs at
the source (NIC, then subnet); the source subnet's effective route (longest prefix; a
user route beats a system route of the same length; system routes: the VNet's own prefixes
-> VnetLocal, each Connected peer's prefixes -> VNetPeering, private ranges -> None); a
virtual appliance hop when a route sends traffic to one; inbound NSGs at the destination
(subnet, then NIC); destination VM running and, when its `listeningPorts` tag says so,
listening on the port.

[U] choices: a stopped source reports issue `AgentStopped` (Network Watcher's agent cannot
run); a missing system route, a missing route back, a stopped destination or a closed
port report issue `Platform` (a user route to None: `UserDefinedRoute`); routes are checked
before NSGs;
the result's `connectionStatus` uses the API's enum (Connected / Disconnected).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox.addresses import prefixes
from tui.sandbox.builders import NIC_TYPE, PEERING_TYPE, VM_TYPE
from tui.sandbox.errors import ArmError, bad_request
from tui.sandbox.store import Resource, Tx

PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
LOAD_BALANCER = "168.63.129.16"


@dataclass
class Endpoint:
    """A VM's primary NIC as the data path sees it."""

    vm: Resource | None
    nic: Resource | None
    ip: str
    subnet_id: str = ""
    vnet: Resource | None = None

    @property
    def running(self) -> bool:
        return self.vm is None or power_state(self.vm) == "running"

    @property
    def subnet(self) -> dict[str, Any]:
        if self.vnet is None:
            return {}
        for subnet in self.vnet.properties.get("subnets") or []:
            if str(subnet.get("id", "")).lower() == self.subnet_id.lower():
                props: dict[str, Any] = subnet.get("properties") or {}
                return props
        return {}


@dataclass
class Verdict:
    """A connectivity check's answer: the hops, and whether it got through."""

    hops: list[dict[str, Any]] = field(default_factory=list)
    reachable: bool = True

    def hop(self, kind: str, endpoint: Endpoint | None, address: str,
            resource_id: str = "") -> dict[str, Any]:
        rid = resource_id or (endpoint.vm.id if endpoint and endpoint.vm else "")
        hop: dict[str, Any] = {
            "type": kind,
            "id": f"{len(self.hops) + 1:08d}-0000-4000-8000-000000000000",
            "address": address,
            "resourceId": rid,
            "nextHopIds": [],
            "issues": [],
        }
        if self.hops:
            self.hops[-1]["nextHopIds"].append(hop["id"])
        self.hops.append(hop)
        return hop

    def fail(self, hop: dict[str, Any], origin: str, kind: str, **context: str) -> None:
        hop["issues"].append({
            "origin": origin, "severity": "Error", "type": kind,
            "context": [{k: v} for k, v in context.items() if v],
        })
        self.reachable = False


def power_state(vm: Resource) -> str:
    for status in (vm.properties.get("instanceView") or {}).get("statuses") or []:
        code = str(status.get("code", ""))
        if code.lower().startswith("powerstate/"):
            return code.split("/", 1)[1].lower()
    return "running"


def check(tx: Tx, body: dict[str, Any]) -> dict[str, Any]:
    """The `ConnectivityInformation` for one connectivity-check request body."""
    source = body.get("source") or {}
    destination = body.get("destination") or {}
    if not isinstance(source, dict) or not source.get("resourceId"):
        raise bad_request("InvalidRequestFormat", "source.resourceId (a VM id) is required.")
    if not isinstance(destination, dict) or not (
        destination.get("resourceId") or destination.get("address")
    ):
        raise bad_request("InvalidRequestFormat",
                          "destination needs a resourceId or an address.")
    protocol = str(body.get("protocol") or "Tcp").lower()
    port = int(destination.get("port") or (443 if protocol == "https" else 80))
    protocol = "tcp" if protocol in ("http", "https") else protocol
    src = _vm_endpoint(tx, str(source["resourceId"]))
    if destination.get("resourceId"):
        dst = _vm_endpoint(tx, str(destination["resourceId"]))
    else:
        dst = _address_endpoint(tx, str(destination["address"]))

    verdict = Verdict()
    here = verdict.hop("Source", src, src.ip)
    if not src.running:
        verdict.fail(here, "Local", "AgentStopped", PowerState=power_state(src.vm))  # type: ignore[arg-type]
        return _result(verdict)
    if _forward(tx, verdict, here, src, dst) is None:
        return _result(verdict)
    rule = _nsg_verdict(tx, [_nic_nsg(src), src.subnet.get("networkSecurityGroup")],
                        "Outbound", src, src.ip, dst.ip, port, protocol)
    if rule:
        verdict.fail(verdict.hops[0], "Outbound", "NetworkSecurityRule", RuleName=rule)
        return _result(verdict)
    there = verdict.hop("VirtualMachine" if dst.vm else "VirtualNetwork", dst, dst.ip)
    back = _route(tx, dst, src.ip)
    if back is not None and back[1] == "VirtualAppliance" and _appliance_returns(
        tx, dst, back[2], src.ip
    ):
        back = (back[0], "VNetPeering", "", None)
    if back is None or back[1] not in ("VnetLocal", "VNetPeering"):
        # A reply must find its way back (directly, or through one working appliance).
        user = back is not None and back[0] not in SYSTEM_ROUTES
        verdict.fail(there, "Outbound", "UserDefinedRoute" if user else "Platform",
                     RouteName=back[0] if back else "none",
                     NextHopType=back[1] if back else "None",
                     Reason=f"no route back to {src.ip}")
        return _result(verdict)
    rule = _nsg_verdict(tx, [dst.subnet.get("networkSecurityGroup"), _nic_nsg(dst)],
                        "Inbound", dst, src.ip, dst.ip, port, protocol)
    if rule:
        verdict.fail(there, "Inbound", "NetworkSecurityRule", RuleName=rule)
    elif not dst.running:
        verdict.fail(there, "Local", "Platform", PowerState=power_state(dst.vm))  # type: ignore[arg-type]
    elif dst.vm is not None and not _listens(dst.vm, port):
        verdict.fail(there, "Local", "Platform", Reason=f"nothing listens on port {port}")
    return _result(verdict)


SYSTEM_ROUTES = ("VnetLocal", "VNetPeering", "default")
DIRECT = ("VnetLocal", "VNetPeering")


def _appliance_returns(tx: Tx, at: Endpoint, appliance_ip: str, address: str) -> bool:
    """A reply sent to an appliance gets through when the appliance is reachable, running,
    forwards IP, and has a direct route on to `address`."""
    appliance = _address_endpoint(tx, appliance_ip)
    to_appliance = _route(tx, at, appliance.ip)
    onward = _route(tx, appliance, address)
    return bool(
        appliance.nic is not None and appliance.running
        and appliance.nic.properties.get("enableIPForwarding")
        and to_appliance is not None and to_appliance[1] in DIRECT
        and onward is not None and onward[1] in DIRECT
    )


def _forward(
    tx: Tx, verdict: Verdict, here: dict[str, Any], src: Endpoint, dst: Endpoint
) -> dict[str, Any] | None:
    """Follow routes from the source to the destination's VNet, through appliances.
    Returns the last hop before the destination, or None when the path is broken."""
    at = src
    for _ in range(4):  # at most a few appliance hops
        route = _route(tx, at, dst.ip)
        if route is None or route[1] == "None":
            user = route is not None and route[0] not in SYSTEM_ROUTES
            verdict.fail(here, "Outbound", "UserDefinedRoute" if user else "Platform",
                         RouteName=route[0] if route else "none", NextHopType="None",
                         Reason="" if user else
                         "no route: the destination is not in this VNet or a peer Connected "
                         "both ways")
            return None
        name, hop_type, hop_ip, via_link = route
        if hop_type == "VirtualAppliance":
            appliance = _address_endpoint(tx, hop_ip)
            reach = _route(tx, at, appliance.ip)
            if reach is None or reach[1] not in ("VnetLocal", "VNetPeering") or (
                appliance.nic is None
            ):
                verdict.fail(here, "Outbound", "UserDefinedRoute", RouteName=name,
                             NextHopType="VirtualAppliance", NextHopIpAddress=hop_ip,
                             Reason="the appliance cannot be reached")
                return None
            here = verdict.hop("VirtualAppliance", appliance, appliance.ip)
            forwarding = bool(appliance.nic.properties.get("enableIPForwarding"))
            if not appliance.running or not forwarding:
                verdict.fail(here, "Local", "Platform", Reason=(
                    "the appliance VM is not running" if not appliance.running
                    else "IP forwarding is off on the appliance's NIC"))
                return None
            at = appliance
            continue
        if via_link is not None and at is not src and not _accepts_forwarded(via_link):
            verdict.fail(here, "Outbound", "Platform", Reason=(
                "the destination's peering does not allow forwarded traffic"))
            return None
        return here
    verdict.fail(here, "Outbound", "Platform", Reason="routing loop")
    return None


def _result(verdict: Verdict) -> dict[str, Any]:
    probes = 66
    return {
        "hops": verdict.hops,
        "connectionStatus": "Connected" if verdict.reachable else "Disconnected",
        "avgLatencyInMs": 1 if verdict.reachable else None,
        "minLatencyInMs": 1 if verdict.reachable else None,
        "maxLatencyInMs": 2 if verdict.reachable else None,
        "probesSent": probes,
        "probesFailed": 0 if verdict.reachable else probes,
    }


# --- endpoints -----------------------------------------------------------------------------
def _vm_endpoint(tx: Tx, vm_id: str) -> Endpoint:
    vm = tx.get(vm_id)
    if vm is None or vm.type.lower() != VM_TYPE.lower():
        raise ArmError(404, "ResourceNotFound", f"The Resource '{vm_id}' was not found.")
    nic_ref = next(iter(
        sorted((vm.properties.get("networkProfile") or {}).get("networkInterfaces") or [],
               key=lambda n: not (n.get("properties") or {}).get("primary", True))
    ), None)
    nic = tx.get(str(nic_ref.get("id"))) if nic_ref else None
    return _nic_endpoint(tx, nic, vm)


def _nic_endpoint(tx: Tx, nic: Resource | None, vm: Resource | None) -> Endpoint:
    if nic is None:
        raise bad_request("InvalidRequestFormat", "The VM has no network interface.")
    config = ((nic.properties.get("ipConfigurations") or [{}])[0]).get("properties") or {}
    subnet_id = str((config.get("subnet") or {}).get("id", ""))
    vnet = tx.get(subnet_id.rsplit("/subnets/", 1)[0]) if subnet_id else None
    return Endpoint(vm, nic, str(config.get("privateIPAddress", "")), subnet_id, vnet)


def _address_endpoint(tx: Tx, address: str) -> Endpoint:
    """An IP: the NIC holding it when there is one (NIC rows reference their subnet)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise bad_request("InvalidRequestFormat", f"{address} is not an IP address.") from None
    for nic in tx.all_of_type(NIC_TYPE):
        for config in nic.properties.get("ipConfigurations") or []:
            if (config.get("properties") or {}).get("privateIPAddress") == str(ip):
                vm_ref = nic.properties.get("virtualMachine") or {}
                vm = tx.get(str(vm_ref["id"])) if vm_ref.get("id") else None
                return _nic_endpoint(tx, nic, vm)
    return Endpoint(None, None, str(ip))


def _nic_nsg(endpoint: Endpoint) -> Any:
    return endpoint.nic.properties.get("networkSecurityGroup") if endpoint.nic else None


# --- routing -------------------------------------------------------------------------------
def _connected_peers(tx: Tx, vnet: Resource) -> list[tuple[Resource, Resource, Resource]]:
    """(link on vnet, remote VNet, link back) for each pair Connected both ways."""
    found = []
    for link in tx.children(vnet.id, PEERING_TYPE):
        if link.properties.get("peeringState") != "Connected":
            continue
        remote = tx.get(link.ref)
        if remote is None:
            continue
        back = next((b for b in tx.children(remote.id, PEERING_TYPE) if b.ref == vnet.key),
                    None)
        if back is not None and back.properties.get("peeringState") == "Connected":
            found.append((link, remote, back))
    return found


def _route(
    tx: Tx, at: Endpoint, address: str
) -> tuple[str, str, str, Resource | None] | None:
    """(route name, next hop type, next hop IP, peering link used) of the effective route."""
    if at.vnet is None:
        return None
    ip = ipaddress.ip_address(address)
    # (prefix length, user route wins ties, name, type, next hop ip, link)
    candidates: list[tuple[int, int, str, str, str, Resource | None]] = []
    for prefix in prefixes(at.vnet):
        candidates.append((_len(prefix, ip), 0, "VnetLocal", "VnetLocal", "", None))
    for _link, remote, back in _connected_peers(tx, at.vnet):
        for prefix in prefixes(remote):
            candidates.append((_len(prefix, ip), 0, "VNetPeering", "VNetPeering", "", back))
    for prefix in PRIVATE:
        candidates.append((_len(prefix, ip), 0, "default", "None", "", None))
    table_ref = at.subnet.get("routeTable") or {}
    table = tx.get(str(table_ref["id"])) if table_ref.get("id") else None
    for route in (table.properties.get("routes") or []) if table else []:
        props = route.get("properties") or {}
        candidates.append((_len(str(props.get("addressPrefix")), ip), 1, str(route.get("name")),
                           str(props.get("nextHopType")), str(props.get("nextHopIpAddress", "")),
                           None))
    matching = [c for c in candidates if c[0] >= 0]
    if not matching:
        return None
    best = max(matching, key=lambda c: (c[0], c[1]))
    return best[2], best[3], best[4], best[5]


def _len(prefix: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int:
    """The prefix length when `ip` is inside `prefix`, else -1."""
    try:
        net = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return -1
    return net.prefixlen if net.version == ip.version and ip in net else -1


def _accepts_forwarded(link_back: Resource) -> bool:
    """Forwarded traffic enters the destination VNet over its own link to the sender's VNet,
    which must allow forwarded traffic."""
    return bool(link_back.properties.get("allowForwardedTraffic"))


# --- NSGs ----------------------------------------------------------------------------------
def _nsg_verdict(
    tx: Tx, refs: list[Any], direction: str, side: Endpoint, src_ip: str, dst_ip: str,
    port: int, protocol: str,
) -> str | None:
    """The name of the rule that denies the flow, or None when every NSG allows it."""
    vnet_tag = _virtual_network_tag(tx, side.vnet) if side.vnet else []
    for ref in refs:
        if not isinstance(ref, dict) or not ref.get("id"):
            continue  # no NSG at this level: allowed here
        nsg = tx.get(str(ref["id"]))
        if nsg is None:
            continue
        rules = [r for r in (nsg.properties.get("securityRules") or [])
                 + (nsg.properties.get("defaultSecurityRules") or [])
                 if (r.get("properties") or {}).get("direction") == direction]
        rules.sort(key=lambda r: int(r["properties"].get("priority", 65500)))
        for rule in rules:
            props = rule["properties"]
            if _rule_matches(props, src_ip, dst_ip, port, protocol, vnet_tag):
                if props.get("access") == "Deny":
                    return f"{nsg.name}/{rule.get('name')}"
                break
    return None


def _virtual_network_tag(tx: Tx, vnet: Resource) -> list[str]:
    """The VirtualNetwork service tag: the VNet, and peers Connected with access allowed on
    both links (azure-facts.md section 7), plus the host address."""
    tag = [*prefixes(vnet), f"{LOAD_BALANCER}/32"]
    for link, remote, back in _connected_peers(tx, vnet):
        if link.properties.get("allowVirtualNetworkAccess", True) and back.properties.get(
            "allowVirtualNetworkAccess", True
        ):
            tag += prefixes(remote)
    return tag


def _rule_matches(props: dict[str, Any], src: str, dst: str, port: int, protocol: str,
                  vnet_tag: list[str]) -> bool:
    rule_protocol = str(props.get("protocol", "*")).lower()
    if rule_protocol not in ("*", protocol):
        return False
    sources = props.get("sourceAddressPrefixes") or [props.get("sourceAddressPrefix", "*")]
    destinations = props.get("destinationAddressPrefixes") or [
        props.get("destinationAddressPrefix", "*")]
    ports = props.get("destinationPortRanges") or [props.get("destinationPortRange", "*")]
    return (
        any(_address_matches(str(p), src, vnet_tag) for p in sources)
        and any(_address_matches(str(p), dst, vnet_tag) for p in destinations)
        and any(_port_matches(str(p), port) for p in ports)
    )


def _address_matches(prefix: str, address: str, vnet_tag: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    if prefix in ("*", "Any", "any"):
        return True
    if prefix == "VirtualNetwork":
        return any(_len(p, ip) >= 0 for p in vnet_tag)
    if prefix == "AzureLoadBalancer":
        return address == LOAD_BALANCER
    if prefix == "Internet":
        return not ip.is_private
    return _len(prefix, ip) >= 0


def _port_matches(spec: str, port: int) -> bool:
    if spec in ("*", ""):
        return True
    low, _, high = spec.partition("-")
    try:
        return int(low) <= port <= int(high or low)
    except ValueError:
        return False


def _listens(vm: Resource, port: int) -> bool:
    ports = str((vm.body.get("tags") or {}).get("listeningPorts", "")).strip()
    if not ports:
        return True  # nothing recorded: assume the service is there
    return str(port) in {p.strip() for p in ports.split(",")}


__all__ = ["check", "power_state"]
