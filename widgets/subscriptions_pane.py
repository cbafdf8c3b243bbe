"""The subscriptions pane: one row per subscription with its VNet count, or why it failed.

A subscription that could not be read keeps its row and shows the reason in place, so one
failure never hides the rest. The first row, "All subscriptions", removes the narrowing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.model import LoadError, SubscriptionStatus
from widgets.filtering import Query
from widgets.resource_table import ResourceTable, TableRow
from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain

ALL_KEY = "*"  # the "All subscriptions" row (tui.explorer.state.ALL_KEY)


def subscription_rows(items: Sequence[SubscriptionStatus], query: Query) -> list[TableRow]:
    total = sum(s.vnet_count or 0 for s in items)
    # The count leads, so it stays visible however narrow the pane and long the names.
    all_cells = (Text(str(total), style="bold"), Text("All subscriptions", style="bold"))
    rows = [TableRow(ALL_KEY, all_cells)]
    for item in items:
        sub = item.subscription
        if not query.matches(names=(sub.name, sub.id)):
            continue
        name = plain(sub.name, f"bold {WARN_STYLE}" if item.production else "")
        if item.production:
            name.append(" prod", style=WARN_STYLE)
        if item.read_only:
            name.append(" ro", style=DIM_STYLE)
        if item.error is not None:
            reason = _reason(item.error)
            cells = (Text("✗", BAD_STYLE), Text.assemble(name, "\n", Text(reason, style=BAD_STYLE)))
            rows.append(TableRow(sub.id.casefold(), cells, height=2))
        elif item.loading:
            rows.append(TableRow(sub.id.casefold(), (Text("…", style=DIM_STYLE), name)))
        elif item.vnet_count is None:
            rows.append(TableRow(sub.id.casefold(), (Text("✓", style=OK_STYLE), name)))
        else:
            rows.append(TableRow(sub.id.casefold(), (Text(str(item.vnet_count)), name)))
    return rows


def _reason(error: LoadError) -> str:
    if error.code in ("AuthorizationFailed", "Forbidden", "LinkedAuthorizationFailed"):
        return f"no access ({error.code})"
    return f"failed ({error.code})" if error.code else "failed"


class SubscriptionsPane(ResourceTable):
    """Subscriptions with counts; the highlighted row narrows the VNet pane."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__((("", "count"), ("Subscription", "name")), id=id)
        self.border_title = "Subscriptions"

    def show(self, items: Sequence[SubscriptionStatus], query: Query) -> None:
        self.show_rows(subscription_rows(items, query), flash=False)
