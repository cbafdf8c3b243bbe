"""When signing in fails: what was tried, how to fix each, and a way forward from here.

The app passes the explanation in (the sentence `tui.azure.auth` wrote for the failure:
every credential tried with its fix, or an AADSTS code explained); widgets never import
`tui.azure`. The screen answers with one of CHOICES and the app acts on it: the sandbox
instead, a device-code sign-in (works over SSH), a plain retry (after `az login` in
another shell), or quit. Nothing is lost by any of them: the explorer has nothing loaded.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from widgets.dialog import DialogScreen

Choice = Literal["sandbox", "device-code", "retry", "quit"]
CHOICES: tuple[Choice, ...] = ("sandbox", "device-code", "retry", "quit")

# (key, choice, what it does) in the order shown.
OPTIONS: tuple[tuple[str, Choice, str], ...] = (
    ("s", "sandbox", "open the sandbox instead (a built-in emulator of Azure, no sign-in)"),
    ("d", "device-code", "sign in with a device code (any browser; works over SSH)"),
    ("r", "retry", "retry (after `az login` or exporting a service principal elsewhere)"),
    ("q", "quit", "quit"),
)


def options_text(device_code: bool) -> Text:
    """The keys and what each does; `d` reads "again" when device code is what failed."""
    text = Text()
    for key, choice, words in OPTIONS:
        if choice == "device-code" and device_code:
            words = "sign in with a device code again"
        if text:
            text.append("\n")
        text.append(f" {key} ", style="bold reverse")
        text.append(f"  {words}")
    return text


# The dialog's rows besides the explanation: border and padding (4), the title and its
# gap (2), the options and their gap (1 + one per option: each fits one line at 80 columns).
FIXED_ROWS = 4 + 2 + 1 + len(OPTIONS)
MAX_EXPLANATION_ROWS = 18


class SignInScreen(DialogScreen[Choice]):
    """Dismisses with the chosen way forward (see CHOICES)."""

    DEFAULT_CSS = """
    SignInScreen .dialog { width: 96; }
    SignInScreen #signin-title { text-style: bold; color: $error; padding: 0 0 1 0; }
    SignInScreen #signin-explanation { height: auto; max-height: 18; }
    SignInScreen #signin-options { padding: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('sandbox')", "sandbox", id="vnettui.signin.sandbox"),
        Binding("d", "choose('device-code')", "device code", id="vnettui.signin.device_code"),
        Binding("r", "choose('retry')", "retry", id="vnettui.signin.retry"),
        Binding("q", "choose('quit')", "quit", id="vnettui.signin.quit"),
    ]

    def __init__(self, explanation: str, *, code: str = "", device_code: bool = False) -> None:
        super().__init__()
        self.explanation = explanation
        self.code = code
        self.device_code = device_code

    def compose(self) -> ComposeResult:
        # Text objects, not markup: the explanation quotes azure-identity and Entra ID.
        title = "Could not sign in to Azure" + (f" ({self.code})" if self.code else "")
        with Vertical(classes="dialog -danger"):
            yield Static(Text(title), id="signin-title")
            with VerticalScroll(id="signin-explanation"):
                yield Static(Text(self.explanation), id="signin-text")
            yield Static(options_text(self.device_code), id="signin-options")

    def on_mount(self) -> None:
        self._fit(self.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """The ways forward always show: on a short terminal (80x24) the explanation gives
        up rows (it scrolls) before the title or the keys leave the screen."""
        room = height - FIXED_ROWS
        explanation = self.query_one("#signin-explanation", VerticalScroll)
        explanation.styles.max_height = max(3, min(MAX_EXPLANATION_ROWS, room))

    def action_choose(self, choice: str) -> None:
        for known in CHOICES:
            if known == choice:
                self.dismiss(known)
