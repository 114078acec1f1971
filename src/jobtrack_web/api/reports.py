"""Reports: the dashboard, revenue, customers' figures, estimate accuracy, reminders and
the money reports (balances, receivables aging, cash received).

Every answer is the library's own report (:mod:`jobtrack_core.reports`), computed by
the store for the account of the token; the query parameters are the report's options,
checked as the library checks them (a bad one is a 422 naming it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import attrs
from litestar import Router
from litestar.params import FromPath, Parameter

from jobtrack_core.entities import Job
from jobtrack_core.ledger_reports import Split
from jobtrack_core.pagination import MAX_PAGE_SIZE
from jobtrack_core.reporting import MAX_DAYS, MAX_YEAR, MIN_YEAR
from jobtrack_core.reports import (
    AgingReport,
    Balances,
    CashPeriod,
    CustomerBalance,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    InvoiceAgingReport,
    PeriodRevenue,
    Reminders,
)
from jobtrack_web.api.verbs import get
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class RevenueTotal:
    """The business's revenue: the actual cost of its paid jobs, all time."""

    revenue: Decimal


@attrs.frozen
class CustomerJobPage:
    """One page of a customer's jobs, newest first; ``next`` is the cursor of the next
    page (``after``), or null on the last."""

    items: tuple[Job, ...]
    next: str | None


def _days(default: int, description: str) -> Any:
    return Parameter(default=default, ge=0, le=MAX_DAYS, description=description)


def _limit(default: int, description: str) -> Any:
    return Parameter(default=default, ge=0, le=MAX_PAGE_SIZE, description=description)


def _year() -> Any:
    return Parameter(
        default=None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="The calendar year (local dates); this year if left out.",
    )


#: The first local day of a span, and the day after its last.
Start = Annotated[date, Parameter(description="The first local day counted (2025-07-01).")]
End = Annotated[
    date,
    Parameter(description="The local day after the last one counted: the span excludes it."),
]
#: The local day a report is as of.
AsOf = Annotated[
    date | None, Parameter(description="The local day the report is as of; today if left out.")
]


# -- the business ------------------------------------------------------------------------
@get("/dashboard", responses=responses(422))
def dashboard(
    ws: SignedIn,
    upcoming_days: int = _days(7, "How many days ahead `upcoming` looks, from today."),
    recent: int = _limit(10, "How many recently changed jobs `recent` shows."),
    today_limit: int = _limit(10, "How many jobs due today `due_today` shows."),
    upcoming_limit: int = _limit(20, "How many open jobs due soon `upcoming` shows."),
    overdue_limit: int = _limit(20, "How many overdue jobs `overdue` shows."),
) -> Dashboard:
    """The start page's figures and lists, read at one moment: counts, revenue, what is
    owed, this week's and month's takings, and the jobs due today, soon, overdue and
    recently changed (0 leaves a list empty)."""
    return ws.dashboard(
        upcoming_days=upcoming_days,
        recent=recent,
        today_limit=today_limit,
        upcoming_limit=upcoming_limit,
        overdue_limit=overdue_limit,
    )


@get("/revenue")
def revenue(ws: SignedIn) -> RevenueTotal:
    """Revenue: the actual cost of every paid job, exact to the cent."""
    return RevenueTotal(ws.revenue())


@get("/revenue-between", responses=responses(422))
def revenue_between(
    ws: SignedIn,
    start: Start,
    end: End,
) -> PeriodRevenue:
    """Revenue by the day jobs were paid, over the local days ``start`` (included) to
    ``end`` (excluded)."""
    return ws.revenue_between(start, end)


@get("/revenue-by-month", responses=responses(422))
def revenue_by_month(ws: SignedIn, year: int | None = _year()) -> tuple[PeriodRevenue, ...]:
    """Revenue by the day jobs were paid, for each month of the year, January first;
    months without any show zero."""
    return ws.revenue_by_month(year)


@get("/revenue-by-customer", responses=responses(422))
def revenue_by_customer(
    ws: SignedIn,
    year: int | None = Parameter(
        default=None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="Only jobs paid in this calendar year (local dates); all time if left out.",
    ),
) -> tuple[CustomerRevenue, ...]:
    """Per customer, the actual cost of their paid jobs, largest first; customers
    without paid jobs are left out."""
    return tuple(ws.revenue_by_customer(year))


@get("/customers")
def customer_summaries(ws: SignedIn) -> tuple[CustomerSummary, ...]:
    """Every customer with their figures (jobs, completed, earned, unpaid, last job),
    by name."""
    return tuple(ws.customer_summaries())


