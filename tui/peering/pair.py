"""Both links between two VNets, re-read from the cloud: the truth after every write."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tui.errors import NotFoundError, VnettuiError
from tui.model import Peering, PeeringState, ResourceId
from tui.peering.backend import PeeringBackend
from tui.peering.plan import Plan


@dataclass(frozen=True)
class PairState:
    """What exists between two VNets, re-read from the cloud (None: could not be read)."""

    local_vnet_id: ResourceId
    local_vnet_name: str
    remote_vnet_id: ResourceId
    remote_vnet_name: str
    local_link: Peering | None = None
    remote_link: Peering | None = None
    unreadable: tuple[str, ...] = ()  # VNet names whose links could not be re-read

    def links(self) -> list[Peering]:
        return [p for p in (self.local_link, self.remote_link) if p is not None]

    def describe(self) -> str:
        parts = []
        for name, other, link in ((self.local_vnet_name, self.remote_vnet_name, self.local_link),
                                  (self.remote_vnet_name, self.local_vnet_name, self.remote_link)):
            if name in self.unreadable:
                parts.append(f"{name}'s links could not be read")
            elif link is None:
                parts.append(f"{name} has no link to {other}")
            else:
                parts.append(f"{name} has {link.name} -> {other} ({state_text(link)})")
        return "Now " + "; ".join(parts) + "."

    def next_step(self) -> str | None:
        """The command that mends a half peering (one link without the other), or None."""
        if self.unreadable or len(self.links()) != 1:
            return None
        link = self.links()[0]
        mine, other = ((self.local_vnet_name, self.remote_vnet_name) if link is self.local_link
                       else (self.remote_vnet_name, self.local_vnet_name))
        peer = f"`vnettui peer {mine} {other}` (p in the explorer)"
        unpeer = f"`vnettui unpeer {mine} {link.name}`"
        if link.state is PeeringState.DISCONNECTED:
            return (f"{other}'s side is gone: {peer} revives {link.name} and links {other} "
                    f"back, or {unpeer} removes it.")
        return (f"{other} has no link back, so no traffic flows: {peer} creates {other}'s "
                f"side, or {unpeer} removes {link.name}.")


def state_text(peering: Peering) -> str:
    text = peering.state.value
    if peering.provisioning_state.lower() not in ("succeeded", ""):
        text += f", {peering.provisioning_state}"
    if peering.state is PeeringState.CONNECTED and peering.needs_sync:
        text += ", sync needed"
    return text


async def read_pair(
    backend: PeeringBackend, local_id: ResourceId, local_name: str,
    remote_id: ResourceId, remote_name: str,
    known: dict[ResourceId, ResourceId] | None = None,
) -> PairState:
    """Re-read the links between two VNets from the cloud: the truth after a write.

    `known` maps a VNet to the id its link to the other has (a plan names it): that link
    is read alone rather than the VNet's every link, which on a hub is hundreds of them,
    paged. 404 means it is not there.
    """
    unreadable: list[str] = []

    async def link(vnet_id: ResourceId, name: str, other: ResourceId) -> Peering | None:
        try:
            peering_id = (known or {}).get(vnet_id)
            if peering_id is not None:
                try:
                    return await backend.get_peering(peering_id)
                except NotFoundError:
                    return None
            found = await backend.list_peerings(vnet_id)
        except VnettuiError:
            unreadable.append(name)
            return None
        return next((p for p in found if p.remote_vnet_id == other), None)

    mine, theirs = await asyncio.gather(link(local_id, local_name, remote_id),
                                        link(remote_id, remote_name, local_id))
    return PairState(local_id, local_name, remote_id, remote_name, mine, theirs,
                     tuple(unreadable))


async def read_plan_pair(backend: PeeringBackend, plan: Plan) -> PairState:
    """`read_pair` for the two VNets of a plan; the links it sends are read by id."""
    known = {link.vnet_id: link.peering_id for link in plan.links}
    return await read_pair(backend, plan.local_vnet_id, plan.local_name,
                           plan.remote_vnet_id, plan.remote_name, known)
