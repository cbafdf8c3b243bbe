"""The config file: defaults a person sets once (sign-in, cloud, theme, keys, safety rails).

TOML at `config_dir()/config.toml`, or `--config PATH`. Validation is strict and every
complaint names the file and line, because a typo in a safety setting (`read_onyl = true`)
must not be silently ignored. The command line always wins over the file (`merge`).

```toml
auth = "device-code"            # default | cli | device-code | browser | env | managed-identity
tenant = "contoso.onmicrosoft.com"
cloud = "public"                # public | usgov | china
interval = 5                    # seconds between live refreshes
theme = "textual-dark"
read_only = false
token_cache = "auto"            # auto | encrypted | off

[keymap]                        # binding id -> keys (Textual's set_keymap)
"vnettui.refresh" = "r,f5"

[subscriptions."Production Hub"]   # by display name or subscription id
production = true
read_only = false
```
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tui.errors import InputError, RefusedError
from tui.model import Subscription, VirtualNetwork
from tui.resolve import text_problem
from tui.settings import Settings, config_dir

AUTH_METHODS = ("default", "cli", "device-code", "browser", "env", "managed-identity")
# The live refresh interval people may choose, in seconds (tests set Settings directly).
MIN_INTERVAL, MAX_INTERVAL = 1.0, 3600.0
# A config file is a few lines; anything bigger is not one (e.g. --config /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024
_TENANT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
CLOUDS = ("public", "usgov", "china")
TOKEN_CACHE_MODES = ("auto", "encrypted", "off")

_TOP_KEYS = (
    "auth", "tenant", "cloud", "interval", "theme", "read_only", "token_cache",
    "keymap", "subscriptions",
)
_SUBSCRIPTION_KEYS = ("read_only", "production")


@dataclass(frozen=True)
class SubscriptionRules:
    """What the config file says about one subscription."""

    read_only: bool = False
    production: bool = False


@dataclass(frozen=True)
class Config:
    """A validated config file; None means "not set in the file"."""

    path: Path | None = None
    auth: str | None = None
    tenant: str | None = None
    cloud: str | None = None
    interval: float | None = None
    theme: str | None = None
    read_only: bool | None = None
    token_cache: str | None = None
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Keyed by what the file wrote (a subscription id or display name).
    subscriptions: Mapping[str, SubscriptionRules] = field(
        default_factory=lambda: MappingProxyType({})
    )


def default_path() -> Path:
    return config_dir() / "config.toml"


def interval_problem(value: float) -> str | None:
    """Why `value` cannot be the refresh interval, or None (NaN and infinity included)."""
    if not MIN_INTERVAL <= value <= MAX_INTERVAL:  # False for NaN too
        return (f"must be between {MIN_INTERVAL:g} and {MAX_INTERVAL:g} seconds, "
                f"not {value!r}")
    return None


def tenant_problem(value: str) -> str | None:
    """Why `value` is not a tenant (a GUID or a domain like contoso.onmicrosoft.com)."""
    if not _TENANT.fullmatch(value):
        return (f"{value!r} is not a tenant id or domain (letters, digits, '.' and '-', "
                "e.g. contoso.onmicrosoft.com)")
    return None


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file.

    An explicit `path` (from `--config`) must exist; the default file may be absent, which
    gives an empty Config. Any problem raises `InputError` naming the file and line.
    """
    explicit = path is not None
    target = path if path is not None else default_path()
    try:
        text = _read(target)
    except FileNotFoundError:
        if explicit:
            raise InputError(f"config file {target} does not exist") from None
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"config file {target} cannot be read: {error}") from None
    return parse_config(text, target)


def _read(target: Path) -> str:
    """The file's text, refusing anything bigger than a config file can be."""
    with target.open("rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)  # never more: /dev/zero has no end
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(f"config file {target} is larger than "
                         f"{MAX_CONFIG_BYTES // 1024 // 1024} MiB: not a config file")
    return data.decode("utf-8")


def keymap_error(path: Path | None, binding: str, message: str) -> InputError:
    """An InputError about `[keymap]`'s `binding`, naming its line (checked by the explorer,
    which knows its bindings: `tui.keymap`)."""
    target = path or default_path()
    try:
        line = find_key_line(_read(target), ("keymap", binding))
    except (OSError, UnicodeDecodeError, InputError):
        line = None
    return InputError(f"{target}{f' line {line}' if line else ''}: {message}")


def parse_config(text: str, path: Path | None = None) -> Config:
    """Validate TOML `text`; `path` only names the file in messages."""
    where = str(path) if path else "config"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _decode_error_line(error)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)\s*$", "", str(error))
        at = f" line {line}" if line else ""
        raise InputError(f"{where}{at}: not valid TOML: {reason}") from None
    return _validate(data, text, where, path)


def _decode_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    # Python 3.14 adds .lineno; 3.11 only puts "(at line N, column M)" in the message.
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"at line (\d+)", str(error))
    return int(match.group(1)) if match else None


