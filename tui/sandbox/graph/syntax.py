"""The syntax tree of the KQL subset the sandbox's Resource Graph answers: expressions
(literals, paths, calls, comparisons, membership, and/or) and the tabular operators of a
query. The grammar that builds it is in `kql`; `evaluate` runs it.

Apart from the parser so the tree, which both the parser and the evaluator read, is one
small module of plain immutable records. They are named tuples, not frozen dataclasses:
making a frozen dataclass costs ~1.5 ms (its methods are compiled from source), and these
sixteen were ~24 ms of the sandbox's import, on the way to a first start's first data.
Code compares nodes by type (`isinstance`) and field, never one node with another.
"""

from __future__ import annotations

from typing import NamedTuple


class Literal(NamedTuple):
    value: str | int | float | bool


class Path(NamedTuple):
    """A column and the steps into its dynamic value: `properties.addressSpace`, `tags['x']`."""

    column: str
    steps: tuple[str | int, ...]
    line: int = 0
    position: int = 0


class Call(NamedTuple):
    name: str
    args: tuple[Expr, ...]


class Compare(NamedTuple):
    op: str
    left: Expr
    right: Expr


class Member(NamedTuple):
    op: str
    left: Expr
    items: tuple[Literal, ...]


class Logical(NamedTuple):
    op: str  # and | or
    terms: tuple[Expr, ...]


Expr = Literal | Path | Call | Compare | Member | Logical


class Where(NamedTuple):
    condition: Expr


class Project(NamedTuple):
    columns: tuple[tuple[str, Expr], ...]


class ProjectAway(NamedTuple):
    names: tuple[str, ...]


class Extend(NamedTuple):
    columns: tuple[tuple[str, Expr], ...]


class OrderBy(NamedTuple):
    keys: tuple[tuple[Expr, bool], ...]  # (expression, descending)


class Take(NamedTuple):
    rows: int  # (not `count`: a tuple has a count())


class Aggregate(NamedTuple):
    """One aggregation of a `summarize`: `count()` or `make_list(expr)`, and its column."""

    name: str
    function: str  # count | make_list
    arg: Expr | None = None


class Summarize(NamedTuple):
    aggregates: tuple[Aggregate, ...]
    by: tuple[tuple[str, Expr], ...]


class Join(NamedTuple):
    """`join kind=leftouter|inner (subquery) on key, ...`: each left row with every right
    row whose keys are equal (leftouter keeps a left row that has none)."""

    kind: str
    right: Query
    on: tuple[str, ...]


Operator = Where | Project | ProjectAway | Extend | OrderBy | Take | Summarize | Join


class Query(NamedTuple):
    table: str
    operators: tuple[Operator, ...]
