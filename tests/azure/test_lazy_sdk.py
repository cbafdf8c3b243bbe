"""The SDK loads when the first client is built, not when the backend is imported."""

from __future__ import annotations

import subprocess
import sys


def test_importing_tui_azure_loads_no_sdk() -> None:
    code = (
        "import sys, tui.azure, tui.commands.list_cmd; "
        "print(sorted(m for m in sys.modules if m.startswith("
        "('azure.mgmt', 'azure.identity', 'azure.core'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
