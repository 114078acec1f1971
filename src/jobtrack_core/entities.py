"""The records jobtrack keeps. Immutable; change one with :func:`attrs.evolve`.

Entities are built by the service layer after validation, and by stores when
they read rows back. Their field names follow the original data model.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

from jobtrack_core.status import JobStatus


@attrs.frozen
class User:
    """An account: one service business. ``email`` is stored trimmed and lower-cased."""

    id: str
    email: str
    name: str
    business_name: str | None
    password_hash: str = attrs.field(repr=False)
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class Customer:
    id: str
    user_id: str
    name: str
    email: str | None
    phone: str | None
    address: str | None
    business_name: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class Job:
    """A piece of work for a customer.

    Money fields are Decimal with two places, hours likewise; ``paid_at`` is
    when the job was (last) marked paid, ``completed_at`` when it completed.
    """

    id: str
    user_id: str
    customer_id: str
    title: str
    description: str | None
    status: JobStatus
    estimated_cost: Decimal | None
    actual_cost: Decimal | None
    estimated_hours: Decimal | None
    actual_hours: Decimal | None
    due_date: date | None
    paid: bool
    paid_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class LoginSession:
    """A login. Only a hash of its token is kept; the token itself is shown once."""

    id: str
    user_id: str
    token_hash: str = attrs.field(repr=False)
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    revoked_at: datetime | None = None


@attrs.frozen
class Deleted:
    """What a delete removed, counted by kind."""

    users: int = 0
    customers: int = 0
    jobs: int = 0
    sessions: int = 0

    def __add__(self, other: Deleted) -> Deleted:
        return Deleted(
            self.users + other.users,
            self.customers + other.customers,
            self.jobs + other.jobs,
            self.sessions + other.sessions,
        )
