"""ARM JSON -> `tui.model`, for raw pages and for typed SDK models (via `as_dict()`).

Bulk reads skip the SDK's typed deserialization (about 0.2 ms per resource, DESIGN.md
"Measured costs"); these functions read the same JSON directly and tolerate missing
fields, because older api-versions and other tools leave some out.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from tui.model import (
    Direction,
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
    SubnetSelection,
    Subscription,
    SyncLevel,
    VirtualMachine,
    VirtualNetwork,
    rid,
)

Json = Mapping[str, Any]
_EMPTY: Json = {}


# Values many resources repeat, held once (each table emptied when it outgrows _MAX_HELD):
# VNet ids as first made, by themselves (ResourceId hashes case-insensitively), since a
# link's remote id is its remote VNet's own id (~37,000 links over 10,000 VNets); and
# address spaces (a tuple of prefixes) by value.
_VNET_IDS: dict[ResourceId, ResourceId] = {}
_SPACES: dict[tuple[str, ...], tuple[str, ...]] = {}
_MAX_HELD = 200_000


def _obj(value: Any) -> Json:
    # `type(...) is dict` first: parsed JSON is all dicts, and the Mapping ABC check is
    # slow enough to matter over a million calls per large inventory.
    return value if type(value) is dict or isinstance(value, Mapping) else _EMPTY


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _props(body: Json) -> Json:
    return _obj(body.get("properties"))


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _ref(value: Any) -> ResourceId | None:
    """The id of a SubResource `{"id": ...}`, or None."""
    ref = _str(_obj(value).get("id"))
    return rid(ref) if ref else None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple([v for v in _list(value) if isinstance(v, str) and v])


def _prefixes(address_space: Any) -> tuple[str, ...]:
    """An address space, held once per distinct value: a link carries three (the remote
    VNet's, as programmed and as now, and its own VNet's), equal to the two VNets' own."""
    value = _strings(_obj(address_space).get("addressPrefixes"))
    known = _SPACES.get(value)
    if known is not None:
        return known
    if len(_SPACES) >= _MAX_HELD:
        _SPACES.clear()
    _SPACES[value] = value
    return value


def _one_or_many(props: Json, single: str, many: str) -> tuple[str, ...]:
    """ARM's `addressPrefix` / `addressPrefixes` pairs: the list wins when it has items."""
    values = _strings(props.get(many))
    if values:
        return values
    one = _str(props.get(single))
    return (one,) if one else ()


def subscription_from_json(body: Json) -> Subscription:
    sub_id = _str(body.get("subscriptionId")) or rid(_str(body.get("id"))).name
    return Subscription(
        id=sub_id,
        name=_str(body.get("displayName"), sub_id),
        state=_str(body.get("state"), "Enabled"),
        tenant_id=_str(body.get("tenantId")),
    )


def peering_from_json(body: Json, vnet_id: str | None = None) -> Peering:
    props = _props(body)
    peering_id = rid(_str(body.get("id")))
    return Peering(
        id=peering_id,
        name=_str(body.get("name"), peering_id.name),
        vnet_id=rid(vnet_id) if vnet_id else peering_id.parent,
        remote_vnet_id=_vnet_id(_str(_obj(props.get("remoteVirtualNetwork")).get("id"))),
        state=PeeringState.parse(_str(props.get("peeringState")) or None),
        sync_level=SyncLevel.parse(_str(props.get("peeringSyncLevel")) or None),
        # A flag missing from the body: the service default is unconfirmed (azure-facts
        # [U]); we read it as the Portal's form default (access on, the rest off).
        flags=_flags(
            _bool(props.get("allowVirtualNetworkAccess"), True),
            _bool(props.get("allowForwardedTraffic"), False),
            _bool(props.get("allowGatewayTransit"), False),
            _bool(props.get("useRemoteGateways"), False),
        ),
        remote_address_prefixes=_prefixes(props.get("remoteAddressSpace")),
        remote_vnet_address_prefixes=_prefixes(props.get("remoteVirtualNetworkAddressSpace")),
        provisioning_state=_shared(_str(props.get("provisioningState"), "Succeeded")),
        subnets=subnet_selection(props),
        local_address_prefixes=_prefixes(props.get("localAddressSpace")),
    )


def subnet_selection(props: Json) -> SubnetSelection | None:
    """A subnet peering's chosen subnets (`peerCompleteVnets: false`), or None for a
    whole-VNet peering (the field missing: older api-versions knew only those)."""
    if _bool(props.get("peerCompleteVnets"), True):
        return None
    return SubnetSelection(
        local=_strings(props.get("localSubnetNames")),
        remote=_strings(props.get("remoteSubnetNames")),
        ipv6_only=_bool(props.get("enableOnlyIPv6Peering"), False),
    )


