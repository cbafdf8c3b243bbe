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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.pilot import Pilot

from tui.app import VnetTuiApp
from tui.sandbox.scenarios import reset
from tui.settings import Settings

HERE = Path(__file__).resolve().parent


# A step is a key to press, or a condition to wait for (a write to finish, a read to answer).
Step = str | Callable[[VnetTuiApp], bool]


def synced(app: VnetTuiApp) -> bool:
    from widgets.peering_progress import PeeringProgress
    from widgets.resource_table import ResourceTable

    return (isinstance(app.screen, PeeringProgress) and app.screen.finished
            and not any(t.flashing for t in app.screen_stack[0].query(ResourceTable)))


def described(app: VnetTuiApp) -> bool:
    from widgets.describe_screen import DescribeScreen

    return isinstance(app.screen, DescribeScreen) and app.screen.body is not None


def activity_shown(app: VnetTuiApp) -> bool:
    from widgets.activity_screen import ActivityScreen

    return isinstance(app.screen, ActivityScreen)


def completion_shown(app: VnetTuiApp) -> bool:
    from widgets.command_bar import CommandBar

    bar = app.screen.query_one(CommandBar)
    return bool(bar._suggestion)


@dataclass(frozen=True)
class Shot:
    name: str
    scenario: str
    keys: Sequence[Step]
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
    Shot("progress", "showcase", ["j", "3", "j", "s", synced],
         caption="s on hub-to-spoke2: the sync, request by request, and what exists now"),
    Shot("describe", "showcase", ["j", "3", "i", described],
         caption="i on a peering: its ARM JSON (y copies the id, c the JSON)"),
    Shot("activity", "showcase", ["j", "3", "j", "s", synced, "enter", "a", activity_shown],
         caption="a: every write vnettui sent or refused"),
    Shot("command", "showcase", ["j", "colon", *"sub C", completion_shown],
         caption=":  command mode, completing a subscription's name"),
)


async def _until(pilot: Pilot[int], done: Callable[[], bool], seconds: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done():
        if loop.time() > deadline:
            raise SystemExit("a screenshot's condition never came true (the load, a write...)")
        await pilot.pause(0.05)


def take(shot: Shot, workdir: Path) -> Path:
    sandbox = workdir / f"{shot.name}.db"
    # Each picture's audit log, start-up cache and config are its own, not the person's.
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = str(workdir / shot.name / name.lower())
    reset(sandbox, shot.scenario)
    settings = Settings(sandbox=True, sandbox_state=sandbox, interval=60.0,
                        theme="textual-dark")
    app = VnetTuiApp(settings, clock=lambda: 0.0)
    target = HERE / f"{shot.name}.svg"

    async def auto_pilot(pilot: Pilot[int]) -> None:
        app.animation_level = "none"
        await _until(pilot, lambda: app.explorer.loads >= 1)
        for step in shot.keys:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await _until(pilot, partial(step, app))
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
