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
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from jobtrack_core.entities import Customer, Job
from jobtrack_core.money import ZERO
from jobtrack_core.pagination import JobSort, sort_key
from jobtrack_core.periods import BusinessCalendar, Period
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_core.reports import (
    Accuracy,
    CustomerAccuracy,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    OwnerTotals,
    PeriodRevenue,
    Reminders,
    StatusCounts,
    Tally,
)
from jobtrack_core.status import JobStatus

OPEN = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS})
NOT_CANCELLED = frozenset(JobStatus) - {JobStatus.CANCELLED}


def _tally(jobs: Iterable[Job], amount: str = "actual_cost") -> Tally:
    chosen = list(jobs)
    return Tally(sum((getattr(j, amount) or ZERO for j in chosen), ZERO), len(chosen))


def totals(customers: Sequence[Customer], jobs: Sequence[Job]) -> OwnerTotals:
    counts = {s: sum(1 for j in jobs if j.status is s) for s in JobStatus}
    return OwnerTotals(
        customers=len(customers),
        statuses=StatusCounts(**{s.value: n for s, n in counts.items()}),
        revenue=_tally(j for j in jobs if j.paid),
        receivables=_tally(j for j in jobs if j.status is JobStatus.COMPLETED and not j.paid),
        pipeline=_tally((j for j in jobs if j.status in OPEN), "estimated_cost"),
    )


def revenue_in(jobs: Iterable[Job], period: Period, calendar: BusinessCalendar) -> PeriodRevenue:
    """Paid jobs whose payment's local date lies in the period's days."""
    return PeriodRevenue(
        period,
        _tally(
            j
            for j in jobs
            if j.paid
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
) -> Dashboard:
    today = calendar.local_date(now)
    week = today - timedelta(days=(today.weekday() - calendar.week_start) % 7)
    month = today.replace(day=1)
    next_month = (month + timedelta(days=31)).replace(day=1)
    whole = totals(customers, jobs)
    overdue = JobFilter(statuses=OPEN, due_to=today - timedelta(days=1))
    return Dashboard(
        today=today,
        timezone=calendar.timezone,
        customers=whole.customers,
        jobs=len(jobs),
        statuses=whole.statuses,
        revenue=whole.revenue,
        receivables=whole.receivables,
        pipeline=whole.pipeline,
        this_week=revenue_in(jobs, calendar.period(week, week + timedelta(days=7)), calendar),
        this_month=revenue_in(jobs, calendar.period(month, next_month), calendar),
        due_today=tuple(
            listing(
                jobs,
                JobFilter(statuses=NOT_CANCELLED, due_from=today, due_to=today),
                JobSort.DUE,
                today_limit,
            )
        ),
        recent=tuple(listing(jobs, JobFilter(), JobSort.UPDATED, recent)),
        upcoming=tuple(
            listing(
                jobs,
                JobFilter(
                    statuses=OPEN, due_from=today, due_to=today + timedelta(days=upcoming_days)
                ),
                JobSort.DUE,
                upcoming_limit,
            )
        ),
        overdue=tuple(listing(jobs, overdue, JobSort.DUE, overdue_limit)),
        overdue_count=len(listing(jobs, overdue, JobSort.DUE, None)),
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
    def counted(job: Job) -> bool:
        if not job.paid:
            return False
        if year is None:
            return True
        return job.paid_at is not None and calendar.local_date(job.paid_at).year == year

    result = []
    for customer in customers:
        mine = [j for j in jobs if j.customer_id == customer.id and counted(j)]
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
        earned=_tally(j for j in completed if j.paid).amount,
        unpaid=_tally(j for j in mine if not j.paid).amount,
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
) -> Reminders:
    today = calendar.local_date(now)
    unpaid_cutoff = now - timedelta(days=unpaid_days)
    unpaid = [
        j
        for j in jobs
        if j.status is JobStatus.COMPLETED
        and not j.paid
        and (j.completed_at is None or j.completed_at < unpaid_cutoff)
    ]
    unpaid.sort(key=lambda j: (j.completed_at is not None, j.completed_at or now, j.id))
    summaries = customer_summaries(customers, jobs)
    owing = sorted(
        (s for s in summaries if s.unpaid > owing_over),
        key=lambda s: (-s.unpaid, s.customer.name, s.customer.id),
    )
    idle_cutoff = now - timedelta(days=idle_days)
    idle = sorted(
        (s for s in summaries if s.last_activity < idle_cutoff),
        key=lambda s: (s.last_activity, s.customer.name, s.customer.id),
    )
    soon = JobFilter(statuses=OPEN, due_from=today, due_to=today + timedelta(days=1))
    return Reminders(
        today=today,
        unpaid_jobs=tuple(unpaid[:limit]),
        owing_customers=tuple(owing[:limit]),
        idle_customers=tuple(idle[:limit]),
        due_soon=tuple(listing(jobs, soon, JobSort.DUE, limit)),
    )


__all__ = [
    "customer_summaries",
    "customer_summary",
    "dashboard",
    "estimate_report",
    "listing",
    "reminders",
    "revenue_by_customer",
    "revenue_by_month",
    "revenue_in",
    "search_customers",
    "totals",
]
