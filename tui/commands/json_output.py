"""`--json` output: compact by default, indented with `--pretty`, written as it is made.

A 10,000-VNet answer is tens of megabytes of JSON. Python's indenting encoder is its slow,
pure-Python one (3.2 s of a 10 s `list vnets` on that estate, DESIGN.md "Measured costs");
the C encoder writes compact JSON several times faster. Lists are written item by item
(`Stream`), so the whole document is never built, nor held as one string.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

_COMPACT = json.JSONEncoder(separators=(",", ":"))
_PRETTY = json.JSONEncoder(indent=2)
_BUFFER = 1 << 16  # characters gathered before each write


def add_arguments(parser: argparse.ArgumentParser, help_text: str) -> None:
    """`--json` and `--pretty` (which implies `--json`)."""
    parser.add_argument("--json", action="store_true", help=help_text)
    parser.add_argument("--pretty", action="store_true",
                        help="indent the JSON for people (implies --json)")


def wanted(args: argparse.Namespace) -> bool:
    return bool(args.json or args.pretty)


class Stream:
    """A JSON array written item by item from any iterable (a generator stays lazy)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def write(document: Any, *, pretty: bool = False, out: TextIO | None = None) -> None:
    """Write `document` and a newline; a `Stream` anywhere in the top-level object or
    array is written as it is iterated. The text equals `json.dumps(document)` with
    compact separators, or with `indent=2` when `pretty`."""
    writer = _Writer(out if out is not None else sys.stdout, pretty)
    writer.value(document, 0)
    writer.raw("\n")
    writer.flush()


class _Writer:
    def __init__(self, out: TextIO, pretty: bool) -> None:
        self.out = out
        self.pretty = pretty
        self.encode = (_PRETTY if pretty else _COMPACT).encode
        self.chunks: list[str] = []
        self.size = 0

    def raw(self, text: str) -> None:
        self.chunks.append(text)
        self.size += len(text)
        if self.size >= _BUFFER:
            self.flush()

    def flush(self) -> None:
        if self.chunks:
            self.out.write("".join(self.chunks))
            self.chunks.clear()
            self.size = 0
        self.out.flush()

    def newline(self, depth: int) -> None:
        if self.pretty:
            self.raw("\n" + "  " * depth)

    def value(self, value: Any, depth: int) -> None:
        if isinstance(value, Stream):
            self.array(value.items, depth)
        elif isinstance(value, Mapping) and any(isinstance(v, Stream) for v in value.values()):
            self.mapping(value, depth)
        else:
            text = self.encode(value)
            if self.pretty and depth:
                # JSON strings hold no raw newline, so every newline is indentation.
                text = text.replace("\n", "\n" + "  " * depth)
            self.raw(text)

    def array(self, items: Iterable[Any], depth: int) -> None:
        empty = True
        for item in items:
            self.raw("," if not empty else "[")
            self.newline(depth + 1)
            self.value(item, depth + 1)
            empty = False
        if empty:
            self.raw("[]")
            return
        self.newline(depth)
        self.raw("]")

    def mapping(self, mapping: Mapping[str, Any], depth: int) -> None:
        separator = ": " if self.pretty else ":"
        self.raw("{")
        for n, (key, value) in enumerate(mapping.items()):
            if n:
                self.raw(",")
            self.newline(depth + 1)
            self.raw(self.encode(str(key)) + separator)
            self.value(value, depth + 1)
        if mapping:
            self.newline(depth)
        self.raw("}")
