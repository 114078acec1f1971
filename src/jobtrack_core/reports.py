"""What reports return: immutable figures, exact to the cent.

Stores compute the sums and counts (see :class:`jobtrack_core.ports.ReportRepository`);
:class:`jobtrack_core.service.Workspace` puts them together. Each type says
precisely what its figures mean; :mod:`jobtrack_core.reference` computes every
one of them plainly from lists of entities, and the contract suite checks that
every store agrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import attrs

from jobtrack_core.documents import Invoice
from jobtrack_core.entities import Customer, Job, PaymentMethod
from jobtrack_core.money import CENT, ZERO, from_minor
from jobtrack_core.periods import Period
from jobtrack_core.status import JobStatus

#: Ratios (actual / estimated) are rounded half-even to this many places.
RATIO_PLACES = Decimal("0.0001")


@attrs.frozen
class Tally:
    """An amount of money and the number of jobs it adds up."""

    amount: Decimal = ZERO
    jobs: int = 0

    @classmethod
    def of_minor(cls, cents: int, jobs: int) -> Tally:
        """A tally from a store's integer cents and count."""
        return cls(from_minor(int(cents)), int(jobs))

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.amount + other.amount, self.jobs + other.jobs)


@attrs.frozen
class StatusCounts:
    """How many jobs are in each status.

    >>> counts = StatusCounts(pending=2, in_progress=1, completed=4)
    >>> counts[JobStatus.PENDING], counts.open, counts.total
    (2, 3, 7)
    """

    pending: int = 0
    in_progress: int = 0
    completed: int = 0
    cancelled: int = 0

    def __getitem__(self, status: JobStatus | str) -> int:
        value: int = getattr(self, JobStatus(status).value)
        return value

    @property
    def open(self) -> int:
        """Pending and in progress: work still to do."""
        return self.pending + self.in_progress

    @property
    def total(self) -> int:
        return self.pending + self.in_progress + self.completed + self.cancelled


@attrs.frozen
class Balances:
    """The money of some jobs (one customer's, or the business's), from
    :class:`~jobtrack_core.entities.Job`'s rules:

    - ``due``: the amount due of completed jobs (their actual cost);
    - ``paid``: what every job's payments add up to (``amount_paid``);
    - ``owed``: the completed jobs still owed something, and how much (their balance);
    - ``deposits``: open jobs holding money taken ahead of the work, and how much;
    - ``credits``: jobs holding money to give back or keep (overpaid, or cancelled),
      and how much.
    """

    due: Decimal = ZERO
    paid: Decimal = ZERO
    owed: Tally = Tally()
    deposits: Tally = Tally()
    credits: Tally = Tally()

    @classmethod
    def of_minor(cls, *row: int) -> Balances:
        """From a store's integers: due and paid cents; then cents and count of owed,
        deposits and credits."""
        n = [int(v) for v in row]
        return cls(
            from_minor(n[0]),
            from_minor(n[1]),
            Tally.of_minor(n[2], n[3]),
            Tally.of_minor(n[4], n[5]),
            Tally.of_minor(n[6], n[7]),
        )

    def __add__(self, other: Balances) -> Balances:
        return Balances(
            self.due + other.due,
            self.paid + other.paid,
            self.owed + other.owed,
            self.deposits + other.deposits,
            self.credits + other.credits,
        )


@attrs.frozen
class CustomerBalance:
    customer: Customer
    balances: Balances


@attrs.frozen
class Aging:
    """What is owed, by how long ago the job was completed (local days up to the date
    the report is as of): 0-30, 31-60, 61-90 and more than 90 days."""

    current: Tally = Tally()
    days_31_60: Tally = Tally()
    days_61_90: Tally = Tally()
    over_90: Tally = Tally()

    @property
    def buckets(self) -> tuple[Tally, Tally, Tally, Tally]:
        return (self.current, self.days_31_60, self.days_61_90, self.over_90)

    @property
    def total(self) -> Tally:
        return self.current + self.days_31_60 + self.days_61_90 + self.over_90

    def __add__(self, other: Aging) -> Aging:
        return Aging(*(a + b for a, b in zip(self.buckets, other.buckets, strict=True)))


