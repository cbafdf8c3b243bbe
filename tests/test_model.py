"""The model's contract: ids compare as Azure compares them, lookups find by any casing."""

from tui.model import (
    ALL_KINDS,
    Inventory,
    Kind,
    LoadError,
    NetworkInterface,
    PeeringState,
    PowerState,
    ResourceId,
    Subscription,
    SyncLevel,
    VirtualMachine,
    VirtualNetwork,
)

VNET = ResourceId(
    "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/vnet1"
)


def test_resource_ids_compare_case_insensitively() -> None:
    lower = VNET.lower()
    assert VNET == ResourceId(lower)
    assert lower == VNET  # a plain str on the left still compares case-insensitively
    assert hash(VNET) == hash(ResourceId(lower))
    assert {VNET: 1}[ResourceId(lower)] == 1
    assert ResourceId(VNET + "x") != VNET


def test_resource_id_parts() -> None:
    subnet = ResourceId(VNET + "/subnets/default")
    assert subnet.subscription_id == "SUB"
    assert subnet.resource_group == "RG"
    assert subnet.name == "default"
    assert subnet.parent == VNET


def test_enums_parse_what_azure_sends() -> None:
    assert PeeringState.parse("connected") is PeeringState.CONNECTED
    assert PeeringState.parse(None) is PeeringState.UNKNOWN
    assert SyncLevel.parse("LocalNotInSync") is SyncLevel.LOCAL_NOT_IN_SYNC
    assert PowerState.parse("PowerState/deallocated") is PowerState.DEALLOCATED
    assert PowerState.parse("VM running") is PowerState.RUNNING
    assert PeeringState.parse("Bogus") is PeeringState.UNKNOWN
    assert SyncLevel.parse(None) is SyncLevel.FULLY_IN_SYNC
    assert SyncLevel.parse("Bogus") is SyncLevel.UNKNOWN
    assert PowerState.parse(None) is PowerState.UNKNOWN


def test_inventory_lookups_ignore_case() -> None:
    vnet = VirtualNetwork(VNET, "vnet1", "RG", "SUB", "westeurope", ("10.1.0.0/16",))
    nic = NetworkInterface(
        ResourceId("/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/networkInterfaces/n1"),
        "n1", ("10.1.0.4",), ResourceId(VNET + "/subnets/default"),
    )
    vm = VirtualMachine(
        ResourceId("/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1"),
        "vm1", "RG", "SUB", "westeurope", "Standard_B2s", "Windows", PowerState.RUNNING, (nic,),
    )
    inventory = Inventory(vnets=(vnet,), vms=(vm,))
    assert inventory.vnet(VNET.upper()) is vnet
    assert vm.private_ip == "10.1.0.4"
    assert vm.vnet_id == VNET
    assert inventory.vms_in(VNET.lower()) == [vm]
    assert inventory.vms_in(VNET + "/other") == []


def test_subscriptions_errors_and_vnets_per_subscription_by_any_casing() -> None:
    vnet = VirtualNetwork(VNET, "vnet1", "RG", "SUB", "westeurope", ("10.1.0.0/16",))
    first, twin = Subscription("SUB", "Prod"), Subscription("sub", "Twin")
    error = LoadError("Other", "AuthorizationFailed", "no")
    inventory = Inventory(subscriptions=(first, twin), vnets=(vnet,), errors=(error,),
                          kinds=frozenset({Kind.VNETS}))
    assert inventory.subscription("sub") is first  # the first of equal ids, as listed
    assert inventory.subscription("nope") is None
    assert inventory.vnets_in("Sub") == [vnet]
    assert inventory.vnets_in("other") == []
    assert inventory.error_for("OTHER") is error
    assert inventory.error_for("SUB") is None
    replaced = inventory.with_vnet(vnet)
    assert replaced.kinds == {Kind.VNETS}
    assert replaced.vnet(VNET) is vnet
    assert Inventory().kinds == ALL_KINDS
