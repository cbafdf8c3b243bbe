"""Connect spokes to a hub in one form: many VNets picked at once, one set of settings for
the hub's links and one for the spokes', names from a pattern, the whole plan checked as
you go and shown with its az commands (the shared part: `widgets.bulk_form`).

Usage (the explorer): ``push_screen(HubForm(inventory, hub), callback)``; the callback gets
a `tui.peering.HubRequest`, or None when cancelled.

VNets that cannot be spokes are greyed with the reason: they overlap the hub or a VNet
already peered with it, they overlap a spoke already ticked (both would sit behind the
hub), or they are connected already.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Label

from tui.model import Inventory, PeeringFlags, PeeringState, VirtualNetwork
from tui.peering import BulkPlan, HubRequest, link_name, plan_hub
from widgets.bulk_form import BulkForm
from widgets.style import WARN_STYLE
from widgets.tick_box import TickBox


class HubForm(BulkForm[HubRequest]):
    """Pick spokes for `hub` and the settings of both sides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.hub.cancel"),
        Binding("ctrl+s", "submit", "Connect", id="vnettui.hub.connect"),
        Binding("ctrl+y", "copy_commands", "Copy az", id="vnettui.hub.copy"),
    ]

    pick_label = "Spokes"
    empty_plan = "Tick spokes to see the plan."

    def __init__(self, inventory: Inventory, hub: VirtualNetwork,
                 spokes: Sequence[VirtualNetwork] = ()) -> None:
        """`spokes`: VNets ticked to begin with."""
        super().__init__(inventory, spokes)
        self.hub = hub
        self.box_title = f"Connect spokes to {hub.name}"
        self._blocked = {k.casefold(): refusals for k, refusals in
                         self.index.peering_blockers(hub.id).items()}

    def compose_settings(self) -> ComposeResult:
        hub = self.hub.name
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

    def candidates(self) -> list[VirtualNetwork]:
        return [v for v in super().candidates() if v.id != self.hub.id]

    def why_not(self, vnet: VirtualNetwork) -> str | None:
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
        for overlap in self.index.overlapping(vnet.id):
            other = overlap.other(vnet.id)
            if other.id.casefold() in self.chosen and other.id.casefold() != key:
                return (f"overlaps {other.name} ({', '.join(overlap.overlapping_ranges)}), "
                        "ticked: both would sit behind the hub")
        return None

    def note(self, vnet: VirtualNetwork) -> tuple[str, str] | None:
        mine = self.hub.peering_to(vnet.id) or vnet.peering_to(self.hub.id)
        if mine is None:
            return None
        return f"completes {mine.name} ({mine.state.value})", WARN_STYLE

    def setting_changed(self, event: Checkbox.Changed) -> None:
        # Using the hub's gateway needs the hub to offer it: tick that too.
        if event.checkbox.id == "spoke-remote-gw" and event.value:
            self.query_one("#hub-transit", Checkbox).value = True

    def example(self, vnets: list[VirtualNetwork], pattern: str) -> str:
        sample = vnets[0] if vnets else None
        if sample is None:
            return "e.g. " + pattern.format(local=self.hub.name, remote="spoke")
        return (f"e.g. {link_name(pattern, self.hub, sample)} and "
                f"{link_name(pattern, sample, self.hub)}")

    def plan_for(self, vnets: list[VirtualNetwork], pattern: str) -> BulkPlan | None:
        if not vnets:
            return None
        request = self.request()
        return plan_hub(self.inventory, self.hub, vnets, hub_flags=request.hub_flags,
                        spoke_flags=request.spoke_flags, pattern=pattern)

    def request(self) -> HubRequest:
        """What the fields say now."""
        return HubRequest(
            self.hub.id, tuple(v.id for v in self.ticked_vnets()),
            PeeringFlags(True, self.tick("hub-forwarded"), self.tick("hub-transit"), False),
            PeeringFlags(True, self.tick("spoke-forwarded"), False,
                         self.tick("spoke-remote-gw")),
            self.pattern())

    def submit_label(self, plan: BulkPlan | None) -> str:
        count = len(plan.to_send) if plan else 0
        return f"Connect {count} spoke{'s' if count != 1 else ''}"
