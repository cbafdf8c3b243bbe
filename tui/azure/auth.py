"""Signing in: which credential, which cloud, which tenant, and what to say when it fails.

`make_credential(settings)` turns `--auth`, `--tenant` and `--cloud` into one async
credential (a `SignInCredential`) that every client shares; `client_options(settings)`
gives each management client the cloud's ARM endpoint, token scope and the safety
policies. Errors from azure-identity become `tui.errors.AuthError` with a sentence a person
can act on (AADSTS codes explained, "no credential worked" with a fix for each way tried).
Every token handed out is registered with `tui.redact`, so it can never be logged.

The SDK is imported inside functions: `import tui.cli` must not pay for azure.identity.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tui import redact
from tui.config import tenant_problem
from tui.errors import AuthError, InputError
from tui.settings import Settings, state_dir

log = logging.getLogger(__name__)


# --- clouds ------------------------------------------------------------------------------


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


# --- device code ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCodePrompt:
    """What a person needs to finish a device-code sign-in on another machine."""

    url: str
    code: str
    expires_on: datetime

    def instructions(self) -> str:
        return (
            f"To sign in, open {self.url} in a browser on any device and enter the code "
            f"{self.code} (it expires at {self.expires_on:%H:%M})."
        )


DeviceCodeHandler = Callable[[DeviceCodePrompt], None]


def print_device_code(prompt: DeviceCodePrompt) -> None:
    """The command line's handler: instructions on stderr (stdout may be JSON)."""
    print(prompt.instructions(), file=sys.stderr, flush=True)


# --- credentials ------------------------------------------------------------------------

AUTH_METHODS = ("default", "cli", "device-code", "browser", "env", "managed-identity")
_RECORD_FILE = "auth-record-{cloud}-{method}.json"


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
            raise _env_error(redact.redact(_shorten(str(error)))) from None
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
            raise _env_error(f"{name} is not set ({_METHOD_FIXES['env']})")
    problem = tenant_problem(env["AZURE_TENANT_ID"])
    if problem:
        raise _env_error(f"AZURE_TENANT_ID {problem}")
    if "AZURE_CLIENT_SECRET" in env:
        if not env["AZURE_CLIENT_SECRET"].strip():
            raise _env_error("AZURE_CLIENT_SECRET is empty; set it to the secret's value")
        return
    certificate = env.get("AZURE_CLIENT_CERTIFICATE_PATH", "")
    if not certificate:
        raise _env_error(f"no secret or certificate ({_METHOD_FIXES['env']})")
    if not Path(certificate).is_file():
        raise _env_error(f"AZURE_CLIENT_CERTIFICATE_PATH {certificate} is not a file")


def _env_error(problem: str) -> AuthError:
    return AuthError(f"--auth env: {problem}", code="CredentialUnavailable")


def token_cache_options(settings: Settings) -> Any | None:
    """azure-identity's persistent token cache, per `token_cache` in the config file.

    "auto" (the default) allows unencrypted storage: tokens are encrypted with the macOS
    Keychain, Windows DPAPI or Linux libsecret when present, and otherwise kept in a file
    only the user can read, because jump boxes reached over SSH rarely run a keyring and
    signing in again at every start is what pushes people to worse habits. "encrypted"
    refuses that fallback (sign-in fails with an explanation where no keyring exists);
    "off" keeps tokens in memory only.
    """
    if settings.token_cache == "off":
        return None
    from azure.identity import TokenCachePersistenceOptions

    return TokenCachePersistenceOptions(
        name="vnettui", allow_unencrypted_storage=settings.token_cache != "encrypted"
    )


