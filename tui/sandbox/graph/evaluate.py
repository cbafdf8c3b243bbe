"""Running a parsed query over rows: column resolution first (an unknown column is refused
before any row is read, as KQL's semantic pass does), then each operator in turn.

Value rules, where KQL's own are not confirmed for Resource Graph ([U]):
- a missing property reads as null; null equals nothing and differs from nothing under
  `==`, `!=`, `in` and `!in` (KQL's null comparisons are null, which `where` drops);
- `=~`, `!~`, `in~` and `!in~` compare as strings, case-insensitively, null reading as "";
  `tostring()` of null is "", of an object or array its compact JSON;
- `isempty()` is true for null and ""; an empty array or object is not empty;
- `order by` sorts nulls first ascending and last descending, then booleans, numbers,
  strings, objects; ties keep the source order (lower-cased id), so paging is stable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import total_ordering
from typing import Any, NamedTuple

from tui.sandbox.graph.kql import (
    Call,
    Compare,
    Expr,
    Extend,
    Join,
    KqlError,
    Literal,
    Member,
    OrderBy,
    Path,
    Project,
    ProjectAway,
    Query,
    Summarize,
    Take,
    Where,
)

Schema = list[tuple[str, str]]  # (column, type): string | long | real | bool | dynamic
Getter = Callable[[dict[str, Any]], Any]
# The rows a join's query reads: (that query) -> its table's rows in the same scope.
Lookup = Callable[[Query], Iterable["Row"]]

# The columns of both tables, as Resource Graph lists them.
TABLE_SCHEMA: Schema = [
    ("id", "string"), ("name", "string"), ("type", "string"), ("tenantId", "string"),
    ("kind", "string"), ("location", "string"), ("resourceGroup", "string"),
    ("subscriptionId", "string"), ("managedBy", "string"), ("sku", "dynamic"),
    ("plan", "dynamic"), ("properties", "dynamic"), ("tags", "dynamic"),
    ("identity", "dynamic"), ("zones", "dynamic"), ("extendedLocation", "dynamic"),
]


@total_ordering
class SortValue:
    """One `order by` value with KQL's order across types; descending reverses it."""

    __slots__ = ("descending", "rank", "raw", "value")

    def __init__(self, value: Any, descending: bool) -> None:
        self.raw = value  # as read, for a skip token to carry
        self.descending = descending
        self.value: Any
        if value is None:
            self.rank, self.value = 0, 0
        elif isinstance(value, bool):
            self.rank, self.value = 1, int(value)
        elif isinstance(value, int | float):
            self.rank, self.value = 2, value
        elif isinstance(value, str):
            self.rank, self.value = 3, value
        else:
            self.rank, self.value = 4, json.dumps(value, sort_keys=True)

    def _pair(self) -> tuple[int, Any]:
        return self.rank, self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SortValue) and self._pair() == other._pair()

    def __lt__(self, other: SortValue) -> bool:
        if self.descending:
            return other._pair() < self._pair()
        return self._pair() < other._pair()

    def __hash__(self) -> int:
        return hash(self._pair())


class Row:
    """A row's values, its `order by` key and its ordinal (the tie-breaker and the default
    order): what keyset paging needs to find where the next page starts."""

    __slots__ = ("key", "ordinal", "values")

    def __init__(self, values: dict[str, Any], ordinal: str,
                 key: tuple[SortValue, ...] = ()) -> None:
        self.values = values
        self.ordinal = ordinal
        self.key = key

    def position(self) -> tuple[tuple[SortValue, ...], str]:
        return self.key, self.ordinal


class Result(NamedTuple):
    """A query's output: its columns, and its rows as they are made (consume them inside
    the store's transaction). `ordered` is False when an `order by` is still to be applied:
    the reader sorts by `Row.position` (after encoding the rows, which keeps it light).
    A named tuple: a dataclass would compile its methods on the way to a first answer."""

    columns: Schema
    rows: Iterator[Row]
    limited: bool  # the query has take/limit: Resource Graph does not page it
    descending: tuple[bool, ...]  # the directions of the order in effect at the end
    ordered: bool

    def all(self) -> list[Row]:
        """Every row, in the query's order (holds them all: for small results and tests)."""
        found = list(self.rows)
        if not self.ordered:
            found.sort(key=Row.position)
        return found


