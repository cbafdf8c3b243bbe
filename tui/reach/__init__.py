"""Can one VM reach another on a port, and if not, why: a verdict from the loaded inventory.

Like Network Watcher's IP flow verify and connection troubleshoot, but computed from what is
already loaded, with no agent and for any pair. Pure: `tui.model` and the standard library.

The checks follow Azure's own order and stop at the first one that fails, so the last step
is the reason (azure-facts.md section 7):

1. both VMs exist and are running; each has a NIC with a private IP in a loaded subnet/VNet;
2. same VNet, or a peering in both directions, both links Connected (peering is not
   transitive: two spokes of one hub are not connected through it);
3. the source subnet's effective route to the destination (longest prefix wins; a UDR beats
   a system route of the same prefix; next hop None drops), and the destination subnet's
   route back for the replies. A UDR that takes the traffic elsewhere (None, an appliance, a
   gateway, the Internet) is judged before the peering, since peering cannot override it;
   system routes are judged after it, since a peering is what puts them there;
4. NSGs: outbound at the source (NIC, then subnet), inbound at the destination (subnet, then
   NIC); rules by priority, first match wins; no NSG at a level allows at that level.

Choices where Azure is not explicit ([U] in azure-facts.md), also named where they are made:
- A route to a virtual appliance: vnettui checks what it can see (the appliance's NIC has IP
  forwarding on, its VNet is peered with both ends and the peerings accept forwarded traffic,
  replies have a route back, the NSGs at both ends allow the flow with the original source
  address, i.e. no SNAT) and then answers *unknown* (`conclusive=False`, `reachable=False`):
  it cannot see the appliance's own rules.
- `allowVirtualNetworkAccess=false` on either link of a pair takes the pair out of the
  `VirtualNetwork` service tag (the safe model of azure-facts.md section 7), so only explicit
  NSG rules can allow it; with no NSG rule explicitly allowing the flow anywhere on the path,
  the peering setting blocks it.
- protocol `any`: reachable when TCP or UDP gets through (checked in that order); the verdict
  shows the evaluation that got through, or TCP's if neither did.
- The client's source port is unknown: a rule's source port ranges apply only when they cover
  every ephemeral port (1024-65535), as `*` does.
- Service tags other than `VirtualNetwork`, `Internet`, `AzureLoadBalancer` (Storage,
  AzureCloud...) never match a VM's private address. Application security groups are not
  modelled.
"""

from tui.reach.check import PROTOCOLS, check
from tui.reach.links import Link, VNetNames, peering_link
from tui.reach.nsg import (
    DEFAULT_RULES,
    EPHEMERAL_PORTS,
    HOST_VIP,
    Flow,
    evaluate_nsg,
    rule_matches,
    rules_in_order,
    virtual_network_tag,
)
from tui.reach.routes import EffectiveRoute, effective_routes, route_for
from tui.reach.verdict import Level, RuleMatch, Step, StepStatus, Verdict

__all__ = [
    "DEFAULT_RULES",
    "EPHEMERAL_PORTS",
    "HOST_VIP",
    "PROTOCOLS",
    "EffectiveRoute",
    "Flow",
    "Level",
    "Link",
    "RuleMatch",
    "Step",
    "StepStatus",
    "VNetNames",
    "Verdict",
    "check",
    "effective_routes",
    "evaluate_nsg",
    "peering_link",
    "route_for",
    "rule_matches",
    "rules_in_order",
    "virtual_network_tag",
]
