"""The topology screen's info lines for the item under the cursor: the VNet, its link
to the VNet above it (both sides), and what the cursor's VNet reaches (or, pinned, why
this one is or is not reached)."""

from __future__ import annotations

from rich.text import Text

from tui.topology import (
    HEALTH_ROLE,
    REACH_LEGEND,
    REACH_MARK,
    Edge,
    Reach,
    ReachKind,
    Topology,
    health,
    link_mark,
)
from widgets.style import BAD_STYLE, DIM_STYLE, plain, state_text, sync_text
from widgets.topology_view import ROLE_STYLE


def vnet_line(topology: Topology, key: str) -> Text:
    node = topology.nodes[key]
    text = plain(node.name, "bold")
    text.append(f"  {', '.join(node.prefixes) or '?'}  {node.subscription}/"
                f"{node.resource_group}")
    if node.has_gateway:
        text.append("  gateway")
    if not node.loaded:
        text.append("  not loaded", style=DIM_STYLE)
    for other, span in node.overlaps:
        text.append(f"  ⚠ overlaps {other} ({span})", style=BAD_STYLE)
    return text


def link_line(topology: Topology, edge: Edge, near: str) -> Text:
    text = Text(link_mark(edge, near) + " ", style=ROLE_STYLE[HEALTH_ROLE[health(edge)]])
    for n, key in enumerate((near, edge.other(near))):
        link = edge.link_on(key)
        owner = topology.nodes[key].name
        if n:
            text.append(" · ", style=DIM_STYLE)
        if link is None:
            text.append(f"no link on {owner}", style=BAD_STYLE)
            continue
        text.append(f"{link.name} on {owner} ")
        text.append_text(state_text(link))
        if link.needs_sync:
            text.append(" ")
            text.append_text(sync_text(link))
    return text


def reach_line_text(topology: Topology, key: str, source: str | None,
                    reach: dict[str, Reach], *, pinned: bool) -> Text:
    if source is None:
        return Text(REACH_LEGEND, style=DIM_STYLE)
    if pinned and key != source and key in reach:
        found = reach[key]
        mark, role = REACH_MARK[found.kind]
        text = Text()
        text.append(f"{mark} from {topology.nodes[source].name}: ", style=ROLE_STYLE[role])
        text.append(found.reason)
        return text  # wraps: the reason is the point
    counts = {kind: sum(r.kind is kind for r in reach.values()) for kind in ReachKind}
    text = Text()
    text.append(f"{topology.nodes[source].name} reaches ", style="bold")
    for kind, words in ((ReachKind.DIRECT, "directly"),
                        (ReachKind.VIA_HUB, "via a hub"),
                        (ReachKind.NONE, "not at all")):
        mark, role = REACH_MARK[kind]
        text.append(f"{mark} {counts[kind]} {words}  ", style=ROLE_STYLE[role])
    text.append("m unpins" if pinned else "m pins", style=DIM_STYLE)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text
