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

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
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
from widgets.outcome_dialog import OutcomeDialog

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


class PeeringProgress(OutcomeDialog):
    """A log of what is being sent and how the links settle."""

    DEFAULT_CSS = """
    PeeringProgress #dialog { width: 96; max-height: 90%; }
    PeeringProgress #plan { color: $text-muted; }
    PeeringProgress #log { height: auto; max-height: 14; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="vnettui.progress.close"),
    ]

    def __init__(self, title: str, plan_lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.plan_lines = plan_lines
        self.lines: list[Text] = []

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
            yield self.choice_buttons()
            yield self.close_row()

    # -- what the app calls ---------------------------------------------------------------

    def report(self, event: ProgressEvent) -> None:
        """The workflow's progress callback."""
        self.lines.append(event_line(event))
        if self.is_mounted:
            self.query_one("#log-text", Static).update(Text("\n").join(self.lines))
            self.query_one("#log", VerticalScroll).scroll_end(animate=False)

    async def ask(self, result: ApplyResult) -> Decision:
        """The half-failure choice: shows what exists now and waits for a button."""
        created = ", ".join(f"{p.name} on {p.vnet_id.name}" for p in result.orphans)
        failed = ", ".join(r.link.label for r in result.failed)
        self.query_one("#roll-back", Button).label = (
            f"Roll back (delete {created})" if created else "Roll back")
        self.query_one("#retry", Button).label = f"Retry {failed}"
        self._show_summary(result.describe() + "\n\nOnly one side exists, so no traffic flows. "
                           "Roll back, retry the failed side, or keep what exists?", False)
        return await self._await_decision()
