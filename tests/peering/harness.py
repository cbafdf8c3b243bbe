"""A minimal App that opens one modal and keeps what it was dismissed with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

NOTHING = object()


class Harness(App[None]):
    """Pushes the screen made by `factory` on mount; `result` is what it dismissed with."""

    def __init__(self, factory: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.factory = factory
        self.result: object = NOTHING
        self.modal: Screen[Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def on_mount(self) -> None:
        self.modal = self.factory()
        self.push_screen(self.modal, callback=self._done)

    def _done(self, value: object) -> None:
        self.result = value
