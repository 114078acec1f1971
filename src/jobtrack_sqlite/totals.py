"""Running totals, kept by triggers, for the reports (since schema version 2).

The dashboard and revenue must not cost in proportion to an owner's jobs, so
SQLite keeps, next to the seed's tables:

- ``owner_totals``: per owner (by number), customers, jobs per status, revenue (paid jobs'
  actual cost), receivables (completed, unpaid) and pipeline (estimated cost
  of pending and in-progress jobs), each as cents and a job count, and the
  balances (:data:`BALANCES`: amount due, amount paid, owed, deposits, credits);
- ``paid_days``: per owner and UTC day of ``paid_at``, the paid jobs' actual
  cost and count (a year's revenue by month reads at most 366 rows, and the
  partial days at a period's ends come from the ``idx_jobs_owner_paid`` index);
- ``customer_totals``: per customer (by owner number and customer id), the figures
  of the customer list, the customer statistics and estimate accuracy, the
  customer's balances, and the newest job's ``created_at_us``;
- ``open_due_days``: per owner and due date, how many pending and in-progress
  jobs are due then (the dashboard's overdue count reads one row per day).

Row triggers keep them exact on every update and delete of a job (hand edits and
cascades included) and on every insert and delete of a customer or user. New
jobs are counted as the store inserts them: one by one by a trigger that each of
the store's connections creates for itself (a TEMP trigger, :data:`INSERT_TRIGGER`,
not kept in the file), and in bulk by
:meth:`~jobtrack_sqlite.repositories.SqliteJobs.add_many`, which sets the trigger
aside (running it for every row would cost more than the insert itself) and adds
the batch's totals with four aggregate statements over the rows just inserted
(:func:`catch_up`). Jobs inserted by another program, outside jobtrack, are
counted after :func:`rebuild`.

Every figure is generated from one table of per-row contributions
(:data:`OWNER`, :data:`CUSTOMER`), used both by the triggers (``NEW.x``,
``OLD.x``) and by the aggregates (``sum(x)``), so the two cannot drift apart.
"""

from __future__ import annotations

import sqlite3

from jobtrack_core.status import JobStatus
from jobtrack_sqlite import rules
from jobtrack_sqlite.schema import utc_day

#: The row a contribution reads, filled in later (``NEW``, ``OLD`` or a table alias).
_R = "{r}"


def _money(condition: str, column: str) -> str:
    return f"CASE WHEN {condition} THEN coalesce({_R}.{column}, 0) ELSE 0 END"


_COMPLETED = rules.is_status(JobStatus.COMPLETED, _R)
_PAID = rules.is_revenue(_R)
_COST_KNOWN = (
    f"{_COMPLETED} AND {_R}.estimated_cost_cents IS NOT NULL AND {_R}.actual_cost_cents IS NOT NULL"
)
_HOURS_KNOWN = (
    f"{_COMPLETED} AND {_R}.estimated_hours_hundredths IS NOT NULL"
    f" AND {_R}.actual_hours_hundredths IS NOT NULL"
)

#: What a job row holds, and what it is due (its actual cost once completed).
_HELD = f"{_R}.amount_paid_cents"
_DUE = _money(_COMPLETED, "actual_cost_cents")
#: A completed job's balance: amount due less what it holds.
_BALANCE = f"({_DUE} - {_HELD})"
_OWES = f"{_COMPLETED} AND {_BALANCE} > 0"
_DEPOSIT = f"{rules.is_open(_R)} AND {_HELD} > 0"
_CANCELLED = rules.is_status(JobStatus.CANCELLED, _R)
_CREDIT = f"({_CANCELLED} AND {_HELD} > 0) OR ({_COMPLETED} AND {_BALANCE} < 0)"

#: The eight figures of :class:`jobtrack_core.reports.Balances` (in its order), as one job
#: row's contributions: its amount due, what it holds, then what it owes, holds as a
#: deposit and holds as credit (cents and jobs), from :class:`jobtrack_core.entities.Job`'s
#: rules.
BALANCES = {
    "due_cents": _DUE,
    "held_cents": _HELD,
    "owed_cents": f"CASE WHEN {_OWES} THEN {_BALANCE} ELSE 0 END",
    "owed_jobs": _OWES,
    "deposit_cents": f"CASE WHEN {_DEPOSIT} THEN {_HELD} ELSE 0 END",
    "deposit_jobs": _DEPOSIT,
    "credit_cents": (
        f"CASE WHEN {_CANCELLED} THEN {_HELD} WHEN {_COMPLETED} AND {_BALANCE} < 0"
        f" THEN -{_BALANCE} ELSE 0 END"
    ),
    "credit_jobs": _CREDIT,
}

