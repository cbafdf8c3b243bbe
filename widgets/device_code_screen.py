"""The device-code sign-in dialog: URL and code shown inside the TUI, never printed over it.

The app pushes it from the `device_code` handler it gives `tui.azure.auth.make_credential`
(that handler runs on the event loop) and dismisses it once the first token arrives
(`DeviceCodeScreen.signed_in`). `c` copies the code and `u` the URL with OSC 52, so they
land on the clipboard of the machine the person sits at, even over SSH.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from widgets.dialog import DialogScreen


class DeviceCodeScreen(DialogScreen[bool]):
    """Dismisses with True when signed in, False when the person closes it."""

    DEFAULT_CSS = """
    DeviceCodeScreen .dialog { width: 64; }
    DeviceCodeScreen #device-code { text-style: bold; color: $accent; padding: 1 0; }
    DeviceCodeScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_code", "Copy code", id="vnettui.device_code.copy_code"),
        Binding("u", "copy_url", "Copy URL", id="vnettui.device_code.copy_url"),
        Binding("escape", "close", "Close", id="vnettui.device_code.close"),
    ]

    def __init__(self, url: str, code: str, expires_on: datetime) -> None:
        super().__init__()
        self.url = url
        self.code = code
        self.expires_on = expires_on

    def compose(self) -> ComposeResult:
        # Text objects, not markup: the URL and code come from the network.
        with Vertical(classes="dialog"):
            yield Label(Text("Sign in to Azure", style="bold"))
            yield Static(Text(f"Open {self.url} in a browser on any device and enter:"))
            yield Static(Text(self.code), id="device-code")
            yield Static(
                Text(f"The code expires at {self.expires_on.astimezone():%H:%M}. "
                     "vnettui continues by itself once you have signed in."),
            )
            yield Static(Text("c copy code · u copy URL · esc close"), classes="hint")

    def action_copy_code(self) -> None:
        self.app.copy_to_clipboard(self.code)
        self.notify("Code copied to the clipboard", timeout=2)

    def action_copy_url(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.notify("URL copied to the clipboard", timeout=2)

    def action_close(self) -> None:
        self.dismiss(False)

    def signed_in(self) -> None:
        """Close the dialog because the sign-in finished."""
        if self.is_attached:
            self.dismiss(True)
