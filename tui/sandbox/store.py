"""The sandbox's state: one SQLite file of ARM resources and long-running operations.

Why SQLite: several processes (a TUI in one shell, `vnettui peer` in another) share one
file, so every change that spans resources (a peering PUT changes both sides) runs in one
`BEGIN IMMEDIATE` transaction, and readers see either all of it or none (WAL mode).

Resources live in one generic table keyed by the lower-cased ARM id (ids compare
case-insensitively in Azure); the original spelling and the JSON body are kept as given.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

# How far back the history reaches: the longest index lag the fault profile may ask for.
HISTORY_SECONDS = 3600.0

APPLICATION_ID = 0x564E5454
SCHEMA_VERSION = 2  # 2: the history table (Resource Graph lag)

SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions"
RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups"


def key_of(resource_id: str) -> str:
    return resource_id.rstrip("/").lower()


def new_etag() -> str:
    """A weak etag around a random version-4 GUID (formatted directly: cheap in bulk)."""
    h = os.urandom(16).hex()
    return f'W/"{h[:8]}-{h[8:12]}-4{h[13:16]}-{"89ab"[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"'


@dataclass(frozen=True)
class IdParts:
    """What an ARM id says about itself: subscription, resource group, parent, name."""

    subscription: str
    resource_group: str
    parent: str
    name: str

    @classmethod
    def parse(cls, resource_id: str) -> IdParts:
        segs = [s for s in resource_id.split("/") if s]
        lower = [s.lower() for s in segs]
        sub = segs[1] if len(segs) > 1 and lower[0] == "subscriptions" else ""
        rg = segs[3] if len(segs) > 3 and lower[2] == "resourcegroups" else ""
        name = segs[-1] if segs else ""
        if len(segs) <= 2:
            parent = ""
        elif len(segs) <= 4:
            parent = "/" + "/".join(segs[:2])
        elif "providers" in lower and len(segs) - lower.index("providers") <= 3:
            parent = "/" + "/".join(segs[:4])  # a top-level resource: its parent is the RG
        else:
            parent = "/" + "/".join(segs[:-2])
        return cls(sub.lower(), rg.lower(), key_of(parent), name)


@dataclass
class Resource:
    """One ARM resource as stored: its id, type and JSON body (which includes id/name)."""

    id: str
    type: str
    body: dict[str, Any]
    ref: str = ""
    etag: str = field(default_factory=new_etag)

    @property
    def key(self) -> str:
        return key_of(self.id)

    @property
    def name(self) -> str:
        return IdParts.parse(self.id).name

    @property
    def properties(self) -> dict[str, Any]:
        props = self.body.setdefault("properties", {})
        assert isinstance(props, dict)
        return props

    @property
    def provisioning_state(self) -> str:
        return str(self.properties.get("provisioningState") or "Succeeded")


_COLUMNS = "id, type, ref, body, etag"


def _row(row: tuple[Any, ...]) -> Resource:
    return Resource(id=row[0], type=row[1], ref=row[2], body=json.loads(row[3]), etag=row[4])


@dataclass(frozen=True)
class Operation:
    id: str
    resource_key: str
    kind: str
    status: str
    error: dict[str, Any] | None
    region: str
    namespace: str
    subscription: str
    created: float
    due: float
    result: dict[str, Any] | None = None


class Tx:
    """Reads and writes inside one transaction (see `SandboxStore.write`/`read`)."""

    def __init__(self, conn: sqlite3.Connection, now: float) -> None:
        self.conn = conn
        self.now = now

    # resources -------------------------------------------------------------------------
    def get(self, resource_id: str) -> Resource | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE key = ?", (key_of(resource_id),)
        ).fetchone()
        return _row(row) if row else None

    def exists(self, resource_id: str) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM resources WHERE key = ?", (key_of(resource_id),)
        ).fetchone()
        return found is not None

    def put(self, resource: Resource, *, new_etag_value: bool = True) -> Resource:
        """Insert or replace; a new etag on every write, as ARM gives one."""
        if new_etag_value:
            resource.etag = new_etag()
        if "etag" in resource.body or resource.type.lower().startswith("microsoft.network/"):
            resource.body["etag"] = resource.etag
        self._remember(resource.key)
        self.conn.execute(
            "INSERT INTO resources (key, id, type, subscription, resource_group, parent, ref,"
            " name, body, etag, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(key) DO UPDATE SET body = excluded.body, etag = excluded.etag,"
            " ref = excluded.ref, updated = excluded.updated",
            _values(resource, self.now),
        )
        return resource

    def put_many(self, resources: Iterable[Resource]) -> None:
        """Bulk insert for generated scenarios (executemany; no per-row round trips)."""
        rows = []
        for resource in resources:
            if resource.type.lower().startswith("microsoft.network/"):
                resource.body["etag"] = resource.etag
            rows.append(_values(resource, self.now))
        self.conn.executemany(
            "INSERT OR REPLACE INTO resources (key, id, type, subscription, resource_group,"
            " parent, ref, name, body, etag, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def delete(self, resource_id: str) -> bool:
        self._remember(key_of(resource_id))
        cur = self.conn.execute("DELETE FROM resources WHERE key = ?", (key_of(resource_id),))
        return cur.rowcount > 0

    def _remember(self, key: str) -> None:
        """Keep the row as it is before this change: Resource Graph answers from the state
        as of a moment in the past (`rows_as_of`). Bulk builds (`put_many`) skip this."""
        self.conn.execute(
            "INSERT INTO history (at, key, id, type, subscription, resource_group, parent,"
            " body, created) SELECT ?, key, id, type, subscription, resource_group, parent,"
            " body, created FROM resources WHERE key = ?",
            (self.now, key),
        )

    def clear(self) -> None:
        """Remove everything (a reset), history included."""
        for table in ("resources", "operations", "meta", "history"):
            self.conn.execute(f"DELETE FROM {table}")

    def top_level_types(self) -> list[str]:
        """The lower-cased types stored, without subscriptions, groups and child resources."""
        rows = self.conn.execute("SELECT DISTINCT type FROM resources").fetchall()
        return sorted(
            t for (t,) in rows
            if t.count("/") == 1 and t not in (SUBSCRIPTION_TYPE.lower(),
                                              RESOURCE_GROUP_TYPE.lower())
        )

    def rows_as_of(
        self, types: Iterable[str], cutoff: float | None = None
    ) -> Iterator[tuple[str, str, str, str, str, str, str]]:
        """(key, id, type, subscription, resource_group, parent, body JSON) of every resource
        of these types, in key order, as it was at `cutoff` (now when None): a row changed
        since then reads as it was before its first change after it, a row created since
        then is left out, a row deleted since then is back. Read it within the transaction:
        the rows come from the cursor as they are consumed."""
        wanted = sorted({t.lower() for t in types})
        if not wanted:
            return
        marks = ",".join("?" for _ in wanted)
        columns = "key, id, type, subscription, resource_group, parent, body"
        current = self.conn.execute(
            f"SELECT {columns}, created FROM resources WHERE type IN ({marks}) ORDER BY key",
            wanted,
        )
        if cutoff is None:
            for row in current:
                yield row[0], row[1], row[2], row[3], row[4], row[5], row[6]
            return
        before = {
            r[0]: r for r in self.conn.execute(
                f"SELECT {columns}, created FROM history WHERE seq IN (SELECT min(seq) FROM"
                " history WHERE at > ? GROUP BY key)", (cutoff,),
            ).fetchall()
        }
        found = [r for r in current.fetchall() if r[0] not in before and r[7] <= cutoff]
        found += [r for r in before.values() if r[7] <= cutoff and r[2] in wanted]
        found.sort(key=lambda r: str(r[0]))
        for row in found:
            yield row[0], row[1], row[2], row[3], row[4], row[5], row[6]

    def subscription_tenants(self) -> list[tuple[str, str | None]]:
        """(lower-cased subscription id, tenantId as stored) of every subscription."""
        rows = self.conn.execute(
            "SELECT subscription, json_extract(body, '$.tenantId') FROM resources"
            " WHERE type = ?", (SUBSCRIPTION_TYPE.lower(),),
        ).fetchall()
        return [(str(sub), None if tenant is None else str(tenant)) for sub, tenant in rows]

    def forget_before(self, moment: float) -> None:
        self.conn.execute("DELETE FROM history WHERE at < ?", (moment,))

    def children(self, parent_id: str, resource_type: str) -> list[Resource]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE parent = ? AND type = ? ORDER BY key",
            (key_of(parent_id), resource_type.lower()),
        ).fetchall()
        return [_row(r) for r in rows]

    def children_of_many(self, parent_ids: list[str], resource_type: str) -> list[Resource]:
        if not parent_ids:
            return []
        marks = ",".join("?" for _ in parent_ids)
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE type = ? AND parent IN ({marks})"
            " ORDER BY key",
            (resource_type.lower(), *(key_of(p) for p in parent_ids)),
        ).fetchall()
        return [_row(r) for r in rows]

    def referencing(self, target_id: str, resource_type: str) -> list[Resource]:
        """Resources of a type whose `ref` is the target (peerings pointing at a VNet)."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE ref = ? AND type = ? ORDER BY key",
            (key_of(target_id), resource_type.lower()),
        ).fetchall()
        return [_row(r) for r in rows]

    def page(
        self,
        resource_type: str,
        *,
        subscription: str | None = None,
        resource_group: str | None = None,
        location: str | None = None,
        after: str = "",
        limit: int = 50,
    ) -> list[Resource]:
        """One page of a type, in key order after `after` (keyset paging: stable under writes)."""
        sql, args = _page_query(_COLUMNS, resource_type, subscription, resource_group,
                                location, after, limit)
        return [_row(r) for r in self.conn.execute(sql, args).fetchall()]

    def page_raw(
        self,
        resource_type: str,
        *,
        subscription: str | None = None,
        resource_group: str | None = None,
        location: str | None = None,
        after: str = "",
        limit: int = 50,
    ) -> list[tuple[str, str]]:
        """The same page as (key, JSON text) pairs: bulk lists splice stored JSON as is,
        never decoding bodies they serve unchanged."""
        sql, args = _page_query("key, body", resource_type, subscription, resource_group,
                                location, after, limit)
        return [(str(k), str(b)) for k, b in self.conn.execute(sql, args).fetchall()]

    def all_of_type(self, resource_type: str) -> list[Resource]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE type = ? ORDER BY key",
            (resource_type.lower(),),
        ).fetchall()
        return [_row(r) for r in rows]

    # operations ------------------------------------------------------------------------
    def add_operation(
        self,
        resource_key: str,
        kind: str,
        *,
        region: str,
        namespace: str,
        subscription: str,
        seconds: float,
        error: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> Operation:
        op = Operation(
            id=str(uuid.uuid4()), resource_key=resource_key, kind=kind, status="InProgress",
            error=error, region=region, namespace=namespace, subscription=subscription.lower(),
            created=self.now, due=self.now + max(seconds, 0.0), result=result,
        )
        self.conn.execute(
            "INSERT INTO operations (id, resource_key, kind, status, error, region, namespace,"
            " subscription, created, due, result) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (op.id, op.resource_key, op.kind, op.status,
             json.dumps(error) if error else None, op.region, op.namespace, op.subscription,
             op.created, op.due, json.dumps(result) if result is not None else None),
        )
        return op

    def operation(self, op_id: str) -> Operation | None:
        row = self.conn.execute(
            "SELECT id, resource_key, kind, status, error, region, namespace, subscription,"
            " created, due, result FROM operations WHERE lower(id) = ?",
            (op_id.lower(),),
        ).fetchone()
        if row is None:
            return None
        return Operation(
            row[0], row[1], row[2], row[3], json.loads(row[4]) if row[4] else None,
            row[5], row[6], row[7], row[8], row[9], json.loads(row[10]) if row[10] else None,
        )

    def due_operations(self) -> list[Operation]:
        ids = self.conn.execute(
            "SELECT id FROM operations WHERE status = 'InProgress' AND due <= ? ORDER BY due",
            (self.now,),
        ).fetchall()
        ops = [self.operation(i[0]) for i in ids]
        return [op for op in ops if op is not None]

    def pending_operation_for(self, resource_key: str) -> Operation | None:
        row = self.conn.execute(
            "SELECT id FROM operations WHERE status = 'InProgress' AND resource_key = ?"
            " ORDER BY created DESC LIMIT 1",
            (resource_key,),
        ).fetchone()
        return self.operation(row[0]) if row else None

    def finish_operation(self, op_id: str, status: str) -> None:
        self.conn.execute(
            "UPDATE operations SET status = ?, finished = ? WHERE id = ?",
            (status, self.now, op_id),
        )

    # meta ------------------------------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None


