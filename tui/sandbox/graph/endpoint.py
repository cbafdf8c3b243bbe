"""`POST /providers/Microsoft.ResourceGraph/resources`: one query across the caller's
subscriptions, answered from the same store as ARM (azure-facts.md section 9).

What it keeps as Azure does: the request body (`subscriptions` | `managementGroups`,
`query`, `options` with `$top` <= 1000, `$skip`, `$skipToken`, `resultFormat`,
`allowPartialScopes`); the answer (`totalRecords`, `count`, `resultTruncated`,
`$skipToken`, `facets`, `data`); a `join` reading its right side in the same scope; no
paging for a query with `take`/`limit` or with only object columns (`resultTruncated`
"true" instead); rows only from subscriptions the caller may read; the quota headers on
every answer and 429 `RateLimiting` past the quota; the index trailing ARM by the fault
profile's `graph_lag_seconds`.

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

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from tui.sandbox.errors import ArmError
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph import evaluate, paging, rows
from tui.sandbox.graph.evaluate import Row
from tui.sandbox.graph.kql import (
    Compare,
    Extend,
    KqlError,
    Literal,
    Logical,
    Member,
    OrderBy,
    Path,
    Project,
    ProjectAway,
    Query,
    Where,
    parse,
)
from tui.sandbox.graph.paging import Answered, Cut
from tui.sandbox.graph.quota import Quota
from tui.sandbox.graph.spool import Spool
from tui.sandbox.store import SandboxStore
from tui.sandbox.tenants import ANY_TENANT, HOME_TENANT

OLDEST_API_VERSION = "2021-03-01"
MAX_TOP = 1000
DEFAULT_TOP = 1000
MAX_SUBSCRIPTIONS = 10_000
_CACHED_RESULTS = 8
_CACHED_BYTES = 256 * 2**20  # the text of the results kept between pages


@dataclass
class GraphState:
    """What the endpoint keeps between one transport's requests: the caller's quota and the
    last results evaluated (each page of a large query must not evaluate it again)."""

    quota: Quota
    results: OrderedDict[tuple[Any, ...], Answered] = field(default_factory=OrderedDict)
    tenants: tuple[tuple[int, int], dict[str, str]] | None = None  # (store version, map)

    @classmethod
    def for_profile(cls, faults: FaultProfile, clock: Callable[[], float]) -> GraphState:
        return cls(Quota(faults.graph_quota, faults.graph_quota_seconds, clock))


@dataclass(frozen=True)
class Options:
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
    """(JSON text, headers) of a 200; any refusal raises `ArmError` with the quota headers."""
    if api_version[:10] < OLDEST_API_VERSION:
        raise ArmError(
            400, "NoRegisteredProviderFound",
            f"No registered resource provider found for location 'global' and API version "
            f"'{api_version}' for type 'resources'. The sandbox serves api-versions from "
            f"'{OLDEST_API_VERSION}' on.",
        )
    allowed, headers = state.quota.take()
    if not allowed:
        raise ArmError(429, "RateLimiting", _support_note(now), headers=headers, details=[{
            "code": "RateLimiting",
            "message": "Client application has been throttled and should not attempt to "
                       "repeat the request until an amount of time has elapsed. Please see "
                       "https://aka.ms/resourcegraph-throttling for help.",
        }])
    try:
        options = _options(body)
        query = _parse(options.query)
        version = store.version()
        if state.tenants is None or state.tenants[0] != version:
            with store.read() as tx:
                state.tenants = (version, rows.tenants(tx))
        tenant_of = state.tenants[1]
        # Outside the read: is_forbidden may read the store itself.
        scope, limit_hit = _scope(options, tenant, tenant_of, is_forbidden)
        if limit_hit:
            headers["x-ms-tenant-subscription-limit-hit"] = "true"
        fingerprint = paging.fingerprint(options.query, scope)
        key = None
        with store.read() as tx:
            cutoff = _cutoff(tx, faults, now)
            page = _first_page(tx, query, options, scope, tenant_of, cutoff)
            if page is None:
                key, answered = _result(store, tx, query, options, scope, tenant_of, cutoff,
                                        state)
                page = paging.cut(answered, _start(answered, options, fingerprint),
                                  options.top)
        text, last = paging.text(page, options.table_format, fingerprint)
        if last and key is not None:  # read to the end: let it go (a rerun evaluates again)
            state.results.pop(key, None)
        return text, headers
    except ArmError as error:
        error.headers.update(headers)
        raise


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


def _first_page(
    tx: Any, query: Query, options: Options, scope: set[str], tenant_of: dict[str, str],
    cutoff: float | None,
) -> Cut | None:
    """The first page of a query whose rows are the store's own, one for one and in its
    order (a type filter, then project/extend/project-away): its first rows evaluated, the
    rest only counted (Azure's `totalRecords`) without being decoded. A first page is what
    a reader waits on before anything is on screen; the pages after it evaluate the query
    whole, once. None when the query is not of that form."""
    if options.token is not None or options.skip is not None or not _one_for_one(query):
        return None
    types = pushed_types(query)
    total = rows.count(tx, scope, types=types, cutoff=cutoff)
    result = evaluate.run(query, rows.source(tx, query.table, scope, types=types,
                                             cutoff=cutoff, tenant_of=tenant_of))
    names = [name for name, _ in result.columns]
    try:
        first = list(islice(result.rows, options.top))
    finally:
        close = getattr(result.rows, "close", None)
        if close is not None:
            close()  # the store's cursor is let go inside the transaction
    texts = [paging.encode(row, names, options.table_format) for row in first]
    last = first[-1].position() if first else None
    return Cut(result.columns, texts, 0, total, last, result.limited)


def _one_for_one(query: Query) -> bool:
    """Each row of `resources` of the pushed types gives one result row, in store order."""
    if query.table != "resources":
        return False
    operators = list(query.operators)
    while operators and isinstance(first := operators[0], Where):
        operators.pop(0)
        condition = first.condition
        terms = condition.terms if isinstance(condition, Logical) \
            and condition.op == "and" else (condition,)
        if any(_type_filter(term) is None for term in terms):
            return False
    return all(isinstance(op, Project | Extend | ProjectAway) for op in operators)


def _start(answered: Answered, options: Options, fingerprint: str) -> int:
    if options.skip is not None:
        return options.skip
    if options.token is not None:
        return paging.resume(answered.positions, options.token, fingerprint,
                             answered.descending)
    return 0


def _result(
    store: SandboxStore, tx: Any, query: Query, options: Options, scope: set[str],
    tenant_of: dict[str, str], cutoff: float | None, state: GraphState,
) -> tuple[tuple[Any, ...], Answered]:
    key = (query.table, options.query, options.table_format, tuple(sorted(scope)),
           store.version(), cutoff)
    if cutoff is None and key in state.results:
        state.results.move_to_end(key)
        return key, state.results[key]
    def lookup(part: Query) -> Iterator[Row]:
        return rows.source(tx, part.table, scope, types=pushed_types(part), cutoff=cutoff,
                           tenant_of=tenant_of)

    result = evaluate.run(query, lookup(query), lookup=lookup)
    names = [name for name, _ in result.columns]
    spool = Spool()  # each row's text goes to a file as it is made (paging.Answered)
    entries = [(row.position(), spool.add(paging.encode(row, names, options.table_format)))
               for row in result.rows]
    if not result.ordered:
        entries.sort(key=lambda entry: entry[0])
    answered = Answered(result.columns, [p for p, _ in entries],
                        spool.texts(i for _, i in entries), result.limited, result.descending)
    if cutoff is None:
        state.results[key] = answered
        total = sum(a.size for a in state.results.values())
        while len(state.results) > _CACHED_RESULTS or (
            total > _CACHED_BYTES and len(state.results) > 1
        ):
            _, dropped = state.results.popitem(last=False)
            total -= dropped.size
    return key, answered


def pushed_types(query: Query) -> set[str] | None:
    """The graph types the query's leading `where`s allow (lower case), None for any: the
    store reads only those. An optimisation only: the `where` still runs on every row."""
    allowed: set[str] | None = None
    for op in query.operators:
        if isinstance(op, OrderBy):
            continue
        if not isinstance(op, Where):
            break
        terms = op.condition.terms if isinstance(op.condition, Logical) \
            and op.condition.op == "and" else (op.condition,)
        for term in terms:
            found = _type_filter(term)
            if found is not None:
                allowed = found if allowed is None else allowed & found
    return allowed


def _type_filter(term: Any) -> set[str] | None:
    def is_type(expr: Any) -> bool:
        return isinstance(expr, Path) and expr.column == "type" and not expr.steps

    if isinstance(term, Compare) and term.op in ("=~", "=="):
        left, right = term.left, term.right
        if is_type(right):
            left, right = right, left
        if is_type(left) and isinstance(right, Literal) and isinstance(right.value, str):
            value = right.value
            if term.op == "=~":
                return {value.lower()}
            return {value} if value == value.lower() else set()  # types are lower case
    if isinstance(term, Member) and term.op in ("in~", "in") and is_type(term.left):
        values = [i.value for i in term.items if isinstance(i.value, str)]
        if term.op == "in~":
            return {v.lower() for v in values}
        return {v for v in values if v == v.lower()}
    return None


def _bad(code: str, message: str) -> ArmError:
    return ArmError(400, "BadRequest", message, details=[{"code": code, "message": message}])


def _support_note(now: float) -> str:
    stamp = datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")
    return (f"Please provide below info when asking for support: timestamp = {stamp}, "
            f"correlationId = {uuid.uuid4()}.")


__all__ = ["GraphState", "answer", "pushed_types"]