def check(query: Query, schema: Schema | None = None) -> Schema:
    """The output columns of a query; `KqlError` for a column that does not exist there."""
    columns = list(schema or TABLE_SCHEMA)
    for op in query.operators:
        columns = _schema_after(op, columns)
    return columns


def run(query: Query, rows: Iterable[Row], schema: Schema | None = None,
        lookup: Lookup | None = None, *, encode_lists: bool = False,
        grouped: bool = False) -> Result:
    """Row-wise operators (where, project, extend, project-away) stream; `order by` only
    keys the rows; `take` and `summarize` gather what came before them; `join` gathers
    its right side (read through `lookup`) and streams the left. `encode_lists`: a last
    `summarize` gives its lists as `Encoded` text (for a reader that only encodes them).
    `grouped`: the rows come a `summarize` group at a time, so it streams too."""
    columns = list(schema or TABLE_SCHEMA)
    stream: Iterator[Row] = iter(rows)
    ordered, limited = True, False
    descending: tuple[bool, ...] = ()
    for op in query.operators:
        after = _schema_after(op, columns)
        if isinstance(op, Where):
            stream = _where(stream, compile_expr(op.condition, columns))
        elif isinstance(op, Project | Extend):
            getters = [(name, compile_expr(expr, columns)) for name, expr in op.columns]
            names = None if isinstance(op, Project) else [name for name, _ in after]
            stream = _reshape(stream, getters, names)
        elif isinstance(op, ProjectAway):
            stream = _drop(stream, frozenset(op.names))
        elif isinstance(op, OrderBy):
            keys = [(compile_expr(expr, columns), desc) for expr, desc in op.keys]
            stream = _keyed(stream, keys)
            ordered = False
            descending = tuple(desc for _, desc in op.keys)
        elif isinstance(op, Join):
            if lookup is None:
                raise _semantic("join needs the rows of its query's table")
            right = run(op.right, lookup(op.right), lookup=lookup).all()
            stream = _join(stream, right, op, [name for name, _ in after])
        elif isinstance(op, Take):
            gathered = list(stream)
            if not ordered:
                gathered.sort(key=Row.position)
                ordered = True
            stream = iter(gathered[: op.rows])
            limited = True
        else:
            last = op is query.operators[-1]
            if grouped:
                stream = summarize_as_they_come(op, stream, columns, encode_lists and last)
            else:
                stream = iter(_summarize(op, stream, columns, encode_lists and last))
            ordered, descending = True, ()
        columns = after
    return Result(columns, stream, limited, descending, ordered)


def _where(rows: Iterator[Row], test: Getter) -> Iterator[Row]:
    return (row for row in rows if test(row.values) is True)


def _reshape(
    rows: Iterator[Row], getters: list[tuple[str, Getter]], names: list[str] | None
) -> Iterator[Row]:
    """project (names None: only the new columns) or extend (names: the columns after it,
    the new values replacing the old in place)."""
    for row in rows:
        new = {name: get(row.values) for name, get in getters}
        if names is not None:
            old = row.values
            new = {name: new[name] if name in new else old.get(name) for name in names}
        row.values = new
        yield row


def _drop(rows: Iterator[Row], gone: frozenset[str]) -> Iterator[Row]:
    for row in rows:
        row.values = {k: v for k, v in row.values.items() if k not in gone}
        yield row


def _keyed(rows: Iterator[Row], keys: list[tuple[Getter, bool]]) -> Iterator[Row]:
    for row in rows:
        row.key = tuple(SortValue(get(row.values), desc) for get, desc in keys)
        yield row


