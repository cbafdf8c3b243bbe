"""The rows of a Resource Graph result kept between its pages, as JSON text in an unlinked
temporary file.

A result of 10,000 VNets with their links is ~30 MB of text. Held as Python strings it
sat in the heap of the process the sandbox runs in (the explorer's, with `--sandbox`) for
as long as its pages were read, and made most of that process's peak while the client
decoded the same pages. In a file it costs the page cache, not the app's memory; a page is
one read of its rows' bytes.
"""

from __future__ import annotations

import os
import tempfile
import threading
from array import array
from collections.abc import Iterable
from weakref import finalize


class Spool:
    """Row texts written one after another; row i is bytes `ends[i-1]:ends[i]`."""

    def __init__(self) -> None:
        # Closed by the finalizer, with the result that holds it (never left open).
        self._file = tempfile.TemporaryFile(buffering=1 << 20)  # noqa: SIM115
        finalize(self, self._file.close)
        self._ends = array("q")
        self._size = 0
        self._lock = threading.Lock()  # pages are cut in the transport's worker threads

    def add(self, text: str) -> int:
        """Write one row's text; its index."""
        data = text.encode()
        self._file.write(data)
        self._size += len(data)
        self._ends.append(self._size)
        return len(self._ends) - 1

    def texts(self, order: Iterable[int] | None = None) -> SpooledTexts:
        """The rows written so far, in `order` (their indexes; None: as written)."""
        self._file.flush()
        return SpooledTexts(self, None if order is None else array("q", order))

    def __len__(self) -> int:
        return len(self._ends)

    @property
    def size(self) -> int:
        return self._size

    def read(self, first: int, last: int) -> list[str]:
        """Rows `first` to `last` (inclusive) as written, with one read."""
        start = self._ends[first - 1] if first else 0
        ends = self._ends[first : last + 1]
        data = self._read(start, ends[-1] - start)
        out, at = [], 0
        for end in ends:
            out.append(data[at : end - start].decode())
            at = end - start
        return out

    def _read(self, offset: int, size: int) -> bytes:
        fd = self._file.fileno()
        if hasattr(os, "pread"):  # no shared file position: threads need no lock
            return os.pread(fd, size, offset)
        with self._lock:
            self._file.seek(offset)
            data: bytes = self._file.read(size)
            return data


class SpooledTexts:
    """A result's rows in its order: `len()` and slices of row texts, as a list of them."""

    def __init__(self, spool: Spool, order: array[int] | None) -> None:
        self._spool = spool
        self._order = order

    def __len__(self) -> int:
        return len(self._order) if self._order is not None else len(self._spool)

    def __getitem__(self, index: slice) -> list[str]:
        rows = range(len(self))[index]
        order = self._order
        indexes = [order[i] for i in rows] if order is not None else list(rows)
        out: list[str] = []
        run = 0
        for i in range(1, len(indexes) + 1):  # one read per run of consecutive rows
            if i == len(indexes) or indexes[i] != indexes[i - 1] + 1:
                out += self._spool.read(indexes[run], indexes[i - 1])
                run = i
        return out

    @property
    def size(self) -> int:
        """Bytes of text held (what the endpoint's budget for kept results counts)."""
        return self._spool.size
