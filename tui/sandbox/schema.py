"""The sandbox file's format: its tables, the marks that say a file is ours (application
id and schema version), and telling a sandbox file from any other SQLite database.

Apart from `store` so the format and its upgrade steps are read in one place; the store
only opens files and runs transactions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui.sandbox.fileerrors import NotASandboxError

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    key            TEXT PRIMARY KEY,   -- lower-cased ARM id
    id             TEXT NOT NULL,      -- ARM id as first written
    type           TEXT NOT NULL,      -- lower-cased resource type
    subscription   TEXT NOT NULL,      -- lower-cased subscription GUID
    resource_group TEXT NOT NULL,      -- lower-cased resource group name ('' above RGs)
    parent         TEXT NOT NULL,      -- key of the parent (RG for top-level resources)
    ref            TEXT NOT NULL,      -- key of the resource this one points at ('' if none)
    name           TEXT NOT NULL,
    body           TEXT NOT NULL,      -- the ARM JSON body
    etag           TEXT NOT NULL,
    created        REAL NOT NULL,
    updated        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_type ON resources(type, subscription, key);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources(parent, type, key);
CREATE INDEX IF NOT EXISTS resources_by_ref ON resources(ref, type);
CREATE TABLE IF NOT EXISTS operations (
    id           TEXT PRIMARY KEY,
    resource_key TEXT NOT NULL,
    kind         TEXT NOT NULL,        -- put | delete
    status       TEXT NOT NULL,        -- InProgress | Succeeded | Failed
    error        TEXT,                 -- JSON error body when Failed
    region       TEXT NOT NULL,
    namespace    TEXT NOT NULL,        -- Microsoft.Network | Microsoft.Compute
    subscription TEXT NOT NULL,
    created      REAL NOT NULL,
    due          REAL NOT NULL,        -- when it settles
    finished     REAL,
    result       TEXT                  -- JSON result of an action (POST)
);
CREATE INDEX IF NOT EXISTS operations_due ON operations(status, due);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (  -- each row as it was before a change (Resource Graph lag)
    seq            INTEGER PRIMARY KEY,
    at             REAL NOT NULL,      -- when it changed
    key            TEXT NOT NULL,
    id             TEXT NOT NULL,
    type           TEXT NOT NULL,
    subscription   TEXT NOT NULL,
    resource_group TEXT NOT NULL,
    parent         TEXT NOT NULL,
    body           TEXT NOT NULL,
    created        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS history_at ON history(at, key);
"""


APPLICATION_ID = 0x564E5454
SCHEMA_VERSION = 2  # 2: the history table (Resource Graph lag)

_OUR_TABLES = frozenset({"resources", "operations", "meta", "history"})


def identify(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether the file still needs our schema; raises `NotASandboxError` for a database
    that is not ours. Reads the header and the table list only: nothing is written."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = sorted(
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not str(r[0]).startswith("sqlite_")
    )
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise NotASandboxError(
                f"{path} is a sandbox file of a newer vnettui (schema {version}; this one "
                f"reads up to {SCHEMA_VERSION}); it was left untouched"
            )
        return version < SCHEMA_VERSION
    # [U] our choice: a file with no application id whose tables are all ours is a sandbox
    # from before files carried one (or a new, empty file), and is adopted.
    if app_id == 0 and set(tables) <= _OUR_TABLES and _resources_table_is_ours(conn, tables):
        return True
    what = ", ".join(tables) if tables else "none"
    raise NotASandboxError(
        f"{path} is an SQLite database but not a vnettui sandbox (application id "
        f"{app_id:#010x}, tables: {what}); it was left untouched"
    )


def _resources_table_is_ours(conn: sqlite3.Connection, tables: list[str]) -> bool:
    if "resources" not in tables:
        return True
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(resources)")}
    return {"key", "id", "type", "body", "etag"} <= columns


def install(conn: sqlite3.Connection) -> None:
    """Create the tables, bring an older file's up to date and mark the file as ours.
    Run inside the write transaction, after `identify` said the file needs it."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(operations)")}
    if "result" not in columns:  # a file from before actions had results
        conn.execute("ALTER TABLE operations ADD COLUMN result TEXT")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
