"""Evaluating a Resource Graph query and cutting the asked page from its result.

A page is asked for as a `PageRequest` (plain data, so it can be answered in another
process: `workers`) and answered as (status, JSON text). A refusal found while answering
(a skip token of another query, a page over the payload limit) comes back as its error
body, not an exception, so it crosses a process boundary as it is.

A large result is kept between its pages as its rows' JSON text (in `kept`, owned by the
caller: a transport's state, or a helper process's), so each page does not evaluate the
query again; a query's first page of the simplest form is cut from its first rows alone.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from itertools import islice
from typing import Any, NamedTuple

from tui.sandbox.errors import ArmError
from tui.sandbox.graph import evaluate, paging, rows
from tui.sandbox.graph.evaluate import Row, Schema
from tui.sandbox.graph.kql import (
    Compare,
    Extend,
    Join,
    Literal,
    Logical,
    Member,
    Operator,
    OrderBy,
    Path,
    Project,
    ProjectAway,
    Query,
    Summarize,
    Where,
    parse,
)
from tui.sandbox.graph.paging import Answered, Cut, Position
from tui.sandbox.graph.spool import Spool
from tui.sandbox.store import SandboxStore

_CACHED_RESULTS = 8
_CACHED_BYTES = 256 * 2**20  # the text of the results kept between pages

Kept = OrderedDict[tuple[Any, ...], Answered]


class PageRequest(NamedTuple):
    """One page of a checked query over a resolved scope: all an answer needs but the
    file itself. A named tuple (it pickles as one, too): a frozen dataclass would compile
    its methods from source on the way to the sandbox's first answer."""

    path: str  # the sandbox file
    query: str
    table_format: bool
    top: int
    skip: int | None
    token: str | None
    scope: tuple[str, ...]  # lower-cased subscription ids, sorted
    tenant_of: dict[str, str]
    cutoff: float | None  # the index shows the file as of then (None: now)
    fingerprint: str  # what the query's skip tokens belong to
    max_payload: int
    now: float


def compute(request: PageRequest, store: SandboxStore, kept: Kept,
            streams: Streams | None = None) -> tuple[int, str]:
    """(status, JSON text) of the page. With `streams` (a helper process's), a query whose
    first page came from the store's first rows goes on from where that page stopped, on
    a connection of its own, so its next pages do not evaluate it again from the start."""
    try:
        query = parse(request.query)
        scope = set(request.scope)
        key = None
        page = _streamed(store, query, request, scope, streams)
        if page is None:
            with store.read() as tx:
                page = _first_page(tx, query, request, scope)
                if page is None:
                    key, answered = _result(store, tx, query, request, scope, kept)
                    page = paging.cut(answered, _start(answered, request), request.top)
        text, last = paging.text(page, request.table_format, request.fingerprint)
        if len(text) > request.max_payload:  # the kept result stays for a smaller page
            if streams is not None:
                _close(streams.pop(_stream_key(request), None))
            raise _too_large(len(text), request.max_payload, request.now)
        if last and key is not None:  # read to the end: let it go (a rerun evaluates again)
            kept.pop(key, None)
        return 200, text
    except ArmError as error:
        return error.status, json.dumps(error.body(), separators=(",", ":"))


class Stream:
    """A query being read from the store's rows a page at a time, in a transaction (and on
    a connection) of its own: the rows handed out so far and the last one's position.
    A plain class, as a dataclass compiles its methods from source on import."""

    __slots__ = ("columns", "last", "limited", "rows", "sent", "store", "total",
                 "transaction", "version")

    def __init__(self, store: SandboxStore, transaction: ExitStack, rows: Iterator[Row],
                 columns: Schema, total: int, limited: bool,
                 version: tuple[int, int]) -> None:
        self.store = store
        self.transaction = transaction
        self.rows = rows
        self.columns = columns
        self.total = total
        self.limited = limited
        self.version = version  # of the caller's connection when it began
        self.sent = 0
        self.last: Position | None = None

    def page(self, top: int, table_format: bool) -> Cut:
        names = [name for name, _ in self.columns]
        rows = list(islice(self.rows, top))
        start, self.sent = self.sent, self.sent + len(rows)
        self.last = rows[-1].position() if rows else self.last
        texts = [paging.encode(row, names, table_format) for row in rows]
        return Cut(self.columns, texts, start, self.total, self.last, self.limited)

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        self.transaction.close()
        self.store.close()