def _join(left: Iterator[Row], right: list[Row], op: Join, names: list[str]) -> Iterator[Row]:
    """Rows matched on equal keys (a null key matches nothing). A left row with several
    matches gives several rows, each with its own ordinal, so keyset paging never cuts
    between them; a right column named as a left one is renamed with '1', as KQL does."""
    matches: dict[tuple[str, ...] | str, list[Row]] = {}
    for row in right:
        keys = [row.values.get(k) for k in op.on]
        if None not in keys:
            matches.setdefault(_join_key(keys), []).append(row)
    # (left columns, right columns) -> each right column's name in the output
    renamed: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, str]]] = {}
    for row in left:
        keys = [row.values.get(k) for k in op.on]
        found = matches.get(_join_key(keys), []) if None not in keys else []
        if not found:
            if op.kind == "leftouter":
                row.values = {n: row.values.get(n) for n in names}
                yield row
            continue
        for other in found:
            values = dict(row.values)
            shape = (tuple(row.values), tuple(other.values))
            pairs = renamed.get(shape)
            if pairs is None:
                pairs = renamed[shape] = [(name, name + "1" if name in row.values else name)
                                          for name in shape[1]]
            for name, to in pairs:
                values[to] = other.values[name]
            yield Row({n: values.get(n) for n in names}, f"{row.ordinal}|{other.ordinal}",
                      row.key)


def _join_key(values: list[Any]) -> tuple[str, ...] | str:
    """Equal keys are equal values: strings (the usual key) as they are, anything else as
    its JSON text (so 1 and true, equal in Python, stay apart)."""
    if all(type(v) is str for v in values):
        return tuple(values)
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


class Encoded(str):
    """A value already in JSON text: what `make_list` gathers when nothing after it reads
    the list (`run(..., encode_lists=True)`), so a large group is never held decoded."""


def _summarize(op: Summarize, rows: Iterable[Row], columns: Schema,
               encode_lists: bool = False) -> list[Row]:
    """One row per group of the `by` values: each aggregate's count, or its values in the
    order the rows came (`make_list`, leaving nulls out as KQL does)."""
    gather = _Gather(op, columns, encode_lists)
    for row in rows:
        gather.add(row)
    return sorted(gather.rows(), key=lambda row: row.ordinal)


def summarize_as_they_come(op: Summarize, rows: Iterable[Row], columns: Schema,
                           encode_lists: bool = False) -> Iterator[Row]:
    """`summarize` over rows whose groups each come in one run (a resource group's or a
    subscription's resources, in id order): each group given as soon as the next begins,
    in the order `_summarize` sorts them."""
    gather = _Gather(op, columns, encode_lists)
    for row in rows:
        if gather.add(row) and len(gather.groups) > 1:
            yield from gather.rows(drop=1)
    yield from gather.rows()


class _Gather:
    def __init__(self, op: Summarize, columns: Schema, encode_lists: bool) -> None:
        self.op = op
        self.getters = [(name, compile_expr(expr, columns)) for name, expr in op.by]
        self.listed = [None if a.arg is None else compile_expr(a.arg, columns)
                       for a in op.aggregates]
        self.encode_lists = encode_lists
        self.compact = json.JSONEncoder(separators=(",", ":")).encode
        self.groups: dict[Any, tuple[list[Any], list[Any]]] = {}

    def add(self, row: Row) -> bool:
        """Count a row in; whether it began a group."""
        values = [get(row.values) for _, get in self.getters]
        found = self.groups.get(group := _join_key(values))
        began = found is None
        if found is None:
            found = self.groups[group] = (values, [0 if get is None else []
                                                   for get in self.listed])
        totals = found[1]
        for at, get in enumerate(self.listed):
            if get is None:
                totals[at] += 1
            elif (value := get(row.values)) is not None:
                totals[at].append(self.compact(value) if self.encode_lists else value)
        return began

    def rows(self, drop: int = 0) -> list[Row]:
        """The groups gathered so far (but the last `drop`), let go of."""
        keys = list(self.groups)[: len(self.groups) - drop]
        out = []
        for key in keys:
            values, totals = self.groups.pop(key)
            record = {name: value for (name, _), value in zip(self.getters, values,
                                                              strict=True)}
            for aggregate, total in zip(self.op.aggregates, totals, strict=True):
                if self.encode_lists and aggregate.arg is not None:
                    total = Encoded(f"[{','.join(total)}]")
                record[aggregate.name] = total
            out.append(Row(record, _group_ordinal(values)))
        return out


