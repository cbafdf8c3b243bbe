"""Safety rails inside the SDK's HTTP pipeline: read-only enforcement and the audit trail.

Both are azure-core policies that every client `tui.azure` builds carries
(`safety_policies`). They are installed as *per-retry* policies: azure-core puts
per-call policies at the very front of an ARM client's pipeline, ahead of
`ARMAutoResourceProviderRegistrationPolicy` and the redirect policy, which can send
requests of their own (a `POST .../register`, a redirected PUT). Per-retry policies sit
after both and after the retry policy, next to the transport, so every request that
leaves the process, including each retry, passes the guard. A refusal is a
`tui.errors.RefusedError`, which the retry policy does not retry: nothing is sent.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import AsyncHTTPPolicy
from azure.core.rest import AsyncHttpResponse, HttpRequest

from tui import audit
from tui.audit import AuditLog
from tui.errors import RefusedError
from tui.model import Subscription
from tui.settings import Settings

log = logging.getLogger(__name__)

Request = PipelineRequest[HttpRequest]
Response = PipelineResponse[HttpRequest, AsyncHttpResponse]
Policy = AsyncHTTPPolicy[HttpRequest, AsyncHttpResponse]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# POSTs that only read: Network Watcher diagnostics and Resource Graph queries. Anything
# else sent with POST (an action, `register`, `listKeys`, `/batch`) counts as a write.
# Matched ignoring case; `re` compiles each on first use and keeps it (at import, the six
# were ~0.5 ms before a first start's reads), and the one every inventory read sends is first.
_ID = r"[^/]+"
READ_ONLY_POSTS: dict[str, str] = {
    "Resource Graph query":
        r"^/providers/Microsoft\.ResourceGraph/resources$",
    "Network Watcher connectivity check":
        rf"^/subscriptions/{_ID}/resourceGroups/{_ID}/providers/Microsoft\.Network/"
        rf"networkWatchers/{_ID}/connectivityCheck$",
    "Network Watcher IP flow verify":
        rf"^/subscriptions/{_ID}/resourceGroups/{_ID}/providers/Microsoft\.Network/"
        rf"networkWatchers/{_ID}/ipFlowVerify$",
    "Network Watcher next hop":
        rf"^/subscriptions/{_ID}/resourceGroups/{_ID}/providers/Microsoft\.Network/"
        rf"networkWatchers/{_ID}/nextHop$",
    "effective routes of a network interface":
        rf"^/subscriptions/{_ID}/resourceGroups/{_ID}/providers/Microsoft\.Network/"
        rf"networkInterfaces/{_ID}/effectiveRouteTable$",
    "effective security rules of a network interface":
        rf"^/subscriptions/{_ID}/resourceGroups/{_ID}/providers/Microsoft\.Network/"
        rf"networkInterfaces/{_ID}/effectiveNetworkSecurityGroups$",
}

_GUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_SUBSCRIPTION_IN_PATH = r"^/subscriptions/([^/]+)"


class WriteRefusedError(RefusedError):
    """A write stopped by the read-only guard before it left the process."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="ReadOnly")


def is_write(method: str, url: str) -> bool:
    """True for every request that could change something in Azure."""
    method = method.upper()
    if method in SAFE_METHODS:
        return False
    if method == "POST":
        path = urlsplit(url).path.rstrip("/")
        # Dot segments would be normalised away by the HTTP client after the check.
        if "%2e" in path.lower() or any(s in (".", "..") for s in path.split("/")):
            return True
        return not any(re.match(pattern, path, re.I) for pattern in READ_ONLY_POSTS.values())
    return True


