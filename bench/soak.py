"""The explorer left running (issue 10, item 16): `python -m bench.soak` polls the showcase
sandbox under a light fault profile for SOAK_SECONDS (default 600), headless, as a person
would leave it open, while another writer keeps changing a peering and the cursor moves now
and then. It passes when the resident memory grew less than 10 % from the end of the
warm-up to the end, and the log holds no exception.

RSS is this process's own (`VmRSS` in /proc/self/status): the app runs in it, through
`tui.commands.explore.run_explorer`, the path `vnettui --sandbox` takes. Part of `make
bench`, never of `make test`: it is a matter of minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
INTERVAL = 1.0  # the shortest --interval allowed: the most polling per minute
SAMPLE_EVERY = 5.0
CHANGE_EVERY = 7.0  # another writer peers or unpeers vnet1 and vnet2 this often
MOVE_EVERY = 3.0  # the cursor moves this often
LIGHT_FAULTS = {"latency_ms": 15, "throttle_every": 40, "error_every": 53, "drop_every": 71,
                "operation_seconds": 0.5}
MAX_GROWTH = 0.10
# SOAK_TRACEMALLOC=1: also trace Python's allocations and print where they grew most
# between the end of the warm-up and the end (slower; for finding a leak, not measuring).
TRACE = os.environ.get("SOAK_TRACEMALLOC", "") not in ("", "0")
KEYS = ("down", "down", "up", "tab", "shift+tab", "down", "up", "up")


def rss_kib() -> int:
    """This process's resident set size, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


@dataclass
class Soak:
    seconds: float
    samples: list[tuple[float, int]] = field(default_factory=list)  # (elapsed, RSS KiB)
    changes: int = 0
    keys: int = 0
    exit_code: int | None = None
    log_problems: list[str] = field(default_factory=list)
    requests: dict[str, Any] = field(default_factory=dict)
    grew: list[str] = field(default_factory=list)  # with SOAK_TRACEMALLOC, the top growth

    def window(self, start: float, end: float) -> int:
        """Median RSS of the samples taken between `start` and `end` seconds."""
        inside = [kib for at, kib in self.samples if start <= at <= end]
        return int(statistics.median(inside or [self.samples[-1][1]]))

    @property
    def warm_up(self) -> float:
        return max(10.0, min(60.0, self.seconds * 0.1))

    @property
    def baseline(self) -> int:
        return self.window(self.warm_up, self.warm_up + max(SAMPLE_EVERY * 2, self.seconds * 0.1))

    @property
    def final(self) -> int:
        return self.window(self.seconds * 0.9 - SAMPLE_EVERY, self.seconds + SAMPLE_EVERY)

    @property
    def growth(self) -> float:
        return (self.final - self.baseline) / self.baseline

    @property
    def ok(self) -> bool:
        return (self.exit_code == 0 and not self.log_problems and self.growth < MAX_GROWTH
                and len(self.samples) >= 4)

    def describe(self) -> str:
        peak = max(kib for _, kib in self.samples)
        lines = [
            f"explorer soak, {self.seconds:.0f} s at --interval {INTERVAL:g} on the showcase "
            f"under {json.dumps(LIGHT_FAULTS)}:",
            f"  RSS {self.baseline / 1024:.1f} MiB after a {self.warm_up:.0f} s warm-up -> "
            f"{self.final / 1024:.1f} MiB at the end ({self.growth:+.1%}; limit "
            f"+{MAX_GROWTH:.0%}); peak {peak / 1024:.1f} MiB; {len(self.samples)} samples",
            "  RSS along the way: " + ", ".join(
                f"{self.window(at - SAMPLE_EVERY, at + SAMPLE_EVERY) / 1024:.1f} MiB at "
                f"{at:.0f} s" for at in (self.seconds * q for q in (0.25, 0.5, 0.75))),
            f"  {self.requests.get('total', 0)} requests "
            f"({self.requests.get('perMinute') or 0:.0f}/min; statuses "
            f"{self.requests.get('statuses', {})}), {self.changes} peering changes made "
            f"behind its back, {self.keys} keys pressed",
            f"  exit code {self.exit_code}; exceptions in the log: {len(self.log_problems)}",
        ]
        lines += [f"    {line}" for line in self.log_problems[:5]]
        if self.grew:
            lines.append("  grew most (tracemalloc, after the warm-up):")
            lines += [f"    {line}" for line in self.grew]
        lines.append(f"  {'PASS' if self.ok else 'FAIL'}")
        return "\n".join(lines)


