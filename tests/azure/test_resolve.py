"""Naming a VNet, VM or peering the way a person would type it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.errors import InputError
from tui.model import (
    Inventory,
    NetworkInterface,
    Peering,
    PeeringFlags,
    PeeringState,
    PowerState,
    Subscription,
    SyncLevel,
    VirtualMachine,
    VirtualNetwork,
    rid,
)
from tui.resolve import find_peering, find_subscription, find_vm, find_vnet

S1, S2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"


def vnet_id(sub: str, rg: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/" + (
        f"virtualNetworks/{name}"
    )


def make_vnet(sub: str, rg: str, name: str, peerings: tuple[Peering, ...] = ()) -> VirtualNetwork:
    return VirtualNetwork(
        id=rid(vnet_id(sub, rg, name)),
        name=name,
        resource_group=rg,
        subscription_id=sub,
        location="westeurope",
        address_prefixes=("10.0.0.0/16",),
        peerings=peerings,
    )


def make_vm(sub: str, rg: str, name: str) -> VirtualMachine:
    vm_id = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/" + (
        f"virtualMachines/{name}"
    )
    nic = NetworkInterface(
        id=rid(vm_id + "-nic"), name=name + "-nic", private_ips=("10.0.0.4",), subnet_id=None
    )
    return VirtualMachine(
        id=rid(vm_id),
        name=name,
        resource_group=rg,
        subscription_id=sub,
        location="westeurope",
        size="Standard_B1s",
        os_type="Linux",
        power_state=PowerState.RUNNING,
        nics=(nic,),
    )


PEERING = Peering(
    id=rid(vnet_id(S1, "rg-peering", "vnet1") + "/virtualNetworkPeerings/1and2"),
    name="1and2",
    vnet_id=rid(vnet_id(S1, "rg-peering", "vnet1")),
    remote_vnet_id=rid(vnet_id(S1, "rg-peering", "vnet2")),
    state=PeeringState.INITIATED,
    sync_level=SyncLevel.FULLY_IN_SYNC,
    flags=PeeringFlags(),
)

INVENTORY = Inventory(
    subscriptions=(Subscription(S1, "AZ-303 Lab"), Subscription(S2, "Hub Prod")),
    vnets=(
        make_vnet(S1, "rg-peering", "vnet1", (PEERING,)),
        make_vnet(S1, "rg-peering", "vnet2"),
        make_vnet(S1, "rg-a", "shared"),
        make_vnet(S2, "rg-a", "shared"),
        make_vnet(S2, "rg-b", "shared"),
    ),
    vms=(make_vm(S1, "rg-peering", "vm1"), make_vm(S2, "rg-x", "vm1")),
)


@pytest.mark.parametrize(
    "ref",
    [
        "vnet1",
        "VNET1",
        "rg-peering/vnet1",
        "AZ-303 Lab/rg-peering/vnet1",
        f"{S1}/RG-PEERING/vnet1",
        vnet_id(S1, "rg-peering", "vnet1").upper(),
        vnet_id(S1, "rg-peering", "vnet1") + "/",
    ],
)
def test_vnet_by_every_form(ref: str) -> None:
    assert find_vnet(INVENTORY, ref).id == vnet_id(S1, "rg-peering", "vnet1")


def test_ambiguous_lists_candidates_in_a_form_that_picks_one() -> None:
    with pytest.raises(InputError) as caught:
        find_vnet(INVENTORY, "shared")
    text = caught.value.message
    assert "AZ-303 Lab/rg-a/shared" in text
    assert "Hub Prod/rg-a/shared" in text
    assert "Hub Prod/rg-b/shared" in text
    with pytest.raises(InputError, match="ambiguous"):
        find_vnet(INVENTORY, "rg-a/shared")
    assert find_vnet(INVENTORY, "hub prod/rg-a/shared").subscription_id == S2


def test_missing_names_what_was_looked_for() -> None:
    with pytest.raises(InputError, match="'vnet9'"):
        find_vnet(INVENTORY, "vnet9")
    with pytest.raises(InputError, match="RESOURCE_GROUP/NAME"):
        find_vnet(INVENTORY, "a/b/c/d")
    with pytest.raises(InputError, match="empty"):
        find_vm(INVENTORY, " ")


def test_vm_and_subscription() -> None:
    assert find_vm(INVENTORY, "rg-x/vm1").subscription_id == S2
    with pytest.raises(InputError, match="ambiguous"):
        find_vm(INVENTORY, "vm1")
    assert find_subscription(INVENTORY, "hub prod").id == S2
    assert find_subscription(INVENTORY, f"/subscriptions/{S1}").name == "AZ-303 Lab"
    with pytest.raises(InputError, match="No subscription"):
        find_subscription(INVENTORY, "nope")


def test_peering_by_name_on_its_vnet_or_by_id() -> None:
    vnet1 = find_vnet(INVENTORY, "vnet1")
    assert find_peering(INVENTORY, "1AND2", vnet1) == PEERING
    assert find_peering(INVENTORY, PEERING.id.upper()) == PEERING
    with pytest.raises(InputError, match="its peerings: 1and2"):
        find_peering(INVENTORY, "2and1", vnet1)
    with pytest.raises(InputError, match="Name the virtual network"):
        find_peering(INVENTORY, "1and2")


# Names from a tiny alphabet, so generated estates are full of collisions.
_names = st.sampled_from(["a", "b", "A"])
_vnet_keys = st.lists(st.tuples(st.sampled_from([S1, S2]), _names, _names), min_size=1,
                      max_size=12, unique_by=lambda k: (k[0], k[1].lower(), k[2].lower()))


@given(keys=_vnet_keys, data=st.data())
def test_every_form_finds_exactly_what_it_names(
    keys: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    inventory = Inventory(
        subscriptions=INVENTORY.subscriptions,
        vnets=tuple(make_vnet(sub, rg, name) for sub, rg, name in keys),
    )
    target = data.draw(st.sampled_from(inventory.vnets))
    sub_name = inventory.subscription(target.subscription_id)
    assert sub_name is not None
    assert find_vnet(inventory, target.id.swapcase()) == target
    assert find_vnet(inventory, f"{sub_name.name}/{target.resource_group}/{target.name}") == target

    def same(v: VirtualNetwork, rg: bool) -> bool:
        return v.name.lower() == target.name.lower() and (
            not rg or v.resource_group.lower() == target.resource_group.lower())

    for ref, rg in ((target.name, False), (f"{target.resource_group}/{target.name}", True)):
        matching = [v for v in inventory.vnets if same(v, rg)]
        if len(matching) == 1:
            assert find_vnet(inventory, ref) == target
        else:
            with pytest.raises(InputError, match="ambiguous") as caught:
                find_vnet(inventory, ref)
            assert caught.value.message.count("/") >= 2 * len(matching)
