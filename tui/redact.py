"""Keep secrets out of every text the project writes: logs, audit lines, error messages.

Two layers: patterns for anything that looks like a credential (bearer tokens, JWTs, auth
header values, client secrets, SAS signatures), and exact values the process has handled
(each access token the credential hands out is registered with `remember`), so even a
token of no recognisable shape is caught.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "[REDACTED]"

_SENSITIVE_HEADERS = r"(?:authorization|x-ms-authorization-auxiliary|proxy-authorization|" \
    r"x-ms-encryption-key|ocp-apim-subscription-key|cookie|set-cookie)"
_SECRET_NAMES = r"(?:client_secret|clientsecret|azure_client_secret|client-secret|password|" \
    r"access_token|refresh_token|id_token|client_assertion|secret|sharedaccesskey|accountkey)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Header in a dict repr or JSON: 'Authorization': 'Bearer x', "x-ms-...": "..."
    (re.compile(rf"""(['"]{_SENSITIVE_HEADERS}['"]\s*:\s*)(['"])(?:(?!\2).)*\2""", re.I),
     rf"\1\2{MASK}\2"),
    # Header on a line: Authorization: Bearer x, EncryptedBearer y
    (re.compile(rf"(\b{_SENSITIVE_HEADERS}\s*[:=]\s*)[^\r\n'\"]+", re.I), rf"\1{MASK}"),
    # Token schemes anywhere in free text (a credential-like word: 16+ characters with a
    # digit or punctuation, so "Bearer authentication is not permitted" stays readable).
    (re.compile(r"\b((?:Encrypted)?Bearer|Basic|SharedKey|PoP)\s+"
                r"(?=[A-Za-z0-9\-._~+/=:]*[0-9._\-+/=])[A-Za-z0-9\-._~+/=:]{16,}", re.I),
     rf"\1 {MASK}"),
    # JWTs (access and id tokens) wherever they appear.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), MASK),
    # name=value / name: value / "name": "value" for secret-looking names.
    (re.compile(rf"""(['"]?\b{_SECRET_NAMES}['"]?\s*[:=]\s*)(['"])(?:(?!\2).)*\2""", re.I),
     rf"\1\2{MASK}\2"),
    (re.compile(rf"(\b{_SECRET_NAMES}\s*[:=]\s*)[^\s&'\",;)]+", re.I), rf"\1{MASK}"),
    # SAS tokens and signed URLs.
    (re.compile(r"([?&](?:sig|signature|code|x-ms-signature)=)[^&\s'\"]+", re.I),
     rf"\1{MASK}"),
)

_known: set[str] = set()
_known_lock = threading.Lock()
_MIN_SECRET = 8  # shorter values would blank out ordinary words


def remember(secret: str | None) -> None:
    """Register an exact secret value (an access token, a client secret) to mask everywhere."""
    if secret and len(secret) >= _MIN_SECRET:
        with _known_lock:
            _known.add(secret)


def redact(text: str) -> str:
    """`text` with every credential replaced by [REDACTED]."""
    if not text:
        return text
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter that redacts the message, its arguments and any traceback text.

    Attach it to handlers, not loggers: a logger's filters do not see records that
    propagate up from child loggers (`azure.core...`), a handler's filters see them all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not drop the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Add the redacting filter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
