"""Scenarios: ready-made clouds to explore, demo and test against.

`reset(path, scenario, **params)` replaces the sandbox file's contents with one of these.
Every id below is fixed, so tests can name resources directly.

az303 — the seed story, exactly:
    subscription "AZ-303 Lab" (3030a303-0000-4000-8000-000000000303), region westeurope,
    resource group rg-peering:
      vnet1 10.1.0.0/16, subnet default 10.1.0.0/24
        vm1  Windows Server 2016 Datacenter, Standard_B2s, NIC vm1-nic 10.1.0.4, no public IP,
             NIC NSG vm1-nsg (Portal basic NSG: allow RDP 3389 inbound, priority 300)
      vnet2 10.2.0.0/16, subnet default 10.2.0.0/24
        vm2  Windows Server 2016 Datacenter, Standard_B2s, NIC vm2-nic 10.2.0.4, no public IP,
             IIS on port 80 (tags workload=IIS, listeningPorts=80),
             NIC NSG vm2-nsg (allow HTTP 80 priority 300, RDP 3389 priority 320)
      no peerings. vm1 -> vm2:80 is unreachable until vnet1 and vnet2 are peered both ways;
      then it is reachable (default AllowVnet rules + vm2-nsg's HTTP rule).
    Also NetworkWatcherRG/NetworkWatcher_westeurope, which Azure creates by itself with the
    first VNet of a region (the connectivity check is asked there).

showcase — the default: az303 plus subscription "Contoso Platform"
    (c0c0a5e0-0000-4000-8000-00000000c0c0), region westeurope unless noted:
      rg-hub/hub-vnet 10.100.0.0/16: GatewaySubnet 10.100.0.0/27 holding VPN gateway
          hub-vpngw (so hub-vnet has a gateway), snet-shared 10.100.1.0/24 with nva1
          (Ubuntu, 10.100.1.4, NIC IP forwarding on: a virtual appliance)
      rg-spokes/spoke1-vnet 10.101.0.0/16, workload 10.101.1.0/24, web1 10.101.1.4 (port 80)
          hub-to-spoke1 / spoke1-to-hub Connected; hub side allowGatewayTransit,
          spoke side useRemoteGateways + allowForwardedTraffic
      rg-spokes/spoke2-vnet 10.102.0.0/16 + 10.112.0.0/16 (second prefix added after
          peering), workload 10.102.1.0/24, app2 10.102.1.4; route table rt-spoke2 on the
          subnet: to-spoke1-via-nva 10.101.0.0/16 -> VirtualAppliance 10.100.1.4,
          drop-spoke4 10.104.0.0/16 -> None.
          hub-to-spoke2 Connected + LocalNotInSync (its copy of spoke2 is stale: sync it),
          spoke2-to-hub Connected + RemoteNotInSync
      rg-spokes/spoke3-vnet 10.103.0.0/16, workload 10.103.1.0/24, db3 10.103.1.4,
          power state deallocated (stopped). hub-to-spoke3 Disconnected (spoke3's side was
          deleted); spoke3 has no peering
      rg-spokes/spoke4-vnet 10.104.0.0/16, workload 10.104.1.0/24 with subnet NSG nsg-spoke4
          (DenyHttpInbound: Tcp 80 from VirtualNetwork, Deny, priority 100), api4 10.104.1.4
          (ports 80, 443)
      rg-spokes/spoke5-vnet 10.105.0.0/16, workload 10.105.1.0/24, app5 10.105.1.4,
          batch5 10.105.1.5 (power state stopped, port 80)
          spoke4-to-spoke5 / spoke5-to-spoke4 Connected
          spoke5-to-spoke6 Initiated (no return peering)
      rg-spokes/spoke6-vnet 10.106.0.0/16, workload 10.106.1.0/24, web6 10.106.1.4 (port 80)
      rg-legacy/legacy-vnet 10.1.0.0/16 (overlaps AZ-303 Lab's vnet1, across subscriptions)
      rg-legacy/dr-vnet 10.102.0.0/16, northeurope (overlaps spoke2-vnet, same subscription)
      rg-apps/works-factory-vnet 10.130.0.0/16: shared 10.130.0.0/24, ot 10.130.1.0/24 with
          plc1 (10.130.1.4); rg-apps/works-analytics-vnet 10.130.0.0/16 (the same space):
          shared 10.130.0.0/24, ingest 10.130.2.0/24 with ingest1 (10.130.2.4, port 80); both
          named to sort after every other VNet in the explorer. Not peered:
          whole-VNet peering is refused (VnetAddressSpacesOverlap); subnet peering of ot and
          ingest is not, and then plc1 -> ingest1 :80 is reachable.
    Subnet peering is allow-listed for Contoso Platform and not for AZ-303 Lab (the store's
    meta `subnet_peering_not_registered`; az303 alone leaves it allowed everywhere).
    Cases (source -> destination : verdict, reason):
      vm1 -> vm2 :80   not reachable: vnet1 and vnet2 are not peered
      app5 -> api4 :80 not reachable: nsg-spoke4 DenyHttpInbound (priority 100)
      app5 -> api4 :443 reachable (peered both ways, NSG allows)
      app5 -> web6 :80 not reachable: spoke5-to-spoke6 is Initiated, no return peering
      app2 -> web1 :80 not reachable: spoke2 and spoke1 only meet at the hub (needs transit
                       through nva1; rt-spoke2 routes 10.101.0.0/16 to it)
      app2 -> api4 :80 not reachable: rt-spoke2 drop-spoke4 sends 10.104.0.0/16 to None
                       (and no peering)
      app5 -> batch5 :80 not reachable: batch5 is stopped (same VNet, nothing else in the way)
      web1 -> db3 :80  not reachable: db3 is deallocated; spoke1 and spoke3 are not peered
                       either (and hub-to-spoke3 is Disconnected)
      web1 -> nva1 :80 reachable (spoke1 <-> hub Connected, no NSG)
    Network watchers: NetworkWatcherRG/NetworkWatcher_westeurope in both subscriptions (and
    NetworkWatcher_northeurope in Contoso Platform), for the connectivity check.
    Another tenant: subscription "Fabrikam Partner" (fab5ab00-0000-4000-8000-00000000fab5) in
    tenant fab71ca0-0000-4000-8000-0000000fab71, with rg-partner/partner-vnet 10.200.0.0/16
    (subnet default 10.200.0.0/24). It is not listed for the home tenant's token (like a
    subscription you are a guest of only via a resource id); its requests need a token for
    its tenant (else 401 InvalidAuthenticationTokenTenant), and a peering from the home
    tenant to partner-vnet needs that tenant's token in x-ms-authorization-auxiliary (else
    403 LinkedAuthorizationFailed). `SandboxCredential(tenant_id)` issues such tokens.

estate — generated from a seed for scale: `subscriptions` (default 3) subscriptions named
    "Estate NN" (ids e57a7e00-0000-4000-8000-<seed:06d><n:06d>), `vnets` (default 2000)
    VNets `vnet-NNNNN` spread round-robin over them in groups rg-estate-NNN of 50, each a
    distinct block of 10.0.0.0/8 in a seeded order (a /22 up to 16,384 VNets, a /23 up to
    32,768, a /24 up to 65,536) except every 40th, which reuses an earlier VNet's block
    (overlaps, also across subscriptions); every 10th VNet is dual-stack with a ULA /48
    (every fifth of those reuses an earlier one); a VM `vm-NNNNN` (10.x.y.4) in every fourth
    VNet, or with `vms` that many VMs dealt round-robin over the VNets (the k-th in a VNet
    gets 10.x.y.(4+k)), about one in ten deallocated; the first VNet of each subscription is a hub
    peered (Connected both ways, links `hub-to-vnet-NNNNN` / `to-hub`) with up to 200 of
    that subscription's VNets that overlap nothing.

Gateways: a VNet has a gateway when its subnet named GatewaySubnet lists, in
`properties.subnets[].properties.ipConfigurations[].id`, an IP configuration of a
`Microsoft.Network/virtualNetworkGateways` resource (as ARM shows it).
VM power state: `properties.instanceView.statuses[].code` = `PowerState/<state>`, returned
by list-all with `statusOnly=true` or `$expand=instanceView`, and by GET with
`$expand=instanceView` or `.../instanceView`.
"""

