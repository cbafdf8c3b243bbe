"""The command line on a big estate: `list vnets|vms|peerings --json` and `conflicts --json`
against a plain sequential SDK loop, the requests `peer A B` sends, and how `conflicts`
grows from 25k to 50k VNets (issue 12, items 3, 6 and 8).

Each command runs in this process through `tui.cli.main`, exactly as the console script
runs it (its output goes to a file), against a generated sandbox estate whose every request
waits the fault profile's latency. Wall time is what these rows compare: most of a
command's time on a real tenant is waiting for ARM. Requests are counted by the sandbox's
request log.

The baseline is the script a person would write with the SDK: list the subscriptions, then
for each subscription in turn list its VNets, NICs, VMs, NSGs and route tables through the
typed pagers (following every page), then print the asked kind with `json.dumps(indent=2)`
(for `conflicts`: the same overlap sweep over those VNets).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.counting import SentRequests, counting_requests
from bench.framework import Row, measure_wall

SIZE = (50, 10_000)  # (subscriptions, VNets), as issue 12 measured main
LATENCY_MS = 50
LINEAR = (25_000, 50_000)  # VNets for the conflicts growth row (CPU, no latency)
SPEED_TARGET = 10.0  # times faster than the baseline
PEER_TARGET = 30  # requests
GROWTH_TARGET = 2.2  # conflicts at 50k / at 25k

LISTINGS = (("list", "vnets", "--json"), ("list", "vms", "--json"),
            ("list", "peerings", "--json"), ("conflicts", "--json"))


@dataclass
class Estate:
    path: Path
    subscriptions: int
    vnets: int


def build(directory: Path, subscriptions: int, vnets: int) -> Estate:
    from tui.sandbox.scenarios import reset

    path = directory / f"estate-{subscriptions}x{vnets}.db"
    reset(path, "estate", subscriptions=subscriptions, vnets=vnets, seed=1)
    return Estate(path, subscriptions, vnets)


@contextlib.contextmanager
def faults(latency_ms: int) -> Iterator[None]:
    """The fault profile every sandbox opened inside reads (writes settle at once)."""
    key = "VNETTUI_SANDBOX_FAULTS"
    before = os.environ.get(key)
    os.environ[key] = json.dumps({"latency_ms": latency_ms, "operation_seconds": 0})
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = before


def vnettui(path: Path, args: tuple[str, ...], out: Path) -> tuple[int, SentRequests]:
    """`vnettui --sandbox ... ARGS` in process, stdout to `out`: exit code and requests."""
    from tui.cli import main

    with counting_requests() as log, out.open("w") as sink, contextlib.redirect_stdout(sink):
        code = main(["--sandbox", "--sandbox-state", str(path), *args])
    return code, log


# The baseline: a plain sequential loop over the SDK's typed pagers.

async def _sequential_loop(path: Path, what: str, out: Path, log: Path,
                           latency_ms: int) -> Any:
    from azure.mgmt.compute.aio import ComputeManagementClient
    from azure.mgmt.network.aio import NetworkManagementClient
    from azure.mgmt.resource.subscriptions.aio import SubscriptionClient

    from tui.sandbox import SandboxCredential, SandboxTransport

    credential = SandboxCredential()
    transport = SandboxTransport(
        path, log=log, faults={"latency_ms": latency_ms, "operation_seconds": 0})
    found: dict[str, list[Any]] = {"vnets": [], "nics": [], "vms": [], "nsgs": [], "tables": []}
    async with SubscriptionClient(credential, transport=transport) as subscriptions:
        subs = [s.subscription_id async for s in subscriptions.subscriptions.list()]
    for sub in subs:
        async with NetworkManagementClient(credential, sub, transport=transport) as network, \
                ComputeManagementClient(credential, sub, transport=transport) as compute:
            for key, pager in (("vnets", network.virtual_networks.list_all()),
                               ("nics", network.network_interfaces.list_all()),
                               ("vms", compute.virtual_machines.list_all()),
                               ("nsgs", network.network_security_groups.list_all()),
                               ("tables", network.route_tables.list_all())):
                found[key].extend([item async for item in pager])
    vnets = [v.as_dict() for v in found["vnets"]]
    if what == "vnets":
        document: Any = vnets
    elif what == "vms":
        document = [v.as_dict() for v in found["vms"]]
    elif what == "peerings":
        document = [p for v in vnets for p in v.get("properties", {}).get(
            "virtualNetworkPeerings", [])]
    else:
        from tui import cidr
        from tui.azure import mappers

        index = cidr.analyse([mappers.vnet_from_json(v) for v in vnets])
        document = [{"a": o.a.id, "b": o.b.id, "ranges": [r.overlap for r in o.ranges]}
                    for o in index.overlaps]
    with out.open("w") as sink:
        sink.write(json.dumps(document, indent=2) + "\n")
    return document


def baseline(path: Path, what: str, out: Path, latency_ms: int) -> tuple[Any, SentRequests]:
    log = SentRequests(out.with_suffix(".requests.jsonl"))
    log.clear()
    document = asyncio.run(_sequential_loop(path, what, out, log.path, latency_ms))
    log.keep()
    return document, log


def _ids(what: str, document: Any) -> set[str]:
    """What a listing names, to check both sides found the same resources."""
    if what == "conflicts":
        pairs = document["overlaps"] if isinstance(document, dict) else document
        return {"|".join(sorted(str(x).lower() for x in (
            p["a"]["id"] if isinstance(p["a"], dict) else p["a"],
            p["b"]["id"] if isinstance(p["b"], dict) else p["b"]))) for p in pairs}
    return {str(item["id"]).lower() for item in document}


def listing_rows(estate: Estate, directory: Path, latency_ms: int, repeat: int
                 ) -> Iterator[Row]:
    size = f"{estate.vnets:,} VNets, {estate.subscriptions} subscriptions, {latency_ms} ms"
    ours_out, base_out = directory / "ours.json", directory / "baseline.json"
    # Warm: imports on both sides, and the sandbox file in the page cache.
    vnettui(estate.path, ("list", "subscriptions"), ours_out)
    baseline(estate.path, "vms", base_out, 0)
    for args in LISTINGS:
        what = args[1] if args[0] == "list" else "conflicts"
        with faults(latency_ms):
            wall, cpu, (code, log) = measure_wall(
                lambda a=args: vnettui(estate.path, a, ours_out), repeat=repeat)
        assert code in (0, 1), f"vnettui {' '.join(args)} exited {code}"
        ours = json.loads(ours_out.read_text())
        base_wall, base_cpu, (document, base_log) = measure_wall(
            lambda w=what: baseline(estate.path, w, base_out, latency_ms), repeat=1)
        if _ids(what, ours) != _ids(what, document):
            raise AssertionError(f"{' '.join(args)}: ours and the baseline differ")
        ratio = base_wall / wall
        yield Row(
            "commands", f"{' '.join(args)} ({size})", wall, base_wall,
            "sequential SDK loop", unit="s",
            note=(f"wall; CPU {cpu:.1f} s vs {base_cpu:.1f} s; "
                  f"{len(log)} vs {len(base_log)} requests"),
            target=f">= {SPEED_TARGET:.0f}x", met=ratio >= SPEED_TARGET)


def peer_rows(estate: Estate, directory: Path) -> Iterator[Row]:
    """Requests of `peer A B` (one VNet by subscription/rg/name, one by id; two hubs in two
    subscriptions) against main's way: the whole inventory, then the same writes."""
    copy = directory / "peer.db"
    sub2 = f"e57a7e00-0000-4000-8000-000001{min(1, estate.subscriptions - 1):06d}"
    remote = (f"/subscriptions/{sub2}/resourceGroups/rg-estate-000/providers/"
              "Microsoft.Network/virtualNetworks/vnet-00001")
    runs = {}
    with faults(0):
        for label, args in (("by path and id", ("Estate 01/rg-estate-000/vnet-00000", remote)),
                            ("by bare names", ("vnet-00000", "vnet-00001"))):
            shutil.copyfile(estate.path, copy)
            code, log = vnettui(copy, ("peer", *args), directory / "peer.txt")
            assert code == 0, (directory / "peer.txt").read_text()
            runs[label] = log
        full = _full_inventory_requests(estate.path)
    copy.unlink()
    for label, log in runs.items():
        # Main read the whole inventory, then sent what we send from the first write on.
        first_write = next(n for n, (method, _) in enumerate(log.sent) if method != "GET")
        main_way = full + len(log) - first_write
        targeted = label == "by path and id"
        yield Row(
            "commands", f"peer A B, {label} ({estate.vnets:,} VNets)", len(log), main_way,
            "whole inventory + writes", unit="requests",
            note=", ".join(f"{n} {k}" for k, n in sorted(log.by_kind().items())),
            target=f"<= {PEER_TARGET}" if targeted else "",
            met=len(log) <= PEER_TARGET if targeted else None)