class WriteRules:
    """Which writes are refused: all (`--read-only`) or those to read-only subscriptions.

    Subscriptions in the config file may be named by display name; the names of ids are
    learned from every subscription list that passes through the pipeline (`learn`). A
    write to a subscription whose name is not known yet, while a read-only entry is a
    display name, is refused: the guard fails closed.

    A plain class, as `Safety` is: a dataclass compiles its methods from source on import,
    on the way to a first start's reads.
    """

    __slots__ = ("config_path", "names", "read_only", "read_only_origin",
                 "read_only_subscriptions")

    def __init__(
        self, read_only: bool = False, read_only_subscriptions: tuple[str, ...] = (),
        config_path: Path | None = None, names: dict[str, str] | None = None,
        read_only_origin: str | None = None,
    ) -> None:
        self.read_only = read_only
        self.read_only_subscriptions = read_only_subscriptions
        self.config_path = config_path
        self.names: dict[str, str] = {} if names is None else names  # casefolded id -> name
        self.read_only_origin = read_only_origin  # what made it read-only (Settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> WriteRules:
        return cls(
            read_only=settings.read_only,
            read_only_origin=settings.read_only_origin,
            read_only_subscriptions=settings.read_only_subscriptions,
            config_path=settings.config_path,
        )

    def learn(self, subscriptions: Iterable[Subscription]) -> None:
        for sub in subscriptions:
            self.names[sub.id.casefold()] = sub.name

    def refusal(self, method: str, url: str) -> str | None:
        """Why this request must not be sent, or None when it may go."""
        if not is_write(method, url):
            return None
        what = f"{method.upper()} {urlsplit(url).path}"
        if self.read_only:
            return (
                f"read-only mode ({self.read_only_origin or '--read-only'}): refused to "
                f"send {what}; nothing was sent"
            )
        match = re.match(_SUBSCRIPTION_IN_PATH, urlsplit(url).path, re.I)
        if not match or not self.read_only_subscriptions:
            return None
        sub_id = match.group(1)
        entries = {entry.casefold() for entry in self.read_only_subscriptions}
        name = self.names.get(sub_id.casefold())
        where = f" in {self.config_path}" if self.config_path else " in the config file"
        if sub_id.casefold() in entries or (name is not None and name.casefold() in entries):
            label = f"{name!r} ({sub_id})" if name else sub_id
            return (
                f"subscription {label} is read_only{where}: refused to send {what}; "
                f"nothing was sent"
            )
        if name is None and any(not re.match(_GUID, entry, re.I) for entry in entries):
            return (
                f"subscription {sub_id} may be read-only{where} (entries there use display "
                f"names, and its name is not known yet): refused to send {what}; nothing was "
                f"sent"
            )
        return None


class ReadOnlyGuardPolicy(Policy):
    """Refuses writes that `WriteRules` forbids, before they reach the transport."""

    def __init__(self, rules: WriteRules, audit_log: AuditLog | None = None) -> None:
        super().__init__()
        self.rules = rules
        self.audit_log = audit_log

    async def send(self, request: Request) -> Response:
        http = request.http_request
        reason = self.rules.refusal(http.method, http.url)
        if reason:
            log.warning("refused: %s", reason)
            if self.audit_log is not None:
                self.audit_log.record(http.method, http.url, audit.REFUSED, message=reason)
            raise WriteRefusedError(reason)
        response = await self.next.send(request)
        if http.method.upper() == "GET":
            await _learn_subscription_names(self.rules, response)
        return response


