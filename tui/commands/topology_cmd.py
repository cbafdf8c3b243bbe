"""`vnettui topology [VNET] --format text|mermaid|dot|json`: the peering graph, printed.

With a VNet, its connected component (every VNet reachable over links, any state, across
subscriptions); without, every VNet that has a link. `text` is what the topology screen
draws (hubs boxed, spokes under them, the other links apart), at the terminal's width or
`--width`; `mermaid` renders on GitHub; `dot` is for Graphviz; `json` has camelCase keys.
Exit 0, 2 for a VNet that names nothing, 3 when a subscription could not be read (the rest
is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from typing import Any

from tui.commands.list_cmd import peering_json, report_errors
from tui.errors import InputError
from tui.resolve import find_vnet
from tui.settings import Settings
from tui.topology import (
    Topology,
    Tree,
    build_topology,
    draw,
    health,
    link_notes,
    plan_tree,
    to_dot,
    to_mermaid,
)

FORMATS = ("text", "mermaid", "dot", "json")
EXIT_OK, EXIT_PARTIAL = 0, 3
PIPE_WIDTH = 120  # text width when stdout is not a terminal


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "topology", parents=parents, help="print the peering graph (text, mermaid, dot, json)",
        description="Print a VNet's connected component (or every peered VNet) as hubs with "
                    "their spokes, each link marked by state.")
    p.add_argument("vnet", metavar="VNET", nargs="?",
                   help="name, rg/name, sub/rg/name or id (default: every peered VNet)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("--width", type=_width, metavar="N",
                   help=f"text width (default: the terminal's, {PIPE_WIDTH} when piped)")
    p.set_defaults(handler=run)


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 40 <= value <= 1000:
        raise argparse.ArgumentTypeError("give a width from 40 to 1000")
    return value


def topology_json(topology: Topology, tree: Tree) -> dict[str, Any]:
    """The graph for scripts: VNets (with their place in the drawing), links with both
    sides as `list peerings --json` prints them, and the components."""
    nodes = topology.nodes
    vnets = []
    for key, node in nodes.items():
        vnet = node.vnet
        parent = tree.parent.get(key)
        vnets.append({
            "id": node.id,
            "name": node.name,
            "resourceGroup": node.resource_group,
            "subscriptionId": node.id.subscription_id,
            "subscriptionName": node.subscription,
            "location": vnet.location if vnet else None,
            "addressPrefixes": list(node.prefixes),
            "hasGateway": node.has_gateway,
            "loaded": node.loaded,
            "hub": key in tree.hubs,
            "parentId": nodes[parent].id if parent else None,
            "overlaps": [{"vnet": other, "overlap": span} for other, span in node.overlaps],
        })
    links = []
    for edge in topology.edges.values():
        near, far = nodes[edge.a], nodes[edge.b]
        links.append({
            "a": near.id,
            "b": far.id,
            "health": health(edge).name.lower(),
            "notes": [text for text, _ in link_notes(edge, near, far)],
            "aToB": peering_json(edge.ab) if edge.ab else None,
            "bToA": peering_json(edge.ba) if edge.ba else None,
        })
    return {
        "root": nodes[topology.root].id if topology.root in nodes else None,
        "vnets": vnets,
        "links": links,
        "components": [[nodes[k].id for k in c] for c in topology.components],
    }


def render(topology: Topology, fmt: str, width: int) -> str:
    tree = plan_tree(topology)
    if fmt == "mermaid":
        return to_mermaid(topology, tree)
    if fmt == "dot":
        return to_dot(topology, tree)
    if fmt == "json":
        return json.dumps(topology_json(topology, tree), indent=2)
    if not topology.nodes:
        return "No peerings."
    return draw(topology, width=width, tree=tree).text()


async def _topology(args: argparse.Namespace, settings: Settings) -> int:
    from tui.azure import open_backend

    async with open_backend(settings) as backend:
        inventory = await backend.load_inventory()
    vnet_id = find_vnet(inventory, args.vnet).id if args.vnet else None
    width = args.width or (shutil.get_terminal_size((PIPE_WIDTH, 24)).columns
                           if sys.stdout.isatty() else PIPE_WIDTH)
    print(render(build_topology(inventory, vnet_id), args.format, width))
    sys.stdout.flush()
    report_errors(inventory, inventory.errors)
    return EXIT_PARTIAL if inventory.errors else EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.vnet is not None and not args.vnet.strip():
        raise InputError("Name a VNet, or leave VNET out for every peered VNet.")
    return asyncio.run(_topology(args, settings))
