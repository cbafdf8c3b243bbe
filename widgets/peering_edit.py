"""Change the four settings of an existing link, with the same gateway rules as creating.

Usage: ``self.push_screen(PeeringEditForm(inventory, peering), callback)``; the callback
gets a `tui.peering.EditRequest` or None. Keys: tab between settings, space/enter toggles,
ctrl+s or the Save button saves, esc cancels. ``confirm=`` as in PeeringForm.

A subnet peering also shows the subnets of each side it peers (space ticks one): changing
them is checked like a new subnet peering, and the form says the other side will then need
a sync.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.model import Inventory, Peering, PeeringFlags, SubnetSelection
from tui.peering import Check, EditRequest, Plan, plan_edit
from widgets.dialog import DialogScreen
from widgets.peering_typed import Confirm, TypedConfirmation
from widgets.peering_words import FLAG_KEYS, flag_labels
from widgets.tick_box import TickBox


class PeeringEditForm(DialogScreen[EditRequest | None]):
    """The settings of one link (the link on `peering.vnet_id`)."""

    DEFAULT_CSS = """
    PeeringEditForm #dialog { width: 88; }
    PeeringEditForm #state { color: $text-muted; margin: 0 0 1 0; }
    PeeringEditForm #checks { margin: 1 0 0 0; }
    PeeringEditForm #subnet-row { height: auto; margin: 1 0 0 0; }
    PeeringEditForm #subnet-row SelectionList {
        width: 1fr; height: auto; max-height: 6; border: none; margin: 0 2 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.edit.cancel"),
        Binding("ctrl+s", "save", "Save", id="vnettui.edit.save"),
    ]

    def __init__(self, inventory: Inventory, peering: Peering, *,
                 confirm: Confirm | None = None) -> None:
        super().__init__()
        self.inventory = inventory
        self.peering = peering
        self.confirm = confirm  # production VNets: the text to type before a write
        vnet = inventory.vnet(peering.vnet_id)
        remote = inventory.vnet(peering.remote_vnet_id)
        self.vnet_name = vnet.name if vnet else peering.vnet_id.name
        self.remote_name = remote.name if remote else peering.remote_vnet_id.name
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        p = self.peering
        labels = flag_labels(self.vnet_name, self.remote_name)
        values = {"access": p.flags.allow_virtual_network_access,
                  "forwarded": p.flags.allow_forwarded_traffic,
                  "transit": p.flags.allow_gateway_transit,
                  "remote-gw": p.flags.use_remote_gateways}
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = f"Settings of {p.name} on {self.vnet_name}"
            yield Static(f"{p.name}: {self.vnet_name} -> {self.remote_name} · {p.state.value}",
                         id="state", markup=False)
            for key in FLAG_KEYS:
                yield TickBox(Content(labels[key]), values[key], id=f"flag-{key}")
            if p.subnets is not None:
                with Horizontal(id="subnet-row"):
                    yield self._subnet_list("local-subnets", p.vnet_id, p.subnets.local)
                    yield self._subnet_list("remote-subnets", p.remote_vnet_id,
                                            p.subnets.remote)
            yield Static("", id="checks")
            yield Static("", id="problems", markup=False)
            yield Static("", id="notes", markup=False)
            yield Static("", id="commands", markup=False)
            yield TypedConfirmation(id="confirm-local")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Save", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(TypedConfirmation).require(self.inventory.vnet(self.peering.vnet_id),
                                                  self.confirm)
        self._revalidate()
        self.query_one("#flag-access", Checkbox).focus()

    def _subnet_list(self, id_: str, vnet_id: str, ticked: tuple[str, ...]
                     ) -> SelectionList[str]:
        vnet = self.inventory.vnet(vnet_id)
        chosen = {n.lower() for n in ticked}
        names = [(s.name, ", ".join(s.address_prefixes)) for s in vnet.subnets] if vnet else [
            (n, "") for n in ticked]
        box = SelectionList[str](*(Selection(Text(f"{n}  {p}"), n, n.lower() in chosen)
                                   for n, p in names), id=id_)
        box.border_title = f"subnets of {vnet.name if vnet else vnet_id}"
        return box

    def subnets(self) -> SubnetSelection | None:
        """The subnet lists as ticked (None: not a subnet peering)."""
        if self.peering.subnets is None:
            return None
        return SubnetSelection(
            tuple(self.query_one("#local-subnets", SelectionList).selected),
            tuple(self.query_one("#remote-subnets", SelectionList).selected),
            self.peering.subnets.ipv6_only)

    @on(SelectionList.SelectedChanged)
    def _subnets_changed(self) -> None:
        self._revalidate()

    def flags(self) -> PeeringFlags:
        value = {k: self.query_one(f"#flag-{k}", Checkbox).value for k in FLAG_KEYS}
        return PeeringFlags(value["access"], value["forwarded"], value["transit"],
                            value["remote-gw"])

    @on(Checkbox.Changed)
    def _revalidate(self) -> Plan:
        plan = plan_edit(self.inventory, EditRequest(self.peering.id, self.flags(),
                                                     self.subnets()))
        self.plan = plan
        ok = plan.preflight.passed(Check.GATEWAY)
        line = Text("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        line.append("gateway settings valid" if ok else "gateway settings invalid")
        if self.peering.subnets is not None:
            fine = plan.preflight.passed(Check.OVERLAP)
            line.append("  ✓ " if fine else "  ✗ ", style="bold green" if fine else "bold red")
            line.append("subnets valid" if fine else "subnet problem")
        self.query_one("#checks", Static).update(line)
        for selector, lines in (("#problems", [p.message for p in plan.preflight.problems]),
                                ("#notes", list(plan.preflight.notes))):
            box = self.query_one(selector, Static)
            box.update("\n".join(lines))
            box.display = bool(lines)
        self.query_one("#commands", Static).update("\n".join(plan.commands()))
        return plan

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        plan = self._revalidate()
        typed = self.query_one(TypedConfirmation)
        if not plan.ok:
            self.query_one("#flag-remote-gw", Checkbox).focus()
        elif not typed.ok:
            box = self.query_one("#problems", Static)
            box.update(typed.problem() or "")
            box.display = True
            typed.focus_input()
        else:
            self.dismiss(EditRequest(self.peering.id, self.flags(), self.subnets()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

