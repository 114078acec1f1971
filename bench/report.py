"""Formatting results: tables of medians, min-max and ratios, and the targets."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from bench.plan import Operation, Target
from bench.timing import Outcome, Samples, Skipped

BASELINE = "baseline"
#: The columns the targets are judged on.
JOBTRACK = ("jobtrack sqlite", "jobtrack memory", "jobtrack postgres")


@attrs.frozen
class Cell:
    op: Operation
    column: str
    outcome: Outcome


def duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def megabytes(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def _ratio(outcome: Samples, base: Outcome | None) -> str:
    if not isinstance(base, Samples) or base.median == 0:
        return ""
    return f" x{outcome.median / base.median:.2f}"


def cell_text(outcome: Outcome, base: Outcome | None) -> str:
    if isinstance(outcome, Skipped):
        return f"— ({outcome.reason})"
    text = f"{duration(outcome.median)} [{duration(outcome.low)} .. {duration(outcome.high)}]"
    text += _ratio(outcome, base)
    if outcome.peak_bytes is not None:
        text += f"; peak {megabytes(outcome.peak_bytes)}"
        if isinstance(base, Samples) and base.peak_bytes:
            text += f" x{outcome.peak_bytes / base.peak_bytes:.2f}"
    return text


def table(
    title: str,
    ops: Sequence[Operation],
    columns: Sequence[str],
    cells: dict[tuple[str, str], Outcome],
) -> str:
    """A Markdown table: one row per operation, one column per contender."""
    head = ["operation", *columns]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for op in ops:
        base = cells.get((op.key, BASELINE))
        row = [op.title]
        for column in columns:
            outcome = cells.get((op.key, column))
            row.append("" if outcome is None else cell_text(outcome, base))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def target_value(target: Target, outcome: Outcome, base: Outcome | None) -> float | None:
    if not isinstance(outcome, Samples):
        return None
    if target.kind == "memory":
        return None if outcome.peak_bytes is None else float(outcome.peak_bytes)
    if target.kind == "ratio":
        if not isinstance(base, Samples) or base.median == 0:
            return None
        return outcome.median / base.median
    return outcome.median


def verdict(target: Target, value: float | None) -> str:
    if value is None:
        return "not measured"
    shown = (
        f"x{value:.2f}"
        if target.kind == "ratio"
        else megabytes(int(value))
        if target.kind == "memory"
        else duration(value)
    )
    if target.met(value):
        return f"met ({shown})"
    return f"**missed** ({shown}, {value / target.limit:.1f} x the target)"


def targets_table(
    ops: Sequence[Operation],
    columns: Sequence[str],
    phases: Sequence[tuple[str, dict[tuple[str, str], Outcome]]],
) -> str:
    """Each target, and whether each jobtrack column meets it, phase by phase."""
    judged = [c for c in JOBTRACK if c in columns]
    head = ["operation", "target", *(f"{c}, {p}" for c in judged for p, _ in phases)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for op in ops:
        if op.target is None:
            continue
        row = [op.title, op.target.text]
        for column in judged:
            for _, cells in phases:
                outcome = cells.get((op.key, column))
                base = cells.get((op.key, BASELINE))
                value = None if outcome is None else target_value(op.target, outcome, base)
                row.append(verdict(op.target, value))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
