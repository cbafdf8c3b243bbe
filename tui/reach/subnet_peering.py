"""Reachability across a subnet peering: only the peered subnets talk (azure-facts section 8).

Routes and the VirtualNetwork tag follow what is exchanged: a subnet that is not part of the
subnet peering gets no route to the other side, and the other side's non-peered subnets are
not in what the link programs. The check names the subnet that is left out, and the link.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import Peering, ResourceId, Subnet


def in_selection(names: tuple[str, ...], subnet: Subnet | None) -> bool:
    return subnet is not None and subnet.name.lower() in {n.lower() for n in names}


def carries(peering: Peering, subnet: Subnet | None) -> bool:
    """Whether `peering` (a link on `subnet`'s VNet) gives `subnet` routes to the other side:
    always for whole VNets; for a subnet peering only when the subnet is one of its local
    subnets."""
    return peering.subnets is None or in_selection(peering.subnets.local, subnet)


@dataclass(frozen=True, slots=True)
class Excluded:
    """Why a flow between two peered VNets does not cross their subnet peering."""

    text: str
    resource_id: ResourceId
    hint: str


def excluded(src_subnet: Subnet, src_label: str, dst_subnet: Subnet | None, dst_label: str,
             there: Peering, back: Peering | None, src_name: str, dst_name: str
             ) -> Excluded | None:
    """The first end whose subnet the subnet peering leaves out (None: both are in it, or
    it peers the whole VNets)."""
    for link, vnet_name, subnet, label, side in (
        (there, src_name, src_subnet, src_label, "local"),
        (there, dst_name, dst_subnet, dst_label, "remote"),
    ):
        if link.subnets is None:
            continue
        chosen = link.subnets.local if side == "local" else link.subnets.remote
        if not in_selection(chosen, subnet):
            which = subnet.name if subnet is not None else "(unknown)"
            return Excluded(
                f"{label}'s subnet {which} is not part of the subnet peering {link.name} "
                f"(it peers {src_name}'s {', '.join(link.subnets.local)} with {dst_name}'s "
                f"{', '.join(link.subnets.remote)})",
                link.id,
                hint=f"add {which} to the subnets {link.name} peers on {vnet_name} (e on the "
                     "link), then sync the other side")
    if back is not None and back.subnets is not None:
        for names, subnet, label in ((back.subnets.local, dst_subnet, dst_label),
                                     (back.subnets.remote, src_subnet, src_label)):
            if not in_selection(names, subnet):
                which = subnet.name if subnet is not None else "(unknown)"
                return Excluded(
                    f"{label}'s subnet {which} is not part of the subnet peering "
                    f"{back.name} on {dst_name} (it peers {', '.join(back.subnets.local)} "
                    f"with {src_name}'s {', '.join(back.subnets.remote)})",
                    back.id, hint=f"add {which} to {back.name}'s subnets (e on the link)")
    return None
