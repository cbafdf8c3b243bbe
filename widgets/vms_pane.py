"""The VM pane: name, private IP, VNet/subnet, power state, size and OS."""

from __future__ import annotations

from collections.abc import Sequence

from tui.model import VirtualMachine
from widgets.filtering import Query
from widgets.resource_table import Column, ResourceTable, TableRow
from widgets.style import DIM_STYLE, plain, power_text, shared

COLUMNS = (
    Column("Name", "name", priority=3),
    Column("Private IP", "ip", priority=3),
    Column("Power", "power", priority=2),
    Column("VNet/subnet", "where", priority=2),
    Column("Size", "size"),
    Column("OS", "os"),
)


def placement(vm: VirtualMachine) -> str:
    subnet = vm.subnet_id
    return f"{subnet.parent.name}/{subnet.name}" if subnet else "no network"


def vm_matches(vm: VirtualMachine, query: Query) -> bool:
    ips = [ip for nic in vm.nics for ip in nic.private_ips]
    return query.matches(names=(vm.name, placement(vm), vm.resource_group), ips=ips)


def vm_row(vm: VirtualMachine) -> TableRow:
    cells = (
        plain(vm.name),
        plain(vm.private_ip or "–"),
        power_text(vm.power_state),
        plain(placement(vm), DIM_STYLE if not vm.subnet_id else ""),
        shared(vm.size),
        shared(vm.os_type),
    )
    return TableRow(vm.id.casefold(), cells)


class VmsPane(ResourceTable):
    """The VMs in the selected VNet (or subscription)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, id=id)
        self.border_title = "Virtual machines"

    def show(self, vms: Sequence[VirtualMachine], query: Query, *, flash: bool = True) -> None:
        self.show_rows([vm_row(vm) for vm in vms if vm_matches(vm, query)], flash=flash)
