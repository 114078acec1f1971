"""What a store must implement: repository protocols, report questions and the unit of work.

Stores persist and query; the service layer (:mod:`jobtrack_core.service`)
validates and decides. Records reach a store already valid (see
:mod:`jobtrack_core.entities`). A store still guards what a database can guard,
with the same behaviour everywhere:

- ids are unique per owner and kind (:class:`ConflictError` on ``field="id"``):
  two owners may each have a customer ``"17"``; user ids and emails are unique
  across the store (``field="email"``);
- every customer and job method is scoped by ``owner_id``; another owner's
  record is ``None`` / :class:`NotFoundError`, exactly as if it did not exist;
- a job must reference a customer of its own owner (:class:`NotFoundError`
  ``("customer", id)`` otherwise);
- a payment must be for a job of its own owner (:class:`NotFoundError` ``("job", id)``
  otherwise);
- deleting a job deletes its payments, deleting a customer deletes its jobs (and
  their payments), deleting a user deletes everything of theirs, and each reports
  what it removed;
- a quote or an invoice must be for a customer of its own owner, a line's job must be
  a job of its owner, an accepted quote's job likewise, and a credit note's invoice an
  invoice of its owner (:class:`NotFoundError` otherwise); a payment's invoice must be an
  invoice of its owner (:class:`NotFoundError` ``("invoice", id)``);
- a document number is unique per owner and series (:class:`ConflictError` on
  ``field="number"``); deleting a customer deletes its quotes and draft invoices; a
  customer or job that an issued invoice (void ones included) or a credit note bills is
  not deleted (:class:`ConflictError` on ``field="invoices"``): only deleting the
  account removes them; deleting a job a draft invoice bills is refused likewise (and a draft
  invoice that payments name, on ``field="payments"``), and
  deleting an accepted quote's job unlinks it
  (the quote's ``job_id`` becomes None);
- a unit of work commits when its ``with`` block ends normally and rolls back
  completely when it raises; units of work nest (the inner one is a savepoint);
- only :mod:`jobtrack_core.errors` types escape; a failure worth retrying (a lock
  held too long, a serialization failure) is a :class:`RetryableError`.

Reports are questions with their own methods (:class:`ReportQueries`); each
says what it answers, and :class:`jobtrack_core.reference.ReferenceReports`
answers all of them correctly from the repositories alone, for a store to
start from and override for speed. The contract suite in
:mod:`jobtrack_core.testing` checks all of this, at the port and through the
service.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from jobtrack_core.documents import BillingSettings, Invoice, Quote, Series
from jobtrack_core.entities import (
    Customer,
    Deleted,
    HistoryEntry,
    Job,
    LoginSession,
    Payment,
    RecordKind,
    User,
)
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.queries import (
    ActivityFilter,
    InvoiceFilter,
    JobFilter,
    PaymentFilter,
    QuoteFilter,
)
from jobtrack_core.reports import (
    CashRow,
    CustomerAccuracy,
    CustomerAging,
    CustomerBalance,
    CustomerInvoiceAging,
    CustomerRevenue,
    CustomerSummary,
    OwnerTotals,
    Tally,
)


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, user_id: str) -> User | None: ...
    def get_by_email(self, email: str) -> User | None: ...
    def update(self, user: User) -> None: ...
    def delete(self, user_id: str) -> Deleted: ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, owner_id: str, customer_id: str) -> Customer | None: ...
    def list(self, owner_id: str) -> Sequence[Customer]:
        """The owner's customers sorted by name, then id."""
        ...

    def update(self, customer: Customer) -> None: ...
    def delete(self, owner_id: str, customer_id: str) -> Deleted: ...


class JobRepository(Protocol):
    def add(self, job: Job) -> None: ...
    def add_many(self, jobs: Iterable[Job]) -> int:
        """Add many jobs with the same checks as :meth:`add` (the fast path for imports);
        return how many. A failure part-way leaves the unit of work to be rolled back.
        ``jobtrack_core.kit.add_each`` is a correct default."""
        ...

    def get(self, owner_id: str, job_id: str) -> Job | None: ...
    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        """The owner's jobs matching ``where``, newest first (created_at, then id, descending)."""
        ...

    def update(self, job: Job) -> None: ...
    def delete(self, owner_id: str, job_id: str) -> Deleted: ...


