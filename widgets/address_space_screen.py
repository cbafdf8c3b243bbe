"""A VNet's address space: its prefixes with the subnets in each, add one, remove an empty one.

Usage (the app owns the cloud; this screen only plans):

    screen = AddressSpaceScreen(inventory, vnet, confirm=production_confirmation)
    self.push_screen(screen, callback)   # callback gets a tui.address.AddressChange or None

then, in a worker: `plan = plan_address_change(inventory, change)`, show
`PeeringProgress(f"Address space of {vnet.name}", plan.describe())` and run
`apply_address_change(backend, plan, progress.report, inventory=inventory)`.

Keys: type a prefix in the field (checked as you type; `/20` lists free blocks of that
size), enter adds it; tab to the suggestions, enter picks one; tab to the prefixes,
`delete` or `-` marks the highlighted one for removal (only when it holds no subnet) or drops
a pending addition; space toggles "sync every affected link"; ctrl+s or Apply dismisses
with the change; ctrl+y copies the az commands (DialogScreen); esc cancels.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.address import (
    AddressChange,
    AddressPlan,
    PrefixCheck,
    check_new_prefix,
    check_removal,
    plan_address_change,
    prefix_rows,
    suggest_prefixes,
)
from tui.model import Inventory, VirtualNetwork
from widgets.dialog import DialogScreen
from widgets.peering_typed import Confirm, TypedConfirmation
from widgets.tick_box import TickBox

_LENGTH = re.compile(r"^/(\d{1,2})$")
SUGGESTED = 5


class AddressSpaceScreen(DialogScreen[AddressChange | None]):
    """Plan a change to `vnet`'s address space; dismissed with an `AddressChange` or None."""

    DEFAULT_CSS = """
    AddressSpaceScreen #dialog { width: 100; padding: 0 1; }
    AddressSpaceScreen .heading { color: $text-muted; }
    AddressSpaceScreen #prefixes { height: auto; max-height: 8; border: none; }
    AddressSpaceScreen #add-row { height: auto; }
    AddressSpaceScreen #add-row Static { width: auto; padding: 0 1 0 0; }
    AddressSpaceScreen #new-prefix { width: 24; }
    AddressSpaceScreen #suggest-head { width: 1fr; padding: 0 0 0 2; color: $text-muted; }
    AddressSpaceScreen #suggestions { height: auto; max-height: 5; border: none; }
    AddressSpaceScreen #checks { height: auto; }
    AddressSpaceScreen #links { height: auto; }
    AddressSpaceScreen #commands { height: auto; }
    AddressSpaceScreen #buttons { margin: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.address.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="vnettui.address.apply"),
        Binding("delete,minus", "remove", "Remove prefix", id="vnettui.address.remove",
                show=False),
    ]

    def __init__(self, inventory: Inventory, vnet: VirtualNetwork, *,
                 confirm: Confirm | None = None) -> None:
        super().__init__()
        self.inventory = inventory
        self.vnet = vnet
        self.confirm = confirm  # production VNets: the text to type before a write
        self.added: list[str] = []
        self.removed: list[str] = []
        self.plan: AddressPlan | None = None
        self.problem: str = ""  # why the last remove or add was refused
        self.suggested_length: int | None = -1  # the size the suggestions are for

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        sub = self.inventory.subscription(self.vnet.subscription_id)
        where = f"{sub.name} / " if sub else ""
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = f"Address space of {self.vnet.name}"
            yield Static(Text(f"{where}{self.vnet.resource_group} · {self.vnet.location}"),
                         classes="heading")
            yield OptionList(id="prefixes", compact=True)
            with Horizontal(id="add-row"):
                yield Static(Text("Add"))
                yield Input(placeholder="10.3.0.0/16, or /20", id="new-prefix", compact=True)
                yield Static("", id="suggest-head")
            yield OptionList(id="suggestions", compact=True)
            yield Static("", id="checks")
            yield Static("", id="links")
            yield TickBox(Text("sync every affected peering afterwards"), True, id="sync")
            yield Static("", id="commands", markup=False)
            yield TypedConfirmation(id="confirm-local")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Apply", id="apply", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(TypedConfirmation).require(self.vnet, self.confirm)
        self._show_suggestions(None)
        self._refresh()
        self.query_one("#new-prefix", Input).focus()

    # -- what the screen holds --------------------------------------------------------------

    def typed(self) -> str:
        return self.query_one("#new-prefix", Input).value.strip()

    def change(self) -> AddressChange:
        """The change as it stands, with a valid typed prefix counted as added."""
        added = list(self.added)
        text = self.typed()
        if text and not _LENGTH.match(text) and self._check(text).ok:
            added.append(str(self._check(text).prefix))
        return AddressChange(self.vnet.id, tuple(added), tuple(self.removed),
                             sync=self.query_one("#sync", TickBox).value,
                             base=self.vnet.address_prefixes)

    def _check(self, text: str) -> PrefixCheck:
        return check_new_prefix(self.inventory, self.vnet, text, pending=self.added,
                                removing=self.removed)

    # -- rendering --------------------------------------------------------------------------

    def _refresh(self) -> None:
        self._show_prefixes()
        self._show_checks()
        plan = plan_address_change(self.inventory, self.change())
        self.plan = plan
        self._show_links(plan)
        commands = plan.commands() if plan.changed else []
        self.query_one("#commands", Static).update("\n".join(commands))

    def _show_prefixes(self) -> None:
        options: list[Option] = []
        for row in prefix_rows(self.vnet):
            gone = row.prefix in self.removed
            line = Text("- " if gone else "  ", style="bold red" if gone else "")
            line.append(f"{row.prefix:<20}", style="strike" if gone else "bold")
            if row.subnets:
                line.append("  " + ", ".join(f"{n} {p}" for n, p in row.subnets))
            else:
                line.append("  no subnets" + (": removed on apply" if gone else ": removable"),
                            style="dim")
            options.append(Option(line, id=f"has:{row.prefix}"))
        for prefix in self.added:
            line = Text("+ ", style="bold green")
            line.append(f"{prefix:<20}", style="bold green")
            line.append("  new: added on apply", style="dim")
            options.append(Option(line, id=f"new:{prefix}"))
        listing = self.query_one("#prefixes", OptionList)
        keep = listing.highlighted
        listing.set_options(options)
        if options:
            listing.highlighted = min(keep or 0, len(options) - 1)

    def _show_checks(self) -> None:
        text = self.typed()
        out = Text()
        if self.problem:
            out.append(f"✗ {self.problem}", style="bold red")
        elif not text or _LENGTH.match(text):
            out.append("Type a prefix to add, or pick a free one below.", style="dim")
        else:
            check = self._check(text)
            if check.ok:
                out.append(f"✓ {check.prefix}: valid, no overlap with {self.vnet.name} or its "
                           "peers", style="green")
            for error in check.errors:
                out.append(("\n" if out else "") + f"✗ {error}", style="bold red")
            for warning in check.warnings:
                out.append(("\n" if out else "") + f"! {warning}", style="yellow")
        self.query_one("#checks", Static).update(out)

    def _show_links(self, plan: AddressPlan) -> None:
        out = Text()
        if plan.to_sync:
            names = ", ".join(link.label for link in plan.to_sync)
            out.append(f"Peerings that will need a sync: {names}", style="yellow")
        else:
            out.append("No peering points at this VNet: nothing will need a sync.", style="dim")
        for note in plan.notes:
            out.append(f"\n· {note}", style="dim")
        self.query_one("#links", Static).update(out)

    def _show_suggestions(self, length: int | None) -> None:
        if length == self.suggested_length:
            return
        self.suggested_length = length
        found = suggest_prefixes(self.inventory, self.vnet, length, SUGGESTED)
        head = (f"↓ free /{found.prefix_length} in {', '.join(found.searched)}, clear of all "
                "VNets" if found.prefixes else found.describe())
        self.query_one("#suggest-head", Static).update(Text(head))
        options = [Option(Text(p), id=p) for p in found.prefixes]
        listing = self.query_one("#suggestions", OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    # -- events -----------------------------------------------------------------------------

    @on(Input.Changed, "#new-prefix")
    def _typed(self, event: Input.Changed) -> None:
        self.problem = ""
        match = _LENGTH.match(event.value.strip())
        length = int(match.group(1)) if match else None
        self._show_suggestions(length if length and length <= 32 else None)
        self._refresh()

    @on(Input.Submitted, "#new-prefix")
    def _add_typed(self) -> None:
        text = self.typed()
        if not text or _LENGTH.match(text):
            self.query_one("#suggestions", OptionList).focus()
            return
        check = self._check(text)
        if not check.ok:
            self.app.bell()
            return
        self.added.append(str(check.prefix))
        self.query_one("#new-prefix", Input).value = ""  # Changed refreshes the rest

    @on(OptionList.OptionSelected, "#suggestions")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        field = self.query_one("#new-prefix", Input)
        field.value = str(event.option.id)
        field.focus()

    @on(OptionList.OptionSelected, "#prefixes")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        self.action_remove()

    def action_remove(self) -> None:
        """Mark the highlighted prefix for removal (or undo it), or drop a pending one."""
        listing = self.query_one("#prefixes", OptionList)
        if listing.highlighted is None or not listing.has_focus:
            return
        kind, _, prefix = str(listing.get_option_at_index(listing.highlighted).id).partition(":")
        self.problem = ""
        if kind == "new":
            self.added.remove(prefix)
        elif prefix in self.removed:
            self.removed.remove(prefix)
        else:
            why = check_removal(self.vnet, prefix, removing=self.removed)
            if why:
                self.problem = why[0]
                self.app.bell()
            else:
                self.removed.append(prefix)
        self._refresh()

    @on(TickBox.Changed, "#sync")
    def _sync_toggled(self) -> None:
        self._refresh()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        change = self.change()
        plan = plan_address_change(self.inventory, change)
        typed = self.query_one(TypedConfirmation)
        if not plan.ok:
            self.problem = plan.problems[0] if plan.problems else "Nothing to change."
            self._show_checks()
            self.app.bell()
        elif not typed.ok:
            self.problem = typed.problem() or ""
            self._show_checks()
            typed.focus_input()
        else:
            self.dismiss(change)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
