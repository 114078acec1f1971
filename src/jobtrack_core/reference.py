"""Every report computed plainly from lists of entities: the meaning of each report.

These functions are slow on purpose (they look at every job) and simple
enough to read as the specification. The contract suite compares what a store
answers through :class:`jobtrack_core.service.Workspace` with what these
functions compute from the same customers and jobs. Periods are decided here
by each payment's *local date*, never by UTC instants, so they check the
instant arithmetic of :mod:`jobtrack_core.periods` independently.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from jobtrack_core import rules
from jobtrack_core.documents import STANDING, Invoice, InvoiceKind
from jobtrack_core.entities import Customer, Job, Payment, PaymentKind
from jobtrack_core.money import ZERO
from jobtrack_core.pagination import JobPosition, JobSort, reference_page, sort_key
from jobtrack_core.periods import BusinessCalendar, Period
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_core.reports import (
    AGING_DAYS,
    Accuracy,
    Aging,
    AgingReport,
    Balances,
    CashPeriod,
    CashTotal,
    CustomerAccuracy,
    CustomerAging,
    CustomerBalance,
    CustomerInvoiceAging,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    InvoiceAging,
    OwnerTotals,
    PeriodRevenue,
    Reminders,
    StatusCounts,
    Tally,
)
from jobtrack_core.status import JobStatus


def tally(jobs: Iterable[Job], value: Callable[[Job], Decimal] = rules.revenue_value) -> Tally:
    """The jobs' count and the sum of ``value`` over them (their revenue value by default)."""
    chosen = list(jobs)
    return Tally(sum((value(j) for j in chosen), ZERO), len(chosen))


_tally = tally


def totals(customers: Sequence[Customer], jobs: Sequence[Job]) -> OwnerTotals:
    counts = {s: sum(1 for j in jobs if j.status is s) for s in JobStatus}
    return OwnerTotals(
        customers=len(customers),
        statuses=StatusCounts(**{s.value: n for s, n in counts.items()}),
        revenue=_tally(j for j in jobs if rules.is_revenue(j)),
        receivables=_tally(j for j in jobs if rules.is_receivable(j)),
        pipeline=_tally((j for j in jobs if rules.in_pipeline(j)), rules.pipeline_value),
        balances=balances(jobs),
    )


def revenue_in(jobs: Iterable[Job], period: Period, calendar: BusinessCalendar) -> PeriodRevenue:
    """Paid jobs whose payment's local date lies in the period's days."""
    return PeriodRevenue(
        period,
        _tally(
            j
            for j in jobs
            if rules.is_revenue(j)
            and j.paid_at is not None
            and period.start <= calendar.local_date(j.paid_at) < period.end
        ),
    )


def listing(jobs: Iterable[Job], where: JobFilter, sort: JobSort, limit: int | None) -> list[Job]:
    ordered = sorted(
        (j for j in jobs if where.matches(j)),
        key=lambda j: sort_key(sort, j),
        reverse=sort.descending,
    )
    return ordered if limit is None else ordered[:limit]


def dashboard(
    customers: Sequence[Customer],
    jobs: Sequence[Job],
    *,
    now: datetime,
    calendar: BusinessCalendar,
    upcoming_days: int = 7,
    recent: int = 10,
    today_limit: int = 10,
    upcoming_limit: int = 20,
    overdue_limit: int = 20,
    payments: Sequence[Payment] = (),
) -> Dashboard:
    today = calendar.local_date(now)
    week = today - timedelta(days=(today.weekday() - calendar.week_start) % 7)
    month = today.replace(day=1)
    next_month = (month + timedelta(days=31)).replace(day=1)
    this_week = calendar.period(week, week + timedelta(days=7))
    this_month = calendar.period(month, next_month)
    whole = totals(customers, jobs)
    return Dashboard(
        today=today,
        timezone=calendar.timezone,
        customers=whole.customers,
        jobs=len(jobs),
        statuses=whole.statuses,
        revenue=whole.revenue,
        receivables=whole.receivables,
        pipeline=whole.pipeline,
        this_week=revenue_in(jobs, this_week, calendar),
        this_month=revenue_in(jobs, this_month, calendar),
        due_today=tuple(listing(jobs, rules.due_on(today), JobSort.DUE, today_limit)),
        recent=tuple(listing(jobs, JobFilter(), JobSort.UPDATED, recent)),
        upcoming=tuple(
            listing(
                jobs,
                rules.due_between(today, today + timedelta(days=upcoming_days)),
                JobSort.DUE,
                upcoming_limit,
            )
        ),
        overdue=tuple(listing(jobs, rules.overdue(today), JobSort.DUE, overdue_limit)),
        overdue_count=len(listing(jobs, rules.overdue(today), JobSort.DUE, None)),
        balances=whole.balances,
        cash_this_week=cash_in(payments, this_week).cash,
        cash_this_month=cash_in(payments, this_month).cash,
    )