from __future__ import annotations

import ipaddress
import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.sandbox import peerings, subnet_peering, vnets
from tui.sandbox.builders import Estate, rg_id, security_rule
from tui.sandbox.control import peer
from tui.sandbox.store import (
    SUBSCRIPTION_TYPE,
    Resource,
    SandboxStore,
    Tx,
    is_broken,
    set_aside,
)

AZ303_SUBSCRIPTION = "3030a303-0000-4000-8000-000000000303"
CONTOSO_SUBSCRIPTION = "c0c0a5e0-0000-4000-8000-00000000c0c0"
FABRIKAM_SUBSCRIPTION = "fab5ab00-0000-4000-8000-00000000fab5"
FABRIKAM_TENANT = "fab71ca0-0000-4000-8000-0000000fab71"
SCENARIOS = ("az303", "showcase", "estate")
DEFAULT_SCENARIO = "showcase"


@dataclass
class Summary:
    """What a scenario created, for `vnettui sandbox reset` to print."""

    scenario: str
    subscriptions: list[str] = field(default_factory=list)
    vnets: int = 0
    vms: int = 0
    peerings: int = 0
    notes: list[str] = field(default_factory=list)
    moved_aside: Path | None = None  # where a damaged file was put before starting over
    damage: str = ""  # what was wrong with it


