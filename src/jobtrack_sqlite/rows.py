"""Rows and entities: the column lists the store reads and writes, how a row becomes
an entity and an entity becomes column values, and the SQL of a job filter."""

from __future__ import annotations

from datetime import date
from typing import Any

from jobtrack_core.entities import (
    Customer,
    Job,
    LoginSession,
    Payment,
    PaymentKind,
    PaymentMethod,
    User,
)
from jobtrack_core.errors import ValidationError
from jobtrack_core.money import from_minor
from jobtrack_core.queries import JobFilter, PaymentFilter
from jobtrack_core.status import JobStatus
from jobtrack_sqlite import columns as col
from jobtrack_sqlite.schema import OWNER

USER_COLUMNS = (
    "id, email, name, business_name, password_hash, created_at_us, updated_at_us,"
    " timezone, week_start"
)


def user_from_row(row: Any) -> User:
    *fields, created_at, updated_at, timezone, week_start = row
    timestamp = col.read_timestamp
    return User.from_store(
        *fields, timestamp(created_at), timestamp(updated_at), timezone, week_start
    )


def user_values(user: User) -> list[object]:
    """The user's column values, in the order of ``USER_COLUMNS`` after ``id``."""
    return [
        user.email,
        user.name,
        user.business_name,
        user.password_hash,
        col.timestamp(user.created_at, "created_at"),
        col.timestamp(user.updated_at, "updated_at"),
        user.timezone,
        user.week_start,
    ]


CUSTOMER_COLUMNS = (
    "id, user_id, name, email, phone, address, business_name, notes, created_at_us,"
    " updated_at_us, version"
)


def customer_from_row(row: Any) -> Customer:
    *fields, created_at, updated_at, version = row
    timestamp = col.read_timestamp
    return Customer.from_store(*fields, timestamp(created_at), timestamp(updated_at), version)


def customer_values(customer: Customer) -> list[object]:
    """The customer's column values, in the order of ``CUSTOMER_COLUMNS`` after ``user_id``."""
    c = customer
    return [
        c.name,
        c.email,
        c.phone,
        c.address,
        c.business_name,
        c.notes,
        col.timestamp(c.created_at, "created_at"),
        col.timestamp(c.updated_at, "updated_at"),
        c.version,
    ]


JOB_COLUMNS = (
    "id, user_id, customer_id, title, description, status, estimated_cost_cents,"
    " actual_cost_cents, estimated_hours_hundredths, actual_hours_hundredths, due_date,"
    " paid, paid_at_us, completed_at_us, created_at_us, updated_at_us, version, amount_paid_cents"
)
JOB_SELECT = f"SELECT {JOB_COLUMNS} FROM jobs"
NEWEST_FIRST = " ORDER BY created_at_us DESC, id DESC"


def walked(where: JobFilter, *, latest: bool = False) -> str:
    """The table of a listing newest first (``latest``: most recently changed first), with
    the index it walks in that order, filtering on the way, until it has a page.

    The index is named (``INDEXED BY``) because the planner, from its estimates, may
    prefer another and then sort every match to return the first few: a listing's
    cost must not depend on when ``ANALYZE`` last ran. A customer's jobs are walked
    in the customer's index (however many jobs the owner has, it reads only theirs).
    """
    if where.customer_id is not None:
        index = "idx_jobs_owner_customer"
    elif latest:
        index = "idx_jobs_owner_updated"
    else:
        index = "idx_jobs_owner_created"
    return f"jobs INDEXED BY {index}"


_STATUSES = {s.value: s for s in JobStatus}


#: Bound once: a listing builds tens of jobs a page, a bulk read millions.
_JOB = Job.from_store


