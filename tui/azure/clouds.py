"""Azure clouds: where to sign in and where ARM lives for `--cloud` (public, usgov,
china), from the SDK's own tables, and the keyword arguments every management client gets.

Apart from `auth` so that the credentials and the clients read one cloud table, and
neither owns it. The SDK is imported inside functions, as everywhere in `tui.azure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.errors import InputError
from tui.settings import Settings


@dataclass(frozen=True)
class CloudEndpoints:
    """Where to sign in and where ARM lives, for one Azure cloud."""

    name: str  # public | usgov | china
    authority_host: str  # login.microsoftonline.com ...
    resource_manager: str  # https://management.azure.com ...
    credential_scopes: tuple[str, ...]

    @property
    def scope(self) -> str:
        return self.credential_scopes[0]


_CLOUD_NAMES = {
    "public": ("AZURE_PUBLIC_CLOUD", "AZURE_PUBLIC_CLOUD"),
    "usgov": ("AZURE_US_GOVERNMENT", "AZURE_GOVERNMENT"),
    "china": ("AZURE_CHINA_CLOUD", "AZURE_CHINA"),
}


def cloud_endpoints(cloud: str) -> CloudEndpoints:
    """The endpoints of `cloud`, from the SDK's own tables (azure-core, azure-mgmt-core)."""
    from azure.core import AzureClouds
    from azure.identity import AzureAuthorityHosts
    from azure.mgmt.core.tools import get_arm_endpoints

    try:
        arm_cloud, authority = _CLOUD_NAMES[cloud]
    except KeyError:
        raise InputError(
            f"unknown cloud {cloud!r}: use one of {', '.join(_CLOUD_NAMES)}"
        ) from None
    arm = get_arm_endpoints(getattr(AzureClouds, arm_cloud))
    return CloudEndpoints(
        name=cloud,
        authority_host=str(getattr(AzureAuthorityHosts, authority)),
        resource_manager=str(arm["resource_manager"]).rstrip("/"),
        credential_scopes=tuple(str(s) for s in arm["credential_scopes"]),
    )


def client_options(settings: Settings, policies: Sequence[Any] = ()) -> dict[str, Any]:
    """Keyword arguments for every management client: endpoint, scope, extra policies.

    `policies` go in `per_retry_policies` (see `tui.azure.guard` for why there). The
    sandbox answers at the public cloud's address, so `--sandbox` always uses it.
    """
    endpoints = cloud_endpoints("public" if settings.sandbox else settings.cloud)
    return {
        "base_url": endpoints.resource_manager,
        "credential_scopes": list(endpoints.credential_scopes),
        "per_retry_policies": list(policies),
    }