#: The days each aging bucket starts at.
AGING_DAYS = (0, 31, 61, 91)


@attrs.frozen
class CustomerAging:
    customer: Customer
    aging: Aging


@attrs.frozen
class AgingReport:
    """Accounts receivable as of the end of ``as_of``: for each job completed by then,
    its amount due less the payments received by then (voided ones left out), when
    that is more than 0. Per customer owing anything (by name, then id) and in total."""

    as_of: date
    customers: tuple[CustomerAging, ...]
    total: Aging


@attrs.frozen
class InvoiceAging:
    """What issued invoices still ask, by how many days past their due date they are on
    the report's day: not yet due, 1-30, 31-60, 61-90 and more than 90 days (a
    :class:`Tally` counts invoices here)."""

    not_due: Tally = Tally()
    days_1_30: Tally = Tally()
    days_31_60: Tally = Tally()
    days_61_90: Tally = Tally()
    over_90: Tally = Tally()

    @property
    def buckets(self) -> tuple[Tally, Tally, Tally, Tally, Tally]:
        return (self.not_due, self.days_1_30, self.days_31_60, self.days_61_90, self.over_90)

    @property
    def total(self) -> Tally:
        return sum(self.buckets[1:], self.not_due)

    @property
    def overdue(self) -> Tally:
        return sum(self.buckets[2:], self.days_1_30)

    def __add__(self, other: InvoiceAging) -> InvoiceAging:
        return InvoiceAging(*(a + b for a, b in zip(self.buckets, other.buckets, strict=True)))


@attrs.frozen
class CustomerInvoiceAging:
    customer: Customer
    aging: InvoiceAging


@attrs.frozen
class InvoiceAgingReport:
    """Invoices still owing on ``as_of``, by their due date: per customer owing anything
    (by name, then id) and in total."""

    as_of: date
    customers: tuple[CustomerInvoiceAging, ...]
    total: InvoiceAging


@attrs.frozen
class CashTotal:
    """Money that changed hands: ``received`` (deposits and payments, ``receipts`` of
    them) and ``refunded`` (``refunds`` of them); voided payments left out."""

    received: Decimal = ZERO
    receipts: int = 0
    refunded: Decimal = ZERO
    refunds: int = 0

    @classmethod
    def of_minor(cls, received: int, receipts: int, refunded: int, refunds: int) -> CashTotal:
        return cls(
            from_minor(int(received)), int(receipts), from_minor(int(refunded)), int(refunds)
        )

    @property
    def net(self) -> Decimal:
        """Received less refunded."""
        return self.received - self.refunded

    def __add__(self, other: CashTotal) -> CashTotal:
        return CashTotal(
            self.received + other.received,
            self.receipts + other.receipts,
            self.refunded + other.refunded,
            self.refunds + other.refunds,
        )


@attrs.frozen
class CashRow:
    """A store's answer about cash: what was received with ``method`` in period number
    ``period`` of the question."""

    period: int
    method: PaymentMethod
    cash: CashTotal


@attrs.frozen
class CashPeriod:
    """Cash received in ``period`` (by the payments' ``received_on``), in all and by
    method (methods with none left out)."""

    period: Period
    cash: CashTotal
    by_method: tuple[tuple[PaymentMethod, CashTotal], ...] = ()


@attrs.frozen
class OwnerTotals:
    """The running totals a store keeps for one owner (the notions of :mod:`jobtrack_core.rules`).

    - ``revenue``: actual cost of paid jobs, in any status (a missing cost adds 0);
    - ``receivables``: actual cost of completed, unpaid jobs;
    - ``pipeline``: estimated cost of pending and in-progress (open) jobs;
    - ``balances``: the business's :class:`Balances`.

    Each :class:`Tally` counts the jobs it covers, with or without a cost.
    """

    customers: int
    statuses: StatusCounts
    revenue: Tally
    receivables: Tally
    pipeline: Tally
    balances: Balances = Balances()

    @classmethod
    def of_row(cls, *row: int) -> OwnerTotals:
        """The totals from a store's row of integers: customers; pending, in progress,
        completed and cancelled jobs; then cents and count of revenue, receivables and
        pipeline; then the eight of :meth:`Balances.of_minor`."""
        counts = [int(n) for n in row]
        return cls(
            customers=counts[0],
            statuses=StatusCounts(*counts[1:5]),
            revenue=Tally.of_minor(*counts[5:7]),
            receivables=Tally.of_minor(*counts[7:9]),
            pipeline=Tally.of_minor(*counts[9:11]),
            balances=Balances.of_minor(*counts[11:19]),
        )


