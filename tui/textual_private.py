"""Every use of Textual's private API, in one place, each checked by a test (the crash
handler and the palette race by tests/tui/test_crash.py).

Textual 8.2.8 ends the app on an uncaught exception by printing a rich traceback *with
local variables* to stderr (which may show a token) and returning code 1. There is no
public hook; this adapter takes the two private methods involved so the explorer can log
the traceback to its file instead and say one line on stderr (tui.commands.explore).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from textual.app import App

# The private names this module relies on; the test fails when Textual renames them.
PRIVATE_NAMES = ("_handle_exception", "_fatal_error", "_close_messages_no_wait")
# The command palette's search worker, and the file it lives in.
PALETTE_SEARCH, PALETTE_MODULE = "_gather_commands", os.path.join("textual", "command.py")


def palette_closing_race(error: BaseException) -> bool:
    """Textual's command palette searches in a worker that starts by finding its list;
    closed by a quick esc (or enter) before the worker runs, the list is gone and the
    worker's NoMatches would end the app. Only that error, raised in that worker, counts."""
    from textual.css.query import NoMatches
    from textual.worker import WorkerFailed

    inner = error.error if isinstance(error, WorkerFailed) else error
    if not isinstance(inner, NoMatches):
        return False
    trace = inner.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name == PALETTE_SEARCH and code.co_filename.endswith(PALETTE_MODULE):
            return True
        trace = trace.tb_next
    return False


def on_uncaught_exception(
    app_class: type[App[Any]], handler: Callable[[Any, BaseException], None]
) -> None:
    """Make `app_class` call `handler(app, error)` for an uncaught exception, then exit
    (code 1, as Textual does) without printing the traceback over the terminal."""
    base_handle = app_class._handle_exception

    def _handle_exception(self: App[Any], error: Exception) -> None:
        if palette_closing_race(error):
            self.log.warning("command palette closed while it searched; ignored")
            return
        try:
            handler(self, error)
        finally:
            base_handle(self, error)

    def _fatal_error(self: App[Any]) -> None:
        self.bell()
        self._close_messages_no_wait()

    app_class._handle_exception = _handle_exception  # type: ignore[method-assign]
    app_class._fatal_error = _fatal_error  # type: ignore[method-assign]
