"""Who is asking: the tenant behind the bearer token and behind auxiliary tokens.

The sandbox's tokens name their tenant (`sandbox-token` = the home tenant,
`sandbox-token.<tenant id>` = another), so cross-tenant rules can be played: a subscription
answers only tokens of its own tenant, and a peering into another tenant's VNet needs that
tenant's token in `x-ms-authorization-auxiliary` (azure-facts.md section 2).
"""

from __future__ import annotations

from collections.abc import Mapping

HOME_TENANT = "5a4db0c5-0000-4000-8000-000000005a4d"
TOKEN = "sandbox-token"


def token_for(tenant_id: str | None) -> str:
    if not tenant_id or tenant_id.lower() == HOME_TENANT:
        return TOKEN
    return f"{TOKEN}.{tenant_id.lower()}"


ANY_TENANT = "*"


def tenant_of(token: str) -> str:
    """The tenant a sandbox token was issued for, or ANY_TENANT for a token the sandbox did
    not issue (it names no tenant the sandbox can check)."""
    value = token.strip()
    if value.lower().startswith(("bearer ", "encryptedbearer ")):
        value = value.split(None, 1)[1]
    if value == TOKEN:
        return HOME_TENANT
    prefix = f"{TOKEN}."
    return value[len(prefix):].lower() if value.startswith(prefix) else ANY_TENANT


def request_tenants(headers: Mapping[str, str]) -> tuple[str, frozenset[str]]:
    """(tenant of the Authorization token, tenants of the auxiliary tokens).

    A token the sandbox did not issue (a test's own credential) counts for any tenant: the
    sandbox checks only what it can, e.g. that a cross-tenant write carries an auxiliary
    token at all.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    primary = tenant_of(lowered.get("authorization", "")) if lowered.get(
        "authorization") else HOME_TENANT
    aux = lowered.get("x-ms-authorization-auxiliary", "")
    return primary, frozenset(tenant_of(t) for t in aux.split(",") if t.strip())
