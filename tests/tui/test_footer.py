"""The key footer: one widget, its keys in the first frame, a click runs a key, and the
keys that cannot run now are dimmed (widgets/footer.py)."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.conftest import running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from widgets.check_screen import CheckScreen
from widgets.footer import Footer


def footer_of(app: VnetTuiApp) -> Footer:
    return app.explorer.query_one(Footer)


def drawn(footer: Footer) -> str:
    return "".join(segment.text for segment in footer.render_line(0))


async def test_the_first_frame_shows_the_keys(make_app: Callable[..., VnetTuiApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        line = drawn(footer_of(app))
        assert "p peer" in line
        assert "q quit" in line
        assert line.rstrip().endswith("^p palette")


async def test_moving_between_panes_is_a_repaint_not_new_widgets(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app()
    async with running(app) as (pilot, _):
        footer = footer_of(app)
        before = len(list(app.screen.walk_children()))
        for _ in range(10):
            await pilot.press("tab")
            await pilot.pause()
        assert not footer.children
        assert len(list(app.screen.walk_children())) == before
        assert "c check" in drawn(footer)


async def test_keys_that_do_not_fit_are_left_out_whole(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(48, 30)) as pilot:
        await pilot.pause()
        footer = footer_of(app)
        line = drawn(footer)
        assert line.rstrip().endswith("^p palette")
        assert len(line) == 48
        words = [key.description for _start, _end, key in footer.spans]
        assert words[0] == "peer"
        assert "quit" not in words
        left = line.split("▏")[0].rstrip()
        assert left.endswith(words[-2])  # the last key before the palette is whole


async def test_a_click_runs_the_key_as_a_press_would(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app()
    async with running(app) as (pilot, _):
        await pilot.press("4")  # the VMs pane: vm1 selected, the check can start
        footer = footer_of(app)
        start = next(s for s, _end, key in footer.spans if key.description == "check")
        await pilot.click(Footer, offset=(start, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, CheckScreen), "the check screen")


async def test_write_keys_are_dimmed_and_refused_while_read_only(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app(read_only=True)
    async with running(app) as (pilot, _recorder):
        footer = footer_of(app)
        keys = {key.description: key for _s, _e, key in footer.spans}
        assert not keys["peer"].enabled
        assert keys["check"].enabled
        assert any(s.style and s.style.dim for s in footer.render_line(0)
                   if s.text.startswith("p"))
        await pilot.click(Footer, offset=(0, 0))  # "p peer": a bell, no form
        await pilot.pause()
        assert app.screen is app.explorer
