"""`c`: can this VM reach that one (or that IP) on this port, and if not, why.

The screen only collects the question and draws the answer. The app computes the verdict
(from what is loaded) whenever the question changes or peering state moves while the
screen is open, and hands it back with `show_result`.

`n` (or the button) asks for a second opinion: the screen posts `ProbeRequested`, the app
runs Network Watcher's connectivity check in a worker and hands the outcome back with
`show_probe`, shown below our verdict with any disagreement highlighted.
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
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from tui import probe
from tui.model import VirtualMachine
from tui.probe import ProbeResult
from widgets.dialog import DialogScreen
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
    # When a missing or broken link decides the answer: (local, remote) VNet ids for `p`.
    peer: tuple[str, str] | None = None


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


PROBE_HINT = ("n: probe with Network Watcher (real probes from the source VM; "
              "needs its agent there)")


def _wrapped(value: str, style: str = "") -> Text:
    """A sentence that may be long (an Azure message): wrapped, never read as markup."""
    return Text(value, style=style)


def probe_text(result: ProbeResult | str, comparison: str = "", disagrees: bool = False) -> Text:
    """Network Watcher's answer, hop by hop, and how it compares with ours."""
    if isinstance(result, str):
        return _wrapped(f"Network Watcher could not probe: {result}", BAD_STYLE)
    reachable = result.reachable
    style = WARN_STYLE if reachable is None else OK_STYLE if reachable else BAD_STYLE
    text = Text()
    text.append_text(plain(f"{probe.LABEL}: ", "bold"))
    text.append_text(plain(probe.summary(result), f"bold {style}"))
    for hop in result.hops:
        mark, mark_style = _MARKS["fail" if hop.issues else "info"]
        text.append("\n")
        text.append(mark, style=mark_style)
        text.append_text(plain(probe.hop_text(hop)))
        for issue in hop.issues:
            text.append("\n    → ", style=DIM_STYLE)
            text.append_text(plain(probe.issue_text(issue), BAD_STYLE))
    if comparison:
        text.append("\n")
        text.append_text(_wrapped(comparison, f"bold {WARN_STYLE}" if disagrees else DIM_STYLE))
    return text


