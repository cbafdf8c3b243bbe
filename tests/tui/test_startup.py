"""The first frame comes before the Azure SDK is even imported; the first data before
the typed clients are."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = """
import sys
from pathlib import Path
from tui.app import VnetTuiApp
from tui.settings import Settings

seen = {}
app = VnetTuiApp(Settings(sandbox=True, sandbox_state=Path(sys.argv[1]), theme="textual-dark"))

async def auto_pilot(pilot):
    seen["sdk_at_first_frame"] = "azure.mgmt.network" in sys.modules
    seen["workflows_at_first_frame"] = sorted(
        m for m in ("tui.peering", "tui.reach", "tui.probe", "widgets.peering_form",
                    "widgets.check_screen", "tui.cidr", "tui.config", "tui.audit",
                    "widgets.palette", "tui.explorer.commands", "azure.core",
                    "widgets.filter_bar", "widgets.command_bar")
        if m in sys.modules)
    seen["header_at_first_frame"] = str(app.query_one("#header").render())
    while app.explorer.loads < 1:
        await pilot.pause(0.05)
    seen["typed_clients_after_load"] = sorted(
        m for m in ("azure.mgmt.network", "azure.mgmt.compute", "azure.mgmt.resourcegraph",
                    "azure.mgmt.resource") if m in sys.modules)
    seen["pipeline_after_load"] = "azure.mgmt.core" in sys.modules
    import gc
    seen["collector_after_load"] = gc.isenabled()  # paused only until the first frame
    app.exit(0)

app.run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
print(json.dumps(seen))
"""


def test_first_frame_before_the_sdk(
    make_sandbox: Callable[..., Path], env: dict[str, str]
) -> None:
    path = make_sandbox("az303")
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + SCRIPT, str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env, timeout=120,
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["sdk_at_first_frame"] is False
    assert seen["workflows_at_first_frame"] == []  # loaded when a key first needs them
    assert "sandbox" in seen["header_at_first_frame"]
    # The load went through the SDK's pipeline, but reads need none of the typed clients
    # (a second of imports): those come with the first write.
    assert seen["pipeline_after_load"] is True
    assert seen["typed_clients_after_load"] == []
    assert seen["collector_after_load"] is True


def test_no_collection_while_the_explorer_is_imported(env: dict[str, str]) -> None:
    """The collector is paused for tui.app's imports (no collection once Textual's begin)
    and on again after them; a collector turned off by the caller stays off."""
    script = (
        "import gc, json, sys\n"
        "gc.disable() if sys.argv[1] == 'off' else None\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: seen.append('textual' in sys.modules))\n"
        "import tui.app\n"
        "gc.callbacks.clear()\n"
        "print(json.dumps([any(seen), gc.isenabled()]))\n"
    )
    for mode, enabled in (("on", True), ("off", False)):
        out = subprocess.run([sys.executable, "-c", script, mode], capture_output=True,
                             text=True, check=True, cwd=ROOT, env=env, timeout=120).stdout
        assert json.loads(out) == [False, enabled]
