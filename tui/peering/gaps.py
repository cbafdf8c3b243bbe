"""Whether a write may go ahead while some subscriptions could not be read.

A peering's checks (overlap with the other VNet and with every VNet already peered to
either side, one link per remote, gateways) run on what is loaded. When a subscription that
holds one of the VNets or one of their peers is missing, those checks ran on incomplete
data, so the write is refused. A missing subscription that holds none of them cannot change
the answer, and the write goes ahead with a note saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.errors import UnreadableError
from tui.model import Inventory, LoadError, VirtualNetwork


@dataclass(frozen=True)
class WriteGaps:
    """The unreadable subscriptions of an inventory, split by whether they matter to a
    write on `vnet_names` (and the VNets peered with them)."""

    vnet_names: tuple[str, ...]
    blocking: tuple[tuple[LoadError, str], ...] = ()  # (error, subscription label)
    harmless: tuple[tuple[LoadError, str], ...] = ()

    @property
    def ok(self) -> bool:
        """Nothing missing that the write depends on."""
        return not self.blocking

    def refusal(self, what: str) -> UnreadableError:
        """Why `what` (e.g. "peer vnet1 with vnet2") is not sent: exit 3, naming each
        subscription that matters."""
        return UnreadableError(
            f"Refused to {what}: {_subscriptions(self.blocking)} could not be read, and "
            f"{_names(self.vnet_names, 'or')} or a VNet peered with {_them(self)} lives "
            "there, so the checks before the write would run on incomplete data; nothing "
            "was sent. Fix access to it and run the command again.",
            code="SubscriptionUnreadable")

    def note(self) -> str | None:
        """What to say when the write goes ahead despite missing subscriptions."""
        if not self.harmless or self.blocking:
            return None
        return (f"{_subscriptions(self.harmless)} could not be read, but neither "
                f"{_names(self.vnet_names, 'nor')} nor any VNet peered with {_them(self)} "
                "lives there, so it cannot change the checks: going ahead.")


def write_gaps(inventory: Inventory, vnets: Iterable[VirtualNetwork]) -> WriteGaps:
    """Which unreadable subscriptions a write on `vnets` depends on: those holding one of
    the VNets or a VNet one of their links points to."""
    chosen = list(vnets)
    involved = {v.subscription_id.lower() for v in chosen}
    involved |= {p.remote_vnet_id.subscription_id.lower() for v in chosen for p in v.peerings}
    blocking: list[tuple[LoadError, str]] = []
    harmless: list[tuple[LoadError, str]] = []
    for error in inventory.errors:
        entry = (error, _label(inventory, error))
        (blocking if error.subscription_id.lower() in involved else harmless).append(entry)
    return WriteGaps(tuple(v.name for v in chosen), tuple(blocking), tuple(harmless))


def _label(inventory: Inventory, error: LoadError) -> str:
    sub = inventory.subscription(error.subscription_id)
    return f"{sub.name!r} ({sub.id})" if sub else error.subscription_id


def _subscriptions(entries: tuple[tuple[LoadError, str], ...]) -> str:
    labels = " and ".join(label for _, label in entries)
    return f"subscription{'s' if len(entries) > 1 else ''} {labels}"


def _them(gaps: WriteGaps) -> str:
    return "it" if len(set(gaps.vnet_names)) == 1 else "them"


def _names(names: tuple[str, ...], joiner: str) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return "".join(unique)
    return f"{', '.join(unique[:-1])} {joiner} {unique[-1]}"
