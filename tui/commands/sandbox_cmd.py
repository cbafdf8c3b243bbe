"""`vnettui sandbox reset`: start the sandbox cloud over from a scenario."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tui.errors import InputError
from tui.settings import Settings

SCENARIOS = ("az303", "showcase", "estate")

# What an estate may be: big enough for any benchmark, small enough to build in under a
# minute (20,000 VNets take about 10 s and 150 MB); the seed is part of subscription ids.
LIMITS = {"subscriptions": (1, 1_000), "vnets": (1, 50_000), "seed": (0, 999_999)}


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
    reset.add_argument("--seed", type=_within("seed"), metavar="S",
                       help="estate: random seed, 0-999,999 (default 1)")
    reset.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tui.sandbox.scenarios import reset

    params = {
        key: getattr(args, key)
        for key in ("subscriptions", "vnets", "seed")
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
    except (OSError, ValueError) as error:
        raise InputError(f"cannot reset the sandbox at {path}: {error}") from None
    print(f"Sandbox reset to scenario {summary.scenario!r} at {path}")
    print(f"  subscriptions: {', '.join(summary.subscriptions)}")
    print(f"  {summary.vnets} VNets, {summary.vms} VMs, {summary.peerings} peerings")
    for note in summary.notes:
        print(f"  - {note}")
    return 0