def job_from_row(row: Any) -> Job:
    """A row of ``JOB_COLUMNS`` as a job (the hot path of every listing).

    A job's ``updated_at`` is usually the moment of its last change, so it often equals
    its ``created_at``, ``paid_at`` or ``completed_at`` to the microsecond: an equal
    timestamp is read once and the datetime shared (it is immutable).
    """
    (
        id_, user_id, customer_id, title, description, status, estimated_cost, actual_cost,
        estimated_hours, actual_hours, due_date, paid, paid_at, completed_at, created_at,
        updated_at, version, amount_paid,
    ) = row  # fmt: skip
    moment = col.read_timestamp
    created = moment(created_at)
    updated = created if updated_at == created_at else moment(updated_at)
    if paid_at is not None:
        paid_at = updated if paid_at == updated_at else moment(paid_at)
    if completed_at is not None:
        completed_at = updated if completed_at == updated_at else moment(completed_at)
    return _JOB(
        id_,
        user_id,
        customer_id,
        title,
        description,
        _STATUSES[status],
        None if estimated_cost is None else from_minor(estimated_cost),
        None if actual_cost is None else from_minor(actual_cost),
        None if estimated_hours is None else from_minor(estimated_hours),
        None if actual_hours is None else from_minor(actual_hours),
        None if due_date is None else date.fromisoformat(due_date),
        paid == 1,
        paid_at,
        completed_at,
        created,
        updated,
        version,
        from_minor(amount_paid),
    )


def job_values(job: Job) -> list[object]:
    """The job's column values, in the order of ``JOB_COLUMNS`` after ``user_id``."""
    return [
        job.customer_id,
        job.title,
        job.description,
        col.status(job.status),
        col.hundredths(job.estimated_cost, "estimated_cost"),
        col.hundredths(job.actual_cost, "actual_cost"),
        col.hundredths(job.estimated_hours, "estimated_hours"),
        col.hundredths(job.actual_hours, "actual_hours"),
        col.day(job.due_date, "due_date"),
        col.flag(job.paid, "paid"),
        col.optional_timestamp(job.paid_at, "paid_at"),
        col.optional_timestamp(job.completed_at, "completed_at"),
        col.timestamp(job.created_at, "created_at"),
        col.timestamp(job.updated_at, "updated_at"),
        job.version,
        col.hundredths(job.amount_paid, "amount_paid"),
    ]


