"""The topology screen: the selected VNet's whole peering component, hubs with their
spokes, every link marked by state, and what the VNet under the cursor can reach.

Usage (the explorer): ``push_screen(TopologyScreen(build_topology(inventory, vnet.id)),
callback)``; after each poll ``screen.update_from(new_inventory)`` (or ``update(topology)``:
links change in place, the cursor stays, changed links flash). The callback gets a
`TopologyResult` (enter: select that VNet; p/d/s: act on the link under the cursor with
the usual forms) or None (esc). It is a `widgets.live.LiveModal`: polling goes on behind
it, and `watched_vnets` names the VNets whose rows are on screen.

Keys: arrows/hjkl move (← to the parent, → into the children or "+N spokes"), space
expands or collapses a big hub, m pins the reach to the VNet under the cursor (then moving
shows why each other VNet is or is not reachable from it), enter, p, d, s, esc.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from tui.model import Inventory, ResourceId
from tui.topology import (
    REACH_LEGEND,
    Edge,
    Health,
    Item,
    ItemKind,
    Reach,
    Topology,
    build_topology,
    draw,
    health,
    plan_tree,
    reach_map,
)
from widgets.footer import Footer
from widgets.style import BAD_STYLE, DIM_STYLE, WARN_STYLE
from widgets.topology_info import link_line, reach_line_text, vnet_line
from widgets.topology_view import TopologyView

FLASH_SECONDS = 3.0


class TopologyAction(enum.StrEnum):
    SELECT = "select"  # enter: select the VNet in the explorer
    PEER = "peer"  # p: the peering form, local_vnet_key -> remote_vnet_key (or any remote)
    DELETE = "delete"  # d: delete the link peering_id (and its reverse, as the explorer asks)
    SYNC = "sync"  # s: sync the link peering_id


@dataclass(frozen=True)
class TopologyResult:
    """What the screen was dismissed with. Keys are VNet ids, case-folded."""

    action: TopologyAction
    vnet_key: str  # the VNet under the cursor
    local_vnet_key: str | None = None  # link actions: the link's two VNets, the hub side first
    remote_vnet_key: str | None = None
    peering_id: ResourceId | None = None  # DELETE and SYNC: the link to act on


class TopologyScreen(Screen[TopologyResult | None]):
    """The peering component of one VNet, drawn and navigable."""

    LIVE = True  # a `widgets.live.LiveModal`: the explorer keeps polling behind it

    DEFAULT_CSS = """
    TopologyScreen { layout: vertical; }
    TopologyScreen #topology-title { height: 1; padding: 0 1; background: $panel; }
    TopologyScreen #topology-info {
        height: auto; max-height: 3; padding: 0 1; border-top: solid $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    TopologyScreen #topology-reach { height: auto; max-height: 3; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="vnettui.topology.close"),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("left,h", "parent", "Hub", show=False),
        Binding("right,l", "child", "Spokes", show=False),
        Binding("home,g", "edge(0)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("enter", "choose", "Select", id="vnettui.topology.select"),
        Binding("space", "expand", "Expand", show=False, id="vnettui.topology.expand"),
        Binding("m", "pin", "Pin reach", id="vnettui.topology.pin"),
        Binding("p", "peer", "Peer", id="vnettui.topology.peer"),
        Binding("d", "delete", "Delete", id="vnettui.topology.delete"),
        Binding("s", "sync", "Sync", id="vnettui.topology.sync"),
    ]

    def __init__(self, topology: Topology, *, cursor: str | None = None) -> None:
        """`cursor`: the VNet key to start on (default: the topology's root)."""
        super().__init__()
        self.topology = topology
        self.plan = plan_tree(topology)
        self.expanded: set[str] = set()
        self.pinned: str | None = None
        self._start = cursor or topology.root
        self._reach: dict[str, dict[str, Reach]] = {}
        self._drawn_for: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="topology-title")
        yield TopologyView(id="topology-view")
        yield Static("", id="topology-info")
        yield Static("", id="topology-reach")
        yield Footer()

    @property
    def view(self) -> TopologyView:
        return self.query_one(TopologyView)

    def on_mount(self) -> None:
        self.view.focus()
        self._title()
        self.call_after_refresh(self.redraw)

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)

    # --- the picture -------------------------------------------------------------------

    def redraw(self, *, force: bool = False, keep: Item | None = None) -> None:
        view = self.view
        size = (view.scrollable_content_region.width, view.scrollable_content_region.height)
        if size[0] <= 0 or (size == self._drawn_for and not force):
            return
        self._drawn_for = size
        keep = keep or view.item
        drawing = draw(self.topology, width=size[0], reach={}, expanded=self.expanded,
                       limit=max(4, size[1] - 6), tree=self.plan)
        view.show(drawing, _same_item(drawing.items, keep, self._start))
        self._start = ""

    def update(self, topology: Topology) -> None:
        """A newer picture of the same component (after a poll): links change in place,
        the cursor stays on its VNet, and links whose state changed flash."""
        changed = {pair for pair, edge in topology.edges.items()
                   if _look(self.topology.edges.get(pair)) != _look(edge)}
        self.topology = topology
        self.plan = plan_tree(topology)
        self._reach.clear()
        self._title()
        self.redraw(force=True)
        if changed:
            self.view.flash(changed)
            self.set_timer(FLASH_SECONDS, lambda: self.view.flash(()))

    def update_from(self, inventory: Inventory) -> None:
        """`update` with the same VNet's component in a newer inventory."""
        self.update(build_topology(inventory, self.topology.root or None))

    def visible_vnet_ids(self) -> list[ResourceId]:
        """The loaded VNets of the component (all of them, on screen or not)."""
        return [node.id for node in self.topology.nodes.values() if node.loaded]

    @property
    def watched_vnets(self) -> tuple[str, ...]:
        """The loaded VNets whose rows are on screen now (keys): what the explorer's poll
        re-reads while this screen is up (`widgets.live.LiveModal`)."""
        view = self.view if self.is_mounted else None
        drawing = view.drawing if view is not None else None
        if view is None or drawing is None:
            return (self.topology.root,) if self.topology.root else ()
        top = int(view.scroll_offset.y)
        lines = drawing.lines[top: top + max(1, view.scrollable_content_region.height)]
        keys = {drawing.items[line.item].key for line in lines if line.item is not None}
        keys |= {drawing.items[line.item].parent or "" for line in lines
                 if line.item is not None}
        return tuple(sorted(k for k in keys if k and self.topology.nodes.get(k) is not None
                            and self.topology.nodes[k].loaded))

    def _title(self) -> None:
        topology = self.topology
        root = topology.nodes.get(topology.root)
        states = [health(e) for e in topology.edges.values()]
        text = Text(f"Topology of {root.name if root else 'every peered VNet'}", style="bold")
        text.append(f" · {len(topology.nodes)} VNets · {len(topology.edges)} links")
        for state, word, style in ((Health.BROKEN, "broken", BAD_STYLE),
                                   (Health.PENDING, "waiting", WARN_STYLE),
                                   (Health.SYNC, "need sync", WARN_STYLE)):
            if count := states.count(state):
                text.append(f" · {count} {word}", style=style)
        self.query_one("#topology-title", Static).update(text)

    # --- reach and the info line ---------------------------------------------------------

    def reach_of(self, key: str) -> dict[str, Reach]:
        if key not in self._reach:
            self._reach[key] = reach_map(self.topology, key)
        return self._reach[key]

    @on(TopologyView.CursorMoved)
    def _moved(self, event: TopologyView.CursorMoved) -> None:
        item = event.item
        source = self.pinned or (item.key if item and item.kind is not ItemKind.MORE else None)
        reach = self.reach_of(source) if source else {}
        self.view.set_reach({k: r.kind for k, r in reach.items()})
        self._info(item, source, reach)

    def _info(self, item: Item | None, source: str | None, reach: dict[str, Reach]) -> None:
        info = self.query_one("#topology-info", Static)
        reach_line = self.query_one("#topology-reach", Static)
        if item is None or item.kind is ItemKind.MORE:
            info.update(Text(f"{item.hidden} VNets hidden under "
                             f"{self.topology.nodes[item.key].name}: enter, → or space shows "
                             "them." if item else "No VNets.", style=DIM_STYLE))
            reach_line.update(Text(REACH_LEGEND, style=DIM_STYLE))
            return
        lines = [vnet_line(self.topology, item.key)]
        edge = self.topology.edge(item.key, item.parent) if item.parent else None
        if edge is not None and item.parent is not None:
            lines.append(link_line(self.topology, edge, item.parent))
        info.update(Text("\n").join(lines))
        reach_line.update(reach_line_text(self.topology, item.key, source, reach,
                                           pinned=self.pinned is not None))

    # --- keys ----------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_move(self, step: int) -> None:
        self.view.move_to(self.view.cursor + step, announce=False)

    def action_edge(self, last: int) -> None:
        items = self.view.drawing.items if self.view.drawing else ()
        self.view.move_to(len(items) - 1 if last else 0, announce=False)

    def action_page(self, step: int) -> None:
        view, item = self.view, self.view.item
        if view.drawing is None or item is None:
            return
        target = item.first_line + step * max(1, view.scrollable_content_region.height - 1)
        lines = view.drawing.lines
        target = max(0, min(target, len(lines) - 1))
        index = next((line.item for line in (lines[target:] if step > 0 else
                                             reversed(lines[: target + 1]))
                      if line.item is not None), view.cursor)
        view.move_to(index, announce=False)

    def action_parent(self) -> None:
        item, drawing = self.view.item, self.view.drawing
        if item is None or drawing is None:
            return
        target = item.key if item.kind is ItemKind.MORE else item.parent
        found = drawing.find(target) if target else None
        if found is not None:
            self.view.move_to(found, announce=False)

    def action_child(self) -> None:
        item, drawing = self.view.item, self.view.drawing
        if item is None or drawing is None:
            return
        if item.kind is ItemKind.MORE:
            self._expand(item.key, keep=item)
            return
        following = self.view.cursor + 1
        if following < len(drawing.items) and drawing.items[following].parent == item.key:
            self.view.move_to(following, announce=False)

    def action_expand(self) -> None:
        item = self.view.item
        if item is None:
            return
        if item.kind is ItemKind.MORE:
            self._expand(item.key, keep=item)
        elif item.key in self.expanded:
            self.expanded.discard(item.key)
            self.redraw(force=True)
        elif self._has_hidden(item.key):
            self._expand(item.key, keep=item)
        elif item.parent in self.expanded:
            self.expanded.discard(item.parent)
            self.redraw(force=True, keep=Item(ItemKind.VNET, item.parent, None, 0))

    def _has_hidden(self, key: str) -> bool:
        drawing = self.view.drawing
        return drawing is not None and drawing.find(key, ItemKind.MORE) is not None

    def _expand(self, key: str, keep: Item) -> None:
        self.expanded.add(key)
        index = self.view.cursor
        self.redraw(force=True, keep=keep)
        if keep.kind is ItemKind.MORE:  # the first of the spokes it hid
            self.view.move_to(index, announce=True)

    def action_pin(self) -> None:
        item = self.view.item
        key = item.key if item and item.kind is not ItemKind.MORE else None
        self.pinned = None if self.pinned == key else key
        self.view.post_message(TopologyView.CursorMoved(item))

    def action_choose(self) -> None:
        item = self.view.item
        if item is None:
            return
        if item.kind is ItemKind.MORE:
            self._expand(item.key, keep=item)
            return
        self.dismiss(TopologyResult(TopologyAction.SELECT, item.key))

    def action_peer(self) -> None:
        item = self.view.item
        if item is None or item.kind is ItemKind.MORE:
            self.notify("Put the cursor on a VNet or a link to peer.", markup=False)
            return
        local = item.parent or item.key
        remote = item.key if item.parent else None
        self.dismiss(TopologyResult(TopologyAction.PEER, item.key, local, remote))

    def _link_under_cursor(self, verb: str) -> tuple[Item, Edge] | None:
        item = self.view.item
        edge = (self.topology.edge(item.key, item.parent)
                if item is not None and item.parent else None)
        if item is None or edge is None:
            self.notify(f"Put the cursor on a link (a spoke's row) to {verb} it.",
                        markup=False)
            return None
        return item, edge

    def action_delete(self) -> None:
        found = self._link_under_cursor("delete")
        if found is None:
            return
        item, edge = found
        assert item.parent is not None
        link = edge.link_on(item.parent) or edge.link_on(item.key)
        assert link is not None
        self.dismiss(TopologyResult(TopologyAction.DELETE, item.key, item.parent, item.key,
                                    link.id))

    def action_sync(self) -> None:
        found = self._link_under_cursor("sync")
        if found is None:
            return
        item, edge = found
        assert item.parent is not None
        if health(edge) is not Health.SYNC:
            self.notify("This link is not waiting for a sync.", markup=False)
            return
        sides = [edge.link_on(item.parent), edge.link_on(item.key)]
        link = next((p for p in sides if p is not None and p.needs_sync), None)
        assert link is not None
        self.dismiss(TopologyResult(TopologyAction.SYNC, item.key, item.parent, item.key,
                                    link.id))


def _look(edge: Edge | None) -> tuple[object, ...] | None:
    """What a person sees of a link: each side's state, sync and write in progress."""
    if edge is None:
        return None
    return tuple((p.state, p.sync_level, p.provisioning_state, p.flags) for p in edge.links())


def _same_item(items: tuple[Item, ...], keep: Item | None, start: str) -> int:
    """Where the cursor goes after a redraw: the same item, else the same VNet, else the
    start VNet, else the first."""
    if keep is not None:
        same = next((n for n, i in enumerate(items)
                     if (i.kind, i.key, i.parent) == (keep.kind, keep.key, keep.parent)), None)
        if same is None:
            same = next((n for n, i in enumerate(items)
                         if i.key == keep.key and i.kind is not ItemKind.MORE), None)
        if same is not None:
            return same
    return next((n for n, i in enumerate(items) if i.key == start), 0)
