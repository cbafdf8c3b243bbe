"""The peering graph around a VNet: every VNet reachable over links (any state, across
subscriptions), and each pair's two links side by side.

A peering is two links, one on each VNet, so an edge here holds both (either may be
missing: one side Initiated, or left Disconnected by a delete). VNets that a link points
to but that are not loaded (another tenant, a subscription filtered out) are nodes too,
marked not loaded, so the drawing never pretends a link goes nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from tui.model import Inventory, Peering, ResourceId, VirtualNetwork, rid
from tui.peering.preflight import address_index


def key_of(vnet_id: str) -> str:
    """A VNet's key everywhere in the explorer: its id, case-folded."""
    return vnet_id.casefold()


@dataclass(frozen=True, slots=True)
class Node:
    """One VNet of the graph (`vnet` None: a peer that is not loaded)."""

    key: str
    id: ResourceId
    vnet: VirtualNetwork | None
    subscription: str = ""  # the subscription's display name, else its id
    overlaps: tuple[tuple[str, str], ...] = ()  # (other VNet's name, overlapping range)
    recorded_prefixes: tuple[str, ...] = ()  # an unloaded peer's space as its link shows

    @property
    def name(self) -> str:
        return self.vnet.name if self.vnet else self.id.name

    @property
    def loaded(self) -> bool:
        return self.vnet is not None

    @property
    def prefixes(self) -> tuple[str, ...]:
        return self.vnet.address_prefixes if self.vnet else self.recorded_prefixes

    @property
    def has_gateway(self) -> bool:
        return self.vnet is not None and self.vnet.has_gateway

    @property
    def resource_group(self) -> str:
        return self.vnet.resource_group if self.vnet else self.id.resource_group


@dataclass(frozen=True, slots=True)
class Edge:
    """The two links between VNets `a` and `b` (keys, a < b): `ab` lives on a, `ba` on b."""

    a: str
    b: str
    ab: Peering | None
    ba: Peering | None

    def other(self, key: str) -> str:
        return self.b if key == self.a else self.a

    def link_on(self, key: str) -> Peering | None:
        """The link that lives on VNet `key`."""
        return self.ab if key == self.a else self.ba

    def links(self) -> tuple[Peering, ...]:
        return tuple(p for p in (self.ab, self.ba) if p is not None)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Topology:
    """One or more connected components of the peering graph, from one inventory.

    `root` is the VNet the view was opened on ("" for a whole-inventory export). The
    inventory is kept (never mutated) so reachability can be asked of it later.
    """

    inventory: Inventory
    nodes: dict[str, Node]
    edges: dict[tuple[str, str], Edge]
    root: str = ""
    _adjacent: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def neighbours(self, key: str) -> tuple[str, ...]:
        return self._adjacent.get(key, ())

    def edge(self, a: str, b: str) -> Edge | None:
        return self.edges.get(pair_key(a, b))

    def degree(self, key: str) -> int:
        return len(self.neighbours(key))

    @cached_property
    def components(self) -> tuple[tuple[str, ...], ...]:
        """The connected components, largest first (then by first name), keys in name order."""
        seen: set[str] = set()
        found: list[tuple[str, ...]] = []
        for start in sorted(self.nodes, key=lambda k: self.nodes[k].name.casefold()):
            if start in seen:
                continue
            members, todo = [], [start]
            seen.add(start)
            while todo:
                key = todo.pop()
                members.append(key)
                for other in self.neighbours(key):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
            found.append(tuple(sorted(members, key=lambda k: self.nodes[k].name.casefold())))
        return tuple(sorted(found, key=lambda c: (-len(c), self.nodes[c[0]].name.casefold())))


def _subscription_name(inventory: Inventory, sub_id: str) -> str:
    sub = inventory.subscription(sub_id) if sub_id else None
    return sub.name if sub else sub_id


def _edges_of(vnets: Iterable[VirtualNetwork]) -> dict[tuple[str, str], Edge]:
    links: dict[tuple[str, str], dict[str, Peering]] = {}
    for vnet in vnets:
        for peering in vnet.peerings:
            a, b = key_of(vnet.id), key_of(peering.remote_vnet_id)
            if not b or a == b:
                continue
            links.setdefault(pair_key(a, b), {})[a] = peering
    return {pair: Edge(pair[0], pair[1], sides.get(pair[0]), sides.get(pair[1]))
            for pair, sides in links.items()}


def build_topology(inventory: Inventory, vnet_id: str | None = None, *,
                   linked_only: bool = True) -> Topology:
    """The component of `vnet_id` (every VNet reachable over links, any state), or with
    no VNet every component; `linked_only` leaves out VNets with no link at all (only
    when no VNet is named)."""
    edges = _edges_of(inventory.vnets)
    adjacent: dict[str, list[str]] = {}
    for a, b in edges:
        adjacent.setdefault(a, []).append(b)
        adjacent.setdefault(b, []).append(a)
    if vnet_id:
        start = key_of(vnet_id)
        keep, todo = {start}, [start]
        while todo:
            for other in adjacent.get(todo.pop(), ()):
                if other not in keep:
                    keep.add(other)
                    todo.append(other)
    else:
        keep = set(adjacent) if linked_only else set()
        if not linked_only:
            keep |= {key_of(v.id) for v in inventory.vnets}
    index = address_index(inventory)
    nodes: dict[str, Node] = {}
    for key in sorted(keep):  # a set's order changes from run to run; the JSON must not
        vnet = inventory.vnet(key)
        if vnet is not None:
            overlaps = tuple(sorted(
                (o.other(vnet.id).name, r.overlap) for o in index.overlapping(vnet.id)
                for r in o.ranges_from(vnet.id)))
            nodes[key] = Node(key, vnet.id, vnet,
                              _subscription_name(inventory, vnet.subscription_id), overlaps)
        else:
            nodes[key] = _unloaded(inventory, key, adjacent.get(key, ()))
    kept_edges = {pair: edge for pair, edge in edges.items() if pair[0] in keep}
    adjacency = {key: tuple(sorted(adjacent.get(key, ()),
                                   key=lambda k: nodes[k].name.casefold()))
                 for key in keep}
    return Topology(inventory, nodes, kept_edges, key_of(vnet_id) if vnet_id else "",
                    adjacency)


def _unloaded(inventory: Inventory, key: str, peers: Iterable[str]) -> Node:
    """A VNet known only from links pointing at it: its id and the space they record."""
    vnet_id = rid(key)
    recorded: tuple[str, ...] = ()
    for peer in peers:
        holder = inventory.vnet(peer)
        link = holder.peering_to(key) if holder else None
        if link is not None:
            vnet_id = link.remote_vnet_id
            recorded = link.remote_vnet_address_prefixes or link.remote_address_prefixes
            break
    return Node(key, vnet_id, None, _subscription_name(inventory, vnet_id.subscription_id),
                recorded_prefixes=recorded)