Streams = OrderedDict[tuple[Any, ...], Stream]
_STREAMS = 4


def _stream_key(request: PageRequest) -> tuple[Any, ...]:
    return (request.path, request.query, request.table_format, request.scope)


def _close(stream: Stream | None) -> None:
    if stream is not None:
        stream.close()


def _streamed(store: SandboxStore, query: Query, request: PageRequest, scope: set[str],
              streams: Streams | None) -> Cut | None:
    """The page from a stream: a first page that begins one, or the page right after the
    last one a stream gave (the store unchanged since); None otherwise."""
    if streams is None or request.cutoff is not None or request.skip is not None:
        return None
    key = _stream_key(request)
    version = store.version()
    if request.token is not None:
        stream = streams.get(key)
        if stream is None or stream.version != version or stream.last is None \
                or paging.read_token(request.token, request.fingerprint, ()) != stream.last:
            return None
        page = stream.page(request.top, request.table_format)
        if stream.sent >= stream.total:
            _close(streams.pop(key))
        return page
    if not _in_store_order(query):
        return None
    _close(streams.pop(key, None))
    own = SandboxStore(request.path)
    transaction = ExitStack()
    try:
        tx = transaction.enter_context(own.read())
        total, result = _from_first_rows(tx, query, request, scope)
        stream = Stream(own, transaction, result.rows, result.columns, total, result.limited,
                        version)
        page = stream.page(request.top, request.table_format)
    except BaseException:
        transaction.close()
        own.close()
        raise
    if stream.sent < stream.total:
        streams[key] = stream
        while len(streams) > _STREAMS:
            _close(streams.popitem(last=False)[1])
    else:
        stream.close()
    return page


def _first_page(tx: Any, query: Query, options: PageRequest, scope: set[str]) -> Cut | None:
    """The first page of a query whose rows come in the store's order: the store's own,
    one for one (a type filter, then project/extend/project-away), or a `summarize` by
    subscription (and resource group) over them (`_grouped`). Only its first rows are
    evaluated; the rest is only counted (Azure's `totalRecords`) without being decoded. A
    first page is what a reader waits on before anything is on screen; the pages after it
    evaluate the query whole, once. None when the query is of neither form."""
    if options.token is not None or options.skip is not None or options.cutoff is not None \
            or not _in_store_order(query):
        return None
    total, result = _from_first_rows(tx, query, options, scope)
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


def _from_first_rows(tx: Any, query: Query, request: PageRequest,
                     scope: set[str]) -> tuple[int, evaluate.Result]:
    """(rows the result has, counted without decoding them; the result, made as its rows
    are read) of a query `_in_store_order`."""
    types = pushed_types(query)
    by = _grouped(query)
    total = rows.count(tx, scope, types=types) if by is None \
        else rows.count_groups(tx, scope, types, by)

    def lookup(part: Query) -> Iterator[Row]:
        return rows.source(tx, part.table, scope, types=pushed_types(part),
                           tenant_of=request.tenant_of)

    return total, evaluate.run(query, lookup(query), lookup=lookup, encode_lists=True,
                               grouped=True)


def _in_store_order(query: Query) -> bool:
    return _one_for_one(query) or _grouped(query) is not None


_GROUPINGS = (("subscriptionId",), ("subscriptionId", "resourceGroup"))


