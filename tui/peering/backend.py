"""What the peering workflow needs from the cloud, as a Protocol, so the rules never import
the SDK.
"""

from __future__ import annotations

from typing import Protocol

from tui.model import Peering, PeeringFlags, ResourceId, SubnetSelection, VirtualNetwork


class PeeringBackend(Protocol):
    """What the workflow needs from the cloud; `tui.azure.AzureBackend` provides it."""

    async def put_peering(
        self, vnet_id: ResourceId, name: str, remote_vnet_id: ResourceId, flags: PeeringFlags,
        *, subnets: SubnetSelection | None = None,
    ) -> Peering: ...

    async def delete_peering(self, peering_id: ResourceId) -> None: ...

    async def sync_peering(self, peering_id: ResourceId) -> Peering: ...

    async def get_peering(self, peering_id: ResourceId) -> Peering: ...

    async def list_peerings(self, vnet_id: ResourceId) -> list[Peering]: ...

    async def get_vnet(self, vnet_id: ResourceId) -> VirtualNetwork: ...
