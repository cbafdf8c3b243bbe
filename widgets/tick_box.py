"""A checkbox that reads the same in any colour system: `[✓]` ticked, `[ ]` not.

Textual's Checkbox draws "X" whether ticked or not (only the colour differs, which is lost
without colour), and its focus border made a one-line box swallow its own label. Here the
mark says the value and the focused label is drawn reversed, on one line unless a form
lets it wrap (`text-wrap: wrap`): then under itself, never cut.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox

INDENT = 4  # "[✓] "


class TickBox(Checkbox):
    DEFAULT_CSS = """
    TickBox { width: auto; }
    TickBox, TickBox:focus, TickBox.-textual-compact:focus {
        border: none; padding: 0; height: 1; background: transparent;
    }
    TickBox > .toggle--label { color: $foreground; background: transparent; }
    TickBox:focus > .toggle--label { text-style: bold reverse; }
    TickBox.-on > .toggle--button { text-style: bold; }
    """

    def render(self) -> Content:
        mark = Content.assemble(("[✓]" if self.value else "[ ]", "bold" if self.value else ""),
                                " ")
        label = self.label.stylize_before(self.get_visual_style("toggle--label"))
        lines = self._label_lines(label, self.size.width)
        return Content("\n").join([mark + lines[0], *(Content(" " * INDENT) + line
                                                      for line in lines[1:])])

    def _label_lines(self, label: Content, width: int) -> list[Content]:
        """The label on one line, or, where a form lets it wrap (`text-wrap: wrap`), on as
        many as it needs, hanging under the mark's right."""
        if self.styles.text_wrap != "wrap" or width <= INDENT:
            return [label]
        return label.wrap(width - INDENT) or [label]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        label = self.label
        return len(self._label_lines(label, width))
