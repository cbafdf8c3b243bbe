"""`python -m bench.reliability [--size ci|full] [--jobs N] [--markdown]` (`make
reliability`): run the fault suite and print its table; exit 1 when an invariant fails."""

from __future__ import annotations

import argparse
import sys
import time

from bench.framework import machine
from bench.reliability.matrix import cells
from bench.reliability.runner import run_all
from bench.reliability.table import format_markdown, format_text, totals
from bench.reliability.verdict import Cell


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability")
    parser.add_argument("--size", choices=("ci", "full"), default="full")
    parser.add_argument("--jobs", type=int, default=3, help="cells run at once (default 3)")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument("--only", metavar="WORD", help="only scenarios containing WORD")
    args = parser.parse_args(argv)
    chosen = cells(args.size)
    if args.only:
        chosen = [(s, c) for s, c in chosen if args.only in s.key]
    started = time.monotonic()

    def progress(cell: Cell) -> None:
        mark = "ok" if not cell.problems else "; ".join(cell.problems)
        print(f"  {cell.scenario} × {cell.command}: {mark}", file=sys.stderr, flush=True)

    done = run_all(chosen, jobs=args.jobs, done=progress)
    print(format_markdown(done) if args.markdown else format_text(done))
    summary = totals(done)
    print(f"\n{summary.describe()}.")
    print(f"{time.monotonic() - started:.0f} s wall, {args.jobs} at a time; {machine()}")
    return 0 if summary.invariants_hold else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
