"""The key footer: the focused screen's keys on one line, drawn by one widget.

Textual 8.2.8's Footer is a container of one widget per key, recomposed on every focus
change: at start-up nine widgets were mounted, styled and laid out while the first data
was on its way (its first frame showed no keys at all), and each recompose left the old
keys alive (bench/soak.py: +32 % RSS in ten minutes). One line of text does the same
job: the keys are in the first frame, and a change of keys is a repaint.

It looks like Textual's compact footer (the same theme variables): `key word` pairs, the
command palette's key on the right, keys that cannot run now dimmed. A click runs the key,
as a press would; keys that do not fit are left out whole, never cut in half.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class FooterKey(NamedTuple):
    """One key as the footer shows it."""

    key: str  # what a click simulates
    display: str  # "^p", "/", "?"
    description: str
    enabled: bool
    tooltip: str


class Footer(Widget, can_focus=False):
    """The keys of the screen it is on, redrawn when they change."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer--key", "footer--description", "footer--hover", "footer--bar",
    }
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    Footer > .footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    Footer > .footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    Footer > .footer--hover {
        background: $block-hover-background;
    }
    Footer > .footer--bar {
        color: $foreground 20%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spans: list[tuple[int, int, FooterKey]] = []  # cells of each drawn key
        self._hover: str | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen: object) -> None:
        # A repaint works the keys out again; working them out here as well to skip an
        # unchanged repaint cost more (each binding's action is parsed to check it).
        self.refresh()

    def keys(self) -> tuple[tuple[FooterKey, ...], FooterKey | None]:
        """The keys to show, one per action (the first key bound to it), and the command
        palette's key, shown apart on the right."""
        app = self.app
        shown: dict[str, FooterKey] = {}
        palette: FooterKey | None = None
        for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            is_palette = key == app.COMMAND_PALETTE_BINDING
            if not (binding.show or is_palette) or (
                    not is_palette and binding.action in shown):
                continue  # not drawn: its display is not worked out either
            item = FooterKey(key, app.get_key_display(binding), binding.description,
                             enabled, tooltip or binding.tooltip or binding.description)
            if is_palette:
                palette = item if app.ENABLE_COMMAND_PALETTE else None
            else:
                shown[binding.action] = item
        return tuple(shown.values()), palette

    def render(self) -> Text:
        keys, palette = self.keys()
        width = self.size.width
        bar = Text.assemble(("▏", self.get_component_rich_style("footer--bar", partial=True)))
        right = self._pair(palette, bar) if palette else Text()
        room = width - right.cell_len - (1 if palette else 0)
        line = Text(no_wrap=True, overflow="crop", end="")
        self.spans = []
        for key in keys:
            pair = self._pair(key, Text())
            gap = 1 if line.cell_len else 0
            if line.cell_len + gap + pair.cell_len > room:
                break  # whole keys only
            line.append(" " * gap)
            self.spans.append((line.cell_len, line.cell_len + pair.cell_len, key))
            line.append_text(pair)
        if palette is not None:
            line.append(" " * max(1, width - line.cell_len - right.cell_len))
            start = line.cell_len + 1  # after the bar
            self.spans.append((start, start + right.cell_len - 1, palette))
            line.append_text(right)
        return line

    def _pair(self, key: FooterKey, prefix: Text) -> Text:
        """`key word`, in the footer's styles; dim when the key cannot run now."""
        key_style = self.get_component_rich_style("footer--key", partial=True)
        word_style = self.get_component_rich_style("footer--description", partial=True)
        if key.key == self._hover:
            hover = self.get_component_rich_style("footer--hover", partial=True)
            key_style, word_style = key_style + hover, word_style + hover
        pair = prefix.copy()
        pair.append(key.display, style=key_style)
        if key.description:
            pair.append(" " + key.description, style=word_style)
        if not key.enabled:
            pair.stylize(Style(dim=True))
        return pair

    def key_at(self, x: int) -> FooterKey | None:
        return next((key for start, end, key in self.spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        hover = key.key if key else None
        if hover != self._hover:
            self._hover = hover
            self.tooltip = key.tooltip if key else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()
