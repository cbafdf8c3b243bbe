"""The model's contract: ids compare as Azure compares them, lookups find by any casing."""

from tui.model import (
    Inventory,
    NetworkInterface,
    PeeringState,
    PowerState,
    ResourceId,
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
