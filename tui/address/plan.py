"""An address-space change checked and turned into what will be sent: the VNet PUT, then a sync
of every link that points at the VNet (azure-facts section 1: after vnet1 changes, vnet2's
link to it reports LocalNotInSync until it is synced).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.address.checks import _canonical, check_new_prefix, check_removal, subnets_in
from tui.model import Inventory, Peering, PeeringState, ResourceId, VirtualNetwork


@dataclass(frozen=True)
class AddressChange:
    """What the address-space screen (or `vnettui address`) asks for.

    `base` is the address space the change was planned on: the apply refuses to send when
    the VNet no longer has it (someone else changed it meanwhile), and the PUT carries
    `If-Match` with the etag read just before, so a change in between is refused by ARM.
    """

    vnet_id: ResourceId
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    sync: bool = True  # sync every affected link afterwards
    base: tuple[str, ...] = ()

    def prefixes_after(self) -> tuple[str, ...]:
        gone = {_canonical(p) for p in self.remove}
        kept = [p for p in self.base if _canonical(p) not in gone]
        return tuple(dict.fromkeys([*kept, *(_canonical(p) for p in self.add)]))


@dataclass(frozen=True)
class LinkToSync:
    """A link that points at the changed VNet: it goes LocalNotInSync and is synced."""

    peering_id: ResourceId  # the link on the peer VNet
    vnet_name: str  # the peer VNet it lives on
    back_name: str  # the changed VNet's link to that peer ("" when there is none)

    @property
    def label(self) -> str:
        return f"{self.peering_id.name} on {self.vnet_name}"

    def az_command(self) -> str:
        vnet = self.peering_id.parent
        return (f"az network vnet peering sync -g {vnet.resource_group} --vnet-name {vnet.name}"
                f" -n {self.peering_id.name} --subscription {vnet.subscription_id}")


@dataclass(frozen=True)
class AddressPlan:
    change: AddressChange
    vnet_name: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    to_sync: tuple[LinkToSync, ...] = ()
    notes: tuple[str, ...] = ()  # links left as they are, and why
    subscription_id: str = ""
    resource_group: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.after != self.before

    @property
    def changed(self) -> bool:
        return set(self.after) != set(self.before)

    def az_command(self) -> str:
        """The az CLI command that sends the same VNet PUT."""
        return (f"az network vnet update -g {self.resource_group} -n {self.vnet_name} "
                f"--address-prefixes {' '.join(self.after)} --subscription {self.subscription_id}")

    def commands(self) -> list[str]:
        syncs = [link.az_command() for link in self.to_sync] if self.change.sync else []
        return [self.az_command(), *syncs]

    def describe(self) -> list[str]:
        """One line per step, for `vnettui address` and the progress modal."""
        added = [p for p in self.after if p not in self.before]
        removed = [p for p in self.before if p not in self.after]
        what = "; ".join(part for part in (
            f"add {', '.join(added)}" if added else "",
            f"remove {', '.join(removed)}" if removed else "") if part)
        lines = [f"update {self.vnet_name}'s address space ({what}): {', '.join(self.after)}"]
        if self.change.sync:
            lines += [f"sync {link.label}" for link in self.to_sync]
        elif self.to_sync:
            names = ", ".join(link.label for link in self.to_sync)
            lines.append(f"leave {names} out of sync (--no-sync): sync them later")
        return lines


def links_pointing_at(inventory: Inventory, vnet: VirtualNetwork) -> tuple[list[LinkToSync],
                                                                          list[str]]:
    """The links that go out of sync when `vnet`'s space changes, and notes on the links that
    will not be synced (Disconnected, subnet peerings, peers not loaded)."""
    targets: list[LinkToSync] = []
    notes: list[str] = []
    seen: set[ResourceId] = set()
    for link in vnet.peerings:
        peer = inventory.vnet(link.remote_vnet_id)
        back = peer.peering_to(vnet.id) if peer is not None else None
        if link.state is PeeringState.DISCONNECTED:
            notes.append(f"{link.name} is Disconnected: not synced (its peer's side is gone).")
            continue
        if peer is None:
            notes.append(f"{link.remote_vnet_id.name} (peered through {link.name}) is not "
                         "loaded: its link back is found and synced when the change is applied.")
            continue
        if back is None:
            continue  # one-sided (Initiated): nothing on the peer holds a copy of our space
        seen.add(peer.id)
        _add(targets, notes, back, peer, link.name)
    for other in inventory.vnets:
        back = other.peering_to(vnet.id)
        if other.id == vnet.id or other.id in seen or back is None:
            continue
        _add(targets, notes, back, other, "")
    return targets, notes


def _add(targets: list[LinkToSync], notes: list[str], back: Peering, peer: VirtualNetwork,
         ours: str) -> None:
    if back.state is PeeringState.DISCONNECTED:
        notes.append(f"{back.name} on {peer.name} is Disconnected: not synced.")
    elif back.is_subnet_peering:
        # [U] A subnet peering exchanges only its subnets' prefixes, which an address-space
        # change cannot touch (a prefix with subnets cannot be removed): it stays in sync.
        notes.append(f"{back.name} on {peer.name} is a subnet peering: it exchanges only its "
                     "subnets' prefixes, so it stays in sync.")
    else:
        targets.append(LinkToSync(back.id, peer.name, ours))


def plan_address_change(inventory: Inventory, change: AddressChange) -> AddressPlan:
    """The checks and the steps for `change`, against what is loaded."""
    vnet = inventory.vnet(change.vnet_id)
    if vnet is None:
        name = change.vnet_id.name
        return AddressPlan(change, name, (), (), (f"The VNet {name} is not loaded.",))
    base = change.base or vnet.address_prefixes
    change = AddressChange(change.vnet_id, change.add, change.remove, change.sync, base)
    problems: list[str] = []
    warnings: list[str] = []
    if set(base) != set(vnet.address_prefixes):
        problems.append(f"{vnet.name}'s address space changed since it was read (now "
                        f"{', '.join(vnet.address_prefixes)}); look again before changing it.")
    for i, prefix in enumerate(change.remove):
        problems += check_removal(vnet, prefix, removing=change.remove[:i])
    for i, text in enumerate(change.add):
        check = check_new_prefix(inventory, vnet, text, pending=change.add[:i],
                                 removing=change.remove)
        problems += check.errors
        warnings += check.warnings
    if not change.add and not change.remove:
        problems.append(f"Nothing to change: add or remove a prefix of {vnet.name}.")
    targets, notes = links_pointing_at(inventory, vnet)
    return AddressPlan(
        change, vnet.name, tuple(vnet.address_prefixes),
        change.prefixes_after() if not problems else tuple(vnet.address_prefixes),
        tuple(dict.fromkeys(problems)), tuple(dict.fromkeys(warnings)), tuple(targets),
        tuple(notes), vnet.subscription_id, vnet.resource_group,
    )


@dataclass(frozen=True)
class PrefixRow:
    """One prefix of a VNet with the subnets inside it: a row of the address-space screen."""

    prefix: str
    subnets: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (name, prefix)

    @property
    def removable(self) -> bool:
        return not self.subnets


def prefix_rows(vnet: VirtualNetwork) -> tuple[PrefixRow, ...]:
    return tuple(PrefixRow(p, tuple(subnets_in(vnet, p))) for p in vnet.address_prefixes)
