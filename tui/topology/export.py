"""The topology as Mermaid (renders on GitHub) and Graphviz dot: the same graph the screen
draws, hubs first, each link with its state and notes."""

from __future__ import annotations

from collections.abc import Iterator

from tui.topology.graph import Edge, Node, Topology
from tui.topology.layout import Tree, plan_tree
from tui.topology.marks import Health, health, link_notes

_COLOUR = {Health.OK: "#2e7d32", Health.SYNC: "#f9a825", Health.PENDING: "#f9a825",
           Health.BROKEN: "#c62828"}


def _edges(topology: Topology, tree: Tree) -> Iterator[tuple[Node, Node, Edge]]:
    """Every link once, from parent to child in drawing order, then the other links."""
    def walk(key: str) -> Iterator[tuple[Node, Node, Edge]]:
        for kid in tree.children.get(key, ()):
            edge = topology.edge(key, kid)
            assert edge is not None
            yield topology.nodes[key], topology.nodes[kid], edge
            yield from walk(kid)
    for root in tree.roots:
        yield from walk(root)
    for edge in tree.cross:
        yield topology.nodes[edge.a], topology.nodes[edge.b], edge


def _order(tree: Tree) -> list[str]:
    found: list[str] = []

    def walk(key: str) -> None:
        found.append(key)
        for kid in tree.children.get(key, ()):
            walk(kid)
    for root in tree.roots:
        walk(root)
    return found


def _label(edge: Edge, near: Node, far: Node) -> str:
    notes = [text for text, _ in link_notes(edge, near, far)]
    return " · ".join(notes) if notes else "Connected"


def _node_text(node: Node, tree: Tree, newline: str) -> str:
    lines = [node.name, ", ".join(node.prefixes) or "?"]
    if node.has_gateway:
        lines.append("gateway")
    if node.key in tree.hubs:
        lines.append(f"hub · {len(tree.children.get(node.key, ()))} spokes")
    if node.overlaps:
        lines.append("⚠ overlaps " + ", ".join(sorted({o for o, _ in node.overlaps})))
    if not node.loaded:
        lines.append("not loaded")
    return newline.join(lines)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(topology: Topology, tree: Tree | None = None) -> str:
    """A `flowchart LR`: `<==>` Connected both ways, `-.->` one side waiting (from the side
    that has the link), `-.-x` broken; links coloured by health, hubs bold, overlapping
    VNets dashed red, VNets not loaded grey."""
    tree = tree or plan_tree(topology)
    ids = {key: f"n{i}" for i, key in enumerate(_order(tree))}
    out = ["flowchart LR"]
    for key, nid in ids.items():
        node = topology.nodes[key]
        text = "<br/>".join(_mermaid_text(part) for part in
                            _node_text(node, tree, "\n").split("\n"))
        classes = [c for c, on in (("hub", key in tree.hubs), ("overlap", bool(node.overlaps)),
                                   ("unloaded", not node.loaded)) if on]
        out.append(f'  {nid}["{text}"]' + (f":::{classes[0]}" if classes else ""))
    styles = []
    for n, (near, far, edge) in enumerate(_edges(topology, tree)):
        state = health(edge)
        a, b = ids[near.key], ids[far.key]
        if state in (Health.OK, Health.SYNC):
            arrow = "<==>"
        elif state is Health.PENDING:
            arrow = "-.->"
            if edge.link_on(near.key) is None:
                a, b = b, a
        else:
            arrow = "-.-x"
            if edge.link_on(near.key) is None:
                a, b = b, a
        out.append(f'  {a} {arrow}|"{_mermaid_text(_label(edge, near, far))}"| {b}')
        if state is not Health.OK:
            styles.append(f"  linkStyle {n} stroke:{_COLOUR[state]},color:{_COLOUR[state]}")
    out += styles
    out += ["  classDef hub stroke-width:3px,font-weight:bold",
            "  classDef overlap stroke:#c62828,stroke-dasharray:4",
            "  classDef unloaded fill:#eeeeee,stroke-dasharray:2,color:#666666"]
    return "\n".join(out)


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(topology: Topology, tree: Tree | None = None) -> str:
    """An undirected Graphviz graph: links solid when Connected both ways, dashed when not,
    coloured by health; arrowheads mark a one-sided link's direction."""
    tree = tree or plan_tree(topology)
    ids = {key: f"n{i}" for i, key in enumerate(_order(tree))}
    out = ["graph topology {", "  rankdir=LR;",
           '  node [shape=box, style=rounded, fontname="monospace"];',
           '  edge [fontname="monospace", fontsize=10];']
    for key, nid in ids.items():
        node = topology.nodes[key]
        label = _dot_text(_node_text(node, tree, "\n")).replace("\n", "\\n")
        attrs = [f'label="{label}"']
        if key in tree.hubs:
            attrs.append("penwidth=3")
        if node.overlaps:
            attrs.append(f'color="{_COLOUR[Health.BROKEN]}"')
        if not node.loaded:
            attrs += ['style="rounded,dashed"', 'fontcolor="#666666"']
        out.append(f"  {nid} [{', '.join(attrs)}];")
    for near, far, edge in _edges(topology, tree):
        state = health(edge)
        attrs = [f'label="{_dot_text(_label(edge, near, far))}"',
                 f'color="{_COLOUR[state]}"',
                 "style=bold" if state in (Health.OK, Health.SYNC) else "style=dashed"]
        if state not in (Health.OK, Health.SYNC):
            to_far = edge.link_on(near.key) is not None
            attrs += ["dir=forward" if to_far else "dir=back"]
        out.append(f"  {ids[near.key]} -- {ids[far.key]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out)
