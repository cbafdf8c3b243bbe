"""Checking the config file's `[keymap]` against the explorer's bindings and Textual's keys.

Textual's `set_keymap` ignores a binding id it does not know and a key no terminal sends,
so a typo would silently leave a key unbound. The explorer checks its keymap before it
starts instead, and a problem is an InputError naming the config file's line.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys, key_to_character

from tui.config import keymap_error

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(k.value.rpartition("+")[2] for k in Keys) | set(KEY_TO_UNICODE_NAME) \
    | set(REPLACED_KEYS)


def key_problem(key: str) -> str | None:
    """Why `key` (e.g. "ctrl+p", "f5", "question_mark", "r") is not a Textual key, or None."""
    *modifiers, base = key.strip().split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier (use {', '.join(sorted(MODIFIERS))})"
    if not base:
        return "a key is missing after the last '+'"
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return None
    if base in _NAMED_KEYS or key_to_character(base) is not None:
        return None
    return (f"{base!r} is not a key name (a character, or a name like f5, escape, "
            "question_mark or pageup)")


def _bindings(node: type[DOMNode]) -> Iterator[Binding]:
    for item in vars(node).get("BINDINGS", ()):
        if isinstance(item, Binding):
            yield item


def _subclasses(base: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def known_binding_ids() -> set[str]:
    """Every binding id of the explorer: its app and every widget and screen it defines."""
    importlib.import_module("tui.app")
    widgets = importlib.import_module("widgets")
    for info in pkgutil.iter_modules(widgets.__path__, "widgets."):
        importlib.import_module(info.name)
    return {binding.id for node in _subclasses(DOMNode)
            if node.__module__.startswith(("tui.", "widgets."))
            for binding in _bindings(node) if binding.id}


def check_keymap(keymap: Mapping[str, str], config_path: Path | None) -> None:
    """InputError naming the line of the first unknown binding id or key name."""
    if not keymap:
        return
    known = known_binding_ids()
    for binding, keys in keymap.items():
        if binding not in known:
            raise keymap_error(config_path, binding, f"unknown binding id {binding!r} "
                               f"(known: {', '.join(sorted(known))})")
        for key in keys.split(","):
            problem = key_problem(key)
            if problem:
                raise keymap_error(config_path, binding, f"keymap.{binding}: {problem}")
