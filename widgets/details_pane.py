"""Details of the selected VNet: subnets, every peering with both directions, and its VMs.

The peerings are a table (one 4-line row per link) so `d`, `s` and `e` have a cursor to act
on: line one is this link and its state, line two the link coming back from the remote
VNet and *its* state, line three the remote's address space and subscription, line four
the sync level and this link's settings.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.model import Inventory, Peering, VirtualNetwork
from tui.peering_words import remote_address_space, remote_home
from widgets.resource_table import ResourceTable, TableRow
from widgets.style import (
    BAD_STYLE,
    DIM_STYLE,
    WARN_STYLE,
    flags_text,
    plain,
    power_text,
    state_text,
    sync_text,
)


def _left_parts(peering: Peering, inventory: Inventory) -> tuple[Text, Text]:
    """The link (`1and2 → vnet2`) and the way back (`⇄ 2and1`), before their states."""
    remote = inventory.vnet(peering.remote_vnet_id)
    remote_name = remote.name if remote else peering.remote_vnet_id.name
    there = Text.assemble(plain(peering.name, "bold"), " → ", plain(remote_name))
    back = inventory.reverse_of(peering) if remote else None
    if remote is None:
        here = Text("⇄ remote not loaded", style=DIM_STYLE)
    elif back is None:
        here = Text(f"⇄ no link on {remote_name}", style=BAD_STYLE)
    else:
        here = Text.assemble(Text("⇄ ", style=DIM_STYLE), plain(back.name))
    return there, here


MAX_OVERLAP_LINES = 3
STATE_WIDTH = 15  # "✗ Disconnected" and a space: states first, so names may be cut


def peering_rows(vnet: VirtualNetwork, inventory: Inventory) -> list[TableRow]:
    """One 4-line row per link, the columns the Portal shows, as lines:

    this link and its state; the link coming back and *its* state; the remote VNet's
    address space and, when it differs, its subscription (and tenant); then the sync level
    in words, the settings, and the provisioning state while a write is settling.
    States lead each line (their width is fixed), so a narrow pane cuts names, not states.
    """
    rows = []
    for peering in vnet.peerings:
        there, here = _left_parts(peering, inventory)
        back = inventory.reverse_of(peering)
        line1 = _state_cell(state_text(peering))
        line1.append_text(there)
        if back is not None:
            line2 = _state_cell(state_text(back))
        elif inventory.vnet(peering.remote_vnet_id) is not None:
            line2 = _state_cell(Text("✗ missing", style=BAD_STYLE))
        else:
            line2 = _state_cell(Text("? unknown", style=DIM_STYLE))
        line2.append_text(here)
        line3 = Text(" " * STATE_WIDTH)
        line3.append_text(_remote_text(peering, inventory))
        line4 = Text(" " * STATE_WIDTH)
        line4.append_text(sync_text(peering))
        if back is not None and back.needs_sync:
            line4.append(" (back: ", style=DIM_STYLE)
            line4.append_text(sync_text(back))
            line4.append(")", style=DIM_STYLE)
        line4.append(" · ", style=DIM_STYLE)
        line4.append_text(flags_text(peering))
        if peering.subnets is not None:  # a subnet peering: only these subnets talk
            line4.append(" · ", style=DIM_STYLE)
            line4.append_text(plain(peering.subnets.describe(), WARN_STYLE))
        if peering.provisioning_state.casefold() not in ("succeeded", ""):
            line4.append(f" · {peering.provisioning_state}", style=WARN_STYLE)
        cell = Text("\n").join([line1, line2, line3, line4])
        cell.no_wrap = True
        cell.overflow = "ellipsis"
        rows.append(TableRow(peering.id.casefold(), (cell,), height=4))
    return rows


def _state_cell(state: Text) -> Text:
    """The state in its fixed-width column; what follows does not inherit its colour."""
    cell = Text()
    cell.append_text(state)
    cell.pad_right(STATE_WIDTH - cell.cell_len)
    return cell


def _remote_text(peering: Peering, inventory: Inventory) -> Text:
    """The remote VNet's address space, and where it lives when that is elsewhere."""
    prefixes = remote_address_space(peering, inventory)
    text = Text(", ".join(prefixes) or "address space unknown", style=DIM_STYLE)
    home = remote_home(peering, inventory)
    if home.elsewhere:
        text.append(" · ", style=DIM_STYLE)
        text.append_text(plain(home.subscription, DIM_STYLE))
    if home.tenant:
        text.append(f" · tenant {home.tenant}", style=WARN_STYLE)
    return text


