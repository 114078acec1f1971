"""The memory store's reports: answers read from the acting owner's
:class:`~jobtrack_memory.indexes.OwnerIndex`, never from other owners' data.

Totals are O(1); revenue over periods reads payments by UTC day; listings walk
the sorted index of their order from the cursor and stop after one page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from jobtrack_core import reference
from jobtrack_core.entities import Customer, Job, Payment, PaymentMethod
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.money import from_minor
from jobtrack_core.pagination import JobPosition, JobSort, sort_key
from jobtrack_core.ports import (
    CustomerRepository,
    InvoiceRepository,
    JobRepository,
    PaymentRepository,
)
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_core.reports import (
    Accuracy,
    Balances,
    CashRow,
    CashTotal,
    CustomerAccuracy,
    CustomerRevenue,
    CustomerSummary,
    OwnerTotals,
    StatusCounts,
    Tally,
)
from jobtrack_core.status import NOT_CANCELLED, OPEN
from jobtrack_memory.indexes import (
    LAST_ID,
    CustomerTotals,
    OwnerIndex,
    cents,
    micros,
    position_key,
)

_EMPTY_INDEX = OwnerIndex()


def _tally(pair: Sequence[int]) -> Tally:
    return Tally.of_minor(*pair)


class MemoryReports:
    """:class:`jobtrack_core.ports.ReportQueries` over the memory store's tables. The
    money questions other than the totals are the kit's plain answers (the memory store
    is not where ledgers of a hundred thousand payments are kept)."""

    def __init__(
        self,
        jobs: dict[str, dict[str, Job]],
        customers: dict[str, dict[str, Customer]],
        indexes: dict[str, OwnerIndex],
        repositories: tuple[
            CustomerRepository, JobRepository, PaymentRepository, InvoiceRepository
        ],
        received: Callable[[str, date, date], Iterable[Payment]],
    ) -> None:
        self._received = received
        self._plain = ReferenceReports(*repositories)
        self.balances = self._plain.balances
        self.aging = self._plain.aging
        self.stalled = self._plain.stalled
        self.deposits_waiting = self._plain.deposits_waiting
        self.invoice_aging = self._plain.invoice_aging
        self.overdue_invoices = self._plain.overdue_invoices
        self._jobs = jobs
        self._customers = customers
        self._indexes = indexes

    def _index(self, owner_id: str) -> OwnerIndex:
        return self._indexes.get(owner_id, _EMPTY_INDEX)

    # -- figures ---------------------------------------------------------------------
    def cash_between(self, owner_id: str, bounds: Sequence[date]) -> Sequence[CashRow]:
        rows: list[CashRow] = []
        for n, (low, high) in enumerate(itertools.pairwise(bounds)):
            by_method: dict[PaymentMethod, CashTotal] = {}
            for payment in self._received(owner_id, low, high):
                if not payment.voided:
                    found = by_method.get(payment.method, CashTotal())
                    by_method[payment.method] = found + reference.cash(payment)
            rows += [CashRow(n, m, by_method[m]) for m in sorted(by_method)]
        return rows

    def totals(self, owner_id: str) -> OwnerTotals:
        index = self._index(owner_id)
        return OwnerTotals(
            customers=len(index.customers_by_name),
            statuses=StatusCounts(**{s.value: n for s, n in index.statuses.items()}),
            revenue=_tally(index.revenue),
            receivables=_tally(index.receivables),
            pipeline=_tally(index.pipeline),
            balances=Balances.of_minor(*index.balances),
        )

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        index = self._index(owner_id)
        return [_tally(pair) for pair in index.paid_in_each(bounds)]

    # -- listings --------------------------------------------------------------------
    def jobs_page(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        found: list[Job] = []
        if limit <= 0:
            return found
        for job in self._walk(owner_id, where, sort, after):
            found.append(job)
            if len(found) == limit:
                break
        return found

    def customer_jobs(
        self, owner_id: str, customer_id: str, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        totals = self._index(owner_id).customer_totals.get(customer_id)
        if totals is None or limit <= 0:
            return []
        jobs = self._jobs.get(owner_id, {})
        high = position_key(after) if after else None
        ids = totals.history.ids(high=high, inclusive=(True, False), reverse=True)
        return [jobs[i] for i in itertools.islice(ids, limit)]

    def due_on(self, owner_id: str, day: date, limit: int) -> Sequence[Job]:
        jobs = self._jobs.get(owner_id, {})
        ordinal = day.toordinal()
        keys = self._index(owner_id).sorted["due"]
        ids = keys.ids(low=(False, ordinal, ""), high=(False, ordinal, LAST_ID))
        chosen = (job for job in map(jobs.__getitem__, ids) if job.status in NOT_CANCELLED)
        return list(itertools.islice(chosen, max(limit, 0)))

    def open_due(self, owner_id: str, first: date, last: date, limit: int) -> Sequence[Job]:
        return self._open_due(owner_id, (False, first.toordinal(), ""), last, limit)

    def overdue(self, owner_id: str, today: date, limit: int) -> Sequence[Job]:
        return self._open_due(owner_id, None, today - timedelta(days=1), limit)

    def _open_due(
        self, owner_id: str, low: tuple[Any, ...] | None, last: date, limit: int
    ) -> Sequence[Job]:
        jobs = self._jobs.get(owner_id, {})
        keys = self._index(owner_id).sorted["open_due"]
        ids = keys.ids(low=low, high=(False, last.toordinal(), LAST_ID))
        return [jobs[i] for i in itertools.islice(ids, max(limit, 0))]

    def count_overdue(self, owner_id: str, today: date) -> int:
        keys = self._index(owner_id).sorted["open_due"]
        return keys.count_below((False, today.toordinal(), ""))

    def recently_changed(self, owner_id: str, limit: int) -> Sequence[Job]:
        jobs = self._jobs.get(owner_id, {})
        ids = self._index(owner_id).sorted["updated"].ids(reverse=True)
        return [jobs[i] for i in itertools.islice(ids, max(limit, 0))]

    def _walk(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None
    ) -> Iterator[Job]:
        """The owner's jobs matching ``where`` after ``after``, in ``sort`` order, read from
        the narrowest index that serves the filter."""
        index = self._index(owner_id)
        jobs = self._jobs.get(owner_id, {})
        if where.customer_id is not None:
            totals = index.customer_totals.get(where.customer_id)
            if totals is None:
                return
            if sort is JobSort.NEWEST:
                # A customer's history: walk it from the cursor.
                high = position_key(after) if after else None
                ids = totals.history.ids(high=high, inclusive=(True, False), reverse=True)
                yield from (job for job in map(jobs.__getitem__, ids) if where.matches(job))
                return
            mine = [jobs[i] for i in totals.history.ids()]
            mine.sort(key=lambda j: sort_key(sort, j), reverse=sort.descending)
            for job in mine:
                if (after is None or after.precedes(job)) and where.matches(job):
                    yield job
            return
        yield from self._walk_index(index, jobs, where, sort, after)

    def _walk_index(
        self,
        index: OwnerIndex,
        jobs: dict[str, Job],
        where: JobFilter,
        sort: JobSort,
        after: JobPosition | None,
    ) -> Iterator[Job]:
        low: tuple[Any, ...] | None = None
        if sort is JobSort.DUE:
            name = "open_due" if where.statuses is not None and where.statuses <= OPEN else "due"
            if where.due_from is not None:
                low = (False, where.due_from.toordinal(), "")
        elif sort is JobSort.NEWEST and where.paid is False:
            name = "unpaid"  # unpaid jobs are few beside the paid ones that pile up
        elif sort is JobSort.NEWEST and where.statuses is not None:
            yield from self._walk_statuses(index, jobs, where, after)
            return
        else:
            name = {JobSort.NEWEST: "newest", JobSort.UPDATED: "updated", JobSort.TITLE: "title"}[
                sort
            ]
        keys = index.sorted[name]
        if sort.descending:
            ids = keys.ids(
                high=position_key(after) if after else None, inclusive=(True, False), reverse=True
            )
        else:
            start = position_key(after) if after else None
            if low is not None and (start is None or low > start):
                ids = keys.ids(low=low)
            else:
                ids = keys.ids(low=start, inclusive=(False, True))
        due_to = where.due_to if sort is JobSort.DUE else None
        for job_id in ids:
            job = jobs[job_id]
            if due_to is not None and (job.due_date is None or job.due_date > due_to):
                return  # the due index is past the range: nothing further can match
            if where.matches(job):
                yield job

    def _walk_statuses(
        self,
        index: OwnerIndex,
        jobs: dict[str, Job],
        where: JobFilter,
        after: JobPosition | None,
    ) -> Iterator[Job]:
        """Newest first over the union of the per-status indexes."""
        high = position_key(after) if after else None
        streams = [
            index.sorted[f"status:{s.value}"].ids(high=high, inclusive=(True, False), reverse=True)
            for s in sorted(where.statuses or ())
        ]
        heads: list[tuple[Any, ...]] = []
        for number, stream in enumerate(streams):
            job_id = next(stream, None)
            if job_id is not None:
                job = jobs[job_id]
                heads.append((job.created_at, job.id, number))
        while heads:
            heads.sort()
            _, job_id, number = heads.pop()
            job = jobs[job_id]
            if where.matches(job):
                yield job
            following = next(streams[number], None)
            if following is not None:
                nxt = jobs[following]
                heads.append((nxt.created_at, nxt.id, number))

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        index = self._index(owner_id)
        jobs = self._jobs.get(owner_id, {})
        found: list[Job] = []
        if limit <= 0:
            return found
        for job_id in index.sorted["unpaid_done"].ids(
            high=(True, micros(completed_before), ""), inclusive=(True, False)
        ):
            found.append(jobs[job_id])
            if len(found) == limit:
                break
        return found

    # -- customers -------------------------------------------------------------------
    def _customers_by_name(self, owner_id: str) -> Iterator[Customer]:
        mine = self._customers.get(owner_id, {})
        return (mine[i] for i in self._index(owner_id).customers_by_name.ids())

    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        index = self._index(owner_id)
        if customer_id is not None:
            customer = self._customers.get(owner_id, {}).get(customer_id)
            chosen = [] if customer is None else [customer]
        else:
            chosen = list(self._customers_by_name(owner_id))
        jobs = self._jobs.get(owner_id, {})
        return [_summary(c, index.customer_totals[c.id], jobs) for c in chosen]

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        index = self._index(owner_id)
        mine = self._customers.get(owner_id, {})
        sums: dict[str, list[int]] = {}
        if paid_from is None and paid_to is None:
            for customer_id, totals in index.customer_totals.items():
                if totals.paid_jobs:
                    sums[customer_id] = [totals.paid, totals.paid_jobs]
        else:
            jobs = self._jobs.get(owner_id, {})
            low = None if paid_from is None else (micros(paid_from),)
            high = None if paid_to is None else (micros(paid_to),)
            for job_id in index.sorted["paid"].ids(low=low, high=high, inclusive=(True, False)):
                job = jobs[job_id]
                pair = sums.setdefault(job.customer_id, [0, 0])
                pair[0] += cents(job.actual_cost)
                pair[1] += 1
        result = [CustomerRevenue(mine[c], _tally(pair)) for c, pair in sums.items()]
        result.sort(key=lambda r: (-r.revenue.amount, r.customer.name, r.customer.id))
        return result

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        index = self._index(owner_id)
        result = []
        for customer in self._customers_by_name(owner_id):
            t = index.customer_totals[customer.id]
            if t.cost_jobs or t.hours_jobs:
                accuracy = Accuracy.of_minor(
                    t.cost_jobs, t.est_cost, t.act_cost, t.hours_jobs, t.est_hours, t.act_hours
                )
                result.append(CustomerAccuracy(customer, accuracy))
        return result

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        needle = ascii_lower(text)
        return [
            c
            for c in self._customers_by_name(owner_id)
            if any(needle in ascii_lower(v) for v in (c.name, c.email, c.phone, c.address) if v)
        ]


def _summary(customer: Customer, totals: CustomerTotals, jobs: dict[str, Job]) -> CustomerSummary:
    newest = totals.history.last()
    return CustomerSummary(
        customer=customer,
        jobs=len(totals.history),
        completed=totals.completed,
        earned=from_minor(totals.earned),
        unpaid=from_minor(totals.unpaid),
        last_job_at=None if newest is None else jobs[newest[-1]].created_at,
    )


__all__ = ["MemoryReports"]
