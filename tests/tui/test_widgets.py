"""Widget behaviour on hand-made model objects, in a small harness app."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.app import App, ComposeResult

from tests.tui.builders import peering, seed_inventory, vnet
from tests.tui.waiting import wait_until
from tui.model import Inventory, PeeringState
from widgets.details_pane import DetailsPane
from widgets.filtering import Query
from widgets.resource_table import ResourceTable, TableRow


def rows(n: int, label: str = "row") -> list[TableRow]:
    return [TableRow(f"k{i:05d}", (Text(f"{label} {i}"),)) for i in range(n)]


class TableHarness(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable((("Name", "name"),), id="t")


class DetailsHarness(App[None]):
    def compose(self) -> ComposeResult:
        yield DetailsPane(id="d")


async def test_update_by_key_keeps_cursor_and_scroll() -> None:
    app = TableHarness()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.show_rows(rows(50))
        table.focus()
        table.select_key("k00030")
        await pilot.pause()
        scroll = table.scroll_offset.y
        assert scroll > 0
        changed = rows(50)
        changed[30] = TableRow("k00030", (Text("renamed"),))
        table.show_rows(changed)
        await pilot.pause()
        assert table.selected_key == "k00030"
        assert table.scroll_offset.y == scroll
        assert table.cells_of("k00030") == (Text("renamed"),)
        # A couple of rows gone and one new: patched in, cursor stays on its row.
        patched = [r for r in changed if r.key not in ("k00001", "k00002")]
        patched.append(TableRow("k99999", (Text("new"),)))
        table.show_rows(patched)
        await pilot.pause()
        assert table.selected_key == "k00030"
        assert table.keys == [r.key for r in patched]
        assert table.row_count == len(patched)


async def test_large_fill_is_chunked_capped_and_completes() -> None:
    app = TableHarness()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.show_rows(rows(900))
        assert table.filling
        assert table.row_count == ResourceTable.CHUNK  # the first chunk is on screen at once
        await wait_until(pilot, lambda: not table.filling, "the fill to finish")
        assert table.row_count == 900
        # Thousands: capped, with a last row that says how many more a filter reaches.
        table.show_rows(rows(3000, "a"))
        table.show_rows(rows(2500, "b"))  # supersedes the running fill
        await wait_until(pilot, lambda: not table.filling, "the second fill to finish")
        assert table.row_count == ResourceTable.MAX_ROWS + 1
        assert table.cells_of(f"k{ResourceTable.MAX_ROWS - 1:05d}") == (
            Text(f"b {ResourceTable.MAX_ROWS - 1}"),
        )
        note = table.cells_of(table.keys[-1])
        assert note is not None
        assert note[0].plain == f"… {2500 - ResourceTable.MAX_ROWS} more: / narrows"
        table.move_cursor(row=table.row_count - 1)
        assert table.selected_key is None  # the note is not a resource


def test_query_matches_names_prefixes_and_ips() -> None:
    q = Query.parse("10.1.0.9")
    assert q.matches(prefixes=["10.1.0.0/16"])
    assert not q.matches(prefixes=["10.2.0.0/16"])
    assert q.matches(ips=["10.1.0.9"])
    assert Query.parse("10.1.0.0/24").matches(prefixes=["10.1.0.0/16"])
    assert Query.parse("10.1.0.0/24").matches(ips=["10.1.0.4"])
    assert not Query.parse("10.1.0.0/24").matches(ips=["10.1.1.4"])
    assert Query.parse("VNET").matches(names=["hub-vnet"])
    assert Query.parse("").matches()
    assert not Query.parse("zzz").matches(names=["vnet1"], prefixes=["10.0.0.0/8"])
    assert Query.parse("fd00::1").matches(prefixes=["fd00::/64", "10.0.0.0/8"])


async def test_details_show_both_directions_and_missing_back_link() -> None:
    app = DetailsHarness()
    inv = seed_inventory(peered=True)
    async with app.run_test(size=(60, 30)) as pilot:
        pane = app.query_one(DetailsPane)
        pane.show(inv.vnets[0], inv)
        await pilot.pause()
        cell = pane.peerings.cells_of(inv.vnets[0].peerings[0].id.casefold())
        assert cell is not None
        lines = cell[0].plain.splitlines()
        assert "1and2 → vnet2" in lines[0]
        assert "Connected" in lines[0]
        assert "⇄ 2and1" in lines[1]
        assert "Connected" in lines[1]
        # The remote side deleted: this side Disconnected, the way back missing.
        v1 = dataclasses.replace(
            inv.vnets[0],
            peerings=(peering("vnet1", "vnet2", "1and2", PeeringState.DISCONNECTED),),
        )
        v2 = dataclasses.replace(inv.vnets[1], peerings=())
        inv2 = Inventory(inv.subscriptions, (v1, v2), inv.vms)
        pane.show(v1, inv2)
        await pilot.pause()
        cell = pane.peerings.cells_of(v1.peerings[0].id.casefold())
        assert cell is not None
        lines = cell[0].plain.splitlines()
        assert "Disconnected" in lines[0]
        assert "no link on vnet2" in lines[1]
        # A VNet without peerings says how to make one.
        lonely = vnet("vnet9", "10.9.0.0/16")
        pane.show(lonely, inv2)
        await pilot.pause()
        assert not pane.peerings.display
        assert pane.selected_peering is None
