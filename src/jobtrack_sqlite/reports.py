"""Reports in SQL: figures aggregated by SQLite, pages read by keyset.

Every query filters by the owner and only reads. Listings walk an
owner-leading index in the listing's order from the cursor and stop after one
page; sums are taken over integer cents.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise

from jobtrack_core.documents import Invoice
from jobtrack_core.entities import Customer, Job, PaymentKind, PaymentMethod
from jobtrack_core.money import from_minor
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
from jobtrack_sqlite import columns as col
from jobtrack_sqlite import rules, schema, totals
from jobtrack_sqlite.documents import SqliteInvoices
from jobtrack_sqlite.errors import translated
from jobtrack_sqlite.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    JOB_SELECT,
    customer_from_row,
    job_conditions,
    job_from_row,
    walked,
)
from jobtrack_sqlite.schema import OWNER

_OWNER_NAMED = OWNER.replace("?", ":owner")
_C_COLUMNS = ", ".join(f"c.{name.strip()}" for name in CUSTOMER_COLUMNS.split(","))
_WIDTH = len(CUSTOMER_COLUMNS.split(","))
#: The row of ``customer_totals`` of the customer ``c``.
_TOTALS_OF_C = "t.owner = c.owner AND t.customer_id = c.id"


_tally = Tally.of_minor


_PAID_IN_RANGE = (
    "SELECT coalesce(sum(actual_cost_cents), 0), count(*) FROM jobs"
    f" WHERE owner = {OWNER} AND {rules.is_revenue()} AND paid_at_us IS NOT NULL"
    " AND paid_at_us >= ? AND paid_at_us < ?"
)
#: A customer's history, newest first, walked in the customer's index from the cursor.
_CUSTOMER_JOBS = (
    f"SELECT {JOB_COLUMNS} FROM jobs INDEXED BY idx_jobs_owner_customer"
    f" WHERE owner = {OWNER} AND customer_id = ?"
)
#: Open jobs by due date then id, in the partial index of open jobs by due date
#: (the query spells the index's condition, so that SQLite may use it).
_OPEN_DUE = (
    f"SELECT {JOB_COLUMNS} FROM jobs INDEXED BY idx_jobs_owner_open_due"
    f" WHERE owner = {OWNER} AND {rules.is_open()}"
)
_ORDER_DUE = " ORDER BY due_date, id LIMIT ?"

_REFUND = f"'{PaymentKind.REFUND.value}'"
#: What a payment ``p`` adds to its job (a refund takes away); voided ones are left out
#: by the queries' conditions.
_SIGNED = f"CASE WHEN p.kind = {_REFUND} THEN -p.amount_cents ELSE p.amount_cents END"
#: The aging bucket of a job ``j`` completed at ``completed_at_us``, given the starts of the
#: days 30, 60 and 90 days before the report's (``:b1``, ``:b2``, ``:b3``).
_BUCKET = (
    "CASE WHEN j.completed_at_us >= :b1 THEN 0 WHEN j.completed_at_us >= :b2 THEN 1"
    " WHEN j.completed_at_us >= :b3 THEN 2 ELSE 3 END"
)
_METHODS = {m.value: m for m in PaymentMethod}
_J_COLUMNS = ", ".join(f"j.{name.strip()}" for name in JOB_COLUMNS.split(","))


def _order(sort: JobSort, where: JobFilter) -> str:
    if sort is JobSort.NEWEST:
        return "created_at_us DESC, id DESC"
    if sort is JobSort.UPDATED:
        return "updated_at_us DESC, id DESC"
    if sort is JobSort.TITLE:
        return "lower(title), title, id"
    if _due_range(where):
        return "due_date, id"  # no job without a due date can match: walk the due index
    return "due_date IS NULL, due_date, id"


def _due_range(where: JobFilter) -> bool:
    return where.due_from is not None or where.due_to is not None


def _after(position: JobPosition, where: JobFilter) -> tuple[str, list[object]]:
    """The keyset condition: jobs that come after ``position`` in its order."""
    if position.sort in (JobSort.NEWEST, JobSort.UPDATED):
        column = "created_at_us" if position.sort is JobSort.NEWEST else "updated_at_us"
        return f"({column}, id) < (?, ?)", [col.timestamp(position.moment, "after"), position.id]
    if position.sort is JobSort.TITLE:
        title = position.title or ""
        return "(lower(title), title, id) > (?, ?, ?)", [ascii_lower(title), title, position.id]
    if position.due_date is None:
        return "(due_date IS NULL AND id > ?)", [position.id]
    due = col.day(position.due_date, "after")
    if _due_range(where):
        return "(due_date, id) > (?, ?)", [due, position.id]
    # Jobs without a due date come last. Written without OR: a multi-index OR plan
    # would not search by the owner (it cannot see into the owner's subquery).
    return "(due_date IS NULL, due_date, id) > (0, ?, ?)", [due, position.id]


class SqliteReports:
    """:class:`jobtrack_core.ports.ReportQueries` in SQL."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._invoices = SqliteInvoices(connection)

    # -- figures -----------------------------------------------------------------------
    @translated
    def totals(self, owner_id: str) -> OwnerTotals:
        """One row of ``owner_totals`` (kept by triggers): the same cost at any size."""
        row = self._db.execute(
            f"SELECT customers, {', '.join(totals.OWNER)} FROM owner_totals WHERE owner = {OWNER}",
            (owner_id,),
        ).fetchone() or (0,) * (1 + len(totals.OWNER))
        return OwnerTotals.of_row(*row)

    @translated
    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        """Whole UTC days from ``paid_days``; the partial days at either end of each range
        from the ``idx_jobs_owner_paid`` index."""
        tallies = []
        for low, high in pairwise(bounds):
            cents = count = 0
            if low < high:
                first = utc_midnight_after(low)
                last = utc_midnight_before(high)
                if first < last:
                    edges = [(low, first), (last, high)]
                    day_cents, day_count = self._db.execute(
                        "SELECT coalesce(sum(cents), 0), coalesce(sum(jobs), 0) FROM paid_days"
                        f" WHERE owner = {OWNER} AND day >= ? AND day < ?",
                        (owner_id, first.date().isoformat(), last.date().isoformat()),
                    ).fetchone()
                    cents, count = day_cents, day_count
                else:
                    edges = [(low, high)]
                for start, end in edges:
                    if start < end:
                        edge_cents, edge_count = self._db.execute(
                            _PAID_IN_RANGE,
                            (
                                owner_id,
                                col.timestamp(start, "bounds"),
                                col.timestamp(end, "bounds"),
                            ),
                        ).fetchone()
                        cents += edge_cents
                        count += edge_count
            tallies.append(_tally(cents, count))
        return tallies

    # -- listings ------------------------------------------------------------------------
    @translated
    def jobs_page(
        self, owner_id: str, where: JobFilter, sort: JobSort, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        """A listing someone asked for: any filter, in any order. Newest or latest first,
        it walks the index of that order, checking the filter on the way; in other
        orders SQLite plans the filter."""
        if limit <= 0:
            return []
        walk = sort in (JobSort.NEWEST, JobSort.UPDATED)
        conditions = job_conditions(owner_id, where, walk=walk)
        if conditions is None:
            return []
        sql, params = conditions
        if after is not None:
            keyset, values = _after(after, where)
            sql = f"{sql} AND {keyset}"
            params = [*params, *values]
        table = walked(where, latest=sort is JobSort.UPDATED) if walk else "jobs"
        rows = self._db.execute(
            f"SELECT {JOB_COLUMNS} FROM {table} WHERE {sql} ORDER BY {_order(sort, where)} LIMIT ?",
            [*params, limit],
        )
        return [job_from_row(row) for row in rows]

    @translated
    def customer_jobs(
        self, owner_id: str, customer_id: str, after: JobPosition | None, limit: int
    ) -> Sequence[Job]:
        """From the cursor down the customer's index (owner, customer, created, id): reads
        the page's rows and no others, however many jobs the owner has."""
        if limit <= 0:
            return []
        sql = _CUSTOMER_JOBS
        params: list[object] = [owner_id, customer_id]
        if after is not None:
            sql = f"{sql} AND (created_at_us, id) < (?, ?)"
            params += [col.timestamp(after.moment, "after"), after.id]
        rows = self._db.execute(
            f"{sql} ORDER BY created_at_us DESC, id DESC LIMIT ?", [*params, limit]
        )
        return [job_from_row(row) for row in rows]

    @translated
    def due_on(self, owner_id: str, day: date, limit: int) -> Sequence[Job]:
        """The day's stretch of the due-date index (owner, due date, id), in id order."""
        return self._jobs(
            f"SELECT {JOB_COLUMNS} FROM jobs INDEXED BY idx_jobs_owner_due"
            f" WHERE owner = {OWNER} AND due_date = ? AND {rules.not_cancelled()}"
            " ORDER BY id LIMIT ?",
            (owner_id, col.day(day, "day")),
            limit,
        )

    def _jobs(self, sql: str, params: Sequence[object], limit: int) -> Sequence[Job]:
        """The jobs of a query whose last parameter is ``limit`` (none for a limit of 0)."""
        if limit <= 0:
            return []
        return [job_from_row(row) for row in self._db.execute(sql, (*params, limit))]

    @translated
    def open_due(self, owner_id: str, first: date, last: date, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"{_OPEN_DUE} AND due_date >= ? AND due_date <= ?{_ORDER_DUE}",
            (owner_id, col.day(first, "first"), col.day(last, "last")),
            limit,
        )

    @translated
    def overdue(self, owner_id: str, today: date, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"{_OPEN_DUE} AND due_date < ?{_ORDER_DUE}", (owner_id, col.day(today, "today")), limit
        )

    @translated
    def count_overdue(self, owner_id: str, today: date) -> int:
        """One row per past due date in ``open_due_days`` (kept by triggers)."""
        count: int = self._db.execute(
            "SELECT coalesce(sum(jobs), 0) FROM open_due_days"
            f" WHERE owner = {OWNER} AND due_date < ?",
            (owner_id, col.day(today, "today")),
        ).fetchone()[0]
        return count

    @translated
    def recently_changed(self, owner_id: str, limit: int) -> Sequence[Job]:
        return self._jobs(
            f"SELECT {JOB_COLUMNS} FROM jobs INDEXED BY idx_jobs_owner_updated"
            f" WHERE owner = {OWNER} ORDER BY updated_at_us DESC, id DESC LIMIT ?",
            (owner_id,),
            limit,
        )

    @translated
    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        """The partial index of receivables, oldest completion first (unknown first)."""
        return self._jobs(
            f"{JOB_SELECT} WHERE owner = {OWNER} AND {rules.is_receivable()}"
            " AND (completed_at_us IS NOT NULL, completed_at_us) < (1, ?)"  # unknown, or before
            " ORDER BY completed_at_us IS NOT NULL, completed_at_us, id LIMIT ?",
            (owner_id, col.timestamp(completed_before, "completed_before")),
            limit,
        )

    # -- customers -------------------------------------------------------------------------
    @translated
    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        """Each customer with its row of ``customer_totals`` (kept by triggers)."""
        only = "" if customer_id is None else " AND c.id = :customer"
        rows = self._db.execute(
            f"SELECT {_C_COLUMNS}, coalesce(t.jobs, 0), coalesce(t.completed, 0),"
            " coalesce(t.earned_cents, 0), coalesce(t.unpaid_cents, 0), t.last_job_at_us"
            f" FROM customers c LEFT JOIN customer_totals t ON {_TOTALS_OF_C}"
            f" WHERE c.owner = {_OWNER_NAMED}{only} ORDER BY c.name, c.id",
            {"owner": owner_id, "customer": customer_id},
        )
        return [
            CustomerSummary(
                customer=customer_from_row(row[:_WIDTH]),
                jobs=row[_WIDTH],
                completed=row[_WIDTH + 1],
                earned=from_minor(row[_WIDTH + 2]),
                unpaid=from_minor(row[_WIDTH + 3]),
                last_job_at=col.read_optional_timestamp(row[_WIDTH + 4]),
            )
            for row in rows
        ]

    @translated
    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        if paid_from is None and paid_to is None:
            rows = self._db.execute(
                f"SELECT {_C_COLUMNS}, t.paid_cents, t.paid_jobs"
                f" FROM customers c JOIN customer_totals t ON {_TOTALS_OF_C}"
                f" WHERE c.owner = {OWNER} AND t.paid_jobs > 0"
                " ORDER BY t.paid_cents DESC, c.name, c.id",
                (owner_id,),
            )
            return [
                CustomerRevenue(
                    customer_from_row(row[:_WIDTH]), _tally(row[_WIDTH], row[_WIDTH + 1])
                )
                for row in rows
            ]
        # A period is asked for (the all-time case returned above): only dated payments.
        bounds = " AND j.paid_at_us IS NOT NULL"
        if paid_from is not None:
            bounds += " AND j.paid_at_us >= :low"
        if paid_to is not None:
            bounds += " AND j.paid_at_us < :high"
        rows = self._db.execute(
            f"SELECT {_C_COLUMNS}, coalesce(sum(j.actual_cost_cents), 0) AS cents, count(*)"
            " FROM customers c JOIN jobs j ON j.owner = c.owner AND j.customer_id = c.id"
            f" AND {rules.is_revenue('j')}{bounds}"
            f" WHERE c.owner = {_OWNER_NAMED} GROUP BY c.id ORDER BY cents DESC, c.name, c.id",
            {
                "owner": owner_id,
                "low": col.optional_timestamp(paid_from, "paid_from"),
                "high": col.optional_timestamp(paid_to, "paid_to"),
            },
        )
        return [
            CustomerRevenue(customer_from_row(row[:_WIDTH]), _tally(row[_WIDTH], row[_WIDTH + 1]))
            for row in rows
        ]

    @translated
    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        """From ``customer_totals`` (kept by triggers), customers with a comparable job."""
        rows = self._db.execute(
            f"SELECT {_C_COLUMNS}, t.cost_jobs, t.estimated_cost_cents, t.actual_cost_cents,"
            " t.hours_jobs, t.estimated_hours, t.actual_hours"
            f" FROM customers c JOIN customer_totals t ON {_TOTALS_OF_C}"
            f" WHERE c.owner = {OWNER} AND (t.cost_jobs > 0 OR t.hours_jobs > 0)"
            " ORDER BY c.name, c.id",
            (owner_id,),
        )
        result = []
        for row in rows:
            n_cost, est_cost, act_cost, n_hours, est_hours, act_hours = row[_WIDTH:]
            accuracy = Accuracy.of_minor(n_cost, est_cost, act_cost, n_hours, est_hours, act_hours)
            result.append(CustomerAccuracy(customer_from_row(row[:_WIDTH]), accuracy))
        return result

    @translated
    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        """SQLite's ``lower`` folds ASCII letters only, exactly as :func:`ascii_lower`."""
        fields = " OR ".join(
            f"instr(lower({name}), :needle) > 0" for name in ("name", "email", "phone", "address")
        )
        rows = self._db.execute(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE owner = {_OWNER_NAMED} AND ({fields})"
            " ORDER BY name, id",
            {"owner": owner_id, "needle": ascii_lower(text)},
        )
        return [customer_from_row(row) for row in rows]

    # -- money ------------------------------------------------------------------------------
    @translated
    def balances(self, owner_id: str, customer_id: str | None = None) -> Sequence[CustomerBalance]:
        """Each customer with the balance figures of its row of ``customer_totals``."""
        only = "" if customer_id is None else " AND c.id = :customer"
        figures = ", ".join(f"coalesce(t.{name}, 0)" for name in totals.BALANCES)
        rows = self._db.execute(
            f"SELECT {_C_COLUMNS}, {figures}"
            f" FROM customers c LEFT JOIN customer_totals t ON {_TOTALS_OF_C}"
            f" WHERE c.owner = {_OWNER_NAMED}{only} ORDER BY c.name, c.id",
            {"owner": owner_id, "customer": customer_id},
        )
        return [
            CustomerBalance(customer_from_row(row[:_WIDTH]), Balances.of_minor(*row[_WIDTH:]))
            for row in rows
        ]

    @translated
    def aging(
        self, owner_id: str, bounds: Sequence[datetime], received_by: date | None
    ) -> Sequence[CustomerAging]:
        """As of today (``received_by`` None), from the jobs' own ``amount_paid``: only the
        completed, unpaid jobs can owe anything, read from their partial index
        (``idx_jobs_owner_owing``). As of an earlier day, every completed job with
        something due (``idx_jobs_owner_due_done``) less its standing payments received
        by then (``idx_payments_owner_job_standing``)."""
        params: dict[str, object] = {"owner": owner_id}
        for n, bound in enumerate(bounds):
            params[f"b{n}"] = col.timestamp(bound, "bounds")
        if received_by is None:
            owing = (
                "SELECT j.customer_id, j.completed_at_us,"
                " j.actual_cost_cents - j.amount_paid_cents AS owed"
                " FROM jobs AS j INDEXED BY idx_jobs_owner_owing"
                f" WHERE j.owner = {_OWNER_NAMED} AND {rules.is_receivable('j')}"
                " AND j.completed_at_us < :b0"
            )
        else:
            params["day"] = col.day(received_by, "received_by")
            owing = (
                "SELECT j.customer_id, j.completed_at_us, j.actual_cost_cents - coalesce(("
                f"SELECT sum({_SIGNED}) FROM payments AS p"
                " INDEXED BY idx_payments_owner_job_standing"
                " WHERE p.owner = j.owner AND p.job_id = j.id AND p.voided_at_us IS NULL"
                " AND p.received_on <= :day), 0) AS owed"
                " FROM jobs AS j INDEXED BY idx_jobs_owner_due_done"
                f" WHERE j.owner = {_OWNER_NAMED} AND {rules.has_due('j')}"
                " AND j.completed_at_us < :b0"
            )
        rows = self._db.execute(
            f"WITH owing AS ({owing}),"
            f" buckets AS (SELECT j.customer_id, {_BUCKET} AS bucket,"
            " sum(j.owed) AS cents, count(*) AS jobs FROM owing AS j WHERE j.owed > 0"
            " GROUP BY j.customer_id, bucket)"
            f" SELECT {_C_COLUMNS}, b.bucket, b.cents, b.jobs"
            " FROM buckets AS b JOIN customers AS c"
            f" ON c.owner = {_OWNER_NAMED} AND c.id = b.customer_id"
            " ORDER BY c.name, c.id, b.bucket",
            params,
        )
        made: list[tuple[Customer, list[Tally]]] = []
        for row in rows:
            if not made or made[-1][0].id != row[0]:
                made.append((customer_from_row(row[:_WIDTH]), [Tally()] * 4))
            bucket, cents, jobs = row[_WIDTH:]
            made[-1][1][bucket] = _tally(cents, jobs)
        return [CustomerAging(customer, Aging(*tallies)) for customer, tallies in made]

    @translated
    def cash_between(self, owner_id: str, bounds: Sequence[date]) -> Sequence[CashRow]:
        """One GROUP BY over the running cash totals by day and method (``cash_days``:
        a month is at most 31 days of 5 methods), each day numbered with its period."""
        days = [col.day(bound, "bounds") for bound in bounds]
        if len(days) < 2:
            return []
        sums = ", ".join(f"sum(cash_days.{name})" for name in totals.CASH)
        rows = self._db.execute(
            "WITH periods AS (SELECT CAST(key AS INTEGER) AS n,"
            " json_extract(value, '$[0]') AS low, json_extract(value, '$[1]') AS high"
            " FROM json_each(:periods))"
            f" SELECT b.n, cash_days.method, {sums} FROM periods AS b JOIN cash_days"
            f" ON cash_days.owner = {_OWNER_NAMED}"
            " AND cash_days.day >= b.low AND cash_days.day < b.high"
            " GROUP BY b.n, cash_days.method ORDER BY b.n, cash_days.method",
            {"owner": owner_id, "periods": json.dumps(list(pairwise(days)))},
        )
        return [
            CashRow(n, _METHODS[method], CashTotal.of_minor(*figures))
            for n, method, *figures in rows
        ]

    @translated
    def stalled(self, owner_id: str, quiet_since: date, limit: int) -> Sequence[Job]:
        """The completed, unpaid jobs holding money (``idx_jobs_owner_unpaid_done``), each
        with its latest standing payment's day from the payments' index."""
        return self._jobs(
            f"SELECT {_J_COLUMNS} FROM jobs AS j INDEXED BY idx_jobs_owner_unpaid_done"
            f" WHERE j.owner = {OWNER} AND {rules.is_receivable('j')}"
            " AND j.amount_paid_cents > 0 AND (SELECT max(p.received_on) FROM payments AS p"
            " INDEXED BY idx_payments_owner_job_standing"
            " WHERE p.owner = j.owner AND p.job_id = j.id AND p.voided_at_us IS NULL) < ?"
            " ORDER BY j.completed_at_us IS NOT NULL, j.completed_at_us, j.id LIMIT ?",
            (owner_id, col.day(quiet_since, "quiet_since")),
            limit,
        )

    @translated
    def deposits_waiting(self, owner_id: str, taken_before: date, limit: int) -> Sequence[Job]:
        """The pending jobs holding money (``idx_jobs_owner_holding``), each with its first
        standing receipt's day from the payments' index."""
        return self._jobs(
            f"SELECT {_J_COLUMNS} FROM (SELECT j.owner, j.id, (SELECT min(p.received_on)"
            " FROM payments AS p INDEXED BY idx_payments_owner_job_standing"
            " WHERE p.owner = j.owner AND p.job_id = j.id AND p.voided_at_us IS NULL"
            f" AND p.kind <> {_REFUND}) AS first"
            " FROM jobs AS j INDEXED BY idx_jobs_owner_holding"
            f" WHERE j.owner = {OWNER} AND {rules.is_holding_deposit('j')}) AS w"
            " JOIN jobs AS j ON j.owner = w.owner AND j.id = w.id"
            " WHERE w.first < ? ORDER BY w.first, w.id LIMIT ?",
            (owner_id, col.day(taken_before, "taken_before")),
            limit,
        )

    # -- invoices ---------------------------------------------------------------------------
    @translated
    def invoice_aging(
        self, owner_id: str, bounds: Sequence[date]
    ) -> Sequence[CustomerInvoiceAging]:
        """The owing invoices (``idx_invoices_owner_owing``, which holds what each owes),
        summed per customer and bucket of due date by SQLite; then the customers owing
        anything, by name and id."""
        days = [col.day(day, "bounds") for day in bounds[:4]]
        rows = self._db.execute(
            "SELECT customer_id, CASE WHEN due_on >= ?2 THEN 0 WHEN due_on >= ?3 THEN 1"
            " WHEN due_on >= ?4 THEN 2 WHEN due_on >= ?5 THEN 3 ELSE 4 END AS bucket,"
            " sum(total_cents - amount_paid_cents - amount_credited_cents), count(*)"
            " FROM invoices INDEXED BY idx_invoices_owner_owing"
            f" WHERE owner = {OWNER.replace('?', '?1')} AND {schema.OWING}"
            " GROUP BY customer_id, bucket",
            (owner_id, *days),
        ).fetchall()
        if not rows:
            return []
        buckets: dict[str, list[Tally]] = {}
        for customer_id, bucket, cents, count in rows:
            buckets.setdefault(customer_id, [Tally()] * 5)[bucket] = _tally(cents, count)
        customers = self._db.execute(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers"
            f" WHERE owner = {OWNER} AND id IN (SELECT value FROM json_each(?)) ORDER BY name, id",
            (owner_id, json.dumps(sorted(buckets))),
        )
        return [
            CustomerInvoiceAging(c, InvoiceAging(*buckets[c.id]))
            for c in map(customer_from_row, customers)
        ]

    @translated
    def overdue_invoices(self, owner_id: str, today: date, limit: int) -> Sequence[Invoice]:
        """The owing invoices due before ``today``, walked in ``idx_invoices_owner_owing``
        (by due date, then number), with their lines."""
        if limit <= 0:
            return []
        found = self._invoices._select(
            owner_id,
            f"{schema.OWING} AND d.due_on < ?",
            [col.day(today, "today"), limit],
            " ORDER BY d.due_on, d.number LIMIT ?",
            indexed="idx_invoices_owner_owing",
        )
        return list(found)


__all__ = ["SqliteReports"]
