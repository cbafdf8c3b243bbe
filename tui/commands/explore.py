"""`vnettui` with no subcommand: the explorer."""

from __future__ import annotations

from tui.settings import Settings


def run_explorer(settings: Settings) -> int:
    """Run the app until the person quits. Logging already goes to a file (tui.cli)."""
    from tui.app import VnetTuiApp

    app = VnetTuiApp(settings)
    result = app.run(mouse=settings.mouse)
    return result if isinstance(result, int) else 0
