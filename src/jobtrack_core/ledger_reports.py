"""One business's money reports: balances, accounts-receivable aging and cash received.

As in :mod:`jobtrack_core.reporting`, the store computes every figure
(:class:`~jobtrack_core.ports.ReportQueries`); this module turns the business's local
days into what the store is asked. Their meaning is :mod:`jobtrack_core.reference`.

Two figures are easy to mix up, and are kept apart on purpose:

- **revenue** (the original system's): the actual cost of paid jobs, by when they were
  marked paid (:meth:`~jobtrack_core.reporting.Reporting.revenue_by_month`);
- **cash received**: the money that changed hands, by the day it did
  (:meth:`LedgerReporting.cash_received`), refunds apart.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from jobtrack_core import fields as f
from jobtrack_core.entities import PaymentMethod
from jobtrack_core.errors import ValidationError
from jobtrack_core.fields import Problems
from jobtrack_core.periods import BusinessCalendar, Period
from jobtrack_core.ports import ReportQueries
from jobtrack_core.reports import (
    AGING_DAYS,
    Aging,
    AgingReport,
    Balances,
    CashPeriod,
    CashRow,
    CashTotal,
    CustomerBalance,
)
from jobtrack_core.scope import Scope

#: The most periods one cash report holds.
MAX_PERIODS = 1_000


class Split(enum.StrEnum):
    """How a cash report splits its span."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class LedgerReporting(Scope):
    """Money figures: part of :class:`~jobtrack_core.workspace.Workspace`."""

    def balances(self, customer_id: str | None = None) -> Balances:
        """The business's balances (what is owed, held as deposits, held as credit), or
        one customer's."""
        with self._tx(write=False) as uow:
            if customer_id is None:
                return uow.reports.totals(self.user_id).balances
            customer = self._customer(uow, customer_id)
            (found,) = uow.reports.balances(self.user_id, customer.id)
            return found.balances

    def customer_balances(self) -> Sequence[CustomerBalance]:
        """Every customer with their balances, by name."""
        with self._tx(write=False) as uow:
            return uow.reports.balances(self.user_id)

    def aging(self, as_of: date | str | None = None) -> AgingReport:
        """Accounts receivable at the end of the local day ``as_of`` (today by default):
        what each customer owed then, by days since completion (0-30, 31-60, 61-90,
        90+), counting the payments received by then; see
        :class:`~jobtrack_core.reports.AgingReport`."""
        day = f.check("as_of", f.DAY, as_of)
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            today = cal.local_date(self._now())
            when = day or today
            bounds = _aging_bounds(cal, when)
            # No payment is dated after today, so a report as of today or later counts all.
            rows = uow.reports.aging(self.user_id, bounds, None if when >= today else when)
        return AgingReport(when, tuple(rows), sum((r.aging for r in rows), Aging()))

    def cash_received(
        self, start: date | str, end: date | str, *, by: Split | str = Split.MONTH
    ) -> tuple[CashPeriod, ...]:
        """The money received over the local days ``start`` (included) to ``end``
        (excluded), split ``by`` day, month or year (the first and last periods cut to
        the span), in all and by method, refunds apart; periods without any show zero."""
        problems = Problems()
        first = problems.clean("start", f.DAY.but(optional=False), start)
        last = problems.clean("end", f.DAY.but(optional=False), end)
        split = problems.clean("by", f.Choice(Split), by)
        problems.done()
        assert first is not None and last is not None and split is not None
        if last < first:
            raise ValidationError.single("end", "must not be before start")
        edges = _edges(first, last, split)
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            for name, day in (("start", first), ("end", last)):
                try:
                    cal.start_of(day)
                except (OverflowError, ValueError) as exc:
                    message = f"is out of the supported range ({exc})"
                    raise ValidationError.single(name, message) from None
            rows = uow.reports.cash_between(self.user_id, edges)
        return _periods(cal, edges, rows)


def _aging_bounds(cal: BusinessCalendar, day: date) -> list[datetime]:
    try:
        return [cal.start_of(day + timedelta(days=1))] + [
            cal.start_of(day - timedelta(days=start - 1)) for start in AGING_DAYS[1:]
        ]
    except (OverflowError, ValueError) as exc:
        raise ValidationError.single("as_of", f"is out of the supported range ({exc})") from None


def _edges(first: date, last: date, split: Split) -> list[date]:
    edges = [first]
    while edges[-1] < last:
        at = edges[-1]
        if split is Split.DAY:
            step = at + timedelta(days=1)
        elif at.year == date.max.year and (split is Split.YEAR or at.month == 12):
            step = last  # the calendar ends before the next month or year starts
        elif split is Split.MONTH:
            step = date(at.year + at.month // 12, at.month % 12 + 1, 1)
        else:
            step = date(at.year + 1, 1, 1)
        edges.append(min(step, last))
        if len(edges) > MAX_PERIODS + 1:
            raise ValidationError.single("by", f"would make more than {MAX_PERIODS} periods")
    return edges if len(edges) > 1 else [first, last]


def cash_in(reports: ReportQueries, owner_id: str, periods: Sequence[Period]) -> list[CashTotal]:
    """The cash received in each of ``periods`` (which may overlap), asked at once."""
    edges = sorted({p.start for p in periods} | {p.end for p in periods})
    totals = [CashTotal() for _ in edges]
    for row in reports.cash_between(owner_id, edges):
        totals[row.period] = totals[row.period] + row.cash
    return [
        sum((t for t, at in zip(totals, edges, strict=True) if p.start <= at < p.end), CashTotal())
        for p in periods
    ]


def _periods(
    cal: BusinessCalendar, edges: list[date], rows: Sequence[CashRow]
) -> tuple[CashPeriod, ...]:
    by_period: dict[int, list[tuple[PaymentMethod, CashTotal]]] = {}
    for row in rows:
        by_period.setdefault(row.period, []).append((row.method, row.cash))
    made = []
    for n in range(len(edges) - 1):
        by_method = tuple(sorted(by_period.get(n, ())))
        total = sum((cash for _, cash in by_method), CashTotal())
        made.append(CashPeriod(cal.period(edges[n], edges[n + 1]), total, by_method))
    return tuple(made)


__all__ = ["MAX_PERIODS", "LedgerReporting", "Split", "cash_in"]
