"""What Resource Graph indexes, read from the same store as ARM: one row per resource in
`resources` and per subscription or resource group in `resourcecontainers`, each with the
`properties` the ARM GET returns (a VNet lists its peerings, as its GET does) and `type` in
lower case.

[U] choices where Resource Graph's exact shape is not published: `resourceGroup` is lower
case; a VM's power state is `properties.extended.instanceView.powerState` (code,
level, displayStatus) and its `properties.instanceView` is left out; string columns a
resource lacks read "", object columns null, `tags` {}.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.sandbox.builders import PEERING_TYPE, VM_TYPE, VNET_TYPE
from tui.sandbox.graph.evaluate import TABLE_SCHEMA, Row
from tui.sandbox.store import (
    RESOURCE_GROUP_TYPE,
    SUBSCRIPTION_TYPE,
    IdParts,
    Resource,
    Tx,
)
from tui.sandbox.vms import power_status
from tui.sandbox.vnets import vnet_view

# Graph type -> stored type, where they differ.
CONTAINER_TYPES = {
    "microsoft.resources/subscriptions": SUBSCRIPTION_TYPE.lower(),
    "microsoft.resources/subscriptions/resourcegroups": RESOURCE_GROUP_TYPE.lower(),
}
_STRING_COLUMNS = ("kind", "location", "managedBy")
_OBJECT_COLUMNS = ("sku", "plan", "identity", "zones", "extendedLocation")


def tenants(tx: Tx) -> dict[str, str]:
    """Lower-cased subscription id -> its tenant (lower case; '' when the body has none)."""
    return {sub: (tenant or "").lower() for sub, tenant in tx.subscription_tenants()}


def source(
    tx: Tx,
    table: str,
    scope: set[str],
    *,
    types: set[str] | None = None,
    cutoff: float | None = None,
    tenant_of: dict[str, str] | None = None,
) -> Iterator[Row]:
    """The table's rows in the subscriptions of `scope`, as the index holds them at
    `cutoff`, in key order; `types` (graph types) narrows what is read when the query's
    first filter names them. Rows are made as they are consumed (inside the transaction),
    so a large table is never decoded all at once."""
    tenant_of = tenant_of if tenant_of is not None else tenants(tx)
    if table == "resourcecontainers":
        yield from _containers(tx, scope, types, cutoff, tenant_of)
        return
    stored = [t for t in tx.top_level_types() if types is None or t in types]
    links: dict[str, list[tuple[str, str, str]]] = {}  # VNet key -> its links, undecoded
    if VNET_TYPE.lower() in stored:
        for _key, rid, kind, sub, _rg, parent, body in tx.rows_as_of([PEERING_TYPE], cutoff):
            if sub in scope:
                links.setdefault(parent, []).append((rid, kind, body))
    for record in tx.rows_as_of(stored, cutoff):
        if record[3] in scope:
            yield _resource_row(record, links, tenant_of)


def count(
    tx: Tx, scope: set[str], *, types: set[str] | None = None, cutoff: float | None = None
) -> int:
    """How many rows `source` would give for `resources` (nothing decoded)."""
    stored = [t for t in tx.top_level_types() if types is None or t in types]
    return sum(1 for record in tx.rows_as_of(stored, cutoff) if record[3] in scope)


def count_groups(tx: Tx, scope: set[str], types: set[str] | None,
                 by: tuple[str, ...]) -> int:
    """How many groups a `summarize` by subscription (and resource group) over the
    `resources` rows of `types` gives (nothing decoded)."""
    stored = [t for t in tx.top_level_types() if types is None or t in types]
    groups = tx.groups_of(stored, by_group=len(by) > 1)
    return sum(1 for sub, _rg in groups if sub in scope)


def _resource_row(
    record: tuple[str, str, str, str, str, str, str],
    links: dict[str, list[tuple[str, str, str]]], tenant_of: dict[str, str],
) -> Row:
    key, rid, kind, sub, rg, _parent, text = record
    body = json.loads(text)
    props = body.get("properties")
    if kind == VNET_TYPE.lower():
        peerings = [Resource(i, k, json.loads(b), etag="") for i, k, b in links.get(key, [])]
        props = vnet_view(Resource(rid, kind, body, etag=""), peerings)["properties"]
    elif kind == VM_TYPE.lower():
        props = _vm_properties(body)
    return Row(_values(body, rid, kind, sub, rg, tenant_of, props), key)


def _vm_properties(body: dict[str, Any]) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    props.pop("instanceView", None)
    status = power_status(body)
    if status is not None:
        props["extended"] = {"instanceView": {"powerState": {
            "code": status.get("code"), "level": status.get("level", "Info"),
            "displayStatus": status.get("displayStatus"),
        }}}
    return props


_EMPTY_ROW: dict[str, Any] = {name: None for name, _ in TABLE_SCHEMA}


def _values(
    body: dict[str, Any], rid: str, kind: str, sub: str, rg: str, tenant_of: dict[str, str],
    props: Any,
) -> dict[str, Any]:
    values = _EMPTY_ROW.copy()
    values["id"] = body.get("id") or rid
    values["name"] = body.get("name") or IdParts.parse(rid).name
    values["type"] = kind
    values["tenantId"] = tenant_of.get(sub, "")
    values["resourceGroup"] = rg
    values["subscriptionId"] = sub
    values["properties"] = props
    values["tags"] = body.get("tags") or {}
    for name in _STRING_COLUMNS:
        values[name] = str(body.get(name) or "")
    for name in _OBJECT_COLUMNS:
        values[name] = body.get(name)
    return values


def _containers(
    tx: Tx, scope: set[str], types: set[str] | None, cutoff: float | None,
    tenant_of: dict[str, str],
) -> list[Row]:
    wanted = [g for g in CONTAINER_TYPES if types is None or g in types]
    rows: list[Row] = []
    for graph_type in wanted:
        for key, rid, _kind, sub, rg, _parent, text in tx.rows_as_of(
            [CONTAINER_TYPES[graph_type]], cutoff
        ):
            if sub not in scope:
                continue
            body = json.loads(text)
            if graph_type == "microsoft.resources/subscriptions":
                props: Any = {
                    "state": body.get("state", "Enabled"),
                    "subscriptionPolicies": body.get("subscriptionPolicies") or {},
                    "managementGroupAncestorsChain": [],  # [U] the sandbox has no groups
                }
                body = {**body, "name": body.get("displayName") or sub}
            else:
                props = body.get("properties") or {}
            rows.append(Row(_values(body, rid, graph_type, sub, rg, tenant_of, props), key))
    rows.sort(key=lambda r: r.ordinal)
    return rows


__all__ = ["CONTAINER_TYPES", "count", "source", "tenants"]
