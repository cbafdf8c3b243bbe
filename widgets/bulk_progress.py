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
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.peering import ApplyResult, BulkPlan, Decision, ProgressEvent, Stage
from tui.peering.delete import DeletePlan
from widgets.peering_progress import event_line


class BulkProgressScreen(ModalScreen[None]):
    """A row per pair: what it is doing now, then how it ended."""

    LIVE = True  # a `widgets.live.LiveModal`: the explorer polls `watched_vnets` behind it

    DEFAULT_CSS = """
    BulkProgressScreen { align: center middle; }
    BulkProgressScreen #dialog {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    BulkProgressScreen #rows { height: auto; max-height: 16; margin: 1 0 0 0; }
    BulkProgressScreen #rows-text { text-wrap: nowrap; text-overflow: ellipsis; }
    BulkProgressScreen #question { margin: 1 0 0 0; color: $warning; }
    BulkProgressScreen #summary { margin: 1 0 0 0; height: auto; max-height: 12;
                                  overflow-y: auto; }
    BulkProgressScreen #summary.-failed { color: $error; }
    BulkProgressScreen .buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    BulkProgressScreen .buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="vnettui.bulk.close"),
    ]

    def __init__(self, title: str, labels: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.labels = list(labels)
        self.rows: list[Text] = [Text("· waiting", style="dim") for _ in labels]
        self.watched_vnets: tuple[str, ...] = ()
        self.finished = False
        self.ok: bool | None = None
        self._turn = asyncio.Lock()
        self._decision: asyncio.Future[Decision] | None = None

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
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.title_text
            with VerticalScroll(id="rows"):
                yield Static(self._rows_text(), id="rows-text")
            yield Static("", id="question", markup=False)
            with Horizontal(id="choice", classes="buttons"):
                yield Button("Roll back", id="roll-back", variant="warning", compact=True)
                yield Button("Retry", id="retry", variant="primary", compact=True)
                yield Button("Keep as is", id="keep", compact=True)
            yield Static("", id="summary", markup=False)
            with Horizontal(id="close-row", classes="buttons"):
                yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        for part in ("#question", "#choice", "#summary", "#close-row"):
            self.query_one(part).display = False

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
            self._decision = asyncio.get_running_loop().create_future()
            question = self.query_one("#question", Static)
            question.update(f"{self.labels[index]}: {result.describe()}\n\nOnly one side "
                            "exists, so no traffic flows. Roll back, retry the failed side, or "
                            "keep what exists?")
            question.display = True
            self.query_one("#choice").display = True
            self.query_one("#roll-back", Button).focus()
            try:
                return await self._decision
            finally:
                self._decision = None
                if self.is_mounted:
                    question.display = False
                    self.query_one("#choice").display = False

    def finish(self, summary: str, ok: bool) -> None:
        """The end: every pair's result in words, and a Close button."""
        self.finished = True
        self.ok = ok
        box = self.query_one("#summary", Static)
        box.update(summary)
        box.set_class(not ok, "-failed")
        box.display = True
        self.query_one("#close-row").display = True
        self.query_one("#close", Button).focus()

    # -- buttons --------------------------------------------------------------------------

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
            self.app.bell()  # nothing may be left half done without the person seeing it
            return
        self.dismiss(None)
