"""`x`: VNets whose address spaces overlap, in groups; enter jumps to one; f finds free space;
p opens the peering form for the row's VNet and the VNet it overlaps, pre-filled for subnet
peering, when some of their subnets overlap nothing on the other side.

The app computes the groups, the subnet-peering routes and the free ranges; this screen
only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from widgets.dialog import DialogScreen
from widgets.resource_table import ResourceTable, TableRow
from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, plain
from widgets.table_layout import Column


@dataclass(frozen=True)
class ConflictEntry:
    group: int  # entries with the same group overlap each other
    vnet_key: str  # lower-cased VNet id
    vnet_name: str
    subscription: str
    resource_group: str
    prefixes: tuple[str, ...]
    overlap: str  # "10.1.0.0/16 with legacy-app"
    route: str = ""  # what subnet peering could do for it and the VNet it overlaps
    subnet_peer: str | None = None  # that VNet's lower-cased id, when subnet peering can


@dataclass(frozen=True)
class SubnetPeerChoice:
    """`p` on a row: open the peering form from `local` to `remote`, by subnets."""

    local: str
    remote: str


def conflict_rows(entries: Sequence[ConflictEntry]) -> list[TableRow]:
    rows = []
    for entry in entries:
        cells = (
            Text(str(entry.group), style="bold"),
            plain(entry.vnet_name, "bold"),
            plain(entry.subscription),
            plain(entry.resource_group),
            plain(", ".join(entry.prefixes)),
            plain(entry.overlap, BAD_STYLE),
        )
        rows.append(TableRow(f"{entry.group}:{entry.vnet_key}", cells))
    return rows


def parse_free_query(text: str) -> tuple[int, tuple[str, ...], str | None] | str:
    """`24`, `24 within 10.0.0.0/8,172.16.0.0/12`, `24 peerable hub-vnet`: the size, the
    ranges to search and the VNet to stay peerable with; or what is wrong."""
    words = text.replace("/", " ", 1).split() if text.strip().startswith("/") else text.split()
    if not words or not words[0].isdigit() or not 8 <= int(words[0]) <= 29:
        return "Give a prefix length from 8 to 29, then optionally within CIDR, peerable VNET."
    within: tuple[str, ...] = ()
    peerable: str | None = None
    rest = words[1:]
    while rest:
        word = rest.pop(0).casefold()
        if word == "within" and rest:
            within += tuple(c for c in rest.pop(0).split(",") if c)
        elif word in ("peerable", "peerable-with") and rest:
            peerable = rest.pop(0)
        else:
            return f"Not understood: {word!r}. Try: 24 within 10.0.0.0/8 peerable hub-vnet"
    return int(words[0]), within, peerable


class ConflictsScreen(DialogScreen[str | SubnetPeerChoice | None]):
    """Dismisses with the lower-cased id of the VNet to jump to, the pair to peer by
    subnets, or None."""

    DEFAULT_CSS = """
    ConflictsScreen #conflicts-body { width: 90%; max-width: 110; max-height: 90%; padding: 0 1; }
    ConflictsScreen #conflicts-table { height: auto; max-height: 20; }
    ConflictsScreen #free-row { height: auto; }
    ConflictsScreen #free-label { padding: 1 0 0 0; }
    ConflictsScreen #free-length { width: 48; max-width: 100%; }
    ConflictsScreen #free-result, ConflictsScreen #conflicts-empty { height: auto; }
    ConflictsScreen #route { height: auto; padding: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="vnettui.conflicts_close"),
        Binding("p", "peer_subnets", "Peer by subnets", id="vnettui.conflicts_peer"),
        Binding("f", "free", "Suggest a free range", id="vnettui.conflicts_free"),
    ]

    class FreeRangeRequested(Message):
        """Free /prefix_length blocks, inside `within` (CIDRs) and, with `peerable`, also
        clear of that VNet's peers (the CLI's `free --within --peerable-with`)."""

        def __init__(self, prefix_length: int, within: tuple[str, ...] = (),
                     peerable: str | None = None) -> None:
            super().__init__()
            self.prefix_length = prefix_length
            self.within = within
            self.peerable = peerable

    def __init__(self, entries: Sequence[ConflictEntry]) -> None:
        super().__init__()
        self._entries = list(entries)

    def compose(self) -> ComposeResult:
        with Vertical(id="conflicts-body", classes="dialog") as body:
            groups = len({e.group for e in self._entries})
            body.border_title = (
                f"Overlapping address spaces: {groups} group" + ("s" if groups != 1 else "")
            )
            body.border_subtitle = ("enter jumps · p peers by subnets · f free range · esc")
            table = ResourceTable(
                # What overlaps stays whole; where each VNet lives gives way first.
                (Column("#", "group", priority=2), Column("VNet", "name", priority=2),
                 Column("Subscription", "sub"), Column("Resource group", "rg"),
                 Column("Address space", "space", priority=2),
                 Column("Overlap", "overlap", priority=2)),
                id="conflicts-table",
            )
            yield table
            yield Static(
                Text("No address spaces overlap.", style=OK_STYLE) if not self._entries else "",
                id="conflicts-empty",
            )
            yield Static("", id="route")
            with Horizontal(id="free-row"):
                yield Label("Free range of size /", id="free-label")
                yield Input("24", id="free-length",
                            placeholder="24 [within 10.0.0.0/8] [peerable hub-vnet]")
            yield Static("", id="free-result")

    def on_mount(self) -> None:
        table = self.query_one("#conflicts-table", ResourceTable)
        table.show_rows(conflict_rows(self._entries), flash=False)
        table.focus()
        self.query_one("#free-row").display = False

    def _entry(self, key: str | None) -> ConflictEntry | None:
        return next((e for e in self._entries if f"{e.group}:{e.vnet_key}" == key), None)

    def on_resource_table_row_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        """Under the table: what subnet peering could do for the row under the cursor."""
        event.stop()
        entry = self._entry(event.key)
        text = Text()
        if entry is not None and entry.route:
            text.append(entry.route, style=OK_STYLE if entry.subnet_peer else DIM_STYLE)
            if entry.subnet_peer:
                text.append(" · p opens the form, pre-filled", style="bold")
        self.query_one("#route", Static).update(text)

    def action_peer_subnets(self) -> None:
        entry = self._entry(self.query_one("#conflicts-table", ResourceTable).selected_key)
        if entry is None or entry.subnet_peer is None:
            self.notify(entry.route if entry is not None and entry.route else
                        "Subnet peering cannot connect this VNet to the ones it overlaps.",
                        severity="warning", markup=False)
            return
        self.dismiss(SubnetPeerChoice(entry.vnet_key, entry.subnet_peer))

    def on_resource_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        key = event.key
        self.dismiss(key.split(":", 1)[1] if ":" in key else None)

    def action_free(self) -> None:
        self.query_one("#free-row").display = True
        self.query_one("#free-length", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = self.query_one("#free-result", Static)
        query = parse_free_query(event.value)
        if isinstance(query, str):
            result.update(Text(query, style=BAD_STYLE))
            return
        result.update(Text("searching…", style=DIM_STYLE))
        self.post_message(self.FreeRangeRequested(*query))

    def show_free(self, prefix_length: int, ranges: Sequence[str] | str) -> None:
        """Free blocks found for /prefix_length, or a sentence why there are none."""
        result = self.query_one("#free-result", Static)
        if isinstance(ranges, str):
            result.update(plain(ranges, BAD_STYLE))
        elif not ranges:
            result.update(Text(f"No free /{prefix_length} left.", style=BAD_STYLE))
        else:
            text = Text(f"Free /{prefix_length}: ", style="bold")
            text.append(", ".join(ranges), style=OK_STYLE)
            result.update(text)
