"""`tui.cli.main` in the test process: the console script's code without an interpreter
start-up (and its second of Azure SDK imports) per run.

Each subcommand family keeps one test through the real console script; the other CLI
scenarios run here, with the same exit codes and the same stdout and stderr.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

from tui.cli import main


@contextmanager
def process_logging_restored() -> Iterator[None]:
    """main() sets up logging for a whole process (root handlers, the "azure" level); put
    the test process's logging back afterwards so later tests see it unchanged."""
    root, sdk = logging.getLogger(), logging.getLogger("azure")
    handlers, root_level, sdk_level = list(root.handlers), root.level, sdk.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(root_level)
        sdk.setLevel(sdk_level)


def run_main(capsys: pytest.CaptureFixture[str], *argv: str,
             env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`vnettui *argv` in process, answered like `subprocess.run(..., capture_output=True,
    text=True)`; `env` adds variables for this run only (the `env` fixture already isolates
    XDG dirs and the fault profile)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        capsys.readouterr()
        with process_logging_restored():
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse refusals and --help
                code = int(exit_.code or 0)
        out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["vnettui", *argv], code, out, err)
