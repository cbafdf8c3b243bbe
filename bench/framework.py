"""The little there is to a benchmark: timing, quadratic extrapolation, and a result row.

A benchmark module defines `run() -> Iterable[Row]`; `python -m bench` finds every
`bench_*.py` module, runs it and prints the rows as a table as they arrive.
"""

from __future__ import annotations

import gc
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One case: our time against the baseline's, measured or extrapolated."""

    benchmark: str
    case: str
    seconds: float
    baseline_seconds: float
    baseline_how: str  # "measured" or how it was extrapolated
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times faster than the baseline (baseline time / our time)."""
        return self.baseline_seconds / self.seconds if self.seconds else float("inf")


def measure(fn: Callable[[], T], *, repeat: int = 5, setup: Callable[[], object] | None = None
            ) -> tuple[float, T]:
    """Best CPU time of `repeat` runs, and a result.

    CPU time of this process (not wall time), so the work of other processes on a shared
    machine is not counted; the best of several runs is the least disturbed one. `setup`
    runs before each timed call, untimed (e.g. to empty a cache for a cold run). The
    garbage collector is paused while timing, as timeit does.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        if setup is not None:
            setup()
        enabled = gc.isenabled()
        gc.disable()
        try:
            start = time.process_time()
            result = fn()
            best = min(best, time.process_time() - start)
        finally:
            if enabled:
                gc.enable()
    assert result is not None or repeat > 0
    return best, result  # type: ignore[return-value]


def extrapolate_quadratic(measured_n: int, measured_seconds: float, n: int) -> float:
    """An all-pairs loop's time at size n from its time at a smaller size: t * (n/m)^2."""
    return measured_seconds * (n / measured_n) ** 2


def machine() -> str:
    """What the numbers were measured on: CPUs, load, Python."""
    cpus = os.cpu_count() or 0
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return f"{cpus} CPUs, load average {load}, Python {platform.python_version()}"


def format_seconds(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds:,.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def format_table(rows: list[Row]) -> str:
    header = ("benchmark", "case", "ours", "baseline", "baseline is", "ratio", "note")
    cells = [
        (r.benchmark, r.case, format_seconds(r.seconds), format_seconds(r.baseline_seconds),
         r.baseline_how, f"{r.ratio:,.0f}x" if r.ratio >= 10 else f"{r.ratio:.1f}x", r.note)
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(line.rstrip() for line in lines)
