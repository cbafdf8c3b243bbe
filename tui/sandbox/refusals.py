"""The refusals the sandbox's router answers for a request's form rather than its content:
no such route, a method the route does not take, no right on the subscription, failed
If-Match / If-None-Match preconditions, a body that is not a JSON object.

Apart from `routes` so the router reads as dispatch and handlers, and each refusal's
wording (copied from ARM's) is in one place.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox.errors import ArmError, bad_request
from tui.sandbox.records import Resource
from tui.sandbox.wire import Request


def preconditions(req: Request, current: Resource | None) -> None:
    """If-Match / If-None-Match, as ARM honours them for optimistic concurrency."""
    if req.if_match is not None and req.if_match != "*" and (
        current is None or current.etag != req.if_match
    ):
        raise ArmError(412, "PreconditionFailed",
                       "The resource was changed since the ETag given in If-Match was read.")
    if req.if_match == "*" and current is None:
        raise ArmError(412, "PreconditionFailed", "If-Match: * but the resource does not exist.")
    if req.if_none_match == "*" and current is not None:
        raise ArmError(412, "PreconditionFailed",
                       "If-None-Match: * but the resource already exists.")


def object_body(req: Request) -> dict[str, Any]:
    if not isinstance(req.body, dict):
        raise bad_request("InvalidRequestContent", "The request content must be a JSON object.")
    return req.body


def no_route(req: Request) -> ArmError:
    return ArmError(
        404, "InvalidResourceType",
        f"The sandbox does not serve {req.method} {req.path} (no such resource type here).",
    )


def method_not_allowed(req: Request) -> ArmError:
    return ArmError(405, "MethodNotAllowed",
                    f"The sandbox does not support {req.method} on {req.path}.")


def forbidden(req: Request, sub: str) -> ArmError:
    verb = "read" if req.method == "GET" else ("delete" if req.method == "DELETE" else "write")
    segs = [s for s in req.path.split("/") if s]
    lowered = [s.lower() for s in segs]
    if "providers" in lowered:
        at = lowered.index("providers")
        kinds = [segs[at + 1], *segs[at + 2::2]]
        action = "/".join([*kinds, verb])
    else:
        action = f"Microsoft.Resources/subscriptions/{verb}"
    return ArmError(
        403, "AuthorizationFailed",
        "The client 'sandbox-user@sandbox.local' with object id "
        "'5a4db0c5-0000-4000-8000-00000000abcd' does not have authorization to perform action "
        f"'{action}' over scope '{req.path}' or the scope is invalid. If access was recently "
        "granted, please refresh your credentials.",
    )
