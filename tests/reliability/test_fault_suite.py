"""The fault suite at CI size (issue 10, item 15): one or two commands per fault scenario,
each through the real console script against its own sandbox file. `make reliability`
prints the whole table; here its invariants are asserted: no crash or traceback, no half
peering nobody announced, every final state as the command said, every message clear, no
write under `--read-only`, every refusal in the audit log."""

from __future__ import annotations

import pytest

from bench.reliability.matrix import cells
from bench.reliability.runner import run_all
from bench.reliability.table import format_text, totals

# Scenarios the product must ride out, not only report: the command does its job.
MUST_COMPLETE = ("throttle", "503", "drop", "hang", "kill -9", "racing", "locked")
MUST_REFUSE = {"--read-only": "2", "state file foreign": "2", "state file corrupt": "2",
               "forbidden: AZ-303 Lab": "3"}


@pytest.mark.slow
def test_the_ci_fault_table_holds_every_invariant(env: dict[str, str]) -> None:
    done = run_all(cells("ci"), jobs=3)
    table = format_text(done, note_width=200)
    summary = totals(done)
    problems = [f"{c.scenario} × {c.command}: {'; '.join(c.problems)}"
                for c in done if c.problems]
    assert summary.invariants_hold, "\n".join([summary.describe(), *problems, table])
    assert summary.crashes == summary.silent_half_peerings == 0
    assert summary.writes_under_read_only == summary.unaudited_refusals == 0
    unfinished = [f"{c.scenario} × {c.command}: exit {c.exit}" for c in done
                  if not c.completed and c.scenario.startswith(MUST_COMPLETE)]
    assert not unfinished, "\n".join([*unfinished, table])
    # The refusals ran and were refused (the audit check above then means something).
    exits = {c.scenario: c.exit for c in done}
    assert {k: exits[k] for k in MUST_REFUSE} == MUST_REFUSE, table