def _grouped(query: Query) -> tuple[str, ...] | None:
    """The `by` columns when the query is type filters, then row-wise operators that keep
    `subscriptionId` and `resourceGroup` as they are (a `join kind=leftouter` keeps every
    left row in its place), then one `summarize` by subscription (and resource group):
    its groups each come in one run of the store's rows, in its order of ids."""
    operators = _after_type_filters(query)
    if not operators or not isinstance(last := operators.pop(), Summarize):
        return None
    for op in operators:
        if isinstance(op, Join):
            if op.kind != "leftouter":
                return None
        elif isinstance(op, Project | Extend):
            for name, expr in op.columns:
                if name in _GROUPINGS[1] and not _is_column(expr, name):
                    return None
        elif isinstance(op, ProjectAway):
            if set(op.names) & set(_GROUPINGS[1]):
                return None
        else:
            return None
    by = tuple(name for name, _ in last.by)
    plain = all(_is_column(expr, name) for name, expr in last.by)
    return by if plain and by in _GROUPINGS else None


def _is_column(expr: Any, name: str) -> bool:
    return isinstance(expr, Path) and expr.column == name and not expr.steps


def _one_for_one(query: Query) -> bool:
    """Each row of `resources` of the pushed types gives one result row, in store order."""
    operators = _after_type_filters(query)
    return operators is not None \
        and all(isinstance(op, Project | Extend | ProjectAway) for op in operators)


def _after_type_filters(query: Query) -> list[Operator] | None:
    """The operators after a query of `resources` has filtered it by type alone (None when
    it reads another table, or filters on anything else first)."""
    if query.table != "resources":
        return None
    operators = list(query.operators)
    while operators and isinstance(head := operators[0], Where):
        operators.pop(0)
        condition = head.condition
        terms = condition.terms if isinstance(condition, Logical) \
            and condition.op == "and" else (condition,)
        if any(_type_filter(term) is None for term in terms):
            return None
    return operators


def _start(answered: Answered, request: PageRequest) -> int:
    if request.skip is not None:
        return request.skip
    if request.token is not None:
        return paging.resume(answered.positions, request.token, request.fingerprint,
                             answered.descending)
    return 0


def _result(
    store: SandboxStore, tx: Any, query: Query, request: PageRequest, scope: set[str],
    kept: Kept,
) -> tuple[tuple[Any, ...], Answered]:
    cutoff = request.cutoff
    key = (query.table, request.query, request.table_format, request.scope,
           store.version(), cutoff)
    if cutoff is None and key in kept:
        kept.move_to_end(key)
        return key, kept[key]

    def lookup(part: Query) -> Iterator[Row]:
        return rows.source(tx, part.table, scope, types=pushed_types(part), cutoff=cutoff,
                           tenant_of=request.tenant_of)

    result = evaluate.run(query, lookup(query), lookup=lookup, encode_lists=True)
    names = [name for name, _ in result.columns]
    spool = Spool()  # each row's text goes to a file as it is made (paging.Answered)
    entries = [(row.position(), spool.add(paging.encode(row, names, request.table_format)))
               for row in result.rows]
    if not result.ordered:
        entries.sort(key=lambda entry: entry[0])
    answered = Answered(result.columns, [p for p, _ in entries],
                        spool.texts(i for _, i in entries), result.limited, result.descending)
    if cutoff is None:
        kept[key] = answered
        total = sum(a.size for a in kept.values())
        while len(kept) > _CACHED_RESULTS or (total > _CACHED_BYTES and len(kept) > 1):
            _, dropped = kept.popitem(last=False)
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


def _too_large(size: int, limit: int, now: float) -> ArmError:
    return ArmError(400, "BadRequest", support_note(now), details=[{
        "code": "ResponsePayloadTooLarge",
        "message": f"Response payload size is {size}, and has exceeded the limit of {limit}. "
                   "Please consider querying less data at a time and make paginated call if "
                   "needed.",
    }])


def support_note(now: float) -> str:
    stamp = datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")
    return (f"Please provide below info when asking for support: timestamp = {stamp}, "
            f"correlationId = {uuid.uuid4()}.")



__all__ = ["Kept", "PageRequest", "Stream", "Streams", "compute", "pushed_types",
           "support_note"]
