"""How a link looks in the topology: its health, a short mark and the notes beside it.

The same words and symbols as the explorer's panes (● Connected, ◐ Initiated,
✗ Disconnected, ◌ updating, ⟳ sync needed), so a person reads one vocabulary. Colour is
never alone: every mark is also a symbol, and every problem a word.
"""

from __future__ import annotations

import enum

from tui.model import Peering, PeeringState
from tui.topology.graph import Edge, Node


class Health(enum.IntEnum):
    """A link's health, worst last (the drawing colours by it)."""

    OK = 0  # Connected both ways, in sync
    SYNC = 1  # Connected both ways, one side's copy of the other's space is stale
    PENDING = 2  # a write in progress, or one side Initiated and waiting for the other
    BROKEN = 3  # Disconnected, or one side missing with the other not waiting for it


_SIDE = {
    PeeringState.CONNECTED: "●",
    PeeringState.INITIATED: "◐",
    PeeringState.DISCONNECTED: "✗",
    PeeringState.UNKNOWN: "?",
}


def updating(peering: Peering) -> bool:
    return peering.provisioning_state.lower() not in ("succeeded", "failed", "")


def side_symbol(peering: Peering | None) -> str:
    """One end of the mark: the state of the link on that VNet (· no link there)."""
    if peering is None:
        return "·"
    return "◌" if updating(peering) else _SIDE[peering.state]


def health(edge: Edge) -> Health:
    links = edge.links()
    if any(p.state is PeeringState.DISCONNECTED for p in links):
        return Health.BROKEN
    if any(updating(p) for p in links):
        return Health.PENDING
    if len(links) < 2 or any(p.state is not PeeringState.CONNECTED for p in links):
        return Health.PENDING if any(p.state is PeeringState.INITIATED
                                     for p in links) else Health.BROKEN
    if any(p.needs_sync for p in links):
        return Health.SYNC
    return Health.OK


def link_mark(edge: Edge, near: str) -> str:
    """`●═══●` from `near`'s side: near end, the line, far end; `⟳` in the line when a
    side needs sync, a thin line unless Connected both ways."""
    mine, theirs = edge.link_on(near), edge.link_on(edge.other(near))
    state = health(edge)
    middle = "═⟳═" if state is Health.SYNC else "═══" if state is Health.OK else "───"
    return f"{side_symbol(mine)}{middle}{side_symbol(theirs)}"


def link_notes(edge: Edge, near: Node, far: Node) -> list[tuple[str, Health]]:
    """What a person should know about the link between `near` and `far`, most important
    first, each with the health it is coloured by."""
    mine, theirs = edge.link_on(near.key), edge.link_on(far.key)
    notes: list[tuple[str, Health]] = []
    for link in (mine, theirs):
        if link is None:
            continue
        if link.state is PeeringState.DISCONNECTED:
            notes.append((f"{link.name} Disconnected", Health.BROKEN))
        elif updating(link):
            notes.append((f"{link.name} {link.provisioning_state}", Health.PENDING))
        elif link.state is PeeringState.INITIATED:
            notes.append((f"{link.name} Initiated", Health.PENDING))
    for link, owner in ((mine, near), (theirs, far)):
        if link is None:
            notes.append((f"no link from {owner.name}", Health.BROKEN))
    if health(edge) is Health.SYNC:
        notes.append(("sync needed", Health.SYNC))
    sides = [(link, owner, other) for link, owner, other in ((mine, near, far),
                                                              (theirs, far, near)) if link]
    notes += [(f"{owner.name} blocks VNet access", Health.PENDING) for link, owner, _ in sides
              if not link.flags.allow_virtual_network_access]
    users = [(f"{'' if owner is far else owner.name + ' '}uses {other.name}'s gateway",
              Health.OK)
             for link, owner, other in sides if link.flags.use_remote_gateways]
    notes += users or [(f"{owner.name} offers gateway transit", Health.OK)
                       for link, owner, _ in sides if link.flags.allow_gateway_transit]
    forwarded = [owner.name for link, owner in ((mine, near), (theirs, far))
                 if link is not None and link.flags.allow_forwarded_traffic]
    if len(forwarded) == 2:
        notes.append(("forwarded both ways", Health.OK))
    elif forwarded:
        notes.append((f"{forwarded[0]} accepts forwarded", Health.OK))
    return notes
