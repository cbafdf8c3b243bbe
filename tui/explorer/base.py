"""The explorer screen's foundation: its state, its panes, and how state becomes rows.

The screen is split by concern (`live`, `writes`, `analysis`, `screen`), each a class
over this one; they share the state and the panes through it, never through the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual.screen import Screen

from tui.explorer.scheduler import PollScheduler
from tui.explorer.state import ALL_KEY, ExplorerState, StateChange
from tui.model import VirtualNetwork
from tui.settings import Settings
from widgets.details_pane import DetailsPane
from widgets.filtering import Query
from widgets.header import HeaderInfo, StatusHeader, age_text
from widgets.resource_table import ResourceTable
from widgets.style import WARN_STYLE
from widgets.subscriptions_pane import SubscriptionsPane
from widgets.vms_pane import VmsPane
from widgets.vnets_pane import VnetsPane

if TYPE_CHECKING:
    from tui.explorer.cloud import Cloud  # the SDK-facing protocol: types only

PANE_ORDER = ("subs", "vnets", "peerings", "vms")


class Host(Protocol):
    """What the explorer needs from the app: settings, a clock, the backend, errors."""

    settings: Settings
    clock: Callable[[], float]
    backend: Cloud | None  # None until the first load opens it

    async def open_backend(self) -> Cloud: ...

    def report_error(self, error: BaseException, *, title: str = "Error") -> None: ...

    def show_sign_in(self, error: BaseException) -> None: ...

    def signed_in(self) -> None: ...


class ExplorerBase(Screen[None]):
    """State, scheduler, panes and rendering shared by every part of the explorer."""

    def __init__(self, settings: Settings, clock: Callable[[], float]) -> None:
        super().__init__()
        self.state = ExplorerState(settings)
        self.scheduler = PollScheduler(settings.interval)
        self.clock = clock
        self.activity = "starting…"
        self.ticks = 0
        self.history: list[str] = []  # VNets jumped away from, for esc

    @property
    def host(self) -> Host:
        return cast(Host, self.app)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    # --- panes ---------------------------------------------------------------------

    @property
    def subs_pane(self) -> SubscriptionsPane:
        return self.query_one("#subs", SubscriptionsPane)

    @property
    def vnets_pane(self) -> VnetsPane:
        return self.query_one("#vnets", VnetsPane)

    @property
    def vms_pane(self) -> VmsPane:
        return self.query_one("#vms", VmsPane)

    @property
    def details(self) -> DetailsPane:
        return self.query_one("#details", DetailsPane)

    def pane(self, name: str) -> ResourceTable:
        if name == "peerings":
            return self.details.peerings
        return self.query_one(f"#{name}", ResourceTable)

    def alive(self) -> bool:
        """False once the app shuts down or the screen goes: work that awaited checks this
        before it touches a pane."""
        return (self.is_attached and self.app.is_running
                and self.query_one_optional("#details", DetailsPane) is not None)

    def focused_pane(self) -> str | None:
        focused = self.focused
        for name in PANE_ORDER:
            if focused is self.pane(name):
                return name
        return None

    # --- rendering -----------------------------------------------------------------

    def query_for(self, pane: str) -> Query:
        return Query.parse(self.state.filters.get(pane, ""))

    def render_all(self, *, flash: bool) -> None:
        self.render_subscriptions()
        self.render_vnets(flash=flash)
        self.update_header()

    def render_subscriptions(self) -> None:
        self.subs_pane.show(self.state.subscription_items(), self.query_for("subs"))

    def render_vnets(self, *, flash: bool) -> None:
        state = self.state
        self.vnets_pane.show(state.vnets_in_view(), self.query_for("vnets"), state.overlaps,
                             flash=flash)
        self.follow_vnet_cursor(flash=flash)

    def follow_vnet_cursor(self, *, flash: bool) -> None:
        """The details and VMs follow the VNet under the cursor."""
        self.state.select_vnet(self.vnets_pane.selected_key)
        self.refresh_bindings()  # p/d/s/e follow the selected VNet's read-only setting
        self.render_details(flash=flash)
        self.render_vms(flash=flash)
        self.update_header()  # the breadcrumbs follow the selection

    def render_details(self, *, flash: bool) -> None:
        state = self.state
        vnet = state.selected_vnet
        self.details.show(
            vnet, state.inventory, state.overlap_lines(vnet) if vnet else [],
            read_only=self.settings.read_only, flash=flash,
        )
        self.mark_details(vnet)

    def render_vms(self, *, flash: bool) -> None:
        self.vms_pane.show(self.state.vms_in_view(), self.query_for("vms"), flash=flash)

    def mark_details(self, vnet: VirtualNetwork | None) -> None:
        """A production VNet's details wear the warning colour; a read-only one says so."""
        details = self.details
        if vnet is None:
            details.border_subtitle = ""
            return
        marks = []
        if self.state.is_production(vnet):
            details.border_title = Text.assemble(
                (vnet.name, f"bold {WARN_STYLE}"), (" ⚠ production", WARN_STYLE)
            )
            marks.append("writes ask for its name")
        if self.state.read_only_reason(vnet.id) is not None:
            marks.append("read-only")
        details.border_subtitle = Text(" · ".join(marks), style=WARN_STYLE)

    # --- navigation and filters -------------------------------------------------------

    def jump_to_vnet(self, key: str, *, remember: bool = False) -> bool:
        """Select the VNet `key` wherever it is; with `remember`, esc comes back here."""
        vnet = self.state.inventory.vnet(key)
        if vnet is None:
            return False
        here = self.state.vnet_key
        if remember and here is not None and here != key:
            self.history.append(here)
            del self.history[:-50]
        table = self.vnets_pane
        if key not in table.keys:
            sub = vnet.subscription_id.casefold()
            if self.state.sub_key not in ("*", sub):
                self.state.select_subscription(sub)
                self.subs_pane.select_key(sub)
            self.set_filter("vnets", "")
            self.render_vnets(flash=False)
        table.focus()
        table.select_key(key)
        self.follow_vnet_cursor(flash=False)
        return True

    def jump_to_vm(self, key: str) -> bool:
        vm = self.state.inventory.vm(key)
        if vm is None:
            return False
        if vm.vnet_id is not None:
            self.jump_to_vnet(vm.vnet_id.casefold())
        self.state.set_filter("vms", "")
        self.vms_pane.border_subtitle = ""
        self.render_vms(flash=False)
        self.vms_pane.select_key(key)
        self.vms_pane.focus()
        return True

    def mark_filter(self, pane: str, text: str, *, typing: bool = False) -> None:
        """The pane's border says what narrows it; an empty filter being typed shows too."""
        table = self.pane(pane)
        if text:
            table.border_subtitle = f"/ {text} · {table.row_count} shown"
        else:
            table.border_subtitle = "/ type to filter" if typing else ""

    def set_filter(self, pane: str, text: str, *, typing: bool = False) -> None:
        if not self.state.set_filter(pane, text):
            return
        if pane == "subs":
            self.render_subscriptions()
        elif pane == "vnets":
            self.render_vnets(flash=False)
        elif pane == "vms":
            self.render_vms(flash=False)
        # A new filter starts at its first match, as a search does.
        self.pane(pane).move_cursor(row=0)
        self.mark_filter(pane, text, typing=typing)

    def header_info(self) -> HeaderInfo:
        state = self.state
        inv = state.inventory
        if self.settings.sandbox:
            source = "sandbox"
        else:
            tenants = {s.tenant_id for s in inv.subscriptions if s.tenant_id}
            source = self.settings.tenant or (
                f"tenant {next(iter(tenants))}" if len(tenants) == 1 else "Azure"
            )
        age = ""
        if state.loaded_at is not None:
            age = age_text(self.clock() - state.loaded_at)
            if state.cached_age is not None:  # the last run's, until the load ends
                age = age.replace("updated", "cached", 1)
        backend = self.host.backend
        meter = backend.meter if backend is not None else None
        if inv.source == "graph" and not self.settings.sandbox:
            # Seeded from Resource Graph's index; what is on screen is re-read from ARM.
            source += " · Resource Graph"
        return HeaderInfo(
            source=source,
            trail=self.trail(),
            subscriptions=len(inv.subscriptions) or len(state.statuses),
            vnets=len(inv.vnets),
            vms=len(inv.vms),
            conflicts=state.conflict_count,
            read_only=self.settings.read_only,
            age=age,
            activity=self.activity,
            rate=meter.per_minute() if meter else None,
            throttled=meter.recently_throttled() if meter else False,
            failed=len(inv.errors),
            compact=self.size.width < 100,
        )

    def trail(self) -> str:
        """Where the person is: subscription › VNet › peering."""
        state = self.state
        parts = []
        if state.sub_key != ALL_KEY:
            parts.append(state.subscription_name(state.sub_key))
        vnet = state.selected_vnet
        if vnet is not None:
            parts.append(vnet.name)
            if self.focused_pane() == "peerings" and self.details.selected_peering:
                parts.append(self.details.selected_peering.name)
        return " › ".join(parts)

    def update_header(self) -> None:
        header = self.query_one_optional("#header", StatusHeader)
        if header is not None:
            header.show(self.header_info())

    def announce(self, moved: list[StateChange]) -> None:
        """A link that goes Disconnected is worth a notification; the rest just flash."""
        for change in moved:
            if change.disconnected:
                peering = change.after
                self.notify(
                    f"{peering.name} on {change.vnet.name} is now Disconnected: the link back "
                    f"from {peering.remote_vnet_id.name} is gone. No traffic flows.",
                    title="Peering disconnected", severity="warning", markup=False,
                    timeout=10,
                )