def _page_query(
    columns: str, resource_type: str, subscription: str | None, resource_group: str | None,
    location: str | None, after: str, limit: int,
) -> tuple[str, list[Any]]:
    sql = f"SELECT {columns} FROM resources WHERE type = ? AND key > ?"
    args: list[Any] = [resource_type.lower(), after]
    if subscription is not None:
        sql += " AND subscription = ?"
        args.append(subscription.lower())
    if resource_group is not None:
        sql += " AND resource_group = ?"
        args.append(resource_group.lower())
    if location is not None:
        sql += " AND lower(json_extract(body, '$.location')) = ?"
        args.append(location.replace(" ", "").lower())
    sql += " ORDER BY key LIMIT ?"
    args.append(limit)
    return sql, args


def _values(resource: Resource, now: float) -> tuple[Any, ...]:
    parts = IdParts.parse(resource.id)
    return (
        resource.key, resource.id, resource.type.lower(), parts.subscription,
        parts.resource_group, parts.parent, key_of(resource.ref) if resource.ref else "",
        parts.name, json.dumps(resource.body, separators=(",", ":")), resource.etag, now, now,
    )


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


_OUR_TABLES = frozenset({"resources", "operations", "meta", "history"})


def _identify(conn: sqlite3.Connection, path: Path) -> bool:
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
        if not _identify(conn, self.path):
            self._settings()
            return
        self._settings()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _identify(conn, self.path):  # again under the write lock: another process
                for statement in SCHEMA.split(";"):  # may have set it up meanwhile
                    if statement.strip():
                        conn.execute(statement)
                columns = {row[1] for row in conn.execute("PRAGMA table_info(operations)")}
                if "result" not in columns:  # a file from before actions had results
                    conn.execute("ALTER TABLE operations ADD COLUMN result TEXT")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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
