"""A store author's kit: correct defaults built on the required repository methods.

A store must implement the repositories of :mod:`jobtrack_core.ports`. What can
be built on them is built here, correct but slow (each report reads all of one
owner's customers and jobs), so a new store works on its first day and is made
fast one method at a time:

- :class:`ReferenceReports` answers every report question with
  :mod:`jobtrack_core.reference`, the executable specification; give it as your
  unit of work's ``reports``, or subclass it and override the questions you can
  answer faster from your own indexes;
- :func:`add_each` is a correct ``JobRepository.add_many``;
- :class:`LogHistory` is a whole ``HistoryRepository`` over one mapping of owner
  to :class:`OwnerLog` that the store keeps (and rolls back) like its other tables;
- :class:`Closing` gives a store ``with`` support from its ``close()``.

``docs/howto-store.md`` writes a store from scratch with these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from datetime import date, datetime
from itertools import islice, pairwise
from types import TracebackType
from typing import Self, TypeVar

import attrs

from jobtrack_core import reference, rules
from jobtrack_core.documents import Invoice
from jobtrack_core.entities import Action, Customer, HistoryEntry, Job, Payment, RecordKind
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.money import ZERO
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.ports import (
    CustomerRepository,
    InvoiceRepository,
    JobRepository,
    PaymentRepository,
)
from jobtrack_core.queries import ActivityFilter, InvoiceFilter, JobFilter, PaymentFilter
from jobtrack_core.reports import (
    Aging,
    CashRow,
    CashTotal,
    CustomerAccuracy,
    CustomerAging,
    CustomerBalance,
    CustomerInvoiceAging,
    CustomerRevenue,
    CustomerSummary,
    OwnerTotals,
    Tally,
)

T = TypeVar("T")


class Closing:
    """``with`` support for anything with a ``close()``: the block's end closes it.
    jobtrack's stores and :class:`~jobtrack_core.service.Jobtrack` use it; so may yours."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def add_each(add: Callable[[T], None], records: Iterable[T]) -> int:
    """Add ``records`` one by one with ``add``; return how many."""
    count = 0
    for record in records:
        add(record)
        count += 1
    return count


