"""Reports on PostgreSQL: figures aggregated by the database, pages read by keyset.

Every query filters by the owner and reads only; listings walk an owner-leading
index in the listing's order from the cursor and stop after one page.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from jobtrack_core.entities import Customer, Job
from jobtrack_core.money import CENT, from_minor
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.periods import utc_midnight_after, utc_midnight_before
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_core.reports import (
    Accuracy,
    Comparison,
    CustomerAccuracy,
    CustomerRevenue,
    CustomerSummary,
    OwnerTotals,
    StatusCounts,
    Tally,
)
from jobtrack_core.status import JobStatus
from jobtrack_postgres import totals
from jobtrack_postgres.repositories import Repository, job_filter
from jobtrack_postgres.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    customer_from_row,
    job_from_row,
    unstorable,
)
from jobtrack_postgres.schema import ASCII_LOWER_SQL

#: ORDER BY and the key a cursor compares with, per listing order.
_ORDER: dict[JobSort, tuple[str, str]] = {
    JobSort.NEWEST: ("created_at DESC, id DESC", "(created_at, id) < (%s, %s)"),
    JobSort.UPDATED: ("updated_at DESC, id DESC", "(updated_at, id) < (%s, %s)"),
    # Nulls last, as jobs_owner_due_idx holds them; the keyset is chosen per cursor (_due_after).
    JobSort.DUE: ("due_date NULLS LAST, id", ""),
    JobSort.TITLE: (
        f"{ASCII_LOWER_SQL.format('title')}, title, id",
        f"({ASCII_LOWER_SQL.format('title')}, title, id) > (%s, %s, %s)",
    ),
}
_OPEN = "status IN ('pending', 'in_progress')"
_CUSTOMER_COLUMNS = ", ".join(f"c.{c.strip()}" for c in CUSTOMER_COLUMNS.split(","))
_WIDTH = len(CUSTOMER_COLUMNS.split(","))
#: A customer's running totals: by owner too, so that the owner (and the customer, when
#: one is asked for) reaches inside the ``customer_totals`` view, which sums per key.
_CUSTOMER_JOIN = " ON t.user_id = c.user_id AND t.customer_id = c.id"


_OPEN_STATUSES = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS})


def _filter(owner_id: str, where: JobFilter) -> tuple[str, list[Any]] | None:
    """The filter's WHERE clause; for pending and in-progress jobs only, with the literal
    condition of the partial index ``jobs_owner_open_due_idx``, so that it may be used."""
    condition = job_filter(owner_id, where)
    if condition is not None and where.statuses is not None and where.statuses <= _OPEN_STATUSES:
        clause, params = condition
        return f"{clause} AND {_OPEN}", params
    return condition


def _tally(cents: Any, count: Any) -> Tally:
    return Tally(from_minor(int(cents)), int(count))


def _due_after(position: JobPosition, where: JobFilter) -> tuple[str, list[Any]]:
    """The keyset condition after ``position`` in due-date order (nulls last), in the form
    the index can seek with: without the jobs that have no due date when the filter's due
    range excludes them anyway."""
    if position.due_date is None:
        return "(due_date IS NULL AND id > %s)", [position.id]
    if where.due_from is not None or where.due_to is not None:
        return "(due_date, id) > (%s, %s)", [position.due_date, position.id]
    return "((due_date, id) > (%s, %s) OR due_date IS NULL)", [position.due_date, position.id]


def _after(position: JobPosition) -> tuple[Any, ...]:
    """The cursor's values, in the order the keyset condition names them."""
    if position.sort in (JobSort.NEWEST, JobSort.UPDATED):
        return (position.moment, position.id)
    if position.sort is JobSort.DUE:
        due = position.due_date
        return (due is None, date.min if due is None else due, position.id)
    title = position.title or ""
    return (ascii_lower(title), title, position.id)


