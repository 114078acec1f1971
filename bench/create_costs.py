"""Where the time of a single job create goes, and what the run around it does to it.

::

    python -m bench.create_costs [--size small|medium|full] [--rounds N] [--postgres]

Builds the baseline's file and jobtrack's SQLite file at the given size (and, with
``--postgres``, the PostgreSQL column, as ``bench.run`` does), then:

1. times the benchmark's single create (``synchronous=FULL``) of each column in
   interleaved rounds, once for each thing done before every sample:

   - ``os.sync() only``;
   - ``10 ms idle, then os.sync()``: the process waits, as it does for a server;
   - ``every column's flush, then os.sync()``: what ``bench.run`` does; with
     ``--postgres`` that includes a PostgreSQL ``CHECKPOINT``;

2. times, without the ``fsync`` (``synchronous=NORMAL``, same files, afterwards), the
   baseline's ``INSERT`` and ``COMMIT``, jobtrack's own ``INSERT`` and ``COMMIT`` with and
   without the running totals' insert trigger, and ``create_job`` through the public
   API; each with the write-ahead log frames (pages) one commit appends. jobtrack's
   ``INSERT`` and trigger are the statements its store ran for the benchmark's create,
   recorded by the store's tracer and run again, with new ids, by plain ``sqlite3``.

A diagnostic for docs/performance.md; the targets are judged by ``bench.run``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable

from bench.baseline_sqlite import BaselineSqlite
from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import POSTGRES_DEFAULT, POSTGRES_ENV, SqliteColumn
from bench.plan import Column, Operation, Plan, make_plan, operations
from bench.run import make_column
from bench.timing import Skipped, measure_interleaved, required, seconds_of, settle, synced
from bench.tracing import Recorder, the_one
from jobtrack_core import uuid7_ids
from jobtrack_sqlite import SqliteStore

#: How long the process waits before a sample in the second condition.
IDLE_S = 0.010
#: Creates per contender without ``fsync``: few enough that the log never reaches
#: SQLite's automatic checkpoint (1,000 pages), so its growth counts the pages.
UNSYNCED = 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.create_costs", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--postgres", action="store_true", help="add the PostgreSQL column")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="jobtrack-create-costs-")
    try:
        run(args.size, args.rounds, args.postgres, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(size: str, rounds: int, postgres: bool, workdir: str) -> None:
    plan = make_plan(Dataset(SIZES[size]))
    op = next(o for o in operations(plan) if o.kind == "create")
    baseline, sqlite = BaselineSqlite(workdir), SqliteColumn(workdir)
    columns: dict[str, Column] = {"baseline": baseline, "jobtrack sqlite": sqlite}
    if postgres:
        made = make_column("postgres", workdir, os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT))
        if isinstance(made, Skipped):
            raise SystemExit(f"PostgreSQL: {made.reason}")
        columns["jobtrack postgres"] = made
    try:
        for column in columns.values():
            column.build(plan)
        flushes = [column.flush for column in columns.values()]
        settle(*flushes)  # the builds' deferred writes land before any sample, not in one
        print(f"size {size}: {op.title}, {rounds} interleaved rounds", flush=True)
        conditions: dict[str, list[Callable[[], None]]] = {
            "os.sync() only": [],
            f"{IDLE_S * 1000:g} ms idle, then os.sync()": [lambda: time.sleep(IDLE_S)],
            "every column's flush, then os.sync()": flushes,
        }
        for condition, before in conditions.items():
            tasks = {n: synced(required(c.task(op, plan)), *before) for n, c in columns.items()}
            samples = measure_interleaved(tasks, repeat=rounds, budget_s=600)
            print(condition)
            base = statistics.median(seconds_of(samples["baseline"]))
            for name, outcome in samples.items():
                seconds = seconds_of(outcome)
                print(f"  {name:43} {_figure(seconds)}  x{statistics.median(seconds) / base:.2f}")
        print(f"without fsync (synchronous=NORMAL), {UNSYNCED} creates each")
        _unsynced(baseline, sqlite, op, plan)
    finally:
        for column in columns.values():
            column.close()


def _unsynced(baseline: BaselineSqlite, sqlite: SqliteColumn, op: Operation, plan: Plan) -> None:
    baseline._conn().execute("PRAGMA synchronous = NORMAL")
    _report("baseline: INSERT and COMMIT", baseline.path, required(baseline.task(op, plan)).run)

    # The statements of the benchmark's create, and the connection's totals trigger, as the
    # store runs them (recorded by its tracer), to run again by plain sqlite3 below.
    recorder = Recorder()
    sqlite.close()
    with recorder.recording() as opening:
        sqlite._open(SqliteStore(sqlite.path, synchronous="NORMAL", tracer=recorder), plan)
    with recorder.recording() as creating:
        made = sqlite._create(plan)  # the benchmark's create, through the public API
    sqlite.close()
    count_inserts = the_one(opening, "CREATE TEMP TRIGGER")
    insert = the_one(creating, "INSERT INTO jobs")
    new_id = list(insert.parameters).index(made.id)

    raw = sqlite3.connect(sqlite.path, isolation_level=None)
    raw.execute("PRAGMA synchronous = NORMAL")
    raw.execute("PRAGMA foreign_keys = ON")

    def insert_one() -> None:
        values = list(insert.parameters)
        values[new_id] = uuid7_ids()  # the library's default ids
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(insert.sql, values)
        raw.execute("COMMIT")

    _report("jobtrack: INSERT and COMMIT, no totals trigger", sqlite.path, insert_one)
    raw.execute(count_inserts.sql)
    _report("jobtrack: INSERT and COMMIT", sqlite.path, insert_one)
    raw.close()

    sqlite._open(SqliteStore(sqlite.path, synchronous="NORMAL"), plan)
    api = required(sqlite.task(op, plan))
    _report("jobtrack: create_job (the public API)", sqlite.path, api.run)


def _report(name: str, path: str, create: Callable[[], object]) -> None:
    """Time ``UNSYNCED`` creates after a few untimed ones, and count the log's new pages."""
    for _ in range(20):
        create()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size: int = conn.execute("PRAGMA page_size").fetchone()[0]
    taken = []
    for _ in range(UNSYNCED):
        started = time.perf_counter()
        create()
        taken.append(time.perf_counter() - started)
    wal = os.path.getsize(f"{path}-wal") - 32  # the log's header
    frames = wal / (page_size + 24) / UNSYNCED  # each page is written with a 24-byte header
    median, low = statistics.median(taken) * 1e6, min(taken) * 1e6
    print(f"  {name:50} {median:6.1f} us [{low:.1f} ..]  {frames:4.1f} pages a commit")


def _figure(seconds: tuple[float, ...]) -> str:
    med, low, high = (f(seconds) * 1e6 for f in (statistics.median, min, max))
    return f"{med:7.0f} us [{low:.0f} .. {high:.0f}]"


if __name__ == "__main__":
    raise SystemExit(main())
