"""The topology as lines of text: hub boxes, spokes under them, the other links apart.

Pure, so the screen and `vnettui topology --format text` draw the same thing: the screen
maps each span's role to a colour and paints only the lines on screen; the command line
prints the text. Every line belongs to an item (a VNet, a "+37 spokes" row, a link
outside the tree), which is what the cursor moves between.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.topology.graph import Edge, Node, Topology
from tui.topology.layout import Tree, plan_tree
from tui.topology.marks import Health, health, link_mark, link_notes
from tui.topology.reach import ReachKind

NAME_MAX = 28
WIDE = 120  # from this width on, rows also say where each VNet lives
ELLIPSIS = "…"


class Role(enum.StrEnum):
    """What a span is, for the screen's colours."""

    PLAIN = ""
    TREE = "tree"
    NAME = "name"
    HUB = "hub"
    SPACE = "space"
    DIM = "dim"
    OK = "ok"
    SYNC = "sync"
    PENDING = "pending"
    BROKEN = "broken"
    SELF = "self"
    DIRECT = "direct"
    VIA_HUB = "via-hub"
    UNREACHABLE = "unreachable"


HEALTH_ROLE = {Health.OK: Role.OK, Health.SYNC: Role.SYNC, Health.PENDING: Role.PENDING,
               Health.BROKEN: Role.BROKEN}
REACH_MARK = {ReachKind.SELF: ("◆", Role.SELF), ReachKind.DIRECT: ("⇄", Role.DIRECT),
              ReachKind.VIA_HUB: ("⇝", Role.VIA_HUB),
              ReachKind.NONE: ("⊘", Role.UNREACHABLE)}
REACH_LEGEND = "◆ this VNet  ⇄ direct  ⇝ only through a hub  ⊘ not at all"


class ItemKind(enum.StrEnum):
    VNET = "vnet"  # a hub, a spoke, or a spoke's peer
    MORE = "more"  # "+37 spokes": the hidden children of `key`
    CROSS = "cross"  # a link between `parent` and `key` outside the tree


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    role: Role = Role.PLAIN


@dataclass(frozen=True, slots=True)
class Item:
    """Something the cursor can rest on: lines first_line .. first_line + height - 1."""

    kind: ItemKind
    key: str  # the VNet (MORE: whose children are hidden)
    parent: str | None  # the VNet at the other end of this row's link
    first_line: int
    height: int = 1
    hidden: int = 0  # MORE: how many VNets it stands for


@dataclass(frozen=True, slots=True)
class Line:
    spans: tuple[Span, ...]
    item: int | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Drawing:
    lines: tuple[Line, ...]
    items: tuple[Item, ...]
    width: int
    tree: Tree

    def text(self) -> str:
        return "\n".join(line.text.rstrip() for line in self.lines)

    def find(self, key: str, kind: ItemKind = ItemKind.VNET) -> int | None:
        """The index of the item showing VNet `key` (first one), or None."""
        return next((i for i, item in enumerate(self.items)
                     if item.key == key and item.kind is kind), None)


