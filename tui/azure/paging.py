"""Raw ARM reads through a client's own pipeline, following `nextLink`.

`client.send_request` runs the request through the same policies as the typed operations
(credential, retry with Retry-After, the transport), but returns the JSON untouched, so
bulk lists skip the SDK's per-item deserialization. The request is sent as a stream so
azure-core's ContentDecodePolicy leaves the body alone: each page is parsed once, here,
not once by the pipeline and again by `response.json()`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote

from tui.azure.error_map import azure_errors, error_from_response
from tui.errors import CloudError, InputError
from tui.model import rid

# The api-versions the pinned SDK sends for these lists (a test compares them with the
# SDK's own request builders, so an SDK upgrade cannot silently drift from them).
NETWORK_API_VERSION = "2026-03-01"
COMPUTE_API_VERSION = "2026-04-01"
SUBSCRIPTIONS_API_VERSION = "2022-12-01"

# Guards against a service that keeps answering with a nextLink (a bug, not a big estate).
MAX_PAGES = 10_000


async def get_json(client: Any, url: str) -> dict[str, Any]:
    """GET one ARM URL; a non-2xx answer becomes a project error."""
    from azure.core.rest import HttpRequest

    with azure_errors():
        response = await client.send_request(HttpRequest("GET", url), stream=True)
        try:
            content = await response.read()
        finally:
            await response.close()
        if response.status_code >= 400:
            raise error_from_response(response)
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise CloudError(
            f"Azure answered {url.split('?')[0]} with something that is not a JSON object.",
            code="InvalidResponse", status=response.status_code,
        )
    return body


async def iter_pages(client: Any, url: str) -> AsyncGenerator[list[dict[str, Any]], None]:
    """The items of an ARM list, one page at a time, so a caller maps each page while
    the next is on its way and never holds the raw JSON of the whole list."""
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and len(seen) < MAX_PAGES:
        seen.add(next_url)
        page = await get_json(client, next_url)
        value = page.get("value")
        if not isinstance(value, list):
            raise CloudError(
                f"Azure answered a list request ({url.split('?')[0]}) without a `value` list.",
                code="InvalidResponse",
            )
        yield [item for item in value if isinstance(item, dict)]
        link = page.get("nextLink")
        next_url = link if isinstance(link, str) and link and link not in seen else None


async def list_all(client: Any, url: str) -> list[dict[str, Any]]:
    """Every item of an ARM list, page after page."""
    return [item async for page in iter_pages(client, url) for item in page]


def vnet_path(subscription_id: str, resource_group: str, name: str) -> str:
    """A VNet's id as the SDK spells it in a request path (each name quoted)."""
    sub, rg, vnet = (quote(part, safe="") for part in (subscription_id, resource_group, name))
    return (f"/subscriptions/{sub}/resourceGroups/{rg}"
            f"/providers/Microsoft.Network/virtualNetworks/{vnet}")


def resource_url(base: str, resource_id: str, api_version: str) -> str:
    """`{base}{resource id}?api-version=...`, for a GET of one resource."""
    return f"{base.rstrip('/')}/{resource_id.strip('/')}?api-version={api_version}"


def subscription_list_url(base: str, sub_id: str, provider_path: str, api_version: str,
                          query: str = "") -> str:
    """`{base}/subscriptions/{sub}/providers/{provider_path}?api-version=...`."""
    extra = f"&{query}" if query else ""
    return (f"{base.rstrip('/')}/subscriptions/{sub_id}/providers/{provider_path}"
            f"?api-version={api_version}{extra}")


def vnet_parts(vnet_id: str) -> tuple[str, str, str]:
    """(subscription, resource group, VNet name) of a VNet id, or InputError."""
    value = rid(vnet_id)
    parts = value.parts
    segs = [s.lower() for s in value.split("/") if s]
    if (
        len(segs) != 8 or segs[0] != "subscriptions" or segs[2] != "resourcegroups"
        or segs[4] != "providers" or segs[5] != "microsoft.network"
        or segs[6] != "virtualnetworks"
    ):
        raise InputError(f"Not a virtual network id: {vnet_id!r}.")
    return parts["subscriptions"], parts["resourcegroups"], parts["virtualnetworks"]


def peering_parts(peering_id: str) -> tuple[str, str, str, str]:
    """(subscription, resource group, VNet name, peering name) of a peering id."""
    value = rid(peering_id)
    segs = [s.lower() for s in value.split("/") if s]
    if len(segs) != 10 or segs[8] != "virtualnetworkpeerings":
        raise InputError(f"Not a virtual network peering id: {peering_id!r}.")
    sub, rg, vnet = vnet_parts(value.parent)
    return sub, rg, vnet, value.name

