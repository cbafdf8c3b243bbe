"""Explaining sign-in and authorization failures in a sentence a person can act on:
AADSTS codes, "no credential worked" with a fix for each way tried, and which role a
refused peering write lacks.

Apart from `auth` so the wording, which is most of the lines, is one module and the
credentials another. The SDK is imported inside functions.
"""

from __future__ import annotations

import re

from tui import redact
from tui.errors import AuthError
from tui.settings import Settings

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

METHOD_FIXES = {
    "cli": "run `az login` (over SSH: `az login --use-device-code`); for --cloud usgov or "
           "china first `az cloud set --name AzureUSGovernment|AzureChinaCloud`",
    "env": "export AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or "
           "AZURE_CLIENT_CERTIFICATE_PATH) for a service principal",
    "managed-identity": "run on an Azure VM, App Service or Cloud Shell with a managed "
                        "identity (AZURE_CLIENT_ID for a user-assigned one)",
    "device-code": "finish the device-code sign-in in a browser before the code expires",
    "browser": "a browser must open on this machine; over SSH use --auth device-code",
}


def is_unreachable(error: BaseException) -> bool:
    """No answer from the sign-in host (DNS, connection refused, a timeout in transit)."""
    from azure.core.exceptions import ServiceRequestError, ServiceResponseError

    return isinstance(error, ServiceRequestError | ServiceResponseError)


def is_sign_in_error(error: BaseException) -> bool:
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
            lines.append(f"  - {what}: {shorten(reason) if reason else 'not available'}")
            lines.append(f"      fix: {fix}")
    else:
        lines.append(f"  - {settings.auth}: {shorten(text)}")
        lines.append(f"      fix: {METHOD_FIXES.get(settings.auth, 'sign in again')}")
    lines.append("Or sign in here with --auth device-code (works over SSH), "
                 "or explore without Azure: vnettui --sandbox")
    return AuthError("\n".join(lines), code="NoCredential", status=401)


def _attempt_reasons(text: str) -> dict[str, str]:
    """`Name: reason` lines of DefaultAzureCredential's "Attempted credentials" message."""
    reasons: dict[str, str] = {}
    for match in re.finditer(r"^\s*(\w+Credential):\s*(.+)$", text, re.M):
        reasons.setdefault(match.group(1), match.group(2).strip())
    return reasons


def shorten(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


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
