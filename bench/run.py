"""The benchmark harness.

::

    python -m bench.run --size small|medium|full [--repeat N] [--columns a,b,...]
                        [--markdown FILE] [--workdir DIR]

Builds the data set once per column, then measures every operation in every
column, once before and once after ``ANALYZE``, and prints the machine, one
table per phase (median, min-max, ratio to the baseline) and the targets.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

from bench import report
from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import (
    POSTGRES_DEFAULT,
    POSTGRES_ENV,
    MemoryColumn,
    PostgresColumn,
    SqliteColumn,
    postgres_reason,
    sqlite_reason,
)
from bench.plan import Column, Operation, Plan, make_plan, operations
from bench.timing import (
    Outcome,
    Samples,
    Skipped,
    Task,
    measure,
    measure_interleaved,
    settle,
    synced,
)

COLUMNS = ("baseline", "sqlalchemy", "sqlite", "memory", "postgres")
TITLES = {
    "baseline": "baseline",
    "sqlalchemy": "sqlalchemy",
    "sqlite": "jobtrack sqlite",
    "memory": "jobtrack memory",
    "postgres": "jobtrack postgres",
}
#: The memory store holds at most this many jobs (it keeps everything in the process).
MEMORY_MAX_JOBS = 1_000_000

Cells = dict[tuple[str, str], Outcome]
_T = TypeVar("_T")
#: Single create is cheap; it takes this many times the samples of other operations.
CREATE_SAMPLES = 5


def calibration() -> str:
    """How fast this machine runs Python now: the median of 5 timings of a fixed
    pure-Python workload. Shared machines change speed from hour to hour; the figure,
    taken at the start and the end of a run, says how to compare runs."""

    def work() -> int:
        total = 0
        for i in range(200_000):
            total += i % 7
        return total

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return f"{statistics.median(timings) * 1e3:.1f} ms"


def machine(pg_url: str) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"CPUs: {os.cpu_count()} ({cpu}); load average at start {load}; "
        f"calibration loop at start {calibration()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}",
    ]
    try:
        import sqlalchemy

        lines.append(f"SQLAlchemy {sqlalchemy.__version__}")
    except ImportError:
        lines.append("SQLAlchemy not installed")
    try:
        import psycopg

        with psycopg.connect(pg_url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        lines.append(f"PostgreSQL {row[0] if row else '?'} (psycopg {psycopg.__version__})")
    except Exception:
        lines.append("PostgreSQL not reachable")
    return lines


def make_column(key: str, workdir: str, pg_url: str) -> Column | Skipped:
    if key == "baseline":
        from bench.baseline_sqlite import BaselineSqlite

        return BaselineSqlite(workdir)
    if key == "sqlalchemy":
        try:
            from bench.baseline_sqlalchemy import BaselineSqlalchemy
        except ImportError as exc:
            return Skipped(f"SQLAlchemy is not installed ({exc}); pip install 'jobtrack[bench]'")
        return BaselineSqlalchemy(workdir)
    if key == "sqlite":
        reason = sqlite_reason()
        return Skipped(reason) if reason else SqliteColumn(workdir)
    if key == "memory":
        return MemoryColumn(workdir, max_jobs=MEMORY_MAX_JOBS)
    reason = postgres_reason(pg_url)
    return Skipped(reason) if reason else PostgresColumn(workdir, pg_url)


def say(text: str) -> None:
    print(text, flush=True)


def timed(label: str, action: Callable[[], object]) -> None:
    started = time.perf_counter()
    action()
    say(f"  {label}: {time.perf_counter() - started:.1f} s")


#: Writes: their samples are taken column by column in turn (see ``measure_interleaved``),
#: as their time depends on the disk as much as on the code.
WRITES = ("create", "import", "import_convert")


def run_phase(
    columns: dict[str, Column], ops: list[Operation], plan: Plan, repeat: int, budget_s: float
) -> Cells:
    """Every operation in every column: reads first, then export, create, import."""
    order = {"export": 1, "create": 2, "import": 3, "import_convert": 3}
    cells: Cells = {}
    for op in sorted(ops, key=lambda o: order.get(o.kind, 0)):
        titled = {TITLES[key]: column for key, column in columns.items()}
        if op.kind in WRITES:
            outcomes = _run_writes(titled, op, plan, repeat, budget_s)
        else:
            outcomes = {
                title: _guarded(_run_one, column, op, plan, repeat, budget_s)
                for title, column in titled.items()
            }
        for title, outcome in outcomes.items():
            cells[(op.key, title)] = outcome
            say(f"  {op.title} | {title} | {report.cell_text(outcome, None)}")
    return cells


def _guarded(run: Callable[..., _T], *args: object) -> _T | Skipped:
    """``run(*args)``, or the reason it failed."""
    try:
        return run(*args)
    except Exception as exc:
        return Skipped.failure(exc)


def _run_one(column: Column, op: Operation, plan: Plan, repeat: int, budget_s: float) -> Outcome:
    if op.kind == "export":
        return _export(column, plan, min(repeat, 3))
    task = column.task(op, plan)
    if isinstance(task, Skipped):
        return task
    return measure(task, repeat=repeat, budget_s=budget_s)


def _run_writes(
    columns: dict[str, Column], op: Operation, plan: Plan, repeat: int, budget_s: float
) -> dict[str, Outcome]:
    """A write operation in every column, the columns' samples interleaved."""
    kind = op.kind
    if kind == "import":
        repeat = min(repeat, 5)
    elif kind == "import_convert":
        repeat = 1  # informational; each sample rewrites a tenth of the data set
    else:
        repeat *= CREATE_SAMPLES
    outcomes: dict[str, Outcome] = {}
    tasks: dict[str, Task] = {}
    flushes = [column.flush for column in columns.values()]
    for title, column in columns.items():
        made = _guarded(column.task, op, plan)
        if isinstance(made, Task):
            tasks[title] = synced(made, *flushes)
        else:
            outcomes[title] = made
    outcomes |= measure_interleaved(tasks, repeat=repeat, budget_s=budget_s)
    return {title: outcomes[title] for title in columns}


