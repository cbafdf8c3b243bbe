"""How the explorer and each of its screens look, at 80x24 and 120x36, and under NO_COLOR.

The clock is frozen (the header's data age reads "updated just now"), animations are off
and the theme is fixed, so a change in these pictures is a change in the product. Every
screen is reached by the keys a person presses, from the showcase's hub-vnet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.waiting import wait_for_layout, wait_until
from tui import audit
from tui.app import VnetTuiApp
from tui.azure.auth_errors import sign_in_error
from widgets.activity_screen import ActivityScreen
from widgets.command_bar import CommandBar
from widgets.describe_screen import DescribeScreen
from widgets.device_code_screen import DeviceCodeScreen
from widgets.peering_progress import PeeringProgress
from widgets.resource_table import ResourceTable


def frozen() -> float:
    return 1000.0


async def loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, VnetTuiApp)
    app.animation_level = "none"
    await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory to load")
    await pilot.press("j")  # hub-vnet: the richest details pane
    await wait_for_layout(pilot)


Step = str | Callable[[Pilot[Any]], Awaitable[None]]


def until(what: str, predicate: Callable[[VnetTuiApp], bool]) -> Step:
    """A step that waits for `predicate(app)` (a read, a write, a suggestion)."""
    async def wait(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, VnetTuiApp)
        await wait_until(pilot, lambda: predicate(app), what)
    return wait


async def write_activity(pilot: Pilot[Any]) -> None:
    """An audit log with a fixed clock: a peering made, a sync, a refusal, a failure."""
    hub = ("/subscriptions/c0c0a5e0-0000-4000-8000-00000000c0c0/resourceGroups/rg-hub/"
           "providers/Microsoft.Network/virtualNetworks/hub-vnet/virtualNetworkPeerings/")
    write = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write"
    log = audit.AuditLog(fallback_who="sandbox")
    for second, op, link, result, extra in (
        (1, write, "hub-to-spoke6", audit.SUCCEEDED, {}),
        (2, write, "hub-to-spoke2", audit.SUCCEEDED, {"sync": "true"}),
        (3, "vnettui/unpeer", "hub-to-spoke1", audit.REFUSED, {"source": "explorer"}),
        (4, write.replace("write", "delete"), "hub-to-spoke3", audit.FAILED, {}),
    ):
        log.append(audit.AuditEntry(
            time=f"2026-11-26T07:30:0{second}.000+00:00", who="sandbox",
            method="" if result == audit.REFUSED else "PUT", operation=op, ids=(hub + link,),
            result=result, code="AnotherPeeringAlreadyReferencesRemoteVnet"
            if result == audit.FAILED else "", extra=extra,
            message="read-only: writes are off" if result == audit.REFUSED else ""))


async def device_code(pilot: Pilot[Any]) -> None:
    expires = datetime(2030, 1, 1, 12, 0).astimezone()  # 12:00 in any time zone
    pilot.app.push_screen(DeviceCodeScreen("https://microsoft.com/devicelogin", "GQ7K-2M9P",
                                           expires))


async def sign_in_failed(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, VnetTuiApp)
    app.show_sign_in(sign_in_error(RuntimeError("no token"), app.settings))


def _suggested(app: VnetTuiApp) -> bool:
    bar = app.screen.query_one(CommandBar)
    return bool(bar._suggestion)  # Textual's inline suggestion, drawn after the cursor


def _synced(app: VnetTuiApp) -> bool:
    """The modal has the outcome, the explorer behind it has re-read the synced links, and
    it no longer flashes the rows the sync changed (a snapshot must not depend on how fast
    the machine is)."""
    screen = app.screen
    if not (isinstance(screen, PeeringProgress) and screen.finished):
        return False
    behind = [v for v in app.explorer.state.inventory.vnets
              if v.id.casefold() in screen.watched_vnets]
    return (not any(p.needs_sync for v in behind for p in v.peerings)
            and not any(t.flashing for t in app.screen_stack[0].query(ResourceTable)))


SCREENS: dict[str, list[Step]] = {
    "explorer": [],
    "peering-form": ["p", *"spoke3", "down", "enter"],
    "edit": ["3", "e"],
    "delete": ["3", "d"],
    "conflicts": ["x"],
    "mesh": ["M", *"spoke3", "down", "space"],
    "free-ranges": ["x", "f", "backspace", "backspace", *"24", "enter"],
    "check": ["4", "c", *"vm2", "enter"],
    "help": ["question_mark"],
    "sort-and-filter": ["O", "slash", *"spoke", "enter"],
    # hub-to-spoke2 needs a sync: s sends it, and the modal stays with the outcome.
    "progress": ["3", "j", "s", until("the sync to finish, and the changed rows' flash",
                                      _synced)],
    "activity": [write_activity, "a", until("the activity view", lambda app: isinstance(
        app.screen, ActivityScreen))],
    "describe": ["3", "i", until("the peering's JSON", lambda app: isinstance(
        app.screen, DescribeScreen) and app.screen.body is not None)],
    "device-code": [device_code],
    "sign-in": [sign_in_failed],
    "command-mode": ["colon", *"sub C", until("a completion", _suggested)],
}
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(screen: str, size: str, snap_compare: Any,
                make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app("showcase", clock=frozen)

    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        for step in SCREENS[screen]:
            await (pilot.press(step) if isinstance(step, str) else step(pilot))
        await wait_for_layout(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_explorer_without_colour(snap_compare: Any, make_app: Callable[..., VnetTuiApp],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: overlaps, Disconnected and missing links still stand out (bold, symbols)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("showcase", clock=frozen)
    assert app.no_color
    assert snap_compare(app, terminal_size=(120, 36), run_before=loaded)
