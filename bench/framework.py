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
    """One case: our figure against the baseline's, measured or extrapolated.

    The figures are seconds unless `unit` says otherwise (e.g. "requests"). A row with a
    `target` says whether it was `met`; `python -m bench` fails when any row missed.
    """

    benchmark: str
    case: str
    seconds: float
    baseline_seconds: float
    baseline_how: str  # "measured" or how it was extrapolated
    note: str = ""
    unit: str = "s"
    target: str = ""  # e.g. ">= 10x", "<= 30", "<= 2.2x growth"
    met: bool | None = None  # None: no target
    growth: bool = False  # the ratio is ours / baseline (how much it grew), not a speed-up

    @property
    def ratio(self) -> float:
        """How many times faster (fewer) than the baseline: baseline / ours; with `growth`,
        how many times larger ours is: ours / baseline."""
        top, bottom = ((self.seconds, self.baseline_seconds) if self.growth
                       else (self.baseline_seconds, self.seconds))
        return top / bottom if bottom else float("inf")


def measure_wall(fn: Callable[[], T], *, repeat: int = 3) -> tuple[float, float, T]:
    """Best wall time of `repeat` runs, that run's CPU time, and a result.

    For work that waits (requests with latency), where wall time is what a person sees;
    the CPU time shows how much of it was work. The collector runs as usual: these are
    whole commands, which it is part of.
    """
    best: tuple[float, float] = (float("inf"), 0.0)
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best[0], best[1], result  # type: ignore[return-value]


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


def format_value(value: float, unit: str) -> str:
    return format_seconds(value) if unit == "s" else f"{value:,.0f} {unit}"


def format_ratio(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def format_table(rows: list[Row]) -> str:
    header = ("benchmark", "case", "ours", "baseline", "baseline is", "ratio", "target", "met",
              "note")
    cells = [
        (r.benchmark, r.case, format_value(r.seconds, r.unit),
         format_value(r.baseline_seconds, r.unit), r.baseline_how, format_ratio(r.ratio),
         r.target, {True: "yes", False: "NO", None: ""}[r.met], r.note)
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(line.rstrip() for line in lines)