def parse_port(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit():
        return None
    port = int(text)
    return port if 0 < port < 65536 else None


class CheckScreen(DialogScreen[tuple[str, str] | None]):
    """The connectivity question and its live answer. Esc closes."""

    DEFAULT_CSS = """
    CheckScreen #check-body { width: 90%; max-width: 110; max-height: 90%; padding: 0 1; }
    CheckScreen .check-row { height: auto; }
    CheckScreen .check-label { width: 14; padding: 1 1 0 0; }
    CheckScreen #check-dest { width: 1fr; }
    CheckScreen #check-port { width: 12; }
    CheckScreen #check-protocol { width: 14; }
    CheckScreen #check-problem { height: auto; }
    CheckScreen #check-result { height: auto; margin: 1 0; }
    CheckScreen #check-probe-button { margin: 0; }
    CheckScreen #check-probe { height: auto; margin: 0 0 1 0; }
    CheckScreen #check-probe.disagrees { border-left: thick $warning; padding-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="vnettui.check_close"),
        # Not while typing in a field: there `n` is a letter of a name.
        Binding("n", "probe", "Probe with Network Watcher", id="vnettui.check_probe"),
        Binding("p", "peer", "Peer the VNets", id="vnettui.check_peer"),
    ]
    # The app keeps polling peerings while this screen is up: its answer depends on them.
    LIVE = True

    class Changed(Message):
        """The question changed; the app answers with `show_result`."""

        def __init__(self, request: CheckRequest) -> None:
            super().__init__()
            self.request = request

    class ProbeRequested(Message):
        """Run Network Watcher's check for this question; the app answers with
        `show_probe`."""

        def __init__(self, request: CheckRequest) -> None:
            super().__init__()
            self.request = request

    def __init__(
        self, source: VirtualMachine, vms: Sequence[VirtualMachine], destination: str = "",
        port: int = 80,
    ) -> None:
        super().__init__()
        self._port = port
        self.source = source
        self._names = sorted({vm.name for vm in vms if vm.id != source.id})
        self._destination = destination
        self.request: CheckRequest | None = None
        # VNets whose peerings decide the answer; the app keeps re-reading them.
        self.watched_vnets: tuple[str, ...] = ()
        self.result: CheckResult | str | None = None
        # The question being probed or last probed, and Network Watcher's answer to it.
        self.probed: CheckRequest | None = None
        self.probing = False
        self.probe: ProbeResult | str | None = None
        self.probe_disagrees = False

    def compose(self) -> ComposeResult:
        with Vertical(id="check-body", classes="dialog") as body:
            body.border_title = f"Connectivity from {self.source.name}"
            body.border_subtitle = "enter · p peers · n probes · esc closes"
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
                yield Input(str(self._port), id="check-port", restrict=r"[0-9]*", max_length=5)
                yield Select(PROTOCOLS, value="tcp", allow_blank=False, id="check-protocol")
            yield Static("", id="check-problem")
            yield Static(Text("Type a destination.", style=DIM_STYLE), id="check-result")
            with Horizontal(classes="check-row"):
                yield Button("Probe with Network Watcher", id="check-probe-button")
            yield Static(Text(PROBE_HINT, style=DIM_STYLE), id="check-probe")

    def on_mount(self) -> None:
        self.query_one("#check-dest", Input).focus()
        self._ask()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._ask()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter leaves the field, so the screen's keys (p, n) are one press away."""
        event.stop()
        self._ask()
        self.query_one("#check-probe-button").focus()

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
            # The verdict shown answered another port: it must not stand.
            self.request = None
            self.result = None
            self.query_one("#check-result", Static).update(
                Text("Type a port to see the answer.", style=DIM_STYLE))
            return
        problem.update("")
        if not destination:
            return
        self.request = CheckRequest(
            self.source.id.casefold(), destination, port,
            protocol if isinstance(protocol, str) else "tcp",
        )
        if self.probed is not None and self.probed != self.request:
            self._clear_probe()  # an answer to another question would mislead
        self.post_message(self.Changed(self.request))

    def _fields_unfinished(self) -> bool:
        """The fields no longer ask `self.request` (the port is being retyped, the
        destination erased): there is no question to probe."""
        return (parse_port(self.query_one("#check-port", Input).value) is None
                or not self.query_one("#check-dest", Input).value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "check-probe-button":
            event.stop()
            self.action_probe()

    def action_peer(self) -> None:
        """The verdict's fix "press p": close, and open the peering form for the pair."""
        result = self.result
        if isinstance(result, CheckResult) and result.peer is not None:
            self.dismiss(result.peer)
            return
        self.notify("Nothing to peer: no missing or broken link decides this answer.",
                    markup=False)

    def action_probe(self) -> None:
        """Ask the app for Network Watcher's answer to the current question."""
        if self.probing:
            return
        if self.request is None or self._fields_unfinished():
            self._show_probe_text(_wrapped(
                "Type a destination and a port first, then probe.", WARN_STYLE))
            return
        self.probed, self.probing, self.probe = self.request, True, None
        self.probe_disagrees = False
        question = f"{self.request.destination} on {self.request.protocol.upper()} "
        self._show_probe_text(_wrapped(
            f"probing… Network Watcher is sending probes from {self.source.name} to "
            f"{question}{self.request.port} (this takes a while on Azure)", DIM_STYLE))
        self.post_message(self.ProbeRequested(self.request))

    def show_probe(
        self, request: CheckRequest, result: ProbeResult | str, comparison: str = "",
        disagrees: bool = False,
    ) -> None:
        """Network Watcher's answer (or why there is none) to `request`; dropped when the
        question has changed since, or the screen was closed meanwhile."""
        if request != self.probed or self not in self.app.screen_stack:
            return
        self.probing = False
        self.probe, self.probe_disagrees = result, disagrees
        self._show_probe_text(probe_text(result, comparison, disagrees))

    def _clear_probe(self) -> None:
        self.probed, self.probing, self.probe = None, False, None
        self.probe_disagrees = False
        self._show_probe_text(Text(PROBE_HINT, style=DIM_STYLE))

    def _show_probe_text(self, text: Text) -> None:
        widget = self.query_one("#check-probe", Static)
        widget.set_class(self.probe_disagrees, "disagrees")
        widget.update(text)

    def show_result(self, result: CheckResult | str) -> None:
        """A verdict, or a sentence saying why there is none (unknown VM, bad IP)."""
        self.result = result
        widget = self.query_one("#check-result", Static)
        if isinstance(result, str):
            widget.update(plain(result, BAD_STYLE))
        else:
            widget.update(result_text(result))
