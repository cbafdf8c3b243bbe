"""Reads and writes inside one transaction of the sandbox store: `Tx`, the SQL behind every
question the rules ask (a resource, its children, a page of a type, the rows as they were
a moment ago) and every change they make (resources, operations, meta).

Apart from `store`, which opens the file and hands out a `Tx` per transaction, so the
queries are one module and the connection handling another.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from tui.sandbox.records import (
    RESOURCE_GROUP_TYPE,
    SUBSCRIPTION_TYPE,
    IdParts,
    Operation,
    Resource,
    key_of,
    new_etag,
)

_COLUMNS = "id, type, ref, body, etag"


def _row(row: tuple[Any, ...]) -> Resource:
    return Resource(id=row[0], type=row[1], ref=row[2], body=json.loads(row[3]), etag=row[4])



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

    def resource_count(self) -> int:
        """How many resources the file holds (of every kind)."""
        return int(self.conn.execute("SELECT count(*) FROM resources").fetchone()[0])

    def top_level_types(self) -> list[str]:
        """The lower-cased types stored, without subscriptions, groups and child resources."""
        rows = self.conn.execute("SELECT DISTINCT type FROM resources").fetchall()
        return sorted(
            t for (t,) in rows
            if t.count("/") == 1 and t not in (SUBSCRIPTION_TYPE.lower(),
                                              RESOURCE_GROUP_TYPE.lower())
        )

    def groups_of(self, types: Iterable[str], *, by_group: bool) -> list[tuple[str, str]]:
        """The (subscription, resource group) pairs holding resources of these types, or
        (subscription, '') when `by_group` is false (lower case)."""
        wanted = sorted({t.lower() for t in types})
        if not wanted:
            return []
        marks = ",".join("?" for _ in wanted)
        group = "resource_group" if by_group else "''"
        return [(str(sub), str(rg)) for sub, rg in self.conn.execute(
            f"SELECT DISTINCT subscription, {group} FROM resources WHERE type IN ({marks})",
            wanted)]

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
        if cutoff is None:
            yield from self.conn.execute(
                f"SELECT {columns} FROM resources WHERE type IN ({marks}) ORDER BY key", wanted)
            return
        current = self.conn.execute(
            f"SELECT {columns}, created FROM resources WHERE type IN ({marks}) ORDER BY key",
            wanted,
        )
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