def _full_inventory_requests(path: Path) -> int:
    """Requests of the explorer's full load (what every command sent before issue 12)."""
    from tui.azure import open_backend
    from tui.settings import Settings

    async def load() -> None:
        async with open_backend(Settings(sandbox=True, sandbox_state=path)) as backend:
            await backend.load_inventory()

    with counting_requests() as log:
        asyncio.run(load())
    return len(log)


def growth_rows(directory: Path, sizes: tuple[int, int], subscriptions: int, repeat: int
                ) -> Iterator[Row]:
    """`conflicts --json` CPU time at two sizes: linear in VNets plus overlaps."""
    from bench.framework import measure

    times = []
    with faults(0):
        for vnets in sizes:
            estate = build(directory, subscriptions, vnets)
            seconds, (code, _) = measure(
                lambda e=estate: vnettui(e.path, ("conflicts", "--json"),
                                         directory / "conflicts.json"), repeat=repeat)
            assert code in (0, 1)
            pairs = len(json.loads((directory / "conflicts.json").read_text())["overlaps"])
            times.append((seconds, pairs))
            estate.path.unlink()
    (t_small, p_small), (t_large, p_large) = times
    growth = t_large / t_small
    yield Row("commands", f"conflicts --json, {sizes[0]:,} -> {sizes[1]:,} VNets", t_large,
              t_small, f"same at {sizes[0]:,}", growth=True,
              note=f"CPU, no latency; {p_small:,} -> {p_large:,} overlapping pairs",
              target=f"<= {GROWTH_TARGET}x growth", met=growth <= GROWTH_TARGET)


def _size_from_env() -> tuple[int, int]:
    """`VNETTUI_BENCH_SIZE=SUBSxVNETS` (e.g. 10x2000) measures a smaller estate."""
    text = os.environ.get("VNETTUI_BENCH_SIZE", "")
    if not text:
        return SIZE
    subs, vnets = text.lower().split("x")
    return int(subs), int(vnets)


def run(size: tuple[int, int] | None = None, linear: tuple[int, int] = LINEAR,
        latency_ms: int = LATENCY_MS, repeat: int = 3) -> Iterator[Row]:
    subscriptions, vnets = size or _size_from_env()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        estate = build(directory, subscriptions, vnets)
        yield from listing_rows(estate, directory, latency_ms, repeat)
        yield from peer_rows(estate, directory)
        estate.path.unlink()
        yield from growth_rows(directory, linear, subscriptions, repeat)
