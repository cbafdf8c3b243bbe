"""Many peerings in one form: the part the connect-spokes form (`HubForm`) and the mesh
form (`MeshForm`) share. A searchable multi-select of VNets across subscriptions, greyed
with the reason when they cannot join; the settings a subclass adds; link names from a
pattern; the whole plan checked as you go (`tui.peering.bulk`) and shown as a table with
its az commands.

A subclass says what greys a VNet (`why_not`), which settings it offers
(`compose_settings`), how the ticked VNets become a plan (`plan_for`) and a request
(`request`). The form only decides what to ask for; the explorer sends it with
`tui.peering.perform_bulk`, showing `BulkProgressScreen`.

Keys: type to search every subscription, ↓ (or enter) into the list, space ticks a VNet,
tab through the settings and the name pattern, ctrl+s sends, ctrl+y copies the az
commands, esc cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.model import Inventory, VirtualNetwork
from tui.peering import DEFAULT_PATTERN, BulkPlan, pattern_problem, plan_table
from tui.peering.preflight import address_index
from widgets.dialog import DialogScreen
from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE
from widgets.tick_list import TickList

MAX_SHOWN = 200  # VNets listed at once; typing narrows the rest
COMMANDS_SHOWN = 4

RequestT = TypeVar("RequestT")


class BulkForm(DialogScreen[RequestT | None], Generic[RequestT]):
    """Tick VNets, check the plan they make, send it."""

    DEFAULT_CSS = """
    BulkForm #dialog { width: 110; padding: 0 1; }
    BulkForm .row { height: auto; }
    BulkForm #search-row { margin: 1 0 0 0; }
    BulkForm #search-row Label, BulkForm #pattern-row Label { width: 12; }
    BulkForm #search { width: 32; }
    BulkForm #chosen { width: 1fr; padding: 0 0 0 2; color: $text-muted; }
    BulkForm #spokes { height: auto; max-height: 8; margin: 0 0 0 12; }
    BulkForm .side { width: 1fr; height: auto; }
    BulkForm .head { text-style: bold; padding: 1 0 0 0; }
    BulkForm #pattern-row { margin: 1 0 0 0; }
    BulkForm #pattern { width: 32; }
    BulkForm #example { width: 1fr; padding: 0 0 0 2; color: $text-muted; text-wrap: nowrap;
                        text-overflow: ellipsis; }
    BulkForm #plan-box { height: auto; max-height: 8; margin: 1 0 0 0; }
    BulkForm #plan { text-wrap: wrap; }
    BulkForm #commands-box { height: auto; max-height: 4; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.bulk_form.cancel"),
        Binding("ctrl+s", "submit", "Send", id="vnettui.bulk_form.send"),
        Binding("ctrl+y", "copy_commands", "Copy az", id="vnettui.bulk_form.copy"),
    ]

    box_title = ""  # the box's title
    pick_label = "VNets"  # the list's label
    empty_plan = "Tick VNets to see the plan."

    def __init__(self, inventory: Inventory, ticked: Sequence[VirtualNetwork] = ()) -> None:
        """`ticked`: VNets ticked to begin with."""
        super().__init__()
        self.inventory = inventory
        self.chosen: list[str] = [v.id.casefold() for v in ticked]  # in the order ticked
        self.plan: BulkPlan | None = None
        self.index = address_index(inventory)
        self._shown: list[VirtualNetwork] = []

    # -- what a subclass says -------------------------------------------------------------

    def compose_settings(self) -> ComposeResult:
        """The settings between the list and the name pattern."""
        yield from ()

    def candidates(self) -> list[VirtualNetwork]:
        return sorted(self.inventory.vnets,
                      key=lambda v: (v.name.casefold(), v.resource_group.casefold()))

    def why_not(self, vnet: VirtualNetwork) -> str | None:
        """Why `vnet` cannot be ticked now, or None."""
        return None

    def note(self, vnet: VirtualNetwork) -> tuple[str, str] | None:
        """A remark on a VNet that can be ticked (text, style), or None."""
        return None

    def plan_for(self, vnets: list[VirtualNetwork], pattern: str) -> BulkPlan | None:
        """The plan for the ticked VNets, or None when too few are ticked."""
        raise NotImplementedError

    def example(self, vnets: list[VirtualNetwork], pattern: str) -> str:
        return ""

    def request(self) -> RequestT:
        raise NotImplementedError

    def submit_label(self, plan: BulkPlan | None) -> str:
        raise NotImplementedError

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = self.box_title
            with Horizontal(classes="row", id="search-row"):
                yield Label(self.pick_label)
                yield Input(placeholder="search all subscriptions", id="search",
                            compact=True)
                yield Static("", id="chosen", markup=False)
            yield TickList(id="spokes")
            yield from self.compose_settings()
            with Horizontal(classes="row", id="pattern-row"):
                yield Label("Link names")
                yield Input(DEFAULT_PATTERN, id="pattern", compact=True)
                yield Static("", id="example", markup=False)
            with VerticalScroll(id="plan-box"):
                yield Static("", id="plan")
            yield Static("", id="problems", markup=False)
            with VerticalScroll(id="commands-box"):
                yield Static("", id="commands", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Send", id="connect", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#search", Input).focus()
        self.revalidate()

    # -- the list -------------------------------------------------------------------------

    def ticked_vnets(self) -> list[VirtualNetwork]:
        return [v for k in self.chosen if (v := self.inventory.vnet(k)) is not None]

    def _prompt(self, vnet: VirtualNetwork, reason: str | None) -> Text:
        sub = self.inventory.subscription(vnet.subscription_id)
        text = Text(f"{vnet.name:<20} ", style=DIM_STYLE if reason else "")
        text.append(f"{', '.join(vnet.address_prefixes):<18}", style=DIM_STYLE)
        if reason:
            text.append(f"  {reason}", style=OK_STYLE if reason == "already connected"
                        else BAD_STYLE)
        elif (remark := self.note(vnet)) is not None:
            text.append(f"  {remark[0]}", style=remark[1])
        text.append(f"  {sub.name if sub else vnet.subscription_id} / {vnet.resource_group}",
                    style=DIM_STYLE)
        return text

    def _fill(self, text: str) -> None:
        needle = text.strip().casefold()
        matches = [v for v in self.candidates() if not needle or needle in v.name.casefold()
                   or needle in f"{v.resource_group}/{v.name}".casefold()]
        self._shown = matches[:MAX_SHOWN]
        spokes = self.query_one("#spokes", TickList)
        spokes.ticked = set(self.chosen)
        items = []
        for vnet in self._shown:
            key = vnet.id.casefold()
            reason = self.why_not(vnet)
            items.append((key, self._prompt(vnet, reason), bool(reason) and key not in self.chosen))
        more = len(matches) - len(self._shown)
        tail = [Text(f"… {more} more: keep typing", style=DIM_STYLE)] if more else []
        if not matches:
            tail = [Text(f"no VNet matches {text.strip()!r}", style=DIM_STYLE)]
        spokes.show_items(items, tail)
        self._count()

    def _count(self) -> None:
        self.query_one("#chosen", Static).update(f"{len(self.chosen)} ticked")

    def _refresh_reasons(self) -> None:
        """Greying follows what is ticked (a ticked VNet greys the VNets it overlaps)."""
        spokes = self.query_one("#spokes", TickList)
        for vnet in self._shown:
            key = vnet.id.casefold()
            reason = self.why_not(vnet)
            spokes.update_item(key, self._prompt(vnet, reason),
                               bool(reason) and key not in self.chosen)
        self._count()

    @on(TickList.Toggled, "#spokes")
    def _ticked(self, event: TickList.Toggled) -> None:
        if event.ticked:
            self.chosen.append(event.item_id)
        elif event.item_id in self.chosen:
            self.chosen.remove(event.item_id)
        self._refresh_reasons()
        self.revalidate()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: events.Key) -> None:
        """↓ from the search box goes into the list."""
        if event.key == "down" and self.query_one("#search", Input).has_focus:
            self.query_one("#spokes", TickList).focus()
            event.stop()

    # -- settings, names, the plan ---------------------------------------------------------

    def tick(self, name: str) -> bool:
        return self.query_one(f"#{name}", Checkbox).value

    def setting_changed(self, event: Checkbox.Changed) -> None:
        """A setting was ticked or unticked (before the plan is checked again)."""

    @on(Checkbox.Changed)
    def _setting_changed(self, event: Checkbox.Changed) -> None:
        self.setting_changed(event)
        self.revalidate()

    @on(Input.Changed, "#pattern")
    def _pattern_changed(self) -> None:
        self.revalidate()

    def pattern(self) -> str:
        return self.query_one("#pattern", Input).value.strip()

    def revalidate(self) -> BulkPlan | None:
        pattern = self.pattern()
        vnets = self.ticked_vnets()
        problems: list[str] = []
        plan: BulkPlan | None = None
        bad_pattern = pattern_problem(pattern)
        example = self.query_one("#example", Static)
        if bad_pattern:
            problems.append(bad_pattern)
            example.update("")
        else:
            example.update(self.example(vnets, pattern))
            plan = self.plan_for(vnets, pattern)  # None: too few ticked, as the plan says
            if plan is not None and not plan.ok:
                problems += plan.messages()
        self.plan = plan
        self.query_one("#plan", Static).update(plan_text(plan, self.empty_plan))
        box = self.query_one("#problems", Static)
        box.update("\n".join(problems))
        box.display = bool(problems) and bool(vnets)
        commands = plan.commands() if plan else []
        shown = commands[:COMMANDS_SHOWN]
        if len(commands) > COMMANDS_SHOWN:
            shown.append(f"… {len(commands) - COMMANDS_SHOWN} more az commands (ctrl+y "
                         "copies them all)")
        self.query_one("#commands", Static).update("\n".join(shown))
        button = self.query_one("#connect", Button)
        button.label = self.submit_label(plan)
        button.disabled = plan is None or not plan.ok
        return plan

    @on(Button.Pressed, "#connect")
    def action_submit(self) -> None:
        plan = self.revalidate()
        if plan is None or not plan.ok:
            self.app.bell()
            return
        self.dismiss(self.request())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_copy_commands(self) -> None:
        """Every az command of the plan to the clipboard (OSC 52)."""
        if self.plan is not None and self.plan.commands():
            self.app.copy_to_clipboard("\n".join(self.plan.commands()))
            self.notify("The az commands are on the clipboard.", markup=False)


def plan_text(plan: BulkPlan | None, empty: str) -> Text:
    """The validation table: pair, what is sent, the check, one row each."""
    if plan is None:
        return Text(empty, style=DIM_STYLE)
    rows = plan_table(plan)
    width = max(len(r[0]) for r in rows)
    text = Text()
    for n, (pair, sends, _settings, check) in enumerate(rows):
        if n:
            text.append("\n")
        mark, style = (("✓ ", OK_STYLE) if check == "ok" else ("· ", DIM_STYLE)
                       if check == "already peered" else ("✗ ", BAD_STYLE))
        text.append(mark, style=style)
        text.append(f"{pair:<{width}}  ")
        text.append(check if check != "ok" else sends, style=style if check != "ok" else "")
    return text
