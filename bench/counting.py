"""Counting the requests a command sends: the sandbox transport, with a log of each request.

`counting_requests()` makes every backend built while it is active (including the one a
CLI command opens for itself) use a `CountingTransport`, and yields the shared log. It
measures; it changes no answer. Benchmarks report these counts and tests assert budgets
on them.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

from tui.sandbox import SandboxTransport


@dataclass
class RequestLog:
    """(method, path) of every request sent, in order."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent)

    def by_kind(self) -> collections.Counter[str]:
        """Requests per kind: `GET virtualNetworks` (a list page), `GET virtualNetwork`
        (one VNet), `PUT virtualNetworkPeering`, `GET operation` ..."""
        return collections.Counter(f"{method} {kind_of(path)}" for method, path in self.sent)

    def clear(self) -> None:
        self.sent.clear()


_PLURAL = re.compile(r"/providers/[^/]+/([^/]+)$", re.IGNORECASE)


def kind_of(path: str) -> str:
    """The resource kind a request path addresses, plural for a list."""
    segs = [s for s in path.split("/") if s]
    low = [s.lower() for s in segs]
    if low == ["subscriptions"]:
        return "subscriptions"
    if "operations" in low or "operationresults" in low:
        return "operation"
    match = _PLURAL.search(path)
    if match:  # /subscriptions/S[/resourceGroups/G]/providers/NS/TYPE: a list
        return match.group(1)
    if len(segs) % 2 == 1:  # .../virtualNetworks/V/virtualNetworkPeerings: a child list
        return segs[-1]
    return segs[-2][:-1] if segs[-2].endswith("s") else segs[-2]


class CountingTransport(SandboxTransport):
    """A SandboxTransport that logs every request it is given."""

    def __init__(self, path: str | Path, *, log: RequestLog, **options: Any) -> None:
        super().__init__(path, **options)
        self.log = log

    async def send(self, request: Any, **kwargs: Any) -> Any:
        self.log.sent.append((request.method.upper(), urlsplit(str(request.url)).path))
        return await super().send(request, **kwargs)


@contextmanager
def counting_requests() -> Iterator[RequestLog]:
    """Log the requests of every sandbox backend opened inside the block."""
    log = RequestLog()

    def transport(path: Path, faults: Mapping[str, Any] | None = None,
                  **options: Any) -> CountingTransport:
        return CountingTransport(path, log=log, faults=faults, **options)

    with mock.patch("tui.azure.connection.sandbox_transport", transport):
        yield log
