"""One business's figures, lists and searches: the reports half of a workspace.

Every figure is computed by the store, which answers the questions of
:class:`~jobtrack_core.ports.ReportQueries` from its own indexes and totals;
this module turns the business's local periods into UTC instants and local dates
first, checks the options, and puts the answers together. The meaning of each
report is :mod:`jobtrack_core.reference`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from jobtrack_core import fields as f
from jobtrack_core import reference
from jobtrack_core.entities import Customer, Job
from jobtrack_core.errors import ValidationError
from jobtrack_core.fields import Problems
from jobtrack_core.ledger_reports import cash_in
from jobtrack_core.pagination import MAX_PAGE_SIZE, JobPosition, JobSort, Page, page_of
from jobtrack_core.periods import Period
from jobtrack_core.ports import ReportQueries
from jobtrack_core.queries import JobFilter
from jobtrack_core.reports import (
    Accuracy,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    PeriodRevenue,
    Reminders,
    Tally,
)
from jobtrack_core.scope import Scope

#: The longest span, in days, a report option accepts (about a century).
MAX_DAYS = 36_500
MIN_YEAR, MAX_YEAR = 1900, 9998
DAYS = f.Whole(0, MAX_DAYS)
LIMIT = f.Whole(0, MAX_PAGE_SIZE)
PAGE_SIZE = f.Whole(1, MAX_PAGE_SIZE)
YEAR = f.Whole(MIN_YEAR, MAX_YEAR)
_P = TypeVar("_P")

#: What an amount may be given as: ``Decimal("12.50")``, ``12`` or ``"12.50"``; never a float.
Amount = Decimal | int | str


class Reporting(Scope):
    """The figures of one user's business; :class:`~jobtrack_core.workspace.Workspace`
    is where they are used from."""

    def revenue(self) -> Decimal:
        """Sum of actual cost over paid jobs, exact to the cent."""
        with self._tx(write=False) as uow:
            return uow.reports.totals(self.user_id).revenue.amount

    def dashboard(
        self,
        *,
        upcoming_days: int = 7,
        recent: int = 10,
        today_limit: int = 10,
        upcoming_limit: int = 20,
        overdue_limit: int = 20,
    ) -> Dashboard:
        """The start page's figures and lists, read in one unit of work; see :class:`Dashboard`."""
        problems = Problems()
        days = problems.clean("upcoming_days", DAYS, upcoming_days) or 0
        limits = {
            name: problems.clean(name, LIMIT, value) or 0
            for name, value in (
                ("recent", recent),
                ("today_limit", today_limit),
                ("upcoming_limit", upcoming_limit),
                ("overdue_limit", overdue_limit),
            )
        }
        problems.done()
        owner = self.user_id
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            today = cal.local_date(self._now())
            week, month = cal.week_of(today), cal.month_of(today)
            reports = uow.reports
            totals = reports.totals(owner)
            this_week, this_month = _revenue_in(reports, owner, (week, month))
            cash_week, cash_month = cash_in(reports, owner, (week, month))
            return Dashboard(
                today=today,
                timezone=cal.timezone,
                customers=totals.customers,
                jobs=totals.statuses.total,
                statuses=totals.statuses,
                revenue=totals.revenue,
                receivables=totals.receivables,
                pipeline=totals.pipeline,
                this_week=PeriodRevenue(week, this_week),
                this_month=PeriodRevenue(month, this_month),
                due_today=_some(reports.due_on, owner, today, limits["today_limit"]),
                recent=_some(reports.recently_changed, owner, limits["recent"]),
                upcoming=_some(
                    reports.open_due,
                    owner,
                    today,
                    today + timedelta(days=days),
                    limits["upcoming_limit"],
                ),
                overdue=_some(reports.overdue, owner, today, limits["overdue_limit"]),
                overdue_count=reports.count_overdue(owner, today),
                balances=totals.balances,
                cash_this_week=cash_week,
                cash_this_month=cash_month,
            )

    def revenue_between(self, start: date | str, end: date | str) -> PeriodRevenue:
        """Revenue by payment date over the local days ``start`` (included) to ``end``
        (excluded)."""
        problems = Problems()
        first = problems.clean("start", f.DAY.but(optional=False), start)
        last = problems.clean("end", f.DAY.but(optional=False), end)
        problems.done()
        assert first is not None and last is not None
        if last < first:
            raise ValidationError.single("end", "must not be before start")
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            period = _period(lambda: cal.period(first, last))
            (tally,) = uow.reports.paid_between(self.user_id, (period.start_at, period.end_at))
        return PeriodRevenue(period, tally)

    def revenue_by_month(self, year: int | None = None) -> tuple[PeriodRevenue, ...]:
        """Revenue by payment date for each of the twelve months of ``year`` (this year
        by default), January first; months without payments show zero."""
        chosen = None if year is None else f.check("year", YEAR, year)
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            months = _period(lambda: cal.months(chosen or cal.local_date(self._now()).year))
            bounds = [m.start_at for m in months] + [months[-1].end_at]
            tallies = uow.reports.paid_between(self.user_id, bounds)
        return tuple(PeriodRevenue(m, t) for m, t in zip(months, tallies, strict=True))

    def revenue_by_customer(self, year: int | None = None) -> Sequence[CustomerRevenue]:
        """Per customer, the actual cost of their paid jobs: all time, or paid in ``year``
        (local dates). Largest first; customers without paid jobs are left out."""
        chosen = None if year is None else f.check("year", YEAR, year)
        with self._tx(write=False) as uow:
            if chosen is None:
                return uow.reports.revenue_by_customer(self.user_id)
            cal = self._calendar(uow)
            period = _period(lambda: cal.year(chosen))
            return uow.reports.revenue_by_customer(self.user_id, period.start_at, period.end_at)

    def customer_summaries(self) -> Sequence[CustomerSummary]:
        """Every customer with job count, unpaid amount and more, sorted by name."""
        with self._tx(write=False) as uow:
            return uow.reports.customer_summaries(self.user_id)

    def customer_stats(self, customer_id: str) -> CustomerSummary:
        """One customer's figures: jobs, completed, earned, unpaid, average job value,
        last job date."""
        with self._tx(write=False) as uow:
            customer = self._customer(uow, customer_id)
            (summary,) = uow.reports.customer_summaries(self.user_id, customer.id)
            return summary

    def customer_history(
        self, customer_id: str, *, limit: int = 50, after: str | None = None
    ) -> Page[Job]:
        """A customer's jobs, newest first, a page at a time (pass ``page.next`` as ``after``)."""
        size = f.check("limit", PAGE_SIZE, limit) or 1
        position = _position(after, JobSort.NEWEST)
        with self._tx(write=False) as uow:
            customer = self._customer(uow, customer_id)
            found = uow.reports.customer_jobs(self.user_id, customer.id, position, size + 1)
        return page_of(found, JobSort.NEWEST, size)

    def list_jobs_page(
        self,
        where: JobFilter | None = None,
        *,
        sort: JobSort | str = JobSort.NEWEST,
        limit: int = 50,
        after: str | None = None,
    ) -> Page[Job]:
        """One page of this user's jobs matching ``where``, in ``sort`` order.

        Pass the returned ``page.next`` as ``after`` to read the next page; it stays
        correct while jobs are added and removed (see :mod:`jobtrack_core.pagination`).
        """
        order = f.check("sort", f.Choice(JobSort), sort) or JobSort.NEWEST
        size = f.check("limit", PAGE_SIZE, limit) or 1
        position = _position(after, order)
        where = _filter(where)
        with self._tx(write=False) as uow:
            found = uow.reports.jobs_page(self.user_id, where, order, position, size + 1)
        return page_of(found, order, size)

    def search_customers(self, text: str) -> Sequence[Customer]:
        """Customers with ``text`` in name, email, phone or address, ignoring the case of
        ASCII letters; sorted by name. Empty text finds every customer."""
        needle = f.check("text", SEARCH, text) or ""
        with self._tx(write=False) as uow:
            return uow.reports.search_customers(self.user_id, needle)

    def estimate_accuracy(self) -> EstimateReport:
        """Actual against estimated cost and hours of completed jobs, overall and per
        customer; see :class:`Accuracy`."""
        with self._tx(write=False) as uow:
            per_customer = tuple(uow.reports.estimate_accuracy(self.user_id))
        overall = sum((c.accuracy for c in per_customer), Accuracy())
        return EstimateReport(overall, per_customer)

    def job_accuracy(self, job_id: str) -> Accuracy:
        """One job's estimate accuracy (counts nothing until it is completed)."""
        with self._tx(write=False) as uow:
            return Accuracy.of_job(self._job(uow, job_id))

    def reminders(
        self,
        *,
        unpaid_days: int = 7,
        owing_over: Amount = Decimal(500),
        idle_days: int = 30,
        limit: int = 50,
        stalled_days: int = 14,
        deposit_days: int = 14,
    ) -> Reminders:
        """What needs attention: late payments, customers owing much, idle customers,
        jobs due today and tomorrow, overdue jobs, partly paid jobs gone quiet,
        deposits taken on work not started and invoices overdue; see
        :class:`Reminders`."""
        problems = Problems()
        unpaid_days = problems.clean("unpaid_days", DAYS, unpaid_days) or 0
        idle_days = problems.clean("idle_days", DAYS, idle_days) or 0
        stalled_days = problems.clean("stalled_days", DAYS, stalled_days) or 0
        deposit_days = problems.clean("deposit_days", DAYS, deposit_days) or 0
        limit = problems.clean("limit", LIMIT, limit) or 0
        threshold = problems.clean("owing_over", f.MONEY.but(optional=False), owing_over)
        problems.done()
        assert threshold is not None
        now = self._now()
        owner = self.user_id
        with self._tx(write=False) as uow:
            today = self._calendar(uow).local_date(now)
            reports = uow.reports
            unpaid = reports.unpaid_completed(owner, now - timedelta(days=unpaid_days), limit)
            summaries = reports.customer_summaries(owner)
            due_soon = _some(reports.open_due, owner, today, today + timedelta(days=1), limit)
            overdue = _some(reports.overdue, owner, today, limit)
            stalled = _some(reports.stalled, owner, today - timedelta(days=stalled_days), limit)
            waiting = _some(
                reports.deposits_waiting, owner, today - timedelta(days=deposit_days), limit
            )
            late_invoices = (
                tuple(reports.overdue_invoices(owner, today, limit)[:limit]) if limit else ()
            )
        owing = reference.owing_customers(summaries, threshold)
        idle = reference.idle_customers(summaries, now - timedelta(days=idle_days))
        return Reminders(
            today=today,
            unpaid_jobs=tuple(unpaid[:limit]),
            owing_customers=tuple(owing[:limit]),
            idle_customers=tuple(idle[:limit]),
            due_soon=due_soon,
            overdue=overdue,
            stalled=stalled,
            deposits_waiting=waiting,
            overdue_invoices=late_invoices,
        )


