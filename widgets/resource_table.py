"""A keyed table of resources drawn with Textual's Line API: any number of rows, one screen's cost.

Only the lines on screen are rendered (`render_line`), so 100 or 100,000 rows fill in the
same time and a live refresh touches nothing but what changed. Rows are addressed by key
(a lower-cased resource id): the cursor, the flash after a change and the sort order all
follow keys, never positions. Columns are fitted to the widest cell *now* (not their first
width); when the pane is too narrow the least important columns give way first and cut
text ends in "…" (the rules are in `widgets.table_layout`).

Every cursor move goes through one method that copes with an empty table, so no key can
reach a missing row.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from widgets.table_layout import GAP, as_column, cell_width, clip, fit_widths, sort_value
from widgets.table_layout import Column as Column  # re-exported: panes build both
from widgets.table_layout import TableRow as TableRow

FLASH_SECONDS = 3.0


class ResourceTable(ScrollView, can_focus=True):
    """A keyed, incrementally updated table with vi keys, sorting and change highlighting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="vnettui.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="vnettui.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="vnettui.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="vnettui.page_down"),
        Binding("home,g", "first", "First row", show=False, id="vnettui.first"),
        Binding("end,G", "last", "Last row", show=False, id="vnettui.last"),
        Binding("enter", "choose", "Open", show=False, id="vnettui.open"),
        Binding("o", "sort", "Sort", show=False, id="vnettui.sort"),
        Binding("O", "reverse_sort", "Reverse sort", show=False, id="vnettui.reverse_sort"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header", "resource-table--cursor", "resource-table--cursor-blurred",
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: transparent;
        height: 1fr;
        & > .resource-table--header { text-style: bold; color: $foreground; }
        & > .resource-table--cursor-blurred {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .resource-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor is on another row (`key` None: the table is empty)."""

        def __init__(self, table: ResourceTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowSelected(Message):
        """`enter` (or a click on the highlighted row) on the row with `key`."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column | tuple[str, str]],
        *,
        id: str | None = None,
        classes: str | None = None,
        show_header: bool = True,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(as_column(c) for c in columns)
        self.show_header = show_header
        self._rows: list[TableRow] = []  # in display order
        self._given: list[TableRow] = []  # in the order they were given
        self._index: dict[str, int] = {}  # key -> display position
        self._tops: list[int] = []  # first line of each row
        # key -> (cells, their widths): rows are rebuilt only when they change, so a filter
        # keystroke over thousands of rows measures none of them again.
        self._widths: dict[str, tuple[tuple[Text, ...], tuple[int, ...]]] = {}
        self._cursor = 0
        self._announced: str | None = None
        self._flashing: set[str] = set()
        self._version = 0  # bumped when cell widths may have changed
        self._fitted: tuple[int, int, list[int]] = (-1, -1, [])
        self.sort_column: int | None = None
        self.sort_reverse = False
        self._paint_style: Style | None = None  # the widget's style while one paint lasts

    # --- reading ---------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return [row.key for row in self._rows]

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_key(self) -> str | None:
        if not self._rows:
            return None
        return self._rows[min(self._cursor, len(self._rows) - 1)].key

    @property
    def filling(self) -> bool:
        """Kept for callers of the chunked table: a Line API table is always full."""
        return False

    @property
    def flashing(self) -> bool:
        """Some rows are drawn reversed because they just changed (for FLASH_SECONDS)."""
        return bool(self._flashing)

    def cells_of(self, key: str) -> tuple[Text, ...] | None:
        index = self._index.get(key)
        return None if index is None else self._rows[index].cells

    def row_at_line(self, line: int) -> int | None:
        """The row drawn on content line `line` (0 is the first row), if any."""
        if not self._rows or line < 0:
            return None
        index = bisect_right(self._tops, line) - 1
        if index < 0 or line >= self._tops[index] + self._rows[index].height:
            return None
        return index

    # --- writing ---------------------------------------------------------------------

    def show_rows(self, rows: Sequence[TableRow], *, flash: bool = True) -> None:
        """Show exactly `rows` (sorted if a sort column is chosen). The cursor stays on its
        key when that row is still here, else goes to the first row; with `flash`, rows
        whose cells changed are drawn reversed for a few seconds."""
        before = {row.key: row.cells for row in self._rows} if flash else {}
        selected = self.selected_key
        self._given = list(rows)
        self._measure(rows)
        self._arrange()
        if flash and before:
            self._flash(k for k, cells in ((r.key, r.cells) for r in rows)
                        if k in before and before[k] != cells)
        index = self._index.get(selected) if selected is not None else None
        self._set_cursor(index if index is not None else 0, scroll=index is None)

    def update_rows(self, rows: Sequence[TableRow], *, flash: bool = True) -> None:
        """Replace the cells of these rows where they are shown (a live refresh of a few)."""
        changed = []
        for row in rows:
            index = self._index.get(row.key)
            if index is None or self._rows[index].cells == row.cells:
                continue
            self._rows[index] = row
            changed.append(row.key)
        if not changed:
            return
        fresh = {row.key: row for row in rows}
        self._given = [fresh.get(r.key, r) for r in self._given]
        self._measure([fresh[k] for k in changed])
        if flash:
            self._flash(changed)
        self.refresh()

    def select_key(self, key: str, *, scroll: bool = True) -> bool:
        """Put the cursor on the row with this key; False when it is not shown."""
        index = self._index.get(key)
        if index is None:
            return False
        self._set_cursor(index, scroll=scroll)
        return True

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        self._set_cursor(row, scroll=scroll)

    # --- keys ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self._set_cursor(self._cursor + step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - int(self.show_header))
        target_line = (self._tops[self._cursor] if self._rows else 0) + direction * page
        index = self.row_at_line(max(0, min(target_line, self._content_height() - 1)))
        self._set_cursor(index if index is not None else self._cursor + direction)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self._rows) - 1)

    def action_choose(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def action_sort(self) -> None:
        """Sort by the next column (given order, then each column in turn)."""
        if self.sort_column is None:
            self.sort_column = 0
        elif self.sort_column + 1 < len(self.columns):
            self.sort_column += 1
        else:
            self.sort_column = None
        self.sort_reverse = False
        self._resort()

    def action_reverse_sort(self) -> None:
        if self.sort_column is None:
            self.sort_column = 0
        self.sort_reverse = not self.sort_reverse
        self._resort()

    @property
    def sort_label(self) -> str:
        """"Name ↑" for the sort in force, "" for the given order."""
        if self.sort_column is None:
            return ""
        return f"{self.columns[self.sort_column].label} {'↓' if self.sort_reverse else '↑'}"

    def _resort(self) -> None:
        selected = self.selected_key
        self._arrange()
        index = self._index.get(selected) if selected is not None else None
        self._set_cursor(index if index is not None else 0)
        self.notify_sort()

    def notify_sort(self) -> None:
        """Hook for panes that show the sort in their border."""

    def on_click(self, event: events.Click) -> None:
        line = event.y + int(self.scroll_offset.y) - int(self.show_header)
        if self.show_header and event.y == 0:
            return
        index = self.row_at_line(line)
        if index is None:
            return
        if index == self._cursor and event.chain >= 1 and self.has_focus:
            self.action_choose()
        else:
            self._set_cursor(index, scroll=False)
        self.focus()

    def on_mount(self) -> None:
        self._update_virtual_size()  # the header line before the first layout, not after

    def on_resize(self) -> None:
        self._update_virtual_size()
        # After the layout settles, so the new height bounds the scroll.
        self.call_after_refresh(self.scroll_to_cursor)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- internals -------------------------------------------------------------------

    def _measure(self, rows: Iterable[TableRow]) -> None:
        widths = self._widths
        for row in rows:
            known = widths.get(row.key)
            if known is None or known[0] is not row.cells:
                widths[row.key] = (row.cells, tuple(cell_width(cell) for cell in row.cells))
                self._version += 1

    def _arrange(self) -> None:
        rows = list(self._given)
        if self.sort_column is not None:
            column = self.sort_column
            blank = Text()
            rows.sort(
                key=lambda r: sort_value(r.cells[column] if column < len(r.cells) else blank),
                reverse=self.sort_reverse,
            )
        self._rows = rows
        self._index = {row.key: i for i, row in enumerate(rows)}
        live = set(self._index)
        if len(self._widths) != len(live):
            # Widths are of what is shown now: a column narrows again when its widest row goes.
            self._widths = {k: w for k, w in self._widths.items() if k in live}
            self._version += 1
        self._flashing &= live
        tops, line = [], 0
        for row in rows:
            tops.append(line)
            line += row.height
        self._tops = tops
        self._update_virtual_size()
        self.refresh()

    def _content_height(self) -> int:
        if not self._rows:
            return 0
        return self._tops[-1] + self._rows[-1].height

    def _update_virtual_size(self) -> None:
        # No width: columns are fitted to the pane, never scrolled sideways, so a resize
        # leaves the virtual size as it was and sets off no second layout.
        self.virtual_size = Size(0, self._content_height() + int(self.show_header))

    def _set_cursor(self, index: int, *, scroll: bool = True) -> None:
        """The one way the cursor moves: clamped, safe on an empty table, announced once."""
        self._cursor = max(0, min(index, len(self._rows) - 1)) if self._rows else 0
        if scroll:
            if self.size.height:
                self.scroll_to_cursor()
            else:
                self.call_after_refresh(self.scroll_to_cursor)  # not laid out yet
        self.refresh()
        key = self.selected_key
        if key != self._announced:
            self._announced = key
            self.post_message(self.RowHighlighted(self, key))

    def scroll_to_cursor(self, *, animate: bool = False) -> None:
        """Scroll just enough for the whole cursor row to show below the header."""
        if not self._rows:
            return
        top = self._tops[self._cursor]
        bottom = top + self._rows[self._cursor].height
        visible = max(1, self.scrollable_content_region.height - int(self.show_header))
        y = int(self.scroll_offset.y)
        if top < y:
            y = top
        elif bottom > y + visible:
            y = bottom - visible
        if y != int(self.scroll_offset.y):
            self.scroll_to(y=y, animate=animate, immediate=True)

    def _flash(self, keys: Iterable[str]) -> None:
        keys = set(keys)
        if not keys:
            return
        self._flashing |= keys
        self.set_timer(FLASH_SECONDS, lambda: self._end_flash(keys))

    def _end_flash(self, keys: set[str]) -> None:
        self._flashing -= keys
        self.refresh()

    def column_widths(self) -> list[int]:
        """Widths of the columns as drawn now (0: dropped for lack of room)."""
        room = max(1, self.scrollable_content_region.width - 2)  # a blank each side
        version, fitted_room, fitted = self._fitted
        if version == self._version and fitted_room == room:
            return fitted
        naturals = [cell_len(c.label) if self.show_header else 0 for c in self.columns]
        for _cells, widths in self._widths.values():
            for i, width in enumerate(widths[: len(naturals)]):
                if width > naturals[i]:
                    naturals[i] = width
        fitted = fit_widths(naturals, [c.floor for c in self.columns], room,
                            [c.priority for c in self.columns])
        self._fitted = (self._version, room, fitted)
        return fitted

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style blends every ancestor's background: worked out once per paint,
        # not once per line (a full screen of panes is ~100 lines).
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._paint_style if self._paint_style is not None else self.rich_style
        if self.show_header and y == 0:
            header = self.get_component_rich_style("resource-table--header")
            cells = [Text(c.label) for c in self.columns]
            return self._strip(cells, 0, base + header, width)
        line = y + int(self.scroll_offset.y) - int(self.show_header)
        index = self.row_at_line(line)
        if index is None:
            return Strip.blank(width, base)
        row = self._rows[index]
        offset = line - self._tops[index]
        cells = []
        for cell in row.cells:
            if "\n" in cell.plain:
                parts = cell.split("\n")
                cells.append(parts[offset] if offset < len(parts) else Text())
            else:
                cells.append(cell if offset == 0 else Text())
        style = base
        if index == self._cursor and self._rows:
            name = "resource-table--cursor" if self.has_focus else "resource-table--cursor-blurred"
            style = base + self.get_component_rich_style(name)
        if row.key in self._flashing:
            style = style + Style(reverse=True)
        return self._strip(cells, offset, style, width)

    def _strip(self, cells: Sequence[Text], offset: int, style: Style, width: int) -> Strip:
        widths = self.column_widths()
        line = Text(" ", no_wrap=True)
        first = True
        for cell, column_width in zip(cells, widths, strict=False):
            if column_width <= 0:
                continue
            if not first:
                line.append(" " * GAP)
            first = False
            line.append_text(clip(cell, column_width))
        line = clip(line, width)
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style, seg.control)
            for seg in line.render(self.app.console)
        ]
        return Strip(segments, width)