class AuditPolicy(Policy):
    """Appends every write, and the end of its long-running operation, to the audit log.

    A write Azure answers 201/202 with `Azure-AsyncOperation` or `Location` is recorded as
    accepted; the GET that finds that operation finished adds a second entry with the
    outcome (succeeded / failed and ARM's error code).
    """

    def __init__(self, audit_log: AuditLog) -> None:
        super().__init__()
        self.audit_log = audit_log
        # operation URL -> (method, url, header kind) of the write it tracks
        self._pending: dict[str, tuple[str, str, str]] = {}
        self._last_authorization = ""

    async def send(self, request: Request) -> Response:
        http = request.http_request
        method, url = http.method.upper(), http.url
        writing = is_write(method, url)
        tracked = self._pending.get(url) if method == "GET" else None
        if not writing and tracked is None:
            response = await self.next.send(request)
            self._learn_principal(http)
            return response
        try:
            response = await self.next.send(request)
        except Exception as error:
            self._learn_principal(http)
            if writing:
                self.audit_log.record(
                    method, url, audit.ERROR, code=type(error).__name__, message=str(error)
                )
            raise
        self._learn_principal(http)
        if writing:
            await self._record_write(method, url, response)
        elif tracked is not None:
            await self._record_outcome(url, tracked, response)
        return response

    def _learn_principal(self, http: Any) -> None:
        header = http.headers.get("Authorization") or ""
        if header == self._last_authorization:
            return
        self._last_authorization = header
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token:
            self.audit_log.learn_token(token)

    async def _record_write(self, method: str, url: str, response: Response) -> None:
        status = response.http_response.status_code
        headers = response.http_response.headers
        request_id = headers.get("x-ms-request-id", "")
        if status >= 400:
            code, message = await _arm_error(response)
            self.audit_log.record(
                method, url, audit.FAILED, status=status, code=code, message=message,
                request_id=request_id,
            )
            return
        operation = headers.get("Azure-AsyncOperation")
        location = headers.get("Location")
        if status in (201, 202) and (operation or location):
            if operation:
                self._pending[operation] = (method, url, "async")
            elif location:
                self._pending[location] = (method, url, "location")
            self.audit_log.record(
                method, url, audit.ACCEPTED, status=status, request_id=request_id
            )
            return
        result = audit.ACCEPTED if status == 202 else audit.SUCCEEDED
        self.audit_log.record(method, url, result, status=status, request_id=request_id)

    async def _record_outcome(
        self, poll_url: str, tracked: tuple[str, str, str], response: Response
    ) -> None:
        method, url, kind = tracked
        status = response.http_response.status_code
        body = await _json_body(response)
        if kind == "async":
            state = str(body.get("status", "")).lower() if isinstance(body, dict) else ""
            if state not in ("succeeded", "failed", "canceled", "cancelled"):
                if status < 400:
                    return  # still running
                state = "failed"
        else:
            if status == 202:
                return
            state = "succeeded" if status < 400 else "failed"
        del self._pending[poll_url]
        if state == "succeeded":
            self.audit_log.record(method, url, audit.SUCCEEDED, status=status)
            return
        code, message = await _arm_error(response)
        self.audit_log.record(
            method, url, audit.FAILED, status=status, code=code or state.capitalize(),
            message=message,
        )


async def _json_body(response: Response) -> Any:
    """The response's JSON. A streamed body (the SDK streams a long-running write's first
    answer) is read into memory first; the SDK's own read then returns the same bytes."""
    http = response.http_response
    try:
        text = http.text()
    except Exception:
        try:
            await http.read()
            text = http.text()
        except Exception:  # a body that cannot be read: nothing to learn from it
            return None
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


async def _arm_error(response: Response) -> tuple[str, str]:
    body = await _json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code", "")), str(error.get("message", ""))
    return "", ""


async def _learn_subscription_names(rules: WriteRules, response: Response) -> None:
    """Feed `rules.names` from any subscription list answered through the pipeline."""
    if not rules.read_only_subscriptions:
        return
    path = urlsplit(response.http_request.url).path.rstrip("/").lower()
    if path != "/subscriptions" and not re.fullmatch(r"/subscriptions/[^/]+", path):
        return
    body = await _json_body(response)
    items = body.get("value") if isinstance(body, dict) and "value" in body else [body]
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("subscriptionId") and item.get("displayName"):
            rules.names[str(item["subscriptionId"]).casefold()] = str(item["displayName"])


class Safety:
    """The rails one backend shares between all its clients."""

    __slots__ = ("audit_log", "rules")

    def __init__(self, rules: WriteRules, audit_log: AuditLog) -> None:
        self.rules = rules
        self.audit_log = audit_log

    @classmethod
    def from_settings(cls, settings: Settings, audit_path: Path | None = None) -> Safety:
        return cls(
            WriteRules.from_settings(settings),
            AuditLog(audit_path, fallback_who="sandbox" if settings.sandbox else "unknown"),
        )

    def policies(self) -> list[Policy]:
        """For a client's `per_retry_policies`: the guard first, then the audit."""
        return [ReadOnlyGuardPolicy(self.rules, self.audit_log), AuditPolicy(self.audit_log)]


def safety_policies(settings: Settings) -> list[Policy]:
    """Fresh rails for one client; prefer one `Safety` per backend so they share state."""
    return Safety.from_settings(settings).policies()
