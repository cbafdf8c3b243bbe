"""Test harness for Resource Graph reads: a clock that only moves when something waits
(shared by the sandbox's quota, the pacer and the pipeline's 429 back-off), a policy that
records request bodies, and a backend built on both."""

from __future__ import annotations

import json
import time as real_time
from pathlib import Path
from typing import Any

from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

from tui.azure import AzureBackend
from tui.azure.connection import make_connection
from tui.azure.graph_quota import QuotaPacer
from tui.sandbox import SandboxTransport
from tui.settings import Settings


class SteppedTime:
    """Starts now (the sandbox's index lag is measured from when the file was built) and
    advances only by what is slept."""

    def __init__(self) -> None:
        self.start = self.now = real_time.time()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class SteppedTransport(SandboxTransport):
    """The sandbox on a SteppedTime: its waits (retry, 429 back-off) move the clock."""

    def __init__(self, path: Path, time: SteppedTime, **options: Any) -> None:
        super().__init__(path, clock=time.clock, **options)
        self.time = time

    async def sleep(self, duration: float) -> None:
        await self.time.sleep(duration)


class Recorder(SansIOHTTPPolicy[Any, Any]):
    """Keeps (method, url, body) of every request the pipeline sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Any]] = []

    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        content = getattr(http, "content", None) or getattr(http, "body", None)
        if isinstance(content, bytes):
            content = content.decode()
        body = json.loads(content) if isinstance(content, str) and content else None
        self.sent.append((http.method, str(http.url), body))


def graph_bodies(recorder: Recorder) -> list[dict[str, Any]]:
    return [body for method, url, body in recorder.sent
            if method == "POST" and "Microsoft.ResourceGraph" in url]


def backend_with(
    path: Path, recorder: Recorder | None = None, *, faults: dict[str, Any] | None = None,
    time: SteppedTime | None = None, log: Path | None = None,
    transport_class: type[SandboxTransport] | None = None, **settings: Any,
) -> AzureBackend:
    """An AzureBackend on the sandbox at `path`, as `open_backend` builds it, with the
    recorder among its policies and everything on `time` when given."""
    chosen = Settings(sandbox=True, sandbox_state=path, **settings)
    profile = {"operation_seconds": 0, "graph_quota": 1000, **(faults or {})}
    options: dict[str, Any] = {"faults": profile}
    if log is not None:
        options["log"] = log
    if time is not None:
        transport: SandboxTransport = SteppedTransport(path, time, **options)
    else:
        transport = (transport_class or SandboxTransport)(path, **options)
    connection = make_connection(chosen)
    base = connection.policies_factory

    def policies() -> list[Any]:
        return [*(base() if base else []), *([recorder] if recorder else [])]

    connection = connection._replace(transport_factory=lambda: transport,
                                     policies_factory=policies)
    backend = AzureBackend(chosen, connection)
    if time is not None:
        backend.graph_pacer = QuotaPacer(clock=time.clock, sleep=time.sleep)
    return backend
