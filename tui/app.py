"""The explorer: composes the panes, owns the backend, loads and keeps the data live.

Widgets only show what they are given and post messages; everything that talks to the
cloud happens here, in workers that never exit the app on error (`exit_on_error=False`)
and never cancel each other: a refresh that is still running makes the next tick skip.

The SDK is imported inside the first worker, after the first frame is on screen.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.worker import Worker, WorkerState

from tui import audit, cidr, config, probe, reach
from tui.errors import AuthError, ThrottledError, VnettuiError
from tui.model import (
    Inventory,
    LoadError,
    Peering,
    PeeringState,
    ProbeResult,
    Subscription,
    VirtualMachine,
    VirtualNetwork,
)
from tui.peering import (
    PeeringBackend,
    PeeringRequest,
    PollPolicy,
    SyncRequest,
    find_peering,
    perform,
    write_targets,
)
from tui.peering import Request as PeeringWork
from tui.settings import Settings
from widgets.activity_screen import ActivityScreen
from widgets.check_screen import CheckRequest, CheckResult, CheckScreen, CheckStep
from widgets.conflicts_screen import ConflictEntry, ConflictsScreen
from widgets.details_pane import DetailsPane
from widgets.device_code_screen import DeviceCodeScreen
from widgets.filter_bar import FilterBar
from widgets.filtering import Query
from widgets.header import HeaderInfo, StatusHeader, age_text
from widgets.help_screen import HelpEntry, HelpScreen
from widgets.palette import JumpProvider, JumpTarget
from widgets.peering_confirm import DeletePeeringConfirm
from widgets.peering_edit import PeeringEditForm
from widgets.peering_form import PeeringForm
from widgets.peering_progress import PeeringProgress
from widgets.production_confirm_screen import ProductionConfirmScreen
from widgets.resource_table import ResourceTable
from widgets.signin_screen import Choice, SignInScreen
from widgets.style import WARN_STYLE
from widgets.subscriptions_pane import ALL_KEY, SubscriptionsPane, SubscriptionStatus
from widgets.vms_pane import VmsPane
from widgets.vnets_pane import VnetsPane

if TYPE_CHECKING:
    from tui.azure.auth import DeviceCodePrompt

log = logging.getLogger(__name__)

# The whole inventory is re-read this often; peerings on screen every `settings.interval`.
FULL_REFRESH_SECONDS = 300.0
# After a state change, poll faster for this long: an operation is probably settling.
FAST_WINDOW_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 120.0
# The cursor rests this long on a VNet before its peerings are re-read.
SETTLE_SECONDS = 1.0
# Peering reads in flight at once during a poll.
POLL_CONCURRENCY = 8
# The VNet rows on screen (beyond the selected VNet and its peers) are re-read every
# VISIBLE_EVERY-th poll, at most this many.
MAX_VISIBLE_POLLED = 30
# A hub with dozens of links: the way back is re-read for this many of them per poll.
MAX_PEERS_POLLED = 16
VISIBLE_EVERY = 6


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _vnets_touched(inventory: Inventory, request: PeeringWork) -> set[str]:
    """Both VNets of the link a peering operation changed."""
    if isinstance(request, PeeringRequest):
        return {str(request.local_vnet_id), str(request.remote_vnet_id)}
    peering = find_peering(inventory, request.peering_id)
    touched = {str(request.peering_id.parent)}
    if peering is not None:
        touched.add(str(peering.remote_vnet_id))
    return touched


def check_result(verdict: reach.Verdict) -> CheckResult:
    """The verdict in the check screen's terms: each hop, its mark, its reason or fix."""
    steps = []
    for step in verdict.steps:
        # The deciding rule is already named in the step's text; the hint is the fix.
        steps.append(CheckStep(step.status.value, step.text, step.hint))
    return CheckResult(verdict.question, verdict.answer, tuple(steps))


class Cloud(PeeringBackend, Protocol):
    """What the app needs from `tui.azure.AzureBackend` (typed here so the app's import of
    the backend can wait until after the first frame)."""

    async def list_subscriptions(self) -> list[Subscription]: ...

    async def load_inventory(
        self, on_progress: Callable[[Subscription, LoadError | None], None] | None = None
    ) -> Inventory: ...

    async def close(self) -> None: ...

    async def probe_connectivity(
        self, source_vm_id: str, destination: str, port: int, protocol: str = "tcp",
        *, location: str | None = None,
    ) -> ProbeResult: ...


# (key, action, description, id, group, shown in footer)
KEYS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("p", "peer", "peer", "vnettui.peer", "Peerings", True),
    ("d", "delete_peering", "delete", "vnettui.delete", "Peerings", True),
    ("s", "sync", "sync", "vnettui.sync", "Peerings", True),
    ("e", "edit_peering", "edit", "vnettui.edit", "Peerings", False),
    ("c", "check", "check", "vnettui.check", "Analysis", True),
    ("x", "conflicts", "conflicts", "vnettui.conflicts", "Analysis", True),
    ("slash", "filter", "filter", "vnettui.filter", "Navigation", True),
    ("escape", "go_back", "back", "vnettui.back", "Navigation", False),
    ("1", "focus_pane('subs')", "subscriptions", "vnettui.focus_subscriptions",
     "Navigation", False),
    ("2", "focus_pane('vnets')", "VNets", "vnettui.focus_vnets", "Navigation", False),
    ("3", "focus_pane('peerings')", "peerings", "vnettui.focus_peerings", "Navigation", False),
    ("4", "focus_pane('vms')", "VMs", "vnettui.focus_vms", "Navigation", False),
    ("y", "copy_id", "copy id", "vnettui.copy", "General", False),
    ("a", "activity", "activity", "vnettui.activity", "General", False),
    ("r", "refresh", "refresh", "vnettui.refresh", "General", True),
    ("question_mark,f1", "help", "help", "vnettui.help", "General", True),
    ("q", "quit", "quit", "vnettui.quit", "General", True),
)

