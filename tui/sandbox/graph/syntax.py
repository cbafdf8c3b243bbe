"""The syntax tree of the KQL subset the sandbox's Resource Graph answers: expressions
(literals, paths, calls, comparisons, membership, and/or) and the tabular operators of a
query. The grammar that builds it is in `kql`; `evaluate` runs it.

Apart from the parser so the tree, which both the parser and the evaluator read, is one
small module of plain frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Literal:
    value: str | int | float | bool


@dataclass(frozen=True)
class Path:
    """A column and the steps into its dynamic value: `properties.addressSpace`, `tags['x']`."""

    column: str
    steps: tuple[str | int, ...]
    line: int = 0
    position: int = 0


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Member:
    op: str
    left: Expr
    items: tuple[Literal, ...]


@dataclass(frozen=True)
class Logical:
    op: str  # and | or
    terms: tuple[Expr, ...]


Expr = Literal | Path | Call | Compare | Member | Logical


@dataclass(frozen=True)
class Where:
    condition: Expr


@dataclass(frozen=True)
class Project:
    columns: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class ProjectAway:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Extend:
    columns: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class OrderBy:
    keys: tuple[tuple[Expr, bool], ...]  # (expression, descending)


@dataclass(frozen=True)
class Take:
    count: int


@dataclass(frozen=True)
class Aggregate:
    """One aggregation of a `summarize`: `count()` or `make_list(expr)`, and its column."""

    name: str
    function: str  # count | make_list
    arg: Expr | None = None


@dataclass(frozen=True)
class Summarize:
    aggregates: tuple[Aggregate, ...]
    by: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class Join:
    """`join kind=leftouter|inner (subquery) on key, ...`: each left row with every right
    row whose keys are equal (leftouter keeps a left row that has none)."""

    kind: str
    right: Query
    on: tuple[str, ...]


Operator = Where | Project | ProjectAway | Extend | OrderBy | Take | Summarize | Join


@dataclass(frozen=True)
class Query:
    table: str
    operators: tuple[Operator, ...]
