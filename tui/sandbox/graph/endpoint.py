"""`POST /providers/Microsoft.ResourceGraph/resources`: one query across the caller's
subscriptions, answered from the same store as ARM (azure-facts.md section 9).

What it keeps as Azure does: the request body (`subscriptions` | `managementGroups`,
`query`, `options` with `$top` <= 1000, `$skip`, `$skipToken`, `resultFormat`,
`allowPartialScopes`); the answer (`totalRecords`, `count`, `resultTruncated`,
`$skipToken`, `facets`, `data`); a `join` reading its right side in the same scope; no
paging for a query with `take`/`limit` or with only object columns (`resultTruncated`
"true" instead); rows only from subscriptions the caller may read; the quota headers on
every answer and 429 `RateLimiting` past the quota; the index trailing ARM by the fault
profile's `graph_lag_seconds`; an answer larger than 16 MiB (`graph_max_payload`) refused
with 400 `BadRequest` and a `ResponsePayloadTooLarge` detail, in the words Azure's has in
published reports ("Response payload size is N, and has exceeded the limit of 16777216.
Please consider querying less data at a time and make paginated call if needed.").

[U] the sandbox's choices where Azure's are not published:
- no `$top`: pages of 1000;
- `$skip` given with a `$skipToken` wins over it;
- a listed subscription the caller may not read (forbidden, another tenant's, or unknown)
  fails the query with 403 `AuthorizationFailed` unless `allowPartialScopes` is true, when
  it is left out; none left: 400 with `NoValidSubscriptionsInQueryRequest`;
- `managementGroups` knows one group, the tenant root group (its id is the tenant id);
- api-versions before 2021-03-01 (whose answers were tables by default) are refused.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from tui.sandbox.errors import ArmError
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph import evaluate, paging, results, rows
from tui.sandbox.graph.kql import KqlError, Query, parse
from tui.sandbox.graph.quota import Quota
from tui.sandbox.graph.results import Kept, PageRequest, pushed_types
from tui.sandbox.store import SandboxStore
from tui.sandbox.tenants import ANY_TENANT, HOME_TENANT

OLDEST_API_VERSION = "2021-03-01"
MAX_TOP = 1000
DEFAULT_TOP = 1000
MAX_SUBSCRIPTIONS = 10_000


class GraphState:
    """What the endpoint keeps between one transport's requests: the caller's quota and the
    last results evaluated (each page of a large query must not evaluate it again).

    A plain class and `Options` a named tuple: every sandbox transport imports them, and
    a dataclass compiles its methods from source on import."""

    __slots__ = ("quota", "results", "size", "tenants")

    def __init__(self, quota: Quota) -> None:
        self.quota = quota
        self.results: Kept = OrderedDict()  # evaluated here, kept for the next pages
        self.tenants: tuple[tuple[int, int], dict[str, str]] | None = None  # (version, map)
        self.size: tuple[tuple[int, int], int] | None = None  # (store version, resources)

    @classmethod
    def for_profile(cls, faults: FaultProfile, clock: Callable[[], float]) -> GraphState:
        return cls(Quota(faults.graph_quota, faults.graph_quota_seconds, clock))


class Options(NamedTuple):
    subscriptions: list[str] | None
    groups: list[str] | None
    query: str
    top: int
    skip: int | None
    token: str | None
    table_format: bool
    partial: bool


def answer(
    store: SandboxStore,
    body: Any,
    *,
    api_version: str,
    tenant: str,
    is_forbidden: Callable[[str], bool],
    faults: FaultProfile,
    state: GraphState,
    now: float,
) -> tuple[str, dict[str, str]]:
    """(JSON text, headers) of a 200, answered here; any refusal raises `ArmError` with the
    quota headers."""
    request, headers = prepare(store, body, api_version=api_version, tenant=tenant,
                               is_forbidden=is_forbidden, faults=faults, state=state, now=now)
    status, text = results.compute(request, store, state.results)
    if status != 200:
        raise _refusal(status, text, headers)
    return text, headers


def prepare(
    store: SandboxStore,
    body: Any,
    *,
    api_version: str,
    tenant: str,
    is_forbidden: Callable[[str], bool],
    faults: FaultProfile,
    state: GraphState,
    now: float,
) -> tuple[PageRequest, dict[str, str]]:
    """The page a request asks for, checked (the query, its scope, the quota) and ready
    to be answered here or in a helper process (`workers`), and the answer's headers; any
    refusal raises `ArmError` with the quota headers."""
    if api_version[:10] < OLDEST_API_VERSION:
        raise ArmError(
            400, "NoRegisteredProviderFound",
            f"No registered resource provider found for location 'global' and API version "
            f"'{api_version}' for type 'resources'. The sandbox serves api-versions from "
            f"'{OLDEST_API_VERSION}' on.",
        )
    allowed, headers = state.quota.take()
    if not allowed:
        raise ArmError(429, "RateLimiting", results.support_note(now), headers=headers,
                       details=[{
            "code": "RateLimiting",
            "message": "Client application has been throttled and should not attempt to "
                       "repeat the request until an amount of time has elapsed. Please see "
                       "https://aka.ms/resourcegraph-throttling for help.",
        }])
    try:
        options = _options(body)
        _parse(options.query)
        version = store.version()
        if state.tenants is None or state.tenants[0] != version:
            with store.read() as tx:
                state.tenants = (version, rows.tenants(tx))
        tenant_of = state.tenants[1]
        # Outside the read: is_forbidden may read the store itself.
        scope, limit_hit = _scope(options, tenant, tenant_of, is_forbidden)
        if limit_hit:
            headers["x-ms-tenant-subscription-limit-hit"] = "true"
        with store.read() as tx:
            cutoff = _cutoff(tx, faults, now)
        request = PageRequest(
            str(store.path), options.query, options.table_format, options.top, options.skip,
            options.token, tuple(sorted(scope)), tenant_of, cutoff,
            paging.fingerprint(options.query, scope), faults.graph_max_payload, now)
        return request, headers
    except ArmError as error:
        error.headers.update(headers)
        raise


def size(store: SandboxStore, state: GraphState) -> int:
    """How many resources the file holds (counted again only when it changed)."""
    version = store.version()
    if state.size is None or state.size[0] != version:
        with store.read() as tx:
            state.size = (version, tx.resource_count())
    return state.size[1]


def _refusal(status: int, text: str, headers: dict[str, str]) -> ArmError:
    error = json.loads(text).get("error") or {}
    return ArmError(status, str(error.get("code") or ""), str(error.get("message") or ""),
                    headers=dict(headers), details=list(error.get("details") or []))


# --- the request --------------------------------------------------------------------------
def _options(body: Any) -> Options:
    if not isinstance(body, dict):
        raise _bad("InvalidRequestContent", "The request content must be a JSON object.")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad("InvalidRequestContent", "The request must give a query.")
    subscriptions = _strings(body, "subscriptions")
    groups = _strings(body, "managementGroups")
    if subscriptions and groups:
        raise _bad("InvalidRequestContent",  # [U]
                   "Give either subscriptions or managementGroups, not both.")
    if body.get("facets"):
        raise _bad("UnsupportedFacets", "The sandbox's Resource Graph does not compute facets.")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise _bad("InvalidRequestContent", "options must be a JSON object.")
    top = options.get("$top", DEFAULT_TOP)
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise _bad("InvalidRequestParameter", f"$top must be a whole number from 1 to {MAX_TOP}.")
    skip = options.get("$skip")
    if skip is not None and (isinstance(skip, bool) or not isinstance(skip, int) or skip < 0):
        raise _bad("InvalidRequestParameter", "$skip must be a whole number >= 0.")
    token = options.get("$skipToken")
    if token is not None and not isinstance(token, str):
        raise _bad("InvalidRequestParameter", "$skipToken must be a string.")
    result_format = options.get("resultFormat", "objectArray")
    if result_format not in ("objectArray", "table"):
        raise _bad("InvalidRequestParameter", "resultFormat must be objectArray or table.")
    partial = options.get("allowPartialScopes", False)
    if not isinstance(partial, bool):
        raise _bad("InvalidRequestParameter", "allowPartialScopes must be true or false.")
    return Options(subscriptions, groups, query, top, skip, token or None,
                   result_format == "table", partial)


def _strings(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad("InvalidRequestContent", f"{name} must be a list of strings.")
    return list(value) or None


def _parse(text: str) -> Query:
    try:
        query = parse(text)
        evaluate.check(query)
    except KqlError as error:
        detail: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.line:
            detail.update(line=error.line, characterPositionInLine=error.column,
                          token=error.token)
        raise ArmError(400, "BadRequest", f"Query is invalid: {error.message}.", details=[
            {"code": "InvalidQuery",
             "message": "Query is invalid. Please refer to the documentation for the Azure "
                        f"Resource Graph service and fix the error before retrying "
                        f"({error.message})."},
            detail,
        ]) from None
    return query


def _scope(
    options: Options, tenant: str, tenant_of: dict[str, str], is_forbidden: Callable[[str], bool]
) -> tuple[set[str], bool]:
    """The subscriptions the query reads, and whether the 10,000 limit cut them."""
    def mine(sub: str) -> bool:
        owner = tenant_of.get(sub)
        return owner is not None and tenant in (ANY_TENANT, owner or HOME_TENANT)

    if options.subscriptions is not None:
        if len(options.subscriptions) > MAX_SUBSCRIPTIONS:
            raise _bad("InvalidRequestParameter",
                       f"A query may name at most {MAX_SUBSCRIPTIONS} subscriptions.")
        wanted = [s.lower() for s in options.subscriptions]
        refused = [s for s in wanted if not mine(s) or is_forbidden(s)]
        if refused and not options.partial:
            raise ArmError(
                403, "AuthorizationFailed",
                "The client 'sandbox-user@sandbox.local' does not have authorization to "
                f"perform action 'Microsoft.ResourceGraph/resources/read' over subscription(s) "
                f"{', '.join(refused)}, or they do not exist. Set allowPartialScopes to leave "
                "them out.",
            )
        scope = {s for s in wanted if s not in refused}
        if not scope:
            raise _bad("NoValidSubscriptionsInQueryRequest",
                       "There are no valid subscriptions in the query request.")
        return scope, False
    tenants_wanted = {tenant}
    if options.groups is not None:
        roots = {t or HOME_TENANT for t in tenant_of.values()}
        tenants_wanted = {g.lower() for g in options.groups}
        for group in options.groups:
            if group.lower() not in roots or tenant not in (ANY_TENANT, group.lower()):
                raise _bad("ManagementGroupNotFound",  # [U]
                           f"The management group '{group}' is not known to the sandbox "
                           "(only the tenant root group, whose id is the tenant id).")
    visible = sorted(
        s for s, owner in tenant_of.items()
        if (ANY_TENANT in tenants_wanted or (owner or HOME_TENANT) in tenants_wanted)
        and not is_forbidden(s)
    )
    return set(visible[:MAX_SUBSCRIPTIONS]), len(visible) > MAX_SUBSCRIPTIONS


# --- evaluation ---------------------------------------------------------------------------
def _cutoff(tx: Any, faults: FaultProfile, now: float) -> float | None:
    """The moment the index shows the store as of (None: now)."""
    if not faults.graph_lag_seconds:
        return None
    built = float(tx.meta("built") or 0.0)
    return max(now - faults.graph_lag_seconds, built)


def _bad(code: str, message: str) -> ArmError:
    return ArmError(400, "BadRequest", message, details=[{"code": code, "message": message}])


__all__ = ["GraphState", "answer", "prepare", "pushed_types", "size"]
