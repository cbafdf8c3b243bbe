"""How the peering forms word a link: its four settings phrased with both names (as the
Portal does), the one-line check summary, and a remote VNet's line in the picker."""

from __future__ import annotations

from rich.text import Text

from tui.model import Inventory, PeeringFlags, VirtualNetwork
from tui.peering import Plan
from tui.peering.subnets import subnet_route

FLAG_KEYS = ("access", "forwarded", "transit", "remote-gw")


def flag_labels(vnet: str, peer: str) -> dict[str, str]:
    """The four settings of the link on `vnet`, phrased with both names like the Portal."""
    return {
        "access": f"{vnet} may reach {peer}",
        "forwarded": f"accept traffic forwarded by {peer}",
        "transit": f"let {peer} use {vnet}'s gateway",
        "remote-gw": f"use {peer}'s gateway",
    }


def flags_of(values: dict[str, bool]) -> PeeringFlags:
    return PeeringFlags(
        allow_virtual_network_access=values["access"],
        allow_forwarded_traffic=values["forwarded"],
        allow_gateway_transit=values["transit"],
        use_remote_gateways=values["remote-gw"],
    )


def check_line(plan: Plan, remote_name: str) -> Text:
    """`✓ no overlap  ✓ names valid  ...`: green ticks, red crosses, words as well as colour."""
    line = Text()
    for ok, label in plan.preflight.summary(remote_name):
        line.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        line.append(label + "  ")
    return line


def remote_summary(inventory: Inventory, vnet: VirtualNetwork) -> str:
    """`Subscription / rg  prefixes`: enough to tell two VNets of the same name apart."""
    sub = inventory.subscription(vnet.subscription_id)
    sub_name = sub.name if sub else vnet.subscription_id
    return f"{sub_name} / {vnet.resource_group}  {', '.join(vnet.address_prefixes)}"


def remote_prompt(inventory: Inventory, local: VirtualNetwork, vnet: VirtualNetwork,
                  overlap: tuple[str, ...], by_subnets: bool) -> Text:
    """A candidate remote VNet's line: what overlaps, and whether subnet peering could
    connect the pair anyway."""
    prompt = Text(f"{vnet.name:<24} ")
    prompt.append(remote_summary(inventory, vnet), style="dim")
    if overlap:
        prompt.append(f"  overlaps {', '.join(overlap)}", style="red")
        route = subnet_route(local, vnet)
        if route.possible and not by_subnets:
            prompt.append(f"  subnet peering: {', '.join(route.local)} <-> "
                          f"{', '.join(route.remote)} (type its name)", style="yellow")
    return prompt