class InteractiveCredential:
    """Device code or browser sign-in (azure-identity has only synchronous versions).

    Runs the synchronous credential in a worker thread, remembers the account
    (`AuthenticationRecord`, no secret in it) under the state dir so the next start reuses
    the persistent token cache silently, and hands device codes to the event loop.
    """

    def __init__(
        self, settings: Settings, endpoints: CloudEndpoints, handler: DeviceCodeHandler
    ) -> None:
        self.settings = settings
        self.endpoints = endpoints
        self.handler = handler
        self.record_path = state_dir() / _RECORD_FILE.format(
            cloud=endpoints.name, method=settings.auth
        )
        self._credential: Any = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _prompt(self, url: str, code: str, expires_on: datetime) -> None:
        prompt = DeviceCodePrompt(url=url, code=code, expires_on=expires_on)
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self.handler, prompt)
        else:
            self.handler(prompt)

    def _build(self) -> Any:
        import azure.identity as identity

        kwargs: dict[str, Any] = {
            "authority": self.endpoints.authority_host,
            "additionally_allowed_tenants": ["*"],
        }
        if self.settings.tenant:
            kwargs["tenant_id"] = self.settings.tenant
        cache = token_cache_options(self.settings)
        if cache is not None:
            kwargs["cache_persistence_options"] = cache
        record = self._load_record()
        if record is not None:
            kwargs["authentication_record"] = record
        if self.settings.auth == "device-code":
            return identity.DeviceCodeCredential(prompt_callback=self._prompt, **kwargs)
        return identity.InteractiveBrowserCredential(**kwargs)

    def _load_record(self) -> Any | None:
        from azure.identity import AuthenticationRecord

        try:
            return AuthenticationRecord.deserialize(self.record_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as error:
            log.warning("ignoring unreadable sign-in record %s: %s", self.record_path, error)
            return None

    def _save_record(self, record: Any) -> None:
        try:
            self.record_path.parent.mkdir(parents=True, exist_ok=True)
            self.record_path.write_text(record.serialize(), encoding="utf-8")
            self.record_path.chmod(0o600)
        except OSError as error:
            log.warning("could not save sign-in record %s: %s", self.record_path, error)

    def _get_token(self, scopes: tuple[str, ...], kwargs: dict[str, Any]) -> Any:
        with self._lock:
            if self._credential is None:
                self._credential = self._build()
                if not self.record_path.exists():
                    self._save_record(self._credential.authenticate(scopes=list(scopes)))
            return self._credential.get_token(*scopes, **kwargs)

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        # A daemon thread rather than the default executor: a sign-in waiting for a person
        # (up to the code's 15 minutes) must not keep the process alive after they quit.
        loop = self._loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                outcome: tuple[bool, Any] = (True, self._get_token(scopes, kwargs))
            except BaseException as error:  # handed to the awaiting task, not lost
                outcome = (False, error)
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
                loop.call_soon_threadsafe(deliver, *outcome)

        threading.Thread(target=work, name="vnettui-sign-in", daemon=True).start()
        return await future

    async def close(self) -> None:
        if self._credential is not None:
            with contextlib.suppress(Exception):
                self._credential.close()


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
            if _is_unreachable(error):
                raise AuthError(
                    f"Could not reach the sign-in service {self.endpoints.authority_host}: "
                    f"{_shorten(redact.redact(str(error)))} (check the network, a proxy "
                    "or --cloud)", code="SignInUnreachable") from None
            if not _is_sign_in_error(error):
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


# --- explaining failures ----------------------------------------------------------------

AADSTS: dict[str, str] = {
    "50076": "your organisation requires multi-factor authentication for this sign-in; "
             "sign in again interactively (`az login`, or --auth device-code over SSH)",
    "50079": "you must register for multi-factor authentication first "
             "(https://aka.ms/mfasetup), then sign in again",
    "53003": "a Conditional Access policy blocked this sign-in (device, location or app); "
             "ask your administrator which conditions apply, or sign in from an allowed device",
    "530003": "Conditional Access requires a managed or compliant device; sign in from such "
              "a device or use a service principal (--auth env)",
    "50158": "an external security challenge (third-party MFA or Conditional Access) was not "
             "satisfied; complete the sign-in in a browser (`az login`)",
    "700016": "the application (client id) was not found in the tenant: check AZURE_CLIENT_ID "
              "and --tenant, or that an administrator consented to the app there",
    "7000215": "the client secret is wrong (often the secret's id was used instead of its "
               "value); create a new secret and set AZURE_CLIENT_SECRET to its value",
    "7000222": "the client secret has expired; create a new one and update "
               "AZURE_CLIENT_SECRET",
    "50173": "the saved sign-in is no longer valid (password changed or session revoked); "
             "sign in again",
    "700082": "the saved sign-in expired after a long time unused; sign in again",
    "70043": "Conditional Access sign-in frequency ended the session; sign in again",
    "50020": "your account is not a member or guest of that tenant; ask for an invitation "
             "or check --tenant",
    "90002": "the tenant does not exist: check --tenant (and --cloud)",
    "50034": "the account does not exist in that tenant: check the user name and --tenant",
    "50126": "the user name or password is wrong",
    "65001": "the application needs consent in this tenant; ask an administrator to grant it",
    "70011": "the requested scope is invalid, usually a --cloud that does not match the "
             "account's cloud",
    "500011": "the resource is not known in that tenant, usually a --cloud that does not "
              "match the tenant's cloud",
    "50059": "no tenant could be found for the account: pass --tenant",
}


def explain_aadsts(text: str) -> str | None:
    """One sentence for the first AADSTS code in `text` (None when there is none)."""
    for match in re.finditer(r"AADSTS(\d+)", text):
        sentence = AADSTS.get(match.group(1))
        if sentence:
            return f"AADSTS{match.group(1)}: {sentence}"
    unknown = re.search(r"AADSTS(\d+)", text)
    return f"AADSTS{unknown.group(1)}: Microsoft Entra ID refused the sign-in" if unknown else None


# What each credential DefaultAzureCredential tries needs, as a fix a person can apply.
_FIXES: tuple[tuple[str, str, str], ...] = (
    ("EnvironmentCredential", "a service principal from the environment",
     "export AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, then use --auth env"),
    ("WorkloadIdentityCredential", "workload identity (Kubernetes)",
     "only inside a pod with Azure workload identity set up"),
    ("ManagedIdentityCredential", "a managed identity",
     "only on an Azure VM, App Service or Cloud Shell with an identity assigned"),
    ("SharedTokenCacheCredential", "the shared token cache", "sign in with --auth device-code"),
    ("AzureCliCredential", "the Azure CLI",
     "run `az login` (over SSH: `az login --use-device-code`), then start vnettui again"),
    ("AzurePowerShellCredential", "Azure PowerShell", "run Connect-AzAccount"),
    ("AzureDeveloperCliCredential", "the Azure Developer CLI", "run `azd auth login`"),
    ("VisualStudioCodeCredential", "VS Code", "sign in with the Azure extension"),
)

_METHOD_FIXES = {
    "cli": "run `az login` (over SSH: `az login --use-device-code`); for --cloud usgov or "
           "china first `az cloud set --name AzureUSGovernment|AzureChinaCloud`",
    "env": "export AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or "
           "AZURE_CLIENT_CERTIFICATE_PATH) for a service principal",
    "managed-identity": "run on an Azure VM, App Service or Cloud Shell with a managed "
                        "identity (AZURE_CLIENT_ID for a user-assigned one)",
    "device-code": "finish the device-code sign-in in a browser before the code expires",
    "browser": "a browser must open on this machine; over SSH use --auth device-code",
}


def _is_unreachable(error: BaseException) -> bool:
    """No answer from the sign-in host (DNS, connection refused, a timeout in transit)."""
    from azure.core.exceptions import ServiceRequestError, ServiceResponseError

    return isinstance(error, ServiceRequestError | ServiceResponseError)


def _is_sign_in_error(error: BaseException) -> bool:
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import CredentialUnavailableError

    if isinstance(error, ClientAuthenticationError | CredentialUnavailableError):
        return True
    # msal-extensions' "persistence not available" when the cache cannot be encrypted.
    return type(error).__name__ in ("PersistenceNotFound", "PersistenceError")


def sign_in_error(error: BaseException, settings: Settings) -> AuthError:
    """An AuthError saying what was tried and how to fix each; the backend may call this
    for azure-identity errors that reach it by another road."""
    text = redact.redact(str(getattr(error, "message", None) or error))
    aadsts = explain_aadsts(text)
    if aadsts:
        code = aadsts.split(":", 1)[0]
        return AuthError(f"sign-in refused: {aadsts}", code=code, status=401)
    if type(error).__name__ in ("PersistenceNotFound", "PersistenceError"):
        return AuthError(
            "the token cache cannot be encrypted here (no keyring); set token_cache = "
            "\"auto\" (file readable only by you) or \"off\" in the config file",
            code="TokenCacheUnavailable",
        )
    lines = [f"no credential worked (--auth {settings.auth}"
             + (f", --tenant {settings.tenant}" if settings.tenant else "")
             + f", --cloud {settings.cloud}). Tried:"]
    if settings.auth == "default":
        reasons = _attempt_reasons(text)
        for name, what, fix in _FIXES:
            reason = reasons.get(name)
            if reason is None and reasons:
                continue  # not in this chain (the message lists what it tried)
            lines.append(f"  - {what}: {_shorten(reason) if reason else 'not available'}")
            lines.append(f"      fix: {fix}")
    else:
        lines.append(f"  - {settings.auth}: {_shorten(text)}")
        lines.append(f"      fix: {_METHOD_FIXES.get(settings.auth, 'sign in again')}")
    lines.append("Or sign in here with --auth device-code (works over SSH), "
                 "or explore without Azure: vnettui --sandbox")
    return AuthError("\n".join(lines), code="NoCredential", status=401)


def _attempt_reasons(text: str) -> dict[str, str]:
    """`Name: reason` lines of DefaultAzureCredential's "Attempted credentials" message."""
    reasons: dict[str, str] = {}
    for match in re.finditer(r"^\s*(\w+Credential):\s*(.+)$", text, re.M):
        reasons.setdefault(match.group(1), match.group(2).strip())
    return reasons


def _shorten(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe(settings: Settings) -> str:
    """How vnettui signs in, for headers and `--help`-like output."""
    if settings.sandbox:
        return "sandbox"
    parts = [settings.auth, settings.cloud]
    if settings.tenant:
        parts.append(f"tenant {settings.tenant}")
    return ", ".join(parts)


def record_path(settings: Settings) -> Path:
    """Where a device-code or browser sign-in remembers the account (no secret in it)."""
    return state_dir() / _RECORD_FILE.format(cloud=settings.cloud, method=settings.auth)


def missing_right_hint(
    code: str, vnet_id: str, remote_vnet_id: str | None = None
) -> str | None:
    """Which role is missing, and on which side, for a refused peering write.

    ARM answers `AuthorizationFailed` when the caller may not write the peering on its own
    VNet, and `LinkedAuthorizationFailed` when it may not `peer/action` the remote VNet
    (the linked resource), per the peering permissions in Microsoft's documentation.
    """
    from tui.model import rid

    local = rid(vnet_id)
    lowered = code.lower()
    if lowered == "linkedauthorizationfailed" and remote_vnet_id:
        remote = rid(remote_vnet_id)
        return (
            f"you lack Microsoft.Network/virtualNetworks/peer/action on the remote VNet "
            f"{remote.name} (subscription {remote.subscription_id}): ask for Network "
            f"Contributor there; in another tenant you also need a guest account in it"
        )
    if lowered in ("authorizationfailed", "linkedauthorizationfailed"):
        return (
            f"you lack Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write on "
            f"{local.name} (subscription {local.subscription_id}, resource group "
            f"{local.resource_group}): ask for Network Contributor on that VNet"
        )
    if lowered == "invalidauthenticationtokentenant":
        return (
            "the token is for another tenant than the subscription's: sign in with --tenant "
            "set to the subscription's tenant (a cross-tenant peering needs both tenants)"
        )
    return None