class ReferenceReports:
    """Every :class:`~jobtrack_core.ports.ReportQueries` answer, computed by
    :mod:`jobtrack_core.reference` from the owner's customers and jobs as the
    repositories list them. Correct, and slow in proportion to the owner's data."""

    def __init__(
        self,
        customers: CustomerRepository,
        jobs: JobRepository,
        payments: PaymentRepository,
        invoices: InvoiceRepository | None = None,
    ) -> None:
        self._customers = customers
        self._jobs = jobs
        self._payments = payments
        self._invoices = invoices

    def _all(self, owner_id: str) -> tuple[Sequence[Customer], Sequence[Job]]:
        return self._customers.list(owner_id), self._jobs.list(owner_id, JobFilter())

    def _listed(self, owner_id: str, where: JobFilter, sort: JobSort, limit: int) -> list[Job]:
        return reference.page(self._jobs.list(owner_id, JobFilter()), where, sort, None, limit)

    def totals(self, owner_id: str) -> OwnerTotals:
        return reference.totals(*self._all(owner_id))

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        paid = [
            j
            for j in self._jobs.list(owner_id, JobFilter(paid=True))
            if rules.is_revenue(j) and j.paid_at is not None
        ]
        return [
            reference.tally([j for j in paid if j.paid_at and low <= j.paid_at < high])
            for low, high in pairwise(bounds)
        ]

    def jobs_page(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        return reference.page(self._jobs.list(owner_id, where), where, sort, after, limit)

    def customer_jobs(
        self, owner_id: str, customer_id: str, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        where = JobFilter(customer_id=customer_id)
        return reference.page(self._jobs.list(owner_id, where), where, JobSort.NEWEST, after, limit)

    def due_on(self, owner_id: str, day: date, limit: int) -> Sequence[Job]:
        return self._listed(owner_id, rules.due_on(day), JobSort.DUE, limit)

    def open_due(self, owner_id: str, first: date, last: date, limit: int) -> Sequence[Job]:
        return self._listed(owner_id, rules.due_between(first, last), JobSort.DUE, limit)

    def overdue(self, owner_id: str, today: date, limit: int) -> Sequence[Job]:
        return self._listed(owner_id, rules.overdue(today), JobSort.DUE, limit)

    def count_overdue(self, owner_id: str, today: date) -> int:
        return len(self._jobs.list(owner_id, rules.overdue(today)))

    def recently_changed(self, owner_id: str, limit: int) -> Sequence[Job]:
        return self._listed(owner_id, JobFilter(), JobSort.UPDATED, limit)

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        return reference.unpaid_completed(
            self._jobs.list(owner_id, JobFilter()), completed_before, max(limit, 0)
        )

    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        customers, jobs = self._all(owner_id)
        if customer_id is not None:
            customers = [c for c in customers if c.id == customer_id]
        return reference.customer_summaries(customers, jobs)

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        return reference.paid_by_customer(*self._all(owner_id), paid_from, paid_to)

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        return reference.estimate_report(*self._all(owner_id)).customers

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        return reference.search_customers(self._customers.list(owner_id), text)

    def _ledger(self, owner_id: str) -> Sequence[Payment]:
        return self._payments.list(owner_id, PaymentFilter())

    def balances(self, owner_id: str, customer_id: str | None = None) -> Sequence[CustomerBalance]:
        customers, jobs = self._all(owner_id)
        if customer_id is not None:
            customers = [c for c in customers if c.id == customer_id]
        return reference.customer_balances(customers, jobs)

    def aging(
        self, owner_id: str, bounds: Sequence[datetime], received_by: date | None
    ) -> Sequence[CustomerAging]:
        customers, jobs = self._all(owner_id)
        payments = self._ledger(owner_id)
        buckets: dict[str, list[Tally]] = {}
        for job in jobs:
            if job.completed_at is None or job.amount_due is None or job.completed_at >= bounds[0]:
                continue
            owed = job.amount_due - reference.net_paid(job, payments, received_by)
            if owed > ZERO:
                index = 3 - sum(1 for bound in bounds[1:] if job.completed_at >= bound)
                found = buckets.setdefault(job.customer_id, [Tally()] * 4)
                found[index] = found[index] + Tally(owed, 1)
        return [
            CustomerAging(c, Aging(*buckets[c.id]))
            for c in sorted(customers, key=lambda c: (c.name, c.id))
            if c.id in buckets
        ]

    def cash_between(self, owner_id: str, bounds: Sequence[date]) -> Sequence[CashRow]:
        rows = []
        payments = self._ledger(owner_id)
        for n, (low, high) in enumerate(pairwise(bounds)):
            chosen = [p for p in payments if low <= p.received_on < high and not p.voided]
            for method in sorted({p.method for p in chosen}):
                cash = sum((reference.cash(p) for p in chosen if p.method is method), CashTotal())
                rows.append(CashRow(n, method, cash))
        return rows

    def stalled(self, owner_id: str, quiet_since: date, limit: int) -> Sequence[Job]:
        jobs = self._jobs.list(owner_id, JobFilter())
        return reference.stalled(jobs, self._ledger(owner_id), quiet_since)[: max(limit, 0)]

    def deposits_waiting(self, owner_id: str, taken_before: date, limit: int) -> Sequence[Job]:
        jobs = self._jobs.list(owner_id, JobFilter())
        found = reference.deposits_waiting(jobs, self._ledger(owner_id), taken_before)
        return found[: max(limit, 0)]

    def invoice_aging(
        self, owner_id: str, bounds: Sequence[date]
    ) -> Sequence[CustomerInvoiceAging]:
        invoices = self._all_invoices(owner_id)
        return reference.invoice_aging(self._customers.list(owner_id), invoices, bounds[0])

    def overdue_invoices(self, owner_id: str, today: date, limit: int) -> Sequence[Invoice]:
        invoices = self._all_invoices(owner_id)
        return reference.overdue_invoices(invoices, today)[: max(limit, 0)]

    def _all_invoices(self, owner_id: str) -> Sequence[Invoice]:
        if self._invoices is None:
            return ()
        return self._invoices.list(owner_id, InvoiceFilter())


@attrs.frozen
class OwnerLog:
    """One owner's history as a simple store keeps it: the ``entries`` in order of
    number, the last number reserved (``head``), and the lowest cursor still served."""

    entries: tuple[HistoryEntry, ...] = ()
    head: int = 0
    kept_from: int = 0


class LogHistory:
    """A whole :class:`~jobtrack_core.ports.HistoryRepository` over ``logs``, a mapping of
    owner id to :class:`OwnerLog` that the store keeps and rolls back with its other
    tables (each change puts a new ``OwnerLog``; none is changed in place). Correct,
    and slow in proportion to one owner's history. ``owner_exists`` says whether an
    account exists."""

    def __init__(
        self, logs: MutableMapping[str, OwnerLog], owner_exists: Callable[[str], bool]
    ) -> None:
        self._logs = logs
        self._owner_exists = owner_exists

    def _log(self, owner_id: str) -> OwnerLog:
        return self._logs.get(owner_id) or OwnerLog()

    def reserve(self, owner_id: str, count: int) -> int:
        log = self._log(owner_id)
        self._logs[owner_id] = attrs.evolve(log, head=log.head + count)
        return log.head + 1

    def add(self, entries: Sequence[HistoryEntry]) -> None:
        by_owner: dict[str, list[HistoryEntry]] = {}
        for entry in entries:
            by_owner.setdefault(entry.owner_id, []).append(entry)
        for owner_id, mine in by_owner.items():
            if not self._owner_exists(owner_id):
                raise NotFoundError("user", owner_id)
            log = self._log(owner_id)
            last = log.entries[-1].seq if log.entries else 0
            for entry in mine:
                if entry.seq <= last or entry.seq > log.head:
                    raise ConflictError("seq", f"change {entry.seq} was not reserved next")
                last = entry.seq
            self._logs[owner_id] = attrs.evolve(log, entries=log.entries + tuple(mine))

    def load(self, owner_id: str, entries: Sequence[HistoryEntry], kept_from: int) -> None:
        if not self._owner_exists(owner_id):
            raise NotFoundError("user", owner_id)
        if self._log(owner_id).head:
            raise ConflictError("history", "this account already has a history")
        seqs = [e.seq for e in entries]
        if any(e.owner_id != owner_id for e in entries) or seqs != sorted(set(seqs)):
            raise ConflictError("history", "entries must be the owner's, in order of number")
        head = max([kept_from, *seqs])
        self._logs[owner_id] = OwnerLog(tuple(entries), head, kept_from)

    def of_record(
        self, owner_id: str, kind: RecordKind, record_id: str, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        found = (
            e
            for e in reversed(self._log(owner_id).entries)
            if e.kind is kind and e.record_id == record_id and (before is None or e.seq < before)
        )
        return list(islice(found, max(limit, 0)))

    def activity(
        self, owner_id: str, where: ActivityFilter, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        found = (
            e
            for e in reversed(self._log(owner_id).entries)
            if (before is None or e.seq < before) and where.matches(e)
        )
        return list(islice(found, max(limit, 0)))

    def latest_after(self, owner_id: str, after: int, limit: int) -> Sequence[HistoryEntry]:
        latest: dict[tuple[RecordKind, str], HistoryEntry] = {}
        for entry in self._log(owner_id).entries:
            if entry.seq > after:
                latest.pop((entry.kind, entry.record_id), None)
                latest[(entry.kind, entry.record_id)] = entry
        return list(islice(latest.values(), max(limit, 0)))

    def prune(self, owner_id: str, before: datetime) -> int:
        log = self._log(owner_id)
        last = {(e.kind, e.record_id): e.seq for e in log.entries}
        kept, floor = [], log.kept_from
        for entry in log.entries:
            latest = last[(entry.kind, entry.record_id)] == entry.seq
            if entry.at >= before or (latest and entry.action is not Action.DELETED):
                kept.append(entry)
            elif latest:
                floor = max(floor, entry.seq)
        if len(kept) < len(log.entries):
            self._logs[owner_id] = attrs.evolve(log, entries=tuple(kept), kept_from=floor)
        return len(log.entries) - len(kept)

    def kept_from(self, owner_id: str) -> int:
        return self._log(owner_id).kept_from


__all__ = ["Closing", "LogHistory", "OwnerLog", "ReferenceReports", "add_each"]
