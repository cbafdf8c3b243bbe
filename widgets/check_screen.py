"""`c`: can this VM reach that one (or that IP) on this port, and if not, why.

The screen only collects the question and draws the answer. The app computes the verdict
(from what is loaded) whenever the question changes or peering state moves while the
screen is open, and hands it back with `show_result`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from tui.model import VirtualMachine
from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain

PROTOCOLS = (("TCP", "tcp"), ("UDP", "udp"), ("Any", "any"))


@dataclass(frozen=True)
class CheckRequest:
    source_key: str  # lower-cased id of the source VM
    destination: str  # a VM name or an IP address, as typed
    port: int
    protocol: str  # tcp | udp | any


@dataclass(frozen=True)
class CheckStep:
    status: str  # ok | fail | info | unknown
    text: str
    reason: str = ""  # the fix ("peer them: press p") or the deciding rule


@dataclass(frozen=True)
class CheckResult:
    question: str  # "Can vm1 reach vm2 on TCP 80?"
    answer: str  # YES | NO | UNKNOWN
    steps: tuple[CheckStep, ...]


_MARKS = {
    "ok": ("✓ ", OK_STYLE),
    "fail": ("✗ ", BAD_STYLE),
    "info": ("· ", DIM_STYLE),
    "unknown": ("? ", WARN_STYLE),
}
_ANSWER_STYLE = {"YES": OK_STYLE, "NO": BAD_STYLE}


def result_text(result: CheckResult) -> Text:
    text = Text()
    text.append_text(plain(result.question, "bold"))
    text.append("  ")
    style = _ANSWER_STYLE.get(result.answer, WARN_STYLE)
    text.append(f" {result.answer} ", style=f"bold reverse {style}")
    for step in result.steps:
        mark, mark_style = _MARKS.get(step.status, _MARKS["info"])
        text.append("\n")
        text.append(mark, style=mark_style)
        text.append_text(plain(step.text))
        if step.reason:
            text.append("\n    → ", style=DIM_STYLE)
            text.append_text(plain(step.reason, mark_style if step.status == "fail" else DIM_STYLE))
    return text


def parse_port(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit():
        return None
    port = int(text)
    return port if 0 < port < 65536 else None


class CheckScreen(ModalScreen[None]):
    """The connectivity question and its live answer. Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="vnettui.check_close"),
    ]
    # The app keeps polling peerings while this screen is up: its answer depends on them.
    LIVE = True

    class Changed(Message):
        """The question changed; the app answers with `show_result`."""

        def __init__(self, request: CheckRequest) -> None:
            super().__init__()
            self.request = request

    def __init__(
        self, source: VirtualMachine, vms: Sequence[VirtualMachine], destination: str = ""
    ) -> None:
        super().__init__()
        self.source = source
        self._names = sorted({vm.name for vm in vms if vm.id != source.id})
        self._destination = destination
        self.request: CheckRequest | None = None
        # VNets whose peerings decide the answer; the app keeps re-reading them.
        self.watched_vnets: tuple[str, ...] = ()
        self.result: CheckResult | str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="check-body") as body:
            body.border_title = f"Connectivity from {self.source.name}"
            body.border_subtitle = "esc closes"
            with Horizontal(classes="check-row"):
                yield Label("Destination", classes="check-label")
                yield Input(
                    self._destination,
                    placeholder="VM name or IP address",
                    suggester=SuggestFromList(self._names, case_sensitive=False),
                    id="check-dest",
                )
            with Horizontal(classes="check-row"):
                yield Label("Port", classes="check-label")
                yield Input("80", id="check-port", restrict=r"[0-9]*", max_length=5)
                yield Select(PROTOCOLS, value="tcp", allow_blank=False, id="check-protocol")
            yield Static("", id="check-problem")
            yield Static(Text("Type a destination.", style=DIM_STYLE), id="check-result")

    def on_mount(self) -> None:
        self.query_one("#check-dest", Input).focus()
        self._ask()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._ask()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._ask()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._ask()

    def _ask(self) -> None:
        destination = self.query_one("#check-dest", Input).value.strip()
        port = parse_port(self.query_one("#check-port", Input).value)
        protocol = self.query_one("#check-protocol", Select).value
        problem = self.query_one("#check-problem", Static)
        if port is None:
            problem.update(Text("Port must be a number from 1 to 65535.", style=BAD_STYLE))
            return
        problem.update("")
        if not destination:
            return
        self.request = CheckRequest(
            self.source.id.casefold(), destination, port,
            protocol if isinstance(protocol, str) else "tcp",
        )
        self.post_message(self.Changed(self.request))

    def show_result(self, result: CheckResult | str) -> None:
        """A verdict, or a sentence saying why there is none (unknown VM, bad IP)."""
        self.result = result
        widget = self.query_one("#check-result", Static)
        if isinstance(result, str):
            widget.update(plain(result, BAD_STYLE))
        else:
            widget.update(result_text(result))
