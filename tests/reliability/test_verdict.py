"""The fault suite's judge has teeth: each invariant fails on the case it exists for."""

from __future__ import annotations

from pathlib import Path

from bench.reliability.matrix import COMMANDS, PEER
from bench.reliability.runner import Workspace, audit_problems, state_problems
from bench.reliability.sandbox_state import Link
from bench.reliability.verdict import Run, claim_holds, message_clear

NOW_HALF = "Now vnet1 has 1and2 -> vnet2 (Initiated); vnet2 has no link to vnet1."
A = Link("vnet1", "1and2", "vnet2", "Initiated", "FullyInSync")
A_UP = Link("vnet1", "1and2", "vnet2", "Connected", "FullyInSync")
B_UP = Link("vnet2", "2and1", "vnet1", "Connected", "FullyInSync")
peer = COMMANDS[PEER]


def run(code: int, stdout: str = "", stderr: str = "") -> Run:
    return Run(peer.argv, code, stdout, stderr, 0.1)


def test_the_last_now_line_is_checked_against_the_cloud() -> None:
    said = run(3, stderr=f"Now vnet1 has no link to vnet2; vnet2 has no link to vnet1.\n"
                         f"{NOW_HALF}\n")
    assert claim_holds(said, frozenset({A})) is True
    assert claim_holds(said, frozenset({A_UP})) is False  # wrong state
    assert claim_holds(said, frozenset({A, B_UP})) is False  # a link it did not mention
    assert claim_holds(run(3, stderr="vnettui: boom (X)\n"), frozenset()) is None


def test_a_half_peering_nobody_announced_is_caught() -> None:
    problems, silent = state_problems(peer, [run(3, stderr="vnettui: boom (X)\n")],
                                       frozenset(), frozenset({A}))
    assert silent
    assert "the cloud changed and nothing said so" in problems
    problems, silent = state_problems(peer, [run(3, stderr=NOW_HALF + "\n")],
                                       frozenset(), frozenset({A}))
    assert (problems, silent) == ([], False)


def test_exit_0_must_mean_peered() -> None:
    problems, _ = state_problems(peer, [run(0, stdout=NOW_HALF + "\n")], frozenset(),
                                  frozenset({A}))
    assert "exit 0 but not peered" in problems


def test_a_traceback_or_a_failure_without_a_named_problem_is_unclear() -> None:
    assert not message_clear(run(0, stderr='Traceback (most recent call last):\n  File "/x"'),
                             peer)
    assert not message_clear(run(3, stderr="something went wrong\n"), peer)
    assert message_clear(run(3, stderr="vnettui: the sandbox answered 503 (X)\n"), peer)


def test_a_refusal_missing_from_the_audit_log_is_counted(tmp_path: Path) -> None:
    refused = run(2, stderr="vnettui: Refused to peer: read-only; nothing was sent. (ReadOnly)\n")
    workspace = Workspace(tmp_path)
    assert audit_problems([refused], workspace, peer) == 1
    workspace.audit.parent.mkdir(parents=True)
    workspace.audit.write_text('{"result": "refused"}\n')
    assert audit_problems([refused], workspace, peer) == 0
