"""Rows and entities: the column lists of each table, and conversions both ways.

Money goes to integer cents and comes back as Decimal; times come back as UTC
datetimes, whatever the session's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.money import from_minor, to_minor
from jobtrack_core.status import JobStatus

Row = tuple[Any, ...]


def unstorable(*keys: str | None) -> bool:
    """True if a key cannot occur in the database (NUL or a lone surrogate in it)."""
    for key in keys:
        if key is None:
            continue
        if "\x00" in key:
            return True
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            return True
    return False


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else to_minor(amount)


def _amount(cents: int | None) -> Decimal | None:
    return None if cents is None else from_minor(cents)


USER_COLUMNS = "id, email, name, business_name, password_hash, created_at, updated_at"


def user_from_row(row: Row) -> User:
    return User(
        id=row[0],
        email=row[1],
        name=row[2],
        business_name=row[3],
        password_hash=row[4],
        created_at=_utc(row[5]),
        updated_at=_utc(row[6]),
    )


def user_params(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "business_name": user.business_name,
        "password_hash": user.password_hash,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


CUSTOMER_COLUMNS = (
    "id, user_id, name, email, phone, address, business_name, notes, created_at, updated_at"
)


def customer_from_row(row: Row) -> Customer:
    return Customer(
        id=row[0],
        user_id=row[1],
        name=row[2],
        email=row[3],
        phone=row[4],
        address=row[5],
        business_name=row[6],
        notes=row[7],
        created_at=_utc(row[8]),
        updated_at=_utc(row[9]),
    )


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


JOB_COLUMNS = (
    "id, user_id, customer_id, title, description, status, estimated_cost_cents, "
    "actual_cost_cents, estimated_hours, actual_hours, due_date, paid, paid_at, "
    "completed_at, created_at, updated_at"
)


def job_from_row(row: Row) -> Job:
    return Job(
        id=row[0],
        user_id=row[1],
        customer_id=row[2],
        title=row[3],
        description=row[4],
        status=JobStatus(row[5]),
        estimated_cost=_amount(row[6]),
        actual_cost=_amount(row[7]),
        estimated_hours=row[8],
        actual_hours=row[9],
        due_date=row[10],
        paid=row[11],
        paid_at=_utc_or_none(row[12]),
        completed_at=_utc_or_none(row[13]),
        created_at=_utc(row[14]),
        updated_at=_utc(row[15]),
    )


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


JOB_VALUES = (
    "%(id)s::text, %(user_id)s::text, %(customer_id)s::text, %(title)s::text, "
    "%(description)s::text, %(status)s::text, %(estimated_cost_cents)s::bigint, "
    "%(actual_cost_cents)s::bigint, %(estimated_hours)s::numeric, %(actual_hours)s::numeric, "
    "%(due_date)s::date, %(paid)s::boolean, %(paid_at)s::timestamptz, "
    "%(completed_at)s::timestamptz, %(created_at)s::timestamptz, %(updated_at)s::timestamptz"
)


SESSION_COLUMNS = "id, user_id, token_hash, created_at, expires_at, last_used_at, revoked_at"


def session_from_row(row: Row) -> LoginSession:
    return LoginSession(
        id=row[0],
        user_id=row[1],
        token_hash=row[2],
        created_at=_utc(row[3]),
        expires_at=_utc(row[4]),
        last_used_at=_utc(row[5]),
        revoked_at=_utc_or_none(row[6]),
    )


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
    "JOB_VALUES",
    "SESSION_COLUMNS",
    "USER_COLUMNS",
    "Row",
    "customer_from_row",
    "customer_params",
    "job_from_row",
    "job_params",
    "session_from_row",
    "session_params",
    "unstorable",
    "user_from_row",
    "user_params",
]
