"""Virtual machines as ARM shows them: the power state only when it is asked for."""

from __future__ import annotations

from typing import Any

from tui.sandbox.store import Resource


def vm_view(vm: Resource, *, with_instance_view: bool) -> dict[str, Any]:
    """A VM as ARM returns it: the instance view (power state) only when asked for."""
    if with_instance_view:
        return vm.body
    body = dict(vm.body)
    props = dict(body.get("properties", {}))
    props.pop("instanceView", None)
    body["properties"] = props
    return body


def power_status(vm_body: dict[str, Any]) -> dict[str, Any] | None:
    """The `PowerState/...` status of a VM's instance view, if it has one."""
    view = (vm_body.get("properties") or {}).get("instanceView") or {}
    for status in view.get("statuses") or []:
        if str(status.get("code", "")).lower().startswith("powerstate/"):
            return dict(status)
    return None
