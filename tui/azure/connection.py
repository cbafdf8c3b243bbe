"""What every SDK client of one backend is built from: credential, endpoint, transport,
and the policies in each client's pipeline (throttling back-off, read-only guard, audit).

Sign-in and clouds live in `tui.azure.auth`, the rails in `tui.azure.guard`; this module
only puts them together, and swaps in the sandbox's credential and transport for
`--sandbox`. The SDK is imported on call, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tui.azure.meter import RequestMeter
from tui.errors import InputError
from tui.settings import Settings

PUBLIC_ARM = "https://management.azure.com"


class Connection(NamedTuple):
    """The parts a backend builds its clients from (a named tuple: a frozen dataclass
    compiles its methods from source on import; change one with `_replace`).

    `transport_factory` builds the one `AsyncHttpTransport` a backend shares among its
    clients (None: each client uses the SDK's default aiohttp transport).
    `policies_factory` returns fresh per-retry policies for each client: a policy instance
    is linked into exactly one pipeline, so clients cannot share them; the state behind
    them (write rules, audit log) is shared through the factory's closure.
    """

    credential: Any
    # Counts every request of every client built from this connection (the explorer's rate).
    meter: RequestMeter
    base_url: str = PUBLIC_ARM
    credential_scopes: tuple[str, ...] = (f"{PUBLIC_ARM}/.default",)
    transport_factory: Callable[[], Any] | None = None
    policies_factory: Callable[[], list[Any]] | None = None
    # The sandbox sends Retry-After; Azure's network RP says 10 s. This is only the
    # fallback when an answer carries no Retry-After (the SDK's own default is 30 s).
    polling_interval: float = 1.0

    def client_kwargs(self, transport: Any = None) -> dict[str, Any]:
        """Keyword arguments for any azure-mgmt async client."""
        kwargs: dict[str, Any] = {
            "base_url": self.base_url,
            "credential_scopes": list(self.credential_scopes),
            "polling_interval": self.polling_interval,
        }
        if transport is not None:
            kwargs["transport"] = transport
        if self.policies_factory is not None:
            kwargs["per_retry_policies"] = self.policies_factory()
        return kwargs


def make_connection(
    settings: Settings, *, device_code: Callable[[Any], None] | None = None
) -> Connection:
    """Credential and endpoint per `--auth`/`--cloud` (or the sandbox), with the rails.

    `device_code` receives a device-code prompt (`tui.azure.auth.DeviceCodePrompt`); the
    TUI passes a handler that shows it in a modal.
    """
    from tui.azure.guard import Safety
    from tui.azure.throttle import Backoff, MeterPolicy, ThrottlePolicy

    safety = Safety.from_settings(settings)
    backoff = Backoff()  # one for every client of the backend (tui.azure.throttle)
    meter = RequestMeter()

    def policies() -> list[Any]:
        return [ThrottlePolicy(backoff), *safety.policies(), MeterPolicy(meter)]

    if settings.sandbox:
        # The sandbox answers at the public cloud's address; skipping auth's cloud tables
        # also keeps azure.identity (0.2 s of imports) out of sandbox runs.
        from tui.sandbox import SandboxCredential

        path = settings.sandbox_path()
        return Connection(
            credential=SandboxCredential(),
            transport_factory=lambda: sandbox_transport(path),
            policies_factory=policies,
            meter=meter,
        )
    from tui.azure import auth  # sign-in and the clouds' tables: Azure's alone

    options = auth.client_options(settings)
    return Connection(
        credential=auth.make_credential(settings, device_code=device_code),
        base_url=str(options["base_url"]),
        credential_scopes=tuple(options["credential_scopes"]),
        policies_factory=policies,
        meter=meter,
    )


def sandbox_transport(
    path: Path, faults: Mapping[str, Any] | None = None, **options: Any
) -> Any:
    """The sandbox under the SDK; a bad fault profile or file is the person's to fix."""
    from tui.sandbox import SandboxTransport

    try:
        return SandboxTransport(path, faults=faults, **options)
    except ValueError as error:  # e.g. $VNETTUI_SANDBOX_FAULTS is not valid JSON
        raise InputError(f"Cannot open the sandbox: {error}") from None