def _log_problems(path: Path) -> list[str]:
    """Lines of the log that record an exception: ERROR or CRITICAL, or a traceback."""
    if not path.is_file():
        return []
    return [line for line in path.read_text(errors="replace").splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]


def run(seconds: float = SECONDS) -> Soak:
    from tui.cli import setup_logging
    from tui.commands.explore import run_explorer
    from tui.sandbox import control
    from tui.sandbox.requestlog import read
    from tui.sandbox.scenarios import reset
    from tui.sandbox.store import SandboxStore
    from tui.settings import Settings, state_dir

    soak = Soak(seconds)
    if TRACE:
        tracemalloc.start(8)
    with tempfile.TemporaryDirectory(prefix="vnettui-soak-") as tmp:
        root = Path(tmp)
        os.environ.update({
            "XDG_STATE_HOME": str(root / "state"), "XDG_CONFIG_HOME": str(root / "config"),
            "VNETTUI_SANDBOX_FAULTS": json.dumps(LIGHT_FAULTS),
            "VNETTUI_SANDBOX_LOG": str(root / "requests.jsonl"),
        })
        sandbox = root / "sandbox.db"
        reset(sandbox, "showcase")
        setup_logging()
        rg = "/subscriptions/3030a303-0000-4000-8000-000000000303/resourceGroups/rg-peering"
        vnet1 = f"{rg}/providers/Microsoft.Network/virtualNetworks/vnet1"
        vnet2 = f"{rg}/providers/Microsoft.Network/virtualNetworks/vnet2"

        def flip(store: SandboxStore) -> None:
            """Peer vnet1 and vnet2, or unpeer them: rows change, a link goes
            Disconnected and back, as when a colleague works in the Portal."""
            if control.get(store, f"{vnet1}/virtualNetworkPeerings/soak12") is None:
                control.put_peering(store, vnet1, "soak12", vnet2)
                control.put_peering(store, vnet2, "soak21", vnet1)
            else:
                control.delete_peering(store, f"{vnet1}/virtualNetworkPeerings/soak12")
                control.delete_peering(store, f"{vnet2}/virtualNetworkPeerings/soak21")
            soak.changes += 1

        async def pilot(driver: Any) -> None:
            app = driver.app
            while not app.explorer.state.inventory.vnets:
                await driver.pause(0.1)
            start = time.monotonic()  # the soak's time starts with the data on screen
            store = SandboxStore(sandbox)
            next_sample = next_change = next_move = 0.0
            warm: Any = None
            try:
                while (now := time.monotonic() - start) < seconds:
                    if now >= next_sample:
                        soak.samples.append((now, rss_kib()))
                        next_sample += SAMPLE_EVERY
                        if TRACE and warm is None and now >= soak.warm_up:
                            warm = tracemalloc.take_snapshot()
                    if now >= next_change:
                        await asyncio.to_thread(flip, store)
                        next_change += CHANGE_EVERY
                    if now >= next_move:
                        await driver.press(KEYS[soak.keys % len(KEYS)])
                        soak.keys += 1
                        next_move += MOVE_EVERY
                    await driver.pause(0.5)
                soak.samples.append((time.monotonic() - start, rss_kib()))
                if warm is not None:
                    diff = tracemalloc.take_snapshot().compare_to(warm, "traceback")
                    for stat in diff[:8]:
                        frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}"
                                             for f in list(stat.traceback)[::-1][:6])
                        soak.grew.append(f"{stat.size_diff / 1024:+.0f} KiB "
                                         f"{stat.count_diff:+d} blocks: {frames}")
            finally:
                store.close()
                app.exit()

        settings = Settings(sandbox=True, sandbox_state=sandbox, interval=INTERVAL)
        soak.exit_code = run_explorer(settings, headless=True, auto_pilot=pilot)
        soak.log_problems = _log_problems(state_dir() / "vnettui.log")
        log = root / "requests.jsonl"
        if log.is_file():
            soak.requests = read(log.read_text().splitlines()).as_json()
    return soak


def main() -> int:
    soak = run()
    print(soak.describe())
    return 0 if soak.ok else 1


if __name__ == "__main__":
    sys.exit(main())
