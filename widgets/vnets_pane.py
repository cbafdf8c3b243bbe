"""The VNet pane: name, resource group, region, address space, peerings, overlap mark."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text

from tui.model import VirtualNetwork
from widgets.filtering import Query
from widgets.resource_table import Column, ResourceTable, TableRow
from widgets.style import BAD_STYLE, peerings_summary, plain, shared

# What matters most comes first: narrow panes cut columns from the right.
COLUMNS = (
    Column("Name", "name", priority=2),
    Column("Address space", "space", priority=2),
    Column("⇄", "peerings", priority=2),
    Column("Resource group", "rg"),
    Column("Region", "region"),
)


def vnet_matches(vnet: VirtualNetwork, query: Query) -> bool:
    return query.matches(
        names=(vnet.name, vnet.resource_group, vnet.location),
        prefixes=vnet.address_prefixes,
    )


def vnet_row(vnet: VirtualNetwork, overlapping: bool, key: str | None = None) -> TableRow:
    """`key`: the lower-cased id when the caller has it (one string per VNet, not two)."""
    # The overlap mark leads the name: a symbol and a colour, never colour alone.
    name = Text.assemble(Text("⚠ ", style=BAD_STYLE), plain(vnet.name, "bold")) if (
        overlapping
    ) else plain(vnet.name)
    cells = (
        name,
        plain(", ".join(vnet.address_prefixes), BAD_STYLE if overlapping else ""),
        peerings_summary(vnet.peerings),
        shared(vnet.resource_group),
        shared(vnet.location),
    )
    return TableRow(key or vnet.id.casefold(), cells)


class VnetsPane(ResourceTable):
    """The VNets of the selected subscription (or all), in name order."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, id=id)
        self.border_title = "Virtual networks"
        # Rows built once per VNet object (they are frozen and replaced when they change):
        # typing a filter over thousands of VNets must not rebuild every row per key.
        self._built: dict[str, tuple[VirtualNetwork, bool, TableRow]] = {}

    def row_for(self, vnet: VirtualNetwork, overlapping: bool) -> TableRow:
        key = vnet.id.casefold()
        cached = self._built.get(key)
        if cached is not None and cached[1] == overlapping and (
            cached[0] is vnet or cached[0] == vnet
        ):
            return cached[2]
        row = vnet_row(vnet, overlapping, key)
        self._built[key] = (vnet, overlapping, row)
        return row

    def show(
        self,
        vnets: Sequence[VirtualNetwork],
        query: Query,
        overlapping: Collection[str] = (),
        *,
        flash: bool = True,
    ) -> None:
        """`overlapping` holds the lower-cased ids of VNets whose space overlaps another's."""
        rows = [
            self.row_for(v, v.id.casefold() in overlapping)
            for v in vnets
            if query.empty or vnet_matches(v, query)
        ]
        self.show_rows(rows, flash=flash)

    def update_vnets(self, vnets: Sequence[VirtualNetwork], overlapping: Collection[str]) -> None:
        """Refresh the rows of these VNets in place (cursor and scroll stay)."""
        self.update_rows([self.row_for(v, v.id.casefold() in overlapping) for v in vnets])
