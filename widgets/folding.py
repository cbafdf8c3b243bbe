"""Long ARM ids broken at their slashes, not in the middle of a name.

An id has no spaces, so Rich folds it wherever the line ends (`rg-spo` / `kes`). Here a
line that is too long breaks before its last `/` (or after its last space) that fits, so
every line ends between two segments; only a segment wider than the line is folded.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text


def fold_at_slashes(line: Text, width: int) -> list[Text]:
    """`line` (no newline) as lines of at most `width` cells, broken between segments."""
    pieces: list[Text] = []
    while cell_len(line.plain) > width > 1:
        plain = line.plain
        cut = max(plain.rfind("/", 1, width + 1), plain.rfind(" ", 0, width) + 1)
        if cut <= 0 or cell_len(plain[:cut]) > width:
            cut = width  # one segment wider than the line: fold it
        head, line = line.divide([cut])
        pieces.append(head)
    pieces.append(line)
    return pieces


class FoldAtSlashes:
    """Renders `text` with every line broken by `fold_at_slashes` at the width given."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines = [piece for line in self.text.split("\n", allow_blank=True)
                 for piece in fold_at_slashes(line, width)]
        yield Text("\n").join(lines)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)