class PaymentRepository(Protocol):
    """The ledger: payments, each for one job of its owner. A payment is only ever added
    and, to void it, updated; it goes when its job goes."""

    def add(self, payment: Payment) -> None: ...
    def add_many(self, payments: Iterable[Payment]) -> int:
        """Add many payments with the same checks as :meth:`add`; return how many
        (``jobtrack_core.kit.add_each`` is a correct default)."""
        ...

    def get(self, owner_id: str, payment_id: str) -> Payment | None: ...
    def list(self, owner_id: str, where: PaymentFilter) -> Sequence[Payment]:
        """The owner's payments matching ``where``, in the order they were received
        (``received_on``, then ``recorded_at``, then id)."""
        ...

    def update(self, payment: Payment) -> None: ...


class BillingRepository(Protocol):
    """Each owner's :class:`~jobtrack_core.documents.BillingSettings`, and the counters
    that number its documents."""

    def get(self, owner_id: str) -> BillingSettings | None:
        """The owner's settings, or None if they were never saved."""
        ...

    def put(self, settings: BillingSettings) -> None:
        """Save the owner's settings, replacing any before."""
        ...

    def next_number(self, owner_id: str, series: Series, period: int) -> int:
        """The next number of the owner's ``series`` in ``period`` (1 for the first), taken
        for this unit of work: it is used up when the unit of work commits and handed out
        again if it rolls back, so that numbers have no gaps. Until the unit of work ends,
        another one asking for the same series waits (or fails with
        :class:`RetryableError`), so two never get the same number."""
        ...

    def last_numbers(self, owner_id: str) -> Sequence[tuple[Series, int, int]]:
        """Each counter of the owner as ``(series, period, last number handed out)``."""
        ...

    def set_number(self, owner_id: str, series: Series, period: int, last: int) -> None:
        """Set a counter's last number (a restore); it never goes down."""
        ...


class QuoteRepository(Protocol):
    def add(self, quote: Quote) -> None: ...
    def get(self, owner_id: str, quote_id: str) -> Quote | None: ...
    def list(self, owner_id: str, where: QuoteFilter) -> Sequence[Quote]:
        """The owner's quotes matching ``where``, newest first (created_at, then id,
        descending)."""
        ...

    def of_job(self, owner_id: str, job_id: str) -> Quote | None:
        """The accepted quote that made the job, if any."""
        ...

    def update(self, quote: Quote) -> None: ...
    def delete(self, owner_id: str, quote_id: str) -> Deleted: ...


class InvoiceRepository(Protocol):
    """Invoices and credit notes, with their lines. An issued one is only updated in its
    money and status fields, and is never deleted but with its owner's account."""

    def add(self, invoice: Invoice) -> None: ...
    def get(self, owner_id: str, invoice_id: str) -> Invoice | None: ...
    def list(self, owner_id: str, where: InvoiceFilter) -> Sequence[Invoice]:
        """The owner's invoices and credit notes matching ``where``, newest first
        (created_at, then id, descending)."""
        ...

    def update(self, invoice: Invoice) -> None: ...
    def delete(self, owner_id: str, invoice_id: str) -> Deleted:
        """Delete a draft (:class:`ConflictError` on ``status`` for an issued one)."""
        ...


class SessionRepository(Protocol):
    def add(self, session: LoginSession) -> None: ...
    def get_by_token_hash(self, token_hash: str) -> LoginSession | None: ...
    def update(self, session: LoginSession) -> None: ...
    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        """Revoke every live session of ``user_id`` except ``keep``; return how many."""
        ...

    def purge_expired(self, now: datetime) -> int:
        """Delete every session whose ``expires_at`` is not after ``now``; return how many."""
        ...


