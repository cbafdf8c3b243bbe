"""Loading the inventory and keeping what is on screen live.

Workers belong to the screen (they stop with it) and never exit the app on error: a
failure becomes a notification through the app's `report_error`. A load or poll still
running makes the next tick skip; nothing is ever cancelled by the clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from textual import work
from textual.worker import Worker, WorkerState

from tui.errors import AuthError, ThrottledError, VnettuiError
from tui.explorer import cache
from tui.explorer.base import ExplorerBase
from tui.explorer.scheduler import Due, PollScheduler
from tui.explorer.state import ExplorerState
from tui.model import Inventory, LoadError, Subscription, VirtualNetwork
from tui.settings import Settings
from widgets.live import LiveModal

log = logging.getLogger(__name__)

# Peering reads in flight at once during a poll.
POLL_CONCURRENCY = 8
# A hub with dozens of links: at most this many of its peers are candidates per poll.
MAX_PEERS_POLLED = 16
# Load progress (subscriptions done, VNets come) is painted at most this often.
PROGRESS_SECONDS = 0.1


class LiveData(ExplorerBase):
    """The load and poll workers, and the tick that decides between them."""

    load_worker: Worker[None] | None = None
    poll_worker: Worker[None] | None = None
    progress_due: dict[str, bool] | None = None  # a progress paint is scheduled (what)
    progress_cost = 0.0  # seconds the last progress paint took

    @property
    def polls(self) -> int:
        return self.scheduler.polls

    @property
    def loads(self) -> int:
        return self.state.loads

    def start_live(self) -> None:
        if self.settings.cache and cache.is_small(self.settings):
            self.show_cached(cache.load(self.settings))  # in the first frame itself
        tick = max(0.05, min(1.0, self.settings.interval / 4))
        self.set_interval(tick, self.tick, name="poll-tick")
        self.set_interval(1.0, self.update_header, name="header-age")
        # Loading starts once the first frame is out: the SDK import must not delay it.
        self.call_after_refresh(self.start_load, initial=True)

    def restart(self, settings: Settings) -> None:
        """Forget what was loaded and load anew (another cloud or sign-in)."""
        self.state = ExplorerState(settings)
        self.scheduler = PollScheduler(settings.interval)
        self.render_all(flash=False)
        self.start_load(initial=True)

    def start_load(self, *, initial: bool = False) -> bool:
        if self.load_worker is not None and self.load_worker.is_running:
            return False
        self.activity = "connecting…" if initial else "refreshing…"
        self.update_header()
        self.load_worker = self.load(initial)
        return True

    @work(group="inventory", exit_on_error=False, description="load the inventory")
    async def load(self, initial: bool) -> None:
        started = self.clock()
        if initial and self.settings.cache:
            await self.paint_cached()
        try:
            backend = await self.host.open_backend()
            subs = None
            if initial:
                self.activity = "listing subscriptions…"
                self.update_header()
                subs = await backend.list_subscriptions()
                self.host.signed_in()
                if not self.alive():
                    return
                self.state.begin(subs)
                self.render_subscriptions()
                if subs:
                    names = ", ".join(s.name for s in subs[:2])
                    more = "…" if len(subs) > 2 else ""
                    self.activity = f"loading {names}{more}"
                    self.update_header()
            # The subscriptions just listed are not listed again; VNets are painted as
            # their pages come.
            inventory = await backend.load_inventory(
                on_progress=self._on_progress, subscriptions=subs, on_vnets=self._on_vnets)
        finally:
            self.activity = ""
            self.progress_due = None
        if not self.alive():
            return
        self.scheduler.loaded(started)
        cached = self.state.cached_age is not None
        moved = self.state.apply_inventory(inventory, self.clock())
        self.announce(moved)
        self.render_all(flash=not initial or cached)
        if self.settings.cache and not inventory.errors:
            self.save_cache(inventory)
        self.refresh_live_modal()
        if initial and self.state.vnet_key is None and self.vnets_pane.row_count:
            self.vnets_pane.move_cursor(row=0)
        if inventory.source_note:  # Resource Graph could not be used: said once
            self.notify(inventory.source_note, title="Inventory", markup=False, timeout=8)
        if inventory.errors:
            failed = ", ".join(
                f"{self.state.subscription_name(e.subscription_id)} ({e.code})"
                for e in inventory.errors
            )
            self.notify(
                f"Could not read {len(inventory.errors)} subscription(s): {failed}. "
                "The rest loaded.",
                title="Partly loaded", severity="warning", markup=False, timeout=10,
            )

    async def paint_cached(self) -> None:
        """The last inventory, at once, marked with its age; the load then refreshes it."""
        if self.state.cached_age is not None:
            return  # painted with the first frame
        self.show_cached(await asyncio.to_thread(cache.load, self.settings))

    def show_cached(self, found: tuple[Inventory, float] | None) -> None:
        if found is None or not self.alive() or self.state.loads:
            return
        inventory, age = found
        self.state.apply_cached(inventory, self.clock(), age)
        self.render_all(flash=False)
        if self.state.vnet_key is None and self.vnets_pane.row_count:
            self.vnets_pane.move_cursor(row=0)
        self.call_after_refresh(self.show_overlaps)  # its overlaps once it is painted

    def show_overlaps(self) -> None:
        if self.alive() and self.state.analyse_overlaps():
            self.render_vnets(flash=False)
            self.update_header()

    @work(group="cache", exclusive=True, exit_on_error=False,
          description="save the inventory for the next start")
    async def save_cache(self, inventory: Inventory) -> None:
        await asyncio.to_thread(cache.save, self.settings, inventory)

    def _on_progress(self, sub: Subscription, error: LoadError | None) -> None:
        if not self.alive():
            return
        self.activity = self.state.progress(sub, error)
        self.progress_soon(vnets=False)

    def _on_vnets(self, vnets: Sequence[VirtualNetwork]) -> None:
        if self.alive() and self.state.add_loading_vnets(vnets):
            self.progress_soon(vnets=True)

    def progress_soon(self, *, vnets: bool) -> None:
        """Load progress is painted at most once per PROGRESS_SECONDS: a tenant of 1,000
        subscriptions reports 1,000 times, and each render of the subscriptions pane is
        all of its rows (quadratic when each report rendered)."""
        due = self.progress_due
        if due is None:
            self.progress_due = due = {"vnets": False}
            # Painting 20,000 VNet rows is not free: at most a fifth of the time goes to
            # painting progress, the rest to the load itself.
            wait = max(PROGRESS_SECONDS, 4 * self.progress_cost)
            self.set_timer(wait, self.paint_progress, name="load-progress")
        due["vnets"] = due["vnets"] or vnets

    def paint_progress(self) -> None:
        due, self.progress_due = self.progress_due, None
        if due is None or not self.alive():
            return  # the load ended first: it painted everything
        started = time.perf_counter()
        with self.app.batch_update():
            self.render_subscriptions()
            if due["vnets"]:
                self.render_vnets(flash=False)
            self.update_header()
        self.progress_cost = time.perf_counter() - started

    # --- polling ---------------------------------------------------------------------

    def modal_blocks_polling(self) -> bool:
        """Polling pauses behind any screen but a live one (the check screen)."""
        top = self.app.screen
        return top is not self and not (isinstance(top, LiveModal) and top.LIVE)

    def tick(self) -> None:
        self.ticks += 1
        if not self.alive():
            return
        state = self.state
        if not state.inventory.vnets and not state.inventory.subscriptions:
            return
        busy = any(w is not None and w.is_running for w in (self.load_worker, self.poll_worker))
        due = self.scheduler.due(self.clock(), busy=busy, blocked=self.modal_blocks_polling())
        if due is Due.FULL:
            self.start_load()
        elif due is Due.POLL:
            targets = self.poll_targets()
            if not targets:
                self.scheduler.nothing_to_read(self.clock())
                return
            self.poll_worker = self.poll(targets)

    def visible_vnet_keys(self) -> list[str]:
        """The VNet rows on screen now."""
        table = self.vnets_pane
        first = max(0, int(table.scroll_offset.y))
        return table.keys[first : first + max(1, table.size.height)]

    def poll_targets(self) -> list[VirtualNetwork]:
        inv = self.state.inventory
        selected = self.state.selected_vnet
        peers = [p.remote_vnet_id.casefold() for p in selected.peerings[:MAX_PEERS_POLLED]] \
            if selected else []
        top = self.app.screen
        watched = ([v.casefold() for v in top.watched_vnets]
                   if isinstance(top, LiveModal) else [])
        keys = self.scheduler.targets(
            selected=selected.id.casefold() if selected else None,
            peers=peers, visible=self.visible_vnet_keys(), watched=watched,
        )
        return [v for k in keys if (v := inv.vnet(k)) is not None]

    @work(group="poll", exit_on_error=False, description="re-read peerings on screen")
    async def poll(self, targets: list[VirtualNetwork]) -> None:
        backend = await self.host.open_backend()
        gate = asyncio.Semaphore(POLL_CONCURRENCY)

        async def read(vnet: VirtualNetwork) -> tuple[VirtualNetwork, VirtualNetwork | None]:
            # One GET of the VNet carries its links and its address space: both follow.
            async with gate:
                try:
                    return vnet, await backend.get_vnet(vnet.id)
                except ThrottledError:
                    raise
                except VnettuiError as error:
                    # A VNet that vanished or became unreadable: the next full load says so.
                    log.info("peerings of %s not re-read: %s", vnet.id, error)
                    return vnet, None

        try:
            results = list(await asyncio.gather(*(read(v) for v in targets)))
        except ThrottledError as error:
            wait = self.scheduler.throttled(self.clock(), error.retry_after)
            log.warning("throttled; next peering poll in %.0fs", wait)
            return
        if not self.alive():
            return
        known = {p.id.casefold() for v in targets for p in v.peerings}
        fresh = {vnet.id.casefold(): again for vnet, again in results if again is not None}
        # A link that just appeared: its remote VNet is read next poll, once, so the way
        # back shows soon (not every remote of every link, every time).
        self.scheduler.read_soon(
            p.remote_vnet_id.casefold()
            for v in fresh.values() for p in v.peerings
            if p.id.casefold() not in known and p.remote_vnet_id.casefold() not in fresh
        )
        moved = self.apply_fresh(fresh)
        self.scheduler.polled(self.clock(), fresh, changed=bool(moved))

    def apply_fresh(self, fresh: dict[str, VirtualNetwork]) -> list[object]:
        """Swap re-read VNets in and update just their rows (cursor and scroll stay)."""
        moved, differ = self.state.apply_vnets(fresh, self.clock())
        self.announce(moved)
        if differ:
            self.vnets_pane.update_vnets(differ, self.state.overlaps)
        self.render_details(flash=True)
        self.refresh_live_modal()
        return list(moved)

    def refresh_live_modal(self) -> None:
        """The check screen's verdict follows the data (Analysis answers it)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        event.stop()
        error = worker.error
        if worker is self.load_worker:
            self.activity = ""
            self.update_header()
            if is_sign_in_failure(error):
                self.host.show_sign_in(error)
                return
        self.host.report_error(error, title=f"Could not {worker.description or worker.name}")


def is_sign_in_failure(error: BaseException) -> bool:
    """Signing in failed (the sign-in screen's case), not a missing right (a notification)."""
    if not isinstance(error, AuthError):
        return False
    code = error.code.casefold()
    return error.status == 401 or code in SIGN_IN_CODES or code.startswith("aadsts")


# Sign-in failures (no token, or a token ARM refuses), as opposed to a missing right (403).
SIGN_IN_CODES = frozenset({
    "nocredential", "credentialunavailable", "tokencacheunavailable",
    "invalidauthenticationtoken", "expiredauthenticationtoken", "signinunreachable",
})