class _Problem:
    """Raises an InputError for a key path, locating its line in the text."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where

    def __call__(self, keys: tuple[str, ...], message: str) -> InputError:
        line = find_key_line(self.text, keys)
        at = f" line {line}" if line else ""
        return InputError(f"{self.where}{at}: {message}")


def _validate(data: dict[str, Any], text: str, where: str, path: Path | None) -> Config:
    problem = _Problem(text, where)
    for key in data:
        if key not in _TOP_KEYS:
            raise problem((key,), f"unknown key {key!r} (known: {', '.join(_TOP_KEYS)})")

    def string(key: str, choices: tuple[str, ...] | None = None) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise problem((key,), f"{key} must be a non-empty string, not {_show(value)}")
        if choices and value not in choices:
            raise problem((key,), f"{key} = {value!r} is not one of {', '.join(choices)}")
        return value

    def boolean(table: Mapping[str, Any], keys: tuple[str, ...]) -> bool | None:
        if keys[-1] not in table:
            return None
        value = table[keys[-1]]
        if not isinstance(value, bool):
            dotted = ".".join(keys)
            raise problem(keys, f"{dotted} must be true or false, not {_show(value)}")
        return value

    interval: float | None = None
    if "interval" in data:
        raw = data["interval"]
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise problem(("interval",), f"interval must be a number of seconds, not {_show(raw)}")
        bad = interval_problem(float(raw))
        if bad:
            raise problem(("interval",), f"interval {bad}")
        interval = float(raw)

    keymap: dict[str, str] = {}
    if "keymap" in data:
        table = data["keymap"]
        if not isinstance(table, dict):
            raise problem(("keymap",), "keymap must be a table of binding id = \"keys\"")
        for binding, keys in table.items():
            if isinstance(keys, list) and keys and all(isinstance(k, str) and k for k in keys):
                keymap[binding] = ",".join(keys)
            elif isinstance(keys, str) and keys.strip():
                keymap[binding] = keys
            else:
                raise problem(
                    ("keymap", binding),
                    f"keymap.{binding} must be keys like \"r,f5\" or [\"r\", \"f5\"], not "
                    f"{_show(keys)}",
                )

    subscriptions: dict[str, SubscriptionRules] = {}
    if "subscriptions" in data:
        table = data["subscriptions"]
        if not isinstance(table, dict):
            raise problem(
                ("subscriptions",),
                "subscriptions must be tables: [subscriptions.\"NAME OR ID\"]",
            )
        for name, rules in table.items():
            bad_name = text_problem(name)
            if bad_name:
                raise problem(("subscriptions", name),
                              f"subscription name {name!r} cannot be used: {bad_name}")
            if not isinstance(rules, dict):
                raise problem(
                    ("subscriptions", name),
                    f"subscriptions.{name} must be a table with read_only / production",
                )
            for key in rules:
                if key not in _SUBSCRIPTION_KEYS:
                    raise problem(
                        ("subscriptions", name, key),
                        f"unknown key {key!r} for subscription {name!r} "
                        f"(known: {', '.join(_SUBSCRIPTION_KEYS)})",
                    )
            read_only = boolean(rules, ("subscriptions", name, "read_only"))
            production = boolean(rules, ("subscriptions", name, "production"))
            subscriptions[name] = SubscriptionRules(
                read_only=bool(read_only), production=bool(production)
            )

    tenant = string("tenant")
    bad_tenant = tenant_problem(tenant) if tenant is not None else None
    if bad_tenant:
        raise problem(("tenant",), f"tenant {bad_tenant}")
    return Config(
        path=path,
        auth=string("auth", AUTH_METHODS),
        tenant=tenant,
        cloud=string("cloud", CLOUDS),
        interval=interval,
        theme=string("theme"),
        read_only=boolean(data, ("read_only",)),
        token_cache=string("token_cache", TOKEN_CACHE_MODES),
        keymap=MappingProxyType(keymap),
        subscriptions=MappingProxyType(subscriptions),
    )


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def find_key_line(text: str, keys: tuple[str, ...]) -> int | None:
    """The 1-based line where the dotted key path `keys` is written, best effort.

    Tracks `[table]` headers and parses each header and key with tomllib itself, so quoted
    and dotted keys (`[subscriptions."AZ-303 Lab"]`, `a.b = 1`) resolve as TOML resolves
    them. Falls back to the line of the longest prefix found (an inline table, say).
    """
    best: tuple[int, int] | None = None  # (matched length, line)
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = re.match(r"^\[\[?(.+?)\]\]?\s*(#.*)?$", stripped)
        if header and not re.match(r"^\[[^\]]*=", stripped):
            path = _key_path(header.group(1))
            if path is None:
                continue
            table = path
            full = table
        else:
            key_part = stripped.split("=", 1)[0] if "=" in stripped else None
            path = _key_path(key_part) if key_part else None
            if path is None:
                continue
            full = table + path
        matched = _common_prefix(full, keys)
        if matched and (best is None or matched > best[0]):
            best = (matched, number)
            if matched == len(keys) and len(full) == len(keys):
                return number
    return best[1] if best else None


def _key_path(key_text: str) -> tuple[str, ...] | None:
    try:
        parsed: Any = tomllib.loads(f"{key_text.strip()} = 0")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        (key, parsed), = parsed.items()
        path.append(key)
    return tuple(path) if path else None


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


# --- merging under the command line ---------------------------------------------------

MERGEABLE = ("auth", "tenant", "cloud", "interval", "theme")


def merge(config: Config, cli: Settings, given: Collection[str] = ()) -> Settings:
    """Settings from the command line over the config file: the command line wins.

    `given` names the Settings fields the person typed on the command line; the others take
    the file's value when it has one. `read_only` is on if either says so (the command line
    can only add a safety rail, never remove one the file set).
    """
    changes: dict[str, Any] = {}
    for name in MERGEABLE:
        value = getattr(config, name)
        if name not in given and value is not None:
            changes[name] = value
    changes["read_only"] = cli.read_only or bool(config.read_only)
    if config.read_only and not cli.read_only:
        changes["read_only_origin"] = f"read_only = true in {config.path or 'the config file'}"
    changes["read_only_subscriptions"] = tuple(
        name for name, rules in config.subscriptions.items() if rules.read_only
    )
    changes["production_subscriptions"] = tuple(
        name for name, rules in config.subscriptions.items() if rules.production
    )
    changes["keymap"] = dict(config.keymap)
    changes["token_cache"] = config.token_cache or cli.token_cache
    if config.path is not None and cli.config_path is None:
        changes["config_path"] = config.path
    return replace(cli, **changes)


# --- per-subscription rules -------------------------------------------------------------


def _names(subscription: Subscription | str) -> set[str]:
    if isinstance(subscription, Subscription):
        return {subscription.id.casefold(), subscription.name.casefold()}
    return {subscription.casefold()}


def _listed(subscription: Subscription | str, entries: Collection[str]) -> bool:
    wanted = {entry.casefold() for entry in entries}
    return bool(_names(subscription) & wanted)


def is_production(subscription: Subscription | str, settings: Settings) -> bool:
    """True when the config file marks this subscription (by id or display name) production."""
    return _listed(subscription, settings.production_subscriptions)


def is_read_only(subscription: Subscription | str, settings: Settings) -> bool:
    """True when every write is refused (`--read-only`) or this subscription is read-only."""
    return settings.read_only or _listed(subscription, settings.read_only_subscriptions)


def production_confirmation(
    vnet: VirtualNetwork, settings: Settings, subscription: Subscription | None = None
) -> str | None:
    """What a person must type before a write to `vnet`: its name on production, else None.

    `subscription` (from the Inventory) lets a config entry written as a display name match;
    without it only an entry written as the subscription id can.
    """
    target: Subscription | str = subscription if subscription else vnet.subscription_id
    return vnet.name if is_production(target, settings) else None


def confirmed(expected: str | None, typed: str | None) -> bool:
    """The typed-confirmation rule: nothing needed, or the VNet's name typed exactly.

    Exact and case-sensitive (surrounding spaces aside), so muscle memory (`y`, `yes`, a
    lower-cased name) does not pass.
    """
    if expected is None:
        return True
    return typed is not None and typed.strip() == expected


def add_production_argument(parser: argparse.ArgumentParser) -> None:
    """`--yes-production VNET` (repeatable) for commands that write: the CLI's typed
    confirmation for VNets in production subscriptions."""
    parser.add_argument(
        "--yes-production", action="append", default=[], metavar="VNET",
        help="confirm a write to this VNet in a production subscription (type its name)",
    )


def confirm_production(
    targets: Iterable[tuple[VirtualNetwork, Subscription | None]],
    settings: Settings,
    typed: Sequence[str] = (),
    ask: Callable[[str], str] | None = None,
) -> None:
    """Raise RefusedError unless every production VNet in `targets` was confirmed.

    A name counts as confirmed when given in `typed` (`--yes-production NAME`) or, with
    `ask` (e.g. `input` when stdin is a terminal), typed at its prompt. Nothing is asked
    for VNets outside production subscriptions.
    """
    for vnet, subscription in targets:
        expected = production_confirmation(vnet, settings, subscription)
        if expected is None or any(confirmed(expected, t) for t in typed):
            continue
        where = subscription.name if subscription else vnet.subscription_id
        if ask is not None:
            answer = ask(
                f"{vnet.name} is in production subscription {where!r}. "
                f"Type its name to go ahead: "
            )
            if confirmed(expected, answer):
                continue
        raise RefusedError(
            f"{vnet.name} is in production subscription {where!r}: confirm with "
            f"--yes-production {vnet.name} (the VNet's name, exactly)",
            code="ProductionNotConfirmed",
        )