@attrs.frozen
class PeriodRevenue:
    """Revenue by payment date: actual cost of the jobs whose ``paid_at`` falls in ``period``
    (local dates of the business). A paid job without a payment time is in no period."""

    period: Period
    revenue: Tally

    @property
    def amount(self) -> Decimal:
        return self.revenue.amount


@attrs.frozen
class Dashboard:
    """Everything the start page shows, read in one unit of work.

    - ``today``: the business's local date (from the clock and its time zone);
    - ``statuses``, ``customers``, ``jobs``, ``revenue``, ``receivables``,
      ``pipeline``: as in :class:`OwnerTotals`;
    - ``this_week`` / ``this_month``: revenue by payment date in the week and the
      month that contain ``today``;
    - ``due_today``: jobs due today, except cancelled ones, by due date then id;
    - ``recent``: the most recently changed jobs (``updated_at`` descending);
    - ``upcoming``: pending and in-progress jobs due from today to today + N days,
      both included, earliest first;
    - ``overdue``: pending and in-progress jobs due before today, earliest first;
      ``overdue_count`` counts all of them, not only those listed;
    - ``balances``: what is owed, held as deposits and held as credit (:class:`Balances`);
    - ``cash_this_week`` / ``cash_this_month``: the money received in the week and the
      month (by the payments' ``received_on``), refunds apart. ``this_week`` and
      ``this_month`` are the original system's revenue by payment time.
    """

    today: date
    timezone: str
    customers: int
    jobs: int
    statuses: StatusCounts
    revenue: Tally
    receivables: Tally
    pipeline: Tally
    this_week: PeriodRevenue
    this_month: PeriodRevenue
    due_today: tuple[Job, ...]
    recent: tuple[Job, ...]
    upcoming: tuple[Job, ...]
    overdue: tuple[Job, ...]
    overdue_count: int
    balances: Balances = Balances()
    cash_this_week: CashTotal = CashTotal()
    cash_this_month: CashTotal = CashTotal()


def average(total: Decimal, count: int) -> Decimal | None:
    """``total / count`` rounded half-up to the cent; None when ``count`` is 0."""
    if count == 0:
        return None
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


@attrs.frozen
class CustomerSummary:
    """One customer with the figures of their jobs.

    - ``jobs``: how many jobs, in any status; ``completed``: how many completed;
    - ``earned``: actual cost of completed, paid jobs;
    - ``unpaid``: actual cost of unpaid jobs, whatever their status (as the
      original computed it);
    - ``last_job_at``: ``created_at`` of the newest job; None without jobs.
    """

    customer: Customer
    jobs: int
    completed: int
    earned: Decimal
    unpaid: Decimal
    last_job_at: datetime | None

    @property
    def average_job_value(self) -> Decimal | None:
        """``earned / completed``, rounded half-up to the cent; None with no completed job."""
        return average(self.earned, self.completed)

    @property
    def last_activity(self) -> datetime:
        """When the customer last had a new job, or was added if never."""
        return self.last_job_at or self.customer.created_at


@attrs.frozen
class CustomerRevenue:
    """A customer and the actual cost of their paid jobs (``revenue.jobs`` counts them)."""

    customer: Customer
    revenue: Tally


@attrs.frozen
class Comparison:
    """Estimated against actual figures over ``jobs`` jobs that have both.

    ``difference`` is ``actual - estimated`` (positive: it came out above the
    estimate); ``ratio`` is ``actual / estimated`` rounded half-even to four
    places, None when the estimate is zero.
    """

    jobs: int = 0
    estimated: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.actual - self.estimated

    @property
    def ratio(self) -> Decimal | None:
        if self.estimated == 0:
            return None
        return (self.actual / self.estimated).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)

    def __add__(self, other: Comparison) -> Comparison:
        return Comparison(
            self.jobs + other.jobs, self.estimated + other.estimated, self.actual + other.actual
        )


