"""The contract of a modal the explorer keeps polling behind (the check screen, progress)."""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable


@runtime_checkable
class LiveModal(Protocol):
    """A modal whose content depends on peering state: polling goes on while it is up,
    and the VNets it names are read every time."""

    LIVE: ClassVar[bool]
    watched_vnets: tuple[str, ...]
