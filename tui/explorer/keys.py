"""The explorer's keys: one table that makes the bindings, the palette entries and `?` help."""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding


class Key(NamedTuple):
    """One explorer key: its binding, footer word, help line and group."""

    keys: str
    action: str
    short: str  # the footer's word
    id: str  # for the config file's [keymap]
    group: str
    footer: bool
    long: str  # the palette's and help's sentence


KEYS: tuple[Key, ...] = (
    Key("p", "peer", "peer", "vnettui.peer", "Peerings", True,
        "New peering from the selected VNet (both directions)"),
    Key("d", "delete_peering", "delete", "vnettui.delete", "Peerings", True,
        "Delete the selected peering"),
    Key("s", "sync", "sync", "vnettui.sync", "Peerings", True,
        "Sync the selected peering's address space"),
    Key("P", "peer_subnets", "peer by subnets", "vnettui.peer_subnets", "Peerings", False,
        "Peer the selected VNet by subnets with one it overlaps (the form pre-filled)"),
    Key("e", "edit_peering", "edit", "vnettui.edit", "Peerings", False,
        "Edit the selected peering's settings"),
    Key("c", "check", "check", "vnettui.check", "Analysis", True,
        "Connectivity check from the selected VM"),
    Key("t", "topology", "topology", "vnettui.topology", "Analysis", False,
        "Topology: the selected VNet's whole peering network, live"),
    Key("A", "address_space", "address space", "vnettui.address_space", "Peerings", False,
        "Address space of the selected VNet: add or remove a prefix, then sync its links"),
    Key("S", "sync_all", "sync all", "vnettui.sync_all", "Peerings", False,
        "Sync every link in view that is not in sync (a preview first)"),
    Key("H", "connect_spokes", "connect spokes", "vnettui.connect_spokes", "Peerings", False,
        "Connect spokes to the selected hub, in one form"),
    Key("M", "mesh", "mesh", "vnettui.mesh", "Peerings", False,
        "Mesh: peer a set of VNets with each other, in one form"),
    Key("D", "disconnect_spokes", "disconnect spokes", "vnettui.disconnect_spokes",
        "Peerings", False, "Disconnect spokes from the selected hub (both sides)"),
    Key("x", "conflicts", "conflicts", "vnettui.conflicts", "Analysis", True,
        "Show overlapping address spaces"),
    Key("slash", "filter", "filter", "vnettui.filter", "Navigation", True,
        "Filter the focused pane (name, prefix or IP)"),
    Key("colon", "command", "command", "vnettui.command", "Navigation", False,
        "Command mode: :vnets, :sub NAME, :check vm1 vm2 80, :peer VNET, :q"),
    Key("escape,backspace", "go_back", "back", "vnettui.back", "Navigation", False,
        "Clear the filter, back to the VNet you came from, or back a pane"),
    Key("1", "focus_pane('subs')", "subscriptions", "vnettui.focus_subscriptions",
        "Navigation", False, "Go to the subscriptions pane"),
    Key("2", "focus_pane('vnets')", "VNets", "vnettui.focus_vnets", "Navigation", False,
        "Go to the VNets pane"),
    Key("3", "focus_pane('peerings')", "peerings", "vnettui.focus_peerings", "Navigation",
        False, "Go to the peerings of the selected VNet"),
    Key("4", "focus_pane('vms')", "VMs", "vnettui.focus_vms", "Navigation", False,
        "Go to the VMs pane"),
    Key("i", "describe", "describe", "vnettui.describe", "General", False,
        "Describe the selection: its ARM JSON (y copies the id, c the JSON)"),
    Key("y", "copy_id", "copy id", "vnettui.copy", "General", False,
        "Copy the selected resource id (OSC 52)"),
    Key("a", "activity", "activity", "vnettui.activity", "General", False,
        "Show every write vnettui sent or refused (the audit log)"),
    Key("r", "refresh", "refresh", "vnettui.refresh", "General", False,
        "Re-read everything now"),
    Key("question_mark,f1", "help", "help", "vnettui.help", "General", True,
        "Show every key"),
    Key("q", "app.quit", "quit", "vnettui.quit", "General", True, "Quit"),
)

# Keys of the panes themselves (ResourceTable), listed in help; bound there.
TABLE_KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓ / j k", "Move in a pane"),
    ("home end / g G", "First / last row"),
    ("pgup pgdn", "A page up / down"),
    ("enter", "Drill in (a VNet: its peerings; a peering: go to the remote VNet)"),
    ("o / O", "Sort by the next column / reverse the sort"),
    ("tab / shift+tab", "Next / previous pane"),
)

# Actions that write: dimmed, and refused with a notification, while writes are off.
WRITE_ACTIONS = frozenset({"peer", "peer_subnets", "delete_peering", "sync", "edit_peering",
                           "connect_spokes", "disconnect_spokes", "mesh", "address_space",
                           "sync_all"})


def bindings() -> list[Binding]:
    return [
        Binding(k.keys, k.action, k.short, show=k.footer, id=k.id, tooltip=k.long)
        for k in KEYS
    ]
