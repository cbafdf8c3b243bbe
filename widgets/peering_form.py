"""The "peer this VNet" form: both links of a peering in one modal, checked as you type.

Usage (from the app): ``self.push_screen(PeeringForm(inventory, vnet), callback)``; the
callback gets a `tui.peering.PeeringRequest`, or None when the person cancelled. The form
only decides *what* to ask for; the app sends it (`tui.peering.perform`). Pass
``confirm=`` (VNet -> the text to type, or None) to ask for typed confirmation of writes
to production VNets.

Keyboard: type in the picker to search (up/down move through matches, enter picks), tab
moves on through both names, the four settings of each side, the one-side toggle and
"peer only these subnets"; enter in a text field submits; esc cancels.

Subnet peering: "peer only these subnets" shows a multi-select of each side's subnets (space
ticks one) and "IPv6 only"; the overlap checks then apply to the chosen subnets, so VNets
that overlap as a whole become pickable. Typing the exact name of such a VNet switches it on
with the subnets that overlap nothing on the other side ticked; ``subnets=`` pre-fills it
(e.g. from the conflicts view: `tui.peering.subnets.subnet_route(a, b).selection()`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from tui.errors import VnettuiError
from tui.model import (
    Inventory,
    PeeringState,
    ResourceId,
    SubnetSelection,
    VirtualNetwork,
)
from tui.peering import (
    Field,
    PeeringRequest,
    Plan,
    default_names,
    overlapping_vnets,
    plan_peering,
)
from tui.peering.subnets import subnet_route
from widgets.dialog import DialogScreen
from widgets.fresh_checks import FreshPair, Refresh, reread_pair
from widgets.peering_typed import Confirm, TypedConfirmation
from widgets.peering_words import (
    FLAG_KEYS,
    check_line,
    flag_labels,
    flags_of,
    remote_prompt,
    remote_summary,
)
from widgets.subnet_picker import SubnetPicker
from widgets.tick_box import TickBox

MAX_SHOWN = 200  # matches listed at once; typing narrows the rest

class PeeringForm(DialogScreen[PeeringRequest | None]):
    """Create a peering between `local` and a VNet picked from the whole inventory."""

    DEFAULT_CSS = """
    PeeringForm #dialog { width: 104; padding: 0 1; }
    PeeringForm .row { height: auto; }
    PeeringForm #remote-row { margin: 1 0 0 0; }
    PeeringForm #remote-row Label { width: 13; }
    PeeringForm #remote-search { width: 30; }
    PeeringForm #remote-summary { width: 1fr; padding: 0 0 0 2; color: $text-muted; }
    PeeringForm #remote-list {
        height: auto; max-height: 6; margin: 1 0 0 13; border: none; padding: 0;
        background: $boost;
    }
    PeeringForm .side { width: 1fr; height: auto; margin: 0 1 0 0; }
    PeeringForm .head { text-style: bold; padding: 1 0 0 0; }
    PeeringForm .name-label { width: 11; }
    PeeringForm .name { width: 1fr; margin: 0 2 0 0; }
    PeeringForm TickBox { width: 1fr; }
    PeeringForm TickBox, PeeringForm TickBox:focus { height: auto; text-wrap: wrap; }
    PeeringForm #one-side { margin: 1 0 0 0; }
    PeeringForm #checks { margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.form.cancel"),
        Binding("ctrl+s", "submit", "Create", show=False, id="vnettui.form.create"),
    ]

    def __init__(self, inventory: Inventory, local: VirtualNetwork,
                 remote: VirtualNetwork | None = None, *, confirm: Confirm | None = None,
                 subnets: SubnetSelection | None = None, refresh: Refresh | None = None,
                 ) -> None:
        super().__init__()
        self.inventory = inventory
        self.fresh = FreshPair(refresh)  # the checks wait for ARM's read of the pair
        self.local = local
        self.confirm = confirm  # production VNets: the text to type before a write
        self.remote: VirtualNetwork | None = None
        self._preset = remote
        self._preset_subnets = subnets
        self._names_edited = False
        self._setting_names = False
        self._shown: list[VirtualNetwork] = []
        self._overlaps = overlapping_vnets(inventory, local)
        self.plan: Plan | None = None
        self._remote_filled: ResourceId | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        name = self.local.name
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = f"Peer {name} with another virtual network"
            with Horizontal(classes="row", id="remote-row"):
                yield Label("Remote VNet")
                yield Input(placeholder="search all subscriptions",
                            id="remote-search", compact=True)
                yield Static("", id="remote-summary", markup=False)
            yield OptionList(id="remote-list")
            with Horizontal(classes="row"):
                yield Label(Content(f"On {name}"), classes="head side", id="local-head")
                yield Label("On the remote VNet", classes="head side", id="remote-head")
            with Horizontal(classes="row"):
                with Horizontal(classes="side row"):
                    yield Label("Link name", classes="name-label")
                    yield Input(id="local-name", classes="name", compact=True)
                with Horizontal(classes="side row"):
                    yield Label("Link name", classes="name-label")
                    yield Input(id="remote-name", classes="name", compact=True)
            locals_ = flag_labels(name, "the remote VNet")
            remotes = flag_labels("the remote VNet", name)
            for key in FLAG_KEYS:
                with Horizontal(classes="row"):
                    yield TickBox(Content(locals_[key]), key == "access", id=f"local-{key}")
                    yield TickBox(Content(remotes[key]), key == "access", id=f"remote-{key}")
            yield TickBox(Content(f"only create the link on {name}"), id="one-side")
            yield TickBox(Content("peer only these subnets (subnet peering)"),
                          id="subnet-mode")
            yield SubnetPicker(id="subnets")
            yield TypedConfirmation(id="confirm-local")
            yield TypedConfirmation(id="confirm-remote")
            yield Static("", id="checks")
            yield Static("", id="problems", markup=False)
            yield Static("", id="notes", markup=False)
            yield Static("", id="commands", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Create both links", id="create", variant="primary", compact=True)

    def on_mount(self) -> None:
        list_ = self.query_one("#remote-list", OptionList)
        list_.can_focus = False  # the picker is driven from the search box
        self.picker.fill("local", self.local)
        if self._preset_subnets is not None:
            self._subnet_mode(True, self._preset_subnets)
        self._filter("")
        if self._preset is not None:
            self._choose(self._preset)
            self.query_one("#local-name", Input).focus()
        else:
            self.query_one("#remote-search", Input).focus()
        self._revalidate()

    # -- the remote picker --------------------------------------------------------------

    def candidates(self) -> list[VirtualNetwork]:
        """Every other VNet in every subscription, by name."""
        return sorted((v for v in self.inventory.vnets if v.id != self.local.id),
                      key=lambda v: (v.name.lower(), v.resource_group.lower(), v.id.lower()))

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        matches = [v for v in self.candidates()
                   if not needle or needle in v.name.casefold()
                   or needle in f"{v.resource_group}/{v.name}".casefold()]
        self._shown = matches[:MAX_SHOWN]
        options: list[Option | None] = []
        by_subnets = self.subnet_mode
        for vnet in self._shown:
            overlap = tuple(self._overlaps.get(vnet.id, ()))
            prompt = remote_prompt(self.inventory, self.local, vnet, overlap, by_subnets)
            options.append(Option(prompt, id=str(vnet.id),
                                  disabled=bool(overlap) and not by_subnets))
        if len(matches) > MAX_SHOWN:
            options.append(Option(Text(f"… {len(matches) - MAX_SHOWN} more: keep typing",
                                       style="dim"), disabled=True))
        if not options:
            options.append(Option(Text(f"no VNet matches {text.strip()!r}", style="dim"),
                                  disabled=True))
        list_ = self.query_one("#remote-list", OptionList)
        list_.set_options(options)
        first = next((i for i, v in enumerate(self._shown)
                      if v.id not in self._overlaps or by_subnets), None)
        list_.highlighted = first

    def _exact(self, text: str) -> VirtualNetwork | None:
        """The one pickable VNet whose name (or rg/name) is exactly what was typed."""
        needle = text.strip().casefold()
        hits = [v for v in self.candidates()
                if needle in (v.name.casefold(), f"{v.resource_group}/{v.name}".casefold())]
        if len(hits) != 1:
            return None
        if hits[0].id not in self._overlaps or self.subnet_mode:
            return hits[0]
        route = subnet_route(self.local, hits[0])
        if route.possible:  # overlapping as VNets: offer the subnets that can be peered
            self._subnet_mode(True, route.selection(), remote=hits[0])
            return hits[0]
        return None

    def _choose(self, vnet: VirtualNetwork) -> None:
        self.remote = vnet
        search = self.query_one("#remote-search", Input)
        if search.value.strip().casefold() not in (
                vnet.name.casefold(), f"{vnet.resource_group}/{vnet.name}".casefold()):
            with search.prevent(Input.Changed):
                search.value = vnet.name
        self.query_one("#remote-summary", Static).update(remote_summary(self.inventory, vnet))
        self.query_one("#remote-list", OptionList).display = False
        self._relabel(vnet.name)
        if self._remote_filled != vnet.id:
            self._remote_filled = vnet.id
            keep = self._preset_subnets.remote if self._preset_subnets else ()
            self.picker.fill("remote", vnet, keep)
        if not self._names_edited:
            local_name, remote_name = default_names(self.local, vnet)
            back = vnet.peering_to(self.local.id)
            if back is not None and back.state is PeeringState.DISCONNECTED:
                remote_name = back.name  # it is revived under its own name
            mine = self.local.peering_to(vnet.id)
            if mine is not None and mine.state is PeeringState.DISCONNECTED:
                local_name = mine.name
            self._set_names(local_name, remote_name)
        key = self.fresh.key(self.local.id, vnet.id)
        if self.fresh.needed(self.local.id, vnet.id) and self.fresh.pending != key:
            self.fresh.pending, self.fresh.failed = key, None
            self._reread(vnet.id)

    @work(group="reread", exclusive=True, exit_on_error=False)
    async def _reread(self, remote_id: ResourceId) -> None:
        """The pair and its peers from ARM; the checks then run on what ARM said."""
        refresh = self.fresh.refresh
        assert refresh is not None
        key = self.fresh.key(self.local.id, remote_id)
        try:
            inventory = await reread_pair(refresh, self.inventory, self.local.id, remote_id)
        except VnettuiError as error:
            if self.fresh.pending == key:
                self.fresh.fail(self.local.name, remote_id.name, error)
                self._revalidate()
            return
        if self.fresh.pending != key or self.remote is None or self.remote.id != remote_id:
            return  # another VNet was picked meanwhile
        self.inventory = inventory
        self.local = inventory.vnet(self.local.id) or self.local
        self.remote = inventory.vnet(remote_id) or self.remote
        self._overlaps = overlapping_vnets(inventory, self.local)
        self.fresh.fresh, self.fresh.pending = key, None
        self._revalidate()
        if self.fresh.submit_waiting:
            self.fresh.submit_waiting = False
            self.action_submit()

    def _unchoose(self) -> None:
        if self.remote is None:
            return
        self.remote = None
        self.query_one("#remote-summary", Static).update("")
        self.query_one("#remote-list", OptionList).display = True
        self._relabel(None)

    def _relabel(self, remote: str | None) -> None:
        peer = remote or "the remote VNet"
        name = self.local.name
        self.query_one("#remote-head", Label).update(Content(f"On {peer}"))
        mine, theirs = flag_labels(name, peer), flag_labels(peer, name)
        for key in FLAG_KEYS:
            self.query_one(f"#local-{key}", Checkbox).label = Content(mine[key])
            self.query_one(f"#remote-{key}", Checkbox).label = Content(theirs[key])

    def _set_names(self, local_name: str, remote_name: str) -> None:
        self._setting_names = True
        try:
            self.query_one("#local-name", Input).value = local_name
            self.query_one("#remote-name", Input).value = remote_name
        finally:
            self._setting_names = False

    @on(Input.Changed, "#remote-search")
    def _search_changed(self, event: Input.Changed) -> None:
        exact = self._exact(event.value)
        if exact is not None:
            self._choose(exact)
        else:
            self._unchoose()
            self._filter(event.value)
        self._revalidate()

    def on_key(self, event: events.Key) -> None:
        """Up/down in the search box move through the matches."""
        search = self.query_one("#remote-search", Input)
        list_ = self.query_one("#remote-list", OptionList)
        if not search.has_focus or event.key not in ("up", "down") or not list_.display:
            return
        if event.key == "down":
            list_.action_cursor_down()
        else:
            list_.action_cursor_up()
        event.stop()

    @on(OptionList.OptionSelected, "#remote-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        vnet = self.inventory.vnet(event.option.id)
        if vnet is not None:
            self._pick(vnet)

    def _pick(self, vnet: VirtualNetwork) -> None:
        self._choose(vnet)
        self._revalidate()
        self.query_one("#local-name", Input).focus()

    # -- subnet peering -----------------------------------------------------------------

    @property
    def subnet_mode(self) -> bool:
        return bool(self.query_one("#subnet-mode", Checkbox).value)

    @property
    def picker(self) -> SubnetPicker:
        return self.query_one(SubnetPicker)

    def _subnet_mode(self, on: bool, selection: SubnetSelection | None = None,
                     remote: VirtualNetwork | None = None) -> None:
        """Show (or hide) the subnet lists; tick `selection` when given."""
        if selection is not None:
            self._preset_subnets = selection
            self.picker.fill("local", self.local, selection.local)
            if remote is not None:
                self._remote_filled = remote.id
                self.picker.fill("remote", remote, selection.remote)
            self.picker.set_ipv6_only(selection.ipv6_only)
        box = self.query_one("#subnet-mode", Checkbox)
        if box.value != on:
            with self.prevent(Checkbox.Changed):
                box.value = on
        self.picker.set_class(on, "-on")

    def selection(self) -> SubnetSelection | None:
        return self.picker.selection(self.remote is not None) if self.subnet_mode else None

    @on(SelectionList.SelectedChanged)
    def _subnets_changed(self) -> None:
        self._revalidate()

    # -- the rest of the form -----------------------------------------------------------

    @on(Input.Changed, ".name")
    def _name_changed(self) -> None:
        if not self._setting_names:
            self._names_edited = True
        self._revalidate()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "one-side":
            disabled = event.value
            for key in FLAG_KEYS:
                self.query_one(f"#remote-{key}", Checkbox).disabled = disabled
            self.query_one("#remote-name", Input).disabled = disabled
            self.query_one("#create", Button).label = (
                f"Create the link on {self.local.name}" if disabled else "Create both links")
        if event.checkbox.id == "subnet-mode":
            self._subnet_mode(event.value)
            self._filter(self.query_one("#remote-search", Input).value if self.remote is None
                         else "")
        self._revalidate()

    def request(self) -> PeeringRequest:
        """What the fields say now."""
        def values(side: str) -> dict[str, bool]:
            return {k: self.query_one(f"#{side}-{k}", Checkbox).value for k in FLAG_KEYS}
        remote_id = self.remote.id if self.remote else ResourceId("")
        return PeeringRequest(
            self.local.id, remote_id,
            self.query_one("#local-name", Input).value.strip(),
            self.query_one("#remote-name", Input).value.strip(),
            flags_of(values("local")), flags_of(values("remote")),
            self.query_one("#one-side", Checkbox).value,
            self.selection(),
        )

    def _confirmations(self) -> list[TypedConfirmation]:
        return [self.query_one("#confirm-local", TypedConfirmation),
                self.query_one("#confirm-remote", TypedConfirmation)]

    def _revalidate(self) -> Plan:
        request = self.request()
        plan = plan_peering(self.inventory, request)
        self.plan = plan
        mine, theirs = self._confirmations()
        mine.require(self.local, self.confirm)
        theirs.require(None if request.one_side else self.remote, self.confirm)
        remote = self.remote.name if self.remote else "the remote VNet"
        self.query_one("#checks", Static).update(check_line(plan, remote))
        arm_problems, arm_notes = self.fresh.messages(self.local, self.remote)
        for selector, lines in (
            ("#problems", arm_problems + [p.message for p in plan.preflight.problems]),
            ("#notes", arm_notes + list(plan.preflight.notes)),
        ):
            box = self.query_one(selector, Static)
            box.update("\n".join(lines))
            box.display = bool(lines)
        self.query_one("#commands", Static).update(
            "\n".join(plan.commands()) if self.remote else "")
        return plan

    def _focus_problem(self, plan: Plan) -> None:
        first = plan.preflight.problems[0].field if plan.preflight.problems else Field.REMOTE
        target: Widget = {
            Field.REMOTE: self.query_one("#remote-search", Input),
            Field.LOCAL_NAME: self.query_one("#local-name", Input),
            Field.REMOTE_NAME: self.query_one("#remote-name", Input),
            Field.LOCAL_FLAGS: self.query_one("#local-remote-gw", Checkbox),
            Field.REMOTE_FLAGS: self.query_one("#remote-remote-gw", Checkbox),
            Field.ONE_SIDE: self.query_one("#one-side", Checkbox),
        }[first]
        if not target.disabled:
            target.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "remote-search":
            # Enter in the picker confirms the choice and moves on to the names; it never
            # submits, so a person who types "vnet2⏎" still gets to name both links.
            if self.remote is None:
                list_ = self.query_one("#remote-list", OptionList)
                index = list_.highlighted
                if index is not None and index < len(self._shown):
                    option = list_.get_option_at_index(index)
                    vnet = self.inventory.vnet(option.id)
                    if vnet is not None and not option.disabled:
                        self._pick(vnet)
            else:
                self.query_one("#local-name", Input).focus()
            return
        self.action_submit()

    @on(Button.Pressed, "#create")
    def action_submit(self) -> None:
        plan = self._revalidate()
        if self.remote is not None and self.fresh.needed(self.local.id, self.remote.id):
            # Sent when ARM's read is in and the checks pass on it; never on the index.
            self.fresh.submit_waiting = self.fresh.failed is None
            return
        if not plan.ok:
            self._focus_problem(plan)
            return
        unconfirmed = [box for box in self._confirmations() if not box.ok]
        if unconfirmed:
            problems = self.query_one("#problems", Static)
            problems.update("\n".join(box.problem() or "" for box in unconfirmed))
            problems.display = True
            unconfirmed[0].focus_input()
            return
        self.dismiss(self.request())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

