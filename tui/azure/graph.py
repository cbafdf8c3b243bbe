"""Azure Resource Graph queries, read as raw pages through the SDK client's own pipeline.

`ResourceGraphClient.resources()` deserialises every row into typed models in Python, which
costs seconds at tens of thousands of rows; `send_request` goes through the same pipeline
(credential, retry, throttling, read-only guard, transport) and returns the JSON untouched,
as `paging.py` does for ARM lists. Pages follow `$skipToken`, each request paced by the
quota headers of the answers before it (`graph_quota.QuotaPacer`).

Azure refuses an answer over 16 MiB (`ResponsePayloadTooLarge`), however few its rows: a
page that big is asked for again with fewer rows, and a query given a byte budget sizes
each page from the bytes per row of the page before (packed rows, each a subscription's
resources, vary from a few bytes to megabytes).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from tui.azure.error_map import azure_errors, error_from_response
from tui.azure.graph_quota import QuotaPacer
from tui.errors import AuthError, CloudError, ThrottledError, TransientError, VnettuiError

GRAPH_API_VERSION = "2021-03-01"  # azure-mgmt-resourcegraph 8.0.1's default
GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources"
PAGE_ROWS = 1000  # Resource Graph's most per page
MAX_SUBSCRIPTIONS = 10_000  # per query
MAX_PAGES = 10_000  # a service that never stops sending $skipToken is a bug, not an estate
RESENDS = 4  # tries of a query whose connection dropped
_RESENT_CODES = frozenset({"ConnectionDropped", "ConnectionFailed"})
TOO_LARGE = "ResponsePayloadTooLarge"
_DECODED_ASIDE = 256 * 1024  # an answer this long is decoded in a thread
_SIZES = re.compile(r"size is (\d+)\D+limit of (\d+)")

Row = dict[str, Any]

# ARM codes meaning the caller cannot use Resource Graph here (not a failure of the estate).
UNREGISTERED_CODES = frozenset(c.lower() for c in (
    "NoRegisteredProviderFound", "MissingSubscriptionRegistration", "SubscriptionNotRegistered",
    "ResourceProviderNotRegistered", "InvalidResourceNamespace",
))


class Scope(NamedTuple):
    """Where a query looks: these subscriptions, or these management groups (never both,
    as the API takes one or the other). Named tuples, this and `PageSize`: a frozen
    dataclass compiles its methods from source on import, before a first start's reads."""

    subscriptions: tuple[str, ...] = ()
    management_groups: tuple[str, ...] = ()

    def chunks(self) -> list[Scope]:
        """The scope cut to what one query may name (10,000 subscriptions)."""
        subs = self.subscriptions
        if self.management_groups or len(subs) <= MAX_SUBSCRIPTIONS:
            return [self]
        return [Scope(subs[i:i + MAX_SUBSCRIPTIONS])
                for i in range(0, len(subs), MAX_SUBSCRIPTIONS)]

    def body(self) -> dict[str, Any]:
        if self.management_groups:
            return {"managementGroups": list(self.management_groups)}
        return {"subscriptions": list(self.subscriptions)}


class PageSize(NamedTuple):
    """Rows to ask for per page: `first` for the first, then as many as fit `budget` bytes
    at the bytes per row seen so far (None: always `first`)."""

    first: int = PAGE_ROWS
    budget: int | None = None

    def next(self, top: int, rows: int, size: int) -> int:
        if self.budget is None or rows <= 0 or size <= 0:
            return top
        return max(1, min(PAGE_ROWS, int(self.budget * rows / size)))


FULL_PAGES = PageSize()  # PAGE_ROWS rows a page, whatever their size


class PayloadTooLarge(CloudError):
    """Azure would not send a page this big; `size` and `limit` in bytes when it said."""

    def __init__(self, message: str, size: int | None, limit: int | None) -> None:
        super().__init__(message, code=TOO_LARGE, status=400)
        self.size = size
        self.limit = limit

    def fewer(self, top: int) -> int:
        """Rows to ask for instead of `top`: the limit's share of them, with room."""
        if self.size and self.limit and self.size > self.limit:
            return max(1, min(top - 1, int(top * 0.75 * self.limit / self.size)))
        return max(1, top // 2)


def too_large(content: bytes | None) -> PayloadTooLarge | None:
    """The refusal in a failed answer's body when it is `ResponsePayloadTooLarge`."""
    try:
        body = json.loads(content) if content else None
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, dict) and detail.get("code") == TOO_LARGE:
            message = str(detail.get("message") or "")
            found = _SIZES.search(message)
            size, limit = (int(found[1]), int(found[2])) if found else (None, None)
            return PayloadTooLarge(message or "The answer was too large.", size, limit)
    return None


class GraphUnavailable(CloudError):
    """Resource Graph cannot answer this caller here: no permission, the provider not
    registered, or the query refused. `reason` says which, for one line of notice."""

    def __init__(self, reason: str, error: VnettuiError) -> None:
        super().__init__(f"{reason}: {error.message}", code=error.code, status=error.status)
        self.reason = reason


def unavailable(error: VnettuiError) -> GraphUnavailable:
    """Why a failed query means "use ARM instead", in words."""
    code = (error.code or "").lower()
    if code in UNREGISTERED_CODES:
        reason = "the Resource Graph provider is not registered"
    elif isinstance(error, AuthError):
        reason = "no permission to query Resource Graph"
    elif isinstance(error, ThrottledError):
        reason = "Resource Graph kept throttling"
    elif isinstance(error, TransientError):
        reason = "Resource Graph did not answer"
    elif error.status == 400:
        reason = "Resource Graph refused the query"
    else:
        reason = "Resource Graph failed"
    return GraphUnavailable(reason, error)


