"""The table as printed (plain text or Markdown for the README) and its totals: the
invariants `make test` asserts."""

from __future__ import annotations

from dataclasses import dataclass

from bench.reliability.verdict import Cell

HEADER = ("scenario", "command", "completed", "exit", "state consistent", "message clear",
          "seconds", "what it said")


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def rows(cells: list[Cell], note_width: int) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for cell in cells:
        note = cell.note if len(cell.note) <= note_width else cell.note[:note_width - 1] + "…"
        # "no" in lower case: a refusal is the right end for many cells; NO marks a failure.
        out.append((cell.scenario, cell.command, "yes" if cell.completed else "no", cell.exit,
                    _yes(cell.consistent), _yes(cell.clear), f"{cell.seconds:.1f}", note))
    return out


def format_text(cells: list[Cell], note_width: int = 70) -> str:
    body = rows(cells, note_width)
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(HEADER)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(line.rstrip() for line in lines)


def format_markdown(cells: list[Cell], note_width: int = 90) -> str:
    body = rows(cells, note_width)
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in body]
    return "\n".join(lines)


@dataclass(frozen=True)
class Totals:
    cells: int
    completed: int
    crashes: int  # tracebacks, on the terminal or in the log
    silent_half_peerings: int
    inconsistent: int
    unclear: int
    writes_under_read_only: int
    unaudited_refusals: int

    @property
    def invariants_hold(self) -> bool:
        return not (self.crashes or self.silent_half_peerings or self.inconsistent
                    or self.unclear or self.writes_under_read_only or self.unaudited_refusals)

    def describe(self) -> str:
        return (f"{self.cells} cells, {self.completed} completed; {self.crashes} crashes or "
                f"tracebacks, {self.silent_half_peerings} silent half-peerings, "
                f"{self.inconsistent} inconsistent states, {self.unclear} unclear messages, "
                f"{self.writes_under_read_only} writes under read-only, "
                f"{self.unaudited_refusals} refusals missing from the audit log")


def totals(cells: list[Cell]) -> Totals:
    return Totals(
        len(cells), sum(c.completed for c in cells), sum(c.tracebacks for c in cells),
        sum(c.silent_half for c in cells), sum(not c.consistent for c in cells),
        sum(not c.clear for c in cells), sum(c.wrote_read_only for c in cells),
        sum(c.unaudited_refusals for c in cells),
    )
