"""Whether two VNets are peered both ways, and if not, the precise reason."""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringState, ResourceId, VirtualNetwork


@dataclass(frozen=True, slots=True)
class Link:
    """Whether two VNets are peered both ways, and if not, the precise reason."""

    ok: bool
    text: str
    resource_id: ResourceId | None = None
    hint: str = ""
    command: str = ""
    blocked: tuple[Peering, ...] = ()  # Connected links with VNet access switched off
    missing: bool = False  # no link in either direction


class VNetNames:
    """Short names for VNets in sentences and commands: `name`, or `rg/name` when the name
    alone is ambiguous in the inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self._count: dict[str, int] = {}
        for vnet in inventory.vnets:
            key = vnet.name.lower()
            self._count[key] = self._count.get(key, 0) + 1

    def ref(self, vnet: VirtualNetwork) -> str:
        if self._count.get(vnet.name.lower(), 0) > 1:
            return f"{vnet.resource_group}/{vnet.name}"
        return vnet.name


def peering_link(inventory: Inventory, a: VirtualNetwork, b: VirtualNetwork,
                 names: VNetNames | None = None) -> Link:
    names = names or VNetNames(inventory)
    an, bn = names.ref(a), names.ref(b)
    there, back = a.peering_to(b.id), b.peering_to(a.id)
    if there is None and back is None:
        return Link(False, f"{an} and {bn} are different VNets with no peering", a.id,
                    hint="peer them: press p", command=f"vnettui peer {an} {bn}", missing=True)
    if back is None:
        assert there is not None
        return _one_sided(there, an, bn)
    if there is None:
        return _one_sided(back, bn, an)
    for link, owner in ((there, an), (back, bn)):
        if link.state is not PeeringState.CONNECTED:
            return Link(False, f"{link.name} on {owner} is {link.state.value}, not Connected",
                        link.id, hint=f"delete both links and peer again: press d on {owner}",
                        command=f"vnettui unpeer {owner} {link.name} --both && "
                                f"vnettui peer {an} {bn}")
    blocked = tuple(p for p in (there, back) if not p.flags.allow_virtual_network_access)
    return Link(True, f"{an} and {bn} are peered both ways: {there.name} and {back.name} are "
                      "Connected", there.id, blocked=blocked)


def _one_sided(link: Peering, owner: str, other: str) -> Link:
    if link.state is PeeringState.DISCONNECTED:
        return Link(False, f"{link.name} on {owner} is Disconnected: {other} has no link back "
                           f"to {owner} (it was deleted)", link.id,
                    hint=f"peer them again, which revives {link.name}: press p on {owner}",
                    command=f"vnettui peer {owner} {other} --name {link.name}")
    return Link(False, f"{other} has no link back to {owner} ({link.name} on {owner} is "
                       f"{link.state.value})", link.id,
                hint=f"create the return link: press p on {other}",
                command=f"vnettui peer {other} {owner} --one-side")
