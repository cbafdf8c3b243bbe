"""Signing in: which credential, which cloud, which tenant, and what to say when it fails.

`make_credential(settings)` turns `--auth`, `--tenant` and `--cloud` into one async
credential (a `SignInCredential`) that every client shares; `client_options(settings)`
gives each management client the cloud's ARM endpoint, token scope and the safety
policies. Errors from azure-identity become `tui.errors.AuthError` with a sentence a person
can act on (AADSTS codes explained, "no credential worked" with a fix for each way tried).
Every token handed out is registered with `tui.redact`, so it can never be logged.

The SDK is imported inside functions: `import tui.cli` must not pay for azure.identity.

Here: the credentials. The clouds are in `tui.azure.clouds`, device-code and browser
sign-in in `tui.azure.interactive`, the explanations in `tui.azure.auth_errors`; every
name this module had is importable from it too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tui import redact
from tui.azure.auth_errors import (
    AADSTS,
    METHOD_FIXES,
    explain_aadsts,
    is_sign_in_error,
    is_unreachable,
    missing_right_hint,
    shorten,
    sign_in_error,
)
from tui.azure.clouds import CloudEndpoints, client_options, cloud_endpoints
from tui.azure.interactive import (
    DeviceCodeHandler,
    DeviceCodePrompt,
    InteractiveCredential,
    print_device_code,
    record_path,
    token_cache_options,
)
from tui.errors import AuthError, InputError
from tui.settings import Settings

AUTH_METHODS = ("default", "cli", "device-code", "browser", "env", "managed-identity")


def make_credential(
    settings: Settings, *, device_code: DeviceCodeHandler | None = None
) -> SignInCredential:
    """The credential for `settings.auth` in `settings.cloud`, signing in to `settings.tenant`.

    `device_code` receives the URL and code of a device-code sign-in (the TUI shows a
    modal; the default prints to stderr). It is called on the event loop's thread.
    """
    method = settings.auth
    endpoints = cloud_endpoints(settings.cloud)
    tenant = settings.tenant
    # Allow tokens for other tenants on request: --tenant on credentials that have no
    # tenant_id argument, and auxiliary tokens for cross-tenant peering.
    common: dict[str, Any] = {"additionally_allowed_tenants": ["*"]}
    from azure.identity import aio as identity_aio

    inner: Any
    if method == "default":
        inner = identity_aio.DefaultAzureCredential(
            authority=endpoints.authority_host, **common
        )
    elif method == "cli":
        # The Azure CLI signs in to the cloud chosen with `az cloud set`.
        inner = identity_aio.AzureCliCredential(tenant_id=tenant or "", **common)
    elif method == "env":
        redact.remember(os.environ.get("AZURE_CLIENT_SECRET"))
        check_environment()
        try:
            inner = identity_aio.EnvironmentCredential(
                authority=endpoints.authority_host, **common)
        except (ValueError, OSError) as error:  # a certificate it cannot load, say
            raise _env_error(redact.redact(shorten(str(error)))) from None
    elif method == "managed-identity":
        client_id = os.environ.get("AZURE_CLIENT_ID") or None  # a user-assigned identity
        inner = identity_aio.ManagedIdentityCredential(client_id=client_id)
    elif method in ("device-code", "browser"):
        inner = InteractiveCredential(settings, endpoints, device_code or print_device_code)
    else:
        raise InputError(f"unknown sign-in method {method!r}: use one of {', '.join(AUTH_METHODS)}")
    return SignInCredential(inner, settings, endpoints)


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """`--auth env`'s service principal, checked before azure-identity sees it: an empty
    secret, a certificate that is not there or a malformed tenant is one AuthError line
    (azure-identity would raise a ValueError or OSError from deep inside)."""
    env = os.environ if environ is None else environ
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID"):
        if not env.get(name, "").strip():
            raise _env_error(f"{name} is not set ({METHOD_FIXES['env']})")
    from tui.config import tenant_problem  # argparse and tomllib: only for `--auth env`

    problem = tenant_problem(env["AZURE_TENANT_ID"])
    if problem:
        raise _env_error(f"AZURE_TENANT_ID {problem}")
    if "AZURE_CLIENT_SECRET" in env:
        if not env["AZURE_CLIENT_SECRET"].strip():
            raise _env_error("AZURE_CLIENT_SECRET is empty; set it to the secret's value")
        return
    certificate = env.get("AZURE_CLIENT_CERTIFICATE_PATH", "")
    if not certificate:
        raise _env_error(f"no secret or certificate ({METHOD_FIXES['env']})")
    if not Path(certificate).is_file():
        raise _env_error(f"AZURE_CLIENT_CERTIFICATE_PATH {certificate} is not a file")


def _env_error(problem: str) -> AuthError:
    return AuthError(f"--auth env: {problem}", code="CredentialUnavailable")


class SignInCredential:
    """The one credential clients get: adds `--tenant`, registers tokens with the redactor
    and turns sign-in failures into an `AuthError` that says what to do."""

    def __init__(self, inner: Any, settings: Settings, endpoints: CloudEndpoints) -> None:
        self.inner = inner
        self.settings = settings
        self.endpoints = endpoints

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        if self.settings.tenant and "tenant_id" not in kwargs and self.settings.auth in (
            "default", "env"
        ):
            kwargs["tenant_id"] = self.settings.tenant
        try:
            token = await self.inner.get_token(*scopes, **kwargs)
        except AuthError:
            raise
        except Exception as error:
            if is_unreachable(error):
                raise AuthError(
                    f"Could not reach the sign-in service {self.endpoints.authority_host}: "
                    f"{shorten(redact.redact(str(error)))} (check the network, a proxy "
                    "or --cloud)", code="SignInUnreachable") from None
            if not is_sign_in_error(error):
                raise
            raise sign_in_error(error, self.settings) from None
        redact.remember(getattr(token, "token", None))
        return token

    async def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> SignInCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class TenantCredential:
    """Tokens for another tenant from the same sign-in (auxiliary tokens)."""

    def __init__(self, credential: Any, tenant_id: str) -> None:
        self.credential = credential
        self.tenant_id = tenant_id

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        kwargs["tenant_id"] = self.tenant_id
        return await self.credential.get_token(*scopes, **kwargs)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> TenantCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


def auxiliary_policy(
    credential: Any, tenant_ids: Sequence[str], settings: Settings
) -> Any:
    """`x-ms-authorization-auxiliary` for writes that reach into other tenants.

    A peering to a VNet in another tenant needs, besides the local token, a token from the
    remote tenant (ARM checks `virtualNetworks/peer/action` there). Up to three tenants;
    put the policy in the client's `per_retry_policies` next to the safety policies.
    """
    from azure.mgmt.core.policies import AsyncAuxiliaryAuthenticationPolicy

    tenants = list(dict.fromkeys(t for t in tenant_ids if t))
    if not tenants:
        raise InputError("no remote tenant given for the auxiliary token")
    if len(tenants) > 3:
        raise InputError("Azure accepts auxiliary tokens for at most 3 other tenants")
    endpoints = cloud_endpoints("public" if settings.sandbox else settings.cloud)
    return AsyncAuxiliaryAuthenticationPolicy(
        [TenantCredential(credential, t) for t in tenants], endpoints.scope
    )


def describe(settings: Settings) -> str:
    """How vnettui signs in, for headers and `--help`-like output."""
    if settings.sandbox:
        return "sandbox"
    parts = [settings.auth, settings.cloud]
    if settings.tenant:
        parts.append(f"tenant {settings.tenant}")
    return ", ".join(parts)



__all__ = [
    "AADSTS", "AUTH_METHODS", "CloudEndpoints", "DeviceCodeHandler", "DeviceCodePrompt",
    "InteractiveCredential", "SignInCredential", "TenantCredential", "auxiliary_policy",
    "check_environment", "client_options", "cloud_endpoints", "describe", "explain_aadsts",
    "make_credential", "missing_right_hint", "print_device_code", "record_path",
    "sign_in_error", "token_cache_options",
]
