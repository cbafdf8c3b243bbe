"""`make screenshots`: the explorer's main screens as SVGs in `screenshots/`.

Each shot runs the real app headless on a fresh showcase (or az303) sandbox in a temporary
directory, presses the keys a person would, and saves what is on screen. The clock is
frozen so the header reads "updated just now" in every picture.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from tui.app import VnetTuiApp
from tui.sandbox.scenarios import reset
from tui.settings import Settings

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Shot:
    name: str
    scenario: str
    keys: Sequence[str]
    size: tuple[int, int] = (120, 36)
    caption: str = ""


SHOTS = (
    Shot("main", "showcase", ["j"], caption="The showcase estate, hub-vnet selected"),
    Shot("narrow", "showcase", ["j"], (80, 24), "The same at 80x24: details fold under"),
    Shot("peering-form", "az303", ["p", *"vnet2", "tab", *"1and2", "tab", *"2and1"],
         caption="p on vnet1: both links of a peering in one form"),
    Shot("check", "showcase", ["j", "j", "j", "j", "4", "c", *"web1"],
         caption="c: why app2 cannot reach web1 on TCP 80"),
    Shot("conflicts", "showcase", ["x", "f", "enter"],
         caption="x: overlapping address spaces, and free /24 ranges"),
    Shot("help", "showcase", ["question_mark"], caption="?: every key"),
)


async def _wait(pilot: Pilot[int], app: VnetTuiApp, seconds: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while app.explorer.loads < 1:
        if loop.time() > deadline:
            raise SystemExit("the sandbox inventory never loaded")
        await pilot.pause(0.05)


def take(shot: Shot, workdir: Path) -> Path:
    sandbox = workdir / f"{shot.name}.db"
    reset(sandbox, shot.scenario)
    settings = Settings(sandbox=True, sandbox_state=sandbox, interval=60.0,
                        theme="textual-dark")
    app = VnetTuiApp(settings, clock=lambda: 0.0)
    target = HERE / f"{shot.name}.svg"

    async def auto_pilot(pilot: Pilot[int]) -> None:
        app.animation_level = "none"
        await _wait(pilot, app)
        for key in shot.keys:
            await pilot.press(key)
        for field in app.screen.query("Input"):
            field.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        app.save_screenshot(target.name, path=str(HERE))
        app.exit(0)

    app.run(headless=True, size=shot.size, auto_pilot=auto_pilot)
    return target


def main(names: Sequence[str] = ()) -> int:
    os.environ["VNETTUI_SANDBOX_FAULTS"] = json.dumps({"operation_seconds": 0})
    chosen = [s for s in SHOTS if not names or s.name in names]
    with tempfile.TemporaryDirectory() as tmp:
        for shot in chosen:
            path = take(shot, Path(tmp))
            print(f"{path.relative_to(HERE.parent)}  {shot.caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
