"""The topology drawing as a scrolling view: Textual's Line API over `tui.topology.draw`.

Only the lines on screen are painted, so a 200-VNet component costs what a 10-VNet one
does. The cursor rests on items (a VNet, a "+N spokes" row, a link outside the tree), not
lines; the reach column is painted over each row from `reach`, so moving the cursor never
redraws the picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.topology import REACH_MARK, Drawing, Item, ItemKind, ReachKind, Role, pair_key
from widgets.style import BAD_STYLE, BUSY_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE

ROLE_STYLE: dict[Role, Style] = {
    Role.PLAIN: Style(),
    Role.TREE: Style.parse(DIM_STYLE),
    Role.NAME: Style(bold=True),
    Role.HUB: Style(bold=True, underline=True),
    Role.SPACE: Style(),
    Role.DIM: Style.parse(DIM_STYLE),
    Role.OK: Style.parse(OK_STYLE),
    Role.SYNC: Style.parse(WARN_STYLE),
    Role.PENDING: Style.parse(WARN_STYLE),
    Role.BROKEN: Style.parse(BAD_STYLE),
    Role.SELF: Style(bold=True, color="cyan"),
    Role.DIRECT: Style.parse(OK_STYLE),
    Role.VIA_HUB: Style.parse(WARN_STYLE),
    Role.UNREACHABLE: Style.parse(BAD_STYLE),
}
CHANGED_STYLE = Style.parse(BUSY_STYLE) + Style(reverse=True)


class TopologyView(ScrollView, can_focus=True):
    """Paints a `Drawing`; `cursor` is an index into its items."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"topology-view--cursor"}

    DEFAULT_CSS = """
    TopologyView {
        background: transparent;
        height: 1fr;
        & > .topology-view--cursor {
            background: $block-cursor-blurred-background;
            text-style: bold;
        }
        &:focus > .topology-view--cursor { background: $block-cursor-background 60%; }
    }
    """

    class CursorMoved(Message):
        """The cursor rests on another item (the screen updates its info line)."""

        def __init__(self, item: Item | None) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.drawing: Drawing | None = None
        self.cursor = 0
        self.reach: Mapping[str, ReachKind] = {}
        self.changed: frozenset[tuple[str, str]] = frozenset()  # links that just changed

    @property
    def item(self) -> Item | None:
        items = self.drawing.items if self.drawing else ()
        return items[self.cursor] if 0 <= self.cursor < len(items) else None

    def show(self, drawing: Drawing, cursor: int) -> None:
        self.drawing = drawing
        width = max((len(line.text) for line in drawing.lines), default=0)
        self.virtual_size = Size(width, len(drawing.lines))
        self.move_to(cursor, announce=True)
        self.refresh()

    def set_reach(self, reach: Mapping[str, ReachKind]) -> None:
        self.reach = reach
        self.refresh()

    def flash(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.changed = frozenset(pairs)
        self.refresh()

    def move_to(self, index: int, *, announce: bool = True) -> None:
        count = len(self.drawing.items) if self.drawing else 0
        before = self.cursor
        self.cursor = max(0, min(index, count - 1)) if count else 0
        item = self.item
        if item is not None:
            self.scroll_to_region(Region(0, item.first_line, 1, item.height), animate=False,
                                  force=True)
        self.refresh()
        if announce or before != self.cursor:
            self.post_message(self.CursorMoved(item))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line_no = y + int(self.scroll_offset.y)
        drawing = self.drawing
        if drawing is None or not 0 <= line_no < len(drawing.lines):
            return Strip.blank(width, base)
        line = drawing.lines[line_no]
        style = base
        item = drawing.items[line.item] if line.item is not None else None
        if line.item is not None and line.item == self.cursor and item is not None \
                and line_no == item.first_line + (1 if item.height == 3 else 0):
            style = base + self.get_component_rich_style("topology-view--cursor")
        segments = [Segment(span.text, style + ROLE_STYLE[span.role]) for span in line.spans]
        if item is not None and segments and segments[0].text == "  ":
            segments[0] = self._reach_segment(item, line_no, style) or segments[0]
        mark = 4 if item is not None and item.kind is ItemKind.CROSS else 2  # the link mark
        if item is not None and item.parent is not None and len(segments) > mark \
                and pair_key(item.key, item.parent) in self.changed:
            segments[mark] = Segment(segments[mark].text, style + CHANGED_STYLE)
        strip = Strip(segments)
        x = int(self.scroll_offset.x)
        return strip.crop(x, x + width).extend_cell_length(width, base)

    def _reach_segment(self, item: Item, line_no: int, style: Style) -> Segment | None:
        if item.kind is ItemKind.MORE:
            return None
        middle = item.first_line + (1 if item.height == 3 else 0)
        kind = self.reach.get(item.key)
        if kind is None or line_no != middle:
            return None
        mark, role = REACH_MARK[kind]
        return Segment(mark + " ", style + ROLE_STYLE[role])
