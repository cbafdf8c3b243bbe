"""`SandboxTransport`: an azure-core async transport that answers ARM requests in-process.

Any azure-mgmt async client can use it (`transport=SandboxTransport(path)`), keeping its
base URL `https://management.azure.com`: the SDK's own request building, paging, polling,
retries and error mapping all run unchanged, only the bytes come from the sandbox.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.exceptions import ServiceResponseError, ServiceResponseTimeoutError
from azure.core.pipeline.transport import AsyncHttpTransport
from azure.core.rest import AsyncHttpResponse, HttpRequest
from azure.core.utils import case_insensitive_dict

from tui.sandbox import routes
from tui.sandbox.errors import ArmError
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph import workers
from tui.sandbox.graph.endpoint import GraphState
from tui.sandbox.requestlog import RequestLog
from tui.sandbox.store import SUBSCRIPTION_TYPE, SandboxFileError, SandboxStore
from tui.sandbox.tenants import token_for

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


class SandboxResponse(AsyncHttpResponse):
    """A fully-read response: the sandbox never streams."""

    def __init__(self, request: Any, status: int, headers: Mapping[str, str], content: bytes):
        self._request = request
        self._status = status
        self._headers: MutableMapping[str, str] = case_insensitive_dict(headers)
        self._content = content
        self._closed = False

    @property
    def request(self) -> Any:
        return self._request

    @property
    def status_code(self) -> int:
        return self._status

    @property
    def headers(self) -> MutableMapping[str, str]:
        return self._headers

    @property
    def reason(self) -> str:
        return REASONS.get(self._status, "Unknown")

    @property
    def content_type(self) -> str | None:
        return self._headers.get("Content-Type")

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def is_stream_consumed(self) -> bool:
        return True

    @property
    def encoding(self) -> str | None:
        return "utf-8"

    @encoding.setter
    def encoding(self, value: str | None) -> None:  # the SDK may set it; always utf-8 here
        pass

    @property
    def url(self) -> str:
        return str(self._request.url)

    @property
    def content(self) -> bytes:
        return self._content

    def body(self) -> bytes:
        """The content, as azure-core's own responses also offer it: some generated clients
        (azure-mgmt-resourcegraph) deserialise through `body()`/`text()`."""
        return self._content

    def text(self, encoding: str | None = None) -> str:
        return self._content.decode(encoding or "utf-8")

    def json(self) -> Any:
        return json.loads(self._content) if self._content else None

    def raise_for_status(self) -> None:
        if self._status >= 400:
            from azure.core.exceptions import HttpResponseError

            raise HttpResponseError(response=self)

    async def read(self) -> bytes:
        return self._content

    async def iter_raw(self, **kwargs: Any) -> AsyncIterator[bytes]:
        yield self._content

    async def iter_bytes(self, **kwargs: Any) -> AsyncIterator[bytes]:
        yield self._content

    async def close(self) -> None:
        self._closed = True

    async def __aexit__(self, *args: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<SandboxResponse: {self._status} {self.reason}>"


class SandboxTransport(AsyncHttpTransport[HttpRequest, AsyncHttpResponse]):
    """Answers `https://management.azure.com` from the sandbox file at `path`.

    The file is created from the default scenario (`showcase`) when missing or empty.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        faults: FaultProfile | Mapping[str, Any] | None = None,
        page_size: int = 50,
        clock: Callable[[], float] = time.time,
        log: str | Path | None = None,
    ) -> None:
        self.path = Path(path)
        # The request log: `log=` when given (tests stay independent of the shell), else
        # $VNETTUI_SANDBOX_LOG.
        self.log = RequestLog(log) if log is not None else RequestLog.from_env()
        self.faults = FaultProfile.resolve(faults)
        self.page_size = page_size
        self.clock = clock  # Resource Graph's quota window and index lag (tests move it)
        self.graph = GraphState.for_profile(self.faults, clock)
        self._store: SandboxStore | None = None
        self._lock = threading.Lock()
        self._count = 0
        self._forbidden: set[str] | None = None

    async def __aenter__(self) -> SandboxTransport:
        await self.open()
        return self

    async def __aexit__(self, *args: Any) -> None:
        await self.close()

    async def open(self) -> None:
        """Nothing to connect: the file is opened by the first request, so a file that
        cannot serve fails that request like an unreachable cloud, not the set-up."""

    def _open_store(self) -> SandboxStore:
        if self._store is None:
            try:
                store = SandboxStore(self.path)
                if store.is_empty():
                    # Building scenarios is a module of its own, imported only when used.
                    from tui.sandbox.scenarios import ensure

                    ensure(store)
            except SandboxFileError:
                raise  # it names the file already, and keeps what it was raised from
            except (sqlite3.Error, OSError) as error:
                raise self._unusable(error) from error
            self._store = store
        return self._store

    def _unusable(self, error: Exception) -> SandboxFileError:
        return SandboxFileError(f"The sandbox file {self.path} cannot be used: {error}")

    async def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    async def sleep(self, duration: float) -> None:
        """Polling and retry sleep here: never longer than an operation takes to settle."""
        await asyncio.sleep(max(0.0, min(float(duration), self.faults.operation_seconds)))

    async def send(self, request: HttpRequest, **kwargs: Any) -> SandboxResponse:
        delay = self.faults.delay_of(str(request.url))
        if delay:
            await asyncio.sleep(delay)
        started = time.perf_counter()
        status = 0
        try:
            # Answering is CPU work (a Resource Graph query over 40,000 VMs takes seconds):
            # it runs in a thread, so an app's event loop paints while the sandbox works.
            answer = await asyncio.to_thread(self._answer_locked, request)
            if answer.deferred is not None:
                status, text = await workers.helpers().answer(answer.deferred)
                answer = routes.Answer(status, None, answer.headers, raw=text)
            if answer.status == -1:
                raise ServiceResponseError("Connection dropped by the sandbox (fault profile).")
            if answer.status == -2:
                await asyncio.sleep(self.faults.hang_seconds)
                raise ServiceResponseTimeoutError(
                    f"No answer from the sandbox within {self.faults.hang_seconds:g} s "
                    "(fault profile: hang_every); the read timed out.")
            status = answer.status
            return _response(request, answer)
        finally:
            if self.log is not None:
                self.log.record(request.method, str(request.url), status,
                                time.perf_counter() - started)

    def _answer_locked(self, request: HttpRequest) -> routes.Answer:
        """One request at a time (in whichever thread): the store and the fault counter
        are shared."""
        with self._lock:
            self._count += 1
            answer = self._fault(self._count)
            if answer is not None:
                return answer
            try:
                return self._answer(request)
            except SandboxFileError:
                raise  # "from" itself would lose SQLite's error (busy, damaged...)
            except sqlite3.Error as error:
                raise self._unusable(error) from error

    def _fault(self, count: int) -> routes.Answer | None:
        faults = self.faults
        if faults.drop_every and count % faults.drop_every == 0:
            return routes.Answer(-1)
        if faults.hang_every and count % faults.hang_every == 0:
            return routes.Answer(-2)
        if faults.throttle_every and count % faults.throttle_every == 0:
            error = ArmError(429, "TooManyRequests",
                             "The request is being throttled (sandbox fault profile).")
            return routes.Answer(429, error.body(), {"Retry-After": "1"})
        if faults.error_every and count % faults.error_every == 0:
            status = faults.error_status
            code = {500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable",
                    504: "GatewayTimeout"}.get(status, "ServerError")
            error = ArmError(status, code, f"The sandbox answered {status} (fault profile).")
            return routes.Answer(status, error.body())
        return None

    def _answer(self, request: HttpRequest) -> routes.Answer:
        store = self._open_store()
        content = _content_of(request)
        try:
            parsed = routes.parse(request.method, str(request.url), content,
                                  dict(request.headers))
        except ArmError as error:
            return routes.Answer(error.status, error.body())
        router = routes.Router(
            store, self.faults, page_size=self.page_size, is_forbidden=self._is_forbidden,
            graph=self.graph, clock=self.clock,
        )
        return router.handle(parsed)

    def _is_forbidden(self, subscription: str) -> bool:
        wanted = {s.lower() for s in self.faults.forbidden_subscriptions}
        if not wanted:
            return False
        if self._forbidden is None:
            # Display names become ids once, from the store's subscriptions.
            store = self._open_store()
            ids = set(wanted)
            with store.read() as tx:
                for sub in tx.all_of_type(SUBSCRIPTION_TYPE):
                    if str(sub.body.get("displayName", "")).lower() in wanted:
                        ids.add(str(sub.body.get("subscriptionId", "")).lower())
            self._forbidden = ids
        return subscription.lower() in self._forbidden