#: owner_totals column -> one job row's contribution (``{r}`` is NEW, OLD or a table alias).
OWNER = {
    **{status.value: rules.is_status(status, _R) for status in JobStatus},
    "paid_cents": _money(_PAID, "actual_cost_cents"),
    "paid_jobs": _PAID,
    "receivable_cents": _money(rules.is_receivable(_R), "actual_cost_cents"),
    "receivable_jobs": rules.is_receivable(_R),
    "pipeline_cents": _money(rules.is_open(_R), "estimated_cost_cents"),
    "pipeline_jobs": rules.is_open(_R),
    **BALANCES,
}

#: customer_totals column -> one job row's contribution.
CUSTOMER = {
    "jobs": "1",
    "completed": _COMPLETED,
    "earned_cents": _money(f"{_COMPLETED} AND {_PAID}", "actual_cost_cents"),
    "unpaid_cents": _money(f"NOT ({_PAID})", "actual_cost_cents"),
    "paid_cents": _money(_PAID, "actual_cost_cents"),
    "paid_jobs": _PAID,
    "cost_jobs": _COST_KNOWN,
    "estimated_cost_cents": _money(_COST_KNOWN, "estimated_cost_cents"),
    "actual_cost_cents": _money(_COST_KNOWN, "actual_cost_cents"),
    "hours_jobs": _HOURS_KNOWN,
    "estimated_hours": _money(_HOURS_KNOWN, "estimated_hours_hundredths"),
    "actual_hours": _money(_HOURS_KNOWN, "actual_hours_hundredths"),
    **BALANCES,
}

#: The columns whose change can change a total.
WATCHED = (
    "owner",
    "user_id",
    "customer_id",
    "status",
    "paid",
    "paid_at_us",
    "actual_cost_cents",
    "estimated_cost_cents",
    "actual_hours_hundredths",
    "estimated_hours_hundredths",
    "created_at_us",
    "due_date",
    "amount_paid_cents",
)
_PAID_DATED = f"{_PAID} AND {_R}.paid_at_us IS NOT NULL"
_OPEN_DUE = f"{rules.is_open(_R)} AND {_R}.due_date IS NOT NULL"


def _of(row: str, expressions: dict[str, str]) -> dict[str, str]:
    return {column: f"({e.format(r=row)})" for column, e in expressions.items()}


def _integers(columns: dict[str, str]) -> str:
    return ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in columns)


TABLES = (
    f"""CREATE TABLE owner_totals (
    owner INTEGER NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    {_integers(OWNER)}
) STRICT""",
    """CREATE TABLE paid_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
) STRICT, WITHOUT ROWID""",
    f"""CREATE TABLE customer_totals (
    owner INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    {_integers(CUSTOMER)},
    last_job_at_us INTEGER,
    PRIMARY KEY (owner, customer_id)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    owner INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, due_date)
) STRICT, WITHOUT ROWID""",
)


def _add(row: str) -> str:
    """Statements adding one job row's contributions."""
    owner, customer = _of(row, OWNER), _of(row, CUSTOMER)
    paid = _PAID_DATED.format(r=row)
    return f"""
    INSERT INTO owner_totals (owner, {", ".join(owner)})
    VALUES ({row}.owner, {", ".join(owner.values())})
    ON CONFLICT (owner) DO UPDATE SET {", ".join(f"{c} = {c} + excluded.{c}" for c in owner)};
    INSERT INTO customer_totals (owner, customer_id, {", ".join(customer)}, last_job_at_us)
    VALUES ({row}.owner, {row}.customer_id, {", ".join(customer.values())}, {row}.created_at_us)
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        {", ".join(f"{c} = {c} + excluded.{c}" for c in customer)},
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us);
    INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT {row}.owner, {utc_day(f"{row}.paid_at_us")}, coalesce({row}.actual_cost_cents, 0), 1
    WHERE {paid}
    ON CONFLICT (owner, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT {row}.owner, {row}.due_date, 1 WHERE {_OPEN_DUE.format(r=row)}
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + 1;"""


def _remove(row: str) -> str:
    """Statements taking one job row's contributions away."""
    owner, customer = _of(row, OWNER), _of(row, CUSTOMER)
    paid = _PAID_DATED.format(r=row)
    open_due = _OPEN_DUE.format(r=row)
    day = f"owner = {row}.owner AND day = {utc_day(f'{row}.paid_at_us')}"
    return f"""
    UPDATE owner_totals SET {", ".join(f"{c} = {c} - {e}" for c, e in owner.items())}
    WHERE owner = {row}.owner;
    UPDATE customer_totals SET
        {", ".join(f"{c} = {c} - {e}" for c, e in customer.items())},
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = {row}.owner AND customer_id = {row}.customer_id
        )
    WHERE owner = {row}.owner AND customer_id = {row}.customer_id;
    UPDATE paid_days SET cents = cents - coalesce({row}.actual_cost_cents, 0), jobs = jobs - 1
    WHERE {paid} AND {day};
    DELETE FROM paid_days WHERE {paid} AND {day} AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE {open_due} AND owner = {row}.owner AND due_date = {row}.due_date;
    DELETE FROM open_due_days
    WHERE {open_due} AND owner = {row}.owner AND due_date = {row}.due_date AND jobs = 0;"""


