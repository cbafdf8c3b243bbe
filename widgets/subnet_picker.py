"""The subnets of both sides of a subnet peering, ticked in two lists, and "IPv6 only".

Used by the peering form ("peer only these subnets") and shown only while that is on. It
posts `SelectionList.SelectedChanged` and `Checkbox.Changed` up like any of its parts.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, SelectionList
from textual.widgets.selection_list import Selection

from tui.model import SubnetSelection, VirtualNetwork
from widgets.tick_box import TickBox


class SubnetPicker(Vertical):
    DEFAULT_CSS = """
    SubnetPicker { height: auto; display: none; }
    SubnetPicker.-on { display: block; }
    SubnetPicker #subnet-row { height: auto; }
    SubnetPicker SelectionList {
        width: 1fr; height: auto; max-height: 6; border: none; margin: 0 2 0 0;
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="subnet-row"):
            yield SelectionList[str](id="local-subnets")
            yield SelectionList[str](id="remote-subnets")
        yield TickBox(Content("IPv6 only (dual-stack subnets)"), id="ipv6-only")

    def fill(self, side: str, vnet: VirtualNetwork, ticked: tuple[str, ...] = ()) -> None:
        """List `vnet`'s subnets on `side` ("local" or "remote"), `ticked` ones ticked."""
        chosen = {n.lower() for n in ticked}
        box = self.query_one(f"#{side}-subnets", SelectionList)
        box.clear_options()
        box.add_options([
            Selection(Text(f"{s.name}  {', '.join(s.address_prefixes)}"), s.name,
                      s.name.lower() in chosen)
            for s in vnet.subnets])
        box.border_title = f"subnets of {vnet.name}"

    def set_ipv6_only(self, value: bool) -> None:
        box = self.query_one("#ipv6-only", Checkbox)
        with box.prevent(Checkbox.Changed):
            box.value = value

    def selection(self, with_remote: bool) -> SubnetSelection:
        local = tuple(self.query_one("#local-subnets", SelectionList).selected)
        remote = (tuple(self.query_one("#remote-subnets", SelectionList).selected)
                  if with_remote else ())
        return SubnetSelection(local, remote,
                               bool(self.query_one("#ipv6-only", Checkbox).value))
