"""A bug in the explorer ends it cleanly: code 4, one line on stderr, the traceback logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.worker import WorkerFailed

from tests.tui.waiting import wait_until
from tui import textual_private
from tui.app import VnetTuiApp
from tui.cli import setup_logging
from tui.commands.explore import EXIT_CRASH, run_explorer
from tui.explorer.screen import ExplorerScreen
from tui.settings import Settings


def test_an_uncaught_error_exits_non_zero_with_one_line_and_a_logged_traceback(
    sandbox_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        _crash_and_check(sandbox_path, monkeypatch, capsys)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def _crash_and_check(sandbox_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    log_path = setup_logging()
    assert log_path is not None

    def broken(self: ExplorerScreen) -> None:
        secret = "token-abc"  # a local variable must never reach the terminal
        raise RuntimeError(f"boom {len(secret)}")

    monkeypatch.setattr(ExplorerScreen, "action_help", broken)

    async def auto_pilot(pilot: Any) -> None:
        await wait_until(pilot, lambda: pilot.app.explorer.loads >= 1, "the inventory")
        await pilot.press("question_mark")

    code = run_explorer(Settings(sandbox=True, sandbox_state=sandbox_path, mouse=False),
                        headless=True, auto_pilot=auto_pilot)
    assert code == EXIT_CRASH
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "RuntimeError: boom 9" in err[0]
    assert str(log_path) in err[0]
    assert "token-abc" not in err[0]
    logged = log_path.read_text()
    assert "Traceback" in logged
    assert "RuntimeError: boom 9" in logged


def test_the_private_textual_names_the_adapter_relies_on_still_exist() -> None:
    """Fails when a Textual upgrade renames what tui/textual_private.py patches."""
    from textual.app import App

    for name in textual_private.PRIVATE_NAMES:
        assert callable(getattr(App, name, None)), f"textual.app.App.{name} is gone"


async def test_the_palette_closed_while_it_searches_is_not_a_crash(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """A quick esc after a keystroke in the palette: Textual's search worker finds its list
    gone (NoMatches). That one race is ignored; any other NoMatches still ends the app."""
    app = make_app("showcase")
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        await palette.query_one(CommandList).remove()
        worker = palette._gather_commands("hub")  # what the keystroke starts
        await wait_until(pilot, lambda: worker.is_finished, "the search to fail")
        assert isinstance(worker.error, NoMatches)
        assert textual_private.palette_closing_race(WorkerFailed(worker.error))
        await pilot.pause()
        assert app.is_running
        assert app.crash is None
    assert not textual_private.palette_closing_race(WorkerFailed(NoMatches("elsewhere")))
