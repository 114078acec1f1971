"""Reports on PostgreSQL: figures aggregated by the database, pages read by keyset.

Every query filters by the owner and reads only; listings walk an owner-leading
index in the listing's order from the cursor and stop after one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from jobtrack_core.entities import Customer, Job
from jobtrack_core.money import CENT, from_minor
from jobtrack_core.pagination import JobPosition, JobSort
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
    JobSort.DUE: (
        "(due_date IS NULL), due_date, id",
        "((due_date IS NULL), coalesce(due_date, '0001-01-01'::date), id) > (%s, %s, %s)",
    ),
    JobSort.TITLE: (
        f"{ASCII_LOWER_SQL.format('title')}, title, id",
        f"({ASCII_LOWER_SQL.format('title')}, title, id) > (%s, %s, %s)",
    ),
}
_OPEN = "status IN ('pending', 'in_progress')"
_CUSTOMER_COLUMNS = ", ".join(f"c.{c.strip()}" for c in CUSTOMER_COLUMNS.split(","))
_WIDTH = len(CUSTOMER_COLUMNS.split(","))


def _tally(cents: Any, count: Any) -> Tally:
    return Tally(from_minor(int(cents)), int(count))


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
        if unstorable(owner_id):
            owner_id = ""
        row = self._one(
            "SELECT (SELECT count(*) FROM customers WHERE user_id = %(owner)s), "
            "count(*) FILTER (WHERE status = 'pending'), "
            "count(*) FILTER (WHERE status = 'in_progress'), "
            "count(*) FILTER (WHERE status = 'completed'), "
            "count(*) FILTER (WHERE status = 'cancelled'), "
            "coalesce(sum(actual_cost_cents) FILTER (WHERE paid), 0), "
            "count(*) FILTER (WHERE paid), "
            "coalesce(sum(actual_cost_cents) FILTER (WHERE status = 'completed' AND NOT paid), 0), "
            "count(*) FILTER (WHERE status = 'completed' AND NOT paid), "
            f"coalesce(sum(estimated_cost_cents) FILTER (WHERE {_OPEN}), 0), "
            f"count(*) FILTER (WHERE {_OPEN}) "
            "FROM jobs WHERE user_id = %(owner)s",
            {"owner": owner_id},
        )
        assert row is not None
        return OwnerTotals(
            customers=row[0],
            statuses=StatusCounts(
                pending=row[1], in_progress=row[2], completed=row[3], cancelled=row[4]
            ),
            revenue=_tally(row[5], row[6]),
            receivables=_tally(row[7], row[8]),
            pipeline=_tally(row[9], row[10]),
        )

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        pairs = list(pairwise(bounds))
        if not pairs:
            return []
        if unstorable(owner_id):
            return [Tally() for _ in pairs]
        rows = self._all(
            "SELECT coalesce(sum(j.actual_cost_cents), 0), count(j.id) "
            "FROM unnest(%s::timestamptz[], %s::timestamptz[]) WITH ORDINALITY AS b(low, high, n) "
            "LEFT JOIN jobs j ON j.user_id = %s AND j.paid "
            "AND j.paid_at >= b.low AND j.paid_at < b.high "
            "GROUP BY b.n ORDER BY b.n",
            ([low for low, _ in pairs], [high for _, high in pairs], owner_id),
        )
        return [_tally(cents, count) for cents, count in rows]

    # -- listings ------------------------------------------------------------------------
    def jobs_page(
        self,
        owner_id: str,
        where: JobFilter,
        sort: JobSort,
        after: JobPosition | None,
        limit: int,
    ) -> Sequence[Job]:
        condition = None if unstorable(owner_id) else job_filter(owner_id, where)
        if condition is None or limit <= 0:
            return []
        clause, params = condition
        order, keyset = _ORDER[sort]
        if after is not None:
            if unstorable(after.id, after.title):
                return []
            clause = f"{clause} AND {keyset}"
            params = [*params, *_after(after)]
        rows = self._all(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE {clause} ORDER BY {order} LIMIT %s",
            [*params, limit],
        )
        return [job_from_row(row) for row in rows]

    def count_jobs(self, owner_id: str, where: JobFilter) -> int:
        condition = None if unstorable(owner_id) else job_filter(owner_id, where)
        if condition is None:
            return 0
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
        if unstorable(owner_id, customer_id):
            return []
        only = "" if customer_id is None else " AND c.id = %(customer)s"
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, count(j.id), "
            "count(j.id) FILTER (WHERE j.status = 'completed'), "
            "coalesce(sum(j.actual_cost_cents) "
            "FILTER (WHERE j.status = 'completed' AND j.paid), 0), "
            "coalesce(sum(j.actual_cost_cents) FILTER (WHERE NOT j.paid), 0), "
            "max(j.created_at) "
            "FROM customers c LEFT JOIN jobs j ON j.user_id = c.user_id AND j.customer_id = c.id "
            f"WHERE c.user_id = %(owner)s{only} GROUP BY c.id ORDER BY c.name, c.id",
            {"owner": owner_id, "customer": customer_id},
        )
        width = _WIDTH
        return [
            CustomerSummary(
                customer=customer_from_row(row[:width]),
                jobs=row[width],
                completed=row[width + 1],
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
        bounds = ""
        if paid_from is not None or paid_to is not None:
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
        if unstorable(owner_id):
            return []
        cost = "j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL"
        hours = "j.estimated_hours IS NOT NULL AND j.actual_hours IS NOT NULL"
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, "
            f"count(*) FILTER (WHERE {cost}), "
            f"coalesce(sum(j.estimated_cost_cents) FILTER (WHERE {cost}), 0), "
            f"coalesce(sum(j.actual_cost_cents) FILTER (WHERE {cost}), 0), "
            f"count(*) FILTER (WHERE {hours}), "
            f"coalesce(sum(j.estimated_hours) FILTER (WHERE {hours}), 0), "
            f"coalesce(sum(j.actual_hours) FILTER (WHERE {hours}), 0) "
            "FROM customers c JOIN jobs j ON j.user_id = c.user_id AND j.customer_id = c.id "
            f"AND j.status = 'completed' AND (({cost}) OR ({hours})) "
            "WHERE c.user_id = %s GROUP BY c.id ORDER BY c.name, c.id",
            (owner_id,),
        )
        width = _WIDTH
        result = []
        for row in rows:
            n_cost, est_cost, act_cost, n_hours, est_hours, act_hours = row[width:]
            accuracy = Accuracy(
                Comparison(n_cost, from_minor(int(est_cost)), from_minor(int(act_cost))),
                Comparison(n_hours, _hours(est_hours), _hours(act_hours)),
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