def subnet_from_json(body: Json) -> Subnet:
    props = _props(body)
    subnet_id = rid(_str(body.get("id")))
    return Subnet(
        id=subnet_id,
        name=_str(body.get("name"), subnet_id.name),
        address_prefixes=_one_or_many(props, "addressPrefix", "addressPrefixes"),
        nsg_id=_ref(props.get("networkSecurityGroup")),
        route_table_id=_ref(props.get("routeTable")),
    )


GATEWAY_SUBNET = "gatewaysubnet"


def _holds_gateway(subnet_body: Json) -> bool:
    """A `GatewaySubnet` whose IP configurations belong to a virtual network gateway.

    ARM lists a gateway's ip configuration ids on the subnet it occupies; an empty
    GatewaySubnet (created, no gateway yet) does not count.
    """
    if _str(subnet_body.get("name")).lower() != GATEWAY_SUBNET:
        return False
    configs = _list(_props(subnet_body).get("ipConfigurations"))
    return any("/virtualnetworkgateways/" in _str(_obj(c).get("id")).lower() for c in configs)


@functools.cache
def _flags(access: bool, forwarded: bool, transit: bool, remote_gateways: bool) -> PeeringFlags:
    """One (frozen) PeeringFlags per combination of the four, shared by every link."""
    return PeeringFlags(allow_virtual_network_access=access, allow_forwarded_traffic=forwarded,
                        allow_gateway_transit=transit, use_remote_gateways=remote_gateways)


def _shared(value: str) -> str:
    """One string for a value thousands of resources repeat (a region, a subscription, a
    resource group, a state) instead of one per resource: a few MB at 10,000 VNets."""
    return sys.intern(value)




def _vnet_id(value: str) -> ResourceId:
    """The one ResourceId for this VNet id (exactly as written: another casing gets its own,
    since ids display as given)."""
    new = rid(value)
    if not new:
        return new
    known = _VNET_IDS.get(new)
    if known is not None and str.__eq__(known, new):
        return known
    if len(_VNET_IDS) >= _MAX_HELD:
        _VNET_IDS.clear()
    _VNET_IDS.setdefault(new, new)
    return new


def vnet_from_json(body: Json) -> VirtualNetwork:
    props = _props(body)
    vnet_id = _vnet_id(_str(body.get("id")))
    subnet_bodies = [_obj(s) for s in _list(props.get("subnets"))]
    return VirtualNetwork(
        id=vnet_id,
        name=_str(body.get("name"), vnet_id.name),
        resource_group=_shared(vnet_id.resource_group),
        subscription_id=_shared(vnet_id.subscription_id),
        location=_shared(_str(body.get("location"))),
        address_prefixes=_prefixes(props.get("addressSpace")),
        subnets=tuple(subnet_from_json(s) for s in subnet_bodies),
        peerings=tuple(
            peering_from_json(_obj(p), vnet_id) for p in _list(props.get("virtualNetworkPeerings"))
        ),
        has_gateway=any(_holds_gateway(s) for s in subnet_bodies),
        provisioning_state=_shared(_str(props.get("provisioningState"), "Succeeded")),
    )


def nic_from_json(body: Json) -> NetworkInterface:
    props = _props(body)
    nic_id = rid(_str(body.get("id")))
    configs = [_props(_obj(c)) for c in _list(props.get("ipConfigurations"))]
    # The primary ip configuration first: its address and subnet are "the" NIC's.
    configs.sort(key=lambda c: not _bool(c.get("primary"), False))
    first = configs[0] if configs else _EMPTY
    return NetworkInterface(
        id=nic_id,
        name=_str(body.get("name"), nic_id.name),
        private_ips=tuple(
            ip for c in configs if (ip := _str(c.get("privateIPAddress")))
        ),
        subnet_id=_ref(first.get("subnet")),
        nsg_id=_ref(props.get("networkSecurityGroup")),
        vm_id=_ref(props.get("virtualMachine")),
        ip_forwarding=_bool(props.get("enableIPForwarding"), False),
        primary=_bool(props.get("primary"), True),
    )


def power_state_from_json(body: Json) -> PowerState:
    """`properties.instanceView.statuses[].code` = `PowerState/running` etc."""
    view = _obj(_props(body).get("instanceView"))
    for status in _list(view.get("statuses")):
        code = _str(_obj(status).get("code"))
        if code.lower().startswith("powerstate/"):
            return PowerState.parse(code)
    return PowerState.UNKNOWN


