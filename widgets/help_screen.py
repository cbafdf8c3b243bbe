"""`?`: every key of the explorer, grouped, as the active keymap has them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from widgets.dialog import DialogScreen


@dataclass(frozen=True)
class HelpEntry:
    group: str
    keys: str  # as displayed, e.g. "j / down"
    description: str


def help_table(entries: Sequence[HelpEntry]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    group = None
    for entry in entries:
        if entry.group != group:
            if group is not None:
                table.add_row("", "")
            group = entry.group
            table.add_row(Text(group, style="bold underline"), "")
        table.add_row(Text(entry.keys), Text(entry.description))
    return table


class HelpScreen(DialogScreen[None]):
    """A modal list of keys; any of esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen #help-body { width: 76; max-width: 90%; max-height: 90%; padding: 0 2; }
    HelpScreen #help-table { width: 100%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="vnettui.help_close"),
    ]

    def __init__(self, entries: Sequence[HelpEntry]) -> None:
        super().__init__()
        self._entries = list(entries)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog") as body:
            body.border_title = "Keys"
            body.border_subtitle = "esc closes · ctrl+p finds any action or VNet"
            yield Static(help_table(self._entries), id="help-table")
