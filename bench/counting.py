"""Counting the requests a command sends, through the sandbox's own request log.

`counting_requests()` points `$VNETTUI_SANDBOX_LOG` at a fresh file for the block, so every
sandbox transport opened inside it (including the one a CLI command opens for itself)
logs each request it answers, and yields a view of that log. Benchmarks report these
counts and tests assert budgets on them.
"""

from __future__ import annotations

import collections
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tui.sandbox.requestlog import ENV


@dataclass
class SentRequests:
    """The requests logged to `path`: (method, path) of each, in order (kept in memory by
    `keep()` when the file is about to go)."""

    path: Path
    kept: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def sent(self) -> list[tuple[str, str]]:
        if self.kept is not None:
            return self.kept
        if not self.path.exists():
            return []
        entries = (json.loads(line) for line in self.path.read_text().splitlines() if line)
        return [(str(e["method"]), str(e["path"])) for e in entries]

    def __len__(self) -> int:
        return len(self.sent)

    def by_kind(self) -> collections.Counter[str]:
        """Requests per kind: `GET virtualNetworks` (a list page), `GET virtualNetwork`
        (one VNet), `PUT virtualNetworkPeering`, `GET operation` ..."""
        return collections.Counter(f"{method} {kind_of(path)}" for method, path in self.sent)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def keep(self) -> None:
        self.kept = self.sent


_LIST = re.compile(r"/providers/[^/]+/([^/]+)$", re.IGNORECASE)


def kind_of(path: str) -> str:
    """The resource kind a request path addresses, plural for a list."""
    segs = [s for s in path.split("/") if s]
    low = [s.lower() for s in segs]
    if low == ["subscriptions"]:
        return "subscriptions"
    if "operations" in low or "operationresults" in low:
        return "operation"
    match = _LIST.search(path)
    if match:  # /subscriptions/S[/resourceGroups/G]/providers/NS/TYPE: a list
        return match.group(1)
    if len(segs) % 2 == 1:  # .../virtualNetworks/V/virtualNetworkPeerings: a child list
        return segs[-1]
    return segs[-2][:-1] if segs[-2].endswith("s") else segs[-2]


@contextmanager
def counting_requests() -> Iterator[SentRequests]:
    """Log the requests of every sandbox transport opened inside the block."""
    before = os.environ.get(ENV)
    with tempfile.TemporaryDirectory() as tmp:
        log = SentRequests(Path(tmp) / "requests.jsonl")
        os.environ[ENV] = str(log.path)
        try:
            yield log
        finally:
            log.keep()
            if before is None:
                os.environ.pop(ENV, None)
            else:
                os.environ[ENV] = before
