"""Inventory through the real SDK clients on the sandbox: joins, paging, faults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.azure import AzureBackend
from tui.errors import InputError
from tui.model import Inventory, LoadError, PeeringState, Subscription


async def test_az303_is_exactly_the_seed(az303_backend: AzureBackend) -> None:
    progress: list[tuple[str, LoadError | None]] = []
    inventory = await az303_backend.load_inventory(lambda s, e: progress.append((s.name, e)))
    assert [s.name for s in inventory.subscriptions] == ["AZ-303 Lab"]
    assert progress == [("AZ-303 Lab", None)]
    assert inventory.errors == ()
    vnets = {v.name: v for v in inventory.vnets}
    assert sorted(vnets) == ["vnet1", "vnet2"]
    for n in (1, 2):
        vnet = vnets[f"vnet{n}"]
        assert vnet.resource_group == "rg-peering"
        assert vnet.location == "westeurope"
        assert vnet.address_prefixes == (f"10.{n}.0.0/16",)
        assert [(s.name, s.address_prefixes) for s in vnet.subnets] == [
            ("default", (f"10.{n}.0.0/24",))
        ]
        assert vnet.peerings == ()
        assert not vnet.has_gateway
    vms = {vm.name: vm for vm in inventory.vms}
    assert sorted(vms) == ["vm1", "vm2"]
    for n in (1, 2):
        vm = vms[f"vm{n}"]
        assert vm.private_ip == f"10.{n}.0.4"
        assert vm.vnet_id == vnets[f"vnet{n}"].id
        assert vm.subnet_id == vnets[f"vnet{n}"].subnets[0].id
        assert inventory.vms_in(vnets[f"vnet{n}"].id) == [vm]
    assert vms["vm1"].os_type == "Windows"
    assert vms["vm1"].power_state.value == "running"


async def test_showcase_joins_everything_it_lists(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(make_sandbox("showcase")) as backend:
        inventory = await backend.load_inventory()
    assert len(inventory.subscriptions) >= 2
    assert inventory.errors == ()
    assert any(v.has_gateway for v in inventory.vnets)
    peerings = [p for v in inventory.vnets for p in v.peerings]
    assert any(p.state is PeeringState.CONNECTED for p in peerings)
    assert any(p.state is PeeringState.DISCONNECTED for p in peerings)
    assert any(p.needs_sync for p in peerings)
    for peering in peerings:
        if peering.state is PeeringState.CONNECTED:
            reverse = inventory.reverse_of(peering)
            assert reverse is not None
            assert reverse.state is PeeringState.CONNECTED
    for vm in inventory.vms:
        assert vm.private_ip, vm.name
        vnet = inventory.vnet(vm.vnet_id)
        assert vnet is not None, vm.name
        assert vnet.subnet(vm.subnet_id or "") is not None
    referenced = {s.nsg_id for v in inventory.vnets for s in v.subnets if s.nsg_id}
    assert referenced
    assert all(inventory.nsg(n) is not None for n in referenced)


async def _sdk_count(backend: AzureBackend, sub: Subscription) -> int:
    """The SDK's own typed pager, as an oracle for the raw pages."""
    return len([v async for v in backend.network(sub.id).virtual_networks.list_all()])


