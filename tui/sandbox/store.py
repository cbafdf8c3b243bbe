"""The sandbox's state: one SQLite file of ARM resources and long-running operations.

Why SQLite: several processes (a TUI in one shell, `vnettui peer` in another) share one
file, so every change that spans resources (a peering PUT changes both sides) runs in one
`BEGIN IMMEDIATE` transaction, and readers see either all of it or none (WAL mode).

Resources live in one generic table keyed by the lower-cased ARM id (ids compare
case-insensitively in Azure); the original spelling and the JSON body are kept as given.

This module opens the file and runs transactions (`SandboxStore`). What it keeps is in
`records`, the SQL of one transaction in `transaction`, the file's format in `schema` and
the errors of a file that cannot serve in `fileerrors`; their names are importable from
here too, as callers always have.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.sandbox.fileerrors import (
    BrokenFileError,
    NotASandboxError,
    SandboxFileError,
    is_broken,
    set_aside,
)
from tui.sandbox.records import (
    RESOURCE_GROUP_TYPE,
    SUBSCRIPTION_TYPE,
    IdParts,
    Operation,
    Resource,
    key_of,
    new_etag,
)
from tui.sandbox.schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION, identify, install
from tui.sandbox.transaction import Tx

# How far back the history reaches: the longest index lag the fault profile may ask for.
HISTORY_SECONDS = 3600.0


class SandboxStore:
    """A connection to one sandbox file. Cheap to open; safe to share the file across processes.

    Opening checks what the file is before writing anything: a sandbox file carries
    `PRAGMA application_id` = `APPLICATION_ID` and its schema version in `user_version`.
    Any other SQLite database raises `NotASandboxError` and is left as it was.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir():
            raise BrokenFileError(f"{self.path} is a directory, not a sandbox file")
        # isolation_level=None: we issue BEGIN ourselves, so a write can be IMMEDIATE.
        self._conn = sqlite3.connect(
            str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self.commits = 0
        try:
            self._open()
        except BaseException:
            self._conn.close()
            raise

    def _open(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 30000")
        if not identify(conn, self.path):
            self._settings()
            return
        self._settings()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if identify(conn, self.path):  # again under the write lock: another process
                install(conn)  # may have set it up meanwhile
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _settings(self) -> None:
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")

    def check(self) -> None:
        """Read every page (`PRAGMA quick_check`): a truncated or damaged file raises."""
        rows = self._conn.execute("PRAGMA quick_check(1)").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            raise BrokenFileError(f"{self.path} is damaged: {rows[0][0]}")

    def close(self) -> None:
        self._conn.close()

    def fast_for_tests(self) -> None:
        """Skip fsync: for throw-away files in tests, where durability does not matter."""
        self._conn.execute("PRAGMA synchronous = OFF")

    def __enter__(self) -> SandboxStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One atomic change: BEGIN IMMEDIATE takes the write lock up front, so two
        processes never interleave a read-modify-write."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            tx = Tx(self._conn, time.time())
            yield tx
            tx.forget_before(tx.now - HISTORY_SECONDS)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self.commits += 1

    def version(self) -> tuple[int, int]:
        """Changes whenever the file does: this connection's commits and SQLite's count of
        other connections' ones (a cache of query results keys on it)."""
        other = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return other, self.commits

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent snapshot for a multi-query read."""
        self._conn.execute("BEGIN")
        try:
            yield Tx(self._conn, time.time())
        finally:
            self._conn.execute("COMMIT")

    def has_due_operations(self) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM operations WHERE status = 'InProgress' AND due <= ? LIMIT 1",
            (time.time(),),
        ).fetchone()
        return row is not None

    def subscription_tenant(self, subscription: str) -> str | None:
        """The tenant of a subscription (a single read; fine inside or outside a transaction)."""
        row = self._conn.execute(
            "SELECT json_extract(body, '$.tenantId') FROM resources WHERE key = ?",
            (key_of(f"/subscriptions/{subscription}"),),
        ).fetchone()
        return str(row[0] or "").lower() if row else None

    def is_empty(self) -> bool:
        return self._conn.execute("SELECT 1 FROM resources LIMIT 1").fetchone() is None

    def clear(self) -> None:
        with self.write() as tx:
            tx.clear()


__all__ = [
    "APPLICATION_ID", "HISTORY_SECONDS", "RESOURCE_GROUP_TYPE", "SCHEMA", "SCHEMA_VERSION",
    "SUBSCRIPTION_TYPE", "BrokenFileError", "IdParts", "NotASandboxError", "Operation",
    "Resource", "SandboxFileError", "SandboxStore", "Tx", "is_broken", "key_of", "new_etag",
    "set_aside",
]