class HistoryRepository(Protocol):
    """Every change to one owner's customers and jobs, kept in the order it was committed.

    A business's changes are numbered by ``seq``, 1 and up without gaps; the store
    hands the numbers out (:meth:`reserve`) so that they become visible in their order:
    a reader that has seen change ``n`` never later finds a new change numbered below
    ``n``. The history is the owner's like every record (deleting the account deletes
    it), and outlives the records it speaks of.
    """

    def reserve(self, owner_id: str, count: int) -> int:
        """The first of ``count`` consecutive numbers for the owner's next changes. Until
        the unit of work ends, no other unit of work can reserve the owner's numbers (it
        waits), so that changes are committed in the order of their numbers."""
        ...

    def add(self, entries: Sequence[HistoryEntry]) -> None:
        """Keep these entries (numbered by :meth:`reserve` in this unit of work)."""
        ...

    def load(self, owner_id: str, entries: Sequence[HistoryEntry], kept_from: int) -> None:
        """Put back a history as exported, for an owner with none yet (a restore): the
        entries keep their numbers (with gaps where it was pruned), and the next number
        reserved comes after the highest of them and ``kept_from``."""
        ...

    def of_record(
        self, owner_id: str, kind: RecordKind, record_id: str, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        """Up to ``limit`` entries of one record numbered below ``before`` (all if None),
        newest first."""
        ...

    def activity(
        self, owner_id: str, where: ActivityFilter, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        """Up to ``limit`` of the owner's entries numbered below ``before`` (all if None)
        that ``where`` matches, newest first."""
        ...

    def latest_after(self, owner_id: str, after: int, limit: int) -> Sequence[HistoryEntry]:
        """The change feed's question: of each record changed after change ``after``, its
        latest entry; the first ``limit`` of them by number, lowest first."""
        ...

    def prune(self, owner_id: str, before: datetime) -> int:
        """Drop the entries made before ``before``, except the latest entry of each record
        that still exists (so that the feed from nothing stays complete); return how many
        went. A deletion's entry that goes raises :meth:`kept_from`."""
        ...

    def kept_from(self, owner_id: str) -> int:
        """The lowest change a feed may continue after: 0, or the number of the latest
        deletion entry that pruning dropped."""
        ...


class ReportQueries(Protocol):
    """The questions the service asks of one owner's data, each answered by the store.

    Every method is scoped by ``owner_id`` and reads only. Its docstring says what
    it answers, with the notions of :mod:`jobtrack_core.rules`; the service turns
    local periods into UTC instants and local dates before it asks, so a store
    needs no time zone logic. :class:`jobtrack_core.reference.ReferenceReports`
    answers every question plainly; a store answers from its own indexes and
    aggregates, so that the dashboard's figures do not cost in proportion to the
    owner's number of jobs.
    """

    def totals(self, owner_id: str) -> OwnerTotals:
        """Customers, jobs per status, revenue, receivables and pipeline."""
        ...

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        """For each pair of neighbours ``bounds[i] <= paid_at < bounds[i + 1]`` (UTC,
        increasing), the actual cost and number of the paid jobs paid then."""
        ...

    def jobs_page(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        """A listing someone asked for: up to ``limit`` jobs matching ``where``, in
        ``sort`` order, that come after ``after`` (from the start if None); see
        :mod:`jobtrack_core.pagination`."""
        ...

    def customer_jobs(
        self, owner_id: str, customer_id: str, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        """A customer's history: up to ``limit`` of the customer's jobs, newest first
        (:attr:`JobSort.NEWEST`), after ``after``."""
        ...

    def due_on(self, owner_id: str, day: date, limit: int) -> Sequence[Job]:
        """Up to ``limit`` jobs due on ``day``, except cancelled ones
        (:func:`jobtrack_core.rules.due_on`), by id."""
        ...

    def open_due(self, owner_id: str, first: date, last: date, limit: int) -> Sequence[Job]:
        """Up to ``limit`` open jobs due from ``first`` to ``last``, both included
        (:func:`jobtrack_core.rules.due_between`), by due date then id."""
        ...

    def overdue(self, owner_id: str, today: date, limit: int) -> Sequence[Job]:
        """Up to ``limit`` open jobs due before ``today`` (:func:`jobtrack_core.rules.overdue`),
        by due date then id."""
        ...

    def count_overdue(self, owner_id: str, today: date) -> int:
        """How many open jobs are due before ``today``."""
        ...

    def recently_changed(self, owner_id: str, limit: int) -> Sequence[Job]:
        """Up to ``limit`` jobs, most recently changed first (:attr:`JobSort.UPDATED`)."""
        ...

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        """Receivables (:func:`jobtrack_core.rules.is_receivable`) completed before the
        given instant: oldest completion first, then id; at most ``limit``."""
        ...

    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        """Every customer (or just ``customer_id``) with the figures of their jobs,
        by name then id."""
        ...

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        """Per customer with at least one paid job (paid ``paid_from <= paid_at < paid_to``
        when the bounds are given; a paid job without ``paid_at`` counts only when no
        bound is): the actual cost of those jobs. Largest amount first, then name, id."""
        ...

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        """Per customer with at least one completed job having an estimated and an
        actual cost or hours: the comparisons, by customer name then id."""
        ...

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        """Customers with ``text`` in name, email, phone or address (ASCII letters
        matched ignoring case, as :attr:`JobFilter.text`), by name then id; empty text
        matches every customer."""
        ...

    # -- money --------------------------------------------------------------------------
    def balances(self, owner_id: str, customer_id: str | None = None) -> Sequence[CustomerBalance]:
        """Every customer (or just ``customer_id``) with the
        :class:`~jobtrack_core.reports.Balances` of their jobs, by name then id."""
        ...

    def aging(
        self, owner_id: str, bounds: Sequence[datetime], received_by: date | None
    ) -> Sequence[CustomerAging]:
        """Accounts receivable. ``bounds`` are four UTC instants, decreasing: the end of
        the report's day, then the starts of the days 30, 60 and 90 days before it. Each
        completed job with ``completed_at < bounds[0]`` owes its amount due less the
        standing payments (refunds subtracted) received on or before ``received_by`` (all
        of them when None), when that is more than 0; it falls in bucket 0 when
        ``completed_at >= bounds[1]``, else 1 when ``>= bounds[2]``, else 2 when
        ``>= bounds[3]``, else 3. Customers owing anything, by name then id."""
        ...

    def cash_between(self, owner_id: str, bounds: Sequence[date]) -> Sequence[CashRow]:
        """For each pair of neighbours ``bounds[i] <= received_on < bounds[i + 1]``
        (increasing days) and each method: the standing receipts and refunds. Only rows
        with some, by period number then method."""
        ...

    def stalled(self, owner_id: str, quiet_since: date, limit: int) -> Sequence[Job]:
        """Up to ``limit`` completed jobs partly paid (not paid, ``amount_paid > 0``)
        whose latest standing payment was received before ``quiet_since``: oldest
        completion first, then id."""
        ...

    def invoice_aging(
        self, owner_id: str, bounds: Sequence[date]
    ) -> Sequence[CustomerInvoiceAging]:
        """Invoices still owing (issued, kind invoice, balance more than 0) by due date.
        ``bounds`` are four days, decreasing: the report's day, and 30, 60 and 90 days
        before it. An invoice falls in bucket 0 (not yet due) when ``due_on >= bounds[0]``,
        else 1 when ``>= bounds[1]``, else 2 when ``>= bounds[2]``, else 3 when
        ``>= bounds[3]``, else 4; it counts its balance. Customers owing anything, by name
        then id."""
        ...

    def overdue_invoices(self, owner_id: str, today: date, limit: int) -> Sequence[Invoice]:
        """Up to ``limit`` issued invoices (kind invoice) owing something and due before
        ``today``: by due date, then number."""
        ...

    def deposits_waiting(self, owner_id: str, taken_before: date, limit: int) -> Sequence[Job]:
        """Up to ``limit`` pending jobs holding money (``amount_paid > 0``) whose first
        standing deposit or payment was received before ``taken_before``: by that day,
        then id."""
        ...


class UnitOfWork(Protocol):
    @property
    def users(self) -> UserRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def jobs(self) -> JobRepository: ...
    @property
    def payments(self) -> PaymentRepository: ...
    @property
    def billing(self) -> BillingRepository: ...
    @property
    def quotes(self) -> QuoteRepository: ...
    @property
    def invoices(self) -> InvoiceRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def history(self) -> HistoryRepository: ...
    @property
    def reports(self) -> ReportQueries: ...


class Store(Protocol):
    def transaction(self, *, write: bool = True) -> AbstractContextManager[UnitOfWork]:
        """Open a unit of work, nested inside this thread's current one if there is one.

        ``write=False`` promises that the block only reads, which lets a database
        run it without taking the write lock.
        """
        ...

    def close(self) -> None: ...