def reset(path: str | Path, scenario: str = DEFAULT_SCENARIO, **params: Any) -> Summary:
    """Replace the sandbox at `path` with a fresh copy of `scenario`.

    A damaged file (random bytes, truncated, a directory in its place) is moved aside as
    `<name>.corrupt-<time>` (`Summary.moved_aside`) and a fresh one is made: every error
    about the file tells the user to run this, so it must always work. Another
    application's SQLite database raises `store.NotASandboxError` and is left untouched.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    target = Path(path)
    moved: Path | None = None
    why = ""
    try:
        summary = _reset_in_place(target, scenario, params)
    except (sqlite3.DatabaseError, OSError) as error:
        if not is_broken(error, target):
            raise
        why = _reason(error)
        moved = set_aside(target)
        summary = _reset_in_place(target, scenario, params)
    summary.moved_aside = moved
    summary.damage = why
    return summary


def _reset_in_place(path: Path, scenario: str, params: dict[str, Any]) -> Summary:
    with SandboxStore(path) as store:
        store.check()
        with store.write() as tx:
            tx.clear()
            return build(tx, scenario, **params)


def _reason(error: BaseException) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if text.startswith("/") and ": " in text else text


def ensure(store: SandboxStore) -> None:
    """Fill an empty sandbox with the default scenario (race-free across processes)."""
    if not store.is_empty():
        return
    with store.write() as tx:
        if tx.conn.execute("SELECT 1 FROM resources LIMIT 1").fetchone() is None:
            build(tx, DEFAULT_SCENARIO)


def build(tx: Tx, scenario: str, **params: Any) -> Summary:
    builders: dict[str, Callable[..., Summary]] = {
        "az303": _az303, "showcase": _showcase, "estate": _estate,
    }
    if scenario != "estate" and params:
        raise ValueError(f"scenario {scenario} takes no parameters (got {', '.join(params)})")
    summary = builders[scenario](tx, **params)
    tx.set_meta("scenario", scenario)
    # Resource Graph has indexed all of it: its lag applies to changes from here on.
    tx.set_meta("built", repr(tx.now))
    return summary


def _settle_vnet(tx: Tx, vnet_id: str) -> None:
    vnet = tx.get(vnet_id)
    if vnet is not None:
        vnet.properties["provisioningState"] = "Succeeded"
        tx.put(vnet)


def _az303_into(estate: Estate) -> tuple[str, str]:
    sub, rg = estate.subscription(AZ303_SUBSCRIPTION, "AZ-303 Lab"), "rg-peering"
    estate.resource_group(sub, rg)
    vnet1 = estate.vnet(sub, rg, "vnet1", ["10.1.0.0/16"], [("default", "10.1.0.0/24")])
    vnet2 = estate.vnet(sub, rg, "vnet2", ["10.2.0.0/16"], [("default", "10.2.0.0/24")])
    nsg1 = estate.portal_basic_nsg(sub, rg, "vm1-nsg", [3389])
    nsg2 = estate.portal_basic_nsg(sub, rg, "vm2-nsg", [80, 3389])
    nic1 = estate.nic(sub, rg, "vm1-nic", f"{vnet1}/subnets/default", "10.1.0.4", nsg_id=nsg1)
    nic2 = estate.nic(sub, rg, "vm2-nic", f"{vnet2}/subnets/default", "10.2.0.4", nsg_id=nsg2)
    estate.vm(sub, rg, "vm1", nic1)
    estate.vm(sub, rg, "vm2", nic2, tags={"workload": "IIS", "listeningPorts": "80"})
    estate.network_watcher(sub)
    return vnet1, vnet2


def _az303(tx: Tx) -> Summary:
    estate = Estate()
    _az303_into(estate)
    estate.save(tx)
    return Summary(
        "az303", ["AZ-303 Lab"], vnets=2, vms=2, peerings=0,
        notes=[
            "rg-peering/vnet1 10.1.0.0/16 (default 10.1.0.0/24): vm1 10.1.0.4",
            "rg-peering/vnet2 10.2.0.0/16 (default 10.2.0.0/24): vm2 10.2.0.4, IIS on port 80",
            "no peerings: vm1 cannot reach vm2 on port 80 yet",
        ],
    )


def _showcase(tx: Tx) -> Summary:
    estate = Estate()
    _az303_into(estate)
    sub = estate.subscription(CONTOSO_SUBSCRIPTION, "Contoso Platform")
    for group in ("rg-hub", "rg-spokes", "rg-legacy"):
        estate.resource_group(sub, group)
    hub = estate.vnet(sub, "rg-hub", "hub-vnet", ["10.100.0.0/16"],
                      [("GatewaySubnet", "10.100.0.0/27"), ("snet-shared", "10.100.1.0/24")])
    estate.gateway(sub, "rg-hub", "hub-vpngw", hub)
    nva = estate.nic(sub, "rg-hub", "nva1-nic", f"{hub}/subnets/snet-shared", "10.100.1.4",
                     ip_forwarding=True)
    estate.vm(sub, "rg-hub", "nva1", nva, image="Ubuntu Server 22.04 LTS",
              tags={"role": "network-virtual-appliance"})
    spokes: dict[int, str] = {}
    vm_names = {1: "web1", 2: "app2", 3: "db3", 4: "api4", 5: "app5", 6: "web6"}
    ports = {1: "80", 4: "80,443", 6: "80"}
    for n, vm_name in vm_names.items():
        vnet = estate.vnet(sub, "rg-spokes", f"spoke{n}-vnet", [f"10.10{n}.0.0/16"],
                           [("workload", f"10.10{n}.1.0/24")])
        spokes[n] = vnet
        nic = estate.nic(sub, "rg-spokes", f"{vm_name}-nic", f"{vnet}/subnets/workload",
                         f"10.10{n}.1.4")
        tags = {"listeningPorts": ports[n]} if n in ports else {}
        estate.vm(sub, "rg-spokes", vm_name, nic, image="Ubuntu Server 22.04 LTS",
                  size="Standard_B1s", power="deallocated" if n == 3 else "running", tags=tags)
    batch = estate.nic(sub, "rg-spokes", "batch5-nic", f"{spokes[5]}/subnets/workload",
                       "10.105.1.5")
    estate.vm(sub, "rg-spokes", "batch5", batch, image="Ubuntu Server 22.04 LTS",
              size="Standard_B1s", power="stopped", tags={"listeningPorts": "80"})
    table = estate.route_table(sub, "rg-spokes", "rt-spoke2", [
        ("to-spoke1-via-nva", "10.101.0.0/16", "VirtualAppliance", "10.100.1.4"),
        ("drop-spoke4", "10.104.0.0/16", "None", None),
    ])
    estate.attach_route_table(f"{spokes[2]}/subnets/workload", table)
    nsg4 = estate.nsg(sub, "rg-spokes", "nsg-spoke4")
    estate.body(nsg4)["properties"]["securityRules"].append(security_rule(
        nsg4, "DenyHttpInbound", priority=100, direction="Inbound", access="Deny",
        source="VirtualNetwork", destination_port="80",
        description="Block plain HTTP to the API tier",
    ))
    estate.attach_nsg_to_subnet(f"{spokes[4]}/subnets/workload", nsg4)
    estate.vnet(sub, "rg-legacy", "legacy-vnet", ["10.1.0.0/16"], [("default", "10.1.0.0/24")])
    estate.vnet(sub, "rg-legacy", "dr-vnet", ["10.102.0.0/16"], [("default", "10.102.0.0/24")],
                location="northeurope")
    # Two VNets built from one template: the same space, so whole-VNet peering is refused;
    # their `ot` and `ingest` subnets do not overlap, so subnet peering connects them.
    estate.resource_group(sub, "rg-apps")
    factory = estate.vnet(sub, "rg-apps", "works-factory-vnet", ["10.130.0.0/16"],
                          [("shared", "10.130.0.0/24"), ("ot", "10.130.1.0/24")])
    analytics = estate.vnet(sub, "rg-apps", "works-analytics-vnet", ["10.130.0.0/16"],
                            [("shared", "10.130.0.0/24"), ("ingest", "10.130.2.0/24")])
    plc = estate.nic(sub, "rg-apps", "plc1-nic", f"{factory}/subnets/ot", "10.130.1.4")
    estate.vm(sub, "rg-apps", "plc1", plc, image="Ubuntu Server 22.04 LTS", size="Standard_B1s")
    ingest = estate.nic(sub, "rg-apps", "ingest1-nic", f"{analytics}/subnets/ingest",
                        "10.130.2.4")
    estate.vm(sub, "rg-apps", "ingest1", ingest, image="Ubuntu Server 22.04 LTS",
              size="Standard_B1s", tags={"listeningPorts": "80"})
    estate.network_watcher(sub)
    estate.network_watcher(sub, "northeurope")
    # Another tenant's subscription: not listed for the home tenant's token; reachable for
    # peering with an auxiliary token for its tenant.
    partner = estate.subscription(FABRIKAM_SUBSCRIPTION, "Fabrikam Partner",
                                  tenant=FABRIKAM_TENANT)
    estate.resource_group(partner, "rg-partner")
    estate.vnet(partner, "rg-partner", "partner-vnet", ["10.200.0.0/16"],
                [("default", "10.200.0.0/24")])
    estate.save(tx)

    # Peerings go through the same rules as the REST API.
    peer(tx, hub, "hub-to-spoke1", spokes[1], allowGatewayTransit=True,
         allowForwardedTraffic=True)
    peer(tx, spokes[1], "spoke1-to-hub", hub, useRemoteGateways=True,
         allowForwardedTraffic=True)
    peer(tx, hub, "hub-to-spoke2", spokes[2], allowForwardedTraffic=True)
    peer(tx, spokes[2], "spoke2-to-hub", hub, allowForwardedTraffic=True)
    peer(tx, hub, "hub-to-spoke3", spokes[3])
    peer(tx, spokes[3], "spoke3-to-hub", hub)
    peerings.finish_delete_peering(tx, f"{spokes[3]}/virtualNetworkPeerings/spoke3-to-hub")
    peer(tx, spokes[4], "spoke4-to-spoke5", spokes[5])
    peer(tx, spokes[5], "spoke5-to-spoke4", spokes[4])
    peer(tx, spokes[5], "spoke5-to-spoke6", spokes[6])
    # spoke2 grows a second prefix after peering: hub-to-spoke2 must be synced.
    spoke2 = tx.get(spokes[2])
    assert spoke2 is not None
    vnets.put_vnet(tx, spoke2.id, {"properties": {
        "addressSpace": {"addressPrefixes": ["10.102.0.0/16", "10.112.0.0/16"]}}})
    _settle_vnet(tx, spoke2.id)
    # Subnet peering: allowed in Contoso Platform, not registered in AZ-303 Lab.
    tx.set_meta(subnet_peering.NOT_ALLOWLISTED_META, json.dumps([AZ303_SUBSCRIPTION]))
    return Summary(
        "showcase", ["AZ-303 Lab", "Contoso Platform"], vnets=2 + 11, vms=2 + 10, peerings=8,
        notes=[
            "AZ-303 Lab: vnet1 + vm1 (10.1.0.4), vnet2 + vm2 (10.2.0.4, IIS :80), no peerings",
            "Contoso Platform: hub-vnet with VPN gateway hub-vpngw and NVA nva1 (10.100.1.4)",
            "spoke1 <-> hub Connected (gateway transit); spoke2 <-> hub Connected, needs sync",
            "hub-to-spoke3 Disconnected; db3 (spoke3) deallocated; batch5 (spoke5) stopped",
            "spoke4 <-> spoke5 Connected; nsg-spoke4 denies port 80 into spoke4",
            "spoke5-to-spoke6 Initiated (no return peering)",
            "rt-spoke2: 10.101.0.0/16 -> VirtualAppliance 10.100.1.4, 10.104.0.0/16 -> None",
            "overlaps: legacy-vnet 10.1.0.0/16 vs vnet1; dr-vnet 10.102.0.0/16 vs spoke2-vnet",
            "works-factory-vnet and works-analytics-vnet share 10.130.0.0/16: only subnet "
            "peering (ot <-> ingest) connects plc1 (10.130.1.4) to ingest1 (10.130.2.4, :80)",
            "subnet peering: allow-listed in Contoso Platform, not in AZ-303 Lab",
            "another tenant: Fabrikam Partner/partner-vnet 10.200.0.0/16 (unlisted; peering "
            "needs an auxiliary token)",
        ],
    )


# Estate limits: Resource Graph's 10,000 subscriptions per query; one distinct address
# block of 10.0.0.0/8 per VNet (/22 blocks up to 16,384 VNets, /23 up to 32,768, /24 up to
# 65,536); VMs take .4 to .253 of their VNet's first /24.
MAX_ESTATE_SUBSCRIPTIONS = 10_000
MAX_ESTATE_VNETS = 65_536
MAX_VMS_PER_VNET = 250
MAX_ESTATE_VMS = 250_000


def address_block_bits(vnets: int) -> int:
    """How many bits of 10.0.0.0/8 number the estate's blocks: 14 (/22s) while they are
    enough for one block per VNet, then 15 (/23s), then 16 (/24s)."""
    return next(bits for bits in (14, 15, 16) if vnets <= 2**bits)


def estate_limits() -> str:
    return (f"subscriptions 1-{MAX_ESTATE_SUBSCRIPTIONS}, VNets 1-{MAX_ESTATE_VNETS}, "
            f"VMs 0-{MAX_ESTATE_VMS} and at most {MAX_VMS_PER_VNET} per VNet")


def _estate(
    tx: Tx, subscriptions: int = 3, vnets: int = 2000, seed: int = 1, vms: int | None = None
) -> Summary:
    if not (1 <= subscriptions <= MAX_ESTATE_SUBSCRIPTIONS and 1 <= vnets <= MAX_ESTATE_VNETS
            and (vms is None or 0 <= vms <= min(MAX_ESTATE_VMS, vnets * MAX_VMS_PER_VNET))):
        raise ValueError(f"estate sizes out of range: {estate_limits()}")
    rng = random.Random(seed)
    estate = Estate()
    subs = []
    for n in range(subscriptions):
        sub_id = f"e57a7e00-0000-4000-8000-{seed % 10**6:06d}{n:06d}"
        subs.append(estate.subscription(sub_id, f"Estate {n + 1:02d}"))
    # Address plan: distinct blocks of 10.0.0.0/8 in a seeded order (/22 while they last,
    # smaller for larger estates), except every 40th VNet, which reuses an earlier VNet's
    # block (the overlaps a real estate accumulates).
    block_bits = address_block_bits(vnets)
    blocks = list(range(2**block_bits))
    rng.shuffle(blocks)
    base = int(ipaddress.IPv4Address("10.0.0.0"))
    prefixes: list[ipaddress.IPv4Network] = []
    ula = int(ipaddress.IPv6Address("fd00::"))
    v6_prefixes: list[ipaddress.IPv6Network] = []
    groups: dict[tuple[str, int], str] = {}
    members: dict[str, list[str]] = {sub: [] for sub in subs}
    clashing: set[str] = set()
    placed: list[tuple[str, str, str, ipaddress.IPv4Network]] = []  # sub, rg, vnet, subnet
    vm_count = 0
    regions = ("westeurope", "northeurope", "eastus", "westus2")
    for n in range(vnets):
        sub = subs[n % subscriptions]
        group_no = (n // subscriptions) // 50
        rg = groups.get((sub, group_no))
        if rg is None:
            rg = estate.resource_group(sub, f"rg-estate-{group_no:03d}")
            groups[(sub, group_no)] = rg
        if n % 40 == 39 or n >= len(blocks):
            net = prefixes[rng.randrange(len(prefixes))]
        else:
            net = ipaddress.IPv4Network((base + (blocks[n] << (32 - 8 - block_bits)),
                                         8 + block_bits))
        prefixes.append(net)
        subnet = next(net.subnets(new_prefix=24)) if net.prefixlen < 24 else net
        space = [str(net)]
        reused_v6 = False
        if n % 10 == 5:
            # Dual stack: a ULA /48; every fifth one reuses an earlier VNet's.
            reused_v6 = bool(v6_prefixes) and len(v6_prefixes) % 5 == 4
            v6 = (v6_prefixes[rng.randrange(len(v6_prefixes))] if reused_v6
                  else ipaddress.IPv6Network((ula + (rng.getrandbits(40) << 80), 48)))
            v6_prefixes.append(v6)
            space.append(str(v6))
        vnet = estate.vnet(sub, rg, f"vnet-{n:05d}", space, [("default", str(subnet))],
                           location=regions[n % len(regions)])
        members[sub].append(vnet)
        placed.append((sub, rg, vnet, subnet))
        if n % 40 == 39 or n >= len(blocks) or reused_v6:
            clashing.add(vnet)
        if vms is None and n % 4 == 0:
            _estate_vm(estate, rng, sub, rg, vnet, f"vm-{n:05d}", subnet, 0)
            vm_count += 1
    if vms is not None:
        # VMs dealt round-robin over the VNets: the k-th VM of a VNet gets .(4 + k).
        width = max(5, len(str(vms - 1)))
        for j in range(vms):
            sub, rg, vnet, subnet = placed[j % vnets]
            _estate_vm(estate, rng, sub, rg, vnet, f"vm-{j:0{width}d}", subnet, j // vnets)
        vm_count = vms
    # Hub and spokes: the first VNet of each subscription peers with up to 200 others whose
    # blocks are distinct, so the pairs are built settled and written in bulk.
    pairs: list[Resource] = []
    for sub in subs:
        if not members[sub]:
            continue  # more subscriptions than VNets
        hub, spokes = members[sub][0], [v for v in members[sub][1:] if v not in clashing]
        if hub in clashing:
            continue
        for spoke in spokes[:200]:
            pairs.extend(peerings.connected_pair(
                estate.resources[hub.lower()], f"hub-to-{spoke.rsplit('/', 1)[-1]}",
                estate.resources[spoke.lower()], "to-hub"))
    estate.resources.update((p.key, p) for p in pairs)
    estate.save(tx)
    links = len(pairs)
    return Summary(
        "estate", [f"Estate {n + 1:02d}" for n in range(subscriptions)], vnets=vnets,
        vms=vm_count, peerings=links,
        notes=[f"seed {seed}", f"{len(clashing)} VNets reuse another VNet's address space"],
    )


def _estate_vm(
    estate: Estate, rng: random.Random, sub: str, rg: str, vnet: str, name: str,
    subnet: ipaddress.IPv4Network, k: int,
) -> None:
    nic = estate.nic(sub, rg, f"{name}-nic", f"{vnet}/subnets/default",
                     str(subnet.network_address + 4 + k))
    power = "running" if rng.random() > 0.1 else "deallocated"
    estate.vm(sub, rg, name, nic, image="Ubuntu Server 22.04 LTS", size="Standard_B1s",
              power=power)


def subscription_names(tx: Tx) -> list[str]:
    return [str(r.body.get("displayName")) for r in tx.all_of_type(SUBSCRIPTION_TYPE)]


__all__ = [
    "AZ303_SUBSCRIPTION", "CONTOSO_SUBSCRIPTION", "DEFAULT_SCENARIO", "FABRIKAM_SUBSCRIPTION",
    "FABRIKAM_TENANT", "SCENARIOS", "Summary",
    "build", "ensure", "peer", "reset", "rg_id",
]
