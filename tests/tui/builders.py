"""Hand-made model objects for widget tests (the app itself runs on the sandbox)."""

from __future__ import annotations

from tui.model import (
    Inventory,
    NetworkInterface,
    Peering,
    PeeringFlags,
    PeeringState,
    PowerState,
    Subnet,
    Subscription,
    SyncLevel,
    VirtualMachine,
    VirtualNetwork,
    rid,
)

SUB = "00000000-0000-0000-0000-000000000303"
NET = "providers/Microsoft.Network/virtualNetworks"


def vnet_id(name: str, sub: str = SUB, rg: str = "rg-peering") -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/{NET}/{name}"


def peering(
    local: str, remote: str, name: str, state: PeeringState = PeeringState.CONNECTED,
    sync: SyncLevel = SyncLevel.FULLY_IN_SYNC,
) -> Peering:
    return Peering(
        id=rid(f"{vnet_id(local)}/virtualNetworkPeerings/{name}"),
        name=name,
        vnet_id=rid(vnet_id(local)),
        remote_vnet_id=rid(vnet_id(remote)),
        state=state,
        sync_level=sync,
        flags=PeeringFlags(),
    )


def vnet(
    name: str, prefix: str, peerings: tuple[Peering, ...] = (), sub: str = SUB
) -> VirtualNetwork:
    vid = rid(vnet_id(name, sub))
    subnet = Subnet(rid(f"{vid}/subnets/default"), "default", (prefix.replace("/16", "/24"),))
    return VirtualNetwork(
        vid, name, "rg-peering", sub, "westeurope", (prefix,), (subnet,), peerings
    )


def vm(
    name: str, net: VirtualNetwork, ip: str, power: PowerState = PowerState.RUNNING
) -> VirtualMachine:
    vmid = rid(
        f"/subscriptions/{net.subscription_id}/resourceGroups/rg-peering/providers/"
        f"Microsoft.Compute/virtualMachines/{name}"
    )
    nic = NetworkInterface(
        rid(f"{vmid}-nic"), f"{name}-nic", (ip,), net.subnets[0].id, vm_id=vmid
    )
    return VirtualMachine(
        vmid, name, "rg-peering", net.subscription_id, "westeurope", "Standard_B2s",
        "Windows", power, (nic,),
    )


def seed_inventory(peered: bool = False) -> Inventory:
    p12 = (peering("vnet1", "vnet2", "1and2"),) if peered else ()
    p21 = (peering("vnet2", "vnet1", "2and1"),) if peered else ()
    v1, v2 = vnet("vnet1", "10.1.0.0/16", p12), vnet("vnet2", "10.2.0.0/16", p21)
    return Inventory(
        subscriptions=(Subscription(SUB, "AZ-303 Lab"),),
        vnets=(v1, v2),
        vms=(vm("vm1", v1, "10.1.0.4"), vm("vm2", v2, "10.2.0.4")),
    )
