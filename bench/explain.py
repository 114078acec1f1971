"""Show what SQL jobtrack's SQLite store runs for each benchmarked read, with its
query plan and its time: the evidence behind docs/performance.md.

::

    python -m bench.explain --size full --workdir DIR   # DIR kept by bench.run --workdir

It opens ``DIR/jobtrack.db``, runs each read once to warm the cache and once
traced (``sqlite3``'s trace callback), then times and explains every statement.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from bench.dataset import SIZES, Dataset
from bench.plan import Plan, make_plan, operations

_connect = sqlite3.connect
_traced: list[str] = []


def _tracing_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(_traced.append)
    return conn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args(argv)
    sqlite3.connect = _tracing_connect  # type: ignore[assignment]
    from bench.jobtrack_columns import SqliteColumn

    plan: Plan = make_plan(Dataset(SIZES[args.size]))
    column = SqliteColumn(args.workdir)
    column._plan = plan
    column._open(column.opener(), plan)
    plain = _connect(column.path)
    try:
        for op in operations(plan):
            kind = op.kind
            if kind in ("import", "import_convert", "create", "export"):
                continue
            task = column.task(op, plan)
            if not hasattr(task, "run"):
                continue
            run: Callable[[], object] = task.run  # type: ignore[union-attr]
            run()  # warm
            _traced.clear()
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            print(f"\n## {op.title}: {elapsed * 1e3:.2f} ms")
            for sql in _traced:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                t0 = time.perf_counter()
                plain.execute(sql).fetchall()
                took = (time.perf_counter() - t0) * 1e3
                rows = plain.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
                print(f"- {took:.2f} ms: {' '.join(sql.split())[:300]}")
                for row in rows:
                    print(f"    {row[3]}")
    finally:
        plain.close()
        column.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