# Longer words for the palette and for `?`.
DESCRIPTIONS = {
    "peer": "New peering from the selected VNet (both directions)",
    "delete_peering": "Delete the selected peering",
    "sync": "Sync the selected peering's address space",
    "edit_peering": "Edit the selected peering's settings",
    "check": "Connectivity check from the selected VM",
    "conflicts": "Show overlapping address spaces",
    "filter": "Filter the focused pane (name, prefix or IP)",
    "go_back": "Clear the filter, or go back a pane",
    "copy_id": "Copy the selected resource id (OSC 52)",
    "activity": "Show every write vnettui sent (the audit log)",
    "refresh": "Re-read everything now",
    "help": "Show every key",
    "quit": "Quit",
}

PANE_ORDER = ("subs", "vnets", "peerings", "vms")
# Actions that write: dimmed, and refused with a notification, while writes are off.
WRITE_ACTIONS = ("peer", "delete_peering", "sync", "edit_peering")
# Sign-in failures (no token, or a token ARM refuses), as opposed to a missing right (403).
SIGN_IN_CODES = frozenset({
    "nocredential", "credentialunavailable", "tokencacheunavailable",
    "invalidauthenticationtoken", "expiredauthenticationtoken",
})


def is_sign_in_failure(error: BaseException) -> bool:
    """Signing in failed (the sign-in screen's case), not a missing right (a notification)."""
    if not isinstance(error, AuthError):
        return False
    code = error.code.casefold()
    return error.status == 401 or code in SIGN_IN_CODES or code.startswith("aadsts")


def default_theme() -> str:
    """Textual's dark theme: every state also carries a symbol and a word, so it reads in
    256 colours too (SSH drops COLORTERM). `ansi-dark`, the terminal's own palette, is one
    `ctrl+p` "theme" away, or the `theme` setting."""
    return "textual-dark"


