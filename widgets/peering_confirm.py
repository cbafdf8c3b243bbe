"""Confirm deleting a peering: says what happens to the other side before anything is sent.

Usage: ``self.push_screen(DeletePeeringConfirm(inventory, peering), callback)``; the callback
gets a `tui.peering.DeleteRequest` (with `both` as ticked; default both) or None.
Keys: tab moves between the "also delete" box and the buttons, enter presses the focused
button (Cancel is focused first), y deletes, c or ctrl+y copies the az commands, n or esc
cancels. ``confirm=`` as in PeeringForm asks for typed confirmation of production VNets.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Static

from tui.model import Inventory, Peering
from tui.peering import DeletePlan, DeleteRequest, plan_delete
from widgets.dialog import DialogScreen
from widgets.peering_typed import Confirm, TypedConfirmation
from widgets.tick_box import TickBox


class DeletePeeringConfirm(DialogScreen[DeleteRequest | None]):
    """"Delete 1and2 on vnet1? The link 2and1 on vnet2 will become Disconnected..."."""

    DEFAULT_CSS = """
    DeletePeeringConfirm #dialog { width: 80; }
    DeletePeeringConfirm #question { text-style: bold; }
    DeletePeeringConfirm #consequence { margin: 1 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "cancel", "Cancel", id="vnettui.delete.cancel"),
        Binding("c", "copy_commands", "Copy az", id="vnettui.delete.copy"),
        Binding("y", "delete", "Delete", show=False, id="vnettui.delete.confirm"),
    ]

    def __init__(self, inventory: Inventory, peering: Peering, both: bool = True, *,
                 confirm: Confirm | None = None) -> None:
        super().__init__()
        self.inventory = inventory
        self.confirm = confirm  # production VNets: the text to type before a write
        self.plan: DeletePlan = plan_delete(inventory, peering, both)

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="dialog", classes="dialog -danger") as dialog:
            dialog.border_title = "Delete peering"
            yield Static(plan.question(), id="question", markup=False)
            yield Static(plan.consequence(), id="consequence", markup=False)
            if plan.reverse is not None:
                yield TickBox(Content(f"also delete {plan.reverse.name} on "
                                       f"{plan.remote_vnet_name}"), plan.both, id="both")
            yield Static("\n".join(plan.commands()), id="commands", markup=False)
            yield TypedConfirmation(id="confirm-local")
            yield TypedConfirmation(id="confirm-remote")
            yield Static("", id="problems", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)

    def on_mount(self) -> None:
        self._require()
        # Destructive: enter alone must not delete; Delete is a tab (or y) away.
        self.query_one("#cancel", Button).focus()

    def _boxes(self) -> list[TypedConfirmation]:
        return [self.query_one("#confirm-local", TypedConfirmation),
                self.query_one("#confirm-remote", TypedConfirmation)]

    def _require(self) -> None:
        vnets = [self.inventory.vnet(p.vnet_id) for p in self.plan.targets]
        for box, vnet in zip(self._boxes(), [*vnets, None, None], strict=False):
            box.require(vnet, self.confirm)

    @property
    def both(self) -> bool:
        boxes = self.query("#both").results(Checkbox)
        return any(box.value for box in boxes)

    @on(Checkbox.Changed, "#both")
    def _toggled(self) -> None:
        self.plan = DeletePlan(self.plan.peering, self.plan.vnet_name,
                               self.plan.remote_vnet_name, self.plan.reverse, self.both)
        self.query_one("#consequence", Static).update(self.plan.consequence())
        self.query_one("#commands", Static).update("\n".join(self.plan.commands()))
        self._require()

    @on(Button.Pressed, "#delete")
    @on(Input.Submitted)
    def action_delete(self) -> None:
        unconfirmed = [box for box in self._boxes() if not box.ok]
        if unconfirmed:
            self.query_one("#problems", Static).update(
                "\n".join(box.problem() or "" for box in unconfirmed))
            unconfirmed[0].focus_input()
            return
        self.dismiss(DeleteRequest(self.plan.peering.id, self.both))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

