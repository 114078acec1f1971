"""The shape of a jobtrack export, format ``jobtrack/1``.

JSON: one object ::

    {"format": "jobtrack/1",
     "exported_at": "2025-07-06T09:00:00+00:00",
     "account": {"id": ..., "email": ..., "name": ..., "business_name": ...,
                 "created_at": ..., "updated_at": ..., "password_hash": "$argon2id$..."},
     "customers": [{...}, ...],
     "jobs": [{...}, ...]}

Customers and jobs have exactly the shape the converter gives any frontend.
``password_hash`` is left out of exports made without it.

CSV: a zip archive holding ``manifest.json`` (``format``, ``exported_at`` and
``formulas``) and one file per table, ``account.csv``, ``customers.csv`` and
``jobs.csv``, UTF-8 with a header row of the same field names and CRLF line
ends (RFC 4180). Values are written as in JSON; an empty cell is null; ``paid``
is ``true`` or ``false``. With ``"formulas": "escape"`` a cell a spreadsheet
would run as a formula has a quote in front (:mod:`jobtrack_interchange.formulas`).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from jobtrack_core.entities import Customer, Job, User

MANIFEST = "manifest.json"
ACCOUNT_CSV = "account.csv"
CUSTOMERS_CSV = "customers.csv"
JOBS_CSV = "jobs.csv"


@attrs.frozen
class AccountRecord:
    """The account as exported: the public profile, and the password hash if included."""

    id: str
    email: str
    name: str
    business_name: str | None
    created_at: datetime
    updated_at: datetime
    password_hash: str | None = None

    @classmethod
    def of(cls, user: User, *, include_password_hash: bool) -> AccountRecord:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            business_name=user.business_name,
            created_at=user.created_at,
            updated_at=user.updated_at,
            password_hash=user.password_hash if include_password_hash else None,
        )


@attrs.frozen
class ExportDocument:
    """A whole export, as read back by the importer."""

    format: str
    exported_at: datetime
    account: AccountRecord
    customers: list[Customer]
    jobs: list[Job]


ACCOUNT_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(AccountRecord))
CUSTOMER_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Customer))
JOB_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Job))
