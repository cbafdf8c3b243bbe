"""A DataTable that shows resources keyed by id and is updated in place.

Live refreshes must not clear and refill (cursor and scroll would jump, and a refill of
thousands of rows blocks the event loop for about a second), so `show_rows` diffs by key:
changed cells are updated, a few added or removed rows are patched in, and only a large
change (narrowing, filtering) clears and refills, in chunks when the table is big.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey
from textual.worker import Worker

FLASH_SECONDS = 3.0
MORE_KEY = "~more"  # the key of the "N more" row under a capped table


@dataclass(frozen=True)
class TableRow:
    """One row: a stable key (a lower-cased resource id), its cells and its height."""

    key: str
    cells: tuple[Text, ...]
    height: int = 1


class ResourceTable(DataTable[Text]):
    """A keyed, incrementally updated table with vi keys and change highlighting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="vnettui.down"),
        Binding("k", "cursor_up", "Up", show=False, id="vnettui.up"),
    ]

    # Above this many rows a refill is spread over several event-loop turns.
    CHUNK = 400
    # At most this many rows are shown; a last row says how many more a filter would
    # reach. Nobody scrolls through thousands of VNets, and every refill stays cheap.
    MAX_ROWS = 1000
    # Patching rows one by one is O(rows) each; beyond this many, refill instead.
    PATCH_LIMIT = 24

    class Filled(Message):
        """Posted when the rows asked for by `show_rows` are all on screen."""

        def __init__(self, table: ResourceTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        # "renderable": a cell's own colours (state, power) survive the cursor row.
        super().__init__(
            id=id, classes=classes, cursor_type="row", zebra_stripes=False,
            cursor_foreground_priority="renderable",
        )
        self._column_spec = tuple(columns)
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._order: list[str] = []
        self._flashing: set[str] = set()
        self._filling = False
        self._fill_worker: Worker[None] | None = None
        self._widths: list[int] = []

    def on_mount(self) -> None:
        for label, key in self._column_spec:
            self.add_column(label, key=key, width=cell_len(label))
        self._widths = [cell_len(label) for label, _ in self._column_spec]

    def _fit(self, rows: Sequence[TableRow]) -> None:
        """Widen columns to their widest cell.

        Widths are kept here rather than measured by the DataTable: its measurement
        came out short (cut names) with the `ansi-dark` theme on a real terminal.
        """
        widths = self._widths
        grown = False
        for row in rows:
            for i, cell in enumerate(row.cells[: len(widths)]):
                width = _width(cell)
                if width > widths[i]:
                    widths[i] = width
                    grown = True
        if grown:
            for (_, key), width in zip(self._column_spec, widths, strict=True):
                self.columns[ColumnKey(key)].width = width
            self._require_update_dimensions = True
            self.refresh()

    # --- reading ---------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        """Row keys in display order (what is on screen now)."""
        return list(self._order)

    @property
    def filling(self) -> bool:
        """True while a large refill is still adding rows."""
        return self._filling

    @property
    def selected_key(self) -> str | None:
        if not self._order or self.cursor_row < 0 or self.cursor_row >= len(self._order):
            return None
        key = self._order[self.cursor_row]
        return None if key == MORE_KEY else key

    def cells_of(self, key: str) -> tuple[Text, ...] | None:
        return self._cells.get(key)

    # --- writing ---------------------------------------------------------------------

    def select_key(self, key: str, *, scroll: bool = True) -> bool:
        """Put the cursor on the row with this key; False when it is not shown."""
        try:
            index = self._order.index(key)
        except ValueError:
            return False
        self.move_cursor(row=index, scroll=scroll)
        return True

    def show_rows(self, rows: Sequence[TableRow], *, flash: bool = True) -> None:
        """Make the table show exactly `rows`, in that order, touching as little as possible.

        With `flash`, rows whose cells changed are highlighted for a few seconds.
        """
        if len(rows) > self.MAX_ROWS:
            hidden = len(rows) - self.MAX_ROWS
            note = Text(f"… {hidden} more: / narrows", style="dim italic")
            blank = tuple(Text() for _ in self._column_spec[1:])
            rows = [*rows[: self.MAX_ROWS], TableRow(MORE_KEY, (note, *blank))]
        if self._filling:
            # A refill still in progress is superseded: stop it, then diff against what
            # it managed to add.
            self.workers.cancel_group(self, "fill")
            self._filling = False
        new_keys = [r.key for r in rows]
        selected = self.selected_key
        if new_keys == self._order:
            self._update_cells(rows, flash=flash)
            self.post_message(self.Filled(self))
            return
        old = set(self._order)
        new = set(new_keys)
        gone = old - new
        added = new - old
        if self._order and len(gone) + len(added) <= self.PATCH_LIMIT:
            self._patch(rows, gone, flash=flash)
            if selected is not None and selected in new:
                self.select_key(selected, scroll=False)
            self.post_message(self.Filled(self))
            return
        self._refill(rows, selected)

    def update_rows(self, rows: Sequence[TableRow], *, flash: bool = True) -> None:
        """Update just these rows where they are shown (a live refresh of a few)."""
        self._update_cells([r for r in rows if r.key in self._cells], flash=flash)

    def _update_cells(self, rows: Sequence[TableRow], *, flash: bool) -> None:
        self._fit(rows)
        changed: list[str] = []
        for row in rows:
            before = self._cells.get(row.key)
            if before == row.cells:
                continue
            self._cells[row.key] = row.cells
            changed.append(row.key)
            shown = _flashed(row.cells) if flash else row.cells
            for (_, column), cell, old in zip(self._column_spec, shown, before or (), strict=False):
                if cell != old or flash:
                    self.update_cell(row.key, column, cell)
        if flash and changed:
            self._flashing.update(changed)
            self.set_timer(FLASH_SECONDS, self._end_flash)

    def _patch(self, rows: Sequence[TableRow], gone: set[str], *, flash: bool) -> None:
        for key in gone:
            self.remove_row(key)
            self._cells.pop(key, None)
            self._flashing.discard(key)
        existing = [r for r in rows if r.key in self._cells]
        self._update_cells(existing, flash=flash)
        self._fit([r for r in rows if r.key not in self._cells])
        for row in rows:
            if row.key not in self._cells:
                self._cells[row.key] = row.cells
                self.add_row(*row.cells, key=row.key, height=row.height)
        self._order = [r.key for r in rows]
        self._apply_order()

    def _apply_order(self) -> None:
        """Order rows as `_order` says.

        DataTable.sort cannot sort by row key, so set its row locations the way sort does.
        """
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(self._order)})
        self._update_count += 1
        self.refresh()

    def _refill(self, rows: Sequence[TableRow], selected: str | None) -> None:
        self.clear()
        self._cells.clear()
        self._flashing.clear()
        self._order = []
        head, tail = rows[: self.CHUNK], rows[self.CHUNK :]
        self._add(head)
        if selected is not None:
            self.select_key(selected)
        if not tail:
            self._filling = False
            self.post_message(self.Filled(self))
            return
        self._filling = True
        # A callable, not a coroutine: a fill cancelled before it starts creates nothing.
        rest = list(tail)

        async def fill() -> None:
            await self._fill_rest(rest, selected)

        self._fill_worker = self.run_worker(
            fill, group="fill", exclusive=True, exit_on_error=False
        )

    def _add(self, rows: Sequence[TableRow]) -> None:
        self._fit(rows)
        for row in rows:
            self._cells[row.key] = row.cells
            self._order.append(row.key)
            self.add_row(*row.cells, key=row.key, height=row.height)

    async def _fill_rest(self, rows: list[TableRow], selected: str | None) -> None:
        """Add the remaining rows a chunk per event-loop turn, so keys keep working."""
        for start in range(0, len(rows), self.CHUNK):
            await asyncio.sleep(0)
            self._add(rows[start : start + self.CHUNK])
        if selected is not None and self.selected_key != selected:
            self.select_key(selected)
        self._filling = False
        self.post_message(self.Filled(self))

    def _end_flash(self) -> None:
        for key in list(self._flashing):
            cells = self._cells.get(key)
            if cells is None:
                continue
            for (_, column), cell in zip(self._column_spec, cells, strict=False):
                self.update_cell(key, column, cell)
        self._flashing.clear()


def _width(cell: Text) -> int:
    if "\n" not in cell.plain:
        return cell.cell_len
    return max(cell_len(line) for line in cell.plain.split("\n"))


def _flashed(cells: tuple[Text, ...]) -> tuple[Text, ...]:
    """Copies of the cells drawn in reverse video: the "this just changed" mark."""
    out = []
    for cell in cells:
        copy = cell.copy()
        copy.stylize("reverse")
        out.append(copy)
    return tuple(out)
