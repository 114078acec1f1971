"""Rows and records: the column lists of each table, and conversions both ways.

Records are read back with :meth:`~jobtrack_core.entities.Record.from_store`, from
columns selected in the order of the record's fields and already in kept form: times
are UTC datetimes (the store's sessions use the time zone ``UTC``, for which psycopg
gives :data:`datetime.UTC`), money is read from the generated ``numeric(12,2)``
columns (two places), hours are ``numeric(12,2)``. Only a job's status is converted.
Money is written as integer cents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.money import to_minor
from jobtrack_core.status import JobStatus

Row = tuple[Any, ...]


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else to_minor(amount)


def prefixed(columns: str, alias: str) -> str:
    """``columns`` (a comma-separated list) each prefixed with ``alias``."""
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


USER_COLUMNS = (
    "id, email, name, business_name, password_hash, created_at, updated_at, timezone, week_start"
)


def user_from_row(row: Row) -> User:
    return User.from_store(*row)


def user_params(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "business_name": user.business_name,
        "password_hash": user.password_hash,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "timezone": user.timezone,
        "week_start": user.week_start,
    }


CUSTOMER_COLUMNS = (
    "id, user_id, name, email, phone, address, business_name, notes, created_at, updated_at"
)


def customer_from_row(row: Row) -> Customer:
    return Customer.from_store(*row)


def customer_params(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "user_id": customer.user_id,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "business_name": customer.business_name,
        "notes": customer.notes,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


#: The columns a job is written to (money in cents).
JOB_COLUMNS = (
    "id, user_id, customer_id, title, description, status, estimated_cost_cents, "
    "actual_cost_cents, estimated_hours, actual_hours, due_date, paid, paid_at, "
    "completed_at, created_at, updated_at"
)
#: The columns a job is read from, in the order of its fields (money in currency units).
JOB_FIELDS = JOB_COLUMNS.replace("_cost_cents", "_cost")

_STATUS = {s.value: s for s in JobStatus}


def job_from_row(row: Row) -> Job:
    """A job from the columns :data:`JOB_FIELDS`."""
    return Job.from_store(*row[:5], _STATUS[row[5]], *row[6:])


def job_params(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "user_id": job.user_id,
        "customer_id": job.customer_id,
        "title": job.title,
        "description": job.description,
        "status": job.status.value,
        "estimated_cost_cents": _cents(job.estimated_cost),
        "actual_cost_cents": _cents(job.actual_cost),
        "estimated_hours": job.estimated_hours,
        "actual_hours": job.actual_hours,
        "due_date": job.due_date,
        "paid": job.paid,
        "paid_at": job.paid_at,
        "completed_at": job.completed_at,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def job_row(job: Job) -> tuple[Any, ...]:
    """A job's values in the order of :data:`JOB_COLUMNS` (for COPY)."""
    return (
        job.id,
        job.user_id,
        job.customer_id,
        job.title,
        job.description,
        job.status.value,
        _cents(job.estimated_cost),
        _cents(job.actual_cost),
        job.estimated_hours,
        job.actual_hours,
        job.due_date,
        job.paid,
        job.paid_at,
        job.completed_at,
        job.created_at,
        job.updated_at,
    )


JOB_VALUES = (
    "%(id)s::text, %(user_id)s::text, %(customer_id)s::text, %(title)s::text, "
    "%(description)s::text, %(status)s::text, %(estimated_cost_cents)s::bigint, "
    "%(actual_cost_cents)s::bigint, %(estimated_hours)s::numeric, %(actual_hours)s::numeric, "
    "%(due_date)s::date, %(paid)s::boolean, %(paid_at)s::timestamptz, "
    "%(completed_at)s::timestamptz, %(created_at)s::timestamptz, %(updated_at)s::timestamptz"
)


SESSION_COLUMNS = "id, user_id, token_hash, created_at, expires_at, last_used_at, revoked_at"


def session_from_row(row: Row) -> LoginSession:
    return LoginSession.from_store(*row)


def session_params(session: LoginSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "user_id": session.user_id,
        "token_hash": session.token_hash,
        "created_at": session.created_at,
        "expires_at": session.expires_at,
        "last_used_at": session.last_used_at,
        "revoked_at": session.revoked_at,
    }


__all__ = [
    "CUSTOMER_COLUMNS",
    "JOB_COLUMNS",
    "JOB_FIELDS",
    "JOB_VALUES",
    "SESSION_COLUMNS",
    "USER_COLUMNS",
    "Row",
    "customer_from_row",
    "customer_params",
    "job_from_row",
    "job_params",
    "job_row",
    "prefixed",
    "session_from_row",
    "session_params",
    "user_from_row",
    "user_params",
]
