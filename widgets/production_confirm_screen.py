"""Typed confirmation before a write that has no form of its own (sync), on production.

The peering forms carry their own confirmation boxes; sync goes straight to work, so on
a production VNet this small modal asks for the name first. Dismisses True when every
box holds its text, False on esc.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.model import VirtualNetwork
from widgets.dialog import DialogScreen
from widgets.peering_typed import Confirm, TypedConfirmation
from widgets.style import BAD_STYLE, DIM_STYLE, plain


class ProductionConfirmScreen(DialogScreen[bool]):
    DEFAULT_CSS = """
    ProductionConfirmScreen #production-body { width: 72; padding: 0 1; }
    ProductionConfirmScreen #production-problem { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.production_cancel"),
    ]

    def __init__(self, question: str, vnets: Sequence[VirtualNetwork], confirm: Confirm) -> None:
        super().__init__()
        self.question = question
        self.vnets = [v for v in vnets if confirm(v) is not None]
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="production-body", classes="dialog -warning") as body:
            body.border_title = "Production"
            body.border_subtitle = "enter confirms · esc cancels"
            yield Static(plain(self.question, "bold"))
            for i, _ in enumerate(self.vnets):
                yield TypedConfirmation(id=f"typed-{i}")
            yield Static("", id="production-problem")

    def on_mount(self) -> None:
        boxes = list(self.query(TypedConfirmation))
        for box, vnet in zip(boxes, self.vnets, strict=True):
            box.require(vnet, self.confirm)
        if boxes:
            boxes[0].focus_input()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problems = [p for p in (b.problem() for b in self.query(TypedConfirmation)) if p]
        if problems:
            self.query_one("#production-problem", Static).update(
                Text(problems[0], style=BAD_STYLE)
            )
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.query_one("#production-problem", Static).update(Text("cancelled", DIM_STYLE))
        self.dismiss(False)
