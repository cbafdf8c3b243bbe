"""The `:` command line at the bottom: type, tab or → to complete, enter to run, esc to leave."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from widgets.typing_bar import TypingBar

Completer = Callable[[str], str | None]


class _Suggest(Suggester):
    def __init__(self, completer: Completer) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.completer = completer

    async def get_suggestion(self, value: str) -> str | None:
        return self.completer(value)


class CommandBar(TypingBar):
    """Posts Entered with the line on enter; Closed on esc. The owner completes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="vnettui.command.close"),
        Binding("tab", "complete", "Complete", show=False, id="vnettui.command.complete"),
    ]

    class Entered(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Closed(Message):
        pass

    def __init__(self, completer: Completer, *, id: str | None = None) -> None:
        # Not select_on_focus (Textual's default): the first key typed would replace the
        # ":" that open() puts there, and the completion would be drawn after the wrong text.
        super().__init__(":vnets  :sub NAME  :check vm1 vm2 80  :q",
                         suggester=_Suggest(completer), id=id, select_on_focus=False)
        self.completer = completer
        self.border_title = "Command"

    def open(self) -> None:
        self.value = ":"
        self.display = True
        self.cursor_position = 1
        self.take_focus()

    def action_complete(self) -> None:
        """tab takes the suggestion, as → does."""
        completed = self.completer(self.value)
        if completed:
            self.value = completed
            self.cursor_position = len(completed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = self.value
        self.display = False
        self.post_message(self.Entered(line))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())
