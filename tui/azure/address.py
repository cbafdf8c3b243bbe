"""The VNet write behind an address-space change: GET, check, PUT with `If-Match`.

The change was planned on the address space a person looked at (`base`). The VNet is read
again (typed, with its etag and every other property, so the PUT sends back exactly what
ARM has, subnets and all) and refused if its space is no longer `base`; the PUT then carries
`If-Match` with that etag, so a change between the read and the write is refused by ARM
(412 `PreconditionFailed`) instead of overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.azure import mappers
from tui.azure.error_map import azure_errors
from tui.errors import CloudError, VnettuiError
from tui.model import VirtualNetwork

if TYPE_CHECKING:
    from tui.azure.clients import AzureClients

CHANGED_MEANWHILE = "PreconditionFailed"  # as tui.address.CHANGED_MEANWHILE


def _same(a: Sequence[str], b: Sequence[str]) -> bool:
    return {p.strip().lower() for p in a} == {p.strip().lower() for p in b}


async def update_address_space(
    backend: AzureClients, vnet_id: str, base: Sequence[str], prefixes: Sequence[str]
) -> VirtualNetwork:
    """Set `vnet_id`'s address prefixes to `prefixes` if they are still `base`; the VNet as
    ARM left it once the long-running PUT finished."""
    from tui.azure.paging import vnet_parts

    await backend._ready()
    sub, rg, name = vnet_parts(vnet_id)
    client = backend.network(sub)
    with azure_errors():
        current = await client.virtual_networks.get(rg, name)
    now = list(current.address_space.address_prefixes or []) if current.address_space else []
    if base and not _same(now, base):
        raise CloudError(
            f"{name}'s address space changed since it was read: it is now "
            f"{', '.join(now) or 'empty'}, not {', '.join(base)}; nothing was sent.",
            code=CHANGED_MEANWHILE, status=412)
    current.address_space.address_prefixes = list(prefixes)
    etag = current.etag
    headers = {"If-Match": etag} if etag else {}
    try:
        with azure_errors():
            poller = await client.virtual_networks.begin_create_or_update(
                rg, name, current, headers=headers)
            model = await poller.result()
    except VnettuiError as error:
        if error.code == CHANGED_MEANWHILE or error.status == 412:
            raise CloudError(
                f"{name} was changed by someone else after it was read (its etag no longer "
                "matches); nothing was changed.", code=CHANGED_MEANWHILE, status=412) from None
        raise
    return mappers.vnet_from_json(model.as_dict())


__all__ = ["CHANGED_MEANWHILE", "update_address_space"]
