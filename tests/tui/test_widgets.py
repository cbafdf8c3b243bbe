"""Widget behaviour on hand-made model objects, in a small harness app."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tests.tui.builders import peering, seed_inventory, vnet
from tui.model import Inventory, PeeringState
from widgets.details_pane import DetailsPane
from widgets.resource_table import ResourceTable, TableRow
from widgets.tick_box import TickBox


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


async def test_any_number_of_rows_all_shown_sorted_and_navigable() -> None:
    """No row cap: 20,000 rows are all there at once; home/end/g/G, sort and reverse keep
    the cursor on its key, and an empty table takes every key without a row."""
    app = TableHarness()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.show_rows(rows(20_000))
        table.focus()
        assert table.row_count == 20_000
        await pilot.press("G")
        assert table.selected_key == "k19999"
        assert table.scroll_offset.y > 0
        await pilot.press("g")
        assert table.selected_key == "k00000"
        await pilot.press("end", "home", "pagedown")
        assert table.cursor_row > 0
        table.select_key("k00005")
        await pilot.press("O")  # reverse: the cursor stays on its row
        assert table.keys[0] == "k19999"
        assert table.selected_key == "k00005"
        table.show_rows([])
        await pilot.press("up", "k", "down", "j", "home", "end", "g", "G", "pageup",
                          "pagedown", "enter", "o", "O")
        assert table.selected_key is None

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
        v1 = inv.vnets[0]._replace(
            peerings=(peering("vnet1", "vnet2", "1and2", PeeringState.DISCONNECTED),),
        )
        v2 = inv.vnets[1]._replace(peerings=())
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


def test_columns_drop_least_important_before_cutting_a_name() -> None:
    from widgets.table_layout import fit_widths

    vnet_floors, vnet_prio = [5, 8, 5, 8, 6], [2, 2, 2, 1, 1]
    # Room for everything: natural widths.
    assert fit_widths([13, 15, 3, 14, 11], vnet_floors, 200, vnet_prio) == [13, 15, 3, 14, 11]
    # Short: Region goes, Resource group is cut, Name and Address stay whole.
    assert fit_widths([13, 15, 3, 14, 11], vnet_floors, 48, vnet_prio) == [13, 15, 3, 11, 0]
    # Shorter: both go before the address space is cut.
    assert fit_widths([13, 29, 3, 14, 11], vnet_floors, 44, vnet_prio) == [13, 24, 3, 0, 0]
    # VMs: Size and OS go before Power and the subnet are cut to "runni…".
    assert fit_widths([4, 10, 7, 14, 15, 5], [5, 8, 5, 8, 5, 5], 44,
                      [3, 3, 2, 2, 1, 1]) == [4, 10, 7, 14, 0, 0]


async def test_the_cursor_row_stays_on_screen_after_a_resize() -> None:
    app = TableHarness()
    async with app.run_test(size=(40, 30)) as pilot:
        table = app.query_one(ResourceTable)
        table.show_rows(rows(2000))
        table.focus()
        table.select_key("k00020")
        await pilot.pause()
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        await pilot.pause()
        top = int(table.scroll_offset.y)
        visible = table.scrollable_content_region.height - 1  # below the header
        assert top <= table.cursor_row < top + visible


def test_long_ids_break_between_segments_never_inside_a_name() -> None:
    from widgets.folding import fold_at_slashes

    line = Text('  "id": "/subscriptions/c0c0/resourceGroups/rg-spokes/providers/x",')
    pieces = [p.plain for p in fold_at_slashes(line, 30)]
    assert "".join(pieces) == line.plain  # nothing lost
    assert all(len(p) <= 30 for p in pieces)
    assert all(p.startswith("/") for p in pieces[1:])
    assert pieces == ['  "id": "/subscriptions/c0c0', "/resourceGroups/rg-spokes",
                      '/providers/x",']
    # One segment wider than the line is folded where it must be.
    assert [p.plain for p in fold_at_slashes(Text("/abcdefgh"), 4)] == ["/abc", "defg", "h"]


async def test_describe_keeps_an_answer_that_comes_before_the_screen_is_drawn() -> None:
    """The sandbox can answer the read before the screen is composed; the JSON must show."""
    from textual.widgets import Static

    from widgets.describe_screen import DescribeScreen
    from widgets.folding import FoldAtSlashes

    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = DescribeScreen("/subscriptions/s/x", "VNet", "x")
        screen.show({"name": "answered-early"})
        app.push_screen(screen)
        await pilot.pause()
        shown = screen.query_one("#describe-json", Static).content
        assert isinstance(shown, FoldAtSlashes)
        assert '"name": "answered-early"' in shown.text.plain


class TickHarness(App[None]):
    CSS = "#wrapping { width: 30; height: auto; text-wrap: wrap; } #plain { width: 30; }"

    def compose(self) -> ComposeResult:
        label = "accept traffic forwarded by the remote VNet"
        yield TickBox(label, True, id="wrapping")
        yield TickBox(label, id="plain")


async def test_a_tick_box_label_wraps_under_itself_where_the_form_lets_it() -> None:
    app = TickHarness()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        wrapping = app.query_one("#wrapping", TickBox)
        lines = ["".join(s.text for s in wrapping.render_line(y)).rstrip()
                 for y in range(wrapping.size.height)]
        assert lines == ["[✓] accept traffic forwarded", "    by the remote VNet"]
        plain = app.query_one("#plain", TickBox)
        assert plain.size.height == 1  # elsewhere: one line, as before
