"""Reports on PostgreSQL: figures aggregated by the database, pages read by keyset.

Every query filters by the owner and reads only; listings walk an owner-leading
index in the listing's order from the cursor and stop after one page.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from jobtrack_core.documents import Invoice
from jobtrack_core.entities import Customer, Job, PaymentKind, PaymentMethod
from jobtrack_core.money import CENT, from_minor, to_minor
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.periods import utc_midnight_after, utc_midnight_before
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_core.reports import (
    Accuracy,
    Aging,
    Balances,
    CashRow,
    CashTotal,
    CustomerAccuracy,
    CustomerAging,
    CustomerBalance,
    CustomerInvoiceAging,
    CustomerRevenue,
    CustomerSummary,
    InvoiceAging,
    OwnerTotals,
    Tally,
)
from jobtrack_core.status import OPEN, JobStatus
from jobtrack_postgres.billing import BALANCE_TEMPLATE, owing
from jobtrack_postgres.documents import INVOICES
from jobtrack_postgres.ledger import BALANCES, OWNER_FIGURES
from jobtrack_postgres.notions import not_cancelled, open_work, receivable, revenue
from jobtrack_postgres.repositories import Repository, job_filter
from jobtrack_postgres.rows import (
    CUSTOMER_COLUMNS,
    JOB_FIELDS,
    Row,
    customer_from_row,
    job_from_row,
    prefixed,
)
from jobtrack_postgres.schema import ASCII_LOWER_SQL

_NEWEST = "created_at DESC, id DESC"
_BEFORE_NEWEST = "(created_at, id) < (%s, %s)"
#: ORDER BY and the key a cursor compares with, per listing order.
_ORDER: dict[JobSort, tuple[str, str]] = {
    JobSort.NEWEST: (_NEWEST, _BEFORE_NEWEST),
    JobSort.UPDATED: ("updated_at DESC, id DESC", "(updated_at, id) < (%s, %s)"),
    # Nulls last, as jobs_owner_due_idx holds them; the keyset is chosen per cursor (_due_after).
    JobSort.DUE: ("due_date NULLS LAST, id", ""),
    JobSort.TITLE: (
        f"{ASCII_LOWER_SQL.format('title')}, title, id",
        f"({ASCII_LOWER_SQL.format('title')}, title, id) > (%s, %s, %s)",
    ),
}
#: Open jobs by due date, in the words of the partial index jobs_owner_open_due_idx.
_OPEN_DUE = f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s AND {open_work()}"
_BY_DUE = "ORDER BY due_date, id LIMIT %s"
_CUSTOMER_COLUMNS = prefixed(CUSTOMER_COLUMNS, "c")
_WIDTH = len(CUSTOMER_COLUMNS.split(","))
#: A customer's running totals: by owner too, so that the owner (and the customer, when
#: one is asked for) reaches inside the ``customer_totals`` view, which sums per key.
_CUSTOMER_JOIN = " ON t.user_id = c.user_id AND t.customer_id = c.id"


def _filter(owner_id: str, where: JobFilter) -> tuple[str, list[Any]]:
    """The filter's WHERE clause; for open jobs only, with the condition of the partial
    index ``jobs_owner_open_due_idx`` as well, so that it may be used."""
    clause, params = job_filter(owner_id, where)
    if where.statuses is not None and where.statuses <= OPEN:
        clause = f"{clause} AND {open_work()}"
    return clause, params


_tally = Tally.of_minor


def _jobs(rows: list[Row]) -> list[Job]:
    return [job_from_row(row) for row in rows]


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
    title = position.title or ""
    return (ascii_lower(title), title, position.id)


class PostgresReports(Repository):
    """:class:`jobtrack_core.ports.ReportQueries` on PostgreSQL: figures from the running
    totals, listings from an owner-leading index in their order."""

    # -- figures -----------------------------------------------------------------------
    def _jobs(self, sql: str, params: Sequence[object], limit: int) -> Sequence[Job]:
        """The jobs of a query whose last parameter is ``limit`` (none for a limit of 0)."""
        if limit <= 0:
            return []
        return _jobs(self._all(sql, (*params, limit)))

    def totals(self, owner_id: str) -> OwnerTotals:
        """One row of ``owner_totals`` (kept by triggers): the same cost at any size."""
        row = self._one(
            f"SELECT customers, {', '.join(OWNER_FIGURES)} FROM {self._totals('owner_totals')} "
            "WHERE user_id = %s",
            (owner_id,),
        ) or (0,) * (1 + len(OWNER_FIGURES))
        return OwnerTotals.of_row(*row)

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        """Whole UTC days from ``paid_days`` (one index range read for all the ranges), the
        partial days at the ranges' ends from ``jobs_owner_paid_idx`` (one more query, only
        when a bound is not at a UTC midnight)."""
        pairs = [(low, max(low, high)) for low, high in pairwise(bounds)]
        if not pairs:
            return []
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
                f"LEFT JOIN jobs j ON j.user_id = %s AND {revenue('j')} "
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

    def count_overdue(self, owner_id: str, today: date) -> int:
        """From ``open_due_days`` (kept by triggers): one row per due date before today."""
        row = self._one(
            f"SELECT coalesce(sum(jobs), 0) FROM {self._totals('open_due_days')} "
            "WHERE user_id = %s AND due_date < %s",
            (owner_id, today),
        )
        return int(row[0]) if row else 0

    # -- listings ------------------------------------------------------------------------
    def jobs_page(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        if limit <= 0:
            return []
        clause, params = _filter(owner_id, where)
        order, keyset = _ORDER[sort]
        if after is not None:
            if sort is JobSort.DUE:
                keyset, values = _due_after(after, where)
            else:
                values = list(_after(after))
            clause = f"{clause} AND {keyset}"
            params = [*params, *values]
        return _jobs(
            self._all(
                f"SELECT {JOB_FIELDS} FROM jobs WHERE {clause} ORDER BY {order} LIMIT %s",
                [*params, limit],
            )
        )

    def customer_jobs(
        self, owner_id: str, customer_id: str, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        """From ``jobs_owner_customer_idx``, from the cursor on."""
        if limit <= 0:
            return []
        keyset = ""
        params: list[Any] = [owner_id, customer_id]
        if after is not None:
            keyset = f" AND {_BEFORE_NEWEST}"
            params += [after.moment, after.id]
        return _jobs(
            self._all(
                f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s AND customer_id = %s"
                f"{keyset} ORDER BY {_NEWEST} LIMIT %s",
                [*params, limit],
            )
        )

    def due_on(self, owner_id: str, day: date, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s AND due_date = %s "
            f"AND {not_cancelled()} ORDER BY id LIMIT %s",
            (
                owner_id,
                day,
            ),
            limit,
        )

    def open_due(self, owner_id: str, first: date, last: date, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"{_OPEN_DUE} AND due_date >= %s AND due_date <= %s {_BY_DUE}",
            (
                owner_id,
                first,
                last,
            ),
            limit,
        )

    def overdue(self, owner_id: str, today: date, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"{_OPEN_DUE} AND due_date < %s {_BY_DUE}",
            (
                owner_id,
                today,
            ),
            limit,
        )

    def recently_changed(self, owner_id: str, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s "
            f"ORDER BY {_ORDER[JobSort.UPDATED][0]} LIMIT %s",
            (owner_id,),
            limit,
        )

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        """From the partial index ``jobs_owner_unpaid_done_idx`` of receivables."""
        return self._jobs(
            f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s AND {receivable()} "
            "AND (completed_at IS NULL OR completed_at < %s) "
            "ORDER BY (completed_at IS NOT NULL), completed_at, id LIMIT %s",
            (
                owner_id,
                completed_before,
            ),
            limit,
        )

    # -- customers -------------------------------------------------------------------------
    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        """Each customer with its row of ``customer_totals`` (kept by triggers) and the
        time of its newest job (the first entry of ``jobs_owner_customer_idx``)."""
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
                last_job_at=row[width + 4],
            )
            for row in rows
        ]

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
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
            f"AND j.customer_id = c.id AND {revenue('j')}{bounds} "
            "WHERE c.user_id = %(owner)s GROUP BY c.user_id, c.id "
            "ORDER BY cents DESC, c.name, c.id",
            {"owner": owner_id, "low": paid_from, "high": paid_to},
        )
        width = _WIDTH
        return [
            CustomerRevenue(customer_from_row(row[:width]), _tally(row[width], row[width + 1]))
            for row in rows
        ]

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        """From ``customer_totals`` (kept by triggers), customers with a comparable job."""
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
            accuracy = Accuracy.of_minor(
                n_cost, est_cost, act_cost, n_hours, to_minor(est_hours), to_minor(act_hours)
            )
            result.append(CustomerAccuracy(customer_from_row(row[:width]), accuracy))
        return result

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
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

    # -- money ---------------------------------------------------------------------------
    def balances(self, owner_id: str, customer_id: str | None = None) -> Sequence[CustomerBalance]:
        """Each customer with the balance figures of its row of ``customer_totals``."""
        only = "" if customer_id is None else " AND c.id = %(customer)s"
        figures = ", ".join(f"coalesce(t.{c}, 0)" for c in BALANCES)
        rows = self._all(
            f"SELECT {_CUSTOMER_COLUMNS}, {figures} "
            f"FROM customers c LEFT JOIN {self._totals('customer_totals')} t{_CUSTOMER_JOIN} "
            f"WHERE c.user_id = %(owner)s{only} ORDER BY c.name, c.id",
            {"owner": owner_id, "customer": customer_id},
        )
        return [
            CustomerBalance(customer_from_row(row[:_WIDTH]), Balances.of_minor(*row[_WIDTH:]))
            for row in rows
        ]

    def aging(
        self, owner_id: str, bounds: Sequence[datetime], received_by: date | None
    ) -> Sequence[CustomerAging]:
        """What each job owes, summed per customer and bucket in one query: from the jobs'
        own ``amount_paid`` (the partial index of receivables) when ``received_by`` is None,
        else from the payments received by then."""
        if received_by is None:
            owed = "coalesce(j.actual_cost_cents, 0) - j.amount_paid_cents"
            source = f"jobs j WHERE j.user_id = %(owner)s AND {receivable('j')}"
        else:
            owed = "coalesce(j.actual_cost_cents, 0) - coalesce(p.cents, 0)"
            source = (
                "jobs j LEFT JOIN LATERAL (SELECT sum(CASE WHEN x.kind = %(refund)s "
                "THEN -x.amount_cents ELSE x.amount_cents END) AS cents FROM payments x "
                "WHERE x.user_id = j.user_id AND x.job_id = j.id AND x.voided_at IS NULL "
                "AND x.received_on <= %(by)s) p ON true "
                f"WHERE j.user_id = %(owner)s AND j.status = '{JobStatus.COMPLETED.value}'"
            )
        bucket = (
            "CASE WHEN j.completed_at >= %(b1)s THEN 0 WHEN j.completed_at >= %(b2)s THEN 1 "
            "WHEN j.completed_at >= %(b3)s THEN 2 ELSE 3 END"
        )
        sums = ", ".join(
            f"coalesce(sum(o.owed) FILTER (WHERE o.bucket = {n}), 0), "
            f"count(*) FILTER (WHERE o.bucket = {n})"
            for n in range(4)
        )
        rows = self._all(
            f"WITH o AS (SELECT j.customer_id, {owed} AS owed, {bucket} AS bucket FROM {source} "
            "AND j.completed_at < %(b0)s AND j.actual_cost_cents > 0) "
            f"SELECT {_CUSTOMER_COLUMNS}, {sums} FROM o JOIN customers c "
            "ON c.user_id = %(owner)s AND c.id = o.customer_id WHERE o.owed > 0 "
            "GROUP BY c.user_id, c.id ORDER BY c.name, c.id",
            {
                "owner": owner_id,
                "by": received_by,
                "refund": PaymentKind.REFUND.value,
                **{f"b{n}": bound for n, bound in enumerate(bounds)},
            },
        )
        return [
            CustomerAging(
                customer_from_row(row[:_WIDTH]),
                Aging(*(_tally(row[_WIDTH + 2 * n], row[_WIDTH + 2 * n + 1]) for n in range(4))),
            )
            for row in rows
        ]

    def cash_between(self, owner_id: str, bounds: Sequence[date]) -> Sequence[CashRow]:
        """One read of the owner's days of ``cash_days`` (kept by triggers: per day
        received and method, the standing receipts and refunds), summed per period and
        method: at most one row per day and method, however many payments a day has."""
        if len(bounds) < 2:
            return []
        rows = self._all(
            "SELECT width_bucket(received_on, %(bounds)s::date[]) - 1 AS period, method, "
            "sum(received_cents)::bigint, sum(receipts)::bigint, sum(refunded_cents)::bigint, "
            "sum(refunds)::bigint "
            f"FROM {self._totals('cash_days')} WHERE user_id = %(owner)s "
            "AND received_on >= %(low)s AND received_on < %(high)s "
            "GROUP BY 1, 2 ORDER BY 1, 2",
            {"owner": owner_id, "bounds": list(bounds), "low": bounds[0], "high": bounds[-1]},
        )
        # width_bucket counts the bounds at or before the day: of equal neighbours (an
        # empty period) the last, so a day falls in the one period that holds it.
        return [
            CashRow(int(period), _METHODS[method], CashTotal.of_minor(*sums))
            for period, method, *sums in rows
        ]

    def stalled(self, owner_id: str, quiet_since: date, limit: int) -> Sequence[Job]:
        """From the partial index of partly paid completed jobs, oldest completion first,
        each asked for its latest standing payment (``payments_job_idx``)."""
        return self._jobs(
            f"SELECT {JOB_FIELDS} FROM jobs j WHERE j.user_id = %s "
            "AND j.status = 'completed' AND NOT j.paid AND j.amount_paid_cents > 0 "
            "AND (SELECT max(p.received_on) FROM payments p WHERE p.user_id = j.user_id "
            "AND p.job_id = j.id AND p.voided_at IS NULL) < %s "
            "ORDER BY j.completed_at, j.id LIMIT %s",
            (owner_id, quiet_since),
            limit,
        )

    def deposits_waiting(self, owner_id: str, taken_before: date, limit: int) -> Sequence[Job]:
        """From the partial index of pending jobs holding money, each asked for its first
        standing receipt (``payments_job_idx``)."""
        return self._jobs(
            f"SELECT {_JOB_FIELDS} FROM jobs j CROSS JOIN LATERAL (SELECT min(p.received_on) "
            "AS first FROM payments p WHERE p.user_id = j.user_id AND p.job_id = j.id "
            "AND p.voided_at IS NULL AND p.kind <> %s) f "
            "WHERE j.user_id = %s AND j.status = 'pending' AND j.amount_paid_cents > 0 "
            "AND f.first < %s ORDER BY f.first, j.id LIMIT %s",
            (PaymentKind.REFUND.value, owner_id, taken_before),
            limit,
        )

    # -- invoices --------------------------------------------------------------------------
    def invoice_aging(
        self, owner_id: str, bounds: Sequence[date]
    ) -> Sequence[CustomerInvoiceAging]:
        """The owing invoices (the partial index ``invoices_owing_idx``, which includes
        their money) summed per customer and bucket of their due date, in one query."""
        bucket = (
            "CASE WHEN i.due_on >= %(b0)s THEN 0 WHEN i.due_on >= %(b1)s THEN 1 "
            "WHEN i.due_on >= %(b2)s THEN 2 WHEN i.due_on >= %(b3)s THEN 3 ELSE 4 END"
        )
        sums = ", ".join(
            f"coalesce(sum(o.owed) FILTER (WHERE o.bucket = {n}), 0), "
            f"count(*) FILTER (WHERE o.bucket = {n})"
            for n in range(5)
        )
        rows = self._all(
            f"WITH o AS (SELECT i.customer_id, {_BALANCE} AS owed, "
            f"{bucket} AS bucket "
            f"FROM invoices i WHERE i.user_id = %(owner)s AND {owing('i')}) "
            f"SELECT {_CUSTOMER_COLUMNS}, {sums} FROM o JOIN customers c "
            "ON c.user_id = %(owner)s AND c.id = o.customer_id "
            "GROUP BY c.user_id, c.id ORDER BY c.name, c.id",
            {"owner": owner_id, **{f"b{n}": bound for n, bound in enumerate(bounds)}},
        )
        return [
            CustomerInvoiceAging(
                customer_from_row(row[:_WIDTH]),
                InvoiceAging(
                    *(_tally(row[_WIDTH + 2 * n], row[_WIDTH + 2 * n + 1]) for n in range(5))
                ),
            )
            for row in rows
        ]

    def overdue_invoices(self, owner_id: str, today: date, limit: int) -> Sequence[Invoice]:
        """From the partial index ``invoices_owing_idx``, in its order."""
        if limit <= 0:
            return []
        rows = self._all(
            INVOICES.select(f"d.user_id = %s AND {owing('d')} AND d.due_on < %s")
            + " ORDER BY d.due_on, d.number LIMIT %s",
            (owner_id, today, limit),
        )
        return [INVOICES.load(row) for row in rows]


_BALANCE = BALANCE_TEMPLATE.format("i.")
_METHODS = {m.value: m for m in PaymentMethod}
_JOB_FIELDS = prefixed(JOB_FIELDS, "j")


def _hours(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


__all__ = ["PostgresReports"]
