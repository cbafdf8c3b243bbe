"""Running a cell: a fresh sandbox file in a directory of its own, the real console script
in a subprocess (two for a race, a SIGKILL and a second run for a kill), then the verdict.

Each cell has its own XDG dirs, so its audit log and request log hold only its own runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.reliability import sandbox_state as state
from bench.reliability.matrix import KILL_POINTS, Command, Scenario
from bench.reliability.verdict import (
    REFUSAL_CODES,
    Cell,
    Run,
    claim_holds,
    codes,
    goal_holds,
    has_traceback,
    message_clear,
    problem_line,
    refusals_audited,
    writes_sent,
)

SCENARIO = "showcase"
RUN_TIMEOUT = 120.0  # a run still going after this is a hang, and a finding


def console_script() -> list[str]:
    """The installed `vnettui` next to this interpreter (as a person runs it)."""
    script = Path(sys.executable).parent / "vnettui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]


@dataclass
class Workspace:
    """One cell's directory: its sandbox file, XDG dirs, request log and audit log."""

    root: Path

    @property
    def sandbox(self) -> Path:
        return self.root / "sandbox.db"

    @property
    def log(self) -> Path:
        return self.root / "requests.jsonl"

    @property
    def audit(self) -> Path:
        return self.root / "state" / "vnettui" / "audit.jsonl"

    @property
    def app_log(self) -> Path:
        return self.root / "state" / "vnettui" / "vnettui.log"

    def env(self, profile: Mapping[str, Any]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("VNETTUI_", "AZURE_", "MSI_", "IDENTITY_"))}
        env.update({
            "XDG_STATE_HOME": str(self.root / "state"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "VNETTUI_SANDBOX_FAULTS": json.dumps({"operation_seconds": 0, **profile}),
            "VNETTUI_SANDBOX_LOG": str(self.log),
        })
        return env

    def launch(self, command: Command, profile: Mapping[str, Any],
               *flags: str) -> tuple[subprocess.Popen[str], float]:
        argv = [*console_script(), "--sandbox", "--sandbox-state", str(self.sandbox), *flags,
                *command.argv]
        process = subprocess.Popen(argv, env=self.env(profile), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return process, time.monotonic()

    def run(self, command: Command, profile: Mapping[str, Any], *flags: str) -> Run:
        return finish(*self.launch(command, profile, *flags), command)


def finish(process: subprocess.Popen[str], started: float, command: Command) -> Run:
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        code, err = None, err + f"\n(the suite stopped it after {RUN_TIMEOUT:g} s)"
    return Run(command.argv, code, out, err, time.monotonic() - started)


def _answered(log: Path, method: str, part: str) -> int:
    if not log.is_file():
        return 0
    count = 0
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line being written right now
        count += entry["method"] == method and part in entry["path"] and (
            0 < entry["status"] < 400)
    return count


def kill_at(workspace: Workspace, command: Command, profile: Mapping[str, Any],
            point: int) -> tuple[Run, bool]:
    """Run `command`, SIGKILL it once the request log shows the kill point's request
    answered; whether the point was reached before the command ended by itself."""
    _, method, part, count = KILL_POINTS[point]
    process, started = workspace.launch(command, profile)
    deadline = started + RUN_TIMEOUT
    reached = False
    while process.poll() is None and time.monotonic() < deadline:
        if _answered(workspace.log, method, part) >= count:
            process.send_signal(signal.SIGKILL)
            reached = True
            break
        time.sleep(0.005)  # polling the log: the run's own pace is the latency
    run = finish(process, started, command)
    if reached:
        run.code = None
    return run, reached


# --- judging -----------------------------------------------------------------------------

def audit_problems(runs: Iterable[Run], workspace: Workspace, command: Command) -> int:
    refused = sum(1 for run in runs if command.writes and codes(run) & REFUSAL_CODES)
    return max(0, refused - refusals_audited(workspace.audit))


def state_problems(command: Command, runs: list[Run], before: state.Links,
                    after: state.Links) -> tuple[list[str], bool]:
    """Why the state is not what the runs said, and whether a half peering went unsaid."""
    problems: list[str] = []
    if not command.writes:
        if after != before:
            problems.append("a read changed the cloud")
        return problems, False
    assert command.pair is not None
    claims = [claim_holds(run, after) for run in runs]
    if any(c is False for c in claims):
        problems.append("the cloud differs from the last 'Now' line")
    if all(c is None for c in claims) and after != before:
        problems.append("the cloud changed and nothing said so")
    for run in runs:
        if run.code == 0 and not goal_holds(command, after):
            problems.append(f"exit 0 but not {command.goal}")
    silent = (state.is_half(after, command.pair) and not state.is_half(before, command.pair)
              and not any(c is True for c in claims))
    if silent:
        problems.append("a half peering nobody announced")
    return problems, silent


def _cell(scenario: Scenario, command: Command, runs: list[Run], workspace: Workspace, *,
          completed: bool, exit_text: str, consistency: list[str], silent: bool,
          note: str, extra_problems: Iterable[str] = ()) -> Cell:
    clear = all(message_clear(run, command) for run in runs)
    tracebacks = sum(has_traceback(run) for run in runs)
    if workspace.app_log.is_file() and "Traceback" in workspace.app_log.read_text(
            errors="replace"):
        tracebacks += 1
        clear = False
    problems = [*consistency, *extra_problems]
    if not clear:
        problems.append("message unclear: " + " | ".join(problem_line(r)[:120] for r in runs))
    note = note.replace(f"{workspace.root}/", "")  # the cell's temporary directory
    return Cell(
        scenario.key, command.key, completed, exit_text, not consistency, clear,
        sum(r.seconds for r in runs), note, tracebacks, silent,
        scenario.kind == "read-only" and writes_sent(workspace.log) > 0,
        audit_problems(runs, workspace, command), problems,
    )


def _exit(code: int | None) -> str:
    return "hung" if code is None else str(code)


def run_cell(scenario: Scenario, command: Command, root: Path) -> Cell:
    """Set up, run and judge one cell in the directory `root`."""
    from tui.sandbox.scenarios import reset

    workspace = Workspace(root)
    profile = scenario.profiles[command.key]
    if scenario.kind in ("corrupt", "foreign"):
        (state.corrupt if scenario.kind == "corrupt" else state.foreign)(workspace.sandbox)
        before_bytes = state.digest(workspace.sandbox)
        run = workspace.run(command, profile)
        untouched = state.digest(workspace.sandbox) == before_bytes
        return _cell(scenario, command, [run], workspace,
                     completed=run.code in command.success, exit_text=_exit(run.code),
                     consistency=[] if untouched else ["the broken file was changed"],
                     silent=False, note=problem_line(run))
    reset(workspace.sandbox, SCENARIO)
    before = state.read_links(workspace.sandbox)
    if scenario.kind == "kill":
        return _kill_cell(scenario, command, workspace, profile)
    if scenario.kind == "race":
        first, second = workspace.launch(command, profile), workspace.launch(command, profile)
        runs = [finish(*first, command), finish(*second, command)]
    elif scenario.kind == "lock":
        with state.locked(workspace.sandbox, scenario.hold_seconds):
            runs = [workspace.run(command, profile)]
    else:
        flags = ("--read-only",) if scenario.kind == "read-only" else ()
        runs = [workspace.run(command, profile, *flags)]
    after = state.read_links(workspace.sandbox)
    consistency, silent = state_problems(command, runs, before, after)
    if scenario.kind == "race":
        completed = goal_holds(command, after) and any(r.code == 0 for r in runs)
        note = "; ".join(f"{_exit(r.code)}: {problem_line(r) or _last(r)}" for r in runs)
    else:
        completed = runs[0].code in command.success
        note = problem_line(runs[0]) if not completed else _last(runs[0])
    extra = []
    if scenario.kind == "read-only" and command.writes and runs[0].code != 2:
        extra.append("a write under --read-only was not refused")
    return _cell(scenario, command, runs, workspace, completed=completed,
                 exit_text=", ".join(_exit(r.code) for r in runs), consistency=consistency,
                 silent=silent, note=note, extra_problems=extra)


def _kill_cell(scenario: Scenario, command: Command, workspace: Workspace,
               profile: Mapping[str, Any]) -> Cell:
    """kill -9 at the point, then the same command again with no fault: recovered when the
    pair ends peered, consistent when the second run says what the cloud then holds."""
    killed, reached = kill_at(workspace, command, profile, scenario.kill_point)
    assert command.pair is not None
    left = state.read_links(workspace.sandbox)
    again = workspace.run(command, {})
    after = state.read_links(workspace.sandbox)
    consistency, silent = state_problems(command, [again], left, after)
    extra = [] if reached else [f"ended (exit {killed.code}) before the kill point"]
    again.seconds += killed.seconds  # the row's time: both runs
    return _cell(
        scenario, command, [again], workspace, completed=goal_holds(command, after),
        exit_text=f"-9 → {_exit(again.code)}", consistency=consistency, silent=silent,
        note=f"left {state.describe(left, command.pair)}; again: "
             f"{problem_line(again) or _last(again)}",
        extra_problems=extra)


def _last(run: Run) -> str:
    """The run's last word on stdout (for a listing, how many rows it printed)."""
    lines = [line.strip() for line in run.stdout.splitlines() if line.strip()]
    if run.argv[:1] == ("list",):
        return f"{max(0, len(lines) - 1)} rows"
    return lines[-1] if lines else ""


def run_all(cells: list[tuple[Scenario, Command]], *, jobs: int = 2,
            done: Callable[[Cell], None] | None = None) -> list[Cell]:
    """Every cell, `jobs` at a time, each in a temporary directory; results in order."""
    with tempfile.TemporaryDirectory(prefix="vnettui-faults-") as tmp:
        def one(index: int) -> Cell:
            scenario, command = cells[index]
            root = Path(tmp) / f"cell{index:03d}"
            root.mkdir()
            cell = run_cell(scenario, command, root)
            if done is not None:
                done(cell)
            return cell

        # The long cells (a kill and its second run, two racers, waits) start first, so
        # none is left running alone at the end; the table keeps the cells' order.
        first = sorted(range(len(cells)), key=lambda i: _LONG_FIRST.get(cells[i][0].kind, 9))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {i: pool.submit(one, i) for i in first}
            return [futures[i].result() for i in range(len(cells))]


_LONG_FIRST = {"kill": 0, "race": 1, "lock": 2}
