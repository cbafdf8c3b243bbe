"""A list of things to tick: `[✓]` or `[ ]` before each, space or enter toggles the
highlighted one, disabled ones say why in their own text.

Built on OptionList (lines, not widgets: cheap for thousands of VNets). SelectionList marks
both states with the same "X" and tells them apart by colour only, which is lost without
colour; here the mark says the value, as TickBox does for one setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class TickList(OptionList):
    """Options keyed by id; `ticked` holds the ids ticked, shown or not."""

    DEFAULT_CSS = """
    TickList { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "tick", "Tick", show=False),
    ]

    class Toggled(Message):
        def __init__(self, tick_list: TickList, item_id: str, ticked: bool) -> None:
            super().__init__()
            self.tick_list = tick_list
            self.item_id = item_id
            self.ticked = ticked

        @property
        def control(self) -> TickList:
            return self.tick_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.ticked: set[str] = set()
        self._prompts: dict[str, Text] = {}

    def _line(self, item_id: str) -> Text:
        line = Text("[✓] " if item_id in self.ticked else "[ ] ",
                    style="bold" if item_id in self.ticked else "", no_wrap=True,
                    overflow="ellipsis")
        line.append_text(self._prompts[item_id])
        return line

    def show_items(self, items: Iterable[tuple[str, Text, bool]],
                   tail: Iterable[Text] = ()) -> None:
        """(id, prompt, disabled) for each item, then lines that are not items (a note)."""
        options: list[Option | None] = []
        self._prompts = {}
        for item_id, prompt, disabled in items:
            self._prompts[item_id] = prompt
            options.append(Option(self._line(item_id), id=item_id, disabled=disabled))
        options += [Option(line, disabled=True) for line in tail]
        highlighted = self.highlighted
        self.set_options(options)
        if options:
            start = min(highlighted or 0, len(options) - 1)
            usable = [n for n, o in enumerate(options) if o is not None and not o.disabled]
            self.highlighted = start if start in usable else next(
                (n for n in usable if n >= start), usable[0] if usable else None)

    def update_item(self, item_id: str, prompt: Text, disabled: bool) -> None:
        if item_id not in self._prompts:
            return
        self._prompts[item_id] = prompt
        highlighted = self.highlighted  # replacing a prompt may move it: it stays
        self.replace_option_prompt(item_id, self._line(item_id))
        if disabled:
            self.disable_option(item_id)
        else:
            self.enable_option(item_id)
        self.highlighted = highlighted

    def action_tick(self) -> None:
        index = self.highlighted
        if index is None:
            return
        option = self.get_option_at_index(index)
        if option.disabled or option.id is None:
            self.app.bell()
            return
        now = option.id not in self.ticked
        (self.ticked.add if now else self.ticked.discard)(option.id)
        self.replace_option_prompt(option.id, self._line(option.id))
        self.highlighted = index
        self.post_message(self.Toggled(self, option.id, now))
