"""The one place where Azure SDK exceptions become project errors.

Every error carries ARM's `error.code` (or a code of our own for failures that never reached
ARM) and one readable sentence. Tracebacks, headers and tokens never reach the message.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tui.azure.graph_quota import parse_hms
from tui.errors import (
    AuthError,
    CloudError,
    InputError,
    NotFoundError,
    ThrottledError,
    TransientError,
    VnettuiError,
)

log = logging.getLogger(__name__)

# ARM codes that mean "try again shortly", whatever HTTP status carried them.
TRANSIENT_CODES = frozenset(
    code.lower()
    for code in (
        "AnotherOperationInProgress",
        "RetryableErrorDueToAnotherOperation",
        "ReferencedResourceNotProvisioned",
        "InternalServerError",
        "ServiceUnavailable",
        "GatewayTimeout",
        "ConnectionFailed",
        "ConnectionDropped",
    )
)
AUTH_CODES = frozenset(
    code.lower()
    for code in (
        "AuthorizationFailed",
        "LinkedAuthorizationFailed",
        "AuthenticationFailed",
        "InvalidAuthenticationToken",
        "InvalidAuthenticationTokenTenant",
        "ExpiredAuthenticationToken",
        "CredentialUnavailable",
    )
)
NOT_FOUND_CODES = frozenset(
    code.lower()
    for code in (
        "NotFound",
        "ResourceNotFound",
        "ResourceGroupNotFound",
        "ParentResourceNotFound",
        "SubscriptionNotFound",
    )
)

# Said when Azure gave no message of its own.
_FALLBACK = {
    401: "Azure did not accept the sign-in; sign in again (az login) or check --tenant.",
    403: "You do not have the rights in Azure for this.",
    404: "The resource does not exist (any more).",
    409: "Azure refused the change because of a conflict with the resource's current state.",
    429: "Azure is throttling requests; try again in a moment.",
}
_MAX_MESSAGE = 400
# Patterns `re` compiles on first use (an error), not while a first start imports this.
_SECRET = r"(?i)\b(bearer|encryptedbearer|pop)\s+[A-Za-z0-9._~+/=-]{8,}"
_SDK_PREFIX = r"^\(\w+\)\s*"  # "(Code) message" as azure-core formats it


def sentence(text: str | None, fallback: str) -> str:
    """One line of text for a person: whitespace collapsed, secrets removed, length capped."""
    line = " ".join((text or "").split())
    line = re.sub(_SDK_PREFIX, "", line)
    line = re.sub(_SECRET, lambda m: f"{m.group(1)} ***", line)
    if not line:
        return fallback
    if len(line) > _MAX_MESSAGE:
        line = line[: _MAX_MESSAGE - 1].rstrip() + "…"
    return line


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or `x-ms-retry-after-ms`,
    else Resource Graph's `x-ms-user-quota-resets-after` (hh:mm:ss) on a 429."""
    if not headers:
        return None
    try:
        millis = headers.get("x-ms-retry-after-ms") or headers.get("retry-after-ms")
        if millis:
            return max(0.0, float(millis) / 1000)
        value = headers.get("Retry-After")
        quota_reset = headers.get("x-ms-user-quota-resets-after")
    except (AttributeError, ValueError, TypeError):
        return None
    if not value:
        return parse_hms(quota_reset)
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def classify(
    status: int | None, code: str, message: str, *, retry_after: float | None = None
) -> VnettuiError:
    """Choose the project error for an HTTP status and ARM code."""
    lowered = code.lower()
    if lowered in TRANSIENT_CODES:
        return TransientError(message, code=code, status=status)
    if status in (401, 403) or lowered in AUTH_CODES:
        return AuthError(message, code=code, status=status)
    if status == 404 or lowered in NOT_FOUND_CODES:
        return NotFoundError(message, code=code, status=status)
    if status == 429:
        return ThrottledError(message, code=code, status=status, retry_after=retry_after)
    if status is not None and (status >= 500 or status == 408):
        return TransientError(message, code=code, status=status)
    return CloudError(message, code=code, status=status)


def _arm_error(exc: Any) -> tuple[str, str]:
    """ARM's (code, message) from an HttpResponseError, from its parsed error or the body."""
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) or ""
    message = getattr(error, "message", None) or ""
    if not code:
        response = getattr(exc, "response", None)
        try:
            body = response.json() if response is not None else None
        except Exception:  # not JSON: a proxy's HTML page, an empty body
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            code = str(body["error"].get("code") or "")
            message = message or str(body["error"].get("message") or "")
    return str(code), str(message)


