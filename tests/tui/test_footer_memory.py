"""The footer must not keep the keys it drew before (found by the soak, bench/soak.py:
RSS +32 % in ten minutes of polling and moving between panes).

Textual's Footer recomposes whenever the bindings change (every focus change) and binds
each new key to its `compact`; Textual drops such a watcher only when the watched value
changes, which `compact` never does, so every key ever drawn stayed alive."""

from __future__ import annotations

import gc
from collections.abc import Callable

from textual.widgets._footer import FooterKey

from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp


def live_footer_keys() -> int:
    gc.collect()
    return sum(isinstance(o, FooterKey) for o in gc.get_objects())


async def test_moving_between_panes_does_not_keep_old_footer_keys(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("az303")
    # Not `running`: its message recorder keeps every message, and so their widgets.
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory to load")
        for _ in range(4):  # settle: the first recomposes after load
            await pilot.press("tab")
        await wait_until(pilot, lambda: app.screen.query(FooterKey), "the footer's keys")
        before = live_footer_keys()
        for _ in range(10):
            await pilot.press("tab")
            await pilot.pause()
        await wait_until(pilot, lambda: app.screen.query(FooterKey), "the footer's keys")
        after = live_footer_keys()
        shown = len(app.screen.query(FooterKey))
    # A recompose may still be on its way out: allow one footer's worth, never ten.
    assert after <= before + shown, (before, after, shown)