def _content_of(request: Any) -> bytes | str | None:
    for attribute in ("content", "body", "data"):
        try:
            value = getattr(request, attribute)
        except (AttributeError, TypeError, ValueError):
            continue
        if value is None:
            continue
        if isinstance(value, bytes | str):
            return value
        if isinstance(value, dict | list):
            return json.dumps(value)
    return None


def _response(request: Any, answer: routes.Answer) -> SandboxResponse:
    headers = {
        "x-ms-request-id": answer.headers.get("x-ms-request-id", ""),
        "x-ms-ratelimit-remaining-subscription-reads": "249",
        "Cache-Control": "no-cache",
        "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
        **answer.headers,
    }
    if not headers["x-ms-request-id"]:
        import uuid

        headers["x-ms-request-id"] = str(uuid.uuid4())
    content = b""
    if answer.raw is not None:
        content = answer.raw.encode()
    elif answer.body is not None:
        content = json.dumps(answer.body, separators=(",", ":")).encode()
    if content:
        headers["Content-Type"] = "application/json; charset=utf-8"
    headers["Content-Length"] = str(len(content))
    return SandboxResponse(request, answer.status, headers, content)


class SandboxCredential:
    """An async credential for the sandbox: a dummy bearer token, never a secret.

    The token names its tenant (`tenant_id` here or per call, as azure-identity's
    credentials take it), so the sandbox can play cross-tenant rules: the default is the
    sandbox's home tenant, where every listed subscription lives.
    """

    def __init__(self, tenant_id: str | None = None) -> None:
        self.tenant_id = tenant_id

    async def get_token(
        self, *scopes: str, tenant_id: str | None = None, **kwargs: Any
    ) -> AccessToken:
        return AccessToken(token_for(tenant_id or self.tenant_id), int(time.time()) + 3600)

    async def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        tenant = (options or {}).get("tenant_id") or self.tenant_id
        return AccessTokenInfo(token_for(tenant), int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> SandboxCredential:
        return self

    async def __aexit__(self, *args: Any) -> None:
        return None
