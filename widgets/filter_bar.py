"""The `/` filter: an input at the bottom that narrows the focused pane as you type."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from widgets.typing_bar import TypingBar


class FilterBar(TypingBar):
    """Posts FilterChanged on every keystroke, FilterClosed on enter (keep) or esc (clear)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_and_close", "Clear filter", id="vnettui.filter_clear"),
    ]

    class FilterChanged(Message):
        def __init__(self, target: str, text: str) -> None:
            super().__init__()
            self.target = target
            self.text = text

    class FilterClosed(Message):
        def __init__(self, target: str, cleared: bool) -> None:
            super().__init__()
            self.target = target
            self.cleared = cleared

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("filter: name, prefix or IP", id=id)
        self.target = ""

    def open(self, target: str, label: str, text: str) -> None:
        """Start filtering the pane with id `target` (label shown as the border title)."""
        self.target = target
        self.border_title = f"Filter {label}"
        self.value = text
        self.display = True
        self.cursor_position = len(text)
        self.take_focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.display and self.target:
            self.post_message(self.FilterChanged(self.target, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close(cleared=False)

    def action_clear_and_close(self) -> None:
        self.value = ""
        self._close(cleared=True)

    def _close(self, *, cleared: bool) -> None:
        target = self.target
        self.display = False
        self.target = ""
        self.post_message(self.FilterClosed(target, cleared))
