"""A checked request turned into the PUTs to send (and the az commands that send the same)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from tui.model import Inventory, PeeringFlags, ResourceId, SubnetSelection
from tui.peering.preflight import PeeringRequest, Preflight, kept_initiated, preflight


class Action(enum.StrEnum):
    CREATE = "create"
    REVIVE = "revive"  # re-PUT a Disconnected link, back to Initiated
    UPDATE = "update"  # change the flags of a live link


@dataclass(frozen=True)
class PlannedLink:
    """One PUT the plan will send."""

    action: Action
    vnet_id: ResourceId
    vnet_name: str
    name: str
    remote_vnet_id: ResourceId
    remote_vnet_name: str
    flags: PeeringFlags
    subnets: SubnetSelection | None = None  # subnet peering, as seen from this link's VNet

    @property
    def peering_id(self) -> ResourceId:
        return ResourceId(f"{self.vnet_id}/virtualNetworkPeerings/{self.name}")

    @property
    def label(self) -> str:
        return f"{self.name} on {self.vnet_name}"

    def az_command(self) -> str:
        """The az CLI command that sends the same PUT."""
        vnet, remote = self.vnet_id, self.remote_vnet_id
        head = f"-g {vnet.resource_group} --vnet-name {vnet.name} -n {self.name}"
        tail = f"--subscription {vnet.subscription_id}"
        f = self.flags
        if self.action is Action.CREATE:
            # az takes the remote VNet's bare name when it sits in the same resource group.
            same_rg = (remote.subscription_id.lower() == vnet.subscription_id.lower()
                       and remote.resource_group.lower() == vnet.resource_group.lower())
            opts = [f"--remote-vnet {remote.name if same_rg else remote}"]
            opts += [flag for on, flag in (
                (f.allow_virtual_network_access, "--allow-vnet-access"),
                (f.allow_forwarded_traffic, "--allow-forwarded-traffic"),
                (f.allow_gateway_transit, "--allow-gateway-transit"),
                (f.use_remote_gateways, "--use-remote-gateways"),
            ) if on]
            opts += subnet_options(self.subnets)
            return f"az network vnet peering create {head} {' '.join(opts)} {tail}"
        sets = " ".join(f"{key}={str(value).lower()}" for key, value in (
            ("allowVirtualNetworkAccess", f.allow_virtual_network_access),
            ("allowForwardedTraffic", f.allow_forwarded_traffic),
            ("allowGatewayTransit", f.allow_gateway_transit),
            ("useRemoteGateways", f.use_remote_gateways),
        ))
        if self.subnets is not None:
            sets += (" peerCompleteVnets=false"
                     f" localSubnetNames={_json_list(self.subnets.local)}"
                     f" remoteSubnetNames={_json_list(self.subnets.remote)}"
                     f" enableOnlyIPv6Peering={str(self.subnets.ipv6_only).lower()}")
        return f"az network vnet peering update {head} --set {sets} {tail}"


@dataclass(frozen=True)
class Plan:
    """The links to send, in waves: revives first (Azure refuses a link whose other side
    is Disconnected), then creates/updates together."""

    preflight: Preflight
    links: tuple[PlannedLink, ...] = ()
    local_vnet_id: ResourceId = field(default_factory=ResourceId)
    remote_vnet_id: ResourceId = field(default_factory=ResourceId)
    local_name: str = ""
    remote_name: str = ""

    @property
    def ok(self) -> bool:
        return self.preflight.ok and bool(self.links)

    @property
    def waves(self) -> list[tuple[PlannedLink, ...]]:
        first = tuple(link for link in self.links if link.action is Action.REVIVE)
        rest = tuple(link for link in self.links if link.action is not Action.REVIVE)
        return [wave for wave in (first, rest) if wave]

    def commands(self) -> list[str]:
        return [link.az_command() for link in self.links]

    def describe(self) -> list[str]:
        """One line per link, for `vnettui peer` and the progress modal."""
        verbs = {Action.CREATE: "create", Action.REVIVE: "revive", Action.UPDATE: "update"}
        return [f"{verbs[link.action]} {link.name} on {link.vnet_name} -> {link.remote_vnet_name}"
                f" ({flags_text(link.flags)}{_subnets_text(link.subnets)})"
                for link in self.links]


def subnet_options(subnets: SubnetSelection | None) -> list[str]:
    """az's subnet peering options (`--peer-complete-vnet false --local-subnet-names ...`)."""
    if subnets is None:
        return []
    opts = ["--peer-complete-vnet false",
            f"--local-subnet-names {' '.join(subnets.local)}",
            f"--remote-subnet-names {' '.join(subnets.remote)}"]
    return opts + (["--enable-only-ipv6 true"] if subnets.ipv6_only else [])


def _subnets_text(subnets: SubnetSelection | None) -> str:
    if subnets is None:
        return ""
    text = f"; subnets {', '.join(subnets.local)} -> {', '.join(subnets.remote)}"
    return text + (", IPv6 only" if subnets.ipv6_only else "")


def _json_list(names: tuple[str, ...]) -> str:
    return "'[" + ",".join(f'"{n}"' for n in names) + "]'"


def flags_text(flags: PeeringFlags) -> str:
    on = [label for value, label in (
        (flags.allow_virtual_network_access, "vnet access"),
        (flags.allow_forwarded_traffic, "forwarded traffic"),
        (flags.allow_gateway_transit, "gateway transit"),
        (flags.use_remote_gateways, "remote gateways"),
    ) if value]
    return ", ".join(on) if on else "no access"


def plan_peering(inventory: Inventory, request: PeeringRequest) -> Plan:
    """The plan for a request; `plan.ok` is False (and `links` empty) when preflight fails,
    but the links are still listed for display when the VNets are known."""
    check = preflight(inventory, request)
    local = inventory.vnet(request.local_vnet_id)
    remote = inventory.vnet(request.remote_vnet_id)
    base = Plan(check, (), request.local_vnet_id, request.remote_vnet_id, "", "")
    if local is None or remote is None or local.id == remote.id:
        return base
    links = []
    local_existing = local.peering_to(remote.id)
    remote_existing = remote.peering_to(local.id)
    # The Initiated side of an interrupted peering is kept; only the missing side is sent.
    kept = kept_initiated(local_existing, remote_existing, request.one_side)
    if kept is None or kept is not local_existing:
        links.append(PlannedLink(
            Action.REVIVE if local_existing else Action.CREATE, local.id, local.name,
            request.local_name, remote.id, remote.name, request.local_flags,
            request.subnets))
    if not request.one_side and (kept is None or kept is not remote_existing):
        links.append(PlannedLink(
            Action.REVIVE if remote_existing else Action.CREATE, remote.id, remote.name,
            request.remote_name, local.id, local.name, request.remote_flags,
            request.subnets.reversed() if request.subnets else None))
    return replace(base, links=tuple(links), local_name=local.name, remote_name=remote.name)
