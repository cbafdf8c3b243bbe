"""Network Watcher's connectivity check on the sandbox, through the SDK's long-running POST."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ResourceNotFoundError

from tests.sandbox.conftest import AZ303, CONTOSO, RG, link, network_client, vnet_id


def _vm(sub: str, rg: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/" \
           f"virtualMachines/{name}"


async def _check(path: Path, sub: str, source: str, destination: dict[str, Any]) -> Any:
    async with network_client(path, sub) as client:
        poller = await client.network_watchers.begin_check_connectivity(
            "NetworkWatcherRG", "NetworkWatcher_westeurope",
            {"source": {"resourceId": source}, "destination": destination})
        return await poller.result()


def _issues(result: Any) -> list[tuple[str, str, dict[str, str]]]:
    found = []
    for hop in result.hops:
        for issue in hop.issues or []:
            context = {k: v for item in issue.context or [] for k, v in item.items()}
            found.append((hop.type, issue.type, context))
    return found


async def test_seed_story_before_and_after_peering(az303: Path) -> None:
    vm1, vm2 = _vm(AZ303, RG, "vm1"), _vm(AZ303, RG, "vm2")
    before = await _check(az303, AZ303, vm1, {"resourceId": vm2, "port": 80})
    assert before.connection_status == "Disconnected"
    [(where, kind, context)] = _issues(before)
    assert (where, kind, context["NextHopType"]) == ("Source", "Platform", "None")
    async with network_client(az303) as client:
        await link(client, RG, "vnet1", "1and2", vnet_id(AZ303, RG, "vnet2"))
        half = await _check(az303, AZ303, vm1, {"resourceId": vm2, "port": 80})
        assert half.connection_status == "Disconnected"  # Initiated carries no traffic
        await link(client, RG, "vnet2", "2and1", vnet_id(AZ303, RG, "vnet1"))
    after = await _check(az303, AZ303, vm1, {"resourceId": vm2, "port": 80})
    assert after.connection_status == "Connected"
    assert [h.type for h in after.hops] == ["Source", "VirtualMachine"]
    assert after.hops[1].address == "10.2.0.4"
    by_address = await _check(az303, AZ303, vm1, {"address": "10.2.0.4", "port": 80})
    assert by_address.connection_status == "Connected"


SPOKES = "rg-spokes"


@pytest.mark.parametrize(("source", "destination", "port", "issue"), [
    ("app5", "api4", 80, ("VirtualMachine", "NetworkSecurityRule",
                          {"RuleName": "nsg-spoke4/DenyHttpInbound"})),
    ("app5", "api4", 443, None),
    ("app5", "web6", 80, ("Source", "Platform", {"NextHopType": "None"})),
    ("app2", "web1", 80, ("VirtualMachine", "Platform", {"Reason": "no route back to 10.102.1.4"})),
    ("app2", "api4", 80, ("Source", "UserDefinedRoute", {"RouteName": "drop-spoke4"})),
    ("app5", "batch5", 80, ("VirtualMachine", "Platform", {"PowerState": "stopped"})),
    ("web1", "nva1", 80, None),
])
async def test_showcase_cases(
    showcase: Path, source: str, destination: str, port: int,
    issue: tuple[str, str, dict[str, str]] | None,
) -> None:
    group = "rg-hub" if destination == "nva1" else SPOKES
    result = await _check(showcase, CONTOSO, _vm(CONTOSO, SPOKES, source),
                          {"resourceId": _vm(CONTOSO, group, destination), "port": port})
    if issue is None:
        assert result.connection_status == "Connected"
        assert _issues(result) == []
        return
    assert result.connection_status == "Disconnected"
    [(where, kind, context)] = _issues(result)
    assert (where, kind) == issue[:2]
    assert issue[2].items() <= context.items()


async def test_through_the_appliance_when_routes_go_both_ways(showcase: Path) -> None:
    from tui.sandbox.store import SandboxStore

    table = (f"/subscriptions/{CONTOSO}/resourceGroups/{SPOKES}/providers/Microsoft.Network/"
             "routeTables/rt-spoke1")
    with SandboxStore(showcase) as store, store.write() as tx:
        # spoke1 gets a copy of rt-spoke2 with the mirror route back through the appliance.
        rt2 = tx.get(table.replace("rt-spoke1", "rt-spoke2"))
        assert rt2 is not None
        spoke1 = tx.get(vnet_id(CONTOSO, SPOKES, "spoke1-vnet"))
        assert spoke1 is not None
        rt2.id, rt2.body["id"], rt2.body["name"] = table, table, "rt-spoke1"
        rt2.properties["routes"] = [{
            "name": "to-spoke2-via-nva", "id": f"{table}/routes/to-spoke2-via-nva",
            "properties": {"addressPrefix": "10.102.0.0/16", "nextHopType": "VirtualAppliance",
                           "nextHopIpAddress": "10.100.1.4"},
        }]
        tx.put(rt2)
        spoke1.properties["subnets"][0]["properties"]["routeTable"] = {"id": table}
        tx.put(spoke1)
    result = await _check(showcase, CONTOSO, _vm(CONTOSO, SPOKES, "app2"),
                          {"resourceId": _vm(CONTOSO, SPOKES, "web1"), "port": 80})
    assert [h.type for h in result.hops] == ["Source", "VirtualAppliance", "VirtualMachine"]
    assert result.connection_status == "Connected"


async def test_unknown_watcher_or_vm(showcase: Path) -> None:
    async with network_client(showcase, CONTOSO) as client:
        with pytest.raises(ResourceNotFoundError):
            await client.network_watchers.begin_check_connectivity(
                "NetworkWatcherRG", "NetworkWatcher_mars",
                {"source": {"resourceId": _vm(CONTOSO, SPOKES, "app5")},
                 "destination": {"address": "10.104.1.4", "port": 80}})
        with pytest.raises(ResourceNotFoundError):
            await client.network_watchers.begin_check_connectivity(
                "NetworkWatcherRG", "NetworkWatcher_westeurope",
                {"source": {"resourceId": _vm(CONTOSO, SPOKES, "nobody")},
                 "destination": {"address": "10.104.1.4", "port": 80}})
