"""Subnet peering rules (peerCompleteVnets: false): the fields a PUT may carry, allow-listing,
and what a subnet peering link should have programmed of the other side.

Behaviour follows azure-facts.md section 8; choices where Azure's is unconfirmed are named.
"""

from __future__ import annotations

import json
from typing import Any

from tui.sandbox.addresses import (
    is_subnet_peering,
    missing_subnets,
    prefixes,
    subnet_names,
    subnet_prefixes,
)
from tui.sandbox.errors import bad_request
from tui.sandbox.store import IdParts, Resource, Tx

# Subnet peering needs the subscription allow-listed (azure-facts section 8); Azure's answer
# when it is not is unknown. [U] The sandbox answers 400 with this code, naming the feature
# and how to register it. Scenarios list the subscriptions that are *not* registered in the
# store's meta under NOT_ALLOWLISTED_META ([U] choice: a sandbox allows it by default).
SUBNET_PEERING_FEATURE = "Microsoft.Network/AllowMultiplePeeringLinksBetweenVnets"
NOT_ALLOWLISTED = "SubscriptionNotRegisteredForFeature"
NOT_ALLOWLISTED_META = "subnet_peering_not_registered"
# [U] A subnet peering naming a subnet its VNet does not have.
UNKNOWN_SUBNET = "SubnetsNotFoundForSubnetPeering"
# [U] Chosen subnets whose exchanged prefixes overlap: the VNet overlap code, with the
# subnets' prefixes in the message (azure-facts section 8 suggests this choice).
SUBNETS_OVERLAP = "VnetAddressSpacesOverlap"


def wanted_copy(tx: Tx, peering: Resource, reverse: Resource | None) -> list[str]:
    """What `peering` should have programmed of its remote VNet now: the remote's whole
    space, or for a subnet peering the prefixes the remote side exposes. [U] Those are the
    subnets the remote side's own link names as local (`localSubnetNames`), so a change to
    them leaves this link LocalNotInSync until it is synced, like an address-space change;
    with no link back yet, the subnets this link names as remote."""
    remote = tx.get(peering.ref)
    props = peering.properties
    if not is_subnet_peering(props):
        return prefixes(remote) if remote else []
    v6 = bool(props.get("enableOnlyIPv6Peering"))
    if reverse is not None and is_subnet_peering(reverse.properties):
        names = subnet_names(reverse.properties, "localSubnetNames")
    else:
        names = subnet_names(props, "remoteSubnetNames")
    return subnet_prefixes(remote, names, v6)


def subnet_fields(
    tx: Tx, peering_id: str, vnet: Resource, remote: Resource, props_in: dict[str, Any],
    existing: Resource | None,
) -> dict[str, Any] | None:
    """A subnet peering's fields as they will be stored, checked; None for whole VNets.

    A field left out of an update keeps its stored value (the sync re-PUT of a client that
    sends only the four flags must not turn a subnet peering into a whole-VNet one). [U]
    """
    old = existing.properties if existing is not None else {}
    complete = props_in.get("peerCompleteVnets", old.get("peerCompleteVnets", True))
    if complete is not False:
        return None
    fields: dict[str, Any] = {
        "peerCompleteVnets": False,
        "localSubnetNames": props_in.get("localSubnetNames", old.get("localSubnetNames")),
        "remoteSubnetNames": props_in.get("remoteSubnetNames", old.get("remoteSubnetNames")),
        "enableOnlyIPv6Peering": bool(props_in.get("enableOnlyIPv6Peering",
                                                   old.get("enableOnlyIPv6Peering", False))),
    }
    for key in ("localSubnetNames", "remoteSubnetNames"):
        value = fields[key]
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v for v in value):
            raise bad_request(
                "InvalidRequestFormat",
                f"Peering {peering_id} has peerCompleteVnets false: properties.{key} must "
                "list at least one subnet name.")
    not_registered = set(_not_registered(tx))
    sub = IdParts.parse(vnet.id).subscription
    if sub.lower() in not_registered:
        raise bad_request(
            NOT_ALLOWLISTED,
            f"Subscription {sub} is not registered for feature {SUBNET_PEERING_FEATURE} "
            "(subnet peering). Register it: az feature register --namespace "
            "Microsoft.Network --name AllowMultiplePeeringLinksBetweenVnets, then az provider "
            "register -n Microsoft.Network; or peer the whole virtual networks.")
    for side, key in ((vnet, "localSubnetNames"), (remote, "remoteSubnetNames")):
        missing = missing_subnets(side, fields[key])
        if missing:
            raise bad_request(
                UNKNOWN_SUBNET,
                f"Subnets {', '.join(missing)} of peering {peering_id} were not found in "
                f"virtual network {side.id}.")
    if fields["enableOnlyIPv6Peering"]:
        for side, key in ((vnet, "localSubnetNames"), (remote, "remoteSubnetNames")):
            if not subnet_prefixes(side, fields[key], True):
                raise bad_request(
                    "InvalidRequestFormat",  # [U] code
                    f"Peering {peering_id} has enableOnlyIPv6Peering true, but subnets "
                    f"{', '.join(fields[key])} of virtual network {side.id} have no IPv6 "
                    "prefix.")
    return fields


def _not_registered(tx: Tx) -> list[str]:
    text = tx.meta(NOT_ALLOWLISTED_META)
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v).lower() for v in value] if isinstance(value, list) else []
