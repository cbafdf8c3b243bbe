"""`vnettui sandbox reset`: start the sandbox cloud over from a scenario."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
from collections.abc import Callable
from typing import Any

from tui.errors import InputError
from tui.settings import Settings

SCENARIOS = ("az303", "showcase", "estate")

# What an estate may be: big enough for any benchmark, small enough to build in under a
# minute (20,000 VNets take about 10 s and 150 MB); the seed is part of subscription ids.
LIMITS = {"subscriptions": (1, 1_000), "vnets": (1, 50_000), "vms": (0, 100_000),
          "seed": (0, 999_999)}


def _within(name: str) -> Callable[[str], int]:
    low, high = LIMITS[name]

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low:,}-{high:,}, not {value:,}")
        return value

    return parse


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("sandbox", parents=parents, help="manage the sandbox cloud")
    actions = p.add_subparsers(dest="sandbox_action", metavar="ACTION", required=True)
    reset = actions.add_parser("reset", parents=parents,
                               help="replace the sandbox with a fresh scenario")
    reset.add_argument("--scenario", choices=SCENARIOS, default="showcase",
                       help="what to build (default: showcase)")
    reset.add_argument("--subscriptions", type=_within("subscriptions"), metavar="N",
                       help="estate: number of subscriptions, 1-1,000 (default 3)")
    reset.add_argument("--vnets", type=_within("vnets"), metavar="N",
                       help="estate: number of VNets, 1-50,000 (default 2000)")
    reset.add_argument("--vms", type=_within("vms"), metavar="N",
                       help="estate: number of VMs, 0-100,000 (default: one in every "
                            "fourth VNet)")
    reset.add_argument("--seed", type=_within("seed"), metavar="S",
                       help="estate: random seed, 0-999,999 (default 1)")
    reset.set_defaults(handler=run)
    stats = actions.add_parser("stats", parents=parents,
                               help="count the requests in the sandbox's request log")
    stats.add_argument("--log", metavar="PATH",
                       help="the request log (default: $VNETTUI_SANDBOX_LOG)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=run_stats)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tui.sandbox.scenarios import reset

    params = {
        key: getattr(args, key)
        for key in ("subscriptions", "vnets", "vms", "seed")
        if getattr(args, key, None) is not None
    }
    if params and args.scenario != "estate":
        raise InputError(
            f"--{', --'.join(params)} only apply to --scenario estate, not {args.scenario}"
        )
    if params.get("subscriptions", 0) > params.get("vnets", LIMITS["vnets"][1]):
        raise InputError(f"--subscriptions {params['subscriptions']} is more than --vnets "
                         f"{params['vnets']}: every subscription needs at least one VNet")
    path = settings.sandbox_path()
    try:
        summary = reset(path, args.scenario, **params)
    except (OSError, ValueError, sqlite3.Error) as error:
        raise InputError(f"cannot reset the sandbox at {path}: {error}") from None
    if summary.moved_aside is not None:
        print(f"The sandbox file {path} could not be read ({summary.damage}); "
              f"moved it aside to {summary.moved_aside}")
    print(f"Sandbox reset to scenario {summary.scenario!r} at {path}")
    names = summary.subscriptions
    shown = ", ".join(names) if len(names) <= 5 else \
        f"{', '.join(names[:3])}, ... {names[-1]} ({len(names)})"
    print(f"  subscriptions: {shown}")
    print(f"  {summary.vnets} VNets, {summary.vms} VMs, {summary.peerings} peerings")
    for note in summary.notes:
        print(f"  - {note}")
    return 0


def run_stats(args: argparse.Namespace, settings: Settings) -> int:
    from tui.sandbox import requestlog

    path = args.log or os.environ.get(requestlog.ENV, "").strip()
    if not path:
        raise InputError(f"no request log: give --log PATH, or set ${requestlog.ENV} for "
                         "the commands whose requests you want counted")
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            stats = requestlog.read(lines)
    except OSError as error:
        raise InputError(f"cannot read the request log {path}: {error.strerror}") from None
    if args.json:
        print(json.dumps(stats.as_json()))
        return 0
    rate = f", {stats.per_minute:,.0f}/min" if stats.per_minute is not None else ""
    print(f"{stats.total:,} requests in {path} over {stats.seconds:,.1f} s{rate}")
    for kind, count in stats.kinds.most_common():
        print(f"  {count:>8,}  {kind}")
    statuses = ", ".join(f"{status} x{count:,}" for status, count in sorted(stats.statuses.items()))
    if statuses:
        print(f"  status: {statuses}")
    return 0
