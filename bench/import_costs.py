"""Where the time of a SQLite bulk import goes.

::

    python -m bench.import_costs [--size small|medium|full] [--rounds N]

Builds the baseline's file and jobtrack's SQLite file at the given size, then, in
interleaved rounds (one sample of each contender per round, ``os.sync()`` before
each), imports the benchmark's bulk-import jobs:

- ``baseline``: ``executemany`` into the seed's schema and ``COMMIT``, as in
  ``bench.run``;
- ``jobtrack add_many``: the public bulk path, its time split by the statements the
  store runs, as its tracer sees them (``SqliteStore(tracer=...)``, which notes when
  each statement starts): converting the ``Job`` entities to rows and sorting them
  (before each batch's first ``INSERT``), inserting them, the running totals'
  catch-up, and the rest (``BEGIN``, ``COMMIT``, setting the insert trigger aside and
  back). A later batch is converted just after the previous batch's last ``INSERT``
  ran: that ``INSERT`` is counted at the median time per row of the others;
- ``raw: ...``: the very rows ``add_many`` inserts, in its order (taken from its
  ``INSERT`` statements, recorded by the tracer on a copy of the file), inserted with
  ``executemany`` of a one-row ``INSERT``, as the baseline inserts, by plain
  ``sqlite3`` into copies of jobtrack's file with parts of its schema taken away
  (indexes, foreign keys, the seed's generated columns, CHECK constraints), to show
  what each part costs. The copies are for measuring only; the store keeps all of it.

A diagnostic for docs/performance.md; the targets are judged by ``bench.run``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence

import attrs

from bench.baseline_sqlite import BaselineSqlite
from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import SqliteColumn, to_job
from bench.plan import Plan, make_plan, operations
from bench.timing import Task, measure_interleaved, required, seconds_of, synced
from bench.tracing import Recorder, Statement
from jobtrack_sqlite import SqliteStore
from jobtrack_sqlite.repositories import BATCH

#: Secondary indexes of the jobs table (schema version 4).
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
    recorder = Recorder()
    baseline, column = BaselineSqlite(workdir), SqliteColumn(workdir, tracer=recorder)
    baseline.build(plan)
    column.build(plan)

    # The raw contenders run add_many's own INSERTs, into copies of the file.
    column._add_importer(plan)
    column.close()
    with sqlite3.connect(column.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        owner = conn.execute("SELECT owner FROM users WHERE id = ?", (plan.importer.id,))
        number = owner.fetchone()[0]
    inserts = _inserts(_copy(column.path, "record", VARIANTS["raw: jobtrack's schema"]), plan)
    tasks: dict[str, Task] = {}
    for name, variant in VARIANTS.items():
        path = _copy(column.path, str(len(tasks)), variant)
        tasks[name] = _raw_task(path, number, inserts, variant)
    column._reopen()
    column._drop_importer(plan)

    spent: dict[str, list[float]] = {}
    tasks = {
        "baseline": required(baseline.task(op, plan)),
        "jobtrack add_many": _split(required(column.task(op, plan)), recorder, spent),
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


def _inserts(path: str, plan: Plan) -> list[Statement]:
    """The ``INSERT INTO jobs`` statements ``add_many`` runs to import the benchmark's jobs
    into the file ``path`` (a copy, removed afterwards), with their parameters."""
    recorder = Recorder()
    with SqliteStore(path, synchronous="NORMAL", tracer=recorder) as store:
        jobs = list(map(to_job, plan.import_jobs))
        with recorder.recording() as statements, store.transaction() as uow:
            uow.jobs.add_many(jobs)
    for leftover in (path, f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(leftover)
    return [s for s in statements if s.sql.startswith("INSERT INTO jobs")]


def _figure(seconds: Sequence[float]) -> str:
    return f"{statistics.median(seconds):7.3f} s [{min(seconds):.3f} .. {max(seconds):.3f}]"


def _copy(path: str, name: str, variant: Variant) -> str:
    drop, no_generated, _, _ = variant
    copy = f"{path}.variant-{name}"
    shutil.copy(path, copy)
    with sqlite3.connect(copy) as conn:
        for index in drop:
            conn.execute(f"DROP INDEX {index}")
        for column in GENERATED if no_generated else ():
            conn.execute(f"ALTER TABLE jobs DROP COLUMN {column}")
    return copy


def _one_row_insert(inserts: list[Statement]) -> tuple[str, list[Sequence[object]]]:
    """``add_many``'s INSERTs (of many rows each) as one INSERT of one row, and the rows."""
    rows: list[Sequence[object]] = []
    for insert in inserts:
        count = insert.sql.count("), (") + 1
        width = len(insert.parameters) // count
        rows += [insert.parameters[n * width : (n + 1) * width] for n in range(count)]
    head = inserts[0].sql.split(" VALUES ", 1)[0]
    return f"{head} VALUES ({', '.join('?' * len(rows[0]))})", rows


