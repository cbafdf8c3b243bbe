"""`vnettui` with no subcommand: the explorer."""

from __future__ import annotations

import sys

from tui.settings import Settings


def run_explorer(settings: Settings) -> int:
    print("vnettui: the explorer is not built yet; use `vnettui list ...`", file=sys.stderr)
    return 2
