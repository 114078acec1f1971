"""Rows and records: the column lists of each table, and conversions both ways.

Records are read back with :meth:`~jobtrack_core.entities.Record.from_store`, from
columns selected in the order of the record's fields and already in kept form: times
are UTC datetimes (the store's sessions use the time zone ``UTC``, for which psycopg
gives :data:`datetime.UTC`), money is read from the generated ``numeric(12,2)``
columns (two places), hours are ``numeric(12,2)``. Only a job's status is converted.
Money is written as integer cents.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core.entities import (
    Customer,
    Job,
    LoginSession,
    Payment,
    PaymentKind,
    PaymentMethod,
    User,
)
from jobtrack_core.money import to_minor
from jobtrack_core.status import JobStatus

Row = tuple[Any, ...]


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else to_minor(amount)


def record_params(record: User | Customer | LoginSession) -> dict[str, Any]:
    """A user's, customer's or session's values by column: those tables name their columns
    as the record names its fields."""
    return attrs.asdict(record, recurse=False)


user_params = customer_params = session_params = record_params


def prefixed(columns: str, alias: str) -> str:
    """``columns`` (a comma-separated list) each prefixed with ``alias``."""
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


USER_COLUMNS = (
    "id, email, name, business_name, password_hash, created_at, updated_at, timezone, week_start"
)


def user_from_row(row: Row) -> User:
    return User.from_store(*row)


CUSTOMER_COLUMNS = (
    "id, user_id, name, email, phone, address, business_name, notes, created_at, updated_at, "
    "version"
)


def customer_from_row(row: Row) -> Customer:
    return Customer.from_store(*row)


def _same(value: Any) -> Any:
    return value


def _status(value: JobStatus | PaymentKind | PaymentMethod) -> str:
    return value.value


#: Each field of a job, in order: its column, how its value is written there, and the
#: column's type (for the casts of an ``INSERT ... SELECT``). Every statement that writes
#: a job is made from this table; money is written in cents.
_JOB: tuple[tuple[str, str, Callable[[Any], Any], str], ...] = (
    ("id", "id", _same, "text"),
    ("user_id", "user_id", _same, "text"),
    ("customer_id", "customer_id", _same, "text"),
    ("title", "title", _same, "text"),
    ("description", "description", _same, "text"),
    ("status", "status", _status, "text"),
    ("estimated_cost", "estimated_cost_cents", _cents, "bigint"),
    ("actual_cost", "actual_cost_cents", _cents, "bigint"),
    ("estimated_hours", "estimated_hours", _same, "numeric"),
    ("actual_hours", "actual_hours", _same, "numeric"),
    ("due_date", "due_date", _same, "date"),
    ("paid", "paid", _same, "boolean"),
    ("paid_at", "paid_at", _same, "timestamptz"),
    ("completed_at", "completed_at", _same, "timestamptz"),
    ("created_at", "created_at", _same, "timestamptz"),
    ("updated_at", "updated_at", _same, "timestamptz"),
    ("version", "version", _same, "integer"),
    ("amount_paid", "amount_paid_cents", _cents, "bigint"),
)
#: The columns a job is written to (money in cents).
JOB_COLUMNS = ", ".join(column for _, column, _, _ in _JOB)
#: The columns a job is read from, in the order of its fields (money in currency units,
#: from the generated columns).
JOB_FIELDS = ", ".join(column.removesuffix("_cents") for _, column, _, _ in _JOB)
#: The values of an ``INSERT ... SELECT`` of one job, from :func:`job_params`.
JOB_VALUES = ", ".join(f"%({column})s::{kind}" for _, column, _, kind in _JOB)
#: The ``SET`` of an ``UPDATE`` of a job (every column but its key).
JOB_SET = ", ".join(f"{column} = %({column})s" for _, column, _, _ in _JOB[2:])

_STATUS = {s.value: s for s in JobStatus}


def job_from_row(row: Row) -> Job:
    """A job from the columns :data:`JOB_FIELDS`."""
    return Job.from_store(*row[:5], _STATUS[row[5]], *row[6:])


def job_params(job: Job) -> dict[str, Any]:
    """A job's values by column."""
    return {column: write(getattr(job, field)) for field, column, write, _ in _JOB}


