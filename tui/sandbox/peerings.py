"""Peering rules: what Azure's Network RP accepts, refuses and changes for a peering.

Behaviour follows azure-facts.md sections 1 and 2: the state machine (Initiated,
Connected, Disconnected, revived by re-PUT), sync levels, and every refusal with ARM's code.
Every function runs inside one store transaction, so a change to both sides of a peering is
atomic across processes. Choices where Azure's behaviour is unconfirmed ([U]) are named
where they are made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tui.sandbox.addresses import (
    exposed,
    has_gateway,
    is_subnet_peering,
    overlaps,
    prefixes,
    subnet_prefixes,
)
from tui.sandbox.builders import PEERING_TYPE, stable_guid
from tui.sandbox.errors import (
    ArmError,
    bad_request,
    child_not_found,
    parent_not_found,
    resource_group_not_found,
    subscription_not_found,
)
from tui.sandbox.store import IdParts, Resource, Tx, key_of
from tui.sandbox.subnet_peering import SUBNETS_OVERLAP, subnet_fields, wanted_copy

FLAG_DEFAULTS = {
    # [U] the service default for an omitted flag; the Portal's defaults are the likeliest.
    "allowVirtualNetworkAccess": True,
    "allowForwardedTraffic": False,
    "allowGatewayTransit": False,
    "useRemoteGateways": False,
}

_PEERING_NAME = re.compile(r"^\w(?:[\w.-]{0,78}\w)?$", re.ASCII)
_VNET_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+$",
    re.IGNORECASE,
)
PEERING_INFO = "For more information please refer to https://aka.ms/VnetPeeringInfo"



def get_peering(tx: Tx, peering_id: str) -> Resource:
    vnet_id = peering_id.rsplit("/virtualNetworkPeerings/", 1)[0]
    require_parent(tx, vnet_id)
    peering = tx.get(peering_id)
    if peering is None:
        raise child_not_found(peering_id)
    return peering


def require_group(tx: Tx, resource_id: str) -> None:
    parts = IdParts.parse(resource_id)
    if not tx.exists(f"/subscriptions/{parts.subscription}"):
        raise subscription_not_found(parts.subscription)
    if parts.resource_group and not tx.exists(
        f"/subscriptions/{parts.subscription}/resourceGroups/{parts.resource_group}"
    ):
        raise resource_group_not_found(rg_name(resource_id))


def require_parent(tx: Tx, vnet_id: str) -> Resource:
    require_group(tx, vnet_id)
    vnet = tx.get(vnet_id)
    if vnet is None:
        raise parent_not_found(IdParts.parse(vnet_id).name)
    return vnet


def rg_name(resource_id: str) -> str:
    segs = resource_id.split("/")
    return segs[4] if len(segs) > 4 else ""


def reverse_of(tx: Tx, peering: Resource) -> Resource | None:
    """The peering on the remote VNet that points back at this peering's VNet."""
    vnet_key = IdParts.parse(peering.id).parent
    for candidate in tx.children(peering.ref, PEERING_TYPE):
        if candidate.ref == vnet_key:
            return candidate
    return None


# --- sync levels ---------------------------------------------------------------------------
def _space(props: dict[str, Any], key: str) -> list[str]:
    return list((props.get(key) or {}).get("addressPrefixes") or [])


