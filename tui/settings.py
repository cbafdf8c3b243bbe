"""What the person asked for on the command line, in one typed object every layer can read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

INVENTORY_SOURCES = ("auto", "graph", "arm")


@dataclass(frozen=True)
class Settings:
    """Everything a run was asked for: the command line over the config file."""

    sandbox: bool = False
    sandbox_state: Path | None = None
    subscriptions: tuple[str, ...] = ()  # ids or display names; empty = all readable
    read_only: bool = False
    # Who made it read-only, as a person would find it ("--read-only", or the config file's
    # line); None means `--read-only`.
    read_only_origin: str | None = None
    auth: str = "default"
    tenant: str | None = None
    cloud: str = "public"
    interval: float = 5.0
    config_path: Path | None = None
    mouse: bool = True
    cache: bool = True  # the explorer paints the last inventory at start, then refreshes
    theme: str | None = None
    # From the config file (tui.config.merge): ids or display names, as written there.
    read_only_subscriptions: tuple[str, ...] = ()
    production_subscriptions: tuple[str, ...] = ()
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    token_cache: str = "auto"  # auto | encrypted | off (tui.azure.auth)
    # Where the inventory is read (README "Large tenants"): auto = Resource Graph when the
    # caller may query it, else ARM per subscription; graph = Resource Graph or an error;
    # arm = ARM per subscription.
    inventory: str = "auto"
    management_groups: tuple[str, ...] = ()  # scope of the Resource Graph queries
    extra: dict[str, str] = field(default_factory=dict)

    def sandbox_path(self) -> Path:
        """`--sandbox-state`, else `$VNETTUI_SANDBOX_STATE`, else the XDG state dir."""
        if self.sandbox_state:
            return self.sandbox_state
        env = os.environ.get("VNETTUI_SANDBOX_STATE")
        if env:
            return Path(env)
        return state_dir() / "sandbox.db"


def state_dir() -> Path:
    """`$XDG_STATE_HOME/vnettui` (computed on call so tests can point it elsewhere)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "vnettui"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vnettui"
