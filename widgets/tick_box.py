"""A checkbox that reads the same in any colour system: `[✓]` ticked, `[ ]` not.

Textual's Checkbox draws "X" whether ticked or not (only the colour differs, which is lost
without colour), and its focus border made a one-line box swallow its own label. Here the
mark says the value and the focused label is drawn reversed, on one line, always.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


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
        mark = "[✓]" if self.value else "[ ]"
        label = self.get_visual_style("toggle--label")
        return Content.assemble((mark, "bold" if self.value else ""), " ",
                                self.label.stylize_before(label))
