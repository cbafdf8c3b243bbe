"""SDK exceptions -> project errors: the class, ARM's code and one readable sentence."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.mgmt.core.exceptions import ARMErrorFormat

from tui.azure.error_map import azure_errors, retry_after_seconds, sentence, translate
from tui.errors import (
    AuthError,
    CloudError,
    NotFoundError,
    ThrottledError,
    TransientError,
    VnettuiError,
)


class WireResponse:
    """The parts of an HTTP response azure-core reads when it builds an exception."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self.reason = "reason"
        self.headers = headers or {}
        self._text = body if isinstance(body, str) else json.dumps(body)
        self.request = None

    def text(self, encoding: str | None = None) -> str:
        return self._text

    def json(self) -> Any:
        return json.loads(self._text)

    @property
    def content(self) -> bytes:
        return self._text.encode()


def arm(status: int, code: str, message: str, **headers: str) -> HttpResponseError:
    body = {"error": {"code": code, "message": message}}
    cls = ResourceNotFoundError if status == 404 else HttpResponseError
    return cls(response=WireResponse(status, body, headers), error_format=ARMErrorFormat)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "AuthorizationFailed", AuthError),
        (401, "InvalidAuthenticationToken", AuthError),
        (404, "ResourceNotFound", NotFoundError),
        (429, "TooManyRequests", ThrottledError),
        (429, "RetryableErrorDueToAnotherOperation", TransientError),
        (409, "AnotherOperationInProgress", TransientError),
        (400, "ReferencedResourceNotProvisioned", TransientError),
        (500, "InternalServerError", TransientError),
        (503, "ServiceUnavailable", TransientError),
        (400, "VnetAddressSpacesOverlap", CloudError),
        (400, "RemoteVnetHasNoGateways", CloudError),
        # A long-running operation that ended Failed: the status poll itself answered 200.
        (200, "RemotePeeringIsDisconnected", CloudError),
    ],
)
def test_class_and_code(status: int, code: str, expected: type[VnettuiError]) -> None:
    error = translate(arm(status, code, f"Something about {code}."))
    assert type(error) is expected
    assert error.code == code
    assert error.message == f"Something about {code}."
    assert error.exit_code == 3
    assert error.status == (status if status >= 300 else None)


def test_throttle_carries_retry_after() -> None:
    error = translate(arm(429, "TooManyRequests", "Slow down.", **{"Retry-After": "7"}))
    assert isinstance(error, ThrottledError)
    assert error.retry_after == 7.0


def test_message_is_one_line_and_never_a_token() -> None:
    message = "Line one\n  line two with Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi.abc.def  end"
    error = translate(arm(400, "BadThing", message))
    assert "\n" not in error.message
    assert "eyJ0eXAi" not in error.message
    assert error.message.startswith("Line one line two")


def test_status_without_arm_body_gets_a_sentence_and_a_code() -> None:
    error = translate(HttpResponseError(response=WireResponse(502, "<html>bad gateway</html>")))
    assert isinstance(error, TransientError)
    assert error.code == "BadGateway"
    forbidden = translate(HttpResponseError(response=WireResponse(403, "")))
    assert isinstance(forbidden, AuthError)
    assert forbidden.message == "You do not have the rights in Azure for this."


def test_failures_before_any_answer() -> None:
    no_token = translate(ClientAuthenticationError("DefaultAzureCredential failed...\nAttempted"))
    assert isinstance(no_token, AuthError)
    assert no_token.code == "CredentialUnavailable"
    assert "az login" in no_token.message
    dropped = translate(ServiceResponseError("Connection reset by peer"))
    assert isinstance(dropped, TransientError)
    assert dropped.code == "ConnectionDropped"
    unreachable = translate(ServiceRequestError("Cannot connect to host management.azure.com"))
    assert isinstance(unreachable, TransientError)
    assert unreachable.code == "ConnectionFailed"
    # A hang cut by the read timeout says so, not "dropped" (the fault suite's hang rows).
    timed_out = translate(ServiceResponseTimeoutError("Read timed out"))
    assert isinstance(timed_out, TransientError)
    assert (timed_out.code, "did not answer in time" in timed_out.message) == ("Timeout", True)


def test_sandbox_files_each_get_the_way_out_that_works() -> None:
    """Reset mends a damaged file; a locked one needs waiting, never a reset (which would
    throw the sandbox away); another application's database needs another path."""
    from tui.sandbox.store import NotASandboxError, SandboxFileError

    def unusable(cause: sqlite3.Error) -> VnettuiError:
        try:
            raise SandboxFileError(f"The sandbox file s.db cannot be used: {cause}") from cause
        except SandboxFileError as error:
            return translate(error)

    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    busy = unusable(locked)
    assert isinstance(busy, TransientError)
    assert busy.code == "SandboxFileBusy"
    assert "another process holds its lock" in busy.message
    assert "reset" not in busy.message
    damaged = sqlite3.DatabaseError("file is not a database")
    damaged.sqlite_errorcode = sqlite3.SQLITE_NOTADB  # type: ignore[attr-defined]
    assert "`vnettui sandbox reset`" in unusable(damaged).message
    looped = sqlite3.DatabaseError("file is not a database")
    looped.__cause__ = looped  # the transport re-raises a SandboxFileError "from" itself
    assert unusable(looped).code == "SandboxFileUnusable"
    foreign = translate(NotASandboxError("notes.db is an SQLite database but not a vnettui "
                                         "sandbox; it was left untouched"))
    assert "reset" not in foreign.message
    assert foreign.exit_code == 2


def test_context_manager_raises_project_errors_only() -> None:
    with pytest.raises(NotFoundError) as caught, azure_errors():
        raise arm(404, "NotFound", "Resource vnet9 not found.")
    assert caught.value.code == "NotFound"
    assert caught.value.__cause__ is None


def test_helpers() -> None:
    assert sentence("(Code) The message.", "x") == "The message."
    assert sentence("   ", "fallback") == "fallback"
    assert len(sentence("a" * 1000, "")) == 400
    assert retry_after_seconds({"Retry-After": "2"}) == 2.0
    assert retry_after_seconds({"x-ms-retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds(None) is None
