"""An ARM request as the sandbox's router reads it off the wire (`Request`, `parse`), and
the answer it gives back (`Answer`).

Apart from `routes` so that what a request and an answer are is one small module, and the
router holds only the decisions. Both are named tuples, not dataclasses, which would
compile their methods from source on the way to the sandbox's first answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from tui.sandbox.errors import bad_request
from tui.sandbox.graph.results import PageRequest
from tui.sandbox.tenants import HOME_TENANT, request_tenants

HOST = "https://management.azure.com"


class Answer(NamedTuple):
    """What the router gives back: status, JSON body (or its text) and headers."""

    status: int
    body: Any = None  # JSON-able, or None for an empty body
    headers: Mapping[str, str] = {}  # read only, so one empty default serves all
    raw: str | None = None  # the body as JSON text already (bulk lists)
    # A Resource Graph page to be answered outside the transport's lock (`graph.workers`).
    deferred: PageRequest | None = None


class Request(NamedTuple):
    """An ARM request as the router reads it: method, path, query, body, tokens."""

    method: str
    host: str
    path: str
    query: dict[str, str]  # parameter names lower-cased
    raw_query: list[tuple[str, str]]
    body: Any
    tenant: str = HOME_TENANT  # of the bearer token
    aux_tenants: frozenset[str] = frozenset()  # of x-ms-authorization-auxiliary tokens
    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def api_version(self) -> str:
        return self.query.get("api-version", "")

    def flag(self, name: str) -> bool:
        return self.query.get(name.lower(), "").lower() == "true"


def parse(
    method: str, url: str, content: bytes | str | None, headers: Mapping[str, str] | None = None
) -> Request:
    parts = urlsplit(url)
    raw_query = parse_qsl(parts.query, keep_blank_values=True)
    body: Any = None
    if content:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            raise bad_request(
                "InvalidRequestContent", "The request content was invalid and could not be "
                "deserialized.",
            ) from None
    host = f"{parts.scheme}://{parts.netloc}" if parts.netloc else HOST
    tenant, aux = request_tenants(headers or {})
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return Request(
        method.upper(), host, parts.path.rstrip("/") or "/",
        {k.lower(): v for k, v in raw_query}, raw_query, body, tenant, aux,
        lowered.get("if-match"), lowered.get("if-none-match"),
    )


__all__ = ["HOST", "Answer", "Request", "parse"]