def _group_ordinal(values: list[Any]) -> str:
    """Where a group sorts: strings joined by '/' (so groups by subscription and resource
    group come in the order of their resources' ids), anything else as its JSON."""
    if all(type(v) is str and "/" not in v for v in values):
        return "/".join(values) + "/"
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


# --- columns ------------------------------------------------------------------------------
def _schema_after(op: Any, columns: Schema) -> Schema:
    types = dict(columns)
    if isinstance(op, Where):
        kind = type_of(op.condition, types)
        if kind not in ("bool", "dynamic"):
            raise _semantic(f"where needs a true/false condition, not a {kind} value")
        return columns
    if isinstance(op, Project):
        return _unique([(name, type_of(expr, types)) for name, expr in op.columns])
    if isinstance(op, Extend):
        added = [(name, type_of(expr, types)) for name, expr in op.columns]
        replaced = dict(added)
        kept = [(name, replaced.pop(name, kind)) for name, kind in columns]
        return _unique(kept + [(n, k) for n, k in added if n in replaced])
    if isinstance(op, ProjectAway):
        for name in op.names:
            if name not in types:
                raise _unresolved(name)
        return [(n, k) for n, k in columns if n not in op.names]
    if isinstance(op, OrderBy):
        for expr, _ in op.keys:
            type_of(expr, types)
        return columns
    if isinstance(op, Take):
        return columns
    if isinstance(op, Join):
        right = check(op.right)
        right_types = dict(right)
        for key in op.on:
            if key not in types:
                raise _unresolved(key)
            if key not in right_types:
                raise _unresolved(key)
        return _unique(columns + [(name + "1" if name in types else name, kind)
                                  for name, kind in right])
    assert isinstance(op, Summarize)
    for aggregate in op.aggregates:
        if aggregate.arg is not None:
            type_of(aggregate.arg, types)
    return _unique([(name, type_of(expr, types)) for name, expr in op.by]
                   + [(a.name, "long" if a.function == "count" else "dynamic")
                      for a in op.aggregates])


def _unique(columns: Schema) -> Schema:
    seen: set[str] = set()
    for name, _ in columns:
        if name in seen:
            raise _semantic(f"the column '{name}' is given twice")
        seen.add(name)
    return columns


def type_of(expr: Expr, types: dict[str, str]) -> str:
    """An expression's static type; raises for a column that does not exist."""
    if isinstance(expr, Literal):
        value = expr.value
        if isinstance(value, bool):
            return "bool"
        return "long" if isinstance(value, int) else "real" if isinstance(value, float) \
            else "string"
    if isinstance(expr, Path):
        if expr.column not in types:
            raise _unresolved(expr.column, expr)
        kind = types[expr.column]
        if expr.steps and kind != "dynamic":
            raise _semantic(f"'{expr.column}' is a {kind} column: it has no properties")
        return "dynamic" if expr.steps else kind
    if isinstance(expr, Call):
        for arg in expr.args:
            type_of(arg, types)
        if expr.name == "pack_array":
            return "dynamic"
        return "string" if expr.name in ("tostring", "tolower", "toupper") else "bool"
    if isinstance(expr, Compare):
        type_of(expr.left, types)
        type_of(expr.right, types)
        return "bool"
    if isinstance(expr, Member):
        type_of(expr.left, types)
        return "bool"
    for term in expr.terms:
        type_of(term, types)
    return "bool"


