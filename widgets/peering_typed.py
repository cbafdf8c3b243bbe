"""Typed confirmation for writes to production VNets, inside the peering modals.

The app decides which VNets need it and passes `confirm(vnet) -> str | None` (the text to
type, e.g. `tui.config.production_confirmation`); each modal shows one box per VNet it
writes to that needs one, and will not submit until each holds that text exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label

from tui.model import VirtualNetwork

Confirm = Callable[[VirtualNetwork], str | None]


class TypedConfirmation(Horizontal):
    """"Production: type vnet1 to confirm [      ]" for one VNet; hidden when not needed."""

    DEFAULT_CSS = """
    TypedConfirmation { height: auto; display: none; }
    TypedConfirmation.-needed { display: block; }
    TypedConfirmation Label { width: auto; color: $warning; padding: 0 1 0 0; }
    TypedConfirmation Input { width: 30; }
    """

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.expected: str | None = None
        self.vnet_name = ""

    def compose(self) -> ComposeResult:
        yield Label("", classes="prompt")
        yield Input(compact=True, classes="typed")

    def require(self, vnet: VirtualNetwork | None, confirm: Confirm | None) -> None:
        """Ask for `vnet`'s confirmation text, or hide when it needs none."""
        expected = confirm(vnet) if (vnet is not None and confirm is not None) else None
        if expected != self.expected:
            self.query_one(Input).value = ""
        self.expected = expected
        self.vnet_name = vnet.name if vnet else ""
        self.set_class(expected is not None, "-needed")
        if expected is not None:
            self.query_one(Label).update(
                Content(f"{self.vnet_name} is in production: type {expected} to confirm"))

    @property
    def ok(self) -> bool:
        if self.expected is None:
            return True
        return self.query_one(Input).value.strip() == self.expected

    def problem(self) -> str | None:
        if self.ok:
            return None
        return f"Type {self.expected} to confirm the write to production VNet {self.vnet_name}."

    def focus_input(self) -> None:
        self.query_one(Input).focus()
