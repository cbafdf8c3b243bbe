"""`vnettui check SOURCE_VM DEST_VM`: can one VM reach another on a port, and if not, why.

Loads the inventory once, resolves both ends by name, and prints the verdict of `tui.reach`
step by step (or as JSON). Exit 0 reachable, 1 not reachable or unknown, 2 bad input,
3 cloud error; a partial load (some subscriptions unreadable) prints the verdict, names the
failures on stderr and exits 3, because what could not be read may change the answer.

`--probe` also asks Network Watcher's connectivity check (real probes from the source VM)
and prints its answer after ours. The exit code stays ours: the probe is a second opinion
that needs an agent on the VM and can fail for reasons unrelated to the path, so a script
gets the same answer with or without it; a disagreement is said in a line.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import sys
from typing import Any

from tui import probe
from tui.commands import json_output
from tui.errors import VnettuiError
from tui.model import Inventory, VirtualMachine
from tui.probe import ProbeResult
from tui.reach import RuleMatch, Step, StepStatus, Verdict, check
from tui.settings import Settings

EXIT_REACHABLE, EXIT_NOT_REACHABLE, EXIT_CLOUD = 0, 1, 3
MARKS = {StepStatus.OK: "✓", StepStatus.FAIL: "✗", StepStatus.INFO: "·",
         StepStatus.UNKNOWN: "?"}


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535: {text!r}")
    return value


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "check", parents=parents,
        help="can one VM reach another on a port, and if not, why",
        description="Answer from the loaded inventory whether SOURCE_VM can reach DEST_VM: "
                    "VMs running, peering both ways, routes, NSG rules. Exit 0 reachable, "
                    "1 not reachable (or unknown), 2 bad input, 3 cloud error.",
    )
    p.add_argument("source", metavar="SOURCE_VM",
                   help="name, rg/name, subscription/rg/name or resource id")
    p.add_argument("destination", metavar="DEST_VM",
                   help="a VM (as SOURCE_VM) or a private IP address")
    p.add_argument("--port", type=_port, default=80, help="destination port (default 80)")
    p.add_argument("--protocol", type=str.lower, choices=("tcp", "udp", "any"), default="tcp",
                   help="tcp (default), udp, or any: reachable by TCP or UDP")
    json_output.add_arguments(p, "print the verdict as JSON")
    p.add_argument("--probe", action="store_true",
                   help="also run Network Watcher's connectivity check (needs its agent on "
                        "the source VM) and print its answer after ours; the exit code "
                        "stays ours")
    p.set_defaults(handler=run)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


Probe = ProbeResult | VnettuiError | None


async def _answer(
    args: argparse.Namespace, settings: Settings
) -> tuple[Inventory, Verdict, Probe]:
    """Load, resolve, decide; then probe with the same backend when asked."""
    from tui.azure import open_backend  # the SDK stays off the path of `vnettui --help`
    from tui.resolve import find_vm

    async with open_backend(settings) as backend:
        inventory = await backend.load_inventory()
        source = find_vm(inventory, args.source)
        destination: VirtualMachine | str = (
            args.destination.strip() if _is_ip(args.destination)
            else find_vm(inventory, args.destination)
        )
        verdict = check(inventory, source, destination, args.port, args.protocol)
        result: Probe = None
        if args.probe:
            target = destination.id if isinstance(destination, VirtualMachine) else destination
            try:
                result = await backend.probe_connectivity(
                    source.id, target, args.port, args.protocol, location=source.location
                )
            except VnettuiError as error:  # the probe failing leaves our verdict standing
                result = error
        return inventory, verdict, result


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.probe:
        from tui.azure.watcher import probe_protocol

        probe_protocol(args.protocol)  # UDP cannot be probed: say so before loading
    inventory, verdict, result = asyncio.run(_answer(args, settings))
    if json_output.wanted(args):
        document = verdict_json(verdict)
        if args.probe:
            document["probe"] = probe_document(verdict, result)
        json_output.write(document, pretty=args.pretty)
    else:
        print(render(verdict))
        if args.probe:
            print(render_probe(verdict, result))
    for error in inventory.errors:
        print(f"vnettui: subscription {error.subscription_id} could not be read: "
              f"{error.message} ({error.code})", file=sys.stderr)
    if inventory.errors:
        return EXIT_CLOUD
    return EXIT_REACHABLE if verdict.reachable else EXIT_NOT_REACHABLE


def render_probe(verdict: Verdict, result: Probe) -> str:
    """Network Watcher's answer after ours, and whether the two agree."""
    if result is None:
        return ""
    if isinstance(result, VnettuiError):
        return f"Network Watcher could not probe: {result}"
    return "\n".join(
        [*probe.lines(result), probe.agreement(verdict.reachable, verdict.conclusive, result)]
    )


def probe_document(verdict: Verdict, result: Probe) -> dict[str, Any] | None:
    """The `probe` key of `--json`: the result and `agrees`, or the error."""
    if result is None:
        return None
    if isinstance(result, VnettuiError):
        return {"error": {"code": result.code or None, "message": result.message}}
    document = probe.probe_json(result)
    document["agrees"] = (
        None if result.reachable is None or not verdict.conclusive
        else not probe.disagrees(verdict.reachable, verdict.conclusive, result)
    )
    document["comparison"] = probe.agreement(verdict.reachable, verdict.conclusive, result)
    return document


def render(verdict: Verdict) -> str:
    """The verdict for a terminal: the question and answer, then one line per step."""
    lines = [f"{verdict.question}  {verdict.answer}"]
    for step in verdict.steps:
        lines.append(f"  {MARKS[step.status]} {step.text}")
        if step.status in (StepStatus.FAIL, StepStatus.UNKNOWN) and step.fix:
            lines.append(f"    → {step.fix}")
    rule = verdict.deciding_rule
    if rule is not None:
        lines.append(f"  deciding rule: {_describe_rule(rule)}")
    elif verdict.reachable:
        lines.append("  deciding rule: none, no NSG on the path")
    return "\n".join(lines)


def _describe_rule(rule: RuleMatch) -> str:
    default = " (default rule)" if rule.is_default else ""
    return (f"{rule.rule_name}, priority {rule.priority}, {rule.access} {rule.direction.lower()}"
            f"{default}, in NSG {rule.nsg_name} on the {rule.level.value}")


def _rule_json(rule: RuleMatch | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "name": rule.rule_name, "priority": rule.priority, "access": rule.access,
        "direction": rule.direction.value, "nsgId": str(rule.nsg_id), "nsgName": rule.nsg_name,
        "level": rule.level.value, "isDefault": rule.is_default, "implicit": rule.implicit,
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "status": step.status.value, "text": step.text,
        "resourceId": str(step.resource_id) if step.resource_id else None,
        "hint": step.hint or None, "command": step.command or None, "fix": step.fix or None,
        "rule": _rule_json(step.rule),
    }


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """The verdict with ARM-style camelCase keys."""
    return {
        "question": verdict.question, "answer": verdict.answer,
        "reachable": verdict.reachable, "conclusive": verdict.conclusive,
        "source": verdict.source, "destination": verdict.destination,
        "destinationIp": verdict.destination_ip, "port": verdict.port,
        "protocol": verdict.protocol, "decidingRule": _rule_json(verdict.deciding_rule),
        "steps": [_step_json(s) for s in verdict.steps],
    }
