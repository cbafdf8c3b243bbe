"""The key footer: Textual's own, without the memory it keeps or the work it repeats.

Textual 8.2.8's Footer recomposes whenever the bindings change (every focus change) and
binds each new key to its `compact`; a watcher is dropped only when the watched value
changes, which `compact` never does. So each recompose left the previous keys alive:
about 18 widgets per pane change, +32 % RSS in a ten-minute soak (bench/soak.py).

Most of those recomposes show the same keys again (six at start-up, 30 ms each, while
the first data is on its way), so a recompose whose keys are the ones on show is skipped.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer as TextualFooter

from tui.textual_private import forget_closed_watchers


class Footer(TextualFooter):
    """Redraws its keys only when they change, and forgets the keys it removed."""

    _shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What compose would show: every shown binding, as it would be drawn."""
        app = self.app
        return tuple(
            (key, binding.action, binding.description, app.get_key_display(binding),
             enabled, tooltip, binding.group)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == app.COMMAND_PALETTE_BINDING
        )

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys() if self._bindings_ready else None
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
        forget_closed_watchers(self, "compact")
