"""`vnettui` with no subcommand: the explorer."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.redact import redact
from tui.settings import Settings, state_dir

if TYPE_CHECKING:
    from textual.app import AutopilotCallbackType

# The explorer stopped on a bug (its traceback is in the log file).
EXIT_CRASH = 4


def run_explorer(settings: Settings, *, headless: bool = False,
                 auto_pilot: AutopilotCallbackType | None = None) -> int:
    """Run the app until the person quits. Logging already goes to a file (tui.cli).
    `headless` and `auto_pilot` let a test drive the same path a person does.

    The config file's keymap is checked first: a bad one stops with its line named.
    """
    from tui.app import VnetTuiApp
    from tui.keymap import check_keymap

    check_keymap(settings.keymap, settings.config_path)
    app = VnetTuiApp(settings)
    result = app.run(mouse=settings.mouse, headless=headless, auto_pilot=auto_pilot)
    if app.crash is not None:
        error = app.crash
        print(
            f"vnettui: the explorer stopped on an unexpected error ({type(error).__name__}: "
            f"{redact(str(error))[:200]}); the traceback is in {state_dir() / 'vnettui.log'}",
            file=sys.stderr,
        )
        return EXIT_CRASH
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