@dataclass
class _Builder:
    topology: Topology
    tree: Tree
    width: int
    reach: Mapping[str, ReachKind] | None
    expanded: frozenset[str]
    limit: int | None
    lines: list[Line] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    name_width: int = 8
    space_width: int = 13

    def node(self, key: str) -> Node:
        return self.topology.nodes[key]

    # -- cells
    def reach_cell(self, key: str | None) -> list[Span]:
        if self.reach is None:
            return []
        kind = self.reach.get(key) if key else None
        if kind is None:
            return [Span("  ")]
        mark, role = REACH_MARK[kind]
        return [Span(mark + " ", role)]

    def space_text(self, node: Node) -> str:
        prefixes = node.prefixes
        if not prefixes:
            return "?"
        if self.width >= WIDE:
            return ", ".join(prefixes)
        return prefixes[0] + (f" +{len(prefixes) - 1}" if len(prefixes) > 1 else "")

    def node_notes(self, node: Node) -> list[Span]:
        notes: list[Span] = []
        if not node.loaded:
            notes.append(Span("not loaded", Role.DIM))
        if node.overlaps:
            other, span = node.overlaps[0]
            more = f" +{len(node.overlaps) - 1}" if len(node.overlaps) > 1 else ""
            notes.append(Span(f"⚠ overlaps {other} ({span}){more}", Role.BROKEN))
        return notes

    def where(self, node: Node) -> list[Span]:
        if self.width < WIDE:
            return []
        place = f"{node.subscription}/{node.resource_group}"
        if node.vnet is not None:
            place += f" · {node.vnet.location}"
        return [Span(place, Role.DIM)]

    def add(self, spans: Iterable[Span], item: int | None) -> None:
        self.lines.append(Line(_fit(list(spans), self.width), item))

    # -- rows
    def root(self, key: str) -> None:
        node = self.node(key)
        kids = self.tree.children.get(key, ())
        content = f" {_cut(node.name, NAME_MAX)}  {self.space_text(node)}"
        if node.has_gateway:
            content += "  gateway"
        content += " "
        role = Role.HUB if key in self.tree.hubs else Role.NAME
        index = len(self.items)
        self.items.append(Item(ItemKind.VNET, key, None, len(self.lines), 3))
        blank = [Span("  ")] if self.reach is not None else []
        self.add([*blank, Span("┌" + "─" * len(content) + "┐", Role.TREE)], index)
        what = (f"hub · {len(kids)} spokes" if key in self.tree.hubs else
                f"{len(kids)} peer{'s' if len(kids) != 1 else ''}" if kids else "no peerings")
        notes = [Span(what, Role.DIM), *self.where(node), *self.node_notes(node)]
        self.add([*self.reach_cell(key), Span("│", Role.TREE), Span(content, role),
                  Span("│", Role.TREE), *_joined(notes, lead="  ")], index)
        bottom = ("└┬" + "─" * (len(content) - 1) + "┘") if kids else "└" + "─" * len(content) + "┘"
        self.add([*blank, Span(bottom, Role.TREE)], index)
        self.children(key, "")

    def children(self, key: str, indent: str) -> None:
        kids = self.tree.children.get(key, ())
        shown, hidden = self.visible(key, kids)
        for n, kid in enumerate(shown):
            last = n == len(shown) - 1 and not hidden
            self.child(key, kid, indent, last)
            self.children(kid, indent + ("   " if last else "│  "))
        if hidden:
            count = len(hidden) + sum(self.descendants(k) for k in hidden)
            word = "spoke" if key in self.tree.hubs else "VNet"
            behind = count - len(hidden)
            text = f"+{len(hidden)} {word}{'s' if len(hidden) != 1 else ''}"
            if behind:
                text += f" and {behind} behind them"
            index = len(self.items)
            self.items.append(Item(ItemKind.MORE, key, None, len(self.lines), 1, count))
            self.add([*self.reach_cell(None), Span(" " + indent + "└─ ", Role.TREE),
                      Span(text, Role.NAME), Span("  (→ or enter shows them)", Role.DIM)],
                     index)

    def descendants(self, key: str) -> int:
        kids = self.tree.children.get(key, ())
        return len(kids) + sum(self.descendants(k) for k in kids)

    def visible(self, key: str, kids: Sequence[str]) -> tuple[list[str], list[str]]:
        """Which children show: all, or when there are too many, the first `limit` and
        every one whose link has a problem (never hidden)."""
        if self.limit is None or key in self.expanded or len(kids) <= self.limit + 1:
            return list(kids), []
        shown: list[str] = []
        hidden: list[str] = []
        for kid in kids:
            edge = self.topology.edge(key, kid)
            bad = edge is not None and health(edge) is not Health.OK
            (shown if bad or len(shown) < self.limit else hidden).append(kid)
        return shown, hidden

    def child(self, parent: str, key: str, indent: str, last: bool) -> None:
        edge = self.topology.edge(parent, key)
        assert edge is not None
        index = len(self.items)
        self.items.append(Item(ItemKind.VNET, key, parent, len(self.lines)))
        branch = " " + indent + ("└─" if last else "├─")
        self.add([*self.reach_cell(key), Span(branch, Role.TREE), *self.link(edge, parent),
                  Span("─ ", Role.TREE), *self.name_cells(key),
                  *_joined(self.row_notes(edge, parent, key), lead="  ")], index)

    def cross(self, edge: Edge) -> None:
        index = len(self.items)
        self.items.append(Item(ItemKind.CROSS, edge.b, edge.a, len(self.lines)))
        a = self.node(edge.a)
        self.add([*self.reach_cell(edge.b), Span(" "), Span(_cut(a.name, NAME_MAX), Role.NAME),
                  Span(" "), *self.link(edge, edge.a), Span(" "), *self.name_cells(edge.b),
                  *_joined(self.row_notes(edge, edge.a, edge.b), lead="  ")], index)

    def link(self, edge: Edge, near: str) -> list[Span]:
        return [Span(link_mark(edge, near), HEALTH_ROLE[health(edge)])]

    def name_cells(self, key: str) -> list[Span]:
        node = self.node(key)
        role = Role.HUB if key in self.tree.hubs else Role.NAME if node.loaded else Role.DIM
        name = _cut(node.name, self.name_width).ljust(self.name_width)
        space = _cut(self.space_text(node), self.space_width).ljust(self.space_width)
        return [Span(name, role), Span("  "), Span(space, Role.SPACE)]

    def row_notes(self, edge: Edge, near: str, far: str) -> list[Span]:
        node = self.node(far)
        spans = [Span(text, HEALTH_ROLE[h] if h is not Health.OK else Role.DIM)
                 for text, h in link_notes(edge, self.node(near), node)]
        return [*self.where(node), *self.node_notes(node), *spans]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def _joined(spans: Sequence[Span], lead: str) -> list[Span]:
    out: list[Span] = []
    for n, span in enumerate(spans):
        out.append(Span(lead if n == 0 else " · ", Role.DIM))
        out.append(span)
    return out


