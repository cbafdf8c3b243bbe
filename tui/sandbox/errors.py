"""ARM's error envelope, raised anywhere in the sandbox and rendered once by the router.

Shape (azure-facts.md section 4, `arm-rpc.ErrorResponse.json`):
`{"error": {"code", "message", "target"?, "details": [...]}}`.
"""

from __future__ import annotations

from typing import Any


class ArmError(Exception):
    """A refusal the sandbox answers with an HTTP status and ARM's error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = dict(headers or {})
        self.details = list(details or [])

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "details": self.details}
        if self.target:
            error["target"] = self.target
        return {"error": error}


def not_found(resource_type: str, name: str, resource_group: str) -> ArmError:
    """ARM's answer for a top-level resource that does not exist."""
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{resource_type}/{name}' under resource group '{resource_group}' "
        "was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def parent_not_found(parent_name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        "Can not perform requested operation on nested resource. "
        f"Parent resource '{parent_name}' not found.",
    )


def child_not_found(resource_id: str) -> ArmError:
    # The Network RP answers a missing nested resource with code NotFound.
    return ArmError(404, "NotFound", f"Resource {resource_id} not found.")


def resource_group_not_found(resource_group: str) -> ArmError:
    return ArmError(
        404, "ResourceGroupNotFound", f"Resource group '{resource_group}' could not be found."
    )


def subscription_not_found(subscription_id: str) -> ArmError:
    return ArmError(
        404, "SubscriptionNotFound", f"The subscription '{subscription_id}' could not be found."
    )


def bad_request(code: str, message: str) -> ArmError:
    return ArmError(400, code, message)


def linked_authorization_failed(peering_id: str, remote_id: str, why: str = "") -> ArmError:
    """The caller may write the peering but not `peer/action` on the remote VNet."""
    tail = why or (
        "it does not have permission to perform action "
        "'Microsoft.Network/virtualNetworks/peer/action' on the linked scope(s) "
        f"'{remote_id}' or the linked scope(s) are invalid."
    )
    return ArmError(
        403,
        "LinkedAuthorizationFailed",
        "The client has permission to perform action "
        "'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write' on scope "
        f"'{peering_id}', however {tail}",
    )