def refresh(tx: Tx, peering: Resource) -> None:
    """Recompute one peering's address-space fields and sync level and store it.

    `remoteAddressSpace` is this link's programmed copy of what the remote VNet exchanges
    (its whole space, or a subnet peering's chosen subnets). The link is LocalNotInSync when
    that copy is stale, RemoteNotInSync when the reverse link's copy of ours is stale (the
    PowerShell SyncVirtualNetworkPeering test shows exactly this pair),
    LocalAndRemoteNotInSync when both are. `localAddressSpace` is what the other side has
    programmed of ours. The `...VirtualNetworkAddressSpace` fields are always the VNets'
    whole current spaces.
    """
    props = peering.properties
    vnet = tx.get(IdParts.parse(peering.id).parent)
    remote = tx.get(peering.ref)
    reverse = reverse_of(tx, peering) if remote else None
    local_now = prefixes(vnet) if vnet else _space(props, "localVirtualNetworkAddressSpace")
    programmed = _space(props, "remoteAddressSpace")
    remote_now = prefixes(remote) if remote else _space(props,
                                                        "remoteVirtualNetworkAddressSpace")
    props["localVirtualNetworkAddressSpace"] = {"addressPrefixes": local_now}
    props["remoteVirtualNetworkAddressSpace"] = {"addressPrefixes": remote_now}
    if reverse is not None:
        local_programmed = _space(reverse.properties, "remoteAddressSpace")
        local_wanted = wanted_copy(tx, reverse, peering)
    else:
        local_programmed = local_wanted = exposed(vnet, props) if vnet else local_now
    props["localAddressSpace"] = {"addressPrefixes": local_programmed}
    local_stale = remote is not None and set(programmed) != set(
        wanted_copy(tx, peering, reverse))
    remote_stale = reverse is not None and set(local_programmed) != set(local_wanted)
    props["peeringSyncLevel"] = (
        "LocalAndRemoteNotInSync" if local_stale and remote_stale
        else "LocalNotInSync" if local_stale
        else "RemoteNotInSync" if remote_stale
        else "FullyInSync"
    )
    tx.put(peering)


def refresh_around(tx: Tx, vnet_id: str) -> None:
    """After a VNet's address space changed: every link on it and every link pointing at it."""
    for peering in tx.children(vnet_id, PEERING_TYPE) + tx.referencing(vnet_id, PEERING_TYPE):
        refresh(tx, peering)


