"""The start-up cache: the same inventory back, owner-only, ignored when stale or foreign."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.explorer import cache
from tui.settings import Settings


async def test_round_trip_of_a_whole_inventory(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., Any],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = make_sandbox("showcase")
    backend = open_sandbox_backend(path)
    inventory = await backend.load_inventory()
    settings = Settings(sandbox=True, sandbox_state=path)
    assert cache.load(settings) is None
    cache.save(settings, inventory)
    file = cache.cache_path(settings)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    found = cache.load(settings)
    assert found is not None
    again, age = found
    assert again == inventory
    assert again.vnet(inventory.vnets[0].id) == inventory.vnets[0]
    assert 0 <= age < 60
    # Another sandbox file, or another tenant, has its own cache.
    assert cache.cache_path(Settings(sandbox=True, sandbox_state=tmp_path / "x.db")) != file
    assert cache.cache_path(Settings(tenant="t1")) != cache.cache_path(Settings(tenant="t2"))
    # A file from another model version, or a damaged one, is no cache, never an error.
    body = json.loads(file.read_text())
    file.write_text(json.dumps({**body, "fingerprint": "other"}))
    assert cache.load(settings) is None
    file.write_text("{not json")
    assert cache.load(settings) is None
