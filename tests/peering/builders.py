"""Hand-built inventories for the pure preflight and plan rules (no cloud involved)."""

from __future__ import annotations

from tui.model import (
    Inventory,
    Peering,
    PeeringFlags,
    PeeringState,
    ResourceId,
    Subscription,
    SyncLevel,
    VirtualNetwork,
)

SUB = "11111111-1111-1111-1111-111111111111"


def vnet_id(name: str, rg: str = "rg-peering", sub: str = SUB) -> ResourceId:
    return ResourceId(
        f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}"
    )


def vnet(name: str, *prefixes: str, gateway: bool = False, rg: str = "rg-peering",
         sub: str = SUB) -> VirtualNetwork:
    return VirtualNetwork(vnet_id(name, rg, sub), name, rg, sub, "westeurope", prefixes,
                          has_gateway=gateway)


def link(local: VirtualNetwork, remote: VirtualNetwork, name: str,
         state: PeeringState = PeeringState.CONNECTED, flags: PeeringFlags | None = None,
         sync: SyncLevel = SyncLevel.FULLY_IN_SYNC) -> Peering:
    return Peering(ResourceId(f"{local.id}/virtualNetworkPeerings/{name}"), name, local.id,
                   remote.id, state, sync, flags or PeeringFlags(),
                   remote.address_prefixes, remote.address_prefixes)


def linked(v: VirtualNetwork, *links: Peering) -> VirtualNetwork:
    return v._replace(peerings=v.peerings + links)


def inventory(*vnets: VirtualNetwork) -> Inventory:
    return Inventory(subscriptions=(Subscription(SUB, "AZ-303 Lab"),), vnets=vnets)


def az303() -> tuple[Inventory, VirtualNetwork, VirtualNetwork]:
    v1 = vnet("vnet1", "10.1.0.0/16")
    v2 = vnet("vnet2", "10.2.0.0/16")
    return inventory(v1, v2), v1, v2
