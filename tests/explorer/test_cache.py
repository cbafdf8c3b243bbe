"""The start-up cache: the same inventory back, owner-only, ignored when stale or foreign."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.explorer import cache
from tui.model import PeeringFlags, SubnetSelection
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


def test_each_scope_and_source_has_its_own_cache(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A run scoped to a management group, or reading through another source, never paints
    another scope's inventory; the same scope spelled in another case or order shares one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    base = Settings(tenant="t1")
    paths = {
        cache.cache_path(s) for s in (
            base,
            Settings(tenant="t1", management_groups=("mg-prod",)),
            Settings(tenant="t1", management_groups=("mg-dev",)),
            Settings(tenant="t1", inventory="arm"),
            Settings(tenant="t1", inventory="graph"),
            Settings(tenant="t1", subscriptions=("sub-a",)),
        )
    }
    assert len(paths) == 6
    assert cache.cache_path(Settings(tenant="t1", management_groups=("MG-a", "mg-b"))) == \
        cache.cache_path(Settings(tenant="t1", management_groups=("mg-B", "mg-a")))
    assert all(p.parent == tmp_path / "vnettui" for p in paths)


def test_records_are_objects_of_their_fields_and_in_the_fingerprint() -> None:
    """A model record is a named tuple, so a tuple: it is still written as an object of its
    fields (a bare list would decode by position, or not at all), and its fields count in
    the fingerprint that keeps another version's file from being misread."""
    flags = PeeringFlags(allow_forwarded_traffic=True)
    written = {"allow_virtual_network_access": True, "allow_forwarded_traffic": True,
               "allow_gateway_transit": False, "use_remote_gateways": False}
    assert cache.encode(flags) == written
    assert cache.encode((flags, ("a", "b"))) == [written, ["a", "b"]]
    assert cache.decode(PeeringFlags, written) == flags
    selection = SubnetSelection(("ot",), ("ingest",))
    assert cache.decode(SubnetSelection | None, cache.encode(selection)) == selection
    assert cache.decode(SubnetSelection | None, None) is None
    names = {kind.__name__ for kind in cache._model_classes()}
    assert {"Inventory", "Peering", "PeeringFlags", "VirtualNetwork", "SubscriptionStatus"} <= names
