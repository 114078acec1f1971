"""Schema version 2: running totals, kept by statement triggers, for the reports.

The dashboard and revenue must not cost in proportion to an owner's jobs, so
PostgreSQL keeps, next to the seed's tables:

- ``owner_totals``: per owner, customers, jobs per status, revenue (paid jobs'
  actual cost), receivables (completed, unpaid) and pipeline (estimated cost of
  pending and in-progress jobs), each as cents and a job count;
- ``paid_days``: per owner and UTC day of ``paid_at``, the paid jobs' actual cost
  and count (a year's revenue by month reads at most 366 rows; the partial days
  at a period's ends come from ``jobs_owner_paid_idx``);
- ``customer_totals``: per customer, the figures of the customer list, the
  customer statistics and estimate accuracy, and the newest job's ``created_at``;
- ``open_due_days``: per owner and due date, how many pending and in-progress
  jobs are due then (the dashboard's overdue count reads one row per day).

The tables leave half of each page free (``fillfactor = 50``), so that most
updates of a total are HOT updates that PostgreSQL prunes as it goes.
``AFTER ... FOR EACH STATEMENT`` triggers with transition tables keep them exact
for every statement that inserts, updates or deletes rows, hand edits and
cascades included: a ``COPY`` of a thousand jobs costs one aggregate, not a
thousand. Every figure is generated from one table of per-row contributions
(:data:`OWNER`, :data:`CUSTOMER`), so the triggers and the backfill that a
version 1 database gets cannot drift apart.
"""

from __future__ import annotations

from jobtrack_core.status import JobStatus
from jobtrack_postgres.notions import in_status, open_work, receivable, revenue


def _money(condition: str, column: str) -> str:
    return f"CASE WHEN {condition} THEN coalesce(r.{column}, 0) ELSE 0 END"


_DONE = in_status(JobStatus.COMPLETED, "r")
_PAID = revenue("r")
_COST_KNOWN = f"{_DONE} AND r.estimated_cost_cents IS NOT NULL AND r.actual_cost_cents IS NOT NULL"
_HOURS_KNOWN = f"{_DONE} AND r.estimated_hours IS NOT NULL AND r.actual_hours IS NOT NULL"

#: owner_totals column -> one job row's contribution (the row is ``r``).
OWNER = {
    **{s.value: f"({in_status(s, 'r')})::int" for s in JobStatus},
    "paid_cents": _money(_PAID, "actual_cost_cents"),
    "paid_jobs": f"{_PAID}::int",
    "receivable_cents": _money(receivable("r"), "actual_cost_cents"),
    "receivable_jobs": f"({receivable('r')})::int",
    "pipeline_cents": _money(open_work("r"), "estimated_cost_cents"),
    "pipeline_jobs": f"({open_work('r')})::int",
}

#: customer_totals column -> one job row's contribution.
CUSTOMER = {
    "jobs": "1",
    "completed": f"({_DONE})::int",
    "earned_cents": _money(f"{_DONE} AND {_PAID}", "actual_cost_cents"),
    "unpaid_cents": _money(f"NOT {_PAID}", "actual_cost_cents"),
    "paid_cents": _money(_PAID, "actual_cost_cents"),
    "paid_jobs": f"{_PAID}::int",
    "cost_jobs": f"({_COST_KNOWN})::int",
    "estimated_cost_cents": _money(_COST_KNOWN, "estimated_cost_cents"),
    "actual_cost_cents": _money(_COST_KNOWN, "actual_cost_cents"),
    "hours_jobs": f"({_HOURS_KNOWN})::int",
    "estimated_hours": _money(_HOURS_KNOWN, "estimated_hours"),
    "actual_hours": _money(_HOURS_KNOWN, "actual_hours"),
}
NUMERIC = {"estimated_hours", "actual_hours"}
PAID = f"{_PAID} AND r.paid_at IS NOT NULL"
DAY = "(r.paid_at AT TIME ZONE 'UTC')::date"
OPEN_DUE = f"{open_work('r')} AND r.due_date IS NOT NULL"
TEXT = 'text COLLATE "C"'


def _columns(expressions: dict[str, str]) -> str:
    return ",\n        ".join(
        f"{c} {'numeric(16, 2)' if c in NUMERIC else 'bigint'} NOT NULL DEFAULT 0"
        for c in expressions
    )


