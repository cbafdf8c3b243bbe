"""`a`: what vnettui wrote, newest last (the audit log, one line per write)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain


def _style(line: str) -> str:
    result = line.rsplit(": ", 1)[-1]
    if result.startswith("succeeded"):
        return OK_STYLE
    if result.startswith(("failed", "error")):
        return BAD_STYLE
    if result.startswith("refused"):
        return WARN_STYLE
    return ""


class ActivityScreen(ModalScreen[None]):
    """The lines the app read from the audit log; esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,a,q", "dismiss", "Close", id="vnettui.activity_close"),
    ]

    def __init__(self, lines: Sequence[str], where: str) -> None:
        super().__init__()
        self._lines = list(lines)
        self._where = where

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="activity-body") as body:
            body.border_title = "Activity: every write vnettui sent"
            body.border_subtitle = f"{self._where} · esc closes"
            text = Text()
            for i, line in enumerate(self._lines):
                if i:
                    text.append("\n")
                text.append_text(plain(line, _style(line)))
            if not self._lines:
                text = Text("No writes yet.", style=DIM_STYLE)
            yield Static(text, id="activity-lines")

    def on_mount(self) -> None:
        self.query_one("#activity-body", VerticalScroll).scroll_end(animate=False)
