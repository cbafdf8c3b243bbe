"""Judging a run: the four columns of the table and the invariants behind them.

- completed: the command did its job (exit 0, or 1 for a negative verdict);
- state consistent: the sandbox holds what the command's last "Now ..." line says, a write
  that printed no such line changed nothing, and exit 0 means its goal holds (both links
  Connected after `peer`, none left after `unpeer --both`, both in sync after `sync`);
- message clear: no traceback; a failure says on stderr, in a line of its own, what the
  problem is, with its code in parentheses as every vnettui error carries one.

Besides the columns, each cell records the invariants `make test` asserts: a traceback,
a half peering nobody announced, a write sent under `--read-only`, a refusal missing from
the audit log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability.matrix import Command
from bench.reliability.sandbox_state import Links, between

_CLAUSE = re.compile(
    r"^(?P<vnet>\S+) has (?:no link to (?P<none>\S+)|(?P<link>\S+) -> (?P<remote>\S+) "
    r"\((?P<state>\w+)\))$"
)
_CODE = re.compile(r"\(([A-Z][A-Za-z]+)\)\.?$")
_TRACE = ("Traceback (most recent call last)", 'File "/')
# Codes of the refusals a write command writes to the audit log (tui.commands.peer_cmd).
REFUSAL_CODES = frozenset({"ReadOnly", "ReadOnlySubscription", "PreflightFailed",
                           "PeeringIncomplete", "SubscriptionUnreadable"})
WRITE_METHODS = frozenset({"PUT", "DELETE", "PATCH"})
MAX_LINE = 600  # a line longer than this is a dump, not a message


@dataclass
class Run:
    """One process of a cell, as it ended."""

    argv: tuple[str, ...]
    code: int | None  # None: it did not end by itself (killed by the suite)
    stdout: str
    stderr: str
    seconds: float

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    def last_claim(self) -> list[Clause] | None:
        """The last "Now ..." line (stderr first: a failure's outcome goes there) as
        (vnet, remote, link or None, state or None) clauses; None when there is none."""
        for stream in (self.stderr, self.stdout):
            for line in reversed(stream.splitlines()):
                if line.startswith("Now ") and line.endswith("."):
                    return _clauses(line[4:-1])
        return None


Clause = tuple[str, str, str | None, str | None]  # vnet, remote, link or None, state


def _clauses(text: str) -> list[Clause] | None:
    out: list[Clause] = []
    for part in text.split("; "):
        match = _CLAUSE.match(part)
        if match is None:
            return None
        if match["none"]:
            out.append((match["vnet"], match["none"], None, None))
        else:
            out.append((match["vnet"], match["remote"], match["link"], match["state"]))
    return out


def claim_holds(run: Run, links: Links) -> bool | None:
    """Whether the sandbox holds what the run's last "Now" line says (None: no line)."""
    claim = run.last_claim()
    if claim is None:
        return None
    for vnet, remote, link, state in claim:
        found = [(x.name, x.state) for x in between(links, vnet, remote)]
        if found != ([] if link is None else [(link, state)]):
            return False
    return True


def goal_holds(command: Command, links: Links) -> bool:
    """What exit 0 promises about the pair."""
    assert command.pair is not None
    a, b = command.pair
    there, back = between(links, a, b), between(links, b, a)
    if command.goal == "peered":
        return [x.state for x in there + back] == ["Connected", "Connected"]
    if command.goal == "unpeered":
        return not there and not back
    return len(there) == len(back) == 1 and all(
        x.sync == "FullyInSync" for x in there + back)


def has_traceback(run: Run) -> bool:
    return any(marker in run.text for marker in _TRACE)


def _names_a_problem(line: str) -> bool:
    """vnettui's error line (`vnettui: ...`) or an outcome line with its code."""
    return line.startswith("vnettui: ") or _CODE.search(line) is not None


def message_clear(run: Run, command: Command) -> bool:
    """No traceback; a failure names its problem on stderr in a line of its own."""
    if has_traceback(run) or any(len(line) > MAX_LINE for line in run.text.splitlines()):
        return False
    if run.code in command.success:
        return True
    return any(_names_a_problem(line) for line in run.stderr.splitlines())


def problem_line(run: Run) -> str:
    """The line that names the problem, else the last on stderr."""
    lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
    named = [line for line in lines if _names_a_problem(line)]
    return (named or lines or [""])[0]


def codes(run: Run) -> set[str]:
    return {m.group(1) for line in run.stderr.splitlines() if (m := _CODE.search(line))}


def writes_sent(log: Path) -> int:
    """PUT/DELETE/PATCH requests the sandbox answered (its request log)."""
    if not log.is_file():
        return 0
    count = 0
    for line in log.read_text().splitlines():
        try:
            count += json.loads(line)["method"] in WRITE_METHODS
        except (ValueError, KeyError):
            continue
    return count


def refusals_audited(audit: Path) -> int:
    """Entries with result "refused" in the cell's audit log."""
    if not audit.is_file():
        return 0
    count = 0
    for line in audit.read_text().splitlines():
        try:
            count += json.loads(line).get("result") == "refused"
        except ValueError:
            continue
    return count


@dataclass
class Cell:
    """One line of the table, with the invariants it was checked for."""

    scenario: str
    command: str
    completed: bool
    exit: str  # "0", "3", or "0, 2" for two racers, "-9 -> 0" for a kill and a re-run
    consistent: bool
    clear: bool
    seconds: float
    note: str = ""
    tracebacks: int = 0
    silent_half: bool = False
    wrote_read_only: bool = False
    unaudited_refusals: int = 0
    problems: list[str] = field(default_factory=list)  # why a column says no
