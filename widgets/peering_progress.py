"""Progress of a peering write, and the roll back / retry choice when only one side made it.

The screen never talks to the cloud. The app pushes it and runs the workflow, handing it
the screen's `report` as the progress callback and `ask` as the half-failure decision
(`request` is what PeeringForm, DeletePeeringConfirm or PeeringEditForm returned, or a
`tui.peering.SyncRequest`):

    @work(group="peering", exit_on_error=False)
    async def run_peering(self, request: Request) -> None:
        screen = PeeringProgress.for_request(self.inventory, request)
        await self.push_screen(screen)
        outcome = await perform(self.backend, self.inventory, request, screen.report,
                                screen.ask, read_only=self.settings.read_only)
        screen.finish(outcome.describe(), ok=outcome.ok)
        # then re-read the two VNets' peerings

`ask` shows what exists now with three buttons: roll back (focused: the default), retry
the failed side, keep what exists. Esc or Close closes the screen once the work is
finished; until then (and through the choice) it stays.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.model import Inventory, PeeringState
from tui.peering import (
    ApplyResult,
    Decision,
    ProgressEvent,
    Request,
    Stage,
    describe_request,
    title_of,
)
from widgets.dialog import DialogScreen

_MARKS = {
    Stage.SENDING: ("◐ ", "blue"),
    Stage.RETRYING: ("↻ ", "yellow"),
    Stage.DONE: ("✓ ", "green"),
    Stage.FAILED: ("✗ ", "red"),
    Stage.DELETING: ("◐ ", "blue"),
    Stage.DELETED: ("✓ ", "green"),
    Stage.SYNCING: ("◐ ", "blue"),
    Stage.INFO: ("· ", ""),
}
_STATES = {
    PeeringState.CONNECTED: ("● ", "green"),
    PeeringState.INITIATED: ("◐ ", "yellow"),
    PeeringState.DISCONNECTED: ("○ ", "red"),
    PeeringState.UNKNOWN: ("? ", ""),
}


def event_line(event: ProgressEvent) -> Text:
    """One line of the log: a symbol and a word, never colour alone."""
    if event.stage is Stage.STATE and event.peering is not None:
        mark, style = _STATES[event.peering.state]
    else:
        mark, style = _MARKS.get(event.stage, ("· ", ""))
    line = Text(mark, style=style)
    line.append(event.message)
    return line


class PeeringProgress(DialogScreen[None]):
    """A log of what is being sent and how the links settle."""

    # The explorer behind keeps polling the links' VNets: when this closes, it is current.
    LIVE = True

    DEFAULT_CSS = """
    PeeringProgress #dialog { width: 96; max-height: 90%; }
    PeeringProgress #plan { color: $text-muted; }
    PeeringProgress #log { height: auto; max-height: 14; margin: 1 0 0 0; }
    PeeringProgress #summary { margin: 1 0 0 0; }
    PeeringProgress #summary.-failed { color: $error; }
    PeeringProgress #choice { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    PeeringProgress #choice Button { margin: 0 0 0 2; }
    PeeringProgress #close-row { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="vnettui.progress.close"),
    ]

    def __init__(self, title: str, plan_lines: list[str]) -> None:
        super().__init__()
        self.watched_vnets: tuple[str, ...] = ()
        self.title_text = title
        self.plan_lines = plan_lines
        self.lines: list[Text] = []
        self.finished = False
        self.ok: bool | None = None
        self._decision: asyncio.Future[Decision] | None = None

    @classmethod
    def for_request(cls, inventory: Inventory, request: Request) -> PeeringProgress:
        """The screen for what a peering modal returned (see `tui.peering.perform`)."""
        return cls(title_of(inventory, request), describe_request(inventory, request))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = self.title_text
            yield Static("\n".join(self.plan_lines), id="plan", markup=False)
            with VerticalScroll(id="log"):
                yield Static("", id="log-text")
            yield Static("", id="summary", markup=False)
            with Horizontal(id="choice"):
                yield Button("Roll back", id="roll-back", variant="warning", compact=True)
                yield Button("Retry", id="retry", variant="primary", compact=True)
                yield Button("Keep as is", id="keep", compact=True)
            with Horizontal(id="close-row"):
                yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#choice").display = False
        self.query_one("#close-row").display = False
        self.query_one("#summary").display = False

    # -- what the app calls ---------------------------------------------------------------

    def report(self, event: ProgressEvent) -> None:
        """The workflow's progress callback."""
        self.lines.append(event_line(event))
        if self.is_mounted:
            self.query_one("#log-text", Static).update(Text("\n").join(self.lines))
            self.query_one("#log", VerticalScroll).scroll_end(animate=False)

    async def ask(self, result: ApplyResult) -> Decision:
        """The half-failure choice: shows what exists now and waits for a button."""
        self._decision = asyncio.get_running_loop().create_future()
        created = ", ".join(f"{p.name} on {p.vnet_id.name}" for p in result.orphans)
        failed = ", ".join(r.link.label for r in result.failed)
        self.query_one("#roll-back", Button).label = (
            f"Roll back (delete {created})" if created else "Roll back")
        self.query_one("#retry", Button).label = f"Retry {failed}"
        self._show_summary(result.describe() + "\n\nOnly one side exists, so no traffic flows. "
                           "Roll back, retry the failed side, or keep what exists?", False)
        self.query_one("#choice").display = True
        self.query_one("#roll-back", Button).focus()
        try:
            return await self._decision
        finally:
            self._decision = None
            if self.is_mounted:
                self.query_one("#choice").display = False

    def finish(self, summary: str, ok: bool) -> None:
        """The end: the final states in words, and a Close button."""
        self.finished = True
        self.ok = ok
        self._show_summary(summary, ok)
        self.query_one("#close-row").display = True
        self.query_one("#close", Button).focus()

    # -- internals ----------------------------------------------------------------------

    def _show_summary(self, text: str, ok: bool) -> None:
        summary = self.query_one("#summary", Static)
        summary.update(text)
        summary.set_class(not ok, "-failed")
        summary.display = True

    def _decide(self, decision: Decision) -> None:
        if self._decision is not None and not self._decision.done():
            self._decision.set_result(decision)

    @on(Button.Pressed, "#roll-back")
    def _roll_back(self) -> None:
        self._decide(Decision.ROLL_BACK)

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self._decide(Decision.RETRY)

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self._decide(Decision.KEEP)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if not self.finished:
            # Stays until the work is done (and a half failure decided): nothing may be left
            # half done without the person seeing it.
            self.app.bell()
            return
        self.dismiss(None)
