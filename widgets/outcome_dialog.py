"""What every write's progress modal shares: the half-failure choice and the end.

A write that changes two sides can stop half way; whoever runs it (one peering, a sync, an
address space, a set of spokes) asks through `_await_decision` and ends with `finish`. The
modal stays until then: Esc and Close only work once the work is over, so nothing is left
half done without the person seeing it. Subclasses compose their own log and put
`choice_buttons()`, a `#summary` Static and `close_row()` below it.
"""

from __future__ import annotations

import asyncio

from textual import on
from textual.containers import Horizontal
from textual.widgets import Button, Static

from tui.peering import Decision
from widgets.dialog import DialogScreen


class OutcomeDialog(DialogScreen[None]):
    """The roll back / retry / keep buttons, the summary and Close of a progress modal."""

    # The explorer behind keeps polling the VNets in `watched_vnets`: when this closes, it
    # is current (a `widgets.live.LiveModal`).
    LIVE = True

    DEFAULT_CSS = """
    OutcomeDialog #summary { margin: 1 0 0 0; height: auto; max-height: 12; overflow-y: auto; }
    OutcomeDialog #summary.-failed { color: $error; }
    OutcomeDialog .outcome-buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    OutcomeDialog .outcome-buttons Button { margin: 0 0 0 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.watched_vnets: tuple[str, ...] = ()
        self.finished = False
        self.ok: bool | None = None
        self._decision: asyncio.Future[Decision] | None = None

    @staticmethod
    def choice_buttons() -> Horizontal:
        return Horizontal(
            Button("Roll back", id="roll-back", variant="warning", compact=True),
            Button("Retry", id="retry", variant="primary", compact=True),
            Button("Keep as is", id="keep", compact=True),
            id="choice", classes="outcome-buttons")

    @staticmethod
    def close_row() -> Horizontal:
        return Horizontal(Button("Close", id="close", compact=True),
                          id="close-row", classes="outcome-buttons")

    def on_mount(self) -> None:
        for part in ("#choice", "#summary", "#close-row"):
            self.query_one(part).display = False

    def finish(self, summary: str, ok: bool) -> None:
        """The end: how it ended in words, and a Close button."""
        self.finished = True
        self.ok = ok
        self._show_summary(summary, ok)
        self.query_one("#close-row").display = True
        self.query_one("#close", Button).focus()

    async def _await_decision(self) -> Decision:
        """Show the three buttons (Roll back focused: the default) and wait for one."""
        self._decision = asyncio.get_running_loop().create_future()
        self.query_one("#choice").display = True
        self.query_one("#roll-back", Button).focus()
        try:
            return await self._decision
        finally:
            self._decision = None
            if self.is_mounted:
                self.query_one("#choice").display = False

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
            self.app.bell()
            return
        self.dismiss(None)
