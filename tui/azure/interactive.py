"""Signing in with a person at the keyboard: device code (works over SSH) and browser.

azure-identity has only synchronous versions of these credentials, so
`InteractiveCredential` runs one in a worker thread, hands device codes to the event loop
(`DeviceCodePrompt`), and remembers the account (an `AuthenticationRecord`, no secret in
it) so the next start reuses the persistent token cache (`token_cache_options`) silently.

Apart from `auth` because it is the one credential of ours with a thread, a prompt and
files of its own. The SDK is imported inside functions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.azure.clouds import CloudEndpoints
from tui.settings import Settings, state_dir

log = logging.getLogger(__name__)

_RECORD_FILE = "auth-record-{cloud}-{method}.json"


@dataclass(frozen=True)
class DeviceCodePrompt:
    """What a person needs to finish a device-code sign-in on another machine."""

    url: str
    code: str
    expires_on: datetime

    def instructions(self) -> str:
        return (
            f"To sign in, open {self.url} in a browser on any device and enter the code "
            f"{self.code} (it expires at {self.expires_on:%H:%M})."
        )


DeviceCodeHandler = Callable[[DeviceCodePrompt], None]


def print_device_code(prompt: DeviceCodePrompt) -> None:
    """The command line's handler: instructions on stderr (stdout may be JSON)."""
    print(prompt.instructions(), file=sys.stderr, flush=True)


def token_cache_options(settings: Settings) -> Any | None:
    """azure-identity's persistent token cache, per `token_cache` in the config file.

    "auto" (the default) allows unencrypted storage: tokens are encrypted with the macOS
    Keychain, Windows DPAPI or Linux libsecret when present, and otherwise kept in a file
    only the user can read, because jump boxes reached over SSH rarely run a keyring and
    signing in again at every start is what pushes people to worse habits. "encrypted"
    refuses that fallback (sign-in fails with an explanation where no keyring exists);
    "off" keeps tokens in memory only.
    """
    if settings.token_cache == "off":
        return None
    from azure.identity import TokenCachePersistenceOptions

    return TokenCachePersistenceOptions(
        name="vnettui", allow_unencrypted_storage=settings.token_cache != "encrypted"
    )


class InteractiveCredential:
    """Device code or browser sign-in (azure-identity has only synchronous versions).

    Runs the synchronous credential in a worker thread, remembers the account
    (`AuthenticationRecord`, no secret in it) under the state dir so the next start reuses
    the persistent token cache silently, and hands device codes to the event loop.
    """

    def __init__(
        self, settings: Settings, endpoints: CloudEndpoints, handler: DeviceCodeHandler
    ) -> None:
        self.settings = settings
        self.endpoints = endpoints
        self.handler = handler
        self.record_path = state_dir() / _RECORD_FILE.format(
            cloud=endpoints.name, method=settings.auth
        )
        self._credential: Any = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _prompt(self, url: str, code: str, expires_on: datetime) -> None:
        prompt = DeviceCodePrompt(url=url, code=code, expires_on=expires_on)
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self.handler, prompt)
        else:
            self.handler(prompt)

    def _build(self) -> Any:
        import azure.identity as identity

        kwargs: dict[str, Any] = {
            "authority": self.endpoints.authority_host,
            "additionally_allowed_tenants": ["*"],
        }
        if self.settings.tenant:
            kwargs["tenant_id"] = self.settings.tenant
        cache = token_cache_options(self.settings)
        if cache is not None:
            kwargs["cache_persistence_options"] = cache
        record = self._load_record()
        if record is not None:
            kwargs["authentication_record"] = record
        if self.settings.auth == "device-code":
            return identity.DeviceCodeCredential(prompt_callback=self._prompt, **kwargs)
        return identity.InteractiveBrowserCredential(**kwargs)

    def _load_record(self) -> Any | None:
        from azure.identity import AuthenticationRecord

        try:
            return AuthenticationRecord.deserialize(self.record_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as error:
            log.warning("ignoring unreadable sign-in record %s: %s", self.record_path, error)
            return None

    def _save_record(self, record: Any) -> None:
        try:
            self.record_path.parent.mkdir(parents=True, exist_ok=True)
            self.record_path.write_text(record.serialize(), encoding="utf-8")
            self.record_path.chmod(0o600)
        except OSError as error:
            log.warning("could not save sign-in record %s: %s", self.record_path, error)

    def _get_token(self, scopes: tuple[str, ...], kwargs: dict[str, Any]) -> Any:
        with self._lock:
            if self._credential is None:
                self._credential = self._build()
                if not self.record_path.exists():
                    self._save_record(self._credential.authenticate(scopes=list(scopes)))
            return self._credential.get_token(*scopes, **kwargs)

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        # A daemon thread rather than the default executor: a sign-in waiting for a person
        # (up to the code's 15 minutes) must not keep the process alive after they quit.
        loop = self._loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                outcome: tuple[bool, Any] = (True, self._get_token(scopes, kwargs))
            except BaseException as error:  # handed to the awaiting task, not lost
                outcome = (False, error)
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
                loop.call_soon_threadsafe(deliver, *outcome)

        threading.Thread(target=work, name="vnettui-sign-in", daemon=True).start()
        return await future

    async def close(self) -> None:
        if self._credential is not None:
            with contextlib.suppress(Exception):
                self._credential.close()


def record_path(settings: Settings) -> Path:
    """Where a device-code or browser sign-in remembers the account (no secret in it)."""
    return state_dir() / _RECORD_FILE.format(cloud=settings.cloud, method=settings.auth)
