"""`:` command mode, k9s style: what a typed line means, and what it could become.

Pure: the screen runs what `parse` returns. Every command has aliases; a wrong line gets a
sentence saying what would be right, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# name -> (aliases, arguments, what it does)
COMMANDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "vnets": (("vnet", "vn", "2"), "", "the VNets pane"),
    "vms": (("vm", "4"), "", "the VMs pane"),
    "peerings": (("peering", "pe", "3"), "", "the selected VNet's peerings"),
    "subs": (("sub", "subscription", "subscriptions", "1"), "[NAME]",
             "narrow to a subscription (all without a name)"),
    "check": (("c",), "SOURCE_VM DESTINATION [PORT]", "can one VM reach another"),
    "peer": (("p",), "[REMOTE_VNET]", "new peering from the selected VNet"),
    "filter": (("f", "/"), "TEXT", "filter the VNets pane"),
    "conflicts": (("x", "overlaps"), "", "overlapping address spaces"),
    "topology": (("t", "topo", "network"), "", "the selected VNet's peering network"),
    "hub": (("spokes", "connect"), "", "connect spokes to the selected hub"),
    "mesh": ((), "[VNET...]", "peer VNets with each other (these, or the selected one)"),
    "address": (("addr", "space"), "", "the selected VNet's address space"),
    "syncall": (("sync-all",), "", "sync every link in view that is not in sync"),
    "disconnect": (("unhub",), "", "disconnect spokes from the selected hub"),
    "activity": (("a", "audit"), "", "every write sent or refused"),
    "refresh": (("r",), "", "re-read everything"),
    "help": (("h", "?"), "", "every key"),
    "quit": (("q", "q!", "exit"), "", "leave vnettui"),
}

ALIASES = {alias: name for name, (aliases, _, _) in COMMANDS.items() for alias in aliases}


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...] = ()


def parse(line: str) -> Command | str:
    """The command a line asks for, or a sentence saying why it is not one."""
    words = line.strip().removeprefix(":").split()
    if not words:
        return "Type a command: " + ", ".join(COMMANDS) + "."
    word = words[0].casefold()
    name = word if word in COMMANDS else ALIASES.get(word)
    if name is None:
        close = [c for c in COMMANDS if c.startswith(word[:1])]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        return f"No command {words[0]!r}.{hint} Commands: {', '.join(COMMANDS)}."
    args = tuple(words[1:])
    if name == "check":
        if len(args) not in (2, 3):
            return "check needs a source VM and a destination, then a port: check vm1 vm2 80"
        if len(args) == 3 and not (args[2].isdigit() and 1 <= int(args[2]) <= 65535):
            return f"{args[2]!r} is not a port (1 to 65535)."
    elif name == "filter" and not args:
        return "filter needs the text to look for: filter spoke"
    elif name not in ("subs", "peer", "filter", "mesh") and args:
        return f"{name} takes no arguments."
    return Command(name, args)


def complete(line: str, vnets: Sequence[str], vms: Sequence[str], subs: Sequence[str],
             ) -> str | None:
    """The line completed by its only sensible continuation (a command, a VNet, a VM or a
    subscription name), or None."""
    if not line.startswith(":") and line:
        line = ":" + line
    body = line[1:]
    words = body.split(" ")
    if len(words) == 1:
        hits = [c for c in COMMANDS if c.startswith(words[0].casefold())]
        return f":{hits[0]}" if words[0] and hits else None
    name = ALIASES.get(words[0].casefold(), words[0].casefold())
    choices = {"subs": subs, "peer": vnets, "check": vms, "filter": vnets,
               "mesh": vnets}.get(name, ())
    partial = words[-1].casefold()
    if not partial:
        return None
    hits = [c for c in choices if c.casefold().startswith(partial)]
    if not hits:
        return None
    return ":" + " ".join([*words[:-1], hits[0]])