def summary(vnet: VirtualNetwork, inventory: Inventory, overlaps: Collection[str]) -> Text:
    """Everything above the peering table, as one Text (remote names stay literal)."""
    sub = inventory.subscription(vnet.subscription_id)
    text = Text()
    text.append_text(plain(vnet.resource_group))
    text.append(" · ", style=DIM_STYLE)
    text.append_text(plain(vnet.location))
    if sub is not None:
        text.append(" · ", style=DIM_STYLE)
        text.append_text(plain(sub.name))
    text.append("\nAddress space  ", style="bold")
    text.append(", ".join(vnet.address_prefixes) or "none")
    if vnet.has_gateway:
        text.append("\nGateway        ", style="bold")
        text.append("yes")
    overlaps = list(overlaps)
    for line in overlaps[:MAX_OVERLAP_LINES]:
        text.append("\n⚠ ", style=BAD_STYLE)
        text.append(line, style=BAD_STYLE)
    if len(overlaps) > MAX_OVERLAP_LINES:
        more = len(overlaps) - MAX_OVERLAP_LINES
        text.append(f"\n⚠ and {more} more overlaps: press x", style=BAD_STYLE)
    text.append("\nSubnets", style="bold")
    if not vnet.subnets:
        text.append("\n  none", style=DIM_STYLE)
    vms = inventory.vms_in(vnet.id)
    for subnet in vnet.subnets:
        count = sum(1 for vm in vms if vm.subnet_id == subnet.id)
        text.append("\n  ")
        text.append_text(plain(subnet.name))
        text.append("  " + ", ".join(subnet.address_prefixes))
        if count:
            text.append(f"  {count} VM" + ("s" if count > 1 else ""), style=DIM_STYLE)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def vm_lines(vnet: VirtualNetwork, inventory: Inventory) -> Text:
    text = Text("Virtual machines", style="bold")
    vms = inventory.vms_in(vnet.id)
    if not vms:
        text.append("\n  none", style=DIM_STYLE)
    for vm in vms:
        text.append("\n  ")
        text.append_text(plain(vm.name))
        text.append(f"  {vm.private_ip or '–'}  ")
        text.append_text(power_text(vm.power_state))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class DetailsPane(VerticalScroll):
    """The selected VNet in full. Scrolls when it does not fit (80x24)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Details"
        self.can_focus = False
        self._vnet: VirtualNetwork | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a virtual network", style=DIM_STYLE), id="details-summary")
        yield Static(Text("Peerings", style="bold"), id="peerings-title")
        yield ResourceTable((("Link", "link"),), id="peerings", show_header=False)
        yield Static("", id="peerings-empty")
        yield Static("", id="details-vms")

    @property
    def vnet(self) -> VirtualNetwork | None:
        return self._vnet

    @property
    def peerings(self) -> ResourceTable:
        return self.query_one("#peerings", ResourceTable)

    def show(
        self,
        vnet: VirtualNetwork | None,
        inventory: Inventory,
        overlaps: Collection[str] = (),
        *,
        read_only: bool = False,
        flash: bool = True,
    ) -> None:
        """Show `vnet` (None: nothing selected). Same VNet again updates rows in place,
        flashing the links that changed when `flash`."""
        same = flash and vnet is not None and self._vnet is not None and vnet.id == self._vnet.id
        self._vnet = vnet
        title = self.query_one("#peerings-title", Static)
        empty = self.query_one("#peerings-empty", Static)
        vms = self.query_one("#details-vms", Static)
        table = self.peerings
        if vnet is None:
            self.border_title = "Details"
            self.query_one("#details-summary", Static).update(
                Text("Select a virtual network", style=DIM_STYLE)
            )
            table.show_rows([], flash=False)
            for widget in (title, table, empty, vms):
                widget.display = False
            return
        self.border_title = vnet.name
        self.query_one("#details-summary", Static).update(summary(vnet, inventory, overlaps))
        title.display = True
        rows = peering_rows(vnet, inventory)
        table.show_rows(rows, flash=same)
        table.display = bool(rows)
        empty.display = not rows
        hint = "" if read_only else ": press p to peer"
        empty.update(Text(f"  none yet{hint}", style=WARN_STYLE if not read_only else DIM_STYLE))
        vms.display = True
        vms.update(vm_lines(vnet, inventory))

    @property
    def selected_peering(self) -> Peering | None:
        if self._vnet is None or not self.peerings.display:
            return None
        key = self.peerings.selected_key
        return next((p for p in self._vnet.peerings if p.id.casefold() == key), None)
