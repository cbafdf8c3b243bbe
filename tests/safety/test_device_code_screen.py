"""The device-code dialog, driven with Pilot: shows URL and code, copies them, closes."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App
from textual.widgets import Static

from widgets.device_code_screen import DeviceCodeScreen

URL = "https://microsoft.com/devicelogin"
CODE = "[b]ABCD-1234"  # markup-looking on purpose: it must show literally


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.copied: list[str] = []
        self.results: list[bool | None] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)

    def show(self) -> DeviceCodeScreen:
        screen = DeviceCodeScreen(URL, CODE, datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
        self.push_screen(screen, callback=self.results.append)
        return screen


async def test_the_dialog_shows_and_copies_the_code_then_closes_when_signed_in() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.show()
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in screen.query(Static))
        assert URL in shown
        assert str(screen.query_one("#device-code", Static).render()) == CODE
        await pilot.press("c", "u")
        assert app.copied == [CODE, URL]
        screen.signed_in()
        await pilot.pause()
        assert app.results == [True]
        assert app.screen is not screen


async def test_escape_closes_without_signing_in() -> None:
    app = Host()
    async with app.run_test() as pilot:
        app.show()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [False]
