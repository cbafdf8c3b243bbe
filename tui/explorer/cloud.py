"""What the explorer needs from `tui.azure.AzureBackend`, typed here so nothing on the way
to the first frame imports the SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from tui.model import Inventory, LoadError, Subscription, VirtualNetwork
from tui.peering import PeeringBackend
from tui.probe import ProbeResult


class Meter(Protocol):
    """The backend's request count (tui.azure.meter.RequestMeter)."""

    def per_minute(self) -> int: ...

    def recently_throttled(self) -> bool: ...


class Cloud(PeeringBackend, Protocol):
    @property
    def meter(self) -> Meter: ...

    async def list_subscriptions(self) -> list[Subscription]: ...

    async def load_inventory(
        self, on_progress: Callable[[Subscription, LoadError | None], None] | None = None,
        subscriptions: Sequence[Subscription] | None = None,
        on_vnets: Callable[[Sequence[VirtualNetwork]], None] | None = None,
    ) -> Inventory: ...

    async def refresh_vnets(self, inventory: Inventory, vnet_ids: Iterable[str]) -> Inventory:
        ...

    async def close(self) -> None: ...

    async def get_resource_json(self, resource_id: str) -> dict[str, Any]: ...

    async def probe_connectivity(
        self, source_vm_id: str, destination: str, port: int, protocol: str = "tcp",
        *, location: str | None = None,
    ) -> ProbeResult: ...
