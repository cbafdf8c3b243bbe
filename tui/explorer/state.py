"""What the explorer knows and shows, without Textual: inventory, statuses, filters, selection.

The screen asks it questions ("which VNets are in view?") and feeds it events ("a
subscription loaded", "these VNets were re-read"); what changed comes back as values the
screen turns into rows and notifications. Every rule here is tested without an app.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from tui.model import (
    Inventory,
    LoadError,
    Peering,
    PeeringState,
    Subscription,
    SubscriptionStatus,
    VirtualMachine,
    VirtualNetwork,
)
from tui.settings import Settings

if TYPE_CHECKING:
    from tui.cidr import AddressIndex

# The overlap sweep (tui.cidr) and the config file's rules (tui.config: tomllib, argparse)
# are imported when an inventory first arrives, not on the way to the first frame.

ALL_KEY = "*"  # the "All subscriptions" row


def _rules(settings: Settings) -> tuple[Callable[[Subscription], bool],
                                        Callable[[Subscription], bool]]:
    """(is production, is read-only) for a subscription. The config file's rules module is
    imported only when the file names subscriptions (it costs the cached first frame)."""
    if not (settings.production_subscriptions or settings.read_only_subscriptions):
        return (lambda _s: False), (lambda _s: settings.read_only)
    from tui import config

    return ((lambda s: config.is_production(s, settings)),
            (lambda s: config.is_read_only(s, settings)))


class StateChange(NamedTuple):
    """A peering whose state, sync level or provisioning state moved."""

    vnet: VirtualNetwork
    before: Peering
    after: Peering

    @property
    def disconnected(self) -> bool:
        """The link just lost its way back: worth telling the person at once."""
        return (self.after.state == PeeringState.DISCONNECTED
                and self.before.state != PeeringState.DISCONNECTED)


@dataclass
class ExplorerState:
    """The explorer's model. `settings` decides read-only and production marks."""

    settings: Settings
    inventory: Inventory = field(default_factory=Inventory)
    statuses: dict[str, SubscriptionStatus] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    overlaps: frozenset[str] = frozenset()  # lower-cased ids of VNets that overlap another
    conflict_count: int | None = None
    index: AddressIndex | None = field(default=None, repr=False)  # None: nothing loaded
    sub_key: str = ALL_KEY
    vnet_key: str | None = None
    loaded_at: float | None = None  # clock() of the last successful read
    loads: int = 0
    cached_age: float | None = None  # showing the cache from the last run, this old
    overlaps_due: bool = False  # an inventory was taken and its overlaps not yet found

    # --- loading ---------------------------------------------------------------------

    def begin(self, subscriptions: Sequence[Subscription]) -> None:
        """The subscriptions are known; their contents are on the way."""
        self.statuses = {s.id.casefold(): SubscriptionStatus(s) for s in subscriptions}

    def progress(self, subscription: Subscription, error: LoadError | None) -> str:
        """One subscription is in (or failed); returns the activity line."""
        self.statuses[subscription.id.casefold()] = SubscriptionStatus(
            subscription, None, error, loading=False
        )
        done = sum(1 for s in self.statuses.values() if not s.loading)
        return f"loaded {done}/{len(self.statuses)} subscriptions…"

    def add_loading_vnets(self, vnets: Sequence[VirtualNetwork]) -> bool:
        """VNets of a first load still running, shown as they come (their overlaps once
        it ends). False when something else is on screen (the cache, an earlier load)
        that stays until the load ends."""
        if self.loads or self.cached_age is not None:
            return False
        self.inventory = dataclasses.replace(self.inventory,
                                             vnets=self.inventory.vnets + tuple(vnets))
        return True

    def apply_cached(self, inventory: Inventory, now: float, age: float) -> None:
        """The last run's inventory, `age` seconds old, shown until the first load ends.

        Its overlaps are left to `analyse_overlaps` once it is painted: the sweep's import
        and run would hold the first frame back."""
        self._take(inventory, now - age, overlaps=False)
        self.cached_age = age

    def apply_inventory(self, inventory: Inventory, now: float) -> list[StateChange]:
        """A whole inventory is in; returns the peering state changes since the last one."""
        previous = self.inventory
        self._take(inventory, now)
        self.cached_age = None
        self.loads += 1
        if previous.loaded_at is None and not previous.vnets:
            return []
        return changes(previous.vnets, inventory.vnets)

    @property
    def address_index(self) -> AddressIndex:
        """Every VNet's address space, for overlaps and free ranges."""
        if self.index is None and not self.analyse_overlaps():
            from tui import cidr

            self.index = cidr.analyse(())
        assert self.index is not None
        return self.index

    def _take(self, inventory: Inventory, loaded_at: float, *, overlaps: bool = True) -> None:
        self.inventory = inventory
        self.loaded_at = loaded_at
        counts: dict[str, int] = {}
        for vnet in inventory.vnets:
            key = vnet.subscription_id.casefold()
            counts[key] = counts.get(key, 0) + 1
        production, read_only = _rules(self.settings)
        self.statuses = {
            s.id.casefold(): SubscriptionStatus(
                s, counts.get(s.id.casefold(), 0), inventory.error_for(s.id), loading=False,
                production=production(s), read_only=read_only(s),
            )
            for s in inventory.subscriptions
        }
        if self.sub_key != ALL_KEY and self.sub_key not in self.statuses:
            self.sub_key = ALL_KEY
        if self.vnet_key is not None and inventory.vnet(self.vnet_key) is None:
            self.vnet_key = None
        self.overlaps_due = True
        if overlaps:
            self.analyse_overlaps()
        else:
            self.index, self.overlaps, self.conflict_count = None, frozenset(), None

    def analyse_overlaps(self) -> bool:
        """Find the overlaps of the inventory taken last; False when they are known."""
        if not self.overlaps_due:
            return False
        from tui import cidr

        index = cidr.analyse(self.inventory)
        self.index = index
        self.overlaps = frozenset(vnet_id.casefold() for vnet_id in index.conflicted_ids)
        # VNets that overlap another: cheap, where counting pairs means building them all.
        self.conflict_count = len(self.overlaps)
        self.overlaps_due = False
        return True

    def apply_vnets(self, fresh: dict[str, VirtualNetwork], now: float) -> tuple[
        list[StateChange], list[VirtualNetwork]
    ]:
        """Swap re-read VNets (keyed by lower-cased id) into the inventory; returns the
        state changes and the VNets whose rows differ now."""
        if not fresh:
            return [], []
        inv = self.inventory
        old = [v for v in inv.vnets if v.id.casefold() in fresh]
        vnets = tuple(fresh.get(v.id.casefold(), v) for v in inv.vnets)
        self.inventory = dataclasses.replace(inv, vnets=vnets)
        self.loaded_at = now
        moved = changes(old, list(fresh.values()))
        differ = [fresh[v.id.casefold()] for v in old if fresh[v.id.casefold()] != v]
        return moved, differ

    def reset(self) -> None:
        """Forget everything loaded (another cloud, another sign-in)."""
        settings = self.settings
        self.__init__(settings)  # type: ignore[misc]

    # --- what is in view ---------------------------------------------------------------

    def set_filter(self, pane: str, text: str) -> bool:
        """True when the filter of `pane` changed."""
        if self.filters.get(pane, "") == text:
            return False
        if text:
            self.filters[pane] = text
        else:
            self.filters.pop(pane, None)
        return True

    def select_subscription(self, key: str | None) -> bool:
        key = key or ALL_KEY
        if key == self.sub_key:
            return False
        self.sub_key = key
        return True

    def select_vnet(self, key: str | None) -> bool:
        if key == self.vnet_key:
            return False
        self.vnet_key = key
        return True

    @property
    def selected_vnet(self) -> VirtualNetwork | None:
        return self.inventory.vnet(self.vnet_key) if self.vnet_key else None

    def subscription_items(self) -> list[SubscriptionStatus]:
        return list(self.statuses.values())

    def vnets_in_view(self) -> list[VirtualNetwork]:
        """The VNets of the chosen subscription (or all), by name then resource group."""
        inv = self.inventory
        vnets = inv.vnets if self.sub_key == ALL_KEY else inv.vnets_in(self.sub_key)
        return sorted(vnets, key=lambda v: (v.name.casefold(), v.resource_group.casefold()))

    def vms_in_view(self) -> list[VirtualMachine]:
        """The selected VNet's VMs; with a VM filter, every VM of the subscription (an IP is
        often all one knows)."""
        inv = self.inventory
        vnet = self.selected_vnet
        vms: Sequence[VirtualMachine]
        if vnet is not None and not self.filters.get("vms"):
            vms = inv.vms_in(vnet.id)
        elif self.sub_key != ALL_KEY:
            vms = [vm for vm in inv.vms if vm.subscription_id.casefold() == self.sub_key]
        else:
            vms = inv.vms
        return sorted(vms, key=lambda vm: vm.name.casefold())

    def overlap_lines(self, vnet: VirtualNetwork) -> list[str]:
        if self.index is None and self.overlaps_due:
            return []  # the cache being painted: its overlaps come a frame later
        lines = []
        for overlap in self.address_index.overlapping(vnet.id):
            other = overlap.other(vnet.id)
            lines.append(f"overlaps {other.name} ({', '.join(overlap.overlapping_ranges)})")
        return lines

    def subscription_name(self, sub_id: str) -> str:
        status = self.statuses.get(sub_id.casefold())
        return status.subscription.name if status else sub_id

    # --- safety rails ------------------------------------------------------------------

    def read_only_reason(self, vnet_id: str | None = None) -> str | None:
        """Why no write may go to `vnet_id` (any VNet when None), or None when it may."""
        if self.settings.read_only:
            origin = self.settings.read_only_origin
            return f"Read-only mode{f' ({origin})' if origin else ''}: vnettui sends no writes."
        vnet = self.inventory.vnet(vnet_id) if vnet_id else None
        if vnet is None or not self.settings.read_only_subscriptions:
            return None
        from tui import config

        target = self.inventory.subscription(vnet.subscription_id) or vnet.subscription_id
        if config.is_read_only(target, self.settings):
            name = target.name if isinstance(target, Subscription) else target
            return f"{name} is read-only in the config file: vnettui sends it no writes."
        return None

    def is_production(self, vnet: VirtualNetwork) -> bool:
        if not self.settings.production_subscriptions:
            return False  # no rules: their module need not load
        from tui import config

        target = self.inventory.subscription(vnet.subscription_id) or vnet.subscription_id
        return config.is_production(target, self.settings)

    def confirmation(self, vnet: VirtualNetwork) -> str | None:
        """What must be typed before a write to `vnet`: its name on production."""
        from tui import config

        subscription = self.inventory.subscription(vnet.subscription_id)
        return config.production_confirmation(vnet, self.settings, subscription)


def changes(before: Iterable[VirtualNetwork], after: Iterable[VirtualNetwork]) -> list[
    StateChange
]:
    """Peerings present before and after whose state, sync or provisioning moved."""
    old = {p.id.casefold(): p for v in before for p in v.peerings}
    moved: list[StateChange] = []
    for vnet in after:
        for peering in vnet.peerings:
            was = old.get(peering.id.casefold())
            if was is None or (
                was.state == peering.state
                and was.sync_level == peering.sync_level
                and was.provisioning_state == peering.provisioning_state
            ):
                continue
            moved.append(StateChange(vnet, was, peering))
    return moved
