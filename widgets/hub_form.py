"""Connect spokes to a hub in one form: many VNets picked at once, one set of settings for
the hub's links and one for the spokes', names from a pattern, the whole plan checked as
you go and shown with its az commands.

Usage (the explorer): ``push_screen(HubForm(inventory, hub), callback)``; the callback gets
a `tui.peering.HubRequest`, or None when cancelled. The form only decides what to ask for;
the explorer sends it with `tui.peering.perform_bulk`, showing `BulkProgressScreen`.

Keys: type to search every subscription, ↓ (or enter) into the list, space ticks a VNet,
tab through the settings and the name pattern, ctrl+s connects, ctrl+y copies the az
commands, esc cancels. VNets that cannot be spokes are greyed with the reason: they overlap
the hub or a VNet already peered with it, they overlap a spoke already ticked (both would
sit behind the hub), or they are connected already.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.model import Inventory, PeeringFlags, PeeringState, VirtualNetwork
from tui.peering import (
    DEFAULT_PATTERN,
    BulkPlan,
    HubRequest,
    link_name,
    pattern_problem,
    plan_hub,
    plan_table,
)
from tui.peering.preflight import address_index
from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE
from widgets.tick_box import TickBox
from widgets.tick_list import TickList

MAX_SHOWN = 200  # VNets listed at once; typing narrows the rest
COMMANDS_SHOWN = 4


class HubForm(ModalScreen[HubRequest | None]):
    """Pick spokes for `hub` and the settings of both sides."""

    DEFAULT_CSS = """
    HubForm { align: center middle; }
    HubForm #dialog {
        overflow-y: auto; width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HubForm .row { height: auto; }
    HubForm #search-row { margin: 1 0 0 0; }
    HubForm #search-row Label, HubForm #pattern-row Label { width: 12; }
    HubForm #search { width: 32; }
    HubForm #chosen { width: 1fr; padding: 0 0 0 2; color: $text-muted; }
    HubForm #spokes { height: auto; max-height: 8; margin: 0 0 0 12; }
    HubForm .side { width: 1fr; height: auto; }
    HubForm .head { text-style: bold; padding: 1 0 0 0; }
    HubForm #pattern-row { margin: 1 0 0 0; }
    HubForm #pattern { width: 32; }
    HubForm #example { width: 1fr; padding: 0 0 0 2; color: $text-muted; text-wrap: nowrap;
                       text-overflow: ellipsis; }
    HubForm #plan-box { height: auto; max-height: 8; margin: 1 0 0 0; }
    HubForm #plan { text-wrap: nowrap; text-overflow: ellipsis; }
    HubForm #problems { color: $error; }
    HubForm #commands-box { height: auto; max-height: 4; }
    HubForm #commands { color: $text-muted; }
    HubForm #buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    HubForm #buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.hub.cancel"),
        Binding("ctrl+s", "submit", "Connect", id="vnettui.hub.connect"),
        Binding("ctrl+y", "copy_commands", "Copy az", id="vnettui.hub.copy"),
    ]

    def __init__(self, inventory: Inventory, hub: VirtualNetwork,
                 spokes: Sequence[VirtualNetwork] = ()) -> None:
        """`spokes`: VNets ticked to begin with."""
        super().__init__()
        self.inventory = inventory
        self.hub = hub
        self.chosen: list[str] = [s.id.casefold() for s in spokes]  # in the order ticked
        self.plan: BulkPlan | None = None
        self._index = address_index(inventory)
        self._blocked = {k.casefold(): refusals for k, refusals in
                         self._index.peering_blockers(hub.id).items()}
        self._shown: list[VirtualNetwork] = []

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        hub = self.hub.name
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Connect spokes to {hub}"
            with Horizontal(classes="row", id="search-row"):
                yield Label("Spokes")
                yield Input(placeholder="type to search every subscription", id="search",
                            compact=True)
                yield Static("", id="chosen", markup=False)
            yield TickList(id="spokes")
            with Horizontal(classes="row"):
                with Vertical(classes="side"):
                    yield Label(Content(f"On {hub}"), classes="head")
                    yield TickBox(Content("let the spokes use its gateway"),
                                  self.hub.has_gateway, id="hub-transit",
                                  disabled=not self.hub.has_gateway)
                    yield TickBox(Content("accept forwarded traffic"), id="hub-forwarded")
                with Vertical(classes="side"):
                    yield Label("On each spoke", classes="head")
                    yield TickBox(Content(f"use {hub}'s gateway"), id="spoke-remote-gw",
                                  disabled=not self.hub.has_gateway)
                    yield TickBox(Content("accept forwarded traffic"), id="spoke-forwarded")
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
                yield Button("Connect", id="connect", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#search", Input).focus()
        self._revalidate()

    # -- the list -------------------------------------------------------------------------

    def candidates(self) -> list[VirtualNetwork]:
        return sorted((v for v in self.inventory.vnets if v.id != self.hub.id),
                      key=lambda v: (v.name.casefold(), v.resource_group.casefold()))

    def why_not(self, vnet: VirtualNetwork) -> str | None:
        """Why `vnet` cannot be ticked now, or None."""
        key = vnet.id.casefold()
        refusals = self._blocked.get(key)
        if refusals:
            first = refusals[0]
            ranges = ", ".join(sorted({r.overlap for r in first.ranges}))
            whom = first.other.name if first.via is not None else self.hub.name
            return f"overlaps {whom} ({ranges})"
        mine, theirs = self.hub.peering_to(vnet.id), vnet.peering_to(self.hub.id)
        if mine and theirs and {mine.state, theirs.state} == {PeeringState.CONNECTED}:
            return "already connected"
        for overlap in self._index.overlapping(vnet.id):
            other = overlap.other(vnet.id)
            if other.id.casefold() in self.chosen and other.id.casefold() != key:
                return (f"overlaps {other.name} ({', '.join(overlap.overlapping_ranges)}), "
                        "ticked: both would sit behind the hub")
        return None

    def _prompt(self, vnet: VirtualNetwork, reason: str | None) -> Text:
        sub = self.inventory.subscription(vnet.subscription_id)
        text = Text(f"{vnet.name:<20} ", style=DIM_STYLE if reason else "")
        text.append(f"{', '.join(vnet.address_prefixes):<18}", style=DIM_STYLE)
        if reason:
            text.append(f"  {reason}", style=OK_STYLE if reason == "already connected"
                        else BAD_STYLE)
        else:
            mine = self.hub.peering_to(vnet.id) or vnet.peering_to(self.hub.id)
            if mine is not None:
                text.append(f"  completes {mine.name} ({mine.state.value})", style=WARN_STYLE)
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
        """Greying follows what is ticked (a ticked spoke greys the VNets it overlaps)."""
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
        self._revalidate()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: events.Key) -> None:
        """↓ from the search box goes into the list."""
        if event.key == "down" and self.query_one("#search", Input).has_focus:
            self.query_one("#spokes", TickList).focus()
            event.stop()

    # -- settings, names, the plan ---------------------------------------------------------

    def _tick(self, name: str) -> bool:
        return self.query_one(f"#{name}", Checkbox).value

    @on(Checkbox.Changed)
    def _setting_changed(self, event: Checkbox.Changed) -> None:
        # Using the hub's gateway needs the hub to offer it: tick that too.
        if event.checkbox.id == "spoke-remote-gw" and event.value:
            self.query_one("#hub-transit", Checkbox).value = True
        self._revalidate()

    @on(Input.Changed, "#pattern")
    def _pattern_changed(self) -> None:
        self._revalidate()

    def request(self) -> HubRequest:
        """What the fields say now."""
        chosen = [v for k in self.chosen if (v := self.inventory.vnet(k)) is not None]
        return HubRequest(
            self.hub.id, tuple(v.id for v in chosen),
            PeeringFlags(True, self._tick("hub-forwarded"), self._tick("hub-transit"), False),
            PeeringFlags(True, self._tick("spoke-forwarded"), False,
                         self._tick("spoke-remote-gw")),
            self.query_one("#pattern", Input).value.strip())

    def _revalidate(self) -> BulkPlan | None:
        request = self.request()
        problems: list[str] = []
        plan: BulkPlan | None = None
        bad_pattern = pattern_problem(request.pattern)
        example = self.query_one("#example", Static)
        spokes = [v for k in request.spoke_ids if (v := self.inventory.vnet(k)) is not None]
        if bad_pattern:
            problems.append(bad_pattern)
            example.update("")
        else:
            sample = spokes[0] if spokes else None
            example.update(f"e.g. {link_name(request.pattern, self.hub, sample)} and "
                           f"{link_name(request.pattern, sample, self.hub)}" if sample else
                           "e.g. " + request.pattern.format(local=self.hub.name,
                                                            remote="spoke"))
        if not spokes:
            problems.append("Tick at least one spoke.")
        elif not bad_pattern:
            plan = plan_hub(self.inventory, self.hub, spokes, hub_flags=request.hub_flags,
                            spoke_flags=request.spoke_flags, pattern=request.pattern)
            problems += plan.messages() if not plan.ok else []
        self.plan = plan
        self.query_one("#plan", Static).update(_table(plan))
        box = self.query_one("#problems", Static)
        box.update("\n".join(problems))
        box.display = bool(problems) and bool(spokes)
        commands = plan.commands() if plan else []
        shown = commands[:COMMANDS_SHOWN]
        if len(commands) > COMMANDS_SHOWN:
            shown.append(f"… {len(commands) - COMMANDS_SHOWN} more az commands (ctrl+y "
                         "copies them all)")
        self.query_one("#commands", Static).update("\n".join(shown))
        count = len(plan.to_send) if plan else 0
        button = self.query_one("#connect", Button)
        button.label = f"Connect {count} spoke{'s' if count != 1 else ''}"
        button.disabled = plan is None or not plan.ok
        return plan

    @on(Button.Pressed, "#connect")
    def action_submit(self) -> None:
        plan = self._revalidate()
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


def _table(plan: BulkPlan | None) -> Text:
    """The validation table: pair, what is sent, the check, one row each."""
    if plan is None:
        return Text("Tick spokes to see the plan.", style=DIM_STYLE)
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
