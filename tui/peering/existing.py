"""A peering asked for that is already there: scripts run `peer` again and again, so a pair
Connected both ways with the settings asked for is "nothing to do", and one whose settings
differ is named setting by setting, with the `vnettui edit` that would change each link.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import Inventory, Peering, PeeringFlags, PeeringState, SubnetSelection
from tui.peering.preflight import PeeringRequest

# PeeringFlags field -> (words, the `vnettui edit` option)
FLAG_WORDS = {
    "allow_virtual_network_access": ("VNet access", "vnet-access"),
    "allow_forwarded_traffic": ("forwarded traffic", "forwarded-traffic"),
    "allow_gateway_transit": ("gateway transit", "gateway-transit"),
    "use_remote_gateways": ("use remote gateways", "remote-gateways"),
}


def _on(value: bool) -> str:
    return "on" if value else "off"


def _same_subnets(have: SubnetSelection | None, want: SubnetSelection | None) -> bool:
    if have is None or want is None:
        return have is want
    def names(side: tuple[str, ...]) -> set[str]:
        return {n.casefold() for n in side}
    return (names(have.local), names(have.remote), have.ipv6_only) == (
        names(want.local), names(want.remote), want.ipv6_only)


def _subnets_text(selection: SubnetSelection | None) -> str:
    return selection.describe() if selection is not None else "the whole VNets"


def _edit_options(flags: PeeringFlags, want: PeeringFlags,
                  selection: SubnetSelection | None, wanted: SubnetSelection | None) -> str:
    options = []
    for field, (_, option) in FLAG_WORDS.items():
        if getattr(flags, field) != getattr(want, field):
            options.append(f"--{option}" if getattr(want, field) else f"--no-{option}")
    if not _same_subnets(selection, wanted) and selection and wanted:
        options.append(f"--subnets {','.join(wanted.local)} "
                       f"--remote-subnets {','.join(wanted.remote)}")
        options.append("--ipv6-only" if wanted.ipv6_only else "--no-ipv6-only")
    return " ".join(options)


@dataclass(frozen=True)
class ExistingLink:
    """One link asked for that exists, and how it differs from the request."""

    vnet_name: str
    link: Peering
    differences: tuple[str, ...]
    edit: str  # `vnettui edit ...` that makes it match, "" when it cannot or need not


@dataclass(frozen=True)
class ExistingPeering:
    """Every link the request would create exists and is Connected."""

    links: tuple[ExistingLink, ...]

    @property
    def same(self) -> bool:
        return not any(link.differences for link in self.links)

    @property
    def differences(self) -> list[str]:
        return [f"{link.link.name} on {link.vnet_name}: {difference}"
                for link in self.links for difference in link.differences]

    def describe(self) -> str:
        names = " and ".join(f"{e.link.name} on {e.vnet_name}" for e in self.links)
        if self.same:
            return f"Already connected, nothing to do: {names} are Connected as asked."
        lines = [f"Already peered ({names} Connected), but not as asked:"]
        lines += [f"  {d}" for d in self.differences]
        edits = [link.edit for link in self.links if link.edit]
        if edits:
            lines.append("Change the links with:")
            lines += [f"  {edit}" for edit in edits]
        return "\n".join(lines)


def existing_peering(inventory: Inventory, request: PeeringRequest, *,
                     names_given: tuple[bool, bool] = (True, True)) -> ExistingPeering | None:
    """The links `request` asks for, when all of them exist and are Connected; None
    otherwise (then the usual checks decide). A name counts only when it was given
    (`names_given`, local then remote): default names never make a difference."""
    local = inventory.vnet(request.local_vnet_id)
    remote = inventory.vnet(request.remote_vnet_id)
    if local is None or remote is None or local.id == remote.id:
        return None
    there, back = local.peering_to(remote.id), remote.peering_to(local.id)
    if there is None or back is None or {there.state, back.state} != {PeeringState.CONNECTED}:
        return None
    wanted = request.subnets
    sides = [(local, there, request.local_name, request.local_flags, wanted, names_given[0])]
    if not request.one_side:
        sides.append((remote, back, request.remote_name, request.remote_flags,
                      wanted.reversed() if wanted else None, names_given[1]))
    links = []
    for vnet, link, name, flags, selection, name_given in sides:
        differences = []
        if name_given and name.casefold() != link.name.casefold():
            differences.append(f"is named {link.name!r}, not {name!r} (a link cannot be "
                               "renamed: unpeer and peer again to rename it)")
        for field, (words, _) in FLAG_WORDS.items():
            have, want = getattr(link.flags, field), getattr(flags, field)
            if have != want:
                differences.append(f"{words} is {_on(have)}, asked {_on(want)}")
        if not _same_subnets(link.subnets, selection):
            how = "" if link.subnets and selection else (
                " (edit cannot switch between whole VNets and subnets: unpeer and peer again)")
            differences.append(f"peers {_subnets_text(link.subnets)}, asked "
                               f"{_subnets_text(selection)}{how}")
        options = _edit_options(link.flags, flags, link.subnets, selection)
        edit = f"vnettui edit {vnet.name} {link.name} {options}" if options else ""
        links.append(ExistingLink(vnet.name, link, tuple(differences), edit))
    return ExistingPeering(tuple(links))
