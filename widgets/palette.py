"""Command palette provider: jump to any VNet or VM by name.

The provider only asks the app (through the `Jumpable` protocol) for targets and hands the
chosen one back, so it needs nothing from the cloud side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

MAX_HITS = 200


@dataclass(frozen=True)
class JumpTarget:
    kind: str  # "VNet" or "VM"
    name: str
    detail: str  # where it lives: "rg-peering · AZ-303 Lab", "10.1.0.4 · vnet1"
    key: str  # the lower-cased resource id


@runtime_checkable
class Jumpable(Protocol):
    def jump_targets(self) -> Sequence[JumpTarget]: ...

    def jump_to(self, target: JumpTarget) -> None: ...


def _label(target: JumpTarget) -> str:
    return f"Jump to {target.kind} {target.name}"


class JumpProvider(Provider):
    """Finds VNets and VMs by fuzzy name; selecting one selects it in its pane."""

    def _source(self) -> Jumpable | None:
        app = self.app
        return app if isinstance(app, Jumpable) else None

    async def search(self, query: str) -> Hits:
        source = self._source()
        if source is None:
            return
        matcher = self.matcher(query)
        found = 0
        for target in source.jump_targets():
            label = _label(target)
            score = matcher.match(label)
            if score <= 0:
                continue
            # Names come from the cloud: never let them be read as markup.
            display = Content(label) if "[" in label else matcher.highlight(label)
            yield Hit(
                score, display, partial(source.jump_to, target), text=label, help=target.detail
            )
            found += 1
            if found >= MAX_HITS:
                return

    async def discover(self) -> Hits:
        source = self._source()
        if source is None:
            return
        for target in list(source.jump_targets())[:20]:
            label = _label(target)
            yield DiscoveryHit(
                Content(label), partial(source.jump_to, target), text=label, help=target.detail
            )
