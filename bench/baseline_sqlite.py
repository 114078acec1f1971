"""The baseline, "the original": raw sqlite3 on the seed's schema and indexes,
running the queries the original ran (``original-behaviour.md``).

Where the original did something the benchmark cannot compare (it filtered by
status OR customer, never both; it paged only unfiltered lists; it read a whole
customer history), the baseline does the straightforward thing a hand-written
layer would: AND-combined ``WHERE``, ``LIMIT``/``OFFSET`` paging, ``LIMIT 50``.
Every query is also scoped by ``user_id``, as the original's handlers checked
ownership.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bench import seed_schema as seed
from bench.dataset import NOW, NOW_MS, TODAY, Dataset
from bench.plan import PAGE_SIZE, UPCOMING_DAYS, OwnerCase, Plan, import_task
from bench.timing import Skipped, Task

TODAY_TEXT = TODAY.isoformat()
WEEK_START = seed.iso(int((NOW - timedelta(days=NOW.weekday())).replace(
    hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000))  # fmt: skip
MONTH_START = seed.iso(int(NOW.replace(day=1, hour=0, minute=0).timestamp() * 1000))
YEAR = NOW.year

DASHBOARD = (
    ("customers", "SELECT COUNT(*) FROM customers WHERE user_id = ?"),
    ("by_status", "SELECT COUNT(*), status FROM jobs WHERE user_id = ? GROUP BY status"),
    ("revenue", "SELECT SUM(actual_cost) FROM jobs WHERE user_id = ? AND paid = true"),
    (
        "unpaid",
        "SELECT SUM(actual_cost), COUNT(*) FROM jobs "
        "WHERE user_id = ? AND status = 'completed' AND paid = false",
    ),
    (
        "week",
        "SELECT SUM(actual_cost) FROM jobs "
        f"WHERE user_id = ? AND paid = true AND completed_at >= '{WEEK_START}'",
    ),
    (
        "month",
        "SELECT SUM(actual_cost) FROM jobs "
        f"WHERE user_id = ? AND paid = true AND completed_at >= '{MONTH_START}'",
    ),
    (
        "today",
        "SELECT j.*, c.name AS customer_name FROM jobs j JOIN customers c ON c.id = j.customer_id "
        f"WHERE j.user_id = ? AND j.due_date = '{TODAY_TEXT}' ORDER BY j.created_at DESC LIMIT 10",
    ),
    (
        "recent",
        "SELECT j.*, c.name AS customer_name FROM jobs j JOIN customers c ON c.id = j.customer_id "
        "WHERE j.user_id = ? ORDER BY j.updated_at DESC LIMIT 10",
    ),
)
UPCOMING = (
    "SELECT j.*, c.name AS customer_name FROM jobs j JOIN customers c ON c.id = j.customer_id "
    "WHERE j.user_id = ? AND j.status IN ('pending', 'in_progress') "
    "AND j.due_date >= ? AND j.due_date <= ? ORDER BY j.due_date ASC LIMIT 20"
)
UPCOMING_ARGS = (TODAY_TEXT, (TODAY + timedelta(days=UPCOMING_DAYS)).isoformat())
# The data model document's "Business Intelligence Queries", with the paging added.
REVENUE = "SELECT SUM(actual_cost) FROM jobs WHERE user_id = ? AND paid = true"
REVENUE_BY_MONTH = (
    "SELECT strftime('%m', completed_at) AS month, SUM(actual_cost) FROM jobs "
    "WHERE user_id = ? AND paid = true AND strftime('%Y', completed_at) = ? "
    "GROUP BY month ORDER BY month"
)
HISTORY = (
    "SELECT * FROM jobs WHERE customer_id = ? AND user_id = ? "
    f"ORDER BY created_at DESC LIMIT {PAGE_SIZE}"
)
LISTING = (
    "SELECT j.*, c.name AS customer_name, c.email AS customer_email, c.phone AS customer_phone "
    "FROM jobs j JOIN customers c ON c.id = j.customer_id "
    "WHERE j.user_id = ? AND j.status IN (?, ?) AND j.paid = ? "
    "AND j.due_date >= ? AND j.due_date <= ? "
    f"ORDER BY j.created_at DESC LIMIT {PAGE_SIZE} OFFSET ?"
)
AUTHENTICATE = "SELECT user_id, expires_at FROM sessions WHERE token = ?"


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False)
    for pragma in seed.PRAGMAS:
        conn.execute(pragma)
    return conn


def build_seed_database(path: str, data: Dataset) -> None:
    """The whole data set in the seed's schema: one transaction of ``executemany``,
    indexes created after the rows (same final database, built much faster)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -500000")
    conn.execute("BEGIN")
    for statement in seed.TABLES:
        conn.execute(statement)
    conn.executemany(seed.INSERT_USER, (seed.user_row(o) for o in data.owners))
    for owner, customers, jobs in data.everything():
        conn.executemany(seed.INSERT_CUSTOMER, map(seed.customer_row, customers))
        conn.executemany(seed.INSERT_JOB, map(seed.job_row, jobs))
        conn.executemany(seed.INSERT_SESSION, map(seed.session_row, data.sessions(owner)))
    for statement in (*seed.INDEXES, *seed.TRIGGERS):
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def add_importer(conn: sqlite3.Connection, plan: Plan) -> None:
    """The owner that receives bulk imports, with its customers (untimed)."""
    with conn:
        conn.execute(seed.INSERT_USER, seed.user_row(plan.importer))
        conn.executemany(seed.INSERT_CUSTOMER, map(seed.customer_row, plan.importer_customers))


