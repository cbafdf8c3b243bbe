"""`vnettui list subscriptions|vnets|vms|peerings [VNET] [--json]`: the inventory for people
and scripts.

A table by default; `--json` prints one JSON array with camelCase keys (README "Command
line" documents the shapes), compact unless `--pretty`. Each kind reads only what it
shows: VNets and peerings the VNet lists, VMs the VM and NIC lists, subscriptions the
subscription list; `list peerings VNET` reads that VNet alone.
Subscriptions that could not be read are reported on stderr after the
rest is printed, and the exit code is then 3.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from tui.commands import json_output
from tui.errors import InputError
from tui.model import (
    Inventory,
    Kind,
    LoadError,
    NetworkInterface,
    Peering,
    Subnet,
    Subscription,
    VirtualMachine,
    VirtualNetwork,
    rid,
)
from tui.peering.subnets import describe_link
from tui.peering_words import (
    access_words,
    gateway_words,
    remote_address_space,
    remote_home,
    sync_words,
)
from tui.settings import Settings

KINDS = ("subscriptions", "vnets", "vms", "peerings")
EXIT_OK, EXIT_PARTIAL = 0, 3

# What each listing reads (subscriptions: the subscription list alone).
NEEDS: dict[str, frozenset[Kind]] = {
    "vnets": frozenset({Kind.VNETS}),
    "peerings": frozenset({Kind.VNETS}),  # peerings are listed inside their VNets
    "vms": frozenset({Kind.VMS}),  # a VM's NICs name its subnet and VNet by id
}


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "list", parents=parents, help="list subscriptions, VNets, VMs or peerings",
        description="List what vnettui can read: a table, or JSON with --json.",
    )
    p.add_argument("what", choices=KINDS, help="what to list")
    p.add_argument("vnet", metavar="VNET", nargs="?",
                   help="peerings only: that VNet's links (name, rg/name, sub/rg/name or id)")
    json_output.add_arguments(p, "print JSON (camelCase keys, as ARM's)")
    p.set_defaults(handler=run)


# JSON shapes (one function per kind, shared by other commands that print resources).

def subscription_json(sub: Subscription) -> dict[str, Any]:
    return {"id": sub.id, "name": sub.name, "state": sub.state, "tenantId": sub.tenant_id}


def subnet_json(subnet: Subnet) -> dict[str, Any]:
    return {
        "id": subnet.id,
        "name": subnet.name,
        "addressPrefixes": list(subnet.address_prefixes),
        "networkSecurityGroupId": subnet.nsg_id,
        "routeTableId": subnet.route_table_id,
    }


def peering_json(peering: Peering) -> dict[str, Any]:
    flags = peering.flags
    return {
        "id": peering.id,
        "name": peering.name,
        "vnetId": peering.vnet_id,
        "remoteVnetId": peering.remote_vnet_id,
        "peeringState": peering.state.value,
        "peeringSyncLevel": peering.sync_level.value,
        "allowVirtualNetworkAccess": flags.allow_virtual_network_access,
        "allowForwardedTraffic": flags.allow_forwarded_traffic,
        "allowGatewayTransit": flags.allow_gateway_transit,
        "useRemoteGateways": flags.use_remote_gateways,
        "remoteAddressPrefixes": list(peering.remote_address_prefixes),
        "remoteVnetAddressPrefixes": list(peering.remote_vnet_address_prefixes),
        "provisioningState": peering.provisioning_state,
        # Subnet peering: which subnets, and what each side exchanges now.
        "peerCompleteVnets": peering.subnets is None,
        "localSubnetNames": list(peering.subnets.local) if peering.subnets else [],
        "remoteSubnetNames": list(peering.subnets.remote) if peering.subnets else [],
        "enableOnlyIPv6Peering": bool(peering.subnets and peering.subnets.ipv6_only),
        "localAddressPrefixes": list(peering.local_address_prefixes),
    }


def vnet_json(vnet: VirtualNetwork) -> dict[str, Any]:
    return {
        "id": vnet.id,
        "name": vnet.name,
        "resourceGroup": vnet.resource_group,
        "subscriptionId": vnet.subscription_id,
        "location": vnet.location,
        "addressPrefixes": list(vnet.address_prefixes),
        "subnets": [subnet_json(s) for s in vnet.subnets],
        "peerings": [peering_json(p) for p in vnet.peerings],
        "hasGateway": vnet.has_gateway,
        "provisioningState": vnet.provisioning_state,
    }


def nic_json(nic: NetworkInterface) -> dict[str, Any]:
    return {
        "id": nic.id,
        "name": nic.name,
        "primary": nic.primary,
        "privateIps": list(nic.private_ips),
        "subnetId": nic.subnet_id,
        "networkSecurityGroupId": nic.nsg_id,
        "ipForwarding": nic.ip_forwarding,
    }


def vm_json(vm: VirtualMachine) -> dict[str, Any]:
    return {
        "id": vm.id,
        "name": vm.name,
        "resourceGroup": vm.resource_group,
        "subscriptionId": vm.subscription_id,
        "location": vm.location,
        "size": vm.size,
        "osType": vm.os_type,
        "powerState": vm.power_state.value,
        "privateIp": vm.private_ip,
        "vnetId": vm.vnet_id,
        "subnetId": vm.subnet_id,
        "nics": [nic_json(n) for n in vm.nics],
    }


# Tables.

def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart; no trailing blanks."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in (headers, *rows)
    ]
    return "\n".join(lines)


def _sub_name(inventory: Inventory, sub_id: str) -> str:
    sub = inventory.subscription(sub_id)
    return sub.name if sub else sub_id


def _vnet_label(inventory: Inventory, vnet_id: str) -> str:
    """`rg/name` (the subscription has a column of its own where it matters)."""
    vnet = inventory.vnet(vnet_id)
    ident = rid(vnet_id)
    return f"{ident.resource_group}/{vnet.name if vnet else ident.name}"


def subscriptions_table(subs: Sequence[Subscription]) -> str:
    rows = [(s.name, s.id, s.state, s.tenant_id or "-") for s in subs]
    return render_table(("NAME", "ID", "STATE", "TENANT"), rows)


def vnets_table(inventory: Inventory) -> str:
    rows = [
        (
            v.name, v.resource_group, _sub_name(inventory, v.subscription_id), v.location,
            ", ".join(v.address_prefixes) or "-", str(len(v.subnets)), str(len(v.peerings)),
        )
        for v in inventory.vnets
    ]
    headers = ("NAME", "RESOURCE GROUP", "SUBSCRIPTION", "LOCATION", "ADDRESS SPACE",
               "SUBNETS", "PEERINGS")
    return render_table(headers, rows)


def vms_table(inventory: Inventory) -> str:
    rows = []
    for vm in inventory.vms:
        subnet = vm.subnet_id
        where = f"{subnet.parent.name}/{subnet.name}" if subnet else "-"
        rows.append((
            vm.name, vm.resource_group, _sub_name(inventory, vm.subscription_id), vm.location,
            vm.size or "-", vm.os_type or "-", vm.power_state.value, vm.private_ip or "-", where,
        ))
    headers = ("NAME", "RESOURCE GROUP", "SUBSCRIPTION", "LOCATION", "SIZE", "OS", "POWER",
               "PRIVATE IP", "VNET/SUBNET")
    return render_table(headers, rows)


def all_peerings(inventory: Inventory) -> list[Peering]:
    return [p for v in inventory.vnets for p in v.peerings]


def _home_text(peering: Peering, inventory: Inventory) -> str:
    home = remote_home(peering, inventory)
    return f"{home.subscription} (tenant {home.tenant})" if home.tenant else home.subscription


def peering_row_json(peering: Peering, inventory: Inventory) -> dict[str, Any]:
    """A link as `list peerings --json` prints it: ARM's fields, and what the table adds
    (where the remote VNet lives, its address space as loaded, the sync level in words)."""
    home = remote_home(peering, inventory)
    sub_id = peering.remote_vnet_id.subscription_id
    sub = inventory.subscription(sub_id)
    return {
        **peering_json(peering),
        "remoteSubscriptionId": sub_id,
        "remoteSubscriptionName": sub.name if sub else None,
        "remoteTenantId": home.tenant or None,  # only when it is not the local tenant
        "remoteAddressSpace": list(remote_address_space(peering, inventory)),
        "peeringSyncLevelText": sync_words(peering.sync_level),
    }


PEERING_HEADERS = ("VNET", "PEERING", "REMOTE VNET", "REMOTE ADDRESS SPACE",
                   "REMOTE SUBSCRIPTION", "STATE", "SYNC", "GATEWAY", "PROVISIONING", "ALLOWS")


def peerings_table(inventory: Inventory, peerings: Sequence[Peering] | None = None) -> str:
    """The Portal's columns, in the explorer's words (`tui.peering_words`)."""
    rows = [
        (
            _vnet_label(inventory, p.vnet_id), p.name, _vnet_label(inventory, p.remote_vnet_id),
            ", ".join(remote_address_space(p, inventory)) or "-", _home_text(p, inventory),
            p.state.value, sync_words(p.sync_level),
            ", ".join(gateway_words(p.flags)) or "-", p.provisioning_state or "-",
            ", ".join(access_words(p.flags)) + (f"; {describe_link(p)}" if p.subnets else ""),
        )
        for p in (all_peerings(inventory) if peerings is None else peerings)
    ]
    return render_table(PEERING_HEADERS, rows)


# Running.

def report_errors(inventory: Inventory, errors: Sequence[LoadError]) -> None:
    for error in errors:
        name = _sub_name(inventory, error.subscription_id)
        label = name if name == error.subscription_id else f"{name} ({error.subscription_id})"
        print(f"vnettui: subscription {label} could not be read: {error.message} ({error.code})",
              file=sys.stderr)


def _emit(args: argparse.Namespace, items: Collection[Any], as_json: Callable[[Any], Any],
          table: Callable[[], str], kind: str) -> None:
    if json_output.wanted(args):
        json_output.write(json_output.Stream(map(as_json, items)), pretty=args.pretty)
    elif items:
        print(table())
    else:
        print(f"No {kind}.")
    sys.stdout.flush()  # a reader that went away is noticed here, not at exit


async def load(settings: Settings, kinds: Iterable[Kind]) -> Inventory:
    """The inventory of `kinds` in the chosen subscriptions (the load pauses the cyclic
    collector itself: `tui.collector`)."""
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        return await backend.load(kinds)


async def _subscriptions(settings: Settings) -> list[Subscription]:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        return await backend.list_subscriptions()


async def _vnet_links(settings: Settings, ref: str) -> tuple[Inventory, list[Peering]]:
    """One VNet's links, the VNet resolved as every command resolves it. Its remote VNets
    are not read: each link carries the remote's address space as ARM last saw it."""
    from tui.azure import open_backend
    from tui.resolve import find_vnet

    async with open_backend(settings) as backend:
        inventory = await backend.find_vnets([ref])
    return inventory, list(find_vnet(inventory, ref).peerings)


def run(args: argparse.Namespace, settings: Settings) -> int:
    what = args.what
    if args.vnet is not None and what != "peerings":
        raise InputError(f"list {what} takes no VNET; only `list peerings VNET` does.")
    if what == "subscriptions":
        subs = asyncio.run(_subscriptions(settings))
        _emit(args, subs, subscription_json, lambda: subscriptions_table(subs), "subscriptions")
        return EXIT_OK
    if what == "peerings":
        if args.vnet is None:
            inventory = asyncio.run(load(settings, NEEDS[what]))
            links = all_peerings(inventory)
        else:
            inventory, links = asyncio.run(_vnet_links(settings, args.vnet))
        _emit(args, links, lambda p: peering_row_json(p, inventory),
              lambda: peerings_table(inventory, links), "peerings")
    else:
        inventory = asyncio.run(load(settings, NEEDS[what]))
        if what == "vnets":
            _emit(args, inventory.vnets, vnet_json, lambda: vnets_table(inventory),
                  "virtual networks")
        else:
            _emit(args, inventory.vms, vm_json, lambda: vms_table(inventory), "virtual machines")
    report_errors(inventory, inventory.errors)
    return EXIT_PARTIAL if inventory.errors else EXIT_OK