def _sums(expressions: dict[str, str]) -> str:
    return ", ".join(f"coalesce(sum({e}), 0) AS {c}" for c, e in expressions.items())


def _plus(expressions: dict[str, str], table: str = "t") -> str:
    return ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in expressions)


def _minus(expressions: dict[str, str], table: str = "t", source: str = "d") -> str:
    return ", ".join(f"{c} = {table}.{c} - {source}.{c}" for c in expressions)


TABLES = (
    f"""
    CREATE TABLE owner_totals (
        user_id {TEXT} NOT NULL PRIMARY KEY,
        customers bigint NOT NULL DEFAULT 0,
        {_columns(OWNER)}
    ) WITH (fillfactor = 50)
    """,
    f"""
    CREATE TABLE paid_days (
        user_id {TEXT} NOT NULL,
        day date NOT NULL,
        cents bigint NOT NULL,
        jobs bigint NOT NULL,
        PRIMARY KEY (user_id, day)
    ) WITH (fillfactor = 50)
    """,
    f"""
    CREATE TABLE customer_totals (
        customer_id {TEXT} NOT NULL PRIMARY KEY,
        user_id {TEXT} NOT NULL,
        {_columns(CUSTOMER)},
        last_job_at timestamptz
    ) WITH (fillfactor = 50)
    """,
    f"""
    CREATE TABLE open_due_days (
        user_id {TEXT} NOT NULL,
        due_date date NOT NULL,
        jobs bigint NOT NULL,
        PRIMARY KEY (user_id, due_date)
    ) WITH (fillfactor = 50)
    """,
    # Due-date order with the jobs without a due date last, in the index itself, so that a
    # due-date range seeks (version 1 led with the expression "due_date IS NULL").
    "DROP INDEX jobs_owner_due_idx",
    "CREATE INDEX jobs_owner_due_idx ON jobs (user_id, due_date NULLS LAST, id)",
    # Pending and in-progress jobs by due date: upcoming and overdue lists.
    f"CREATE INDEX jobs_owner_open_due_idx ON jobs (user_id, due_date, id) WHERE {open_work()}",
)


def add_rows(source: str) -> str:
    """SQL adding the totals of the job rows in ``source`` (a table or transition table)."""
    return f"""
    INSERT INTO owner_totals AS t (user_id, {", ".join(OWNER)})
    SELECT r.user_id, {_sums(OWNER)} FROM {source} r GROUP BY r.user_id ORDER BY r.user_id
    ON CONFLICT (user_id) DO UPDATE SET {_plus(OWNER)};
    INSERT INTO customer_totals AS t (customer_id, user_id, {", ".join(CUSTOMER)}, last_job_at)
    SELECT r.customer_id, min(r.user_id), {_sums(CUSTOMER)}, max(r.created_at)
    FROM {source} r GROUP BY r.customer_id ORDER BY r.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET {_plus(CUSTOMER)},
        last_job_at = greatest(t.last_job_at, excluded.last_job_at);
    INSERT INTO paid_days AS t (user_id, day, cents, jobs)
    SELECT r.user_id, {DAY}, sum(coalesce(r.actual_cost_cents, 0)), count(*)
    FROM {source} r WHERE {PAID} GROUP BY r.user_id, {DAY} ORDER BY 1, 2
    ON CONFLICT (user_id, day) DO UPDATE SET
        cents = t.cents + excluded.cents, jobs = t.jobs + excluded.jobs;
    INSERT INTO open_due_days AS t (user_id, due_date, jobs)
    SELECT r.user_id, r.due_date, count(*)
    FROM {source} r WHERE {OPEN_DUE} GROUP BY r.user_id, r.due_date ORDER BY 1, 2
    ON CONFLICT (user_id, due_date) DO UPDATE SET jobs = t.jobs + excluded.jobs;"""


