"""The explorer's panes are styled once before the first frame: nothing the start does
(the width's breakpoint class, the focus) changes their styles after they mount, which
would lay them out and draw them again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widget import Widget

from tui.app import VnetTuiApp


@pytest.mark.parametrize(("width", "breakpoint"), [(120, "-wide"), (80, "-narrow")])
async def test_no_restyle_after_the_panes_mount(
    make_app: Callable[..., VnetTuiApp], monkeypatch: pytest.MonkeyPatch,
    width: int, breakpoint: str,
) -> None:
    app = make_app()
    restyled: list[str] = []
    replace_rules = Stylesheet.replace_rules.__func__  # type: ignore[attr-defined]

    def recording(cls: type[Stylesheet], node: DOMNode, rules: Any, animate: bool = False
                  ) -> None:
        before = dict(node.styles.base._rules)
        replace_rules(cls, node, rules, animate)
        # Widgets styled before (component classes are fresh DOMNodes each time, and a
        # widget mounted later is styled for the first time).
        if (isinstance(node, Widget) and app.explorer.is_mounted and before
                and dict(node.styles.base._rules) != before):
            restyled.append(f"{type(node).__name__}#{node.id}")

    monkeypatch.setattr(Stylesheet, "replace_rules", classmethod(recording))
    async with app.run_test(size=(width, 36)) as pilot:
        await pilot.pause()
        assert app.explorer.has_class(breakpoint)
        assert app.explorer.focused is app.explorer.vnets_pane
        assert restyled == []


async def test_a_resize_leaves_the_tables_virtual_size(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    """A table's virtual size is its lines alone (its columns fit the pane, never scroll
    sideways): the first layout's resize, or any other, sets off no second layout."""
    from widgets.resource_table import ResourceTable

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        tables = list(app.explorer.query(ResourceTable))
        before = [t.virtual_size for t in tables]
        await pilot.resize_terminal(150, 36)
        await pilot.pause()
        assert [t.virtual_size for t in tables] == before
