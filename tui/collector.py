"""The cyclic garbage collector, paused where the process builds a great many objects at once.

Importing Textual and the explorer makes tens of thousands of objects that all live as
long as the process; with the collector on, each import's allocations set off collections
that scan everything imported so far again (~25 ms of a ~250 ms start on the build
machine). `tui.app` imports `tui.imports_paused` first (which calls `hold()`) and calls
`resume()` after its own imports, which freezes what was imported (later collections skip
it) before turning it back on.

Bulk work pauses it too (`paused()`): an inventory load decodes hundreds of thousands of
JSON values and builds as many model objects, and the overlap sweep as many tuples, none
in a reference cycle; the collector's full passes rescan that growing heap again and
again (about a third of a 1,000-subscription load). Whatever cycles such work leaves are
collected once it is turned back on.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_was_enabled = True
_lock = threading.Lock()
_holders = 0  # paused() blocks running now (loads overlap, and run in threads)
_enable_after = False  # the collector was on when the first of them began


def hold() -> None:
    """The collector off until `resume()` (for the app's imports)."""
    global _was_enabled
    _was_enabled = gc.isenabled()
    gc.disable()


def resume() -> None:
    """The collector back on as it was before the imports, what they made frozen (else
    the first collection after them would scan all of it as new)."""
    gc.freeze()
    if _was_enabled:
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collections while the block runs; nested and overlapping blocks (two
    loads, a load and a sweep) turn it back on when the last one ends."""
    global _holders, _enable_after
    with _lock:
        if _holders == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _enable_after:
                gc.enable()


__all__ = ["hold", "paused", "resume"]