# --- peering writes ------------------------------------------------------------------------
def put_peering(
    tx: Tx,
    peering_id: str,
    body: dict[str, Any],
    *,
    sync: bool,
    check_linked: Callable[[Resource], None] = lambda _remote: None,
) -> tuple[Resource, bool]:
    """Create or update one peering (and the state of its reverse). Returns (peering, created).

    The peering is left `Updating`; the caller records the long-running operation that
    settles it.
    """
    vnet_id, name = peering_id.rsplit("/virtualNetworkPeerings/", 1)
    if not _PEERING_NAME.match(name):
        raise bad_request(
            "InvalidResourceName",
            f"Resource name {name} is invalid. The name can be up to 80 characters long. "
            "It must begin with a word character, and it must end with a word character or "
            "with '_'. The name may contain word characters or '.', '-', '_'.",
        )
    vnet = require_parent(tx, vnet_id)
    peering_id = f"{vnet.id}/virtualNetworkPeerings/{name}"
    props_in = body.get("properties")
    if not isinstance(props_in, dict):
        raise bad_request("InvalidRequestFormat", "Cannot parse the request: no properties.")
    remote_ref = props_in.get("remoteVirtualNetwork") or {}
    remote_id = str(remote_ref.get("id") or "") if isinstance(remote_ref, dict) else ""
    if not remote_id:
        raise bad_request(
            "MissingRemoteVirtualNetwork",  # [U] code; ARM requires remoteVirtualNetwork.id
            f"Peering {peering_id} must reference a remote virtual network "
            "(properties.remoteVirtualNetwork.id).",
        )
    if not _VNET_ID.match(remote_id):
        raise bad_request(
            "InvalidResourceReference",
            f"Resource id {remote_id} referenced by resource {peering_id} is not a valid "
            "virtual network id.",
        )
    remote = tx.get(remote_id)
    if remote is None:
        raise bad_request(
            "InvalidGlobalResourceReference",
            f"Resource {remote_id} referenced by resource {peering_id} was not found. "
            "Please make sure that the referenced resource exists, and that both resources "
            "are in the same region.",
        )
    if IdParts.parse(remote.id).subscription != IdParts.parse(vnet.id).subscription:
        check_linked(remote)  # rights on the remote side: `peer/action` there
    existing = tx.get(peering_id)
    if existing is not None and existing.ref != remote.key:
        raise bad_request(
            "ChangingRemoteVirtualNetworkNotAllowed",  # [U] seen only in third-party code
            f"Cannot change remote virtual network of peering {existing.id} from "
            f"{existing.properties.get('remoteVirtualNetwork', {}).get('id')} to {remote.id}. "
            "Delete the peering and create a new one.",
        )
    if existing is not None and existing.provisioning_state in ("Updating", "Deleting"):
        # [U] status: the Network RP answers a locked resource with a retryable 429.
        raise ArmError(
            429,
            "RetryableErrorDueToAnotherOperation",
            f"Operation on peering {existing.id} cannot be performed because another "
            "operation on it is in progress. Retry later.",
            headers={"Retry-After": "1"},
        )
    for referenced in (vnet, remote):
        if referenced.provisioning_state != "Succeeded":
            raise bad_request(
                "ReferencedResourceNotProvisioned",
                f"Cannot proceed with operation because resource {referenced.id} used by "
                f"resource {peering_id} is not in Succeeded state. Resource is in "
                f"{referenced.provisioning_state} state and the last operation that "
                "updated/is updating the resource is PutVirtualNetworkOperation.",
            )
    if remote.key == vnet.key:
        raise bad_request(
            "CannotPeerVirtualNetworkWithItself",  # [U] code unknown; Azure refuses it
            f"Cannot create or update peering {peering_id}: a virtual network cannot be "
            "peered with itself.",
        )
    siblings = tx.children(vnet.id, PEERING_TYPE)
    for other in siblings:
        if other.key != key_of(peering_id) and other.ref == remote.key:
            raise bad_request(
                "AnotherPeeringAlreadyReferencesRemoteVnet",
                f"Peering {peering_id} cannot be created because peering {other.id} already "
                f"references remote virtual network {remote.id}. Cannot add another peering "
                "referencing the same remote virtual network.",
            )
    subnets = subnet_fields(tx, peering_id, vnet, remote, props_in, existing)
    if subnets is None:
        here, there = prefixes(vnet), prefixes(remote)
        clash = overlaps(here, there)
        if clash:
            raise bad_request(
                "VnetAddressSpacesOverlap",
                f"Cannot create or update peering {peering_id}. Virtual networks {vnet.id} and "
                f"{remote.id} cannot be peered because their address spaces overlap. "
                f"Overlapping address prefixes: {', '.join(clash)}",
            )
    else:
        here = subnet_prefixes(vnet, subnets["localSubnetNames"],
                               subnets["enableOnlyIPv6Peering"])
        there = subnet_prefixes(remote, subnets["remoteSubnetNames"],
                                subnets["enableOnlyIPv6Peering"])
        clash = overlaps(here, there)
        if clash:
            raise bad_request(
                SUBNETS_OVERLAP,
                f"Cannot create or update peering {peering_id}. The subnets chosen on virtual "
                f"networks {vnet.id} ({', '.join(subnets['localSubnetNames'])}) and "
                f"{remote.id} ({', '.join(subnets['remoteSubnetNames'])}) cannot be peered "
                "because their address prefixes overlap. Overlapping address prefixes: "
                f"{', '.join(clash)}",
            )
    _refuse_overlap_with_peered(tx, peering_id, ((vnet, here), (remote, there)))
    flags = {
        key: bool(props_in.get(key, existing.properties.get(key) if existing else default))
        for key, default in FLAG_DEFAULTS.items()
    }
    _check_gateway_rules(tx, peering_id, vnet, remote, flags, siblings)
    reverse = None
    for candidate in tx.children(remote.id, PEERING_TYPE):
        if candidate.ref == vnet.key:
            reverse = candidate
            break
    if reverse is not None and reverse.properties.get("peeringState") == "Disconnected":
        raise bad_request(
            "RemotePeeringIsDisconnected",
            f"Cannot create or update peering {peering_id} because remote peering "
            f"{reverse.id} referencing parent virtual network {vnet.id} is in Disconnected "
            "state. Update or re-create the remote peering to get it back to Initiated "
            "state. Peering gets Disconnected when remote vnet or remote peering is deleted "
            "and re-created.",
        )
    state = "Connected" if reverse is not None else "Initiated"
    was_disconnected = (
        existing is not None and existing.properties.get("peeringState") == "Disconnected"
    )
    extra: dict[str, Any] = {
        "doNotVerifyRemoteGateways": bool(props_in.get("doNotVerifyRemoteGateways", False)),
        "peerCompleteVnets": True,
        "enableOnlyIPv6Peering": False,
        **(subnets or {}),
    }
    peering = peering_resource(
        peering_id, vnet, remote, flags,
        state=state,
        programmed=[],
        guid=existing.properties.get("resourceGuid") if existing else None,
        extra=extra,
    )
    if existing is None or sync or was_disconnected:
        programmed = wanted_copy(tx, peering, reverse)
    else:
        programmed = _space(existing.properties, "remoteAddressSpace")
    peering.properties["remoteAddressSpace"] = {"addressPrefixes": programmed}
    tx.put(peering)
    if reverse is not None:
        reverse.properties["peeringState"] = "Connected"
        tx.put(reverse)
        refresh(tx, reverse)
    refresh(tx, peering)
    return peering, existing is None


