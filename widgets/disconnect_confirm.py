"""Disconnect spokes from a hub: tick the hub's links, see every link that will go, confirm
once. Dismisses with a `tui.peering.DisconnectRequest` (both sides of each ticked peering
are deleted; the explorer sends it with `perform_bulk`), or None.

Keys: space ticks, tab to the buttons, ctrl+s deletes, esc cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.model import Inventory, Peering, VirtualNetwork
from tui.peering import DisconnectRequest, disconnect_lines, plan_disconnect
from widgets.dialog import DialogScreen
from widgets.style import DIM_STYLE, state_text
from widgets.tick_list import TickList


class DisconnectSpokesConfirm(DialogScreen[DisconnectRequest | None]):
    """The hub's links to tick, and the list of what goes, confirmed once."""

    DEFAULT_CSS = """
    DisconnectSpokesConfirm #dialog { width: 100; padding: 0 1; }
    DisconnectSpokesConfirm #links { height: auto; max-height: 10; margin: 1 0 0 0; }
    DisconnectSpokesConfirm #doomed-box { height: auto; max-height: 8; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.disconnect.cancel"),
        Binding("ctrl+s", "submit", "Delete", id="vnettui.disconnect.delete"),
    ]

    def __init__(self, inventory: Inventory, hub: VirtualNetwork,
                 ticked: Sequence[Peering] = ()) -> None:
        super().__init__()
        self.inventory = inventory
        self.hub = hub
        self._start = {p.id.casefold() for p in ticked}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -danger") as dialog:
            dialog.border_title = f"Disconnect spokes from {self.hub.name}"
            yield TickList(id="links")
            with VerticalScroll(id="doomed-box"):
                yield Static("", id="doomed")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)

    def on_mount(self) -> None:
        links = self.query_one(TickList)
        links.ticked = set(self._start)
        items = []
        for peering in sorted(self.hub.peerings, key=lambda p: p.name.casefold()):
            prompt = Text(f"{peering.name:<28} → {peering.remote_vnet_id.name:<24} ")
            prompt.append_text(state_text(peering))
            items.append((peering.id.casefold(), prompt, False))
        links.show_items(items, [] if items else [Text(f"{self.hub.name} has no links.",
                                                       style=DIM_STYLE)])
        links.focus()
        self._revalidate()

    def request(self) -> DisconnectRequest:
        ticked = self.query_one(TickList).ticked
        return DisconnectRequest(self.hub.id, tuple(
            p.id for p in sorted(self.hub.peerings, key=lambda p: p.name.casefold())
            if p.id.casefold() in ticked))

    @on(TickList.Toggled)
    def _revalidate(self) -> None:
        request = self.request()
        doomed = self.query_one("#doomed", Static)
        button = self.query_one("#delete", Button)
        if not request.peering_ids:
            doomed.update(Text("Tick the links to disconnect.", style=DIM_STYLE))
            button.label, button.disabled = "Delete", True
            return
        plans = plan_disconnect(self.inventory, request)
        count = sum(len(p.targets) for p in plans)
        text = Text()
        text.append(f"These {count} links are deleted; the VNets are no longer peered:\n",
                    style="bold")
        text.append("\n".join(f"  {line}" for line in disconnect_lines(plans)))
        doomed.update(text)
        button.label = f"Delete {count} link{'s' if count != 1 else ''}"
        button.disabled = False

    @on(Button.Pressed, "#delete")
    def action_submit(self) -> None:
        request = self.request()
        if not request.peering_ids:
            self.app.bell()
            return
        self.dismiss(request)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

