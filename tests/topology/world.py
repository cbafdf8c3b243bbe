"""Hand-made topologies: a hub with spokes in every link state, built on tests.reach.World."""

from __future__ import annotations

from tests.reach.world import World, vnet_id
from tui.model import Inventory, PeeringState, Route, SyncLevel


def key(name: str) -> str:
    return vnet_id(name).casefold()


def with_gateway(inventory: Inventory, name: str) -> Inventory:
    vnet = inventory.vnet(vnet_id(name))
    assert vnet is not None
    return inventory.with_vnet(vnet._replace(has_gateway=True))


def with_sync(inventory: Inventory, name: str, link: str) -> Inventory:
    vnet = inventory.vnet(vnet_id(name))
    assert vnet is not None
    peerings = tuple(p._replace(sync_level=SyncLevel.LOCAL_NOT_IN_SYNC) if p.name == link
                     else p for p in vnet.peerings)
    return inventory.with_vnet(vnet._replace(peerings=peerings))


def hub_world(spokes: int = 4) -> World:
    """hub (10.100/16) with spokes s1..sN (10.10N/16) Connected; s1 <-> s2 also peered."""
    world = World().vnet("hub", "10.100.0.0/16")
    for n in range(1, spokes + 1):
        world.vnet(f"s{n}", f"10.{100 + n}.0.0/16").peer("hub", f"s{n}")
    return world


def showcase_like() -> Inventory:
    """The showcase's shapes: a hub with a synced, a stale, a Disconnected spoke; a pair
    with an Initiated third; an appliance route one way only."""
    world = (World().vnet("hub", "10.100.0.0/16").subnet("hub", "shared", "10.100.1.0/24")
             .vm("nva", "hub", "10.100.1.4", subnet="shared", forwarding=True)
             .vnet("spoke1", "10.101.0.0/16").vnet("spoke2", "10.102.0.0/16", routes="rt2")
             .vnet("spoke3", "10.103.0.0/16")
             .vnet("spoke4", "10.104.0.0/16").vnet("spoke5", "10.105.0.0/16")
             .vnet("spoke6", "10.106.0.0/16").vnet("dr", "10.102.0.0/16")
             .peer("hub", "spoke1", forwarded=True).peer("hub", "spoke2", forwarded=True)
             .link("hub", "spoke3", state=PeeringState.DISCONNECTED)
             .peer("spoke4", "spoke5").link("spoke5", "spoke6", state=PeeringState.INITIATED)
             .routes("rt2", Route("to-spoke1", "10.101.0.0/16", "VirtualAppliance",
                                  "10.100.1.4")))
    return with_sync(world.build(), "hub", "hub-to-spoke2")
