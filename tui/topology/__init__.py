"""The topology: every VNet reachable over peering links from one, drawn as hubs with their
spokes, each link marked by state, and what the VNet under the cursor can reach.

Pure (the model, `tui.reach`, `tui.cidr` through the peering preflight's cached index):
the screen (`widgets/topology_screen.py`) and `vnettui topology` share all of it.

    topology = build_topology(inventory, vnet_id)   # the component of vnet_id
    drawing = draw(topology, width=80, reach=..., expanded=..., limit=8)
    drawing.lines / drawing.items / drawing.text()
    reach_map(topology, key)                         # {vnet key: Reach}
    to_mermaid(topology) / to_dot(topology)
"""

from tui.topology.draw import (
    HEALTH_ROLE,
    REACH_LEGEND,
    REACH_MARK,
    Drawing,
    Item,
    ItemKind,
    Line,
    Role,
    Span,
    draw,
)
from tui.topology.export import to_dot, to_mermaid
from tui.topology.graph import Edge, Node, Topology, build_topology, key_of, pair_key
from tui.topology.layout import HUB_DEGREE, Tree, plan_tree
from tui.topology.marks import Health, health, link_mark, link_notes
from tui.topology.reach import Reach, ReachKind, reach_from, reach_map

__all__ = [
    "HEALTH_ROLE",
    "HUB_DEGREE",
    "REACH_LEGEND",
    "REACH_MARK",
    "Drawing",
    "Edge",
    "Health",
    "Item",
    "ItemKind",
    "Line",
    "Node",
    "Reach",
    "ReachKind",
    "Role",
    "Span",
    "Topology",
    "Tree",
    "build_topology",
    "draw",
    "health",
    "key_of",
    "link_mark",
    "link_notes",
    "pair_key",
    "plan_tree",
    "reach_from",
    "reach_map",
    "to_dot",
    "to_mermaid",
]