def export_owner(path: str, owner_id: str, out: str) -> None:
    """What a hand-written layer does: read everything of the owner, then write JSON."""
    conn = connect(path)
    conn.row_factory = sqlite3.Row
    customers = [
        dict(r) for r in conn.execute("SELECT * FROM customers WHERE user_id = ?", (owner_id,))
    ]
    jobs = [dict(r) for r in conn.execute("SELECT * FROM jobs WHERE user_id = ?", (owner_id,))]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"customers": customers, "jobs": jobs}, f)
    conn.close()


class BaselineSqlite:
    """Raw sqlite3 on the seed's schema: the figure every ratio is relative to."""

    name = "baseline"

    def __init__(self, workdir: str) -> None:
        self.path = os.path.join(workdir, "seed.db")
        self.conn: sqlite3.Connection | None = None

    def build(self, plan: Plan) -> None:
        build_seed_database(self.path, plan.data)
        self.conn = connect(self.path)

    def _conn(self) -> sqlite3.Connection:
        assert self.conn is not None, "build() first"
        return self.conn

    def dashboard(self, owner_id: str) -> dict[str, list[Any]]:
        conn = self._conn()
        return {key: conn.execute(sql, (owner_id,)).fetchall() for key, sql in DASHBOARD} | {
            "upcoming": conn.execute(UPCOMING, (owner_id, *UPCOMING_ARGS)).fetchall()
        }

    def listing(self, plan: Plan, case: OwnerCase, page: int) -> list[Any]:
        lst = plan.listing
        args = (
            case.owner_id, *lst.statuses, int(lst.paid), lst.due_from.isoformat(),
            lst.due_to.isoformat(), (page - 1) * PAGE_SIZE,
        )  # fmt: skip
        return self._conn().execute(LISTING, args).fetchall()

    def task(self, op: Any, plan: Plan) -> Task | Skipped:
        conn = self._conn()
        kind = op.kind
        case = plan.case(op.case) if op.case else plan.large
        owner = case.owner_id
        if kind in ("import", "import_convert"):
            return import_task(
                lambda: list(map(seed.job_row, plan.import_jobs)),
                self._import,
                lambda: add_importer(conn, plan),
                lambda: self._drop_importer(plan),
                convert=kind == "import_convert",
            )
        if kind == "create":
            return Task(lambda: self._create(plan), warmup=0)
        queries: dict[str, Any] = {
            "dashboard": lambda: self.dashboard(owner),
            "revenue": lambda: conn.execute(REVENUE, (owner,)).fetchone(),
            "revenue_by_month": lambda: conn.execute(
                REVENUE_BY_MONTH, (owner, str(YEAR))
            ).fetchall(),
            "history": lambda: conn.execute(HISTORY, (case.customer_id, owner)).fetchall(),
            "upcoming": lambda: conn.execute(UPCOMING, (owner, *UPCOMING_ARGS)).fetchall(),
            "list_first": lambda: self.listing(plan, case, 1),
            "list_later": lambda: self.listing(plan, case, case.later_page),
            "authenticate": lambda: self._authenticate(plan.token),
        }
        if kind in queries:
            return Task(queries[kind])
        return Skipped(f"no operation {op.key}")

    def _import(self, rows: list[tuple[object, ...]]) -> None:
        conn = self._conn()
        with conn:
            conn.executemany(seed.INSERT_JOB, rows)

    def _drop_importer(self, plan: Plan) -> None:
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM jobs WHERE user_id = ?", (plan.importer.id,))
            conn.execute("DELETE FROM customers WHERE user_id = ?", (plan.importer.id,))
            conn.execute("DELETE FROM users WHERE id = ?", (plan.importer.id,))

    def _create(self, plan: Plan) -> None:
        conn = self._conn()
        now = seed.iso(NOW_MS)
        row = (
            str(uuid.uuid4()), plan.large.owner_id, plan.large.customer_id, "Gutter cleaning",
            "annual maintenance visit", "pending", 180.0, None, 2.5, None,
            (TODAY + timedelta(days=3)).isoformat(), 0, None, now, now,
        )  # fmt: skip
        conn.execute(seed.INSERT_JOB, row)
        conn.commit()

    def _authenticate(self, token: str) -> str:
        found = self._conn().execute(AUTHENTICATE, (token,)).fetchone()
        if found is None or found[1] <= seed.iso(NOW_MS):
            raise LookupError("unknown or expired session")
        user_id: str = found[0]
        return user_id

    def export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        from bench.export_probe import run_probe

        return run_probe("baseline", self.path, plan.large.owner_id, out)

    def flush(self) -> None:
        """Nothing: SQLite writes through the operating system (see ``timing.synced``)."""

    def analyze(self) -> None:
        conn = self._conn()
        conn.execute("ANALYZE")
        conn.commit()
        conn.close()
        self.conn = connect(self.path)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def scalar_checks(self, plan: Plan) -> Iterable[tuple[str, object]]:
        """Figures every column must agree on (rounded to the cent)."""
        revenue = self._conn().execute(REVENUE, (plan.large.owner_id,)).fetchone()[0] or 0.0
        yield "revenue@large", round(revenue, 2)
