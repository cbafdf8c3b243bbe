"""Sync every link that is not in sync, a pair at a time, several pairs at once.

Each pair goes through `tui.peering.sync_peering`: both links are re-read, the stale side
(LocalNotInSync) is synced with retries on busy answers, both are read again. Pairs run
concurrently under a bound (ARM's write budget is per principal), and a failed pair never
stops the others: the result lists exactly which failed and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.errors import VnettuiError
from tui.model import Inventory, Peering, PeeringState, ResourceId, SyncLevel, VirtualNetwork
from tui.peering.backend import PeeringBackend
from tui.peering.pair import state_text
from tui.peering.progress import ProgressCallback, ProgressEvent, Stage, _emit
from tui.peering.retry import RetryPolicy
from tui.peering.sync import SyncResult, sides_to_sync, sync_peering

# Pairs synced at once: enough to finish a hub's dozens of spokes quickly, few enough to
# stay well inside ARM's write bucket (azure-facts section 4: 200, refilled 10/s).
MAX_CONCURRENT_SYNCS = 4


@dataclass(frozen=True)
class PairToSync:
    """One peering (both links) that is not in sync, as loaded."""

    link: Peering  # the link the sync starts from (re-read before anything is sent)
    targets: tuple[Peering, ...]  # the side(s) that will be synced, as far as loaded data says
    vnet_name: str
    remote_name: str

    @property
    def key(self) -> frozenset[ResourceId]:
        return frozenset((self.link.vnet_id, self.link.remote_vnet_id))

    def describe(self) -> str:
        if not self.targets:
            return (f"sync {self.link.name} on {self.vnet_name} "
                    f"({self.link.sync_level.value}; its link back is read first)")
        sides = ", ".join(f"{p.name} on {p.vnet_id.name} ({p.sync_level.value})"
                          for p in self.targets)
        return f"sync {sides}: {self.vnet_name} <-> {self.remote_name}"

    def az_commands(self) -> list[str]:
        return [f"az network vnet peering sync -g {p.vnet_id.resource_group} --vnet-name "
                f"{p.vnet_id.name} -n {p.name} --subscription {p.vnet_id.subscription_id}"
                for p in self.targets or (self.link,)]


@dataclass(frozen=True)
class SyncAllPlan:
    pairs: tuple[PairToSync, ...] = ()
    skipped: tuple[str, ...] = ()  # links not in sync that a sync cannot mend, and why

    def describe(self) -> list[str]:
        if not self.pairs:
            return ["Every peering in view is in sync: nothing to send."]
        return [pair.describe() for pair in self.pairs]

    def commands(self) -> list[str]:
        return [cmd for pair in self.pairs for cmd in pair.az_commands()]


def _name(inventory: Inventory, vnet_id: ResourceId) -> str:
    vnet = inventory.vnet(vnet_id)
    return vnet.name if vnet else vnet_id.name


def pairs_to_sync(inventory: Inventory, links: Iterable[Peering]) -> SyncAllPlan:
    """The pairs among `links` that are not FullyInSync, each once, with the side(s) to sync."""
    pairs: dict[frozenset[ResourceId], PairToSync] = {}
    skipped: list[str] = []
    for link in links:
        if not link.needs_sync:
            continue
        key = frozenset((link.vnet_id, link.remote_vnet_id))
        if key in pairs:
            continue
        vnet_name, remote_name = _name(inventory, link.vnet_id), _name(inventory,
                                                                        link.remote_vnet_id)
        if link.state is not PeeringState.CONNECTED:
            skipped.append(f"{link.name} on {vnet_name} is {link.state.value} "
                           f"({link.sync_level.value}): a sync needs both links; "
                           + ("revive or delete it." if link.state is PeeringState.DISCONNECTED
                              else f"link {remote_name} back first."))
            continue
        reverse = inventory.reverse_of(link)
        targets = tuple(sides_to_sync(link, reverse)) if reverse is not None else (
            (link,) if link.sync_level in (SyncLevel.LOCAL_NOT_IN_SYNC,
                                           SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC) else ())
        pairs[key] = PairToSync(link, targets, vnet_name, remote_name)
    return SyncAllPlan(tuple(pairs.values()), tuple(skipped))


def plan_sync_all(inventory: Inventory,
                  vnets: Iterable[VirtualNetwork] | None = None) -> SyncAllPlan:
    """Every pair with a link in `vnets` (default: every loaded VNet) that is not in sync."""
    scope = inventory.vnets if vnets is None else tuple(vnets)
    return pairs_to_sync(inventory, (p for v in scope for p in v.peerings))


@dataclass(frozen=True)
class PairOutcome:
    pair: PairToSync
    result: SyncResult | None = None
    error: VnettuiError | None = None  # the pair could not even be read

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and self.result.ok

    @property
    def in_sync(self) -> bool:
        """Both links read back FullyInSync."""
        links = self.result.now.links() if self.result else []
        return len(links) == 2 and all(p.sync_level is SyncLevel.FULLY_IN_SYNC for p in links)

    def describe(self) -> str:
        if self.error is not None:
            return (f"Could not sync {self.pair.link.name} on {self.pair.vnet_name}: "
                    f"{self.error}.")
        assert self.result is not None
        return self.result.describe()


@dataclass(frozen=True)
class SyncAllResult:
    outcomes: tuple[PairOutcome, ...] = ()

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def failed(self) -> list[PairOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def errors(self) -> list[VnettuiError]:
        found: list[VnettuiError] = []
        for o in self.failed:
            if o.error is not None:
                found.append(o.error)
            elif o.result is not None:
                found += [e for _, e in o.result.errors]
        return found

    def describe(self) -> str:
        if not self.outcomes:
            return "Nothing was out of sync; nothing was sent."
        done = sum(1 for o in self.outcomes if o.ok and o.in_sync)
        lines = [o.describe() for o in self.outcomes]
        head = f"{done} of {len(self.outcomes)} peerings now FullyInSync."
        if self.failed:
            head += (f" {len(self.failed)} failed: "
                     + ", ".join(f"{o.pair.link.name} on {o.pair.vnet_name}"
                                 for o in self.failed) + ".")
        return "\n".join([head, *lines])


async def sync_pairs(
    backend: PeeringBackend,
    pairs: Sequence[PairToSync],
    on_progress: ProgressCallback | None = None,
    *,
    retry: RetryPolicy | None = None,
    bound: int = MAX_CONCURRENT_SYNCS,
) -> SyncAllResult:
    """Sync each pair (at most `bound` at once); never raises for a cloud failure."""
    gate = asyncio.Semaphore(max(1, bound))

    async def one(pair: PairToSync) -> PairOutcome:
        async with gate:
            try:
                result = await sync_peering(backend, pair.link.id, on_progress, retry=retry)
            except VnettuiError as error:
                _emit(on_progress, ProgressEvent(
                    Stage.FAILED, f"{pair.link.name} on {pair.vnet_name}: {error}",
                    peering=pair.link))
                return PairOutcome(pair, None, error)
        for link in result.now.links():
            _emit(on_progress, ProgressEvent(
                Stage.STATE, f"{link.name} on {link.vnet_id.name}: {state_text(link)}, "
                f"{link.sync_level.value}", peering=link))
        return PairOutcome(pair, result)

    return SyncAllResult(tuple(await asyncio.gather(*(one(p) for p in pairs))))
