"""The cloud as the sandbox file holds it, read straight from the store after a run (never
through vnettui, whose answer is what is being checked), and the files the suite breaks."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PEERING_TYPE = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"


@dataclass(frozen=True, order=True)
class Link:
    """One peering link as stored: on `vnet`, named `name`, towards `remote`."""

    vnet: str
    name: str
    remote: str
    state: str  # Initiated | Connected | Disconnected
    sync: str  # FullyInSync | LocalNotInSync | RemoteNotInSync


Links = frozenset[Link]


def _name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def read_links(path: Path) -> Links:
    """Every peering link in the file."""
    from tui.sandbox.store import SandboxStore

    with SandboxStore(path) as store, store.read() as tx:
        found = tx.all_of_type(PEERING_TYPE)
    links = set()
    for resource in found:
        props = resource.body.get("properties", {})
        vnet = resource.id.split("/virtualNetworks/", 1)[1].split("/", 1)[0]
        remote = _name_of(str(props.get("remoteVirtualNetwork", {}).get("id", "")))
        links.add(Link(vnet, resource.name, remote, str(props.get("peeringState", "")),
                       str(props.get("peeringSyncLevel", ""))))
    return frozenset(links)


def between(links: Links, vnet: str, remote: str) -> list[Link]:
    """The links on `vnet` that point at `remote`."""
    return sorted(link for link in links if link.vnet == vnet and link.remote == remote)


def is_half(links: Links, pair: tuple[str, str]) -> bool:
    """One VNet of the pair links to the other and the link back is missing."""
    a, b = pair
    return bool(between(links, a, b)) != bool(between(links, b, a))


def describe(links: Links, pair: tuple[str, str]) -> str:
    """`vnet1: vnet1-to-vnet2 Initiated; vnet2: none`, for the table's notes."""
    parts = []
    for vnet, remote in (pair, pair[::-1]):
        found = between(links, vnet, remote)
        parts.append(f"{vnet}: " + (", ".join(f"{x.name} {x.state}" for x in found) or "none"))
    return "; ".join(parts)


def digest(path: Path) -> str:
    """The file's bytes (and its WAL's), to show a refused file was left untouched."""
    sha = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        if part.is_file():
            sha.update(part.read_bytes())
    return sha.hexdigest()


def corrupt(path: Path) -> None:
    """Random bytes where the sandbox file should be."""
    path.write_bytes(os.urandom(16 * 1024))


def foreign(path: Path) -> None:
    """Another application's SQLite database."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('not a sandbox')")
    conn.close()


@contextmanager
def locked(path: Path, seconds: float) -> Iterator[None]:
    """Another process's exclusive lock on the file (as a `sqlite3` shell with an open
    transaction holds it), taken before the body runs and let go after `seconds`, or when
    the body ends, whichever comes first."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE meta SET value = value")  # holds it for readers too (WAL)
    done = threading.Event()

    def release() -> None:
        done.wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    releaser = threading.Thread(target=release, daemon=True)
    releaser.start()
    try:
        yield
    finally:
        done.set()
        releaser.join()