def _fit(spans: list[Span], width: int) -> tuple[Span, ...]:
    """Cut a line to `width` cells, ending in "…" where it was cut."""
    out: list[Span] = []
    used = 0
    for span in spans:
        room = width - used
        if len(span.text) <= room:
            out.append(span)
            used += len(span.text)
            continue
        if room > 0:
            out.append(Span(span.text[: room - 1] + ELLIPSIS, span.role))
        break
    return tuple(out)


def draw(topology: Topology, *, width: int = 80, reach: Mapping[str, ReachKind] | None = None,
         expanded: Iterable[str] = (), limit: int | None = None,
         tree: Tree | None = None) -> Drawing:
    """The drawing of `topology` at `width` columns.

    `reach` adds a column marking what the VNet under the cursor reaches; `limit` shows at
    most that many healthy children per VNet (the rest become one "+N spokes" row) unless
    the VNet is in `expanded`; None shows everything (the export).
    """
    tree = tree or plan_tree(topology)
    builder = _Builder(topology, tree, max(20, width), reach, frozenset(expanded), limit)
    names = [len(n.name) for k, n in topology.nodes.items() if k not in tree.roots]
    builder.name_width = min(NAME_MAX, max([8, *names]))
    spaces = [len(builder.space_text(n)) for n in topology.nodes.values()]
    builder.space_width = min(40 if width >= WIDE else 18, max([9, *spaces]))
    for n, root in enumerate(tree.roots):
        if n:
            builder.add([], None)
        builder.root(root)
    if tree.cross:
        builder.add([], None)
        builder.add([Span("  " if reach is not None else ""), Span(" other links", Role.DIM)],
                    None)
        for edge in tree.cross:
            builder.cross(edge)
    return Drawing(tuple(builder.lines), tuple(builder.items), builder.width, tree)
