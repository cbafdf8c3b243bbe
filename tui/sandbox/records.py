"""What the sandbox store holds, as the rest of the sandbox handles it: ARM ids and their
parts, the names of the resource types the sandbox serves, resources and long-running
operations.

Apart from the store's SQL (`transaction`, `store`) and from the bodies `builders` writes,
so that the vocabulary every layer shares is one small module at the bottom.

Every sandbox transport imports this module before its first answer: the immutable
records are named tuples and `Resource` a plain class, as making a dataclass compiles its
methods from source (~0.4 ms each).
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions"
RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups"
VNET_TYPE = "Microsoft.Network/virtualNetworks"
SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets"
PEERING_TYPE = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
NIC_TYPE = "Microsoft.Network/networkInterfaces"
NSG_TYPE = "Microsoft.Network/networkSecurityGroups"
ROUTE_TABLE_TYPE = "Microsoft.Network/routeTables"
GATEWAY_TYPE = "Microsoft.Network/virtualNetworkGateways"
PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses"
WATCHER_TYPE = "Microsoft.Network/networkWatchers"
VM_TYPE = "Microsoft.Compute/virtualMachines"


def key_of(resource_id: str) -> str:
    return resource_id.rstrip("/").lower()


def rg_id(sub: str, rg: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def net_id(sub: str, rg: str, kind: str, name: str) -> str:
    return f"{rg_id(sub, rg)}/providers/Microsoft.Network/{kind}/{name}"


def new_etag() -> str:
    """A weak etag around a random version-4 GUID (formatted directly: cheap in bulk)."""
    h = os.urandom(16).hex()
    return f'W/"{h[:8]}-{h[8:12]}-4{h[13:16]}-{"89ab"[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"'


class IdParts(NamedTuple):
    """What an ARM id says about itself: subscription, resource group, parent, name."""

    subscription: str
    resource_group: str
    parent: str
    name: str

    @classmethod
    def parse(cls, resource_id: str) -> IdParts:
        segs = [s for s in resource_id.split("/") if s]
        lower = [s.lower() for s in segs]
        sub = segs[1] if len(segs) > 1 and lower[0] == "subscriptions" else ""
        rg = segs[3] if len(segs) > 3 and lower[2] == "resourcegroups" else ""
        name = segs[-1] if segs else ""
        if len(segs) <= 2:
            parent = ""
        elif len(segs) <= 4:
            parent = "/" + "/".join(segs[:2])
        elif "providers" in lower and len(segs) - lower.index("providers") <= 3:
            parent = "/" + "/".join(segs[:4])  # a top-level resource: its parent is the RG
        else:
            parent = "/" + "/".join(segs[:-2])
        return cls(sub.lower(), rg.lower(), key_of(parent), name)


class Resource:
    """One ARM resource as stored: its id, type and JSON body (which includes id/name).

    Changed in place (a write gives it a new etag, rules edit its body); a fresh etag when
    none is given."""

    __slots__ = ("body", "etag", "id", "ref", "type")

    def __init__(
        self, id: str, type: str, body: dict[str, Any], ref: str = "", etag: str | None = None
    ) -> None:
        self.id = id
        self.type = type
        self.body = body
        self.ref = ref
        self.etag = new_etag() if etag is None else etag

    def __repr__(self) -> str:
        return f"Resource(id={self.id!r}, type={self.type!r}, etag={self.etag!r})"

    @property
    def key(self) -> str:
        return key_of(self.id)

    @property
    def name(self) -> str:
        return IdParts.parse(self.id).name

    @property
    def properties(self) -> dict[str, Any]:
        props = self.body.setdefault("properties", {})
        assert isinstance(props, dict)
        return props

    @property
    def provisioning_state(self) -> str:
        return str(self.properties.get("provisioningState") or "Succeeded")


class Operation(NamedTuple):
    """A long-running write, as its Azure-AsyncOperation URL reports it."""

    id: str
    resource_key: str
    kind: str
    status: str
    error: dict[str, Any] | None
    region: str
    namespace: str
    subscription: str
    created: float
    due: float
    result: dict[str, Any] | None = None
