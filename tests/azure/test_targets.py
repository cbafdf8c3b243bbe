"""Reading only the VNets a command names: which reads a name costs, and that resolving over
them answers exactly as resolving over every VNet does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.azure import AzureBackend
from tui.azure.targets import Read, plan_reads
from tui.errors import InputError
from tui.model import Inventory, Kind, Subscription, rid
from tui.resolve import find_vnet
from tui.sandbox.scenarios import AZ303_SUBSCRIPTION, CONTOSO_SUBSCRIPTION

S1, S2 = Subscription("1111", "Prod"), Subscription("2222", "Dev")
VNET = "/subscriptions/2222/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"


def test_an_id_or_a_full_path_is_one_get() -> None:
    assert plan_reads([VNET], [S1, S2]) == [Read("2222", vnet_id=rid(VNET))]
    assert plan_reads(["dev/RG/v"], [S1, S2]) == [Read("2222", resource_group="RG", name="v")]
    assert plan_reads(["2222/rg/v"], [S1, S2]) == [Read("2222", resource_group="rg", name="v")]


def test_a_group_and_name_is_one_get_per_subscription() -> None:
    assert plan_reads(["rg/v"], [S1, S2]) == [
        Read("1111", resource_group="rg", name="v"), Read("2222", resource_group="rg", name="v")]


def test_a_bare_name_lists_every_subscription_once_and_makes_its_gets_redundant() -> None:
    reads = plan_reads(["v", "rg/w", VNET, "V"], [S1, S2])
    assert reads == [Read("1111"), Read("2222")]


def test_what_cannot_name_a_vnet_of_these_subscriptions_reads_nothing() -> None:
    other = VNET.replace("2222", "3333")
    peering = VNET + "/virtualNetworkPeerings/p"
    assert plan_reads(["", " ", "a//b", "a/b/c/d", other, peering, "nope/rg/v"],
                      [S1, S2]) == []


def _outcome(inventory: Inventory, ref: str) -> str:
    try:
        return str(find_vnet(inventory, ref).id)
    except InputError as error:
        return f"error: {error}"


async def test_resolving_named_vnets_answers_as_the_full_inventory_does(
    showcase_with_twins: Path, open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    vnet1 = (f"/subscriptions/{AZ303_SUBSCRIPTION}/resourceGroups/rg-peering/providers/"
             "Microsoft.Network/virtualNetworks/vnet1")
    refs = ["vnet1", "VNET2", "rg-peering/vnet1", "rg-spokes/spoke1-vnet",
            "AZ-303 Lab/rg-peering/vnet1", f"{CONTOSO_SUBSCRIPTION}/RG-HUB/hub-vnet",
            vnet1, vnet1.upper() + "/", "missing", "rg-nope/vnet1", "AZ-303 Lab/rg/x",
            vnet1.replace("vnet1", "gone"), "a/b/c/d", ""]
    async with open_sandbox_backend(showcase_with_twins) as backend:
        full = await backend.load({Kind.VNETS})
        for ref in refs:
            named = await backend.find_vnets([ref])
            assert _outcome(named, ref) == _outcome(full, ref), ref
            assert set(named.vnets) <= set(full.vnets)


async def test_with_vnets_adds_a_remote_once_and_leaves_out_what_a_load_would(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., AzureBackend]
) -> None:
    async with open_sandbox_backend(make_sandbox("showcase")) as backend:
        inventory = await backend.find_vnets(["Contoso Platform/rg-hub/hub-vnet"])
        (hub,) = inventory.vnets
        remotes = [p.remote_vnet_id for p in hub.peerings]
        gone = hub.id.replace("hub-vnet", "gone-vnet")
        elsewhere = hub.id.replace(CONTOSO_SUBSCRIPTION, "0000")
        grown = await backend.with_vnets(inventory, [*remotes, hub.id, gone, elsewhere])
        assert [v.id for v in grown.vnets] == [hub.id, *remotes]
        assert grown.errors == ()
        assert await backend.with_vnets(grown, remotes) is grown