def _raw_task(path: str, owner: int, inserts: list[Statement], variant: Variant) -> Task:
    _, _, no_checks, foreign_keys = variant
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
    conn.execute(f"PRAGMA ignore_check_constraints = {int(no_checks)}")
    insert, rows = _one_row_insert(inserts)

    def run() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")

    def after() -> None:
        conn.execute("DELETE FROM jobs WHERE owner = ?", (owner,))

    return Task(run, after=after, warmup=0)


CONVERT = "convert Job entities to rows, and sort them"
INSERT = "insert"
CATCH_UP = "running totals catch-up"
REST = "begin, commit and the rest"
#: The running totals a bulk import catches up on, after its INSERTs.
TOTALS = ("owner_totals", "customer_totals", "paid_days", "open_due_days")


def _split(task: Task, recorder: Recorder, spent: dict[str, list[float]]) -> Task:
    """The import task, its time split by the statements the store runs (see above)."""
    run = task.run

    def split() -> None:
        with recorder.recording() as statements:
            started = time.perf_counter()
            run()
            ended = time.perf_counter()
        for name, seconds in _parts(statements, started, ended).items():
            spent.setdefault(name, []).append(seconds)

    return attrs.evolve(task, run=split)


def _parts(statements: list[Statement], started: float, ended: float) -> dict[str, float]:
    """Each statement's time, until the next one starts (what Python does in between
    included), by part of the import."""
    parts = dict.fromkeys((CONVERT, INSERT, CATCH_UP, REST), 0.0)
    parts[REST] += statements[0].at - started
    ends = [s.at for s in statements[1:]] + [ended]
    inserts = [
        (end - s.at, s.sql.count("), (") + 1, n)
        for n, (s, end) in enumerate(zip(statements, ends, strict=True))
        if s.sql.startswith("INSERT INTO jobs")
    ]
    # The INSERT that ends a batch is followed by the next batch's conversion.
    done, batch_ends = 0, set()
    for _, rows, n in inserts[:-1]:
        done += rows
        if done % BATCH == 0:
            batch_ends.add(n)
    per_row = statistics.median(took / rows for took, rows, n in inserts if n not in batch_ends)
    for n, (statement, end) in enumerate(zip(statements, ends, strict=True)):
        took, sql = end - statement.at, statement.sql
        if n in batch_ends:
            rows = sql.count("), (") + 1
            parts[INSERT] += rows * per_row
            parts[CONVERT] += took - rows * per_row
        elif sql.startswith("INSERT INTO jobs"):
            parts[INSERT] += took
        elif sql.startswith(tuple(f"INSERT INTO {table}" for table in TOTALS)):
            parts[CATCH_UP] += took
        elif sql.startswith(("DROP TRIGGER", "SELECT owner FROM users")):
            parts[CONVERT] += took  # the first batch's conversion follows these
        else:
            parts[REST] += took
    return parts


if __name__ == "__main__":
    raise SystemExit(main())