def job_row(job: Job) -> tuple[Any, ...]:
    """A job's values in the order of :data:`JOB_COLUMNS` (for COPY)."""
    return tuple(write(getattr(job, field)) for field, _, write, _ in _JOB)


#: Each field of a payment, as :data:`_JOB` for a job.
_PAYMENT: tuple[tuple[str, str, Callable[[Any], Any], str], ...] = (
    ("id", "id", _same, "text"),
    ("user_id", "user_id", _same, "text"),
    ("job_id", "job_id", _same, "text"),
    ("kind", "kind", _status, "text"),
    ("method", "method", _status, "text"),
    ("amount", "amount_cents", _cents, "bigint"),
    ("received_on", "received_on", _same, "date"),
    ("reference", "reference", _same, "text"),
    ("note", "note", _same, "text"),
    ("recorded_at", "recorded_at", _same, "timestamptz"),
    ("by_mark_paid", "by_mark_paid", _same, "boolean"),
    ("voided_at", "voided_at", _same, "timestamptz"),
    ("void_reason", "void_reason", _same, "text"),
    ("version", "version", _same, "integer"),
    ("invoice_id", "invoice_id", _same, "text"),
)
#: The columns a payment is written to (its amount in cents).
PAYMENT_COLUMNS = ", ".join(column for _, column, _, _ in _PAYMENT)
#: The columns a payment is read from, in the order of its fields.
PAYMENT_FIELDS = ", ".join(column.removesuffix("_cents") for _, column, _, _ in _PAYMENT)
#: The values of an ``INSERT ... SELECT`` of one payment, from :func:`payment_params`.
PAYMENT_VALUES = ", ".join(f"%({column})s::{kind}" for _, column, _, kind in _PAYMENT)
#: The ``SET`` of an ``UPDATE`` of a payment (every column but its key, its job and its
#: invoice).
PAYMENT_SET = ", ".join(f"{column} = %({column})s" for _, column, _, _ in _PAYMENT[3:-1])

_KINDS = {k.value: k for k in PaymentKind}
_METHODS = {m.value: m for m in PaymentMethod}


def payment_from_row(row: Row) -> Payment:
    """A payment from the columns :data:`PAYMENT_FIELDS`."""
    return Payment.from_store(*row[:3], _KINDS[row[3]], _METHODS[row[4]], *row[5:])


def payment_params(payment: Payment) -> dict[str, Any]:
    """A payment's values by column."""
    return {column: write(getattr(payment, field)) for field, column, write, _ in _PAYMENT}


def payment_row(payment: Payment) -> tuple[Any, ...]:
    """A payment's values in the order of :data:`PAYMENT_COLUMNS` (for COPY)."""
    return tuple(write(getattr(payment, field)) for field, _, write, _ in _PAYMENT)


SESSION_COLUMNS = "id, user_id, token_hash, created_at, expires_at, last_used_at, revoked_at"


def session_from_row(row: Row) -> LoginSession:
    return LoginSession.from_store(*row)


__all__ = [
    "CUSTOMER_COLUMNS",
    "JOB_COLUMNS",
    "JOB_FIELDS",
    "JOB_SET",
    "JOB_VALUES",
    "PAYMENT_COLUMNS",
    "PAYMENT_FIELDS",
    "PAYMENT_SET",
    "PAYMENT_VALUES",
    "SESSION_COLUMNS",
    "USER_COLUMNS",
    "Row",
    "customer_from_row",
    "customer_params",
    "job_from_row",
    "job_params",
    "job_row",
    "payment_from_row",
    "payment_params",
    "payment_row",
    "prefixed",
    "session_from_row",
    "session_params",
    "user_from_row",
    "user_params",
]
