"""Cutting a query's result into Resource Graph's pages: the answer's head (`totalRecords`,
`count`, `resultTruncated`, `$skipToken`) and its `data`, and the skip tokens themselves.

A token names the last row's place in the result's order (keyset paging), so a page asked
for after a concurrent write neither skips nor repeats a row, whether the result it is cut
from was kept from the first page or evaluated again.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from tui.sandbox.errors import ArmError
from tui.sandbox.graph.evaluate import Encoded, Row, Schema, SortValue
from tui.sandbox.graph.spool import SpooledTexts

Position = tuple[tuple[SortValue, ...], str]
_COLUMN_TYPES = {"string": "string", "long": "integer", "real": "number", "bool": "boolean",
                 "dynamic": "object"}


class Answered(NamedTuple):
    """A query's result, held between its pages as the JSON text of each row (a decoded
    result of 40,000 VMs would hold half a gigabyte; their text a tenth of that), spooled
    to a file so that it is not in the heap of the app the sandbox runs in."""

    columns: Schema
    positions: list[Position]
    texts: SpooledTexts
    limited: bool
    descending: tuple[bool, ...]

    @property
    def size(self) -> int:
        return self.texts.size


class Cut(NamedTuple):
    """What one page is: its rows' text, where it starts, how many rows the result has,
    and the position of the page's last row (for the next token).

    Named tuples, these and `Answered`: the sandbox imports this module before its first
    answer, and a dataclass compiles its methods from source on import."""

    columns: Schema
    texts: Sequence[str]
    start: int
    total: int
    last: Position | None
    limited: bool


def encode(row: Row, names: list[str], table_format: bool) -> str:
    values = row.values
    if any(type(values.get(n)) is Encoded for n in names):
        parts = [_text(values.get(n)) for n in names]
        if table_format:
            return f"[{','.join(parts)}]"
        return "{" + ",".join(f"{json.dumps(n)}:{p}" for n, p in zip(names, parts,
                                                                     strict=True)) + "}"
    if table_format:
        return json.dumps([values.get(n) for n in names], separators=(",", ":"))
    return json.dumps({n: values.get(n) for n in names}, separators=(",", ":"))


def _text(value: Any) -> str:
    return value if type(value) is Encoded else json.dumps(value, separators=(",", ":"))


def cut(answered: Answered, start: int, top: int) -> Cut:
    """The page of a kept result that starts at `start`."""
    end = min(len(answered.texts), start + top)
    last = answered.positions[end - 1] if end > start else None
    return Cut(answered.columns, answered.texts[start:end], start, len(answered.texts), last,
               answered.limited)


def text(page: Cut, table_format: bool, fingerprint: str) -> tuple[str, bool]:
    """The answer's JSON text, and whether it was the result's last page."""
    end = page.start + len(page.texts)
    more = end < page.total
    pageable = not page.limited and any(t != "dynamic" for _, t in page.columns)
    head: dict[str, Any] = {
        "totalRecords": page.total,
        "count": len(page.texts),
        "resultTruncated": "true" if more and not pageable else "false",
    }
    if more and pageable and page.last is not None:
        head["$skipToken"] = token(page.last, fingerprint)
    head["facets"] = []
    rows = ",".join(page.texts)
    if table_format:
        columns = json.dumps([{"name": n, "type": _COLUMN_TYPES[t]} for n, t in page.columns],
                             separators=(",", ":"))
        data = f'{{"columns":{columns},"rows":[{rows}]}}'
    else:
        data = f"[{rows}]"
    return json.dumps(head, separators=(",", ":"))[:-1] + f',"data":{data}}}', not more


def fingerprint(query: str, scope: set[str]) -> str:
    """What a skip token belongs to: the same query over the same scope."""
    data = json.dumps([query, sorted(scope)])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def token(position: Position, fingerprint: str) -> str:
    key, ordinal = position
    data = {"q": fingerprint, "k": [v.raw for v in key], "o": ordinal}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def resume(
    positions: list[Position], token: str, fingerprint: str, descending: tuple[bool, ...]
) -> int:
    """The index of the first row after the token's."""
    return bisect.bisect_right(positions, read_token(token, fingerprint, descending))


def read_token(token: str, fingerprint: str, descending: tuple[bool, ...]) -> Position:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        values, ordinal = data["k"], data["o"]
        valid = data["q"] == fingerprint and isinstance(values, list) \
            and len(values) == len(descending) and isinstance(ordinal, str)
    except (ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        message = "The $skipToken does not belong to this query and scope."  # [U]
        raise ArmError(400, "BadRequest", message,
                       details=[{"code": "InvalidSkipToken", "message": message}])
    key = tuple(SortValue(v, d) for v, d in zip(values, descending, strict=True))
    return key, ordinal


__all__ = ["Answered", "Cut", "cut", "encode", "fingerprint", "resume", "text", "token"]
