"""The shape of a jobtrack export, format ``jobtrack/4``.

JSON: one object ::

    {"format": "jobtrack/4",
     "exported_at": "2025-07-06T09:00:00+00:00",
     "account": {"id": ..., "email": ..., "name": ..., "business_name": ...,
                 "created_at": ..., "updated_at": ..., "timezone": "Europe/Berlin",
                 "week_start": 0, "password_hash": "$argon2id$..."},
     "customers": [{..., "version": 3}, ...],
     "jobs": [{..., "amount_paid": "120.00", "version": 1}, ...],
     "payments": [{"id": ..., "user_id": ..., "job_id": ..., "kind": "deposit",
                   "method": "card", "amount": "50.00", "received_on": "2025-07-01",
                   "reference": null, "note": null, "recorded_at": ...,
                   "by_mark_paid": false, "voided_at": null, "void_reason": null,
                   "version": 1}, ...],
     "history": [{"owner_id": ..., "seq": 12, "at": ..., "actor_id": ...,
                  "source": "library", "action": "updated", "kind": "job",
                  "record_id": ..., "changes": [{"field": "title", "old": "A",
                  "new": "B"}], "cause": null}, ...],
     "kept_from": 0}

Customers, jobs and payments have exactly the shape the converter gives any
frontend, ``version`` included. ``payments`` is the account's whole ledger, voided
payments included, in the order they were received; each job's ``amount_paid`` is
what its payments add up to (refunds subtracted, voided ones left out).
``history`` is every change the account's history keeps, newest first, deleted
records' included; ``kept_from`` is where a change feed may
continue (:meth:`~jobtrack_core.ports.HistoryRepository.kept_from`).
``password_hash`` is left out of exports made without it. ``timezone`` and
``week_start`` are the business's calendar (null: the application's). Documents
of format ``jobtrack/3`` (no payments), ``jobtrack/2`` (no versions, no history
either) and ``jobtrack/1`` (no calendar either) are read too: their records are at
version 1, and each paid job with a cost stands for one payment of its cost
(:func:`jobtrack_core.ledger.opening_payment`).

CSV: a zip archive holding ``manifest.json`` (``format``, ``exported_at``,
``formulas`` and ``kept_from``) and one file per table, ``account.csv``,
``customers.csv``, ``jobs.csv``, ``payments.csv`` and ``history.csv``, UTF-8 with a
header row of the same field names and CRLF line ends (RFC 4180). Values are written
as in JSON; an empty cell is null; ``paid`` and ``by_mark_paid`` are ``true`` or
``false``; a change's ``changes`` cell holds its list as JSON. With
``"formulas": "escape"`` a cell a spreadsheet would run as a formula has a quote in
front (:mod:`jobtrack_interchange.formulas`).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from jobtrack_core import fields as f
from jobtrack_core.entities import Customer, HistoryEntry, Job, Payment, Record, User
from jobtrack_core.fields import rule

#: The name and version of the export format; the formats the importers read.
FORMAT = "jobtrack/4"
#: The formats before the ledger: their documents hold no payments.
WITHOUT_PAYMENTS = ("jobtrack/1", "jobtrack/2", "jobtrack/3")
READABLE = (*WITHOUT_PAYMENTS, FORMAT)
#: The lowest change a feed may continue after, as a document gives it.
KEPT_FROM = f.Whole(0, 2**62)

MANIFEST = "manifest.json"
ACCOUNT_CSV = "account.csv"
CUSTOMERS_CSV = "customers.csv"
JOBS_CSV = "jobs.csv"
PAYMENTS_CSV = "payments.csv"
HISTORY_CSV = "history.csv"


@attrs.frozen
class AccountRecord(Record):
    """The account as exported: its profile and calendar, and the password hash if
    included (always last, so that a CSV export without it drops the last column)."""

    id: str = rule(f.ID)
    email: str = rule(f.ACCOUNT_EMAIL)
    name: str = rule(f.NAME)
    business_name: str | None = rule(f.BUSINESS_NAME)
    created_at: datetime = rule(f.INSTANT)
    updated_at: datetime = rule(f.INSTANT)
    timezone: str | None = rule(f.TIMEZONE, default=None)
    week_start: int | None = rule(f.WEEK_START, default=None)
    password_hash: str | None = rule(f.PASSWORD_HASH.but(optional=True), default=None, repr=False)

    @classmethod
    def of(cls, user: User, *, include_password_hash: bool) -> AccountRecord:
        values = attrs.asdict(user, recurse=False)
        if not include_password_hash:
            values["password_hash"] = None
        return cls(**values)

    def user(self, password_hash: str) -> User:
        """The account as a user with ``password_hash``."""
        values = attrs.asdict(self, recurse=False)
        values["password_hash"] = password_hash
        return User(**values)


@attrs.frozen
class ExportDocument:
    """A whole export, as read back by the importer."""

    format: str
    exported_at: datetime
    account: AccountRecord
    customers: list[Customer]
    jobs: list[Job]
    payments: list[Payment] = attrs.field(factory=list)
    history: list[HistoryEntry] = attrs.field(factory=list)
    kept_from: int = 0


ACCOUNT_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(AccountRecord))
CUSTOMER_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Customer))
JOB_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Job))
PAYMENT_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Payment))
HISTORY_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(HistoryEntry))
