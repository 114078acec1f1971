"""The cost of one write inside one unit of work, at two sizes of the unit of work.

::

    python -m bench.atomic_costs [--sizes 250,2000] [--rounds N] [--columns memory,sqlite,postgres]

Opens each store empty (the memory store; a new SQLite file; a throwaway database on the
PostgreSQL server named by ``JOBTRACK_POSTGRES_URL``, as ``bench.run`` does), then
times ``Workspace.atomic()`` blocks of N writes through the public API: jobs created one
by one, each then started, completed and marked paid (create, start, complete, pay,
create, ...: N calls in all, the commit included). Every sample is a new owner with one
customer, made untimed before it. Each round takes one sample of every store at every
size, in turn, so that all of them see the machine as it is during the same minutes.

Prints, per store, the median cost of a write at each size and the ratio of the
largest size's to the smallest's: x1.00 when a write costs the same whatever the
number of writes before it in its unit of work.

A diagnostic for docs/performance.md; the targets are judged by ``bench.run``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import jobtrack
from bench.jobtrack_columns import POSTGRES_DEFAULT, POSTGRES_ENV, postgres_reason
from bench.timing import Outcome, Samples, Task, measure_interleaved
from jobtrack_core import Argon2Hasher, Jobtrack, Workspace

COLUMNS = {
    "memory": "jobtrack memory",
    "sqlite": "jobtrack sqlite",
    "postgres": "jobtrack postgres",
}
PASSWORD = "benchmark password"
#: What one job goes through, one write each.
CYCLE = ("create", "start", "complete", "pay")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.atomic_costs", description=__doc__)
    parser.add_argument("--sizes", default="250,2000", help="writes per unit of work")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--columns", default=",".join(COLUMNS))
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    columns = [c.strip() for c in args.columns.split(",")]
    if len(sizes) < 2 or sizes[0] < 1 or not set(columns) <= set(COLUMNS):
        parser.error(f"give two sizes or more, of 1 or more, and columns among {list(COLUMNS)}")
    workdir = tempfile.mkdtemp(prefix="jobtrack-atomic-costs-")
    try:
        run(sizes, args.rounds, columns, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(sizes: list[int], rounds: int, columns: list[str], workdir: str) -> None:
    print(
        f"writes per unit of work: {' and '.join(map(str, sizes))} "
        f"({', '.join(CYCLE)}, ...); {rounds} round(s), median cost per write",
        flush=True,
    )
    with _apps(columns, workdir) as apps:
        tasks = {
            (key, n): _task(app, n)
            for key, app in apps.items()
            if isinstance(app, Jobtrack)
            for n in sizes
        }
        outcomes = measure_interleaved(
            {f"{key} {n}": task for (key, n), task in tasks.items()},
            repeat=rounds,
            budget_s=900,
        )
        for key, app in apps.items():
            if not isinstance(app, Jobtrack):
                print(f"  {COLUMNS[key]:18} skipped: {app}")
                continue
            print(f"  {COLUMNS[key]:18} {_line([outcomes[f'{key} {n}'] for n in sizes], sizes)}")


def _line(outcomes: list[Outcome], sizes: list[int]) -> str:
    """The median cost of one write at each size, and the ratio of the last to the first."""
    medians: list[float] = []
    for outcome, count in zip(outcomes, sizes, strict=True):
        if not isinstance(outcome, Samples):
            return outcome.reason
        medians.append(outcome.median / count)
    cells = "  ".join(f"{n:>5}: {m * 1e6:8.1f} us" for n, m in zip(sizes, medians, strict=True))
    return f"{cells}  x{medians[-1] / medians[0]:.2f}"


def _task(app: Jobtrack, count: int) -> Task:
    """One sample: ``count`` writes in one unit of work, for an owner made beforehand."""
    made: list[tuple[Workspace, str]] = []

    def before() -> None:
        user = app.register(email=f"{uuid.uuid4().hex}@example.com", password=PASSWORD, name="O")
        ws = app.workspace(user.id)
        made[:] = [(ws, ws.add_customer("Customer").id)]

    def writes() -> None:
        ws, customer_id = made[0]
        with ws.atomic():
            job_id = ""
            for n in range(count):
                step = CYCLE[n % len(CYCLE)]
                if step == "create":
                    job = ws.create_job(
                        customer_id, f"Job {n}", estimated_cost="120.00", due_date="2031-01-15"
                    )
                    job_id = job.id
                elif step == "start":
                    ws.start_job(job_id)
                elif step == "complete":
                    ws.complete_job(job_id, actual_cost="150.00")
                else:
                    ws.mark_paid(job_id)

    return Task(writes, before=before, warmup=1)


@contextmanager
def _apps(columns: list[str], workdir: str) -> Iterator[dict[str, Jobtrack | str]]:
    """The service on each store asked for, or why the store cannot run."""
    apps: dict[str, Jobtrack | str] = {}
    hasher = Argon2Hasher.for_tests()
    server = os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT)
    dbname = f"jobtrack_bench_atomic_{os.getpid()}"
    created = False
    try:
        for key in columns:
            if key == "memory":
                apps[key] = jobtrack.connect("memory://", hasher=hasher)
            elif key == "sqlite":
                apps[key] = jobtrack.connect(os.path.join(workdir, "atomic.db"), hasher=hasher)
            else:
                reason = postgres_reason(server)
                if reason:
                    apps[key] = reason
                    continue
                _admin(server, f'CREATE DATABASE "{dbname}"')
                created = True
                url = f"{server.rsplit('/', 1)[0]}/{dbname}"
                apps[key] = jobtrack.connect(url, hasher=hasher)
        yield apps
    finally:
        for app in apps.values():
            if isinstance(app, Jobtrack):
                app.store.close()
        if created:
            _admin(server, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _admin(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type, unused-ignore]


if __name__ == "__main__":
    raise SystemExit(main())
