"""ARM's word before a peering form's checks count.

The explorer's inventory may come from Resource Graph, whose index trails ARM by seconds
to minutes: a link made a moment ago is not in it yet. The checks before a write must run
on what ARM says, so the form re-reads the two VNets, then the VNets peered to either
(overlap is checked against those too), through a refresh the app passes in (widgets never
talk to Azure), and a submit waits for that read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tui.errors import VnettuiError
from tui.model import Inventory, ResourceId, VirtualNetwork

# (inventory, VNet ids) -> the inventory with those VNets as ARM has them now.
Refresh = Callable[[Inventory, Sequence[ResourceId]], Awaitable[Inventory]]


async def reread_pair(refresh: Refresh, inventory: Inventory, local: ResourceId,
                      remote: ResourceId) -> Inventory:
    """Both VNets, then the peers ARM says they have (not the index's idea of them)."""
    fresh = await refresh(inventory, [local, remote])
    pair = {local.casefold(), remote.casefold()}
    peers = sorted({p.remote_vnet_id for v in (fresh.vnet(local), fresh.vnet(remote))
                    if v is not None for p in v.peerings
                    if p.remote_vnet_id.casefold() not in pair}, key=str.casefold)
    return await refresh(fresh, peers) if peers else fresh


@dataclass
class FreshPair:
    """Which pair has been re-read, which is being read, and what went wrong."""

    refresh: Refresh | None
    fresh: tuple[str, str] | None = None
    pending: tuple[str, str] | None = None
    failed: str | None = None
    submit_waiting: bool = False

    @staticmethod
    def key(local: ResourceId, remote: ResourceId) -> tuple[str, str]:
        return local.casefold(), remote.casefold()

    def needed(self, local: ResourceId, remote: ResourceId) -> bool:
        """True until this pair has been re-read (never without a refresh to call)."""
        return self.refresh is not None and self.fresh != self.key(local, remote)

    def messages(self, local: VirtualNetwork,
                 remote: VirtualNetwork | None) -> tuple[list[str], list[str]]:
        """(problems, notes) the form shows about ARM's read of the pair."""
        if remote is None or not self.needed(local.id, remote.id):
            return [], []
        if self.failed:
            return [self.failed], []
        return [], [f"Re-reading {local.name} and {remote.name} from ARM before the checks "
                    "count…"]

    def fail(self, local: str, remote: str, error: VnettuiError) -> None:
        self.pending, self.submit_waiting = None, False
        self.failed = (f"Could not re-read {local} and {remote} from ARM ({error.message}); "
                       "the checks need ARM's word: pick the VNet again to retry.")


__all__ = ["FreshPair", "Refresh", "reread_pair"]