def job_conditions(
    owner_id: str, where: JobFilter, *, walk: bool = False
) -> tuple[str, list[object]] | None:
    """The WHERE clause (and its parameters) of a job listing; None when nothing can match.

    With ``walk`` (for a query that walks an index, see :func:`walked`), the status
    and due-date terms are written ``+status`` and ``+due_date``, which tells SQLite
    not to look them up in an index but to check them on each job walked.
    """
    sql = [f"owner = {OWNER}"]
    params: list[object] = [owner_id]
    unindexed = "+" if walk else ""
    if where.statuses is not None:
        if not where.statuses:
            return None
        statuses = sorted(s.value for s in where.statuses)
        sql.append(f"{unindexed}status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if where.customer_id is not None:
        sql.append("customer_id = ?")
        params.append(where.customer_id)
    if where.paid is not None:
        # A literal, so that SQLite may use a partial index on paid (paid = 1).
        sql.append(f"paid = {int(where.paid):d}")
    if where.due_from is not None:
        sql.append(f"{unindexed}due_date >= ?")
        params.append(col.day(where.due_from, "due_from"))
    if where.due_to is not None:
        sql.append(f"{unindexed}due_date <= ?")
        params.append(col.day(where.due_to, "due_to"))
    if where.text:
        condition, needle = text_condition(where.text)
        sql.append(condition)
        params.extend((needle, needle))
    return " AND ".join(sql), params


def text_condition(text: str) -> tuple[str, str]:
    """Title or description contains ``text``, ignoring the case of ASCII letters only.

    SQLite's LIKE folds exactly the ASCII letters; ``\\``, ``%`` and ``_`` in the
    text are escaped so that they match only themselves.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')", f"%{escaped}%"


SESSION_COLUMNS = (
    "id, user_id, token_hash, created_at_us, expires_at_us, last_used_at_us, revoked_at_us"
)


def session_from_row(row: Any) -> LoginSession:
    id_, user_id, token_hash, created_at, expires_at, last_used_at, revoked_at = row
    timestamp = col.read_timestamp
    return LoginSession.from_store(
        id_,
        user_id,
        token_hash,
        timestamp(created_at),
        timestamp(expires_at),
        timestamp(last_used_at),
        None if revoked_at is None else timestamp(revoked_at),
    )


def session_values(s: LoginSession) -> list[object]:
    return [
        s.user_id,
        s.token_hash,
        col.timestamp(s.created_at, "created_at"),
        col.timestamp(s.expires_at, "expires_at"),
        col.timestamp(s.last_used_at, "last_used_at"),
        col.optional_timestamp(s.revoked_at, "revoked_at"),
    ]


#: A payment's columns: the key and job, the values of :func:`payment_values`, then the
#: invoice it was made to (since version 7).
PAYMENT_COLUMNS = (
    "id, user_id, job_id, kind, method, amount_cents, received_on, reference, note,"
    " recorded_at_us, by_mark_paid, voided_at_us, void_reason, version, invoice_id"
)
_KINDS = {k.value: k for k in PaymentKind}
_METHODS = {m.value: m for m in PaymentMethod}


def payment_from_row(row: Any) -> Payment:
    (
        id_, user_id, job_id, kind, method, amount, received_on, reference, note, recorded_at,
        by_mark_paid, voided_at, void_reason, version, invoice_id,
    ) = row  # fmt: skip
    return Payment.from_store(
        id_,
        user_id,
        job_id,
        _KINDS[kind],
        _METHODS[method],
        from_minor(amount),
        date.fromisoformat(received_on),
        reference,
        note,
        col.read_timestamp(recorded_at),
        by_mark_paid == 1,
        col.read_optional_timestamp(voided_at),
        void_reason,
        version,
        invoice_id,
    )


def payment_values(p: Payment) -> list[object]:
    """The payment's column values, in the order of ``PAYMENT_COLUMNS`` after ``job_id``
    and before ``invoice_id``."""
    amount = col.hundredths(p.amount, "amount")
    if not amount:
        raise ValidationError.single("amount", "must be more than 0")
    return [
        PaymentKind(p.kind).value,
        PaymentMethod(p.method).value,
        amount,
        col.day(p.received_on, "received_on"),
        p.reference,
        p.note,
        col.timestamp(p.recorded_at, "recorded_at"),
        col.flag(p.by_mark_paid, "by_mark_paid"),
        col.optional_timestamp(p.voided_at, "voided_at"),
        p.void_reason,
        p.version,
    ]


def payment_conditions(owner_id: str, where: PaymentFilter) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of a payment listing, on ``payments AS p``."""
    sql = [f"p.owner = {OWNER}"]
    params: list[object] = [owner_id]
    if where.job_id is not None:
        sql.append("p.job_id = ?")
        params.append(where.job_id)
    if where.invoice_id is not None:
        sql.append("p.invoice_id = ?")
        params.append(where.invoice_id)
    if where.customer_id is not None:
        # the customer of the payment's job, or of its invoice for a payment of no job
        # (``+``: checked on the owner's rows, never a search of every owner's)
        sql.append(
            f"(+p.job_id IN (SELECT id FROM jobs WHERE owner = {OWNER} AND customer_id = ?)"
            " OR (+p.job_id IS NULL AND +p.invoice_id IN"
            f" (SELECT id FROM invoices WHERE owner = {OWNER} AND customer_id = ?)))"
        )
        params += [owner_id, where.customer_id, owner_id, where.customer_id]
    if where.received_from is not None:
        sql.append("p.received_on >= ?")
        params.append(col.day(where.received_from, "received_from"))
    if where.received_to is not None:
        sql.append("p.received_on <= ?")
        params.append(col.day(where.received_to, "received_to"))
    if where.voided is not None:
        sql.append("p.voided_at_us IS NOT NULL" if where.voided else "p.voided_at_us IS NULL")
    return " AND ".join(sql), params