def translate(exc: BaseException) -> VnettuiError:
    """Turn any exception from the SDK (or the pipeline under it) into a project error."""
    if isinstance(exc, VnettuiError):
        return exc
    from azure.core import exceptions as azex

    if isinstance(exc, azex.ClientAuthenticationError) and exc.response is None:
        # No HTTP answer: the credential itself could not produce a token.
        return AuthError(
            "Could not sign in to Azure: no credential worked (run `az login`, set a "
            "service principal in the environment, or use --sandbox).",
            code="CredentialUnavailable",
        )
    if isinstance(exc, azex.HttpResponseError):
        status = exc.status_code
        if status is not None and 200 <= status < 300:
            # A long-running operation that ended Failed: the status poll itself was a
            # success, so the HTTP status says nothing about the failure.
            status = None
        code, message = _arm_error(exc)
        response = getattr(exc, "response", None)
        retry_after = retry_after_seconds(getattr(response, "headers", None))
        fallback = _FALLBACK.get(status or 0) or (
            "Azure had a temporary problem; try again." if (status or 0) >= 500
            else "Azure refused the request."
        )
        if not code:
            code = _status_code_name(status)
        return classify(status, code, sentence(message, fallback), retry_after=retry_after)
    if isinstance(exc, azex.ServiceResponseTimeoutError):
        return TransientError(
            "Azure Resource Manager did not answer in time (the read timed out); try again.",
            code="Timeout",
        )
    if isinstance(exc, azex.ServiceResponseError):
        return TransientError(
            "The connection to Azure dropped before an answer arrived; try again.",
            code="ConnectionDropped",
        )
    if isinstance(exc, azex.ServiceRequestError):
        detail = sentence(str(exc), "")
        return TransientError(
            "Could not reach Azure Resource Manager" + (f": {detail}" if detail else "."),
            code="ConnectionFailed",
        )
    if isinstance(exc, azex.DecodeError | azex.DeserializationError):
        return CloudError("Azure sent an answer vnettui could not read.", code="InvalidResponse")
    if isinstance(exc, azex.AzureError):
        return CloudError(sentence(getattr(exc, "message", str(exc)), "Azure SDK error."),
                          code=type(exc).__name__)
    if isinstance(exc, sqlite3.Error):
        # Only the sandbox's in-process transport reads SQLite: its file is unusable.
        from tui.sandbox.store import NotASandboxError

        if _is_locked(exc):
            # Another process holds the file's lock (the store waited 30 s for it): resetting
            # would not help and would lose the sandbox; waiting will.
            return TransientError(
                f"{_sandbox_file_problem(str(exc))}: another process holds its lock; try "
                "again when it has finished.",
                code="SandboxFileBusy",
            )
        # `sandbox reset` refuses another application's database, so it is no way out there.
        fix = ("choose another with --sandbox-state" if isinstance(exc, NotASandboxError)
               else "start it over with `vnettui sandbox reset` or choose another with "
                    "--sandbox-state")
        return InputError(f"{_sandbox_file_problem(str(exc))}; {fix}.",
                          code="SandboxFileUnusable")
    if isinstance(exc, OSError | TimeoutError):
        return TransientError(
            sentence(f"Network problem: {exc}", "Network problem."), code="ConnectionFailed"
        )
    log.error("unexpected error from the Azure SDK", exc_info=exc)
    return CloudError(
        f"Unexpected error while talking to Azure ({type(exc).__name__}); see the log.",
        code="UnexpectedError",
    )


def _is_locked(exc: BaseException) -> bool:
    """SQLite's BUSY or LOCKED, on the error or on what it was raised from."""
    seen: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in seen:  # a chain may loop back on itself
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return True
        seen.append(cause)
        cause = cause.__cause__
    return False


_SANDBOX_FILE = r"^The sandbox file (.+?) cannot be used: (.*)$"


def _sandbox_file_problem(text: str) -> str:
    """"The sandbox file PATH cannot be used: REASON", said once however often the
    transport wrapped it (the reason alone when the path is not known)."""
    line = sentence(text, "unreadable")
    path = None
    while match := re.match(_SANDBOX_FILE, line, re.S):
        path, line = match.group(1), match.group(2)
    where = f" {path}" if path else ""
    return f"The sandbox file{where} cannot be used: {line.rstrip('.')}"


def _status_code_name(status: int | None) -> str:
    names = {
        400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
        409: "Conflict", 429: "TooManyRequests", 500: "InternalServerError",
        502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout",
    }
    return names.get(status or 0, f"Http{status}" if status else "Unknown")


def error_from_response(response: Any) -> VnettuiError:
    """A failed raw response (from `send_request`) as a project error."""
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.core.exceptions import ARMErrorFormat

    return translate(HttpResponseError(response=response, error_format=ARMErrorFormat))


@contextmanager
def azure_errors() -> Iterator[None]:
    """`with azure_errors(): await client...`: SDK exceptions leave as project errors."""
    try:
        yield
    except VnettuiError:
        raise
    except Exception as exc:
        raise translate(exc) from None
