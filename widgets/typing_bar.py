"""An input bar that keys typed straight after opening it still reach.

A key is sent to the widget that has the focus when the app reads it, and its binding is
looked up when it comes back up to the app: `/vnet2` pasted, or typed fast over SSH,
arrives in one read, so `vnet2` went to the pane that had the focus before `/` opened
the filter, and came back as keys (`t` opened the topology). The app hands such keys to
the open bar instead (`VnetTuiApp.on_key`); the bar says which keys it received itself.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.suggester import Suggester
from textual.widgets import Input


class TypingBar(Input):
    """An Input opened by a key, focused at once, that knows which keys reached it."""

    def __init__(self, placeholder: str, *, id: str | None = None,
                 suggester: Suggester | None = None, select_on_focus: bool = True) -> None:
        super().__init__(placeholder=placeholder, id=id, suggester=suggester,
                         select_on_focus=select_on_focus)
        self.display = False  # shown by its key
        # The keys this bar received (compared by identity, as Textual passes the same
        # event object up the tree); enough for any burst a terminal delivers at once.
        self.received: deque[events.Key] = deque(maxlen=256)

    def on_key(self, event: events.Key) -> None:
        self.received.append(event)

    def take_focus(self) -> None:
        """Focus now, not after the keys already read (Widget.focus waits its turn)."""
        self.screen.set_focus(self)

    def came_elsewhere(self, event: events.Key) -> bool:
        """A key that reached the app through another widget while this bar is open
        and focused: typed before the focus moved here."""
        return self.display and self.screen.focused is self and not any(
            key is event for key in self.received)

    def retype(self, event: events.Key) -> None:
        """Read `event` again, as the terminal's next key: the app sends it to the focus,
        now this bar, and looks up its binding (enter, esc) from here."""
        self.app.post_message(events.Key(event.key, event.character))