async def test_paging_reads_every_page(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    path = make_sandbox("estate", subscriptions=2, vnets=120, seed=7)
    async with open_sandbox_backend(path, inventory="arm") as backend:
        inventory = await backend.load_inventory()
        assert inventory.errors == ()
        for sub in inventory.subscriptions:
            assert len(inventory.vnets_in(sub.id)) == await _sdk_count(backend, sub)
    assert len(inventory.vnets) >= 120
    assert len({v.id for v in inventory.vnets}) == len(inventory.vnets)


async def test_one_item_pages_give_the_same_inventory(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    """Every list (subscriptions, VNets, NICs, NSGs, route tables, VMs) follows nextLink."""
    path = make_sandbox("showcase")
    async with open_sandbox_backend(path, inventory="arm") as backend:
        whole = await backend.load_inventory()
    async with open_sandbox_backend(path, transport_options={"page_size": 1},
                                    inventory="arm") as backend:
        paged = await backend.load_inventory()
    assert _shape(paged) == _shape(whole)
    assert len(whole.subscriptions) > 1
    assert len(whole.vms) > 1
    assert len(whole.nsgs) > 1


@pytest.mark.parametrize("source", ["arm", "graph"])
async def test_forbidden_subscription_becomes_a_load_error(
    source: str, make_sandbox: Callable[..., Path],
    open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    path = make_sandbox("showcase")
    async with open_sandbox_backend(path, inventory=source) as backend:
        clean = await backend.load_inventory()
    victim = next(s for s in clean.subscriptions if s.name != "AZ-303 Lab")
    progress: dict[str, LoadError | None] = {}
    async with open_sandbox_backend(
        path, faults={"forbidden_subscriptions": [victim.id]}, inventory=source,
    ) as backend:
        inventory = await backend.load_inventory(lambda s, e: progress.__setitem__(s.id, e))
    (error,) = inventory.errors
    assert error.subscription_id == victim.id
    assert error.code == "AuthorizationFailed"
    assert "\n" not in error.message
    assert progress[victim.id] == error
    assert all(e is None for sid, e in progress.items() if sid != victim.id)
    assert inventory.vnets_in(victim.id) == []
    others = [v for v in clean.vnets if v.subscription_id != victim.id]
    assert sorted(v.id for v in inventory.vnets) == sorted(v.id for v in others)


@pytest.mark.parametrize(
    "faults",
    [
        {"throttle_every": 3},
        {"error_every": 4, "error_status": 503},
        {"error_every": 5, "error_status": 500},
        {"drop_every": 4},
    ],
    ids=["429", "503", "500", "dropped"],
)
@pytest.mark.parametrize("source", ["arm", "graph"])
async def test_throttling_and_server_errors_are_retried(
    source: str, faults: dict[str, Any], sandbox_path: Path,
    open_sandbox_backend: Callable[..., AzureBackend],
) -> None:
    async with open_sandbox_backend(sandbox_path, inventory=source) as backend:
        clean = await backend.load_inventory()
    async with open_sandbox_backend(sandbox_path, faults=faults, inventory=source) as backend:
        flaky = await backend.load_inventory()
    assert flaky.errors == ()
    assert flaky.source == source
    assert _shape(flaky) == _shape(clean)


def _shape(inventory: Inventory) -> tuple[object, ...]:
    return (inventory.subscriptions, inventory.vnets, inventory.vms, inventory.nsgs,
            inventory.route_tables)


async def test_subscription_filter_by_name_or_id(
    sandbox_path: Path, open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(sandbox_path, subscriptions=("az-303 lab",)) as backend:
        (sub,) = await backend.list_subscriptions()
    async with open_sandbox_backend(sandbox_path, subscriptions=(sub.id.upper(),)) as backend:
        assert [s.id for s in await backend.list_subscriptions()] == [sub.id]
    async with open_sandbox_backend(sandbox_path, subscriptions=("nope",)) as backend:
        with pytest.raises(InputError, match=r"'nope'.*AZ-303 Lab"):
            await backend.load_inventory()


async def test_subscriptions_load_concurrently_but_bounded(
    make_sandbox: Callable[..., Path], env: dict[str, str]
) -> None:
    from tui.azure.connection import make_connection
    from tui.azure.reads import MAX_CONCURRENT_SUBSCRIPTIONS, MAX_REQUESTS_IN_FLIGHT
    from tui.model import Kind
    from tui.sandbox import SandboxTransport
    from tui.settings import Settings

    class Watching(SandboxTransport):
        """Counts the subscriptions and requests in flight (latency keeps them open)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.in_flight: dict[str, int] = {}
            self.most_subscriptions = self.most_requests = 0

        async def send(self, request: Any, **kwargs: Any) -> Any:
            parts = request.url.split("/")
            sub = parts[4] if len(parts) > 5 and parts[3] == "subscriptions" else ""
            self.in_flight[sub] = self.in_flight.get(sub, 0) + 1
            busy = [s for s, n in self.in_flight.items() if n and s]
            self.most_subscriptions = max(self.most_subscriptions, len(busy))
            self.most_requests = max(self.most_requests, sum(self.in_flight.values()))
            try:
                return await super().send(request, **kwargs)
            finally:
                self.in_flight[sub] -= 1

    path = make_sandbox("estate", subscriptions=MAX_CONCURRENT_SUBSCRIPTIONS + 4, vnets=40,
                        seed=3)
    settings = Settings(sandbox=True, sandbox_state=path, inventory="arm")  # the fan-out
    for kinds in ({Kind.VNETS}, set(Kind)):
        transport = Watching(path, faults={"operation_seconds": 0, "latency_ms": 5})
        connection = make_connection(settings)._replace(transport_factory=lambda t=transport: t)
        async with AzureBackend(settings, connection) as backend:
            inventory = await backend.load(kinds)
        assert len(inventory.subscriptions) == MAX_CONCURRENT_SUBSCRIPTIONS + 4
        assert inventory.errors == ()
        assert transport.most_subscriptions <= MAX_CONCURRENT_SUBSCRIPTIONS
        assert transport.most_requests == MAX_REQUESTS_IN_FLIGHT
        if kinds == {Kind.VNETS}:  # one list each: every slot holds a subscription
            assert transport.most_subscriptions == MAX_CONCURRENT_SUBSCRIPTIONS


async def test_a_load_holds_the_kinds_asked_for_and_says_so(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    from tui.model import Kind

    async with open_sandbox_backend(make_sandbox("showcase")) as backend:
        whole = await backend.load_inventory()
        vms = await backend.load({Kind.VMS})
        vnets = await backend.load({Kind.VNETS})
    assert vms.kinds == {Kind.VMS}
    assert (vms.vnets, vms.nsgs, vms.route_tables) == ((), (), ())
    assert vms.vms == whole.vms  # NICs and power states joined as in a full load
    assert vnets.vnets == whole.vnets
    assert vnets.vms == ()


async def test_subscriptions_come_out_as_each_is_read_failures_in_place(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    from tui.model import Kind
    from tui.sandbox.scenarios import CONTOSO_SUBSCRIPTION

    path = make_sandbox("showcase")
    async with open_sandbox_backend(
        path, faults={"forbidden_subscriptions": [CONTOSO_SUBSCRIPTION]}
    ) as backend:
        subs = await backend.list_subscriptions()
        seen = {sub.id: result async for sub, result in
                backend.iter_subscriptions({Kind.VNETS}, subs)}
    assert set(seen) == {s.id for s in subs}
    failed = seen[CONTOSO_SUBSCRIPTION]
    assert isinstance(failed, LoadError)
    assert failed.code == "AuthorizationFailed"
    assert all(not isinstance(r, LoadError) and r.vnets for s, r in seen.items()
               if s != CONTOSO_SUBSCRIPTION)
