"""The cyclic collector paused while the explorer's modules are imported.

Importing Textual and the explorer makes tens of thousands of objects that all live as
long as the process; with the collector on, each import's allocations set off collections
that scan everything imported so far again (~25 ms of a ~250 ms start on the build
machine). `tui.app` imports this module first and calls `resume()` after its own imports,
which freezes what was imported (later collections skip it) before turning it back on.
"""

from __future__ import annotations

import gc

_was_enabled = gc.isenabled()
gc.disable()


def resume() -> None:
    """The collector back on as it was before the imports, what they made frozen (else
    the first collection after them would scan all of it as new)."""
    gc.freeze()
    if _was_enabled:
        gc.enable()
