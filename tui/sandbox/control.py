"""Changing the cloud behind the client's back: the mutators tests and demos use.

A real cloud changes while a client looks at it (another admin deletes a link, a VM is
stopped in the Portal). These functions make such changes to a sandbox file directly, each
in one transaction and through the same rules as the REST API, so a refusal still raises
`errors.ArmError`. They sit above the rules and the store and are never on the path of a
request: the store knows nothing of them.
"""

from __future__ import annotations

import json
from typing import Any

from tui.sandbox import peerings, subnet_peering, vnets
from tui.sandbox.builders import instance_view
from tui.sandbox.store import SandboxStore, Tx


def peer(tx: Tx, vnet_id: str, name: str, remote_id: str, **flags: bool) -> dict[str, Any]:
    """Create one link through the same rules as a PUT, settled at once (for scenarios)."""
    body = {"properties": {"remoteVirtualNetwork": {"id": remote_id}, **flags}}
    peering, _ = peerings.put_peering(tx, f"{vnet_id}/virtualNetworkPeerings/{name}", body,
                                     sync=False)
    peering.properties["provisioningState"] = "Succeeded"
    tx.put(peering)
    return peering.body


def get(store: SandboxStore, resource_id: str) -> dict[str, Any] | None:
    """A resource's stored body, or None."""
    with store.read() as tx:
        found = tx.get(resource_id)
    return found.body if found else None


def put_peering(
    store: SandboxStore, vnet_id: str, name: str, remote_vnet_id: str, **flags: bool
) -> dict[str, Any]:
    """Create or update one link, settled at once (flags use ARM's camelCase names)."""
    with store.write() as tx:
        return peer(tx, vnet_id, name, remote_vnet_id, **flags)


def delete_peering(store: SandboxStore, peering_id: str) -> None:
    """Remove one link at once; its reverse goes Disconnected."""
    with store.write() as tx:
        peerings.finish_delete_peering(tx, peering_id)


def set_address_space(store: SandboxStore, vnet_id: str, prefixes: list[str]) -> None:
    """Change a VNet's prefixes at once; its peerings' sync levels follow."""
    with store.write() as tx:
        vnet, _ = vnets.put_vnet(tx, vnet_id, {"properties": {
            "addressSpace": {"addressPrefixes": list(prefixes)}}})
        vnet.properties["provisioningState"] = "Succeeded"
        tx.put(vnet)


def allow_subnet_peering(store: SandboxStore, subscription: str, allowed: bool = True) -> None:
    """Register (or unregister) a subscription for subnet peering (the scenario flag)."""
    with store.write() as tx:
        current = [s for s in json.loads(tx.meta(subnet_peering.NOT_ALLOWLISTED_META) or "[]")
                   if str(s).lower() != subscription.lower()]
        if not allowed:
            current.append(subscription)
        tx.set_meta(subnet_peering.NOT_ALLOWLISTED_META, json.dumps(current))


def delete_vnet(store: SandboxStore, vnet_id: str) -> None:
    """Remove a VNet and its links at once; links pointing at it go Disconnected."""
    with store.write() as tx:
        vnets.finish_delete_vnet(tx, vnet_id)


def set_power_state(store: SandboxStore, vm_id: str, power: str) -> None:
    """running | stopped | deallocated | starting | stopping | deallocating."""
    with store.write() as tx:
        vm = tx.get(vm_id)
        if vm is None:
            raise KeyError(vm_id)
        vm.properties["instanceView"] = instance_view(power)
        tx.put(vm)


__all__ = [
    "allow_subnet_peering",
    "delete_peering", "delete_vnet", "get", "peer", "put_peering", "set_address_space",
    "set_power_state",
]
