"""The last inventory on disk, so the explorer paints at once and refreshes in place.

One file per cloud, tenant and identity (or sandbox file) under the XDG cache directory,
owner-only, holding nothing but what the panes show (names, ids, prefixes, states: no
token, no secret). It carries a version and a fingerprint of the model's fields, so a
file written by another vnettui is ignored rather than misread. Records (named tuples) and
dataclasses alike are written as objects of their fields, never as bare lists, so the
format does not depend on which of the two a model class is. Any problem reading it
means "no cache", never an error: it only ever saves a wait.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import logging
import os
import sys
import time
import types
import typing
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from tui import model
from tui.model import Inventory, ResourceId
from tui.settings import Settings

log = logging.getLogger(__name__)

VERSION = 1


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/vnettui` (computed on call so tests can point it elsewhere)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vnettui"


def cache_path(settings: Settings) -> Path:
    """Whose inventory it is and what it covers, so a run never paints another scope's data.

    Who: the cloud, tenant and way of signing in, or the sandbox file. What: the
    `--subscription` filter, the management groups the queries are scoped to (a group
    sees other subscriptions than the whole tenant) and the `--inventory` source (Resource
    Graph and ARM may answer for different subscriptions).
    """
    if settings.sandbox:
        who = f"sandbox:{settings.sandbox_path().resolve()}"
    else:
        who = f"{settings.cloud}:{settings.tenant or ''}:{settings.auth}"
    subs = ",".join(sorted(s.casefold() for s in settings.subscriptions))
    groups = ",".join(sorted(g.casefold() for g in settings.management_groups))
    scope = f"{subs}|groups={groups}|source={settings.inventory}"
    digest = _digest(f"{who}|{scope}")
    return cache_dir() / f"inventory-{digest}.json"


def _fingerprint() -> str:
    """Changes whenever a model class gains, loses, renames or reorders a field."""
    names = []
    for cls in _model_classes():
        names.append(cls.__name__ + ":" + ",".join(_field_names(cls)))
    return _digest("|".join(names))


def _digest(text: str) -> str:
    """64 bits of `text` for a file name or a fingerprint: not a secret's hash (nothing
    hashed here is one), so two checksums do, where hashlib's import (OpenSSL's, ~1.5 ms)
    would be on the way to the first frame."""
    data = text.encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _model_classes() -> list[type]:
    """The model's records and dataclasses, Inventory among them, in a stable order."""
    return sorted((obj for obj in vars(model).values()
                   if isinstance(obj, type) and obj.__module__ == model.__name__
                   and (_is_record(obj) or dataclasses.is_dataclass(obj))),
                  key=lambda cls: cls.__name__)


def _is_record(kind: type) -> bool:
    """A named tuple class (`typing.NamedTuple`): a tuple with field names."""
    return issubclass(kind, tuple) and hasattr(kind, "_fields")


def _field_names(kind: type) -> tuple[str, ...]:
    """A record's fields or a dataclass's init fields, in order."""
    if _is_record(kind):
        return tuple(getattr(kind, "_fields", ()))
    return tuple(f.name for f in dataclasses.fields(kind) if f.init)


def save(settings: Settings, inventory: Inventory) -> None:
    """Write the inventory for the next start (atomically, readable by its owner only)."""
    path = cache_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {"version": VERSION, "fingerprint": _fingerprint(), "saved": time.time(),
                "inventory": encode(inventory)}
        tmp = path.with_suffix(".tmp")
        import json  # here: a start with no cache file never needs it before its first frame

        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError as error:
        log.info("inventory cache not written: %s", error)


# A cache this small is read before the first frame (az303's is 3 KB, 5 ms); a larger
# one in a thread after it, so a big tenant's cache never holds the first frame back.
PAINT_AT_ONCE_BYTES = 64 * 1024


def is_small(settings: Settings) -> bool:
    try:
        return cache_path(settings).stat().st_size <= PAINT_AT_ONCE_BYTES
    except OSError:
        return False


def load(settings: Settings) -> tuple[Inventory, float] | None:
    """The cached inventory and its age in seconds, or None."""
    import json  # as in save()

    path = cache_path(settings)
    try:
        with path.open(encoding="utf-8") as handle:
            body = json.load(handle)
        if body.get("version") != VERSION or body.get("fingerprint") != _fingerprint():
            return None
        inventory = decode(Inventory, body["inventory"])
        age = max(0.0, time.time() - float(body["saved"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.info("inventory cache %s ignored: %s", path, error)
        return None
    return inventory, age


def encode(value: Any) -> Any:
    """Model objects as JSON values (records and dataclasses as objects of their fields)."""
    if isinstance(value, tuple):
        # A record is a tuple too: it must be told apart before the generic case.
        names = getattr(type(value), "_fields", None)
        if names is not None:
            return {name: encode(item) for name, item in zip(names, value, strict=True)}
        return [encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.init}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):  # e.g. Inventory.kinds
        return sorted(encode(item) for item in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


@functools.cache
def _init_fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """(name, type) of a record's fields or a dataclass's init fields, in order, resolved
    once per class (resolving the hints per object was most of a cached start's decoding)."""
    hints = typing.get_type_hints(kind, vars(sys.modules[kind.__module__]))
    return tuple((name, hints[name]) for name in _field_names(kind))


def decode(kind: Any, data: Any) -> Any:
    """The inverse of `encode`, driven by the model's type hints."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return decode(options[0], data)
    if origin is tuple:
        args = typing.get_args(kind)
        return tuple(decode(args[0], item) for item in data)
    if origin is frozenset:
        (item_kind,) = typing.get_args(kind)
        return frozenset(decode(item_kind, item) for item in data)
    if origin is dict:
        key_kind, value_kind = typing.get_args(kind)
        return {decode(key_kind, k): decode(value_kind, v) for k, v in data.items()}
    if isinstance(kind, type) and (_is_record(kind) or dataclasses.is_dataclass(kind)):
        return kind(**{name: decode(hint, data[name])
                       for name, hint in _init_fields(kind) if name in data})
    if kind is ResourceId:
        return ResourceId(data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is float and isinstance(data, int):
        return float(data)
    return data
