"""Why a sandbox file cannot serve, and what becomes of a damaged one.

The errors are `sqlite3` errors the client side reports as "reset it"; `is_broken` tells
a damaged file from a busy or refused one, and `set_aside` moves a damaged one out of the
way without losing it. Apart from `store` so that the schema check and the commands that
recover a file share them without the connection code.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


class SandboxFileError(sqlite3.DatabaseError):
    """The sandbox file cannot serve (not a sandbox, broken, locked too long, disk full...).

    Still an `sqlite3.Error`, and not an azure-core error on purpose: retrying cannot help,
    so the SDK's retry policy passes it straight to the caller, who can say "reset it".
    """


class NotASandboxError(SandboxFileError):
    """A readable SQLite database of something else (or of a newer vnettui): refused and
    never written to, so pointing `--sandbox-state` at the wrong file costs nothing."""


class BrokenFileError(SandboxFileError):
    """The file is damaged: `sandbox reset` moves it aside."""


# SQLite's primary result codes for a file that is not a database or is damaged.
_BROKEN_CODES = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}


def is_broken(error: BaseException, path: Path) -> bool:
    """Whether an error opening `path` means the file itself is damaged (random bytes,
    truncated, a directory in its place), as opposed to busy or refused."""
    if isinstance(error, NotASandboxError):
        return False
    if isinstance(error, BrokenFileError) or path.is_dir():
        return True
    if isinstance(error, sqlite3.DatabaseError):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _BROKEN_CODES
    return False


def set_aside(path: Path, now: float | None = None) -> Path:
    """Rename a damaged file (and its WAL and shared-memory files) to
    `<name>.corrupt-<UTC time>`, so nothing is lost and a fresh file can take its place."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            companion.rename(Path(f"{aside}{suffix}"))
    return aside