class VnetTuiApp(App[int]):
    """The vnettui explorer."""

    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "vnettui"
    COMMANDS = App.COMMANDS | {JumpProvider}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (140, "-wider"), (170, "-xwide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, desc, show=shown, id=bid, tooltip=DESCRIPTIONS.get(action, ""))
        for key, action, desc, bid, _group, shown in KEYS
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        wanted = settings.theme or default_theme()
        self._theme_problem = ""
        if wanted not in self.available_themes:
            # A typo in the config file must not stop the explorer: say so once it is up.
            self._theme_problem = (
                f"Unknown theme {wanted!r}; using {default_theme()}. Themes: "
                + ", ".join(sorted(self.available_themes))
            )
            wanted = default_theme()
        self.theme = wanted
        # The config file's [keymap], then any given here (binding id -> keys).
        if settings.keymap or keymap:
            self.set_keymap({**settings.keymap, **(keymap or {})})
        self.inventory = Inventory()
        self.statuses: dict[str, SubscriptionStatus] = {}
        self.filters: dict[str, str] = {}
        self.overlaps: set[str] = set()  # lower-cased ids of VNets that overlap another
        self.conflict_count: int | None = None
        self.address_index = cidr.analyse(())
        self.backend: Cloud | None = None
        self.loaded_at: float | None = None  # clock() of the last successful read
        self.load_worker: Worker[None] | None = None
        self.poll_worker: Worker[None] | None = None
        self.polls = 0  # completed peering polls (tests wait on it)
        self.ticks = 0  # scheduler ticks, polling or not
        self.loads = 0  # completed inventory loads
        self._activity = "starting…"
        self._last_full = 0.0
        self._next_poll = 0.0
        self._fast_until = 0.0
        self._backoff = 0.0
        self._sub_key: str = ALL_KEY
        self._vnet_key: str | None = None
        self._soon: set[str] = set()  # VNets to re-read in the next poll (after a write)
        self._device_code: DeviceCodeScreen | None = None  # shown while signing in
        self._pending_select: str | None = None

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="header")
        with Container(id="main"):
            yield SubscriptionsPane(id="subs")
            yield VnetsPane(id="vnets")
            yield DetailsPane(id="details")
            yield VmsPane(id="vms")
        yield FilterBar(id="filter")
        yield Footer()

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

    def on_mount(self) -> None:
        if self._theme_problem:
            self.notify(self._theme_problem, title="Theme", severity="warning", markup=False)
        self.subs_pane.show([], Query.parse(""))
        self.vnets_pane.focus()
        self._update_header()
        tick = max(0.05, min(1.0, self.settings.interval / 4))
        self.set_interval(tick, self._tick, name="poll-tick")
        self.set_interval(1.0, self._update_header, name="header-age")
        # Start loading only once the first frame is out: the import of the SDK and the
        # first requests must not delay it.
        self.call_after_refresh(self._start_load, initial=True)

    async def on_unmount(self) -> None:
        if self.backend is not None:
            backend, self.backend = self.backend, None
            try:
                await backend.close()
            except Exception:
                log.exception("closing the backend")

    # --- loading ------------------------------------------------------------------------

    def _start_load(self, *, initial: bool = False) -> bool:
        if self.load_worker is not None and self.load_worker.is_running:
            return False
        self._activity = "connecting…" if initial else "refreshing…"
        self._update_header()
        self.load_worker = self.run_worker(
            self._load(initial), name="load", group="inventory", exit_on_error=False,
            description="load the inventory",
        )
        return True

    async def _open_backend(self) -> Cloud:
        if self.backend is None:
            # Imported here, in a thread, so the first frame never waits for the SDK.
            azure = await asyncio.to_thread(importlib.import_module, "tui.azure")
            backend: Cloud = azure.open_backend(
                self.settings, device_code=self._show_device_code
            )
            self.backend = backend
        return self.backend

    async def _load(self, initial: bool) -> None:
        started = self.clock()
        try:
            backend = await self._open_backend()
            if initial:
                self._activity = "listing subscriptions…"
                self._update_header()
                subs = await backend.list_subscriptions()
                self._signed_in()
                if not self._alive():
                    return
                self.statuses = {s.id.casefold(): SubscriptionStatus(s) for s in subs}
                self._show_subscriptions()
                if subs:
                    names = ", ".join(s.name for s in subs[:2])
                    more = "…" if len(subs) > 2 else ""
                    self._activity = f"loading {names}{more}"
                    self._update_header()
            inventory = await backend.load_inventory(on_progress=self._on_progress)
        finally:
            self._activity = ""
        if not self._alive():
            return
        self._last_full = started
        self._apply_inventory(inventory, initial=initial)
        self.loads += 1
        if inventory.errors:
            failed = ", ".join(
                f"{self._sub_name(e.subscription_id)} ({e.code})" for e in inventory.errors
            )
            self.notify(
                f"Could not read {len(inventory.errors)} subscription(s): {failed}. "
                "The rest loaded.",
                title="Partly loaded", severity="warning", markup=False, timeout=10,
            )

    def _on_progress(self, sub: Subscription, error: LoadError | None) -> None:
        if not self._alive():
            return
        # The VNet count arrives with the whole inventory; until then "loaded" is enough.
        self.statuses[sub.id.casefold()] = SubscriptionStatus(sub, None, error, loading=False)
        done = sum(1 for s in self.statuses.values() if not s.loading)
        self._activity = f"loaded {done}/{len(self.statuses)} subscriptions…"
        self._show_subscriptions()
        self._update_header()

    def _sub_name(self, sub_id: str) -> str:
        status = self.statuses.get(sub_id.casefold())
        return status.subscription.name if status else sub_id

    def _apply_inventory(self, inventory: Inventory, *, initial: bool) -> None:
        previous = self.inventory
        self.inventory = inventory
        self.loaded_at = self.clock()
        counts: dict[str, int] = {}
        for vnet in inventory.vnets:
            key = vnet.subscription_id.casefold()
            counts[key] = counts.get(key, 0) + 1
        self.statuses = {
            s.id.casefold(): SubscriptionStatus(
                s, counts.get(s.id.casefold(), 0), inventory.error_for(s.id), loading=False,
                production=config.is_production(s, self.settings),
                read_only=config.is_read_only(s, self.settings),
            )
            for s in inventory.subscriptions
        }
        self._compute_overlaps()
        if not initial:
            self._announce_changes(previous.vnets, inventory.vnets)
        self._render_all(flash=not initial)
        self._refresh_live_screen()
        if initial and self.vnets_pane.keys and self._vnet_key is None:
            self.vnets_pane.move_cursor(row=0)

    def _compute_overlaps(self) -> None:
        """Which VNets overlap another (one interval sweep over every loaded prefix).

        Only the set is kept; the sentences are made for the one VNet on show, because a
        big estate has tens of thousands of overlapping pairs.
        """
        index = cidr.analyse(self.inventory)
        self.address_index = index
        self.overlaps = {vnet_id.casefold() for vnet_id in index.conflicted_ids}
        # VNets that overlap another: cheap, where counting pairs means building them all.
        self.conflict_count = len(self.overlaps)

    def overlap_lines(self, vnet: VirtualNetwork) -> list[str]:
        lines = []
        for overlap in self.address_index.overlapping(vnet.id):
            other = overlap.other(vnet.id)
            lines.append(f"overlaps {other.name} ({', '.join(overlap.overlapping_ranges)})")
        return lines

    # --- live peering state ----------------------------------------------------------------

    def _modal_blocks_polling(self) -> bool:
        if len(self.screen_stack) <= 1:
            return False
        return not getattr(self.screen, "LIVE", False)

    def _alive(self) -> bool:
        """False once the app shuts down: the panes go before timers and workers stop, so
        anything that touches them after an await checks this first."""
        return self.is_running and self.query_one_optional("#details", DetailsPane) is not None

    def _tick(self) -> None:
        self.ticks += 1
        if not self._alive():
            return
        if not self.inventory.vnets and not self.inventory.subscriptions:
            return
        if self.load_worker is not None and self.load_worker.is_running:
            return
        now = self.clock()
        if now - self._last_full >= FULL_REFRESH_SECONDS and not self._modal_blocks_polling():
            self._start_load()
            return
        if self.poll_worker is not None and self.poll_worker.is_running:
            return  # never cancel a slow refresh: skip this tick instead
        if now < self._next_poll or self._modal_blocks_polling():
            return
        targets = self._poll_targets()
        if not targets:
            self._next_poll = now + self.settings.interval
            return
        self.poll_worker = self.run_worker(
            self._poll(targets), name="poll", group="poll", exit_on_error=False,
            description="re-read peerings on screen",
        )

    def _current_interval(self) -> float:
        interval = self.settings.interval
        if self.clock() < self._fast_until:
            interval = max(min(interval, 1.0), interval / 5)
        return interval

    def _poll_targets(self) -> list[VirtualNetwork]:
        """The selected VNet, the VNets it peers with (for the other direction's state), the
        VNet rows on screen, and whatever a live modal looks at."""
        inv = self.inventory
        wanted: dict[str, VirtualNetwork] = {}

        def add(vnet: VirtualNetwork | None) -> None:
            if vnet is not None:
                wanted.setdefault(vnet.id.casefold(), vnet)

        def add_with_peers(vnet: VirtualNetwork | None) -> None:
            add(vnet)
            for peering in vnet.peerings[:MAX_PEERS_POLLED] if vnet else ():
                add(inv.vnet(peering.remote_vnet_id))

        add_with_peers(self.details.vnet)
        for vnet_id in self._soon:
            add_with_peers(inv.vnet(vnet_id))
        self._soon.clear()
        for vnet_id in getattr(self.screen, "watched_vnets", ()):
            add_with_peers(inv.vnet(vnet_id))
        if self.polls % VISIBLE_EVERY == 0:
            # The other rows on screen less often: ARM allows a principal only a few reads
            # a second, and the details pane is what a person is watching.
            table = self.vnets_pane
            first = max(0, int(table.scroll_offset.y))
            for key in table.keys[first : first + min(table.size.height, MAX_VISIBLE_POLLED)]:
                add(inv.vnet(key))
        return list(wanted.values())

    async def _poll(self, targets: list[VirtualNetwork]) -> None:
        backend = self.backend
        if backend is None:
            return
        gate = asyncio.Semaphore(POLL_CONCURRENCY)

        async def read(vnet: VirtualNetwork) -> tuple[VirtualNetwork, list[Peering] | None]:
            async with gate:
                try:
                    return vnet, await backend.list_peerings(vnet.id)
                except ThrottledError:
                    raise
                except VnettuiError as error:
                    # A VNet that vanished or became unreadable: the next full load says so.
                    log.info("peerings of %s not re-read: %s", vnet.id, error)
                    return vnet, None

        try:
            results = list(await asyncio.gather(*(read(v) for v in targets)))
            # A link that appeared points at a VNet not read yet: read it in the same poll,
            # so the way back shows with the link instead of one interval later.
            seen = {v.id.casefold() for v in targets}
            newcomers = {
                p.remote_vnet_id.casefold(): remote
                for _, peerings in results
                for p in peerings or ()
                if p.remote_vnet_id.casefold() not in seen
                and (remote := self.inventory.vnet(p.remote_vnet_id)) is not None
            }
            if newcomers:
                results += await asyncio.gather(*(read(v) for v in newcomers.values()))
        except ThrottledError as error:
            self._backoff = min(
                MAX_BACKOFF_SECONDS,
                max(error.retry_after or 0.0, (self._backoff or self.settings.interval) * 2),
            )
            self._next_poll = self.clock() + self._backoff
            log.warning("throttled; next peering poll in %.0fs", self._backoff)
            return
        self._backoff = 0.0
        if not self._alive():
            return
        fresh = {
            vnet.id.casefold(): dataclasses.replace(vnet, peerings=tuple(peerings))
            for vnet, peerings in results
            if peerings is not None
        }
        self.apply_vnets(fresh)
        self.loaded_at = self.clock()
        self._next_poll = self.clock() + self._current_interval()
        self.polls += 1

    def apply_vnets(self, fresh: dict[str, VirtualNetwork]) -> None:
        """Swap re-read VNets into the inventory and update just their rows."""
        if not fresh:
            return
        inv = self.inventory
        old = [v for v in inv.vnets if v.id.casefold() in fresh]
        vnets = tuple(fresh.get(v.id.casefold(), v) for v in inv.vnets)
        self.inventory = Inventory(
            inv.subscriptions, vnets, inv.vms, inv.nsgs, inv.route_tables, inv.errors,
            inv.loaded_at,
        )
        changed = self._announce_changes(old, list(fresh.values()))
        if changed:
            self._fast_until = self.clock() + FAST_WINDOW_SECONDS
        # Only rows whose content changed are touched; the cursor and scroll stay.
        affected = {v.id.casefold() for v in old if fresh[v.id.casefold()] != v}
        if affected:
            self.vnets_pane.update_vnets(
                [v for v in vnets if v.id.casefold() in affected], self.overlaps
            )
        self._render_details(flash=True)
        self._refresh_live_screen()

    def _refresh_live_screen(self) -> None:
        if isinstance(self.screen, CheckScreen):
            self._answer_check(self.screen)

    def _announce_changes(
        self, before: Iterable[VirtualNetwork], after: Iterable[VirtualNetwork]
    ) -> list[tuple[Peering, Peering]]:
        """Peerings whose state moved; a link going Disconnected is worth a notification."""
        old = {p.id.casefold(): p for v in before for p in v.peerings}
        moved: list[tuple[Peering, Peering]] = []
        for vnet in after:
            for peering in vnet.peerings:
                was = old.get(peering.id.casefold())
                if was is None or (
                    was.state == peering.state
                    and was.sync_level == peering.sync_level
                    and was.provisioning_state == peering.provisioning_state
                ):
                    continue
                moved.append((was, peering))
                if (
                    peering.state == PeeringState.DISCONNECTED
                    and was.state != PeeringState.DISCONNECTED
                ):
                    self.notify(
                        f"{peering.name} on {vnet.name} is now Disconnected: the link back "
                        f"from {peering.remote_vnet_id.name} is gone. No traffic flows.",
                        title="Peering disconnected", severity="warning", markup=False,
                        timeout=10,
                    )
        return moved

    # --- rendering ----------------------------------------------------------------------

    def _query(self, pane: str) -> Query:
        return Query.parse(self.filters.get(pane, ""))

    def _render_all(self, *, flash: bool) -> None:
        self._show_subscriptions()
        self._render_vnets(flash=flash)
        self._update_header()

    def _show_subscriptions(self) -> None:
        self.subs_pane.show(list(self.statuses.values()), self._query("subs"))

    def _visible_vnets(self) -> list[VirtualNetwork]:
        inv = self.inventory
        vnets = (
            inv.vnets if self._sub_key == ALL_KEY else inv.vnets_in(self._sub_key)
        )
        return sorted(vnets, key=lambda v: (v.name.casefold(), v.resource_group.casefold()))

    def _render_vnets(self, *, flash: bool) -> None:
        self.vnets_pane.show(self._visible_vnets(), self._query("vnets"), self.overlaps,
                             flash=flash)
        self._follow_vnet_cursor(flash=flash)

    def _follow_vnet_cursor(self, *, flash: bool) -> None:
        self._vnet_key = self.vnets_pane.selected_key
        self.refresh_bindings()  # p/d/s/e follow the selected VNet's read-only setting
        self._render_details(flash=flash)
        self._render_vms(flash=flash)

    def _selected_vnet(self) -> VirtualNetwork | None:
        return self.inventory.vnet(self._vnet_key) if self._vnet_key else None

    def _render_details(self, *, flash: bool) -> None:
        vnet = self._selected_vnet()
        self.details.show(
            vnet, self.inventory, self.overlap_lines(vnet) if vnet else [],
            read_only=self.settings.read_only,
        )
        self._mark_details(vnet)

    def _render_vms(self, *, flash: bool) -> None:
        inv = self.inventory
        vnet = self._selected_vnet()
        # A filter in the VM pane searches every VM of the subscription (an IP is often
        # all one knows); without one the pane follows the selected VNet.
        if vnet is not None and not self.filters.get("vms"):
            vms: Sequence[VirtualMachine] = inv.vms_in(vnet.id)
        elif self._sub_key != ALL_KEY:
            vms = [vm for vm in inv.vms if vm.subscription_id.casefold() == self._sub_key]
        else:
            vms = inv.vms
        self.vms_pane.show(sorted(vms, key=lambda vm: vm.name.casefold()),
                           self._query("vms"), flash=flash)

    def _header_info(self) -> HeaderInfo:
        inv = self.inventory
        if self.settings.sandbox:
            source = "sandbox"
        else:
            tenants = {s.tenant_id for s in inv.subscriptions if s.tenant_id}
            source = self.settings.tenant or (
                f"tenant {next(iter(tenants))}" if len(tenants) == 1 else "Azure"
            )
        age = ""
        if self.loaded_at is not None:
            age = age_text(self.clock() - self.loaded_at)
        return HeaderInfo(
            source=source,
            subscriptions=len(inv.subscriptions) or len(self.statuses),
            vnets=len(inv.vnets),
            vms=len(inv.vms),
            conflicts=self.conflict_count,
            read_only=self.settings.read_only,
            age=age,
            activity=self._activity,
            failed=len(inv.errors),
            compact=self.size.width < 100,
        )

    def on_resize(self) -> None:
        self._update_header()

    def _update_header(self) -> None:
        header = self.query_one_optional("#header", StatusHeader)
        if header is not None:
            header.show(self._header_info())

    # --- selection ----------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#subs")
    def _sub_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value or ALL_KEY
        if key == self._sub_key:
            return
        self._sub_key = key
        self._render_vnets(flash=False)

    @on(DataTable.RowHighlighted, "#vnets")
    def _vnet_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value == self._vnet_key:
            return
        self._follow_vnet_cursor(flash=False)
        # The VNet the cursor rests on is re-read a moment later, not after up to a whole
        # interval; while the cursor keeps moving the poll waits (no reads per keypress).
        if not self._backoff:  # throttled: the back-off stands
            self._next_poll = self.clock() + min(SETTLE_SECONDS, self.settings.interval)

    @on(DataTable.RowSelected, "#subs")
    def _sub_selected(self) -> None:
        self.vnets_pane.focus()

    @on(DataTable.RowSelected, "#vnets")
    def _vnet_selected(self) -> None:
        if self.details.peerings.display:
            self.details.peerings.focus()
        else:
            self.vms_pane.focus()

    @on(DataTable.RowSelected, "#peerings")
    def _peering_selected(self) -> None:
        peering = self.details.selected_peering
        if peering is not None and not self._jump_to_vnet(peering.remote_vnet_id.casefold()):
            self.notify(
                f"{peering.remote_vnet_id.name} is not loaded (another subscription or "
                "tenant).", severity="warning", markup=False,
            )

    @on(VnetsPane.Filled, "#vnets")
    def _vnets_filled(self, event: VnetsPane.Filled) -> None:
        # May arrive while the app shuts down, after the panes are gone.
        if not event.table.is_attached:
            return
        pending, self._pending_select = self._pending_select, None
        if pending is not None:
            event.table.select_key(pending)
        if event.table.selected_key != self._vnet_key:
            self._follow_vnet_cursor(flash=False)

    def _jump_to_vnet(self, key: str) -> bool:
        vnet = self.inventory.vnet(key)
        if vnet is None:
            return False
        table = self.vnets_pane
        if key not in table.keys:
            if self._sub_key not in (ALL_KEY, vnet.subscription_id.casefold()):
                self._sub_key = vnet.subscription_id.casefold()
                self.subs_pane.select_key(self._sub_key)
            # Past the shown rows of a big estate a filter on its name brings it up.
            hidden = len(self._visible_vnets()) > table.MAX_ROWS
            self._set_filter("vnets", vnet.name if hidden else "")
            self._render_vnets(flash=False)
        table.focus()
        if not table.select_key(key):
            self._pending_select = key  # still being added: selected once the fill ends
        self._follow_vnet_cursor(flash=False)
        return True

    def _jump_to_vm(self, key: str) -> bool:
        vm = self.inventory.vm(key)
        if vm is None:
            return False
        if vm.vnet_id is not None:
            self._jump_to_vnet(vm.vnet_id.casefold())
        self.filters.pop("vms", None)
        self._render_vms(flash=False)
        self.vms_pane.select_key(key)
        self.vms_pane.focus()
        return True

    # Palette: "jump to VNet/VM by name" (widgets.palette.Jumpable).
    def jump_targets(self) -> Sequence[JumpTarget]:
        inv = self.inventory
        targets = [
            JumpTarget("VNet", v.name, f"{v.resource_group} · {self._sub_name(v.subscription_id)}",
                       v.id.casefold())
            for v in inv.vnets
        ]
        targets += [
            JumpTarget("VM", vm.name, f"{vm.private_ip or 'no IP'} · {vm.resource_group}",
                       vm.id.casefold())
            for vm in inv.vms
        ]
        return targets

    def jump_to(self, target: JumpTarget) -> None:
        found = (
            self._jump_to_vnet(target.key) if target.kind == "VNet" else self._jump_to_vm(
                target.key
            )
        )
        if not found:
            self.notify(f"{target.name} is no longer loaded.", severity="warning", markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for _key, action, _desc, _bid, group, _shown in KEYS:
            if action.startswith("focus_pane") or action in ("go_back", "quit", "help"):
                continue
            yield SystemCommand(
                f"{group}: {DESCRIPTIONS[action]}", DESCRIPTIONS[action],
                lambda action=action: self._palette_action(action),
            )

    # --- filtering ----------------------------------------------------------------------

    def _focused_pane(self) -> str | None:
        focused = self.focused
        for name in PANE_ORDER:
            if focused is self.pane(name):
                return name
        return None

    def action_filter(self) -> None:
        name = self._focused_pane() or "vnets"
        if name == "peerings":
            name = "vnets"
        labels = {"subs": "subscriptions", "vnets": "VNets", "vms": "VMs"}
        self.query_one(FilterBar).open(name, labels[name], self.filters.get(name, ""))

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, event: FilterBar.FilterChanged) -> None:
        self._set_filter(event.target, event.text)

    @on(FilterBar.FilterClosed)
    def _filter_closed(self, event: FilterBar.FilterClosed) -> None:
        if event.cleared:
            self._set_filter(event.target, "")
        if event.target:
            self.pane(event.target).focus()

    def _set_filter(self, pane: str, text: str) -> None:
        if self.filters.get(pane, "") == text:
            return
        self.filters[pane] = text
        self.pane(pane).border_subtitle = f"/ {text}" if text else ""
        if pane == "subs":
            self._show_subscriptions()
        elif pane == "vnets":
            self._render_vnets(flash=False)
        elif pane == "vms":
            self._render_vms(flash=False)

    def action_go_back(self) -> None:
        name = self._focused_pane()
        if name is None:
            return
        if self.filters.get(name):
            self._set_filter(name, "")
            return
        index = PANE_ORDER.index(name)
        if name == "vms":
            self.vnets_pane.focus()
        elif index > 0:
            self.pane(PANE_ORDER[index - 1]).focus()

    def action_focus_pane(self, name: str) -> None:
        if name == "peerings" and not self.details.peerings.display:
            self.notify("This VNet has no peerings.", markup=False)
            return
        self.pane(name).focus()

    # --- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if not self._start_load():
            self.notify("Already refreshing.", markup=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_entries()))

    def help_entries(self) -> list[HelpEntry]:
        """Keys as bound now (a user keymap included), grouped as KEYS groups them."""
        bound: dict[str, list[str]] = {}
        for key, active in self.screen_stack[0].active_bindings.items():
            bound.setdefault(active.binding.action, []).append(
                self.get_key_display(active.binding) if key == active.binding.key else key
            )
        entries = [
            HelpEntry("Navigation", "tab / shift+tab", "Next / previous pane"),
            HelpEntry("Navigation", "↑ ↓ / j k", "Move in a pane"),
            HelpEntry("Navigation", "enter", "Drill in (a peering: go to the remote VNet)"),
        ]
        for group in ("Navigation", "Peerings", "Analysis", "General"):
            for _key, action, desc, _bid, g, _shown in KEYS:
                if g != group:
                    continue
                keys = bound.get(action)
                if not keys:
                    continue
                label = DESCRIPTIONS.get(action, desc.capitalize())
                if action.startswith("focus_pane"):
                    label = f"Go to the {desc} pane"
                entries.append(HelpEntry(group, " / ".join(dict.fromkeys(keys)), label))
        entries.append(HelpEntry("General", "ctrl+p", "Command palette: any action, any VNet"))
        return entries

    def _read_only_reason(self, vnet_id: str | None = None) -> str | None:
        """Why no write may go to `vnet_id` (any VNet when None), or None when it may."""
        vnet = self.inventory.vnet(vnet_id) if vnet_id else None
        target = (self.inventory.subscription(vnet.subscription_id) or vnet.subscription_id
                  if vnet else None)
        if self.settings.read_only:
            return "Read-only mode: vnettui sends no writes."
        if target is not None and config.is_read_only(target, self.settings):
            name = target.name if isinstance(target, Subscription) else target
            return f"{name} is read-only in the config file: vnettui sends it no writes."
        return None

    def _refuse_if_read_only(self, vnet_id: str | None = None) -> bool:
        """`--read-only`, or a subscription the config file marks read-only: no form opens."""
        why = self._read_only_reason(vnet_id)
        if why is None:
            return False
        self.notify(why, title="Read-only", severity="warning", markup=False)
        return True

    def _confirmation(self, vnet: VirtualNetwork) -> str | None:
        """What must be typed before a write to `vnet`: its name on production."""
        subscription = self.inventory.subscription(vnet.subscription_id)
        return config.production_confirmation(vnet, self.settings, subscription)

    def action_peer(self) -> None:
        vnet = self._selected_vnet()
        if vnet is None:
            if not self._refuse_if_read_only():
                self.notify("Select a VNet to peer from (the VNets pane, key 2).",
                            markup=False)
            return
        if self._refuse_if_read_only(vnet.id):
            return
        self.push_screen(PeeringForm(self.inventory, vnet, confirm=self._confirmation),
                         self._peering_chosen)

    def _selected_peering_or_hint(self) -> Peering | None:
        peering = self.details.selected_peering
        if peering is None:
            vnet = self._selected_vnet()
            where = f"{vnet.name} has no peerings" if vnet else "Select a VNet"
            self.notify(f"{where}; pick a link in the peerings (key 3) first.", markup=False)
        return peering

    def _writable_peering(self) -> Peering | None:
        """The selected link, if a write to it may go ahead; otherwise say why and None."""
        if self.settings.read_only and self._refuse_if_read_only():
            return None
        peering = self._selected_peering_or_hint()
        if peering is None or self._refuse_if_read_only(peering.vnet_id):
            return None
        return peering

    def action_delete_peering(self) -> None:
        peering = self._writable_peering()
        if peering is not None:
            self.push_screen(
                DeletePeeringConfirm(self.inventory, peering, confirm=self._confirmation),
                self._peering_chosen,
            )

    def action_sync(self) -> None:
        peering = self._writable_peering()
        if peering is None:
            return
        back = self.inventory.reverse_of(peering)
        if not peering.needs_sync and not (back and back.needs_sync):
            self.notify(f"{peering.name} is in sync on both sides; nothing to sync.",
                        markup=False)
            return
        # Sync changes nothing but the stale copy of an address space: no form, but a
        # production VNet still needs its name typed first.
        request = SyncRequest(peering.id)
        targets = write_targets(self.inventory, request)
        if not any(self._confirmation(v) for v in targets):
            self._peering_chosen(request)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._peering_chosen(request)

        question = f"Sync {peering.name} on {peering.vnet_id.name}?"
        self.push_screen(ProductionConfirmScreen(question, targets, self._confirmation),
                         confirmed)

    def action_edit_peering(self) -> None:
        peering = self._writable_peering()
        if peering is not None:
            self.push_screen(
                PeeringEditForm(self.inventory, peering, confirm=self._confirmation),
                self._peering_chosen,
            )

    def _peering_chosen(self, request: PeeringWork | None) -> None:
        """A peering modal's result: carry it out with progress, then re-read at once."""
        if request is None:
            return
        self.run_worker(
            self._perform(request), name="peering", group="peering", exit_on_error=False,
            description="change the peering",
        )

    async def _perform(self, request: PeeringWork) -> None:
        backend = await self._open_backend()
        inventory = self.inventory
        screen = PeeringProgress.for_request(inventory, request)
        await self.push_screen(screen)
        try:
            # Links are watched settling at least as often as the panes poll.
            watch = PollPolicy(interval=min(1.0, self.settings.interval))
            outcome = await perform(backend, inventory, request, screen.report, screen.ask,
                                    read_only=self.settings.read_only, poll=watch)
        finally:
            # Whatever happened, both VNets are re-read now and watched closely a while.
            self._soon.update(_vnets_touched(inventory, request))
            self._fast_until = self.clock() + FAST_WINDOW_SECONDS
            self._next_poll = 0.0
        if self._alive() and screen.is_attached:
            screen.finish(outcome.describe(), ok=outcome.ok)

    def action_check(self) -> None:
        key = self.vms_pane.selected_key
        source = self.inventory.vm(key) if key else None
        if source is None:
            self.notify("Select a VM to check from (the VMs pane, key 4).", markup=False)
            return
        self.push_screen(CheckScreen(source, self.inventory.vms))

    @on(CheckScreen.Changed)
    def _check_changed(self, event: CheckScreen.Changed) -> None:
        screen = self.screen
        if isinstance(screen, CheckScreen):
            self._answer_check(screen)

    def _answer_check(self, screen: CheckScreen) -> None:
        """Compute the verdict from what is loaded (again after every peering re-read)."""
        request = screen.request
        if request is None:
            return
        inv = self.inventory
        source = inv.vm(request.source_key)
        if source is None:
            screen.show_result(f"{screen.source.name} is no longer loaded.")
            return
        destination = self._destination(request.destination)
        if isinstance(destination, str) and not _is_ip(destination):
            screen.show_result(destination)
            return
        try:
            verdict = reach.check(inv, source, destination, request.port, request.protocol)
        except ValueError as error:
            screen.show_result(str(error))
            return
        dest_vm = destination if isinstance(destination, VirtualMachine) else None
        screen.watched_vnets = tuple(
            str(v) for v in (source.vnet_id, dest_vm.vnet_id if dest_vm else None) if v
        )
        screen.show_result(check_result(verdict))

    @on(CheckScreen.ProbeRequested)
    def _probe_requested(self, event: CheckScreen.ProbeRequested) -> None:
        screen = self.screen
        if isinstance(screen, CheckScreen):
            self.run_worker(self._probe(screen, event.request), name="probe", group="probe",
                            exit_on_error=False, description="Network Watcher probe")

    async def _probe(self, screen: CheckScreen, request: CheckRequest) -> None:
        """Network Watcher's check for the screen's question, compared with our verdict;
        any failure is shown in place of the answer."""
        source = self.inventory.vm(request.source_key)
        destination = self._destination(request.destination)
        if source is None or (isinstance(destination, str) and not _is_ip(destination)):
            screen.show_probe(request, destination if isinstance(destination, str)
                              else f"{screen.source.name} is no longer loaded.")
            return
        target = destination.id if isinstance(destination, VirtualMachine) else destination
        try:
            backend = await self._open_backend()
            result = await backend.probe_connectivity(
                source.id, target, request.port, request.protocol, location=source.location
            )
        except VnettuiError as error:
            screen.show_probe(request, str(error))
            return
        except Exception as error:  # shown in place; the log has the rest
            log.exception("Network Watcher probe")
            screen.show_probe(request, f"unexpected {type(error).__name__}; see the log.")
            return
        # Compared with our verdict as it stands now, on what is loaded now.
        try:
            verdict = reach.check(self.inventory, source, destination, request.port,
                                  request.protocol)
        except ValueError:
            screen.show_probe(request, result)
            return
        screen.show_probe(
            request, result, probe.agreement(verdict.reachable, verdict.conclusive, result),
            probe.disagrees(verdict.reachable, verdict.conclusive, result),
        )

    def _destination(self, text: str) -> VirtualMachine | str:
        """A VM by name (or id), else the text itself when it is an IP address, else a
        sentence saying what is wrong."""
        if _is_ip(text):
            return text
        wanted = text.casefold()
        found = [vm for vm in self.inventory.vms if wanted in (vm.name.casefold(),
                                                                 vm.id.casefold())]
        if len(found) == 1:
            return found[0]
        if found:
            where = ", ".join(f"{vm.resource_group}/{vm.name}" for vm in found)
            return f"{len(found)} VMs are named {text}: {where}. Type the id instead."
        return f"No VM named {text}; type a VM name or a private IP address."

    def action_conflicts(self) -> None:
        self.run_worker(self._open_conflicts(), name="conflicts", group="conflicts",
                        exit_on_error=False, description="list the conflicts")

    async def _open_conflicts(self) -> None:
        # A big estate has tens of thousands of overlapping pairs: group them off the loop.
        entries = await asyncio.to_thread(self.conflict_entries)
        self.push_screen(ConflictsScreen(entries), callback=self._conflict_chosen)

    def conflict_entries(self) -> list[ConflictEntry]:
        entries = []
        for number, group in enumerate(self.address_index.groups, start=1):
            for vnet in group.vnets:
                others = [
                    f"{', '.join(o.overlapping_ranges)} with {o.other(vnet.id).name}"
                    for o in group.overlaps
                    if vnet.id in o.ids
                ]
                entries.append(ConflictEntry(
                    number, vnet.id.casefold(), vnet.name, self._sub_name(vnet.subscription_id),
                    vnet.resource_group, vnet.address_prefixes, "; ".join(others),
                ))
        return entries

    def _conflict_chosen(self, key: str | None) -> None:
        if key:
            self._jump_to_vnet(key)

    @on(ConflictsScreen.FreeRangeRequested)
    def _free_range(self, event: ConflictsScreen.FreeRangeRequested) -> None:
        screen = self.screen
        if not isinstance(screen, ConflictsScreen):
            return
        try:
            blocks = self.address_index.free_blocks(event.prefix_length, count=5)
        except ValueError as error:
            screen.show_free(event.prefix_length, str(error))
            return
        screen.show_free(event.prefix_length, list(blocks))

    def selected_resource_id(self) -> str | None:
        """The id of what the focused pane has selected (original casing)."""
        name = self._focused_pane() or "vnets"
        key = self.pane(name).selected_key
        if key is None:
            return None
        if name == "subs":
            status = self.statuses.get(key)
            return f"/subscriptions/{status.subscription.id}" if status else None
        if name == "peerings":
            peering = self.details.selected_peering
            return str(peering.id) if peering else None
        item = self.inventory.vm(key) if name == "vms" else self.inventory.vnet(key)
        return str(item.id) if item else None

    def action_copy_id(self) -> None:
        resource_id = self.selected_resource_id()
        if resource_id is None:
            self.notify("Nothing selected to copy.", markup=False)
            return
        self.copy_to_clipboard(resource_id)
        self.notify(resource_id, title="Copied", markup=False)

    # --- signing in, read-only keys, activity ---------------------------------------------

    def _show_device_code(self, prompt: DeviceCodePrompt) -> None:
        """The backend's device-code handler: the URL and code in a modal, never printed
        over the screen. It is called on the event loop but outside the app's context (a
        plain loop callback from the sign-in thread), so the work is posted to the app."""
        self.call_later(self._push_device_code, prompt)

    def _push_device_code(self, prompt: DeviceCodePrompt) -> None:
        self._close_device_code(signed_in=False)  # a newer code replaces an older one
        screen = DeviceCodeScreen(prompt.url, prompt.code, prompt.expires_on)
        self._device_code = screen
        self.push_screen(screen)

    def _signed_in(self) -> None:
        self._close_device_code(signed_in=True)

    def _close_device_code(self, *, signed_in: bool) -> None:
        screen, self._device_code = self._device_code, None
        if screen is None or screen not in self.screen_stack:
            return  # never shown, or closed by the person (esc)
        screen.pop_until_active()
        if signed_in:
            screen.signed_in()
        else:
            screen.dismiss(False)

    def _show_sign_in(self, error: BaseException) -> None:
        """Signing in failed: say what was tried and offer the ways forward."""
        self._close_device_code(signed_in=False)
        log.warning("sign-in failed: %s", error)
        if isinstance(self.screen, SignInScreen):
            return
        message = error.message if isinstance(error, VnettuiError) else str(error)
        code = error.code if isinstance(error, VnettuiError) else ""
        self.push_screen(
            SignInScreen(message, code=code, device_code=self.settings.auth == "device-code"),
            self._sign_in_chosen,
        )

    def _sign_in_chosen(self, choice: Choice | None) -> None:
        if choice == "quit":
            self.exit(AuthError.exit_code)
            return
        if choice == "sandbox":
            settings = dataclasses.replace(self.settings, sandbox=True)
        elif choice == "device-code":
            settings = dataclasses.replace(self.settings, sandbox=False, auth="device-code")
        else:
            settings = self.settings
        self.run_worker(self.reopen(settings), name="reopen", group="inventory",
                        exit_on_error=False, description="open the backend")

    async def reopen(self, settings: Settings) -> None:
        """Close the backend and forget what it loaded, then load anew with `settings`
        (the sandbox instead of Azure, another way to sign in, or simply again)."""
        old, self.backend = self.backend, None
        if old is not None:
            try:
                await old.close()
            except Exception:
                log.exception("closing the backend")
        self.settings = settings
        self.inventory = Inventory()
        self.statuses = {}
        self.loaded_at = None
        self.overlaps = set()
        self.conflict_count = None
        self.address_index = cidr.analyse(())
        self._sub_key = ALL_KEY
        self._vnet_key = None
        self._soon.clear()
        self._render_all(flash=False)
        self._start_load(initial=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Write keys are dimmed in the footer (None) while writes are off: `--read-only`,
        or the selected VNet's subscription is read-only in the config file."""
        if action in WRITE_ACTIONS and self._read_only_reason(self._vnet_key) is not None:
            return None
        return True

    def on_key(self, event: events.Key) -> None:
        """A dimmed write key is not silent: pressing it says why nothing happens."""
        if len(self.screen_stack) > 1:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.action in WRITE_ACTIONS:
                why = self._read_only_reason(self._vnet_key)
                if why is not None:
                    self.notify(why, title="Read-only", severity="warning", markup=False)
                return

    async def _palette_action(self, action: str) -> None:
        why = self._read_only_reason(self._vnet_key) if action in WRITE_ACTIONS else None
        if why is not None:
            self.notify(why, title="Read-only", severity="warning", markup=False)
            return
        await self.run_action(action)

    def _mark_details(self, vnet: VirtualNetwork | None) -> None:
        """A production VNet's details wear the warning colour; a read-only one says so."""
        details = self.details
        if vnet is None:
            details.border_subtitle = ""
            return
        target = self.inventory.subscription(vnet.subscription_id) or vnet.subscription_id
        marks = []
        if config.is_production(target, self.settings):
            details.border_title = Text.assemble(
                (vnet.name, f"bold {WARN_STYLE}"), (" ⚠ production", WARN_STYLE)
            )
            marks.append("writes ask for its name")
        if self._read_only_reason(vnet.id) is not None:
            marks.append("read-only")
        details.border_subtitle = Text(" · ".join(marks), style=WARN_STYLE)

    def action_activity(self) -> None:
        self.run_worker(self._open_activity(), name="activity", group="activity",
                        exit_on_error=False, description="read the activity log")

    async def _open_activity(self) -> None:
        entries = await asyncio.to_thread(audit.read_audit)
        await self.push_screen(ActivityScreen(entries, source=str(audit.audit_path())))

    @on(ActivityScreen.RefreshRequested)
    async def _activity_refresh(self) -> None:
        entries = await asyncio.to_thread(audit.read_audit)
        if isinstance(self.screen, ActivityScreen):
            self.screen.show(entries)

    # --- errors -------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        if worker is self.load_worker:
            self._activity = ""
            self._update_header()
            if is_sign_in_failure(error):
                self._show_sign_in(error)
                return
        self.report_error(error, title=f"Could not {worker.description or worker.name}")

    def report_error(self, error: BaseException, *, title: str = "Error") -> None:
        """A readable notification (never markup, never a traceback); details to the log."""
        if isinstance(error, VnettuiError):
            message = str(error)
            log.warning("%s: %s", title, message)
        else:
            message = f"Unexpected error: {type(error).__name__}: {error}"
            log.error("%s", title, exc_info=error)
        self.notify(message, title=title, severity="error", markup=False, timeout=10)
