"""Describe: one resource as Azure Resource Manager returns it, syntax-coloured.

The JSON arrives after the screen opens (it is read fresh from ARM, not rebuilt from the
model), so the screen shows "reading…" until `show` or `fail` is called. `y` copies the
resource id, `c` the whole JSON, both to the person's own clipboard (OSC 52).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from widgets.dialog import DialogScreen
from widgets.folding import FoldAtSlashes
from widgets.style import BAD_STYLE, DIM_STYLE


class DescribeScreen(DialogScreen[None]):
    DEFAULT_CSS = """
    DescribeScreen #describe-body { width: 100; max-height: 90%; padding: 0 1; }
    DescribeScreen #describe-json { height: auto; }
    DescribeScreen #describe-scroll { height: auto; max-height: 100%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,i", "dismiss", "Close", id="vnettui.describe.close"),
        Binding("y", "copy_id", "Copy id", id="vnettui.describe.copy_id"),
        Binding("c", "copy_json", "Copy JSON", id="vnettui.describe.copy_json"),
    ]

    def __init__(self, resource_id: str, kind: str, name: str) -> None:
        super().__init__()
        self.resource_id = resource_id
        self.kind = kind
        self.resource_name = name
        self.body: dict[str, Any] | None = None
        # Made here, not in compose: the read can answer before the screen is composed
        # (the sandbox often does), and its answer must not be lost.
        self._json = Static(Text("reading it from Azure Resource Manager…", style=DIM_STYLE),
                            id="describe-json")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="describe-body", classes="dialog") as body:
            body.border_title = f"{self.kind} {self.resource_name}"
            body.border_subtitle = "y copies the id · c the JSON · esc closes"
            yield self._json

    def show(self, body: dict[str, Any]) -> None:
        """The resource's JSON as ARM returned it."""
        self.body = body
        text = json.dumps(body, indent=2, sort_keys=False)
        syntax = Syntax(text, "json", theme="ansi_dark", background_color="default")
        self._json.update(FoldAtSlashes(syntax.highlight(text)))

    def fail(self, message: str) -> None:
        self._json.update(Text(message, style=BAD_STYLE))

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.resource_id)
        self.notify(self.resource_id, title="Copied", markup=False)

    def action_copy_json(self) -> None:
        if self.body is None:
            self.notify("Nothing to copy yet.", markup=False)
            return
        self.app.copy_to_clipboard(json.dumps(self.body, indent=2))
        self.notify(f"The JSON of {self.resource_name} is on the clipboard.", markup=False)
