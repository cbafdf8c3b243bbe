"""The key footer: Textual's own, without the memory it keeps.

Textual 8.2.8's Footer recomposes whenever the bindings change (every focus change) and
binds each new key to its `compact`; a watcher is dropped only when the watched value
changes, which `compact` never does. So each recompose left the previous keys alive:
about 18 widgets per pane change, +32 % RSS in a ten-minute soak (bench/soak.py).
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

from tui.textual_private import forget_closed_watchers


class Footer(TextualFooter):
    """Forgets the keys a recompose just removed."""

    async def recompose(self) -> None:
        await super().recompose()
        forget_closed_watchers(self, "compact")
