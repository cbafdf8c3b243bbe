"""A peering's Portal columns in words: sync level, settings, the remote VNet's address space
and where it lives.

One place for the explorer's details pane (which styles the words) and `vnettui list
peerings` (which prints them), so both say the same thing. Pure: imports only `tui.model`,
and not `tui.peering`, which the explorer imports only when a workflow starts.
"""

from __future__ import annotations

from typing import NamedTuple

from tui.model import Inventory, Peering, PeeringFlags, SyncLevel

_SYNC_WORDS: dict[SyncLevel, str] = {
    SyncLevel.FULLY_IN_SYNC: "in sync",
    SyncLevel.REMOTE_NOT_IN_SYNC: "remote sync needed",
    SyncLevel.LOCAL_NOT_IN_SYNC: "local sync needed",
    SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC: "sync needed both sides",
    SyncLevel.UNKNOWN: "sync unknown",
}


def sync_words(level: SyncLevel) -> str:
    """ARM's `peeringSyncLevel` as a person says it (`RemoteNotInSync`: remote sync needed)."""
    return _SYNC_WORDS[level]


def access_words(flags: PeeringFlags) -> list[str]:
    """What traffic the link lets in: `access` (or `no access`) and `forwarded`."""
    words = ["access" if flags.allow_virtual_network_access else "no access"]
    if flags.allow_forwarded_traffic:
        words.append("forwarded")
    return words


def gateway_words(flags: PeeringFlags) -> list[str]:
    """The gateway settings that are on: `gateway transit`, `remote gateway`."""
    words = []
    if flags.allow_gateway_transit:
        words.append("gateway transit")
    if flags.use_remote_gateways:
        words.append("remote gateway")
    return words


def remote_address_space(peering: Peering, inventory: Inventory) -> tuple[str, ...]:
    """The remote VNet's address space: as loaded when it is, else as the link last saw it
    (ARM's `remoteVirtualNetworkAddressSpace`, then what is peered now)."""
    remote = inventory.vnet(peering.remote_vnet_id)
    return ((remote.address_prefixes if remote else ()) or peering.remote_vnet_address_prefixes
            or peering.remote_address_prefixes)


class RemoteHome(NamedTuple):
    """Where the remote VNet lives: its subscription (by name when it could be listed) and,
    only when it differs from the local VNet's, its tenant."""

    subscription: str
    elsewhere: bool  # another subscription than the local VNet's
    tenant: str = ""  # set only when the remote tenant differs from the local one


def remote_home(peering: Peering, inventory: Inventory) -> RemoteHome:
    """The remote VNet's subscription and (when different) tenant, seen from the link's VNet."""
    local_id = peering.vnet_id.subscription_id
    remote_id = peering.remote_vnet_id.subscription_id
    here, there = inventory.subscription(local_id), inventory.subscription(remote_id)
    name = there.name if there else f"subscription {remote_id}"
    tenant = ""
    if here and there and there.tenant_id and there.tenant_id != here.tenant_id:
        tenant = there.tenant_id
    return RemoteHome(name, remote_id.casefold() != local_id.casefold(), tenant)