def vm_from_json(body: Json, nics_by_id: Mapping[ResourceId, NetworkInterface]) -> VirtualMachine:
    """A VM with its NICs joined in, in the VM's own order, exactly one marked primary."""
    props = _props(body)
    vm_id = rid(_str(body.get("id")))
    refs = [_obj(r) for r in _list(_obj(props.get("networkProfile")).get("networkInterfaces"))]
    nics: list[NetworkInterface] = []
    for ref in refs:
        nic = nics_by_id.get(rid(_str(ref.get("id"))))
        if nic is None:
            continue
        primary = _props(ref).get("primary")
        if isinstance(primary, bool):
            nic = nic._replace(primary=primary)
        nics.append(nic)
    nics = _one_primary(nics)
    return VirtualMachine(
        id=vm_id,
        name=_str(body.get("name"), vm_id.name),
        resource_group=vm_id.resource_group,
        subscription_id=vm_id.subscription_id,
        location=_str(body.get("location")),
        size=_str(_obj(props.get("hardwareProfile")).get("vmSize")),
        os_type=_str(_obj(_obj(props.get("storageProfile")).get("osDisk")).get("osType")),
        power_state=power_state_from_json(body),
        nics=tuple(nics),
    )


def _one_primary(nics: list[NetworkInterface]) -> list[NetworkInterface]:
    if len(nics) == 1:
        return [nics[0]._replace(primary=True)]
    chosen = next((i for i, n in enumerate(nics) if n.primary), 0)
    return [n._replace(primary=(i == chosen)) for i, n in enumerate(nics)]


def _rule_from_json(body: Json, *, is_default: bool) -> SecurityRule | None:
    props = _props(body)
    try:
        direction = Direction(_str(props.get("direction")).capitalize())
        priority = int(props["priority"])
    except (KeyError, ValueError, TypeError):
        return None  # a rule without direction or priority cannot be evaluated
    return SecurityRule(
        name=_str(body.get("name")),
        priority=priority,
        direction=direction,
        access=_str(props.get("access"), "Deny").capitalize(),
        protocol=_str(props.get("protocol"), "*"),
        # Prefixes given only as application security groups come out empty: they match
        # no address here rather than everything.
        source_prefixes=_one_or_many(props, "sourceAddressPrefix", "sourceAddressPrefixes"),
        source_ports=_one_or_many(props, "sourcePortRange", "sourcePortRanges") or ("*",),
        destination_prefixes=_one_or_many(
            props, "destinationAddressPrefix", "destinationAddressPrefixes"
        ),
        destination_ports=(
            _one_or_many(props, "destinationPortRange", "destinationPortRanges") or ("*",)
        ),
        is_default=is_default,
    )


def nsg_from_json(body: Json) -> NetworkSecurityGroup:
    props = _props(body)
    nsg_id = rid(_str(body.get("id")))
    rules: list[SecurityRule] = []
    for key, is_default in (("securityRules", False), ("defaultSecurityRules", True)):
        for raw in _list(props.get(key)):
            rule = _rule_from_json(_obj(raw), is_default=is_default)
            if rule is not None:
                rules.append(rule)
    return NetworkSecurityGroup(id=nsg_id, name=_str(body.get("name"), nsg_id.name),
                                rules=tuple(rules))


def route_table_from_json(body: Json) -> RouteTable:
    props = _props(body)
    table_id = rid(_str(body.get("id")))
    routes = []
    for raw in _list(props.get("routes")):
        route = _obj(raw)
        rprops = _props(route)
        routes.append(Route(
            name=_str(route.get("name")),
            address_prefix=_str(rprops.get("addressPrefix")),
            next_hop_type=_str(rprops.get("nextHopType"), "None"),
            next_hop_ip=_str(rprops.get("nextHopIpAddress")) or None,
        ))
    return RouteTable(id=table_id, name=_str(body.get("name"), table_id.name),
                      routes=tuple(routes))


def vms_from_json(
    vm_bodies: Iterable[Json], nic_bodies: Iterable[Json],
    status_bodies: Iterable[Json] = (),
) -> list[VirtualMachine]:
    """Join one subscription's VMs with its NICs and, by VM id, their power states."""
    return join_vms(vm_bodies, [nic_from_json(b) for b in nic_bodies], status_bodies)


def join_vms(
    vm_bodies: Iterable[Json], nics: Iterable[NetworkInterface],
    status_bodies: Iterable[Json] = (),
) -> list[VirtualMachine]:
    """`vms_from_json` with the NICs already mapped (they are mapped page by page)."""
    nics_by_id = {nic.id: nic for nic in nics}
    powers = {rid(_str(b.get("id"))): power_state_from_json(b) for b in status_bodies}
    vms = []
    for body in vm_bodies:
        vm = vm_from_json(body, nics_by_id)
        power = powers.get(vm.id, PowerState.UNKNOWN)
        if power is not PowerState.UNKNOWN:
            vm = vm._replace(power_state=power)
        vms.append(vm)
    return vms