def _unresolved(name: str, where: Path | None = None) -> KqlError:
    return KqlError(
        "ResolveError",  # [U] the sandbox's code for KQL's "failed to resolve" error
        f"Failed to resolve scalar expression named '{name}'", name,
        where.line if where else 0, where.position if where else 0,
    )


def _semantic(message: str) -> KqlError:
    return KqlError("SemanticError", message, "", 0, 0)  # [U] code


# --- values -------------------------------------------------------------------------------
def compile_expr(expr: Expr, columns: Schema) -> Getter:
    """A function from a row's values to the expression's value."""
    if isinstance(expr, Literal):
        constant = expr.value
        return lambda _values: constant
    if isinstance(expr, Path):
        return _path_getter(expr)
    if isinstance(expr, Call):
        if expr.name == "pack_array":
            items = [compile_expr(item, columns) for item in expr.args]
            return lambda values: [item(values) for item in items]
        arg = compile_expr(expr.args[0], columns)
        if expr.name == "tostring":
            return lambda values: tostring(arg(values))
        if expr.name == "tolower":
            return lambda values: tostring(arg(values)).lower()
        if expr.name == "toupper":
            return lambda values: tostring(arg(values)).upper()
        if expr.name == "isempty":
            return lambda values: is_empty(arg(values))
        if expr.name == "isnotempty":
            return lambda values: not is_empty(arg(values))
        return lambda values: arg(values) is not True  # not()
    if isinstance(expr, Compare):
        return _comparison(expr.op, compile_expr(expr.left, columns),
                           compile_expr(expr.right, columns))
    if isinstance(expr, Member):
        return _membership(expr.op, compile_expr(expr.left, columns),
                           [item.value for item in expr.items])
    terms = [compile_expr(term, columns) for term in expr.terms]
    if expr.op == "and":
        return lambda values: all(term(values) is True for term in terms)
    return lambda values: any(term(values) is True for term in terms)


def _path_getter(path: Path) -> Getter:
    column, steps = path.column, path.steps
    if not steps:
        return lambda values: values.get(column)

    if all(type(step) is str for step in steps):
        names = tuple(str(step) for step in steps)

        def get_named(values: dict[str, Any]) -> Any:  # the usual path: property names only
            value = values.get(column)
            for name in names:
                if type(value) is not dict:
                    return None
                value = value.get(name)
            return value

        return get_named

    def get(values: dict[str, Any]) -> Any:
        value = values.get(column)
        for step in steps:
            if isinstance(value, dict) and isinstance(step, str):
                value = value.get(step)
            elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
                value = value[step]
            else:
                return None
        return value

    return get


def _comparison(op: str, left: Getter, right: Getter) -> Getter:
    if op in ("=~", "!~"):
        same = op == "=~"
        return lambda values: (tostring(left(values)).lower()
                               == tostring(right(values)).lower()) is same
    if op == "==":
        return lambda values: equal(left(values), right(values)) is True
    return lambda values: equal(left(values), right(values)) is False


def _membership(op: str, left: Getter, items: list[Any]) -> Getter:
    if op.endswith("~"):
        lowered = {tostring(item).lower() for item in items}
        inside = not op.startswith("!")
        return lambda values: (tostring(left(values)).lower() in lowered) is inside
    if op == "in":
        return lambda values: any(equal(left(values), item) is True for item in items)

    def not_in(values: dict[str, Any]) -> bool:
        value = left(values)
        return value is not None and all(equal(value, item) is False for item in items)

    return not_in


def equal(a: Any, b: Any) -> bool | None:
    """KQL's `==` on two values: None (null) when either is null."""
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        return tostring(a) == tostring(b)
    return bool(a == b)


def tostring(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


def is_empty(value: Any) -> bool:
    return value is None or value == ""


__all__ = [
    "TABLE_SCHEMA", "Encoded", "Result", "Row", "Schema", "SortValue", "check",
    "compile_expr", "equal", "is_empty", "run", "summarize_as_they_come", "tostring",
    "type_of",
]