class GraphReader:
    """Runs KQL queries through one `ResourceGraphClient`, paced by one `QuotaPacer`."""

    def __init__(self, client: Any, base_url: str, pacer: QuotaPacer,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.client = client
        self.url = f"{base_url.rstrip('/')}{GRAPH_PATH}?api-version={GRAPH_API_VERSION}"
        self.pacer = pacer
        self.sleep = sleep  # between resends of a dropped query (the transport's clock)
        self.requests = 0

    async def pages(
        self, query: str, scope: Scope, *, partial: bool = False, size: PageSize = FULL_PAGES,
    ) -> AsyncGenerator[list[Row], None]:
        """The rows of `query` over `scope`, a page at a time, every row exactly once
        (pages follow `$skipToken`, which holds its place under concurrent writes). The
        next page is asked for before this one is handed over, so mapping a page overlaps
        the wait for the next."""
        for part in scope.chunks():
            token: str | None = None
            pending = asyncio.ensure_future(
                self.sized_page(query, part, None, size.first, partial=partial))
            try:
                for _ in range(MAX_PAGES):
                    page, top, length = await pending
                    data = page.get("data")
                    if not isinstance(data, list):
                        raise CloudError("Resource Graph answered without a `data` list of "
                                         "rows.", code="InvalidResponse")
                    next_token = page.get("$skipToken")
                    more = isinstance(next_token, str) and bool(next_token) \
                        and next_token != token
                    if more:
                        token = next_token
                        pending = asyncio.ensure_future(self.sized_page(
                            query, part, token, size.next(top, len(data), length),
                            partial=partial))
                        await asyncio.sleep(0)  # sent before this page is mapped
                    elif str(page.get("resultTruncated")).lower() == "true":
                        raise CloudError("Resource Graph cut the result short and gave no way "
                                         "to page through it.", code="ResultTruncated")
                    yield [row for row in data if isinstance(row, dict)]
                    if not more:
                        break
            finally:
                if not pending.done():
                    pending.cancel()
                    await asyncio.gather(pending, return_exceptions=True)

    async def sized_page(self, query: str, scope: Scope, token: str | None, top: int,
                         *, partial: bool = False) -> tuple[dict[str, Any], int, int]:
        """(answer, rows asked for, its length in bytes): a page Azure found too large is
        asked for again with fewer rows, down to one."""
        while True:
            try:
                answer, length = await self.page(query, scope, token, partial=partial, top=top)
                return answer, top, length
            except PayloadTooLarge as error:
                if top <= 1:
                    raise CloudError(
                        "One row of a Resource Graph answer is larger than Azure will send "
                        f"({error.message})", code=TOO_LARGE, status=400) from None
                top = error.fewer(top)

    async def page(self, query: str, scope: Scope, token: str | None = None,
                   *, partial: bool = False, top: int = PAGE_ROWS) -> tuple[dict[str, Any], int]:
        """One page and its length in bytes. A query only reads, so one whose connection
        dropped is sent again (azure-core resends no POST whose answer was lost)."""
        for attempt in range(1, RESENDS + 1):
            try:
                return await self._page(query, scope, token, partial, top)
            except TransientError as error:
                if attempt == RESENDS or error.code not in _RESENT_CODES:
                    raise
                await self.sleep(0.5 * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def _page(self, query: str, scope: Scope, token: str | None,
                    partial: bool, top: int) -> tuple[dict[str, Any], int]:
        """The POST, paced by the quota and parsed once."""
        from azure.core.rest import HttpRequest

        options: dict[str, Any] = {"$top": top, "resultFormat": "objectArray",
                                   "allowPartialScopes": partial}
        if token:
            options["$skipToken"] = token
        body = {**scope.body(), "query": query, "options": options}
        headers: Any = None
        sent_at = await self.pacer.acquire()
        try:
            self.requests += 1
            with azure_errors():
                response = await _sender(self.client)(
                    HttpRequest("POST", self.url, json=body), stream=True)
                headers = response.headers
                try:
                    content = await response.read()
                finally:
                    await response.close()
                if response.status_code >= 400:
                    refused = too_large(content) if response.status_code == 400 else None
                    raise refused or error_from_response(response)
        finally:
            await self.pacer.release(headers, sent_at)
        try:
            if len(content) > _DECODED_ASIDE:  # the loop sends the next page meanwhile
                answer = await asyncio.to_thread(json.loads, content)
            else:
                answer = json.loads(content) if content else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise CloudError("Resource Graph answered with something that is not a JSON "
                             "object.", code="InvalidResponse")
        return answer, len(content)

    async def rows(self, query: str, scope: Scope, *, partial: bool = False) -> list[Row]:
        """Every row of a (small) query."""
        return [row async for page in self.pages(query, scope, partial=partial) for row in page]


def _sender(client: Any) -> Any:
    """The client's `send_request`: azure-mgmt-resourcegraph 8.0.1 names it
    `_send_request` (its docstring's own way to send a raw request); other clients and
    later releases name it `send_request`."""
    found = getattr(client, "send_request", None)
    return found if found is not None else client._send_request


def visible_query() -> str:
    """The subscriptions of a scope that Resource Graph will answer for."""
    return ("resourcecontainers | where type =~ 'microsoft.resources/subscriptions' "
            "| project subscriptionId")


def subscription_ids(rows: Sequence[Row]) -> set[str]:
    return {str(r.get("subscriptionId") or "").lower() for r in rows} - {""}


__all__ = ["GraphReader", "GraphUnavailable", "PageSize", "PayloadTooLarge", "Scope",
           "unavailable"]
