"""The sandbox's request log: one JSON line per request the transport answers, so tests,
benchmarks and `vnettui sandbox stats` can count what a command really sent.

Set `$VNETTUI_SANDBOX_LOG` to a file (or pass `log=` to `SandboxTransport`). Lines are
appended with one `write` each (O_APPEND), so several processes may share one log. Each
line: `t` (epoch seconds), `method`, `kind` (the path with every name replaced by `{}`),
`path`, `status` (0 for a dropped connection) and `ms` (time spent answering).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV = "VNETTUI_SANDBOX_LOG"

# Segments followed by a name of the caller's choosing, above the providers.
_NAMED = {"subscriptions", "resourcegroups"}


def path_kind(method: str, url: str) -> str:
    """`GET /subscriptions/{}/providers/Microsoft.Network/virtualNetworks`: the request
    with its names taken out, so requests of one kind count together."""
    segs = [s for s in urlsplit(url).path.split("/") if s]
    out: list[str] = []
    i = 0
    while i < len(segs):
        seg = segs[i]
        if seg.lower() == "providers" and i + 1 < len(segs):
            out += [seg, segs[i + 1]]
            rest = segs[i + 2:]
            # Below a provider namespace: type, name, type, name, ...
            out += [s if n % 2 == 0 else "{}" for n, s in enumerate(rest)]
            break
        out.append(seg)
        if seg.lower() in _NAMED and i + 1 < len(segs):
            out.append("{}")
            i += 1
        i += 1
    return f"{method.upper()} /{'/'.join(out)}"


class RequestLog:
    """Appends one line per request to a file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def from_env(cls) -> RequestLog | None:
        value = os.environ.get(ENV, "").strip()
        return cls(value) if value else None

    def record(self, method: str, url: str, status: int, seconds: float) -> None:
        line = json.dumps({
            "t": round(time.time(), 3), "method": method.upper(),
            "kind": path_kind(method, url), "path": urlsplit(url).path, "status": status,
            "ms": round(seconds * 1000, 2),
        }, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


class Stats:
    """What a log holds: requests per kind and per status, and over how long. A plain
    class: every sandbox transport imports this module, and a dataclass compiles its
    methods from source on import."""

    __slots__ = ("first", "kinds", "last", "skipped", "statuses", "total")

    def __init__(self) -> None:
        self.total = 0
        self.first = 0.0
        self.last = 0.0
        self.kinds: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.skipped = 0  # lines that were not a request record

    @property
    def seconds(self) -> float:
        return max(0.0, self.last - self.first)

    @property
    def per_minute(self) -> float | None:
        return self.total * 60 / self.seconds if self.seconds else None

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total, "seconds": round(self.seconds, 3),
            "perMinute": None if self.per_minute is None else round(self.per_minute, 1),
            "kinds": dict(self.kinds.most_common()),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "skippedLines": self.skipped,
        }


def read(lines: Iterable[str]) -> Stats:
    stats = Stats()
    for line in lines:
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            kind, status, at = str(entry["kind"]), int(entry["status"]), float(entry["t"])
        except (ValueError, KeyError, TypeError):
            stats.skipped += 1
            continue
        stats.total += 1
        stats.kinds[kind] += 1
        stats.statuses[status] += 1
        stats.first = at if stats.total == 1 else min(stats.first, at)
        stats.last = max(stats.last, at)
    return stats


__all__ = ["ENV", "RequestLog", "Stats", "path_kind", "read"]
