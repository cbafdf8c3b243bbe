"""The audit log: one JSON line per write that vnettui sent or refused, under the state dir.

Who (the signed-in principal from the token's claims, else "sandbox" or "unknown"), when,
what (method, ARM operation, resource ids) and the result. It is appended by the pipeline
policies in `tui.azure.guard`, so every write is recorded whichever screen or command made
it; a write refused before any request was made (read-only, a failed check) is recorded by
whoever refused it, with `record_refusal` or `AuditLog.refused`. The TUI's activity view
reads the log back with `read_audit`. Every line passes through `tui.redact` before it is
written: tokens and auth headers never reach the file.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from tui.settings import state_dir

log = logging.getLogger(__name__)

# Results, in the order a write goes through them.
REFUSED = "refused"  # stopped before it left the process (read-only)
ACCEPTED = "accepted"  # Azure took it and runs it as a long-running operation
SUCCEEDED = "succeeded"
FAILED = "failed"
ERROR = "error"  # no answer (connection dropped, timeout)


class AuditEntry(NamedTuple):
    """One write sent to Azure, as `audit.jsonl` records it. A named tuple: the backend's
    pipeline imports this module, and a frozen dataclass compiles its methods on import."""

    time: str  # ISO 8601, UTC
    who: str
    method: str
    operation: str  # ARM's operation name, e.g. Microsoft.Network/.../virtualNetworkPeerings/write
    ids: tuple[str, ...]
    result: str
    status: int | None = None
    code: str = ""  # ARM's error code on failure
    message: str = ""
    tenant: str = ""
    request_id: str = ""
    extra: Mapping[str, str] = {}  # never changed, so one empty default serves all

    def describe(self) -> str:
        """One line for the activity view: `12:04:05 ada@contoso.com write peering
        vnet1/1and2: succeeded`."""
        when = self.time[11:19] if len(self.time) >= 19 else self.time
        verb = self.operation.rsplit("/", 1)[-1] if self.operation else self.method
        if self.extra.get("sync") == "true":
            verb = "sync"
        target = _short_name(self.ids[0]) if self.ids else "?"
        result = self.result + (f" ({self.code})" if self.code else "")
        return f"{when} {self.who} {verb} {target}: {result}"

    def to_json(self) -> str:
        from tui.redact import redact  # its patterns compile on import: on the first write

        data = self._asdict()
        data["ids"] = list(self.ids)
        if not self.extra:
            del data["extra"]
        return redact(json.dumps(data, separators=(",", ":"), ensure_ascii=False))

    @classmethod
    def from_json(cls, line: str) -> AuditEntry | None:
        try:
            data = json.loads(line)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        try:
            status = data.get("status")
            return cls(
                time=str(data["time"]), who=str(data.get("who", "unknown")),
                method=str(data["method"]), operation=str(data.get("operation", "")),
                ids=tuple(str(i) for i in data.get("ids", ())),
                result=str(data["result"]),
                status=int(status) if isinstance(status, int) else None,
                code=str(data.get("code", "")), message=str(data.get("message", "")),
                tenant=str(data.get("tenant", "")), request_id=str(data.get("request_id", "")),
                extra={str(k): str(v) for k, v in dict(data.get("extra") or {}).items()},
            )
        except (KeyError, TypeError, ValueError):
            return None


def audit_path() -> Path:
    """`$XDG_STATE_HOME/vnettui/audit.jsonl`."""
    return state_dir() / "audit.jsonl"


class AuditLog:
    """Appends entries to the JSON-lines file; safe to share between clients and tasks.

    `fallback_who` names the actor when no token claims are known ("sandbox" when the
    sandbox cloud is in use). `principal` is updated from each token the policies see.
    """

    def __init__(self, path: Path | None = None, *, fallback_who: str = "unknown") -> None:
        self.path = path or audit_path()
        self.fallback_who = fallback_who
        self.principal: str | None = None
        self.tenant: str = ""
        self._lock = threading.Lock()

    def learn_token(self, token: str) -> None:
        """Take the principal and tenant from a bearer token's claims, if it is a JWT."""
        claims = token_claims(token)
        if claims:
            self.principal = principal_from_claims(claims) or self.principal
            self.tenant = str(claims.get("tid", "") or self.tenant)

    def record(
        self, method: str, url: str, result: str, *, status: int | None = None,
        code: str = "", message: str = "", request_id: str = "",
        extra: dict[str, str] | None = None,
    ) -> AuditEntry:
        operation, ids = describe_request(method, url)
        extra = dict(extra or {})
        if "syncremoteaddressspace=true" in urlsplit(url).query.lower():
            extra["sync"] = "true"  # a peering sync is a PUT of the same body
        entry = AuditEntry(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            who=self.principal or self.fallback_who,
            method=method.upper(), operation=operation, ids=ids, result=result,
            status=status, code=code, message=message[:500], tenant=self.tenant,
            request_id=request_id, extra=extra,
        )
        self.append(entry)
        return entry

    def refused(self, action: str, reason: str, targets: Iterable[str], *,
                code: str = "", source: str = "") -> AuditEntry:
        """A write refused before any request was made (read-only, a failed check, an
        unconfirmed production VNet...): `action` is the verb ("peer", "unpeer", "sync",
        "edit"), `targets` the resources it would have written (ids, or names as typed),
        `source` who refused ("cli", "explorer")."""
        entry = AuditEntry(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            who=self.principal or self.fallback_who, method="",
            operation=f"vnettui/{action}", ids=tuple(targets), result=REFUSED, code=code,
            message=reason[:500], tenant=self.tenant,
            extra={"source": source} if source else {},
        )
        self.append(entry)
        return entry

    def append(self, entry: AuditEntry) -> None:
        line = entry.to_json() + "\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # One write() of one line in append mode: lines from several processes
                # sharing the file do not interleave.
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError as error:
                log.warning("audit log %s could not be written: %s", self.path, error)