def revenue_by_month(
    jobs: Sequence[Job], year: int, calendar: BusinessCalendar
) -> tuple[PeriodRevenue, ...]:
    starts = [date(year, month, 1) for month in range(1, 13)] + [date(year + 1, 1, 1)]
    return tuple(
        revenue_in(jobs, calendar.period(start, end), calendar)
        for start, end in itertools.pairwise(starts)
    )


def revenue_by_customer(
    customers: Sequence[Customer],
    jobs: Sequence[Job],
    year: int | None,
    calendar: BusinessCalendar,
) -> list[CustomerRevenue]:
    """Revenue per customer, all time or of the paid jobs whose payment's local date
    falls in ``year``."""

    def counted(job: Job) -> bool:
        if year is None:
            return True
        return job.paid_at is not None and calendar.local_date(job.paid_at).year == year

    return _per_customer(customers, [j for j in jobs if rules.is_revenue(j) and counted(j)])


def paid_by_customer(
    customers: Sequence[Customer],
    jobs: Sequence[Job],
    paid_from: datetime | None,
    paid_to: datetime | None,
) -> list[CustomerRevenue]:
    """Revenue per customer of the paid jobs paid ``paid_from <= paid_at < paid_to``
    (UTC instants; with no bound, every paid job, dated or not)."""

    def counted(job: Job) -> bool:
        if paid_from is None and paid_to is None:
            return True
        if job.paid_at is None:
            return False
        return (paid_from is None or paid_from <= job.paid_at) and (
            paid_to is None or job.paid_at < paid_to
        )

    return _per_customer(customers, [j for j in jobs if rules.is_revenue(j) and counted(j)])


def _per_customer(customers: Sequence[Customer], paid: Sequence[Job]) -> list[CustomerRevenue]:
    result = []
    for customer in customers:
        mine = [j for j in paid if j.customer_id == customer.id]
        if mine:
            result.append(CustomerRevenue(customer, _tally(mine)))
    result.sort(key=lambda r: (-r.revenue.amount, r.customer.name, r.customer.id))
    return result


def customer_summary(customer: Customer, jobs: Sequence[Job]) -> CustomerSummary:
    mine = [j for j in jobs if j.customer_id == customer.id]
    completed = [j for j in mine if j.status is JobStatus.COMPLETED]
    return CustomerSummary(
        customer=customer,
        jobs=len(mine),
        completed=len(completed),
        earned=_tally(j for j in completed if rules.is_revenue(j)).amount,
        unpaid=_tally(j for j in mine if not rules.is_revenue(j)).amount,
        last_job_at=max((j.created_at for j in mine), default=None),
    )


def customer_summaries(customers: Sequence[Customer], jobs: Sequence[Job]) -> list[CustomerSummary]:
    ordered = sorted(customers, key=lambda c: (c.name, c.id))
    return [customer_summary(c, jobs) for c in ordered]


def estimate_report(customers: Sequence[Customer], jobs: Sequence[Job]) -> EstimateReport:
    per_customer = []
    for customer in sorted(customers, key=lambda c: (c.name, c.id)):
        accuracy = Accuracy.of_jobs(j for j in jobs if j.customer_id == customer.id)
        if accuracy.cost.jobs or accuracy.hours.jobs:
            per_customer.append(CustomerAccuracy(customer, accuracy))
    return EstimateReport(Accuracy.of_jobs(jobs), tuple(per_customer))


def search_customers(customers: Sequence[Customer], text: str) -> list[Customer]:
    needle = ascii_lower(text)
    found = [
        c
        for c in customers
        if any(needle in ascii_lower(v or "") for v in (c.name, c.email, c.phone, c.address))
    ]
    return sorted(found, key=lambda c: (c.name, c.id))


def unpaid_completed(jobs: Iterable[Job], completed_before: datetime, limit: int) -> list[Job]:
    """Receivables completed before an instant, oldest completion first, then id."""
    found = [
        j
        for j in jobs
        if rules.is_receivable(j) and (j.completed_at is None or j.completed_at < completed_before)
    ]
    found.sort(key=lambda j: (j.completed_at is not None, j.completed_at or completed_before, j.id))
    return found[:limit]


