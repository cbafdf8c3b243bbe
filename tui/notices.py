"""Notes for the person while a command runs (for example "Azure is throttling; waiting").

A command line shows them on stderr, one line each, beside its output; the explorer only
logs them, since anything printed to the terminal would draw over its screen. Code that
has something to say calls `tell`, wherever it runs.
"""

from __future__ import annotations

import logging
import sys

_LOGGER = logging.getLogger("vnettui.notices")


def tell(message: str) -> None:
    """Say `message` to the person (stderr for a command, the log file in any case)."""
    _LOGGER.warning(message)


class _Stderr(logging.Handler):
    """Writes to whatever `sys.stderr` is at the time (tests swap it between runs)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"vnettui: {self.format(record)}", file=sys.stderr, flush=True)
        except (OSError, ValueError):  # stderr closed: nothing more to say
            pass


def to_stderr() -> None:
    """Show notices on stderr from now on (the command line; never the explorer)."""
    if not any(isinstance(h, _Stderr) for h in _LOGGER.handlers):
        _LOGGER.addHandler(_Stderr())
