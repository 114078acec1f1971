"""Where the time of a SQLite bulk import goes.

::

    python -m bench.import_costs [--size small|medium|full] [--rounds N]

Builds the baseline's file and jobtrack's SQLite file at the given size, then, in
interleaved rounds (one sample of each contender per round, ``os.sync()`` before
each), imports the benchmark's bulk-import jobs:

- ``baseline``: ``executemany`` into the seed's schema and ``COMMIT``, as in
  ``bench.run``;
- ``jobtrack add_many``: the public bulk path, its time split into converting the
  ``Job`` entities to rows, inserting them, the running totals' catch-up and the
  commit (measured by wrapping the store's own steps);
- ``raw: ...``: the same rows, already converted, inserted with ``executemany`` by
  plain ``sqlite3`` into copies of jobtrack's file with parts of its schema taken
  away (indexes, foreign keys, the seed's generated columns, CHECK constraints), to
  show what each part costs. The copies are for measuring only; the store keeps
  all of it.

A diagnostic for docs/performance.md; the targets are judged by ``bench.run``.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from bench.baseline_sqlite import BaselineSqlite
from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import SqliteColumn, to_job
from bench.plan import make_plan, operations
from bench.timing import Task, measure_interleaved, required, seconds_of, synced
from jobtrack_sqlite import repositories, totals
from jobtrack_sqlite.rows import job_values

#: Secondary indexes of the jobs table (schema version 3).
SECONDARY = (
    "idx_jobs_owner_created", "idx_jobs_owner_customer", "idx_jobs_owner_updated",
    "idx_jobs_owner_due", "idx_jobs_owner_paid", "idx_jobs_owner_open_due",
    "idx_jobs_owner_unpaid_done",
)  # fmt: skip
PARTIAL = ("idx_jobs_owner_paid", "idx_jobs_owner_open_due", "idx_jobs_owner_unpaid_done")
#: The seed's columns, kept as generated columns for the seed's own queries.
GENERATED = (
    "estimated_cost", "actual_cost", "estimated_hours", "actual_hours",
    "completed_at", "created_at", "updated_at", "paid_at",
)  # fmt: skip
#: (indexes dropped, generated columns dropped, CHECKs off, foreign keys on)
Variant = tuple[tuple[str, ...], bool, bool, bool]
VARIANTS: dict[str, Variant] = {
    "raw: jobtrack's schema": ((), False, False, True),
    "raw: without the 3 partial indexes": (PARTIAL, False, False, True),
    "raw: without the 7 secondary indexes": (SECONDARY, False, False, True),
    "raw: without foreign keys": ((), False, False, False),
    "raw: without the generated columns": ((), True, False, True),
    "raw: without generated columns and CHECKs": ((), True, True, True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_costs", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="jobtrack-import-costs-")
    try:
        run(args.size, args.rounds, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(size: str, rounds: int, workdir: str) -> None:
    plan = make_plan(Dataset(SIZES[size]))
    op = next(o for o in operations(plan) if o.key == "import")
    print(f"size {size}: {op.title}; {rounds} interleaved rounds", flush=True)
    baseline, column = BaselineSqlite(workdir), SqliteColumn(workdir)
    baseline.build(plan)
    column.build(plan)

    # The raw contenders insert the rows add_many would insert, into copies of the file.
    column._add_importer(plan)
    column.close()
    with sqlite3.connect(column.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        owner = conn.execute("SELECT owner FROM users WHERE id = ?", (plan.importer.id,))
        number = owner.fetchone()[0]
    rows = sorted(
        ([number, job.id, job.user_id, *job_values(job)] for job in map(to_job, plan.import_jobs)),
        key=repositories._INDEX_ORDER,
    )
    tasks: dict[str, Task] = {}
    for name, variant in VARIANTS.items():
        tasks[name] = _raw_task(_copy(column.path, len(tasks), variant), number, rows, variant)
    column._reopen()
    column._drop_importer(plan)

    spent: dict[str, list[float]] = {}
    tasks = {
        "baseline": required(baseline.task(op, plan)),
        "jobtrack add_many": _split(required(column.task(op, plan)), spent),
        **tasks,
    }
    tasks = {name: synced(task) for name, task in tasks.items()}
    samples = measure_interleaved(tasks, repeat=rounds, budget_s=3600)
    base = statistics.median(seconds_of(samples["baseline"]))
    for name, outcome in samples.items():
        seconds = seconds_of(outcome)
        print(f"{name:45} {_figure(seconds)}  x{statistics.median(seconds) / base:.2f}")
        if name == "jobtrack add_many":
            for part, taken in spent.items():
                print(f"  {part:43} {_figure(taken)}")
    column.close()
    baseline.close()


def _figure(seconds: Sequence[float]) -> str:
    return f"{statistics.median(seconds):7.3f} s [{min(seconds):.3f} .. {max(seconds):.3f}]"


def _copy(path: str, n: int, variant: Variant) -> str:
    drop, no_generated, _, _ = variant
    copy = f"{path}.variant{n}"
    shutil.copy(path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TRIGGER IF EXISTS jobs_totals_insert")
        for index in drop:
            conn.execute(f"DROP INDEX {index}")
        for column in GENERATED if no_generated else ():
            conn.execute(f"ALTER TABLE jobs DROP COLUMN {column}")
    return copy


def _raw_task(path: str, owner: int, rows: list[list[object]], variant: Variant) -> Task:
    _, _, no_checks, foreign_keys = variant
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
    conn.execute(f"PRAGMA ignore_check_constraints = {int(no_checks)}")
    insert = repositories._job_insert(1)

    def run() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")

    def after() -> None:
        conn.execute("DELETE FROM jobs WHERE owner = ?", (owner,))

    return Task(run, after=after, warmup=0)


def _split(task: Task, spent: dict[str, list[float]]) -> Task:
    """The import task, its time split into the store's steps."""
    run = task.run

    def split() -> None:
        parts: dict[str, float] = {}
        with (
            _timing(repositories.SqliteJobs, "add_many", parts),
            _timing(repositories.SqliteJobs, "_rows", parts),
            _timing(totals, "catch_up", parts),
        ):
            started = time.perf_counter()
            run()
            whole = time.perf_counter() - started
        split = {
            "convert Job entities to rows": parts["_rows"],
            "insert": parts["add_many"] - parts["_rows"] - parts["catch_up"],
            "running totals catch-up": parts["catch_up"],
            "begin and commit": whole - parts["add_many"],
        }
        for name, seconds in split.items():
            spent.setdefault(name, []).append(seconds)

    return attrs.evolve(task, run=split)


@contextmanager
def _timing(owner: Any, name: str, spent: dict[str, float]) -> Iterator[None]:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    setattr(owner, name, timed)
    try:
        yield
    finally:
        setattr(owner, name, original)


if __name__ == "__main__":
    raise SystemExit(main())