def owing_customers(summaries: Iterable[CustomerSummary], over: Decimal) -> list[CustomerSummary]:
    """Customers whose unpaid amount is more than ``over``, largest first."""
    return sorted(
        (s for s in summaries if s.unpaid > over),
        key=lambda s: (-s.unpaid, s.customer.name, s.customer.id),
    )


def idle_customers(summaries: Iterable[CustomerSummary], before: datetime) -> list[CustomerSummary]:
    """Customers whose last activity was before ``before``, longest idle first."""
    return sorted(
        (s for s in summaries if s.last_activity < before),
        key=lambda s: (s.last_activity, s.customer.name, s.customer.id),
    )


def reminders(
    customers: Sequence[Customer],
    jobs: Sequence[Job],
    *,
    now: datetime,
    calendar: BusinessCalendar,
    unpaid_days: int = 7,
    owing_over: Decimal = Decimal(500),
    idle_days: int = 30,
    limit: int = 50,
    payments: Sequence[Payment] = (),
    stalled_days: int = 14,
    deposit_days: int = 14,
    invoices: Sequence[Invoice] = (),
) -> Reminders:
    today = calendar.local_date(now)
    summaries = customer_summaries(customers, jobs)
    owing = owing_customers(summaries, owing_over)
    idle = idle_customers(summaries, now - timedelta(days=idle_days))
    soon = rules.due_between(today, today + timedelta(days=1))
    return Reminders(
        today=today,
        unpaid_jobs=tuple(unpaid_completed(jobs, now - timedelta(days=unpaid_days), limit)),
        owing_customers=tuple(owing[:limit]),
        idle_customers=tuple(idle[:limit]),
        due_soon=tuple(listing(jobs, soon, JobSort.DUE, limit)),
        overdue=tuple(listing(jobs, rules.overdue(today), JobSort.DUE, limit)),
        stalled=tuple(stalled(jobs, payments, today - timedelta(days=stalled_days))[:limit]),
        deposits_waiting=tuple(
            deposits_waiting(jobs, payments, today - timedelta(days=deposit_days))[:limit]
        ),
        overdue_invoices=tuple(overdue_invoices(invoices, today)[:limit]),
    )


# -- money -----------------------------------------------------------------------------------
def balances(jobs: Iterable[Job]) -> Balances:
    """The jobs' money, from each job's own figures (:class:`~jobtrack_core.entities.Job`)."""
    chosen = list(jobs)
    return Balances(
        due=sum((j.amount_due or ZERO for j in chosen), ZERO),
        paid=sum((j.amount_paid for j in chosen), ZERO),
        owed=_tally((j for j in chosen if j.owed > ZERO), lambda j: j.owed),
        deposits=_tally((j for j in chosen if j.deposit > ZERO), lambda j: j.deposit),
        credits=_tally((j for j in chosen if j.credit > ZERO), lambda j: j.credit),
    )


def customer_balances(customers: Sequence[Customer], jobs: Sequence[Job]) -> list[CustomerBalance]:
    """Every customer with the balances of their jobs, by name then id."""
    return [
        CustomerBalance(c, balances(j for j in jobs if j.customer_id == c.id))
        for c in sorted(customers, key=lambda c: (c.name, c.id))
    ]


def net_paid(job: Job, payments: Iterable[Payment], received_by: date | None = None) -> Decimal:
    """What the job's standing payments received by ``received_by`` (all if None) add up to."""
    return sum(
        (
            p.signed
            for p in payments
            if p.job_id == job.id and (received_by is None or p.received_on <= received_by)
        ),
        ZERO,
    )


def aging(
    customers: Sequence[Customer],
    jobs: Sequence[Job],
    payments: Sequence[Payment],
    as_of: date,
    calendar: BusinessCalendar,
) -> AgingReport:
    """What each customer owed at the end of ``as_of``, by the local days since each job
    was completed, counting the payments received by then."""
    buckets: dict[str, list[Tally]] = {}
    for job in jobs:
        if job.completed_at is None or job.amount_due is None:
            continue
        completed = calendar.local_date(job.completed_at)
        if completed > as_of:
            continue
        owed = job.amount_due - net_paid(job, payments, as_of)
        if owed <= ZERO:
            continue
        age = (as_of - completed).days
        index = sum(1 for start in AGING_DAYS[1:] if age >= start)
        found = buckets.setdefault(job.customer_id, [Tally()] * 4)
        found[index] = found[index] + Tally(owed, 1)
    rows = tuple(
        CustomerAging(c, Aging(*buckets[c.id]))
        for c in sorted(customers, key=lambda c: (c.name, c.id))
        if c.id in buckets
    )
    return AgingReport(as_of, rows, sum((r.aging for r in rows), Aging()))


