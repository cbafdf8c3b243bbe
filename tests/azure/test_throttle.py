"""Throttling is absorbed: Retry-After with jitter, one back-off shared by the backend's
clients, a longer budget than other errors, and the command line says it is waiting."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.inprocess import run_main
from tui.azure.throttle import FALLBACK_MAX_SECONDS, THROTTLE_ATTEMPTS, jittered_wait
from tui.errors import ThrottledError


def test_retry_after_is_honoured_and_stretched_by_jitter() -> None:
    assert jittered_wait(1.0, 1, 0.0) == 1.0
    assert 1.0 < jittered_wait(1.0, 1, 0.99) < 1.5
    assert jittered_wait(10.0, 5, 0.5) == 12.5  # Retry-After, whatever the attempt
    # Without Retry-After: exponential, capped.
    assert [jittered_wait(None, n, 0.0) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert jittered_wait(None, 30, 0.0) == FALLBACK_MAX_SECONDS


# Every command must meet a 429: `list vnets` and `conflicts` send only 3 requests on the
# showcase (the subscription list and each subscription's VNets), so every 2nd or 3rd.
@pytest.mark.parametrize("every", [2, 3])
def test_commands_complete_while_azure_throttles(
    every: int, env: dict[str, str], make_sandbox: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_sandbox("showcase")
    faults = json.dumps({"operation_seconds": 0, "throttle_every": every})
    expected = {("list", "vnets"): 0, ("conflicts",): 1, ("check", "vm1", "vm2"): 1}
    for argv, code in expected.items():
        done = run_main(capsys, "--sandbox", "--sandbox-state", str(path), *argv,
                        env={"VNETTUI_SANDBOX_FAULTS": faults})
        assert done.returncode == code, (argv, done.stderr)
        assert "could not be read" not in done.stderr
        assert "Azure is throttling requests (429, Retry-After 1 s); waiting" in done.stderr


async def test_every_subscription_loads_under_throttling(
    make_sandbox: Callable[..., Path], open_sandbox_backend: Callable[..., Any]
) -> None:
    path = make_sandbox("estate", subscriptions=6, vnets=120, seed=3)
    async with open_sandbox_backend(path, faults={"throttle_every": 2}) as backend:
        inventory = await backend.load_inventory()
    assert inventory.errors == ()
    assert len(inventory.vnets) == 120


async def test_endless_throttling_gives_up_after_its_budget(
    sandbox_path: Path, open_sandbox_backend: Callable[..., Any]
) -> None:
    async with open_sandbox_backend(sandbox_path, faults={"throttle_every": 1}) as backend:
        with pytest.raises(ThrottledError, match=f"after {THROTTLE_ATTEMPTS} resends"):
            await backend.list_subscriptions()
