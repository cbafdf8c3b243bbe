"""`vnettui` with no subcommand: the explorer."""

from __future__ import annotations

from tui.settings import Settings


def run_explorer(settings: Settings) -> int:
    """Run the app until the person quits. Logging already goes to a file (tui.cli).

    The config file's keymap is checked first: a bad one stops with its line named.
    """
    from tui.app import VnetTuiApp
    from tui.keymap import check_keymap

    check_keymap(settings.keymap, settings.config_path)
    app = VnetTuiApp(settings)
    result = app.run(mouse=settings.mouse)
    return result if isinstance(result, int) else 0
