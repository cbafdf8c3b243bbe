""""Sync all": the preview of every peering in view that is not in sync, before anything is sent.

Usage: ``self.push_screen(SyncAllConfirm(plan_sync_all(inventory, vnets_in_view)), callback)``;
the callback gets True (sync them) or False. Then, in a worker: show
`PeeringProgress("Syncing every peering in view", plan.describe())` and run
`tui.address.sync_pairs(backend, plan.pairs, progress.report)`; `result.describe()` is the
summary (`result.ok`), naming every pair that failed. Keys: enter or ctrl+s syncs, ctrl+y
copies the az commands, esc cancels.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.address import SyncAllPlan
from widgets.dialog import DialogScreen


class SyncAllConfirm(DialogScreen[bool]):
    """What `sync all` would send; dismissed with True to send it."""

    DEFAULT_CSS = """
    SyncAllConfirm #dialog { width: 96; }
    SyncAllConfirm #pairs { height: auto; max-height: 12; }
    SyncAllConfirm #commands { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.syncall.cancel"),
        Binding("ctrl+s", "sync", "Sync", id="vnettui.syncall.sync"),
    ]

    def __init__(self, plan: SyncAllPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        count = len(self.plan.pairs)
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = (f"Sync {count} peering{'s' if count != 1 else ''} not in sync"
                                   if count else "Every peering in view is in sync")
            body = Text()
            for line in self.plan.describe():
                body.append(("\n" if body else "") + f"· {line}")
            for note in self.plan.skipped:
                body.append(f"\n! skipped: {note}", style="yellow")
            with VerticalScroll(id="pairs"):
                yield Static(body)
            yield Static("\n".join(self.plan.commands()), id="commands", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Sync", id="sync", variant="primary", compact=True,
                             disabled=not self.plan.pairs)

    def on_mount(self) -> None:
        target = "#sync" if self.plan.pairs else "#cancel"
        self.query_one(target, Button).focus()

    @on(Button.Pressed, "#sync")
    def action_sync(self) -> None:
        if self.plan.pairs:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
