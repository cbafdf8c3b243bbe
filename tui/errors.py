"""Project errors: what went wrong, in ARM's code and in a sentence a person understands.

`tui.azure` turns SDK exceptions into these, so the TUI, the workflow and the command line
handle failures without importing the SDK.
"""

from __future__ import annotations


class VnettuiError(Exception):
    """Base of every error the project reports to a person."""

    exit_code = 3

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({self.code})" if self.code else self.message


class InputError(VnettuiError):
    """Bad input from the person: an argument, a form field, an ambiguous name."""

    exit_code = 2


class RefusedError(VnettuiError):
    """An action the project refuses before sending it (read-only, failed preflight)."""

    exit_code = 2


class CloudError(VnettuiError):
    """Azure (or the sandbox) answered with an error."""


class UnreadableError(CloudError):
    """What was asked depends on a subscription that could not be read (a name that may live
    there, a write whose checks would miss it): a cloud failure, not bad input."""


class AuthError(CloudError):
    """Sign-in failed or the caller lacks rights (401/403)."""


class NotFoundError(CloudError):
    """The resource does not exist (404)."""


class ThrottledError(CloudError):
    """Too many requests (429); `retry_after` seconds if Azure said."""

    def __init__(
        self, message: str, *, code: str = "", status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class TransientError(CloudError):
    """A failure worth retrying: 5xx, dropped connection, another operation in progress."""