@attrs.frozen
class Accuracy:
    """How good the estimates were, over completed jobs only: ``cost`` compares
    ``estimated_cost`` with ``actual_cost`` on jobs that have both; ``hours`` does
    the same with hours. A job can count in one and not the other."""

    cost: Comparison = Comparison()
    hours: Comparison = Comparison()

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.cost + other.cost, self.hours + other.hours)

    @classmethod
    def of_job(cls, job: Job) -> Accuracy:
        """The accuracy of one job (zero jobs counted where it lacks a figure)."""
        if job.status is not JobStatus.COMPLETED:
            return cls()
        return cls(
            _compare(job.estimated_cost, job.actual_cost),
            _compare(job.estimated_hours, job.actual_hours),
        )

    @classmethod
    def of_minor(cls, *sums: int) -> Accuracy:
        """From a store's integer sums: the number of jobs compared on cost, their
        estimated and actual cost in cents, then the same for hours in hundredths."""
        n_cost, est_cost, act_cost, n_hours, est_hours, act_hours = (int(n) for n in sums)
        return cls(
            Comparison(n_cost, from_minor(est_cost), from_minor(act_cost)),
            Comparison(n_hours, from_minor(est_hours), from_minor(act_hours)),
        )

    @classmethod
    def of_jobs(cls, jobs: Iterable[Job]) -> Accuracy:
        return sum((cls.of_job(j) for j in jobs), cls())


def _compare(estimated: Decimal | None, actual: Decimal | None) -> Comparison:
    if estimated is None or actual is None:
        return Comparison()
    return Comparison(1, estimated, actual)


@attrs.frozen
class CustomerAccuracy:
    customer: Customer
    accuracy: Accuracy


@attrs.frozen
class EstimateReport:
    """Estimate accuracy overall and per customer (customers with at least one
    comparable job, by name then id)."""

    overall: Accuracy
    customers: tuple[CustomerAccuracy, ...]


@attrs.frozen
class Reminders:
    """What needs attention today (local date ``today``):

    - ``unpaid_jobs``: completed, unpaid jobs completed more than N days ago,
      oldest completion first (an unknown completion time counts as oldest);
    - ``owing_customers``: customers whose ``unpaid`` is more than the amount,
      largest first;
    - ``idle_customers``: customers whose last new job (or, without jobs, their
      own creation) is more than N days ago, longest idle first;
    - ``due_soon``: pending and in-progress jobs due today or tomorrow, by due date;
    - ``overdue``: pending and in-progress jobs due before today, earliest first;
    - ``stalled``: completed jobs partly paid, with no payment received for N days,
      oldest completion first;
    - ``deposits_waiting``: pending jobs holding a deposit received more than N days
      ago, oldest deposit first;
    - ``overdue_invoices``: issued invoices still owing after their due date, by due
      date then number.
    """

    today: date
    unpaid_jobs: tuple[Job, ...]
    owing_customers: tuple[CustomerSummary, ...]
    idle_customers: tuple[CustomerSummary, ...]
    due_soon: tuple[Job, ...]
    overdue: tuple[Job, ...] = ()
    stalled: tuple[Job, ...] = ()
    deposits_waiting: tuple[Job, ...] = ()
    overdue_invoices: tuple[Invoice, ...] = ()


__all__ = [
    "AGING_DAYS",
    "RATIO_PLACES",
    "Accuracy",
    "Aging",
    "AgingReport",
    "Balances",
    "CashPeriod",
    "CashRow",
    "CashTotal",
    "Comparison",
    "CustomerAccuracy",
    "CustomerAging",
    "CustomerBalance",
    "CustomerInvoiceAging",
    "CustomerRevenue",
    "CustomerSummary",
    "Dashboard",
    "EstimateReport",
    "InvoiceAging",
    "InvoiceAgingReport",
    "OwnerTotals",
    "PeriodRevenue",
    "Reminders",
    "StatusCounts",
    "Tally",
    "average",
]
