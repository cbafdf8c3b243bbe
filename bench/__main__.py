"""`python -m bench [NAME...]`: run every `bench/bench_*.py` (or those whose name contains
one of NAME) and print one table of our times against their baselines."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.framework import Row, format_table, machine


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(word in n for word in argv)]
    if not names:
        print(f"no benchmark matches {' '.join(argv)!r}", file=sys.stderr)
        return 2
    rows: list[Row] = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            rows.append(row)
            print(f"  {row.benchmark}: {row.case} done", file=sys.stderr, flush=True)
    print(format_table(rows))
    print(f"\nBest of several runs (CPU seconds unless a row says wall); {machine()}")
    missed = [r for r in rows if r.met is False]
    for row in missed:
        print(f"target missed: {row.benchmark}: {row.case} ({row.target})", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