def _export(column: Column, plan: Plan, repeat: int) -> Outcome:
    seconds, peaks = [], []
    handle, out = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    for _ in range(repeat):
        done = column.export_peak(plan, out)
        if isinstance(done, Skipped):
            return done
        seconds.append(done[0])
        peaks.append(done[1])
    if os.path.exists(out):
        os.remove(out)
    return Samples(tuple(seconds), peak_bytes=max(peaks))


def proportionality(
    memory: MemoryColumn, ops: list[Operation], plan: Plan, workdir: str, repeat: int, budget: float
) -> str:
    """The memory store's typical-owner operations on the whole data set and on a store
    holding that owner alone: equal times mean cost follows the owner's data only."""
    alone = MemoryColumn(workdir, max_jobs=0, only="typical")
    alone.build(plan)
    lines = [
        "### Memory store: the typical owner's operations, whole data set vs the owner alone",
        "",
        "| operation | whole data set | owner alone | ratio |",
        "|---|---|---|---|",
    ]
    try:
        for op in ops:
            if op.case != "typical":
                continue
            found: list[Outcome] = []
            for column in (memory, alone):
                task = column.task(op, plan)
                if not isinstance(task, Skipped):
                    found.append(measure(task, repeat=repeat, budget_s=budget))
                else:
                    found.append(task)
            whole, single = found
            ratio = (
                f"x{whole.median / single.median:.2f}"
                if isinstance(whole, Samples) and isinstance(single, Samples)
                else ""
            )
            lines.append(
                f"| {op.title} | {report.cell_text(whole, None)} | "
                f"{report.cell_text(single, None)} | {ratio} |"
            )
    finally:
        alone.close()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--repeat", type=int, help="samples per measurement")
    parser.add_argument("--budget", type=float, help="seconds per measurement, at most")
    parser.add_argument("--columns", default=",".join(COLUMNS), help="comma-separated")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--workdir", help="where the databases go (default: a temporary dir)")
    args = parser.parse_args(argv)

    # A stopped run still drops its PostgreSQL database and removes its files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    size = SIZES[args.size]
    repeat = args.repeat or size.repeat
    budget = args.budget or size.budget_s
    pg_url = os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT)
    wanted = [c for c in args.columns.split(",") if c]
    unknown = set(wanted) - set(COLUMNS)
    if unknown or "baseline" not in wanted:
        parser.error(f"columns are {', '.join(COLUMNS)}; baseline is required")

    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    header = [
        f"jobtrack benchmark, size {size.name}: {size.jobs:,} jobs, {size.owners} owners, "
        f"{size.customers:,} customers; large owner {size.large_jobs:,} jobs, typical "
        f"{size.typical_jobs:,}; {repeat} samples per measurement, at most {budget:g} s each",
        *machine(pg_url),
        f"command: {command.strip()}",
    ]
    for line in header:
        say(line)

    workdir = args.workdir or tempfile.mkdtemp(prefix="jobtrack-bench-")
    os.makedirs(workdir, exist_ok=True)
    started = time.perf_counter()
    columns: dict[str, Column] = {}
    skipped: dict[str, Skipped] = {}
    try:
        data = Dataset(size)
        plan_box: list[Plan] = []
        timed("data set plan", lambda: plan_box.append(make_plan(data)))
        plan = plan_box[0]
        for key in (k for k in COLUMNS if k in wanted):
            made = make_column(key, workdir, pg_url)
            if isinstance(made, Skipped):
                skipped[key] = made
                say(f"  {TITLES[key]}: skipped, {made.reason}")
                continue
            try:
                timed(f"build {TITLES[key]}", lambda made=made: made.build(plan))  # type: ignore[misc]
            except Exception as exc:
                skipped[key] = Skipped.failure(exc, "build failed")
                say(f"  {TITLES[key]}: {skipped[key].reason}")
                made.close()
                continue
            columns[key] = made
        memory = columns.get("memory")
        if isinstance(memory, MemoryColumn) and memory.note:
            say(f"  jobtrack memory {memory.note}")

        ops = operations(plan)
        phases: list[tuple[str, Cells]] = []
        for phase in ("before ANALYZE", "after ANALYZE"):
            if phase == "after ANALYZE":
                for column in columns.values():
                    column.analyze()
            # What the builds (or ANALYZE) left to write lands now, not during a sample.
            settle(*(column.flush for column in columns.values()))
            say(f"\n## {phase}")
            cells = run_phase(columns, ops, plan, repeat, budget)
            for key, reason in skipped.items():
                for op in ops:
                    cells[(op.key, TITLES[key])] = reason
            phases.append((phase, cells))
        extra = ""
        if isinstance(memory, MemoryColumn):
            say("\n## memory store proportionality")
            extra = proportionality(memory, ops, plan, workdir, repeat, budget)
    finally:
        for column in columns.values():
            column.close()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    shown = [TITLES[k] for k in COLUMNS if k in wanted]
    out = ["", *(f"    {line}" for line in header), ""]
    for phase, cells in phases:
        out += [report.table(f"Results, {phase}", ops, shown, cells), ""]
    out += ["### Targets", "", report.targets_table(ops, shown, phases), ""]
    if extra:
        out += [extra, ""]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    out.append(
        f"total time {time.perf_counter() - started:.0f} s; load average at end {load}; "
        f"calibration loop at end {calibration()}"
    )
    say("\n".join(out))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
