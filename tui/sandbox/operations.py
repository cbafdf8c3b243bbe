"""Long-running operations: how a write stays in progress, then settles.

A write is applied when it is accepted (so a second process sees both sides of a peering
change at once) and its resource shows `Updating`/`Deleting` until the operation's due
time; the first request after that settles it. With `operation_seconds=0` the very first
poll settles it, so tests never wait.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tui.sandbox import peerings, vnets
from tui.sandbox.builders import PEERING_TYPE, VNET_TYPE, instance_view
from tui.sandbox.store import Operation, SandboxStore, Tx


def settle(store: SandboxStore) -> None:
    """Finish every operation whose time has come (cheap when there is none)."""
    if not store.has_due_operations():
        return
    with store.write() as tx:
        for op in tx.due_operations():
            complete(tx, op)
        # Status URLs stay answerable for a day, as ARM keeps them; then they are dropped.
        tx.conn.execute("DELETE FROM operations WHERE status != 'InProgress' AND finished < ?",
                        (tx.now - 86400,))


def complete(tx: Tx, op: Operation) -> None:
    if op.error is not None:
        # A planned failure (fault profile): the write was never applied.
        tx.finish_operation(op.id, "Failed")
        return
    resource = tx.get(op.resource_key)
    if op.kind.startswith("power:"):
        if resource is not None:
            resource.properties["instanceView"] = instance_view(op.kind.split(":", 1)[1])
            tx.put(resource)
    elif op.kind == "delete":
        if resource is not None:
            kind = resource.type.lower()
            if kind == PEERING_TYPE.lower():
                peerings.finish_delete_peering(tx, resource.id)
            elif kind == VNET_TYPE.lower():
                vnets.finish_delete_vnet(tx, resource.id)
            else:
                tx.delete(resource.id)
    elif resource is not None and resource.provisioning_state in ("Updating", "Creating"):
        resource.properties["provisioningState"] = "Succeeded"
        tx.put(resource)
    tx.finish_operation(op.id, "Succeeded")


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def status_body(op: Operation) -> dict[str, Any]:
    """The Azure-AsyncOperation status document (`AzureAsyncOperationResult` + ARM RPC)."""
    status = op.status
    body: dict[str, Any] = {
        "id": f"/subscriptions/{op.subscription}/providers/{op.namespace}/locations/"
              f"{op.region}/operations/{op.id}",
        "name": op.id,
        "status": status,
        "startTime": _iso(op.created),
    }
    if status != "InProgress":
        body["endTime"] = _iso(op.due)
    if status == "Failed" and op.error is not None:
        body["error"] = op.error
    return body


def urls(op: Operation, host: str, api_version: str) -> tuple[str, str]:
    """(Azure-AsyncOperation URL, Location URL) of an operation."""
    base = f"{host}/subscriptions/{op.subscription}/providers/{op.namespace}/locations/{op.region}"
    query = f"?api-version={api_version}"
    return f"{base}/operations/{op.id}{query}", f"{base}/operationResults/{op.id}{query}"


def headers(op: Operation, host: str, api_version: str, *, location: bool) -> dict[str, str]:
    async_url, location_url = urls(op, host, api_version)
    found = {"Azure-AsyncOperation": async_url, "Retry-After": "1", "x-ms-request-id": op.id}
    if location:
        found["Location"] = location_url
    return found
