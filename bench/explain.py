"""Show what SQL jobtrack's SQLite store runs for each benchmarked read, with its
query plan and its time: the evidence behind docs/performance.md.

::

    python -m bench.explain --size full --workdir DIR   # DIR kept by bench.run --workdir

It opens ``DIR/jobtrack.db`` with a tracer (``SqliteStore(tracer=...)``), runs each read
once to warm the cache and once recorded, then times and explains every statement it ran,
with the parameters it ran with.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable

from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import SqliteColumn
from bench.plan import Plan, make_plan, operations
from bench.timing import Skipped
from bench.tracing import Recorder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args(argv)

    plan: Plan = make_plan(Dataset(SIZES[args.size]))
    recorder = Recorder()
    column = SqliteColumn(args.workdir, tracer=recorder)
    column._plan = plan
    column._open(column.opener(), plan)
    plain = sqlite3.connect(column.path)
    try:
        for op in operations(plan):
            kind = op.kind
            if kind in ("import", "import_convert", "create", "export"):
                continue
            task = column.task(op, plan)
            if isinstance(task, Skipped):
                continue
            run: Callable[[], object] = task.run
            run()  # warm
            with recorder.recording() as statements:
                started = time.perf_counter()
                run()
                elapsed = time.perf_counter() - started
            print(f"\n## {op.title}: {elapsed * 1e3:.2f} ms")
            for statement in statements:
                sql, parameters = statement.sql, statement.parameters
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                t0 = time.perf_counter()
                plain.execute(sql, parameters).fetchall()
                took = (time.perf_counter() - t0) * 1e3
                rows = plain.execute("EXPLAIN QUERY PLAN " + sql, parameters).fetchall()
                print(f"- {took:.2f} ms: {' '.join(sql.split())[:300]}")
                print(f"    parameters: {str(parameters)[:200]}")
                for row in rows:
                    print(f"    {row[3]}")
    finally:
        plain.close()
        column.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