def record_refusal(action: str, reason: str, targets: Iterable[str], *, code: str = "",
                   source: str = "", who: str = "unknown", path: Path | None = None
                   ) -> AuditEntry:
    """Append a refused write to the audit log at `path` (default: the state dir), for code
    with no `AuditLog` at hand; see `AuditLog.refused`. `who` names the actor ("sandbox")."""
    return AuditLog(path, fallback_who=who).refused(action, reason, targets, code=code,
                                                    source=source)


def read_audit(path: Path | None = None, limit: int | None = 200) -> list[AuditEntry]:
    """The last `limit` entries (all when None), oldest first; unreadable lines skipped."""
    target = path or audit_path()
    entries: deque[AuditEntry] = deque(maxlen=limit)
    try:
        with target.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                entry = AuditEntry.from_json(line) if line.strip() else None
                if entry is not None:
                    entries.append(entry)
    except FileNotFoundError:
        return []
    except OSError as error:
        log.warning("audit log %s could not be read: %s", target, error)
        return []
    return list(entries)


# --- helpers ---------------------------------------------------------------------------


def token_claims(token: str) -> dict[str, Any] | None:
    """The (unverified) claims of a JWT access token; None when it is not a JWT.

    Only for naming the actor in the audit log; nothing is authorised on them.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    return data if isinstance(data, dict) else None


def principal_from_claims(claims: dict[str, Any]) -> str | None:
    """A person's sign-in name, else "app <appid>" for a service principal or managed id."""
    for key in ("upn", "unique_name", "preferred_username", "email"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value
    app = claims.get("appid") or claims.get("azp")
    if isinstance(app, str) and app:
        return f"app {app}"
    oid = claims.get("oid")
    return f"object {oid}" if isinstance(oid, str) and oid else None


_VERBS = {"PUT": "write", "PATCH": "write", "DELETE": "delete"}


def _short_name(resource_id: str) -> str:
    """`vnet1/1and2` for a peering id, `vnet1` for a VNet, the id itself otherwise."""
    segs = [s for s in resource_id.split("/") if s]
    lowered = [s.lower() for s in segs]
    if "providers" not in lowered:
        return resource_id
    p = len(lowered) - 1 - lowered[::-1].index("providers")
    names = segs[p + 3 :: 2]
    return "/".join(names) or resource_id


def describe_request(method: str, url: str) -> tuple[str, tuple[str, ...]]:
    """ARM's operation name and the resource id a request acts on.

    `PUT .../virtualNetworks/v/virtualNetworkPeerings/p` ->
    (`Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write`, (that id,));
    a POST to `.../networkWatchers/nw/connectivityCheck` ->
    (`Microsoft.Network/networkWatchers/connectivityCheck/action`, (the watcher's id,)).
    """
    path = urlsplit(url).path.rstrip("/")
    segs = [s for s in path.split("/") if s]
    method = method.upper()
    action: str | None = None
    if method == "POST" and segs and len(segs) % 2 == 1:
        action = segs.pop()
    lowered = [s.lower() for s in segs]
    if "providers" in lowered:
        p = len(lowered) - 1 - lowered[::-1].index("providers")
        namespace = segs[p + 1] if p + 1 < len(segs) else ""
        types = segs[p + 2 :: 2]
    else:
        namespace = "Microsoft.Resources"
        types = segs[0::2]
    resource_type = "/".join([namespace, *types]) if types or namespace else ""
    resource_id = "/" + "/".join(segs) if segs else "/"
    verb = f"{action}/action" if action else _VERBS.get(method, method.lower())
    return f"{resource_type}/{verb}", (resource_id,)