def peering_resource(
    peering_id: str,
    vnet: Resource,
    remote: Resource,
    flags: dict[str, bool],
    *,
    state: str,
    programmed: list[str],
    provisioning: str = "Updating",
    guid: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Resource:
    """A peering's ARM body (the one place its shape is defined). Sync fields are
    provisional; `refresh` sets them from both VNets and the reverse link."""
    props: dict[str, Any] = {
        **flags,
        "doNotVerifyRemoteGateways": False,
        "remoteVirtualNetwork": {"id": remote.id},
        "remoteAddressSpace": {"addressPrefixes": programmed},
        "remoteVirtualNetworkAddressSpace": {"addressPrefixes": prefixes(remote)},
        "localAddressSpace": {"addressPrefixes": prefixes(vnet)},
        "localVirtualNetworkAddressSpace": {"addressPrefixes": prefixes(vnet)},
        "peeringState": state,
        "peeringSyncLevel": "FullyInSync",
        "provisioningState": provisioning,
        "resourceGuid": guid or stable_guid(peering_id),
        "peerCompleteVnets": True,
        "enableOnlyIPv6Peering": False,
        **(extra or {}),
    }
    communities = remote.properties.get("bgpCommunities")
    if isinstance(communities, dict) and communities.get("virtualNetworkCommunity"):
        props["remoteBgpCommunities"] = {
            "virtualNetworkCommunity": communities["virtualNetworkCommunity"],
            "regionalCommunity": communities.get("regionalCommunity", "12076:50004"),
        }
    name = peering_id.rsplit("/", 1)[-1]
    return Resource(
        peering_id,
        PEERING_TYPE,
        {"id": peering_id, "name": name, "type": PEERING_TYPE, "properties": props},
        ref=remote.id,
    )


def connected_pair(
    vnet: Resource, name: str, remote: Resource, remote_name: str
) -> tuple[Resource, Resource]:
    """Both links of a settled, in-sync pair, for generated estates whose address plan
    already guarantees what `put_peering` would check (no overlaps, no duplicates)."""
    flags = dict(FLAG_DEFAULTS)
    return (
        peering_resource(f"{vnet.id}/virtualNetworkPeerings/{name}", vnet, remote, flags,
                         state="Connected", programmed=prefixes(remote),
                         provisioning="Succeeded"),
        peering_resource(f"{remote.id}/virtualNetworkPeerings/{remote_name}", remote, vnet,
                         flags, state="Connected", programmed=prefixes(vnet),
                         provisioning="Succeeded"),
    )


def _refuse_overlap_with_peered(
    tx: Tx, peering_id: str, sides: tuple[tuple[Resource, list[str]], ...]
) -> None:
    """Neither side may overlap a VNet the other side is already peered with. Each side
    counts with what it exchanges on this peering (`sides`: (VNet, prefixes)); a third VNet
    with what it exchanges with the other side (its whole space, or a subnet peering's
    programmed subnets)."""
    for (here, here_space), (there, _) in (sides, sides[::-1]):
        for link in tx.children(there.id, PEERING_TYPE):
            if link.ref in (here.key, there.key):
                continue
            if link.properties.get("peeringState") == "Disconnected":
                continue
            third = tx.get(link.ref)
            if third is None:
                continue
            third_space = (_space(link.properties, "remoteAddressSpace")
                           if is_subnet_peering(link.properties) else prefixes(third))
            clash = overlaps(third_space, here_space)
            if clash:
                raise bad_request(
                    "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
                    f"Cannot create or update peering {peering_id}. Address space of virtual "
                    f"network {here.id} overlaps with address space of virtual network "
                    f"{third.id} already peered with virtual network {there.id}. "
                    f"Overlapping address prefixes: {', '.join(clash)}. {PEERING_INFO}",
                )


def _check_gateway_rules(
    tx: Tx,
    peering_id: str,
    vnet: Resource,
    remote: Resource,
    flags: dict[str, bool],
    siblings: list[Resource],
) -> None:
    if not flags["useRemoteGateways"]:
        return
    # doNotVerifyRemoteGateways does not bypass this (azure-facts.md section 2).
    if not has_gateway(remote):
        raise bad_request(
            "RemoteVnetHasNoGateways",
            f"Peering {peering_id} cannot have UseRemoteGateway flag set to true because "
            f"remote virtual network {remote.id} referenced by the peering does not have any "
            "gateways.",
        )
    if has_gateway(vnet):
        raise bad_request(
            "UseRemoteGatewaysNotAllowedWithLocalGateway",  # [U] code; rule from SPEC/MANAGE
            f"Peering {peering_id} cannot have UseRemoteGateways flag set to true because "
            f"virtual network {vnet.id} already has a gateway.",
        )
    for other in siblings:
        if other.key != key_of(peering_id) and other.properties.get("useRemoteGateways"):
            raise bad_request(
                "OnlyOnePeeringCanUseRemoteGateways",  # [U] code; rule from SPEC
                f"Peering {peering_id} cannot have UseRemoteGateways flag set to true because "
                f"peering {other.id} on the same virtual network already uses remote "
                "gateways. Only one peering can have this flag set to true.",
            )
    for candidate in tx.children(remote.id, PEERING_TYPE):
        # [U] checked only once the remote link exists; a missing remote link is allowed.
        if candidate.ref == vnet.key and not candidate.properties.get("allowGatewayTransit"):
            raise bad_request(
                "RemotePeeringDoesNotAllowGatewayTransit",  # [U] code; message from Azure
                "Peering-to-Gateway cannot have UseRemoteGateways flag set to true, because "
                "corresponding remote peering has AllowGatewayTransit flag set to false. "
                f"Peering: {peering_id}; remote peering: {candidate.id}.",
            )


def begin_delete_peering(tx: Tx, peering_id: str) -> Resource | None:
    """Mark a peering Deleting (the operation's settlement removes it). None = not there."""
    vnet_id = peering_id.rsplit("/virtualNetworkPeerings/", 1)[0]
    require_parent(tx, vnet_id)
    peering = tx.get(peering_id)
    if peering is None:
        return None
    peering.properties["provisioningState"] = "Deleting"
    tx.put(peering)
    return peering


def finish_delete_peering(tx: Tx, peering_id: str) -> None:
    """Remove the link; its reverse, if any, goes Disconnected (provisioning stays Succeeded)."""
    peering = tx.get(peering_id)
    if peering is None:
        return
    reverse = reverse_of(tx, peering)
    tx.delete(peering.id)
    if reverse is not None:
        reverse.properties["peeringState"] = "Disconnected"
        tx.put(reverse)
        refresh(tx, reverse)
