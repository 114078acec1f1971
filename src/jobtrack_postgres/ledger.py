"""Schema version 6: the payments ledger.

- ``payments``: one row per payment, keyed ``(user_id, id)`` like every record of a
  business, referencing the owner's job ``(user_id, job_id)`` with ``ON DELETE
  CASCADE`` (a payment goes with its job, hence with its customer and its account). The
  amount is ``bigint`` cents (``amount_cents``, more than 0), readable in currency units
  from the generated ``amount``; kind and method are checked against their names; a
  payment is voided with both ``voided_at`` and ``void_reason``, or neither.
- ``jobs.amount_paid_cents`` (and the generated ``amount_paid``): what the job's
  standing payments add up to, which the library keeps in step with the ledger, and a
  CHECK that states :func:`jobtrack_core.entities.covered`: a completed job with a
  positive actual cost is paid exactly when ``amount_paid_cents`` covers it.
- indexes for a job's payments and an owner's payments by the day they were received
  (both in the ledger's order), for the partly paid jobs (the "stalled" reminder) and
  the pending jobs holding money (the "deposit taken" reminder).
- the history may speak of payments, and of voiding one.
- ``owner_totals`` and ``customer_totals`` gain the figures of
  :class:`~jobtrack_core.reports.Balances` (:data:`BALANCES`), kept by the same
  triggers and deltas as every other running total (:mod:`jobtrack_postgres.deltas`).

The migration gives every job that was paid and has an actual cost the one payment
:func:`jobtrack_core.ledger.opening_payment` says it stands for (in the account's own
calendar, else UTC), with its ``created`` history entry, numbered after the business's
changes so far, and sets the job's ``amount_paid`` to its cost: ``paid`` and every figure
stay as they were. The job has then changed, as ``mark_paid`` would have changed it: its
``version`` goes up by one, and its ``updated`` entry (``amount_paid`` from 0.00 to its
cost), made when the payment was recorded, is numbered right after the payment's, so that
a feed client that synced before the migration is given the job again with its payment.
Its ``updated_at`` stays as it was: the business did not change the job then.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import psycopg
from psycopg.types.json import Jsonb

from jobtrack_core.clock import uuid7_ids
from jobtrack_core.entities import Action, FieldChange, Job, Payment, RecordKind
from jobtrack_core.history import listed, plain
from jobtrack_core.ledger import opening_payment
from jobtrack_core.money import ZERO, to_minor
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.status import JobStatus
from jobtrack_postgres import cash, deltas, totals
from jobtrack_postgres.notions import in_status, open_work

_MAX_CENTS = 999_999_999_999
_DONE = in_status(JobStatus.COMPLETED, "r")
_CANCELLED = in_status(JobStatus.CANCELLED, "r")
_COST = "coalesce(r.actual_cost_cents, 0)"
_BALANCE = f"({_COST} - r.amount_paid_cents)"
_OWED = f"{_DONE} AND {_BALANCE} > 0"
_DEPOSIT = f"{open_work('r')} AND r.amount_paid_cents > 0"
_CREDIT = f"r.amount_paid_cents > 0 AND ({_CANCELLED} OR ({_DONE} AND {_BALANCE} < 0))"

#: The running totals' column -> one job row ``r``'s contribution, for
#: :class:`~jobtrack_core.reports.Balances` (in the order of ``Balances.of_minor``).
BALANCES = {
    "due_cents": f"CASE WHEN {_DONE} THEN {_COST} ELSE 0 END",
    "amount_paid_cents": "r.amount_paid_cents",
    "owed_cents": f"CASE WHEN {_OWED} THEN {_BALANCE} ELSE 0 END",
    "owed_jobs": f"({_OWED})::int",
    "deposit_cents": f"CASE WHEN {_DEPOSIT} THEN r.amount_paid_cents ELSE 0 END",
    "deposit_jobs": f"({_DEPOSIT})::int",
    "credit_cents": (
        f"CASE WHEN {_CANCELLED} THEN r.amount_paid_cents "
        f"WHEN {_DONE} THEN greatest(-{_BALANCE}, 0) ELSE 0 END"
    ),
    "credit_jobs": f"({_CREDIT})::int",
}

#: The running totals since version 6.
FIGURES = deltas.Figures({**totals.OWNER, **BALANCES}, {**totals.CUSTOMER, **BALANCES})
#: The columns of ``owner_totals`` a report reads after ``customers``, in the order of
#: :meth:`~jobtrack_core.reports.OwnerTotals.of_row`.
OWNER_FIGURES = tuple(FIGURES.owner)
#: Every total recomputed from the tables, in the calling transaction (for checks).
REBUILD = (*cash.REBUILD, *deltas.rebuild(FIGURES))

_TEXT = 'text COLLATE "C"'

_TABLES = (
    f"""
    ALTER TABLE jobs
        ADD COLUMN amount_paid_cents bigint NOT NULL DEFAULT 0,
        ADD COLUMN amount_paid numeric(12, 2)
            GENERATED ALWAYS AS (amount_paid_cents / 100.0) STORED,
        ADD CONSTRAINT jobs_amount_paid_check
            CHECK (amount_paid_cents BETWEEN 0 AND {_MAX_CENTS})
    """,
    f"""
    CREATE TABLE payments (
        id           {_TEXT} NOT NULL,
        user_id      {_TEXT} NOT NULL,
        job_id       {_TEXT} NOT NULL,
        kind         {_TEXT} NOT NULL,
        method       {_TEXT} NOT NULL,
        amount_cents bigint NOT NULL,
        received_on  date NOT NULL,
        reference    {_TEXT},
        note         {_TEXT},
        recorded_at  timestamptz NOT NULL,
        by_mark_paid boolean NOT NULL DEFAULT false,
        voided_at    timestamptz,
        void_reason  {_TEXT},
        version      integer NOT NULL DEFAULT 1,
        amount       numeric(12, 2) GENERATED ALWAYS AS (amount_cents / 100.0) STORED,
        CONSTRAINT payments_pkey PRIMARY KEY (user_id, id),
        CONSTRAINT payments_kind_check CHECK (kind IN ('deposit', 'payment', 'refund')),
        CONSTRAINT payments_method_check
            CHECK (method IN ('cash', 'card', 'check', 'bank_transfer', 'other')),
        CONSTRAINT payments_amount_check CHECK (amount_cents BETWEEN 1 AND {_MAX_CENTS}),
        CONSTRAINT payments_void_check CHECK ((voided_at IS NULL) = (void_reason IS NULL)),
        CONSTRAINT payments_version_check CHECK (version >= 1),
        CONSTRAINT payments_job_fkey FOREIGN KEY (user_id, job_id)
            REFERENCES jobs (user_id, id) ON DELETE CASCADE
    )
    """,
    # A job's payments, and the owner's, in the ledger's order.
    "CREATE INDEX payments_job_idx ON payments (user_id, job_id, received_on, recorded_at, id)",
    # Cash received reads only what the index includes.
    """
    CREATE INDEX payments_owner_received_idx ON payments (user_id, received_on, recorded_at, id)
        INCLUDE (kind, method, amount_cents, voided_at)
    """,
    # The reminders: partly paid completed jobs, and pending jobs holding money.
    """
    CREATE INDEX jobs_owner_partly_paid_idx ON jobs (user_id, completed_at, id)
        WHERE status = 'completed' AND NOT paid AND amount_paid_cents > 0
    """,
    """
    CREATE INDEX jobs_owner_deposit_idx ON jobs (user_id, id)
        WHERE status = 'pending' AND amount_paid_cents > 0
    """,
    # The history speaks of payments, and of voiding one.
    """
    ALTER TABLE history
        DROP CONSTRAINT history_action_check,
        DROP CONSTRAINT history_kind_check,
        ADD CONSTRAINT history_action_check CHECK (
            action IN ('created', 'updated', 'moved', 'paid', 'unpaid', 'voided', 'deleted')
        ),
        ADD CONSTRAINT history_kind_check CHECK (kind IN ('customer', 'job', 'payment'))
    """,
    # The running totals' new figures.
    *(
        f"ALTER TABLE {table}_{part} "
        + ", ".join(f"ADD COLUMN {c} bigint NOT NULL DEFAULT 0" for c in BALANCES)
        for table in ("owner_totals", "customer_totals")
        for part in ("base", "delta")
    ),
)

_TOTALS = (
    "DROP VIEW owner_totals",
    "DROP VIEW customer_totals",
    deltas.view("owner_totals", FIGURES),
    deltas.view("customer_totals", FIGURES),
    deltas.fold({}, "CREATE OR REPLACE", FIGURES, cash.FOLD),
    *deltas.job_functions({}, FIGURES),
)


#: A step of a migration that is more than SQL: run with the migration's connection, in
#: its transaction.
Step = Callable[[psycopg.Connection[Any]], None]


def _sums() -> str:
    return ", ".join(f"coalesce(sum({e}), 0)" for e in BALANCES.values())


_SET = ", ".join(f"{c} = excluded.{c}" for c in BALANCES)

#: The new figures of the jobs already there (the triggers keep them from now on).
_BACKFILL = (
    f"""
    INSERT INTO owner_totals_base AS t (user_id, {", ".join(BALANCES)})
    SELECT r.user_id, {_sums()} FROM jobs r GROUP BY r.user_id ORDER BY 1
    ON CONFLICT (user_id) DO UPDATE SET {_SET}
    """,
    f"""
    INSERT INTO customer_totals_base AS t (customer_id, user_id, {", ".join(BALANCES)})
    SELECT r.customer_id, r.user_id, {_sums()} FROM jobs r
    GROUP BY r.user_id, r.customer_id ORDER BY 2, 1
    ON CONFLICT (user_id, customer_id) DO UPDATE SET {_SET}
    """,
)

#: The ledger's rule for ``paid``, checked once every paid job holds its payment.
_COVERED = """
    ALTER TABLE jobs ADD CONSTRAINT jobs_covered_check CHECK (
        status <> 'completed' OR actual_cost_cents IS NULL OR actual_cost_cents = 0
        OR paid = (amount_paid_cents >= actual_cost_cents)
    )
