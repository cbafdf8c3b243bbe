"""`a`: the audit log, newest first: when, who, what, on which resources, and the result.

The app reads the log (`tui.audit.read_audit`) and hands the entries in; `r` asks it to
read again (`RefreshRequested`), so a write made from another shell or by `vnettui peer`
shows too. The highlighted entry's full ids and message show below the table, because a
row has room only for short names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from tui import audit
from tui.audit import AuditEntry
from widgets.dialog import DialogScreen
from widgets.style import BAD_STYLE, BUSY_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain

_RESULT_STYLE = {
    audit.SUCCEEDED: OK_STYLE,
    audit.ACCEPTED: BUSY_STYLE,
    audit.REFUSED: WARN_STYLE,
    audit.FAILED: BAD_STYLE,
    audit.ERROR: BAD_STYLE,
}

# ARM resource types as people say them.
_KINDS = {
    "virtualnetworkpeerings": "peering",
    "virtualnetworks": "VNet",
    "subnets": "subnet",
    "networksecuritygroups": "NSG",
    "routetables": "route table",
}


def when_text(entry: AuditEntry) -> str:
    """`2026-11-26 07:30:01` (the log keeps UTC; the column header says so)."""
    return entry.time[:19].replace("T", " ")


def what_text(entry: AuditEntry) -> str:
    """`write peering`, `delete peering`, `sync peering`, `connectivityCheck networkWatcher`."""
    parts = [p for p in entry.operation.split("/") if p]
    verb = parts[-1] if parts else entry.method.lower()
    if verb == "action" and len(parts) >= 2:
        verb, parts = parts[-2], parts[:-1]
    if entry.extra.get("sync") == "true":
        verb = "sync"
    kind = parts[-2] if len(parts) >= 3 else ""
    kind = _KINDS.get(kind.lower(), kind)
    return f"{verb} {kind}".strip()


def short_name(resource_id: str) -> str:
    """`vnet1/1and2` for a peering id, `vnet1` for a VNet: the names after the provider."""
    segments = [s for s in resource_id.split("/") if s]
    lowered = [s.lower() for s in segments]
    if "providers" not in lowered:
        return resource_id
    start = len(lowered) - lowered[::-1].index("providers") + 2
    return "/".join(segments[start::2]) or resource_id


def result_text(entry: AuditEntry) -> Text:
    text = Text(entry.result, style=_RESULT_STYLE.get(entry.result, ""))
    if entry.code:
        text.append(f" ({entry.code})", style=DIM_STYLE)
    return text


def entry_detail(entry: AuditEntry) -> Text:
    """Everything about one entry, for the pane under the table."""
    text = Text()
    text.append(f"{when_text(entry)} UTC  ", style="bold")
    text.append_text(plain(entry.who))
    text.append(f"  {entry.method} {entry.operation}", style=DIM_STYLE)
    for resource_id in entry.ids:
        text.append("\n")
        text.append_text(plain(resource_id))
    text.append("\n")
    text.append_text(result_text(entry))
    if entry.status is not None:
        text.append(f"  HTTP {entry.status}", style=DIM_STYLE)
    if entry.message:
        text.append("\n")
        text.append_text(plain(entry.message))
    return text


class ActivityScreen(DialogScreen[None]):
    """The audit log as a table, newest first; `r` re-reads it, `esc` closes."""

    DEFAULT_CSS = """
    ActivityScreen #activity-view { width: 95%; height: 90%; max-height: 90%; padding: 0; }
    ActivityScreen #activity-table { height: 1fr; }
    ActivityScreen #activity-detail {
        height: auto; max-height: 7; padding: 0 1; border-top: solid $panel;
    }
    ActivityScreen #activity-empty { padding: 1 2; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "refresh", id="vnettui.activity.refresh"),
        Binding("escape,q,a", "dismiss", "close", id="vnettui.activity.close"),
    ]

    class RefreshRequested(Message):
        """Read the audit log again and `show()` it."""

    def __init__(self, entries: Sequence[AuditEntry], *, source: str = "") -> None:
        super().__init__()
        self._entries: list[AuditEntry] = []
        self._initial = list(entries)
        self.source = source  # where the log lives, shown in the border

    def compose(self) -> ComposeResult:
        with Vertical(id="activity-view", classes="dialog") as body:
            body.border_title = "Activity: every write vnettui sent or refused"
            body.border_subtitle = "r refresh · esc close"
            table: DataTable[Text] = DataTable(
                id="activity-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Static("", id="activity-empty")
            yield Static("", id="activity-detail")

    def on_mount(self) -> None:
        table = self.table
        table.add_column("When (UTC)", key="when")
        table.add_column("Who", key="who")
        table.add_column("What", key="what")
        table.add_column("Resource", key="ids")
        table.add_column("Result", key="result")
        self.show(self._initial)
        table.focus()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#activity-table", DataTable)

    @property
    def entries(self) -> list[AuditEntry]:
        """As shown: newest first."""
        return list(self._entries)

    def show(self, entries: Sequence[AuditEntry]) -> None:
        """Replace the rows with `entries` (oldest first, as the log holds them)."""
        self._entries = list(reversed(entries))
        table = self.table
        table.clear()
        for number, entry in enumerate(self._entries):
            ids = ", ".join(short_name(i) for i in entry.ids) or "–"
            table.add_row(
                Text(when_text(entry)), plain(entry.who), Text(what_text(entry)),
                plain(ids), result_text(entry), key=str(number),
            )
        empty = self.query_one("#activity-empty", Static)
        empty.display = not self._entries
        empty.update(Text("No writes recorded yet. Each peering created, changed, synced or "
                          "deleted (or refused as read-only) appears here."
                          + (f"\nLog: {self.source}" if self.source else "")))
        self._show_detail(0 if self._entries else None)

    @on(DataTable.RowHighlighted, "#activity-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int | None) -> None:
        detail = self.query_one("#activity-detail", Static)
        if row is None or not 0 <= row < len(self._entries):
            detail.display = False
            return
        detail.display = True
        detail.update(entry_detail(self._entries[row]))

    def action_refresh(self) -> None:
        self.post_message(self.RefreshRequested())
