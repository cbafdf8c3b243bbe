"""Layering rules import-linter cannot express, and start-up staying light."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_only_tui_azure_imports_the_management_sdk() -> None:
    for package in (ROOT / "tui", ROOT / "widgets"):
        for path in package.rglob("*.py"):
            if (ROOT / "tui" / "azure") in path.parents:
                continue
            mods = _imported_modules(path)
            offenders = sorted(m for m in mods if m.startswith("azure.mgmt"))
            assert not offenders, f"{path.relative_to(ROOT)} imports {offenders}"


def test_cli_start_up_does_not_import_the_sdk() -> None:
    code = (
        "import sys, tui.cli; tui.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith(('azure.mgmt', 'azure.identity'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    assert out == "[]"