"""

# -- the payments of the jobs paid before the ledger -----------------------------------

#: The columns of a job as version 6 reads it, with ``amount_paid`` as the migration
#: sets it (its actual cost), and the account's calendar.
_PAID_JOBS = """
    SELECT u.timezone, u.week_start, j.id, j.user_id, j.customer_id, j.title, j.description,
        j.status, j.estimated_cost, j.actual_cost, j.estimated_hours, j.actual_hours,
        j.due_date, j.paid, j.paid_at, j.completed_at, j.created_at, j.updated_at, j.version,
        j.actual_cost AS amount_paid
    FROM jobs j JOIN users u ON u.id = j.user_id
    WHERE j.paid AND j.actual_cost_cents > 0
    ORDER BY j.user_id, coalesce(j.paid_at, j.completed_at, j.updated_at), j.id
"""
_JOB_NAMES = (
    *("id", "user_id", "customer_id", "title", "description", "status", "estimated_cost"),
    *("actual_cost", "estimated_hours", "actual_hours", "due_date", "paid", "paid_at"),
    *("completed_at", "created_at", "updated_at", "version", "amount_paid"),
)
_INSERT_PAYMENTS = """
    INSERT INTO payments (id, user_id, job_id, kind, method, amount_cents, received_on,
        reference, note, recorded_at, by_mark_paid)
    SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
        %s::bigint[], %s::date[], %s::text[], %s::text[], %s::timestamptz[], %s::boolean[])