#: A search's text: what :attr:`JobFilter.text` accepts.
SEARCH = f.Raw(200)


def _some(ask: Callable[..., Sequence[Job]], *args: object) -> tuple[Job, ...]:
    """The answer of a listing question, asked only when its limit (the last argument)
    is not zero."""
    limit = args[-1]
    return tuple(ask(*args)[:limit]) if isinstance(limit, int) and limit > 0 else ()


def _filter(where: object) -> JobFilter:
    if where is None:
        return JobFilter()
    if not isinstance(where, JobFilter):
        raise ValidationError.single("where", "must be a JobFilter")
    return where


def _position(after: object, sort: JobSort) -> JobPosition | None:
    return None if after is None else JobPosition.decode(after, sort)


def _revenue_in(reports: ReportQueries, owner_id: str, periods: Sequence[Period]) -> list[Tally]:
    """Revenue in each of ``periods`` (which may overlap), asked of the store at once."""
    bounds = sorted({p.start_at for p in periods} | {p.end_at for p in periods})
    tallies = reports.paid_between(owner_id, bounds)
    return [
        sum(
            (
                t
                for t, start in zip(tallies, bounds, strict=False)
                if p.start_at <= start < p.end_at
            ),
            Tally(),
        )
        for p in periods
    ]


def _period(make: Callable[[], _P]) -> _P:
    try:
        return make()
    except (OverflowError, ValueError) as exc:
        raise ValidationError.single("period", f"is out of the supported range ({exc})") from None


__all__ = ["MAX_DAYS", "Amount", "Reporting"]