def cash(payment: Payment) -> CashTotal:
    """One payment as cash: received or refunded, nothing once voided."""
    if payment.voided:
        return CashTotal()
    if payment.kind is PaymentKind.REFUND:
        return CashTotal(refunded=payment.amount, refunds=1)
    return CashTotal(received=payment.amount, receipts=1)


def cash_in(payments: Iterable[Payment], period: Period) -> CashPeriod:
    """The cash received on the period's days, in all and by method."""
    chosen = [p for p in payments if not p.voided and period.start <= p.received_on < period.end]
    by_method = tuple(
        (m, sum((cash(p) for p in chosen if p.method is m), CashTotal()))
        for m in sorted({p.method for p in chosen})
    )
    return CashPeriod(period, sum((cash(p) for p in chosen), CashTotal()), by_method)


def stalled(jobs: Iterable[Job], payments: Sequence[Payment], quiet_since: date) -> list[Job]:
    """Completed, partly paid jobs without a standing payment received since
    ``quiet_since``: oldest completion first, then id."""
    found = []
    for job in jobs:
        if job.status is not JobStatus.COMPLETED or job.paid or job.amount_paid <= ZERO:
            continue
        days = [p.received_on for p in payments if p.job_id == job.id and not p.voided]
        if days and max(days) < quiet_since:
            found.append(job)
    return sorted(found, key=lambda j: (j.completed_at, j.id))


def deposits_waiting(
    jobs: Iterable[Job], payments: Sequence[Payment], taken_before: date
) -> list[Job]:
    """Pending jobs holding money first received before ``taken_before``: by that day,
    then id."""
    found = []
    for job in jobs:
        if job.status is not JobStatus.PENDING or job.amount_paid <= ZERO:
            continue
        days = [
            p.received_on
            for p in payments
            if p.job_id == job.id and not p.voided and p.kind is not PaymentKind.REFUND
        ]
        if days and min(days) < taken_before:
            found.append((min(days), job))
    return [job for _, job in sorted(found, key=lambda pair: (pair[0], pair[1].id))]


def page(
    jobs: Iterable[Job], where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
) -> list[Job]:
    """One page of a listing: the jobs matching ``where`` after ``after`` in ``sort``."""
    return reference_page((j for j in jobs if where.matches(j)), sort, after, max(limit, 0))


# -- invoices -----------------------------------------------------------------------------
def owing_invoices(invoices: Iterable[Invoice]) -> list[Invoice]:
    """Invoices (not credit notes) issued and still owing something."""
    return [
        i
        for i in invoices
        if i.kind is InvoiceKind.INVOICE and i.status in STANDING and i.balance > ZERO
    ]


def invoice_aging(
    customers: Iterable[Customer], invoices: Iterable[Invoice], as_of: date
) -> list[CustomerInvoiceAging]:
    """What each customer's invoices still ask on ``as_of``, by days past their due date:
    not yet due (due on or after ``as_of``), 1-30, 31-60, 61-90, more than 90."""
    buckets: dict[str, list[Tally]] = {}
    for invoice in owing_invoices(invoices):
        assert invoice.due_on is not None
        late = (as_of - invoice.due_on).days
        index = 0 if late <= 0 else 1 + sum(1 for days in (30, 60, 90) if late > days)
        found = buckets.setdefault(invoice.customer_id, [Tally()] * 5)
        found[index] = found[index] + Tally(invoice.balance, 1)
    return [
        CustomerInvoiceAging(c, InvoiceAging(*buckets[c.id]))
        for c in sorted(customers, key=lambda c: (c.name, c.id))
        if c.id in buckets
    ]


def overdue_invoices(invoices: Iterable[Invoice], today: date) -> list[Invoice]:
    """Invoices owing something after their due date: by due date, then number."""
    late = [i for i in owing_invoices(invoices) if i.overdue_on(today)]
    return sorted(late, key=lambda i: (i.due_on, i.number))


__all__ = [
    "aging",
    "balances",
    "cash",
    "cash_in",
    "customer_balances",
    "customer_summaries",
    "customer_summary",
    "dashboard",
    "deposits_waiting",
    "estimate_report",
    "idle_customers",
    "invoice_aging",
    "listing",
    "net_paid",
    "overdue_invoices",
    "owing_customers",
    "owing_invoices",
    "page",
    "paid_by_customer",
    "reminders",
    "revenue_by_customer",
    "revenue_by_month",
    "revenue_in",
    "search_customers",
    "stalled",
    "tally",
    "totals",
    "unpaid_completed",
]