"""
_INSERT_ENTRIES = """
    INSERT INTO history (user_id, seq, at, actor_id, source, action, kind, record_id, changes)
    SELECT o, s, a, w, 'library', n, k, r, c
    FROM unnest(%s::text[], %s::bigint[], %s::timestamptz[], %s::text[], %s::text[],
        %s::text[], %s::text[], %s::jsonb[]) AS x(o, s, a, w, n, k, r, c)
"""
_BATCH = 1000


def _job(row: tuple[Any, ...]) -> Job:
    values = dict(zip(_JOB_NAMES, row, strict=True))
    values["status"] = JobStatus(values["status"])
    return Job.from_store(
        *(values.get(a.name, a.default) for a in attrs.fields(Job))  # fields in their order
    )


def _paid_jobs(conn: psycopg.Connection[Any]) -> Iterator[tuple[BusinessCalendar, Job]]:
    default = BusinessCalendar()
    with conn.cursor(name="jobtrack_v6_paid_jobs") as cursor:
        cursor.itersize = _BATCH
        cursor.execute(_PAID_JOBS)
        for timezone, week_start, *row in cursor:
            calendar = default if timezone is None else BusinessCalendar(timezone, int(week_start))
            yield calendar, _job(tuple(row))


def _entries(payment: Payment) -> tuple[tuple[Action, RecordKind, str, Jsonb], ...]:
    """The history entries of a job's opening payment, in their order: the payment
    created, then the job updated to hold it (as ``mark_paid`` records the job)."""
    from jobtrack_postgres.history import changes_json  # here: history imports schema

    assert payment.job_id is not None  # an opening payment is for its job
    made = tuple(FieldChange(k, None, v) for k, v in listed(payment).items())
    held = (FieldChange("amount_paid", plain(ZERO), plain(payment.amount)),)
    return (
        (Action.CREATED, RecordKind.PAYMENT, payment.id, changes_json(made)),
        (Action.UPDATED, RecordKind.JOB, payment.job_id, changes_json(held)),
    )


def open_ledger(conn: psycopg.Connection[Any]) -> None:
    """Give every job paid before the ledger its payment, with the history entries of
    the payment and of the job (:data:`OPENED` then updates the job)."""
    conn.execute("SET LOCAL TimeZone TO 'UTC'")  # datetimes as the library keeps them
    heads = dict(conn.execute("SELECT user_id, head FROM history_heads").fetchall())
    taken: dict[str, int] = {}
    jobs = _paid_jobs(conn)
    while batch := list(itertools.islice(jobs, _BATCH)):
        made: list[Payment] = []
        for calendar, job in batch:
            payment = opening_payment(job, calendar, uuid7_ids())
            assert payment is not None  # paid, with a cost
            made.append(payment)
        conn.execute(
            _INSERT_PAYMENTS,
            [
                [p.id for p in made],
                [p.user_id for p in made],
                [p.job_id for p in made],
                [p.kind.value for p in made],
                [p.method.value for p in made],
                [to_minor(p.amount) for p in made],
                [p.received_on for p in made],
                [p.reference for p in made],
                [p.note for p in made],
                [p.recorded_at for p in made],
                [p.by_mark_paid for p in made],
            ],
        )
        rows: list[tuple[Any, ...]] = []
        for p in made:
            for action, kind, record_id, changes in _entries(p):
                taken[p.user_id] = taken.get(p.user_id, 0) + 1
                seq = int(heads.get(p.user_id, 0)) + taken[p.user_id]
                at, actor = p.recorded_at, p.user_id  # by its owner, when it was recorded
                rows.append(
                    (p.user_id, seq, at, actor, action.value, kind.value, record_id, changes)
                )
        conn.execute(_INSERT_ENTRIES, [list(column) for column in zip(*rows, strict=True)])
    for owner_id, count in sorted(taken.items()):
        conn.execute(
            "INSERT INTO history_heads AS t (user_id, head) VALUES (%s, %s) "
            "ON CONFLICT (user_id) DO UPDATE SET head = t.head + excluded.head",
            (owner_id, count),
        )


#: The jobs given their payment by :func:`open_ledger` hold it, and have changed once.
OPENED = """
    UPDATE jobs SET amount_paid_cents = actual_cost_cents, version = version + 1
    WHERE paid AND actual_cost_cents > 0
"""

V6: tuple[str | Step, ...] = (
    *_TABLES,
    open_ledger,
    OPENED,
    *_TOTALS,
    *cash.V6,
    *_BACKFILL,
    _COVERED,
)

__all__ = ["BALANCES", "FIGURES", "OPENED", "OWNER_FIGURES", "REBUILD", "V6", "Step", "open_ledger"]