@get("/estimate-accuracy")
def estimate_accuracy(ws: SignedIn) -> EstimateReport:
    """Actual against estimated cost and hours of completed jobs, overall and per
    customer."""
    return ws.estimate_accuracy()


@get("/reminders", responses=responses(422))
def reminders(
    ws: SignedIn,
    unpaid_days: int = _days(7, "Completed jobs unpaid for more than this many days."),
    owing_over: str = Parameter(
        default="500",
        max_length=40,
        description='Customers owing more than this amount (a decimal, such as "500.00").',
    ),
    idle_days: int = _days(30, "Customers without a job for this many days."),
    limit: int = _limit(50, "How many of each list to show at most."),
    stalled_days: int = _days(14, "Partly paid jobs without a payment for this many days."),
    deposit_days: int = _days(14, "Deposits held this many days on work not started."),
) -> Reminders:
    """What needs attention: late payments, customers owing much, idle customers, jobs
    due today and tomorrow, overdue jobs, partly paid jobs gone quiet, deposits taken on
    work not started and overdue invoices."""
    return ws.reminders(
        unpaid_days=unpaid_days,
        owing_over=owing_over,
        idle_days=idle_days,
        limit=limit,
        stalled_days=stalled_days,
        deposit_days=deposit_days,
    )


# -- money --------------------------------------------------------------------------------
@get("/balances")
def balances(ws: SignedIn) -> Balances:
    """The business's balances: what is owed, held as deposits and held as credit."""
    return ws.balances()


@get("/customer-balances")
def customer_balances(ws: SignedIn) -> tuple[CustomerBalance, ...]:
    """Every customer with their balances, by name."""
    return tuple(ws.customer_balances())


@get("/aging", responses=responses(422))
def aging(ws: SignedIn, as_of: AsOf = None) -> AgingReport:
    """Accounts receivable at the end of the local day ``as_of``: what each customer
    owed then, by days since the work was completed (0-30, 31-60, 61-90, over 90)."""
    return ws.aging(as_of)


@get("/invoice-aging", responses=responses(422))
def invoice_aging(ws: SignedIn, as_of: AsOf = None) -> InvoiceAgingReport:
    """What issued invoices still ask on the local day ``as_of``, by days past their due
    date (not yet due, 1-30, 31-60, 61-90, over 90), per customer and in total."""
    return ws.invoice_aging(as_of)


@get("/cash", responses=responses(422))
def cash_received(
    ws: SignedIn,
    start: Start,
    end: End,
    by: Annotated[
        Split, Parameter(description="Split the span by day, month or year.")
    ] = Split.MONTH,
) -> tuple[CashPeriod, ...]:
    """The money received over the local days ``start`` (included) to ``end``
    (excluded), split by day, month or year, in all and by method, refunds apart;
    periods without any show zero."""
    return ws.cash_received(start, end, by=by)


# -- one customer --------------------------------------------------------------------------
@get("/{customer_id:str}/stats", responses=responses(404))
def customer_stats(customer_id: FromPath[str], ws: SignedIn) -> CustomerSummary:
    """One customer's figures: jobs, completed, earned, unpaid, last job."""
    return ws.customer_stats(customer_id)


@get("/{customer_id:str}/history", responses=responses(404, 422))
def customer_history(
    customer_id: FromPath[str],
    ws: SignedIn,
    limit: int = Parameter(default=50, ge=1, le=MAX_PAGE_SIZE, description="How many at most."),
    after: str | None = Parameter(
        default=None,
        max_length=1000,
        description="The cursor of the page to show (a page's `next`).",
    ),
) -> CustomerJobPage:
    """A customer's jobs, newest first, a page at a time."""
    found = ws.customer_history(customer_id, limit=limit, after=after)
    return CustomerJobPage(found.items, found.next)


@get("/{customer_id:str}/balances", responses=responses(404))
def customer_balance(customer_id: FromPath[str], ws: SignedIn) -> Balances:
    """One customer's balances: what they owe, and hold as deposits and credit."""
    return ws.balances(customer_id)


router = Router(
    "/reports",
    route_handlers=[
        dashboard,
        revenue,
        revenue_between,
        revenue_by_month,
        revenue_by_customer,
        customer_summaries,
        estimate_accuracy,
        reminders,
        balances,
        customer_balances,
        aging,
        invoice_aging,
        cash_received,
    ],
    tags=["reports"],
)

#: A customer's figures, beside the customer (``/api/customers/{id}/...``).
customer_router = Router(
    "/customers",
    route_handlers=[customer_stats, customer_history, customer_balance],
    tags=["reports"],
)
