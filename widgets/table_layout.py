"""What a keyed table is made of and how it is laid out, without Textual: rows, columns,
natural ordering, fitting columns into the room there is, and cutting text with an ellipsis.

Pure, so the layout rules are tested on their own (`fit_widths`), and the table widget
(`widgets.resource_table`) only draws.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

GAP = 2  # blank cells between columns
ELLIPSIS = "…"


class TableRow(NamedTuple):
    """One row: a stable key (a lower-cased resource id), its cells and its height."""

    key: str
    cells: tuple[Text, ...]
    height: int = 1


class Column(NamedTuple):
    """A column: its heading, key, and the narrowest it may become before it is dropped."""

    label: str
    key: str
    min_width: int = 0  # 0: the heading's width, within 5 to 8
    priority: int = 1  # columns of the lowest priority go first when room is short

    @property
    def floor(self) -> int:
        """Narrower than this a column says nothing ("L…"): it is dropped instead."""
        return self.min_width or min(max(cell_len(self.label), 5), 8)


def as_column(spec: Column | tuple[str, str]) -> Column:
    return spec if isinstance(spec, Column) else Column(spec[0], spec[1])


def cell_width(cell: Text) -> int:
    plain = cell.plain
    if "\n" not in plain:
        return cell.cell_len
    return max(cell_len(line) for line in plain.split("\n"))


def sort_value(cell: Text) -> tuple[tuple[int, int | str], ...]:
    """Natural order: numbers inside the text compare as numbers, so "vnet10" follows
    "vnet9", "10.2.0.4" follows "10.1.0.40" and peering counts sort by count."""
    text = cell.plain.strip().lstrip("⚠ ").casefold()
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(text) if part
    )


_DIGITS = re.compile(r"(\d+)")


def fit_widths(naturals: Sequence[int], floors: Sequence[int], room: int,
               priorities: Sequence[int] | None = None) -> list[int]:
    """Column widths for `room` cells (0: the column is dropped).

    Natural widths when they fit; else the least important columns (lowest priority) are
    cut, down to their floors; else they are dropped, rightmost first, and the rest tried
    again. Only the most important columns are ever cut below their natural width, widest
    first. So a narrow VNet pane drops Region before it cuts a name.
    """
    count = len(naturals)
    prio = list(priorities) if priorities is not None else [1] * count
    keep = list(range(count))
    while True:
        gaps = GAP * max(0, len(keep) - 1)
        if sum(naturals[i] for i in keep) + gaps <= room:
            return [naturals[i] if i in keep else 0 for i in range(count)]
        lowest = min(prio[i] for i in keep)
        if all(prio[i] == lowest for i in keep):
            break  # only the most important are left: cut them, widest first
        cut = [i for i in keep if prio[i] == lowest]
        fixed = sum(naturals[i] for i in keep if prio[i] != lowest)
        floor_sum = sum(min(floors[i], naturals[i]) for i in cut)
        if fixed + floor_sum + gaps <= room:
            widths = [0] * count
            for i in keep:
                widths[i] = naturals[i] if prio[i] != lowest else min(floors[i], naturals[i])
            spare = room - fixed - floor_sum - gaps
            for i in cut:  # left to right, as far as the room goes
                grow = min(spare, naturals[i] - widths[i])
                widths[i] += grow
                spare -= grow
            return widths
        keep.remove(max(cut))
    return _shrink_widest([naturals[i] for i in keep], [floors[i] for i in keep], room,
                          keep, count)


def _shrink_widest(naturals: list[int], floors: list[int], room: int, keep: list[int],
                   count: int) -> list[int]:
    widths = list(naturals)
    limit = room - GAP * max(0, len(widths) - 1)
    excess = sum(widths) - limit
    while excess > 0:
        candidates = [i for i in range(len(widths)) if widths[i] > min(floors[i], naturals[i])]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        others = [widths[i] for i in candidates if i != widest]
        target = max(max(others, default=0), min(floors[widest], naturals[widest]))
        step = min(excess, max(1, widths[widest] - target))
        widths[widest] -= step
        excess -= step
    if len(widths) == 1 and widths[0] > limit:
        widths[0] = max(1, limit)
    out = [0] * count
    for position, i in enumerate(keep):
        out[i] = widths[position]
    return out


def clip(text: Text, width: int) -> Text:
    """`text` in exactly `width` cells: cut with an ellipsis when longer, padded when shorter."""
    line = text.copy()
    line.no_wrap = True
    if line.cell_len > width:
        line.truncate(width, overflow="ellipsis")
    line.pad_right(width - line.cell_len)
    return line