def _remove_rows(source: str) -> str:
    """SQL taking away the totals of the job rows in ``source``."""
    return f"""
    UPDATE owner_totals t SET {_minus(OWNER)}
    FROM (SELECT r.user_id, {_sums(OWNER)} FROM {source} r GROUP BY r.user_id) d
    WHERE t.user_id = d.user_id;
    UPDATE customer_totals t SET {_minus(CUSTOMER)}, last_job_at = (
        SELECT max(j.created_at) FROM jobs j
        WHERE j.user_id = t.user_id AND j.customer_id = t.customer_id
    )
    FROM (SELECT r.customer_id, {_sums(CUSTOMER)} FROM {source} r GROUP BY r.customer_id) d
    WHERE t.customer_id = d.customer_id;
    UPDATE paid_days t SET cents = t.cents - d.cents, jobs = t.jobs - d.jobs
    FROM (
        SELECT r.user_id, {DAY} AS day, sum(coalesce(r.actual_cost_cents, 0)) AS cents,
            count(*) AS jobs
        FROM {source} r WHERE {PAID} GROUP BY r.user_id, {DAY}
    ) d
    WHERE t.user_id = d.user_id AND t.day = d.day;
    DELETE FROM paid_days t USING (SELECT DISTINCT r.user_id FROM {source} r) d
    WHERE t.user_id = d.user_id AND t.jobs = 0;
    UPDATE open_due_days t SET jobs = t.jobs - d.jobs
    FROM (
        SELECT r.user_id, r.due_date, count(*) AS jobs
        FROM {source} r WHERE {OPEN_DUE} GROUP BY r.user_id, r.due_date
    ) d
    WHERE t.user_id = d.user_id AND t.due_date = d.due_date;
    DELETE FROM open_due_days t USING (SELECT DISTINCT r.user_id FROM {source} r) d
    WHERE t.user_id = d.user_id AND t.jobs = 0;"""


def _function(name: str, body: str) -> str:
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN{body}
        RETURN NULL;
    END
    $$
    """


FUNCTIONS = (
    _function("jobtrack_jobs_inserted", add_rows("new_rows")),
    _function("jobtrack_jobs_deleted", _remove_rows("old_rows")),
    _function("jobtrack_jobs_updated", _remove_rows("old_rows") + add_rows("new_rows")),
    _function(
        "jobtrack_customers_inserted",
        """
    INSERT INTO owner_totals AS t (user_id, customers)
    SELECT user_id, count(*) FROM new_rows GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET customers = t.customers + excluded.customers;""",
    ),
    _function(
        "jobtrack_customers_deleted",
        """
    UPDATE owner_totals t SET customers = t.customers - d.customers
    FROM (SELECT user_id, count(*) AS customers FROM old_rows GROUP BY user_id) d
    WHERE t.user_id = d.user_id;
    DELETE FROM customer_totals WHERE customer_id IN (SELECT id FROM old_rows);""",
    ),
    _function(
        "jobtrack_users_deleted",
        """
    DELETE FROM owner_totals WHERE user_id IN (SELECT id FROM old_rows);
    DELETE FROM paid_days WHERE user_id IN (SELECT id FROM old_rows);
    DELETE FROM customer_totals WHERE user_id IN (SELECT id FROM old_rows);
    DELETE FROM open_due_days WHERE user_id IN (SELECT id FROM old_rows);""",
    ),
)


def _trigger(table: str, event: str, function: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[event]
    return (
        f"CREATE TRIGGER {table}_totals_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


TRIGGERS = (
    _trigger("jobs", "INSERT", "jobtrack_jobs_inserted"),
    _trigger("jobs", "DELETE", "jobtrack_jobs_deleted"),
    _trigger("jobs", "UPDATE", "jobtrack_jobs_updated"),
    _trigger("customers", "INSERT", "jobtrack_customers_inserted"),
    _trigger("customers", "DELETE", "jobtrack_customers_deleted"),
    _trigger("users", "DELETE", "jobtrack_users_deleted"),
)

#: Totals of the rows a version 1 database already holds.
BACKFILL = (
    "INSERT INTO owner_totals (user_id, customers) "
    "SELECT user_id, count(*) FROM customers GROUP BY user_id",
    *(s.strip() for s in add_rows("jobs").split(";") if s.strip()),
)

V2: tuple[str, ...] = (*TABLES, *FUNCTIONS, *TRIGGERS, *BACKFILL)

__all__ = [
    "CUSTOMER",
    "DAY",
    "NUMERIC",
    "OPEN_DUE",
    "OWNER",
    "PAID",
    "TEXT",
    "V2",
    "add_rows",
]
