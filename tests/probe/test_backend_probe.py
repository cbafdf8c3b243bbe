"""`AzureBackend.probe_connectivity` through the real SDK on the sandbox cloud, whose
Network Watcher answers from its own rules (independent of `tui.reach`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.probe.ids import AZ303_WATCHER
from tui.errors import CloudError, InputError, NotFoundError
from tui.model import Inventory, PeeringFlags
from tui.probe import ProbeResult
from tui.resolve import find_vm, find_vnet


async def probe(backend: Any, inventory: Inventory, source: str, destination: str,
                port: int = 80, **kwargs: Any) -> ProbeResult:
    src = find_vm(inventory, source)
    dst = destination if destination[0].isdigit() else str(find_vm(inventory, destination).id)
    result: ProbeResult = await backend.probe_connectivity(src.id, dst, port, **kwargs)
    return result


async def test_az303_before_and_after_peering(az303_backend: Any) -> None:
    inventory = await az303_backend.load_inventory()
    before = await probe(az303_backend, inventory, "vm1", "vm2")
    assert before.status == "Disconnected"
    assert before.reachable is False
    assert before.watcher_id == AZ303_WATCHER
    assert (before.probes_sent, before.probes_failed) == (66, 66)
    [(hop, issue)] = before.issues
    assert (hop.kind, hop.address, hop.resource_id) == ("Source", "10.1.0.4",
                                                        find_vm(inventory, "vm1").id)
    assert (issue.origin, issue.kind) == ("Outbound", "Platform")
    assert ("NextHopType", "None") in issue.context

    vnet1, vnet2 = find_vnet(inventory, "vnet1"), find_vnet(inventory, "vnet2")
    await az303_backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
    await az303_backend.put_peering(vnet2.id, "2and1", vnet1.id, PeeringFlags())
    after = await probe(az303_backend, inventory, "vm1", "vm2")
    assert after.status == "Connected"
    assert after.reachable is True
    assert after.issues == ()
    assert [(h.kind, h.address) for h in after.hops] == [
        ("Source", "10.1.0.4"), ("VirtualMachine", "10.2.0.4")]
    assert after.avg_latency_ms is not None
    assert after.probes_failed == 0


async def test_the_source_vms_region_is_read_when_not_given(az303_backend: Any) -> None:
    inventory = await az303_backend.load_inventory()
    given = await probe(az303_backend, inventory, "vm1", "10.2.0.4", location="West Europe")
    read = await probe(az303_backend, inventory, "vm1", "10.2.0.4")
    assert given == read
    assert read.hops[0].kind == "Source"


async def test_no_watcher_in_the_region_is_explained(az303_backend: Any) -> None:
    inventory = await az303_backend.load_inventory()
    with pytest.raises(NotFoundError) as caught:
        await probe(az303_backend, inventory, "vm1", "vm2", location="northeurope")
    assert caught.value.message.startswith(
        "Network Watcher is not enabled in northeurope for subscription "
        "3030a303-0000-4000-8000-000000000303")
    assert caught.value.code == "NetworkWatcherNotFound"


async def test_udp_is_refused_before_anything_is_sent(az303_backend: Any) -> None:
    with pytest.raises(InputError, match="cannot probe UDP"):
        await az303_backend.probe_connectivity(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v",
            "10.0.0.4", 80, "udp")


async def test_a_missing_source_vm_is_a_cloud_error(az303_backend: Any) -> None:
    inventory = await az303_backend.load_inventory()
    missing = str(find_vm(inventory, "vm1").id)[:-1] + "9"
    with pytest.raises(CloudError) as caught:
        await az303_backend.probe_connectivity(missing, "10.2.0.4", 80, location="westeurope")
    assert caught.value.code == "ResourceNotFound"


async def test_showcase_nsg_block_and_read_only(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., Any]
) -> None:
    """The probe is a read: `--read-only` lets it through."""
    async with open_sandbox_backend(make_sandbox("showcase"), read_only=True) as backend:
        inventory = await backend.load_inventory()
        blocked = await probe(backend, inventory, "app5", "api4", 80)
        assert blocked.reachable is False
        [(hop, issue)] = blocked.issues
        assert (hop.kind, hop.resource_id) == ("VirtualMachine", find_vm(inventory, "api4").id)
        assert (issue.origin, issue.kind, issue.context) == (
            "Inbound", "NetworkSecurityRule", (("RuleName", "nsg-spoke4/DenyHttpInbound"),))
        https = await probe(backend, inventory, "app5", "api4", 443, protocol="any")
        assert https.status == "Connected"
        assert https.protocol == "Tcp"
        stopped_source = await probe(backend, inventory, "batch5", "app5")
        assert [i.kind for _, i in stopped_source.issues] == ["AgentStopped"]
