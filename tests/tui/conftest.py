"""The explorer under test: the real app on the real backend over a temporary sandbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

from tests.conftest import FAST
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.settings import Settings

# Tests of live state poll fast, so "within one interval" is quick to wait for; the
# others poll rarely, so the sandbox is not kept busy while keys are pressed.
LIVE_INTERVAL = 0.2
QUIET_INTERVAL = 30.0


class Recorder:
    """Messages seen by the app during a test (notifications, worker state changes)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def notifications(self) -> list[Any]:
        return [m.notification for m in self.messages if isinstance(m, Notify)]

    def notes(self, severity: str | None = None) -> list[str]:
        return [
            n.message for n in self.notifications if severity is None or n.severity == severity
        ]


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Callable[..., None]:
    """`faults(latency_ms=..., forbidden_subscriptions=[...])`: the sandbox fault profile the
    app's own backend picks up (it reads $VNETTUI_SANDBOX_FAULTS)."""

    def set_faults(**profile: Any) -> None:
        monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps({**FAST, **profile}))

    return set_faults


@pytest.fixture
def make_app(make_sandbox: Callable[..., Path]) -> Callable[..., VnetTuiApp]:
    """`make_app(scenario="az303", **settings)` -> the explorer on a fresh sandbox file."""

    def make(scenario: str = "az303", clock: Callable[[], float] | None = None,
             keymap: dict[str, str] | None = None, **settings: Any) -> VnetTuiApp:
        path = make_sandbox(scenario)
        options: dict[str, Any] = {"interval": QUIET_INTERVAL, "theme": "textual-dark", **settings}
        chosen = Settings(sandbox=True, sandbox_state=path, **options)
        extra: dict[str, Any] = {"keymap": keymap}
        if clock is not None:
            extra["clock"] = clock
        return VnetTuiApp(chosen, **extra)

    return make


@asynccontextmanager
async def running(
    app: VnetTuiApp, size: tuple[int, int] = (120, 36)
) -> AsyncIterator[tuple[Pilot[int], Recorder]]:
    """Run the app until its inventory is in; afterwards every notification it raised must
    have been plain text (remote names and ARM messages are never markup)."""
    recorder = Recorder()
    async with app.run_test(size=size, message_hook=recorder) as pilot:
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory to load")
        yield pilot, recorder
    assert all(n.markup is False for n in recorder.notifications), recorder.notifications
