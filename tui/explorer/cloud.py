"""What the explorer needs from `tui.azure.AzureBackend`, typed here so nothing on the way
to the first frame imports the SDK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from tui.model import Inventory, LoadError, ProbeResult, Subscription
from tui.peering import PeeringBackend


class Meter(Protocol):
    """The backend's request count (tui.azure.meter.RequestMeter)."""

    def per_minute(self) -> int: ...

    def recently_throttled(self) -> bool: ...


class Cloud(PeeringBackend, Protocol):
    @property
    def meter(self) -> Meter: ...

    async def list_subscriptions(self) -> list[Subscription]: ...

    async def load_inventory(
        self, on_progress: Callable[[Subscription, LoadError | None], None] | None = None
    ) -> Inventory: ...

    async def close(self) -> None: ...

    async def get_resource_json(self, resource_id: str) -> dict[str, Any]: ...

    async def probe_connectivity(
        self, source_vm_id: str, destination: str, port: int, protocol: str = "tcp",
        *, location: str | None = None,
    ) -> ProbeResult: ...
