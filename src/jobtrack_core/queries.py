"""Query descriptions that the service layer hands to stores."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, datetime

import attrs

from jobtrack_core import fields as f
from jobtrack_core.commands import Command
from jobtrack_core.documents import Invoice, InvoiceKind, InvoiceStatus, Quote, QuoteStatus
from jobtrack_core.entities import Action, HistoryEntry, Job, Payment, RecordKind
from jobtrack_core.fields import Problem, rule
from jobtrack_core.status import JobStatus

#: The longest text a job search looks for.
MAX_SEARCH_LENGTH = 200


class Statuses(f.Rule[frozenset[JobStatus]]):
    """A status (or its name) or a collection of them; kept as a frozenset."""

    form = "a frozenset of JobStatus"

    def _clean(self, value: object) -> frozenset[JobStatus]:
        items = [value] if isinstance(value, str | JobStatus) else value
        if not isinstance(items, list | tuple | AbstractSet):
            raise Problem(f"must be a status or a list of statuses, not {f.json_type(value)}")
        return frozenset(f.STATUS.clean(item) or JobStatus.PENDING for item in items)


@attrs.frozen(kw_only=True)
class JobFilter(Command):
    """Which jobs to list. Every condition given must hold (they combine with AND).

    - ``statuses``: any of these statuses (a status or its name is one);
    - ``customer_id``: jobs of this customer;
    - ``paid``: only paid (True) or only unpaid (False) jobs;
    - ``due_from`` / ``due_to``: due date within this range, both ends included
      (jobs without a due date never match a range);
    - ``text``: appears in the title or the description, ignoring the case of
      ASCII letters (empty text filters nothing).

    Each condition is checked like any input: a bad one raises
    :class:`~jobtrack_core.errors.ValidationError` naming it.

    >>> JobFilter(statuses="pending", paid=False).statuses
    frozenset({<JobStatus.PENDING: 'pending'>})
    """

    statuses: frozenset[JobStatus] | None = rule(Statuses(optional=True), default=None)
    customer_id: str | None = rule(f.ID.but(optional=True), default=None)
    paid: bool | None = rule(f.FLAG.but(optional=True), default=None)
    due_from: date | None = rule(f.DAY, default=None)
    due_to: date | None = rule(f.DAY, default=None)
    text: str | None = rule(f.Raw(MAX_SEARCH_LENGTH).but(optional=True), default=None)

    def matches(self, job: Job) -> bool:
        """The reference semantics, used by the memory store and the contract suite."""
        if self.statuses is not None and job.status not in self.statuses:
            return False
        if self.customer_id is not None and job.customer_id != self.customer_id:
            return False
        if self.paid is not None and job.paid != self.paid:
            return False
        if self.due_from is not None and (job.due_date is None or job.due_date < self.due_from):
            return False
        if self.due_to is not None and (job.due_date is None or job.due_date > self.due_to):
            return False
        if self.text:
            needle = ascii_lower(self.text)
            haystacks = (job.title, job.description or "")
            if not any(needle in ascii_lower(h) for h in haystacks):
                return False
        return True


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as SQL ``LIKE`` does; other characters are kept."""
    return text.translate(_ASCII_LOWER)


@attrs.frozen
class ActivityFilter:
    """Which history entries the activity list shows: of these record ``kinds`` and
    ``actions`` (any if None), made ``since <= at < until`` (unbounded where None)."""

    kinds: frozenset[RecordKind] | None = None
    actions: frozenset[Action] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, entry: HistoryEntry) -> bool:
        return (
            (self.kinds is None or entry.kind in self.kinds)
            and (self.actions is None or entry.action in self.actions)
            and (self.since is None or entry.at >= self.since)
            and (self.until is None or entry.at < self.until)
        )


@attrs.frozen(kw_only=True)
class PaymentFilter(Command):
    """Which payments to list; every condition given must hold.

    - ``job_id`` / ``customer_id``: payments for this job, or for this customer (by the
      customer of the payment's job, or else of its invoice);
    - ``invoice_id``: payments made to this invoice;
    - ``received_from`` / ``received_to``: received within these days, both included;
    - ``voided``: only voided (True) or only standing (False) payments.
    """

    job_id: str | None = rule(f.ID.but(optional=True), default=None)
    customer_id: str | None = rule(f.ID.but(optional=True), default=None)
    received_from: date | None = rule(f.DAY, default=None)
    received_to: date | None = rule(f.DAY, default=None)
    voided: bool | None = rule(f.FLAG.but(optional=True), default=None)
    invoice_id: str | None = rule(f.ID.but(optional=True), default=None)

    def matches(self, payment: Payment, customer_id: str) -> bool:
        """The reference semantics, given the customer of the payment's job (or of its
        invoice, for a payment of no job)."""
        return (
            (self.job_id is None or payment.job_id == self.job_id)
            and (self.invoice_id is None or payment.invoice_id == self.invoice_id)
            and (self.customer_id is None or customer_id == self.customer_id)
            and (self.received_from is None or payment.received_on >= self.received_from)
            and (self.received_to is None or payment.received_on <= self.received_to)
            and (self.voided is None or payment.voided == self.voided)
        )


@attrs.frozen(kw_only=True)
class QuoteFilter(Command):
    """Which quotes to list (newest first: ``created_at``, then id, descending): of this
    ``customer_id``, in this ``status``."""

    customer_id: str | None = rule(f.ID.but(optional=True), default=None)
    status: QuoteStatus | None = rule(f.Choice(QuoteStatus, optional=True), default=None)

    def matches(self, quote: Quote) -> bool:
        return (self.customer_id is None or quote.customer_id == self.customer_id) and (
            self.status is None or quote.status is self.status
        )


@attrs.frozen(kw_only=True)
class InvoiceFilter(Command):
    """Which invoices and credit notes to list (newest first: ``created_at``, then id,
    descending): of this ``customer_id``, in this ``status``, of this ``kind``, billing
    the job ``job_id``."""

    customer_id: str | None = rule(f.ID.but(optional=True), default=None)
    status: InvoiceStatus | None = rule(f.Choice(InvoiceStatus, optional=True), default=None)
    kind: InvoiceKind | None = rule(f.Choice(InvoiceKind, optional=True), default=None)
    job_id: str | None = rule(f.ID.but(optional=True), default=None)

    def matches(self, invoice: Invoice) -> bool:
        return (
            (self.customer_id is None or invoice.customer_id == self.customer_id)
            and (self.status is None or invoice.status is self.status)
            and (self.kind is None or invoice.kind is self.kind)
            and (self.job_id is None or self.job_id in invoice.job_ids)
        )
