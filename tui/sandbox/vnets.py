"""Virtual networks: how ARM shows them, and what a VNet PUT or DELETE may change.

A VNet's address space can change under its peerings (removing a prefix that holds subnets
is refused); the links on it and pointing at it then report their sync levels.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from tui.sandbox.addresses import is_subnet_peering, overlaps, prefixes
from tui.sandbox.builders import PEERING_TYPE, VNET_TYPE, stable_guid
from tui.sandbox.errors import ArmError, bad_request, not_found
from tui.sandbox.peerings import (
    PEERING_INFO,
    refresh,
    refresh_around,
    require_group,
    rg_name,
)
from tui.sandbox.store import IdParts, Resource, Tx

_VNET_NAME = re.compile(r"^[A-Za-z0-9](?:[\w.-]{0,62}\w)$", re.ASCII)

# [U] Removing a prefix that still holds a subnet: Azure refuses it (RESIZE); the answer
# seen in public reports for a subnet left outside the VNet's space is this code and
# message, so the sandbox answers a removal with it, naming the subnet.
PREFIX_HOLDS_SUBNETS = "NetcfgSubnetRangeOutsideVnet"
# [U] Two prefixes of one VNet that overlap: Azure refuses them; the code is not known.
OWN_PREFIXES_OVERLAP = "VnetAddressSpaceOverlapsItself"


def vnet_view(vnet: Resource, peerings: list[Resource]) -> dict[str, Any]:
    """The VNet as ARM returns it: its peerings listed inside, always matching the peering
    resources (they are read from the same rows, never stored twice)."""
    body = dict(vnet.body)
    props = dict(body.get("properties", {}))
    props["virtualNetworkPeerings"] = [p.body for p in peerings]
    body["properties"] = props
    return body


def get_vnet(tx: Tx, vnet_id: str) -> Resource:
    require_group(tx, vnet_id)
    vnet = tx.get(vnet_id)
    if vnet is None or vnet.type.lower() != VNET_TYPE.lower():
        parts = IdParts.parse(vnet_id)
        raise not_found(VNET_TYPE, parts.name, rg_name(vnet_id))
    return vnet


# --- VNet writes ---------------------------------------------------------------------------
_READ_ONLY = {"provisioningState", "resourceGuid", "virtualNetworkPeerings", "subnets"}


def put_vnet(tx: Tx, vnet_id: str, body: dict[str, Any]) -> tuple[Resource, bool]:
    """Create a VNet or change it (address space, subnets, tags). Left `Updating`."""
    name = vnet_id.rsplit("/", 1)[-1]
    if not _VNET_NAME.match(name):
        raise bad_request(
            "InvalidResourceName",
            f"Resource name {name} is invalid. The name can be between 2 and 64 characters "
            "long. It must begin with a letter or number, end with a letter, number or "
            "underscore, and may contain only letters, numbers, underscores, periods, or "
            "hyphens.",
        )
    require_group(tx, vnet_id)
    existing = tx.get(vnet_id)
    props_in = body.get("properties") or {}
    if not isinstance(props_in, dict):
        raise bad_request("InvalidRequestFormat", "Cannot parse the request: bad properties.")
    if existing is not None and existing.provisioning_state != "Succeeded":
        raise ArmError(
            429,
            "RetryableErrorDueToAnotherOperation",
            f"Operation on virtual network {existing.id} cannot be performed because another "
            "operation on it is in progress. Retry later.",
            headers={"Retry-After": "1"},
        )
    location = body.get("location") or (existing.body.get("location") if existing else None)
    if not location:
        raise bad_request("LocationRequired", "The location property is required for this "
                          "definition.")
    new_prefixes = _valid_prefixes(
        (props_in.get("addressSpace") or {}).get("addressPrefixes")
        if "addressSpace" in props_in else (prefixes(existing) if existing else None),
        vnet_id,
    )
    old_props = dict(existing.properties) if existing else {}
    subnets = _merge_subnets(
        vnet_id, old_props.get("subnets") or [], props_in.get("subnets"), new_prefixes
    )
    canonical_id = existing.id if existing else vnet_id
    if existing is not None:
        for link in tx.children(existing.id, PEERING_TYPE):
            remote = tx.get(link.ref)
            if remote is None or link.properties.get("peeringState") == "Disconnected":
                continue
            # [U] A subnet peering counts with what the remote exchanges on it (its peered
            # subnets): the two VNets may overlap as a whole by design.
            theirs = ((link.properties.get("remoteAddressSpace") or {}).get("addressPrefixes")
                      or [] if is_subnet_peering(link.properties) else prefixes(remote))
            added = [p for p in new_prefixes if p not in prefixes(existing)]
            clash = overlaps(list(theirs), added)
            if clash:
                raise bad_request(
                    "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
                    f"Cannot update address space of virtual network {existing.id}: it would "
                    f"overlap with virtual network {remote.id} peered with it. Overlapping "
                    f"address prefixes: {', '.join(clash)}. {PEERING_INFO}",
                )
    props = {k: v for k, v in old_props.items() if k not in _READ_ONLY}
    props.update({k: v for k, v in props_in.items() if k not in _READ_ONLY})
    props["addressSpace"] = {"addressPrefixes": new_prefixes}
    props.setdefault("dhcpOptions", {"dnsServers": []})
    props.setdefault("enableDdosProtection", False)
    ordered: dict[str, Any] = {
        "provisioningState": "Updating",
        "resourceGuid": old_props.get("resourceGuid") or stable_guid(canonical_id),
        **props,
        "subnets": subnets,
        "virtualNetworkPeerings": [],
    }
    vnet = Resource(canonical_id, VNET_TYPE, {
        "id": canonical_id,
        "name": IdParts.parse(canonical_id).name,
        "type": VNET_TYPE,
        "location": location,
        "tags": body.get("tags", existing.body.get("tags", {}) if existing else {}),
        "properties": ordered,
    })
    tx.put(vnet)
    if existing is not None and set(prefixes(existing)) != set(new_prefixes):
        refresh_around(tx, canonical_id)
    return vnet, existing is None


def _valid_prefixes(value: Any, vnet_id: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise bad_request(
            "InvalidRequestFormat",
            f"Virtual network {vnet_id} needs at least one address prefix "
            "(properties.addressSpace.addressPrefixes).",
        )
    for prefix in value:
        try:
            ipaddress.ip_network(str(prefix), strict=True)
        except ValueError:
            raise bad_request(
                "InvalidAddressPrefixFormat",  # [U] code
                f"Address prefix {prefix} of virtual network {vnet_id} is not a valid CIDR "
                "prefix (the address must be the first of its range, e.g. 10.1.0.0/16).",
            ) from None
    for i, prefix in enumerate(value):
        clash = overlaps([str(prefix)], [str(p) for p in value[i + 1:]])
        if clash:
            raise bad_request(
                OWN_PREFIXES_OVERLAP,
                f"Address prefix {prefix} of virtual network {vnet_id} overlaps its address "
                f"prefix {clash[0]}; the prefixes of one virtual network must not overlap.",
            )
    return [str(p) for p in value]


def _merge_subnets(
    vnet_id: str, old: list[dict[str, Any]], new: Any, space: list[str]
) -> list[dict[str, Any]]:
    """Subnets after a PUT. [U] a body without `subnets` keeps the existing ones (ARM would
    drop them; clients that resize GET and PUT the whole body, so both read the same)."""
    old_by_name = {str(s.get("name", "")).lower(): s for s in old}
    if new is None:
        result = [dict(s) for s in old]
    elif not isinstance(new, list):
        raise bad_request("InvalidRequestFormat", "properties.subnets must be a list.")
    else:
        result = []
        for item in new:
            if not isinstance(item, dict) or not item.get("name") or not isinstance(
                item.get("properties") or {}, dict
            ):
                raise bad_request("InvalidRequestFormat",
                                  "Each subnet needs a name and a properties object.")
            subnet_name = str(item.get("name") or "")
            previous = old_by_name.get(subnet_name.lower(), {})
            props = dict(previous.get("properties") or {"provisioningState": "Succeeded"})
            props.update({
                k: v for k, v in (item.get("properties") or {}).items()
                if k not in ("provisioningState", "ipConfigurations")
            })
            result.append({
                "id": previous.get("id") or f"{vnet_id}/subnets/{subnet_name}",
                "name": subnet_name,
                "type": "Microsoft.Network/virtualNetworks/subnets",
                "properties": props,
            })
        kept = {str(s["name"]).lower() for s in result}
        for name, subnet in old_by_name.items():
            if name not in kept and subnet.get("properties", {}).get("ipConfigurations"):
                raise bad_request(
                    "InUseSubnetCannotBeDeleted",
                    f"Subnet {subnet.get('name')} is in use by "
                    f"{subnet['properties']['ipConfigurations'][0].get('id')} and cannot be "
                    "deleted. In order to delete the subnet, delete all the resources within "
                    "the subnet.",
                )
    nets = [ipaddress.ip_network(p) for p in space]
    for subnet in result:
        props = subnet.get("properties") or {}
        subnet_prefixes = props.get("addressPrefixes") or [props.get("addressPrefix")]
        for prefix in subnet_prefixes:
            try:
                net = ipaddress.ip_network(str(prefix), strict=True)
            except ValueError:
                raise bad_request(
                    "InvalidAddressPrefixFormat",
                    f"Address prefix {prefix} of subnet {subnet['name']} is not a valid CIDR.",
                ) from None
            if not any(net.version == n.version and net.subnet_of(n) for n in nets):  # type: ignore[arg-type]
                raise bad_request(
                    PREFIX_HOLDS_SUBNETS,
                    f"Subnet '{subnet['name']}' is not valid because its IP address range "
                    f"{prefix} is outside the IP address range of virtual network "
                    f"'{vnet_id.rsplit('/', 1)[-1]}'.",
                )
    return result


def begin_delete_vnet(tx: Tx, vnet_id: str) -> Resource | None:
    require_group(tx, vnet_id)
    vnet = tx.get(vnet_id)
    if vnet is None:
        return None
    for subnet in vnet.properties.get("subnets") or []:
        if subnet.get("properties", {}).get("ipConfigurations"):
            raise bad_request(
                "InUseSubnetCannotBeDeleted",
                f"Subnet {subnet.get('name')} is in use by "
                f"{subnet['properties']['ipConfigurations'][0].get('id')} and cannot be "
                "deleted. In order to delete the subnet, delete all the resources within the "
                "subnet.",
            )
    vnet.properties["provisioningState"] = "Deleting"
    tx.put(vnet)
    return vnet


def finish_delete_vnet(tx: Tx, vnet_id: str) -> None:
    """Remove the VNet and its links; links elsewhere pointing at it go Disconnected."""
    for link in tx.children(vnet_id, PEERING_TYPE):
        tx.delete(link.id)
    tx.delete(vnet_id)
    for survivor in tx.referencing(vnet_id, PEERING_TYPE):
        survivor.properties["peeringState"] = "Disconnected"
        tx.put(survivor)
        refresh(tx, survivor)
