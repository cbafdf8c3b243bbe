"""Writes: a peering's PUT, DELETE and sync, and a VNet's address space, each a long-running
operation awaited to its end through the SDK's typed operations.

`--read-only` is enforced by the guard policy in every client's pipeline
(`tui.azure.guard`), where requests leave, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.azure import mappers
from tui.azure.error_map import azure_errors
from tui.azure.paging import peering_parts, vnet_parts
from tui.azure.reads import InventoryReads
from tui.model import Peering, PeeringFlags, ResourceId, SubnetSelection, VirtualNetwork, rid

if TYPE_CHECKING:
    from azure.mgmt.network.models import VirtualNetworkPeering


def peering_body(
    remote_vnet_id: str, flags: PeeringFlags, subnets: SubnetSelection | None = None
) -> dict[str, Any]:
    """The PUT body of one peering direction, with every flag stated explicitly (and, for a
    subnet peering, its subnets in Microsoft's shape: `peerCompleteVnets: false`...)."""
    props: dict[str, Any] = {
        "allowVirtualNetworkAccess": flags.allow_virtual_network_access,
        "allowForwardedTraffic": flags.allow_forwarded_traffic,
        "allowGatewayTransit": flags.allow_gateway_transit,
        "useRemoteGateways": flags.use_remote_gateways,
        "remoteVirtualNetwork": {"id": str(remote_vnet_id)},
    }
    if subnets is not None:
        props.update({
            "peerCompleteVnets": False,
            "localSubnetNames": list(subnets.local),
            "remoteSubnetNames": list(subnets.remote),
            "enableOnlyIPv6Peering": subnets.ipv6_only,
        })
    return {"properties": props}


def _peering_model(body: dict[str, Any]) -> VirtualNetworkPeering:
    from azure.mgmt.network.models import VirtualNetworkPeering

    return VirtualNetworkPeering(body)


class PeeringWrites(InventoryReads):
    """Everything the backend writes (a sync reads the link first, hence the reads)."""

    async def put_peering(
        self, vnet_id: str, name: str, remote_vnet_id: str, flags: PeeringFlags,
        *, remote_tenant: str | None = None, subnets: SubnetSelection | None = None,
    ) -> Peering:
        """Create or update one direction of a peering; returns it once ARM settles.

        When the remote VNet's subscription is in another tenant (known from the
        subscription list, or `remote_tenant` for a pasted id), the request carries that
        tenant's token in `x-ms-authorization-auxiliary`.
        """
        await self._ready()
        sub, rg, vnet = vnet_parts(vnet_id)
        body = _peering_model(peering_body(remote_vnet_id, flags, subnets))
        client = self._writer(sub, remote_vnet_id, remote_tenant)
        with azure_errors():
            poller = await client.virtual_network_peerings.begin_create_or_update(
                rg, vnet, name, body
            )
            model = await poller.result()
        return mappers.peering_from_json(model.as_dict(), rid(vnet_id))

    async def delete_peering(self, peering_id: str) -> None:
        await self._ready()
        sub, rg, vnet, name = peering_parts(peering_id)
        with azure_errors():
            poller = await self.network(sub).virtual_network_peerings.begin_delete(rg, vnet, name)
            await poller.result()

    async def sync_peering(
        self, peering_id: str, *, remote_tenant: str | None = None
    ) -> Peering:
        """Re-read the remote address space: PUT the current body with syncRemoteAddressSpace.

        As `az network vnet peering sync` does: GET, then PUT the same flags and remote.
        """
        sub, rg, vnet, name = peering_parts(peering_id)
        current = await self.get_peering(peering_id)
        body = _peering_model(peering_body(current.remote_vnet_id, current.flags,
                                           current.subnets))
        client = self._writer(sub, current.remote_vnet_id, remote_tenant)
        with azure_errors():
            poller = await client.virtual_network_peerings.begin_create_or_update(
                rg, vnet, name, body, sync_remote_address_space="true"
            )
            model = await poller.result()
        return mappers.peering_from_json(model.as_dict(), ResourceId(peering_id).parent)

    async def update_address_space(
        self, vnet_id: str, base: Sequence[str], prefixes: Sequence[str]
    ) -> VirtualNetwork:
        """Change a VNet's address prefixes (GET, then PUT with If-Match; tui.azure.address)."""
        from tui.azure.address import update_address_space

        return await update_address_space(self, vnet_id, base, prefixes)