class PostgresReports(Repository):
    """:class:`jobtrack_core.ports.ReportRepository` on PostgreSQL."""

    # -- figures -----------------------------------------------------------------------
    def totals(self, owner_id: str) -> OwnerTotals:
        """One row of ``owner_totals`` (kept by triggers): the same cost at any size."""
        if unstorable(owner_id):
            owner_id = ""
        row = self._one(
            f"SELECT customers, {', '.join(totals.OWNER)} FROM {self._totals('owner_totals')} "
            "WHERE user_id = %s",
            (owner_id,),
        ) or (0,) * (1 + len(totals.OWNER))
        return OwnerTotals(
            customers=int(row[0]),
            statuses=StatusCounts(
                pending=int(row[1]),
                in_progress=int(row[2]),
                completed=int(row[3]),
                cancelled=int(row[4]),
            ),
            revenue=_tally(row[5], row[6]),
            receivables=_tally(row[7], row[8]),
            pipeline=_tally(row[9], row[10]),
        )

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        """Whole UTC days from ``paid_days`` (one index range read for all the ranges), the
        partial days at the ranges' ends from ``jobs_owner_paid_idx`` (one more query, only
        when a bound is not at a UTC midnight)."""
        pairs = [(low, max(low, high)) for low, high in pairwise(bounds)]
        if not pairs:
            return []
        if unstorable(owner_id):
            return [Tally() for _ in pairs]
        spans: list[tuple[date, date]] = []  # whole days of each range
        edges: list[tuple[int, datetime, datetime]] = []  # (range, start, end) partial days
        for n, (low, high) in enumerate(pairs):
            first, last = utc_midnight_after(low), utc_midnight_before(high)
            if first < last:
                spans.append((first.date(), last.date()))
                edges.extend((n, a, b) for a, b in ((low, first), (last, high)) if a < b)
            else:
                spans.append((first.date(), first.date()))
                if low < high:
                    edges.append((n, low, high))
        sums = [[0, 0] for _ in pairs]
        if any(a < b for a, b in spans):
            # The ranges' whole days are disjoint and in order: summed by bucket, one bucket
            # per range, in one read of the owner's days.
            thresholds = sorted({d for span in spans for d in span})
            bucket = {a: bisect_left(thresholds, a) + 1 for a, b in spans if a < b}
            rows = self._all(
                "SELECT width_bucket(day, %s::date[]), sum(cents), sum(jobs) "
                f"FROM {self._totals('paid_days')} "
                "WHERE user_id = %s AND day >= %s AND day < %s GROUP BY 1",
                (thresholds, owner_id, thresholds[0], thresholds[-1]),
            )
            found = {int(k): (int(cents), int(jobs)) for k, cents, jobs in rows}
            for n, (a, b) in enumerate(spans):
                if a < b and bucket[a] in found:
                    sums[n][0] += found[bucket[a]][0]
                    sums[n][1] += found[bucket[a]][1]
        if edges:
            rows = self._all(
                "SELECT b.n, coalesce(sum(j.actual_cost_cents), 0), count(j.id) "
                "FROM unnest(%s::int[], %s::timestamptz[], %s::timestamptz[]) AS b(n, low, high) "
                "LEFT JOIN jobs j ON j.user_id = %s AND j.paid "
                "AND j.paid_at >= b.low AND j.paid_at < b.high GROUP BY b.n",
                (
                    [n for n, _, _ in edges],
                    [a for _, a, _ in edges],
                    [b for _, _, b in edges],
                    owner_id,
                ),
            )
            for n, cents, jobs in rows:
                sums[n][0] += int(cents)
                sums[n][1] += int(jobs)
        return [_tally(cents, jobs) for cents, jobs in sums]

    # -- listings ------------------------------------------------------------------------
    def jobs_page(
        self,
        owner_id: str,
        where: JobFilter,
        sort: JobSort,
        after: JobPosition | None,
        limit: int,
    ) -> Sequence[Job]:
        condition = None if unstorable(owner_id) else _filter(owner_id, where)
        if condition is None or limit <= 0:
            return []
        clause, params = condition
        order, keyset = _ORDER[sort]
        if after is not None:
            if unstorable(after.id, after.title):
                return []
            if sort is JobSort.DUE:
                keyset, values = _due_after(after, where)
            else:
                values = list(_after(after))
            clause = f"{clause} AND {keyset}"
            params = [*params, *values]
        rows = self._all(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE {clause} ORDER BY {order} LIMIT %s",
            [*params, limit],
        )
        return [job_from_row(row) for row in rows]

    def count_jobs(self, owner_id: str, where: JobFilter) -> int:
        condition = None if unstorable(owner_id) else _filter(owner_id, where)
        if condition is None:
            return 0
        if where == JobFilter(statuses=where.statuses):  # by status alone: owner_totals
            statuses = list(JobStatus if where.statuses is None else where.statuses)
            if not statuses:
                return 0
            found = self._one(
                f"SELECT {' + '.join(s.value for s in statuses)} "
                f"FROM {self._totals('owner_totals')} WHERE user_id = %s",
                (owner_id,),
            )
            return 0 if found is None else int(found[0])
        if where.statuses == _OPEN_STATUSES and where == JobFilter(
            statuses=where.statuses, due_from=where.due_from, due_to=where.due_to
        ):  # open jobs due in a range (overdue): a row per due date in open_due_days
            due = self._one(
                f"SELECT coalesce(sum(jobs), 0) FROM {self._totals('open_due_days')} "
                "WHERE user_id = %s "
                "AND due_date >= %s AND due_date <= %s",
                (owner_id, where.due_from or date.min, where.due_to or date.max),
            )
            return int(due[0]) if due else 0
        clause, params = condition
        row = self._one(f"SELECT count(*) FROM jobs WHERE {clause}", params)
        return int(row[0]) if row else 0

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        if unstorable(owner_id) or limit <= 0:
            return []
        rows = self._all(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = %s AND status = 'completed' "
            "AND NOT paid AND (completed_at IS NULL OR completed_at < %s) "
            "ORDER BY (completed_at IS NOT NULL), completed_at, id LIMIT %s",
            (owner_id, completed_before, limit),
        )
        return [job_from_row(row) for row in rows]

    # -- customers -------------------------------------------------------------------------
    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        """Each customer with its row of ``customer_totals`` (kept by triggers) and the
        time of its newest job (the first entry of ``jobs_owner_customer_idx``)."""
        if unstorable(owner_id, customer_id):
            return []
        only = "" if customer_id is None else " AND c.id = %(customer)s"
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, coalesce(t.jobs, 0), coalesce(t.completed, 0), "
            "coalesce(t.earned_cents, 0), coalesce(t.unpaid_cents, 0), "
            "(SELECT max(j.created_at) FROM jobs j "
            "WHERE j.user_id = c.user_id AND j.customer_id = c.id) "
            f"FROM customers c LEFT JOIN {self._totals('customer_totals')} t{_CUSTOMER_JOIN} "
            f"WHERE c.user_id = %(owner)s{only} ORDER BY c.name, c.id",
            {"owner": owner_id, "customer": customer_id},
        )
        width = _WIDTH
        return [
            CustomerSummary(
                customer=customer_from_row(row[:width]),
                jobs=int(row[width]),
                completed=int(row[width + 1]),
                earned=from_minor(int(row[width + 2])),
                unpaid=from_minor(int(row[width + 3])),
                last_job_at=_job_time(row[width + 4]),
            )
            for row in rows
        ]

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        if unstorable(owner_id):
            return []
        if paid_from is None and paid_to is None:
            rows = self._all(
                f"SELECT {_CUSTOMER_COLUMNS}, t.paid_cents, t.paid_jobs FROM customers c "
                f"JOIN {self._totals('customer_totals')} t{_CUSTOMER_JOIN} "
                "WHERE c.user_id = %s AND t.paid_jobs > 0 "
                "ORDER BY t.paid_cents DESC, c.name, c.id",
                (owner_id,),
            )
            return [
                CustomerRevenue(
                    customer_from_row(row[:_WIDTH]), _tally(row[_WIDTH], row[_WIDTH + 1])
                )
                for row in rows
            ]
        # A period is asked for (the all-time case returned above): only dated payments.
        bounds = " AND j.paid_at IS NOT NULL"
        if paid_from is not None:
            bounds += " AND j.paid_at >= %(low)s"
        if paid_to is not None:
            bounds += " AND j.paid_at < %(high)s"
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, coalesce(sum(j.actual_cost_cents), 0) AS cents, "
            "count(*) FROM customers c JOIN jobs j ON j.user_id = c.user_id "
            f"AND j.customer_id = c.id AND j.paid{bounds} "
            "WHERE c.user_id = %(owner)s GROUP BY c.id ORDER BY cents DESC, c.name, c.id",
            {"owner": owner_id, "low": paid_from, "high": paid_to},
        )
        width = _WIDTH
        return [
            CustomerRevenue(customer_from_row(row[:width]), _tally(row[width], row[width + 1]))
            for row in rows
        ]

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        """From ``customer_totals`` (kept by triggers), customers with a comparable job."""
        if unstorable(owner_id):
            return []
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, t.cost_jobs, t.estimated_cost_cents, "
            "t.actual_cost_cents, t.hours_jobs, t.estimated_hours, t.actual_hours "
            f"FROM customers c JOIN {self._totals('customer_totals')} t{_CUSTOMER_JOIN} "
            "WHERE c.user_id = %s AND (t.cost_jobs > 0 OR t.hours_jobs > 0) "
            "ORDER BY c.name, c.id",
            (owner_id,),
        )
        width = _WIDTH
        result = []
        for row in rows:
            n_cost, est_cost, act_cost, n_hours, est_hours, act_hours = row[width:]
            accuracy = Accuracy(
                Comparison(int(n_cost), from_minor(int(est_cost)), from_minor(int(act_cost))),
                Comparison(int(n_hours), _hours(est_hours), _hours(act_hours)),
            )
            result.append(CustomerAccuracy(customer_from_row(row[:width]), accuracy))
        return result

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        if unstorable(owner_id, text):
            return []
        needle = ascii_lower(text)
        fields = " OR ".join(
            f"strpos({ASCII_LOWER_SQL.format(name)}, %(needle)s) > 0"
            for name in ("name", "email", "phone", "address")
        )
        rows = self._all(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = %(owner)s AND ({fields}) "
            "ORDER BY name, id",
            {"owner": owner_id, "needle": needle},
        )
        return [customer_from_row(row) for row in rows]


def _hours(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


def _job_time(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


__all__ = ["PostgresReports"]
