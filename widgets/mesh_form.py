"""Peer a set of VNets with each other in one form (a mesh: n·(n-1) links), the whole plan
checked first: every pair as the peering form checks it, refused with the reasons when any
two overlap. The shared part (search, list, plan table, az commands) is `widgets.bulk_form`.

Usage (the explorer): ``push_screen(MeshForm(inventory, [selected]), callback)``; the
callback gets a `tui.peering.MeshRequest`, or None when cancelled. A VNet that overlaps
one already ticked is greyed with the ranges; those peered with every ticked VNet are
marked.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label

from tui.model import PeeringFlags, PeeringState, VirtualNetwork
from tui.peering import BulkPlan, MeshRequest, link_name, plan_mesh
from widgets.bulk_form import BulkForm
from widgets.style import OK_STYLE
from widgets.tick_box import TickBox


class MeshForm(BulkForm[MeshRequest]):
    """Tick the VNets of the mesh and the settings every link gets."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="vnettui.mesh.cancel"),
        Binding("ctrl+s", "submit", "Peer all", id="vnettui.mesh.peer"),
        Binding("ctrl+y", "copy_commands", "Copy az", id="vnettui.mesh.copy"),
    ]

    box_title = "Peer VNets with each other (a mesh)"
    pick_label = "VNets"
    empty_plan = "Tick two or more VNets to see the plan."

    def compose_settings(self) -> ComposeResult:
        with Horizontal(classes="row"), Vertical(classes="side"):
            yield Label(Content("On every link"), classes="head")
            yield TickBox(Content("accept traffic forwarded by the other VNet"),
                          id="mesh-forwarded")

    def why_not(self, vnet: VirtualNetwork) -> str | None:
        key = vnet.id.casefold()
        for overlap in self.index.overlapping(vnet.id):
            other = overlap.other(vnet.id)
            if other.id.casefold() in self.chosen and other.id.casefold() != key:
                return (f"overlaps {other.name} ({', '.join(overlap.overlapping_ranges)}), "
                        "ticked")
        return None

    def note(self, vnet: VirtualNetwork) -> tuple[str, str] | None:
        others = [v for v in self.ticked_vnets() if v.id != vnet.id]
        if not others:
            return None
        peered = [v for v in others if _connected(vnet, v)]
        if len(peered) == len(others):
            return "peered with every ticked VNet", OK_STYLE
        return None

    def example(self, vnets: list[VirtualNetwork], pattern: str) -> str:
        if len(vnets) < 2:
            return "e.g. " + pattern.format(local="vnet-a", remote="vnet-b")
        return f"e.g. {link_name(pattern, vnets[0], vnets[1])}"

    def plan_for(self, vnets: list[VirtualNetwork], pattern: str) -> BulkPlan | None:
        if len(vnets) < 2:
            return None
        return plan_mesh(self.inventory, vnets, flags=self.request().flags, pattern=pattern)

    def request(self) -> MeshRequest:
        """What the fields say now."""
        return MeshRequest(tuple(v.id for v in self.ticked_vnets()),
                           PeeringFlags(True, self.tick("mesh-forwarded")), self.pattern())

    def submit_label(self, plan: BulkPlan | None) -> str:
        count = len(plan.to_send) if plan else 0
        return f"Peer {count} pair{'s' if count != 1 else ''}"


def _connected(a: VirtualNetwork, b: VirtualNetwork) -> bool:
    links = (a.peering_to(b.id), b.peering_to(a.id))
    return all(link is not None and link.state is PeeringState.CONNECTED for link in links)
