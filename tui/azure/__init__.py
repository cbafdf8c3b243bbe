"""The only code that talks to Azure: SDK clients in, `tui.model` objects out.

Importing this package is cheap; the SDK itself is imported when the first client is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tui.azure.backend import AzureBackend
from tui.azure.connection import make_connection
from tui.azure.reads import ProgressCallback
from tui.settings import Settings

__all__ = ["AzureBackend", "ProgressCallback", "open_backend", "prepare"]

# What opening a backend and its first reads import (azure-core, the reads' pipeline);
# signing in (`auth`) is Azure's alone, the sandbox has its own credential.
READ_PATH = ("tui.azure.guard", "tui.azure.throttle", "tui.azure.reader")


def prepare(settings: Settings) -> None:
    """Import what `open_backend(settings)` and the first reads need; the explorer calls
    it in a thread, so its event loop keeps drawing through those ~0.2 s of imports."""
    for name in (*READ_PATH, "tui.sandbox" if settings.sandbox else "tui.azure.auth"):
        importlib.import_module(name)


def open_backend(
    settings: Settings, *, device_code: Callable[[Any], None] | None = None
) -> AzureBackend:
    """The backend for these settings: the sandbox transport with `--sandbox`, else Azure.

    `device_code` shows a device-code sign-in prompt (`--auth device-code`); the command
    line's default prints it on stderr.
    """
    return AzureBackend(settings, make_connection(settings, device_code=device_code))
