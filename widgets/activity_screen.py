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
from textual.widgets import Static

from tui import audit
from tui.audit import AuditEntry
from widgets.dialog import DialogScreen
from widgets.folding import FoldAtSlashes
from widgets.resource_table import Column, ResourceTable, TableRow
from widgets.style import BAD_STYLE, BUSY_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain

# Narrow screens drop who did it (the detail below says) before cutting the rest; the
# result's error code is cut with an ellipsis before the outcome itself.
COLUMNS = (
    Column("When (UTC)", "when", min_width=19, priority=3),
    Column("Who", "who", priority=1),
    Column("What", "what", min_width=14, priority=2),
    Column("Resource", "ids", priority=3),
    Column("Result", "result", min_width=9, priority=2),
)

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
        self._by_key: dict[str, AuditEntry] = {}
        self._initial = list(entries)
        self.source = source  # where the log lives, shown in the border

    def compose(self) -> ComposeResult:
        with Vertical(id="activity-view", classes="dialog") as body:
            body.border_title = "Activity: every write vnettui sent or refused"
            body.border_subtitle = "r refresh · esc close"
            yield ResourceTable(COLUMNS, id="activity-table")
            yield Static("", id="activity-empty")
            yield Static("", id="activity-detail")

    def on_mount(self) -> None:
        self.show(self._initial)
        self.table.focus()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#activity-table", ResourceTable)

    @property
    def entries(self) -> list[AuditEntry]:
        """As shown: newest first."""
        return list(self._entries)

    def show(self, entries: Sequence[AuditEntry]) -> None:
        """Replace the rows with `entries` (oldest first, as the log holds them)."""
        self._entries = list(reversed(entries))
        # Keyed by place in the log, oldest 0: a refresh that adds entries keeps the keys.
        self._by_key = {str(len(entries) - 1 - n): e for n, e in enumerate(self._entries)}
        self.table.show_rows([
            TableRow(key, (Text(when_text(entry)), plain(entry.who), Text(what_text(entry)),
                           plain(", ".join(short_name(i) for i in entry.ids) or "–"),
                           result_text(entry)))
            for key, entry in self._by_key.items()
        ], flash=False)
        empty = self.query_one("#activity-empty", Static)
        empty.display = not self._entries
        empty.update(Text("No writes recorded yet. Each peering created, changed, synced or "
                          "deleted (or refused as read-only) appears here."
                          + (f"\nLog: {self.source}" if self.source else "")))
        self._show_detail(self.table.selected_key)

    @on(ResourceTable.RowHighlighted, "#activity-table")
    def _highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        self._show_detail(event.key)

    def _show_detail(self, key: str | None) -> None:
        detail = self.query_one("#activity-detail", Static)
        entry = self._by_key.get(key) if key is not None else None
        detail.display = entry is not None
        if entry is not None:
            detail.update(FoldAtSlashes(entry_detail(entry)))

    def action_refresh(self) -> None:
        self.post_message(self.RefreshRequested())