_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)

TRIGGERS = (
    f"""CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN{_remove("OLD")}
END""",
    f"""CREATE TRIGGER jobs_totals_update AFTER UPDATE OF {", ".join(WATCHED)} ON jobs
WHEN {_CHANGED}
BEGIN{_remove("OLD")}{_add("NEW")}
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (owner, customers) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner AND customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE owner = OLD.owner;
    DELETE FROM paid_days WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner;
    DELETE FROM open_due_days WHERE owner = OLD.owner;
END""",
)


#: Counts each job a connection of the store inserts, as it is inserted. A TEMP trigger
#: belongs to one connection and is not in the file: each connection of the store
#: creates its own (:func:`count_inserts`), and ``add_many`` sets it aside while it
#: inserts a batch, then adds the batch's totals at once (:func:`catch_up`).
INSERT_TRIGGER = f"""CREATE TEMP TRIGGER IF NOT EXISTS jobs_totals_insert
AFTER INSERT ON main.jobs
BEGIN{_add("NEW")}
END"""


def count_inserts(connection: sqlite3.Connection, *, on: bool = True) -> None:
    """Count each job this connection inserts from now on (``on``), or stop counting."""
    connection.execute(INSERT_TRIGGER if on else "DROP TRIGGER IF EXISTS temp.jobs_totals_insert")


def _sums(expressions: dict[str, str]) -> str:
    return ", ".join(f"sum({e})" for e in _of("j", expressions).values())


_PAID_DAY = utc_day("j.paid_at_us")

#: The totals of the job rows with ``rowid > ?``, added in four statements.
#: ``NOT INDEXED`` keeps the planner on the rowid range (a few new rows) instead of
#: walking a whole owner index to get rows grouped by owner.
CATCH_UP = (
    f"""INSERT INTO owner_totals (owner, {", ".join(OWNER)})
    SELECT j.owner, {_sums(OWNER)} FROM jobs AS j NOT INDEXED WHERE j.rowid > ?1
    GROUP BY j.owner
    ON CONFLICT (owner) DO UPDATE SET {", ".join(f"{c} = {c} + excluded.{c}" for c in OWNER)}""",
    f"""INSERT INTO customer_totals (owner, customer_id, {", ".join(CUSTOMER)}, last_job_at_us)
    SELECT j.owner, j.customer_id, {_sums(CUSTOMER)}, max(j.created_at_us)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > ?1 GROUP BY j.owner, j.customer_id
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        {", ".join(f"{c} = {c} + excluded.{c}" for c in CUSTOMER)},
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us)""",
    f"""INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT j.owner, {_PAID_DAY}, sum(coalesce(j.actual_cost_cents, 0)), count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > ?1 AND {_PAID_DATED.format(r="j")}
    GROUP BY j.owner, {_PAID_DAY}
    ON CONFLICT (owner, day) DO UPDATE SET
        cents = cents + excluded.cents, jobs = jobs + excluded.jobs""",
    f"""INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT j.owner, j.due_date, count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > ?1 AND {_OPEN_DUE.format(r="j")}
    GROUP BY j.owner, j.due_date
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + excluded.jobs""",
)


def last_rowid(connection: sqlite3.Connection) -> int:
    """The largest rowid of ``jobs``: rows inserted from now on come after it."""
    since: int = connection.execute("SELECT coalesce(max(rowid), 0) FROM jobs").fetchone()[0]
    return since


def catch_up(connection: sqlite3.Connection, since: int) -> None:
    """Add the totals of the jobs inserted after rowid ``since`` (in this transaction)."""
    for statement in CATCH_UP:
        connection.execute(statement, (since,))


def rebuild(connection: sqlite3.Connection) -> None:
    """Compute every total afresh from the tables (after hand inserts, or to check)."""
    for table in ("owner_totals", "paid_days", "customer_totals", "open_due_days"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute(
        "INSERT INTO owner_totals (owner, customers)"
        " SELECT owner, count(*) FROM customers GROUP BY owner"
    )
    catch_up(connection, 0)


__all__ = [
    "BALANCES",
    "CATCH_UP",
    "CUSTOMER",
    "INSERT_TRIGGER",
    "OWNER",
    "TABLES",
    "TRIGGERS",
    "catch_up",
    "count_inserts",
    "last_rowid",
    "rebuild",
]
