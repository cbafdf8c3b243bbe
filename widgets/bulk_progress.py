"""Progress of a bulk write (spokes connected or disconnected): one row per pair, the
roll back / retry / keep choice for a pair that half failed, and the report at the end.

The screen never talks to the cloud. The explorer pushes it and runs the work, handing it
`report` as the progress callback and `ask` as the half-failure decision:

    screen = BulkProgressScreen.for_plan(plan_hub_request(inventory, request))
    await self.app.push_screen(screen)
    outcome = await perform_bulk(backend, inventory, request, screen.report, screen.ask,
                                 read_only=...)
    screen.finish(outcome.describe(), ok=outcome.ok)

Pairs that half fail at once are asked about one after the other. Esc closes the screen
once the work has finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.peering import ApplyResult, BulkPlan, Decision, ProgressEvent, Stage
from tui.peering.delete import DeletePlan
from widgets.outcome_dialog import OutcomeDialog
from widgets.peering_progress import event_line


class BulkProgressScreen(OutcomeDialog):
    """A row per pair: what it is doing now, then how it ended."""

    DEFAULT_CSS = """
    BulkProgressScreen #dialog { width: 110; padding: 0 1; }
    BulkProgressScreen #rows { height: auto; max-height: 16; margin: 1 0 0 0; }
    BulkProgressScreen #rows-text { text-wrap: nowrap; text-overflow: ellipsis; }
    BulkProgressScreen #question { margin: 1 0 0 0; color: $warning; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="vnettui.bulk.close"),
    ]

    def __init__(self, title: str, labels: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.labels = list(labels)
        self.rows: list[Text] = [Text("· waiting", style="dim") for _ in labels]
        self._turn = asyncio.Lock()

    @classmethod
    def for_plan(cls, plan: BulkPlan) -> BulkProgressScreen:
        title = (f"Connecting {len(plan.to_send)} spokes to {plan.hub.name}" if plan.hub
                 else f"Peering {len(plan.to_send)} pair"
                 + ("s" if len(plan.to_send) != 1 else ""))
        screen = cls(title, [p.remote.name if plan.hub else p.label for p in plan.pairs])
        for n, pair in enumerate(plan.pairs):
            if pair.skipped:
                screen.rows[n] = Text("· already peered", style="dim")
        screen.watched_vnets = tuple(sorted({v.id.casefold() for v in plan.targets()}))
        return screen

    @classmethod
    def for_disconnect(cls, plans: Sequence[DeletePlan]) -> BulkProgressScreen:
        hub = plans[0].vnet_name if plans else ""
        screen = cls(f"Disconnecting {len(plans)} spokes from {hub}",
                     [p.remote_vnet_name for p in plans])
        screen.watched_vnets = tuple(sorted(
            {str(p.peering.vnet_id).casefold() for p in plans}
            | {str(p.peering.remote_vnet_id).casefold() for p in plans}))
        return screen

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = self.title_text
            with VerticalScroll(id="rows"):
                yield Static(self._rows_text(), id="rows-text")
            yield Static("", id="question", markup=False)
            yield self.choice_buttons()
            yield Static("", id="summary", markup=False)
            yield self.close_row()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#question").display = False

    def _rows_text(self) -> Text:
        width = max((len(label) for label in self.labels), default=0)
        lines = []
        for label, row in zip(self.labels, self.rows, strict=True):
            line = Text(f"{label:<{width}}  ", style="bold")
            line.append_text(row)
            lines.append(line)
        return Text("\n").join(lines)

    # -- what the explorer calls ------------------------------------------------------------

    def report(self, index: int, event: ProgressEvent) -> None:
        """The bulk workflow's progress callback: pair `index` did `event`."""
        if event.stage is Stage.INFO and "still settling" not in event.message:
            return
        self.rows[index] = event_line(event)
        if self.is_mounted:
            self.query_one("#rows-text", Static).update(self._rows_text())

    async def ask(self, index: int, result: ApplyResult) -> Decision:
        """Pair `index` half failed: what exists now, and three buttons."""
        async with self._turn:
            question = self.query_one("#question", Static)
            question.update(f"{self.labels[index]}: {result.describe()}\n\nOnly one side "
                            "exists, so no traffic flows. Roll back, retry the failed side, or "
                            "keep what exists?")
            question.display = True
            try:
                return await self._await_decision()
            finally:
                if self.is_mounted:
                    question.display = False
