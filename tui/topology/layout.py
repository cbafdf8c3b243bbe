"""Hubs and their spokes: the tree the topology is drawn as.

A hub is a VNet with at least `HUB_DEGREE` links. Every other VNet hangs under the first
VNet that reaches it from a hub (breadth first, hubs by size, then names), so a
hub-and-spoke estate reads as hubs with their spokes, a spoke's own peers under it, and a
component with no hub under its best-linked VNet. The links that do not fit the tree
(hub to hub, spoke to spoke across hubs) are listed apart, so none is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.topology.graph import Edge, Topology

HUB_DEGREE = 3


@dataclass(frozen=True)
class Tree:
    """Roots (hubs first) in drawing order, each VNet's children, and the other links."""

    roots: tuple[str, ...]
    hubs: frozenset[str]
    children: dict[str, tuple[str, ...]]
    parent: dict[str, str]
    cross: tuple[Edge, ...]  # links between VNets that are not parent and child


def _name(topology: Topology, key: str) -> str:
    return topology.nodes[key].name.casefold()


def plan_tree(topology: Topology) -> Tree:
    """The tree of every component of `topology`, components largest first."""
    hubs = frozenset(k for k in topology.nodes if topology.degree(k) >= HUB_DEGREE)
    roots: list[str] = []
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for component in topology.components:
        found = sorted((k for k in component if k in hubs),
                       key=lambda k: (-topology.degree(k), _name(topology, k)))
        if not found:
            # No hub: the best-linked VNet (the one the view was opened on, on a tie).
            found = [min(component, key=lambda k: (-topology.degree(k), k != topology.root,
                                                   _name(topology, k)))]
        roots += found
        seen = set(found)
        frontier = list(found)
        while frontier:
            following: list[str] = []
            for key in frontier:
                for other in topology.neighbours(key):
                    if other in seen:
                        continue
                    seen.add(other)
                    parent[other] = key
                    children.setdefault(key, []).append(other)
                    following.append(other)
            frontier = following
    tree_pairs = {(min(k, p), max(k, p)) for k, p in parent.items()}
    cross = tuple(sorted(
        (e for pair, e in topology.edges.items() if pair not in tree_pairs),
        key=lambda e: (_name(topology, e.a), _name(topology, e.b))))
    ordered = {k: tuple(sorted(v, key=lambda c: _name(topology, c)))
               for k, v in children.items()}
    return Tree(tuple(roots), hubs, ordered, parent, cross)
