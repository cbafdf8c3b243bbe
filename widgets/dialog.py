"""The one base of every modal: centred, one box style, one way to copy its az commands.

A modal's body container takes the class `dialog` (with `-danger` or `-warning` for a
destructive or production question) and sets only its own width; problems, notes, the az
preview (`#commands`) and the button row (`#buttons`) look the same everywhere.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

ResultT = TypeVar("ResultT")


class DialogScreen(ModalScreen[ResultT]):
    DEFAULT_CSS = """
    DialogScreen { align: center middle; }
    DialogScreen .dialog {
        width: 88; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 1 2; overflow-y: auto;
    }
    DialogScreen .dialog.-danger { border: round $error; }
    DialogScreen .dialog.-warning { border: round $warning; }
    DialogScreen #problems { color: $error; height: auto; }
    DialogScreen #notes { color: $warning; }
    DialogScreen #commands { color: $text-muted; text-wrap: wrap; }
    DialogScreen #buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    DialogScreen #buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "copy_commands", "Copy az", show=False, id="vnettui.dialog.copy"),
    ]

    def action_copy_commands(self) -> None:
        """The equivalent az commands, whole, to the clipboard (OSC 52)."""
        commands = self.query_one_optional("#commands", Static)
        text = str(commands.content) if commands is not None else ""
        if text:
            self.app.copy_to_clipboard(text)
            self.notify("The az commands are on the clipboard.", markup=False)
        else:
            self.notify("No az commands to copy here.", markup=False)
