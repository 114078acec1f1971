"""The shape of a jobtrack export, format ``jobtrack/5``.

JSON: one object ::

    {"format": "jobtrack/5",
     "exported_at": "2025-07-06T09:00:00+00:00",
     "account": {"id": ..., "email": ..., "name": ..., "business_name": ...,
                 "created_at": ..., "updated_at": ..., "timezone": "Europe/Berlin",
                 "week_start": 0, "password_hash": "$argon2id$..."},
     "billing": {"user_id": ..., "currency": "GBP", "prices_include_tax": false,
                 "tax_rates": [{"name": "VAT", "rate": "20.000"}], "default_tax": "VAT",
                 "invoice_format": "INV-{year}-{number:04d}", ..., "version": 2},
     "numbers": [{"series": "invoice", "period": 2025, "last": 42}, ...],
     "customers": [{..., "version": 3}, ...],
     "jobs": [{..., "amount_paid": "120.00", "version": 1}, ...],
     "quotes": [{..., "number": "Q-2025-0007", "status": "accepted", "lines": [...],
                 "currency": "GBP", "subtotal": "100.00", "tax": "20.00",
                 "total": "120.00", ...}, ...],
     "invoices": [{..., "kind": "invoice", "number": "INV-2025-0042", "status": "paid",
                   "lines": [{"description": "Labour", "quantity": "2.500", "unit": "h",
                              "unit_price": "40.00", "discount": "0.00",
                              "tax_name": "VAT", "tax_rate": "20.000",
                              "job_id": null}],
                   "currency": "GBP", ..., "amount_paid": "120.00",
                   "amount_credited": "0.00", "corrects": null, ...}, ...],
     "payments": [{"id": ..., "user_id": ..., "job_id": ..., "kind": "deposit",
                   "method": "card", "amount": "50.00", "received_on": "2025-07-01",
                   "reference": null, "note": null, "recorded_at": ...,
                   "by_mark_paid": false, "voided_at": null, "void_reason": null,
                   "version": 1, "invoice_id": null}, ...],
     "history": [{"owner_id": ..., "seq": 12, "at": ..., "actor_id": ...,
                  "source": "library", "action": "updated", "kind": "job",
                  "record_id": ..., "changes": [{"field": "title", "old": "A",
                  "new": "B"}], "cause": null}, ...],
     "kept_from": 0}

Customers, jobs, quotes, invoices and payments have exactly the shape the converter
gives any frontend, ``version`` included. ``payments`` is the account's whole ledger,
voided payments included, in the order they were received; each job's ``amount_paid``
is what its payments add up to (refunds subtracted, voided ones left out), and so is
each invoice's (its payments are the ones naming it: ``invoice_id``; a payment to an
invoice names a job too when it pays one of the invoice's jobs, and none when it pays
the rest). ``billing`` is the business's billing settings (null when never saved:
the defaults), ``numbers`` the counters its document numbers come from (each series and
period, and the last number handed out), so that a restored account numbers on
from where it was. ``invoices`` holds invoices and credit notes (``kind``); every quote,
invoice and credit note states its own currency and price mode, and its ``subtotal``,
``tax`` and ``total`` are what its lines make; an invoice's ``amount_credited`` is what
the credit notes correcting it add up to.
``history`` is every change the account's history keeps, newest first, deleted
records' included; ``kept_from`` is where a change feed may
continue (:meth:`~jobtrack_core.ports.HistoryRepository.kept_from`).
``password_hash`` is left out of exports made without it. ``timezone`` and
``week_start`` are the business's calendar (null: the application's). Documents
of format ``jobtrack/4`` (no billing: no settings, numbers, quotes or invoices),
``jobtrack/3`` (no payments either), ``jobtrack/2`` (no versions, no history
either) and ``jobtrack/1`` (no calendar either) are read too: their records are at
version 1, and each paid job with a cost stands for one payment of its cost
(:func:`jobtrack_core.ledger.opening_payment`).

CSV: a zip archive holding ``manifest.json`` (``format``, ``exported_at``,
``formulas`` and ``kept_from``) and one file per table, ``account.csv``,
``billing.csv`` (no row when never saved), ``numbers.csv``, ``customers.csv``,
``jobs.csv``, ``quotes.csv``, ``quote_lines.csv``, ``invoices.csv``,
``invoice_lines.csv``, ``payments.csv`` and ``history.csv``, UTF-8 with a header row
of the same field names and CRLF line ends (RFC 4180). A quote's or an invoice's lines
are rows of its lines table, naming it (``quote_id``, ``invoice_id``) and numbered
from 1 (``position``); ``invoices.csv`` also shows each one's ``balance`` (what is
still owed: total less paid and credited). Values are written as in JSON; an empty
cell is null; ``paid``, ``by_mark_paid`` and ``prices_include_tax`` are ``true`` or
``false``; a change's ``changes`` cell, and the settings' ``tax_rates``, hold their
lists as JSON. With
``"formulas": "escape"`` a cell a spreadsheet would run as a formula has a quote in
front (:mod:`jobtrack_interchange.formulas`).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from jobtrack_core import fields as f
from jobtrack_core.documents import BillingSettings, Invoice, Line, Quote, Series
from jobtrack_core.entities import Customer, HistoryEntry, Job, Payment, Record, User
from jobtrack_core.fields import rule

#: The name and version of the export format; the formats the importers read.
FORMAT = "jobtrack/5"
#: The formats before the ledger: their documents hold no payments.
WITHOUT_PAYMENTS = ("jobtrack/1", "jobtrack/2", "jobtrack/3")
#: The formats before billing: no settings, numbers, quotes or invoices.
WITHOUT_BILLING = (*WITHOUT_PAYMENTS, "jobtrack/4")
READABLE = (*WITHOUT_BILLING, FORMAT)
#: The lowest change a feed may continue after, as a document gives it.
KEPT_FROM = f.Whole(0, 2**62)

MANIFEST = "manifest.json"
ACCOUNT_CSV = "account.csv"
CUSTOMERS_CSV = "customers.csv"
JOBS_CSV = "jobs.csv"
PAYMENTS_CSV = "payments.csv"
HISTORY_CSV = "history.csv"
BILLING_CSV = "billing.csv"
NUMBERS_CSV = "numbers.csv"
QUOTES_CSV = "quotes.csv"
QUOTE_LINES_CSV = "quote_lines.csv"
INVOICES_CSV = "invoices.csv"
INVOICE_LINES_CSV = "invoice_lines.csv"


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
class NumberRecord(Record):
    """One counter of the business's document numbers: the ``last`` number handed out in
    ``series`` for ``period`` (a year, or 0 for a format without the year)."""

    series: Series = rule(f.Choice(Series))
    period: int = rule(f.Whole(0, 9999))
    last: int = rule(f.Whole(0, 2**31 - 1))


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
    billing: BillingSettings | None = None
    numbers: list[NumberRecord] = attrs.field(factory=list)
    quotes: list[Quote] = attrs.field(factory=list)
    invoices: list[Invoice] = attrs.field(factory=list)


ACCOUNT_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(AccountRecord))
CUSTOMER_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Customer))
JOB_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Job))
PAYMENT_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Payment))
HISTORY_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(HistoryEntry))
BILLING_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(BillingSettings))
NUMBER_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(NumberRecord))
QUOTE_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Quote) if a.name != "lines")
#: What invoices.csv shows of each invoice: its fields but its lines, and its balance.
INVOICE_COLUMNS: tuple[str, ...] = (
    *(a.name for a in attrs.fields(Invoice) if a.name != "lines"),
    "balance",
)
_LINE_FIELDS = tuple(a.name for a in attrs.fields(Line))
QUOTE_LINE_COLUMNS: tuple[str, ...] = ("quote_id", "position", *_LINE_FIELDS)
INVOICE_LINE_COLUMNS: tuple[str, ...] = ("invoice_id", "position", *_LINE_FIELDS)
