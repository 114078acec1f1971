"""The repositories of one PostgreSQL unit of work.

Each method is one statement where possible. Inserts use ``ON CONFLICT DO
NOTHING`` and check the referenced owner or customer in the same statement,
and updates check their conditions in their ``WHERE`` clause, so that a refused
change raises a jobtrack error without aborting the surrounding transaction:
the unit of work stays usable, as with every other store.

In a unit of work opened with ``write=True``, single-record reads lock the row
they return (``FOR NO KEY UPDATE``) until the unit of work ends. The service
layer reads a record, checks a rule and writes it back; the lock makes a
concurrent unit of work doing the same wait, then read the new state, so that
exactly one of two conflicting changes wins and the other sees why it cannot.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

import psycopg

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, Payment, User
from jobtrack_core.errors import ConflictError, NotFoundError, quoted
from jobtrack_core.queries import JobFilter, PaymentFilter, ascii_lower
from jobtrack_postgres.errors import translated
from jobtrack_postgres.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    JOB_FIELDS,
    JOB_SET,
    JOB_VALUES,
    PAYMENT_COLUMNS,
    PAYMENT_FIELDS,
    PAYMENT_SET,
    PAYMENT_VALUES,
    SESSION_COLUMNS,
    USER_COLUMNS,
    Row,
    customer_from_row,
    customer_params,
    job_from_row,
    job_params,
    job_row,
    payment_from_row,
    payment_params,
    payment_row,
    session_from_row,
    session_params,
    user_from_row,
    user_params,
)
from jobtrack_postgres.schema import ASCII_LOWER_SQL

R = TypeVar("R")


class Repository:
    """Statements on the unit of work's connection, with every psycopg error translated.

    ``writes`` (by default ``lock_rows``) says whether the unit of work may write: only
    then may it have running totals of its own not yet added in (:mod:`.deltas`).
    """

    def __init__(
        self, conn: psycopg.Connection[Any], *, lock_rows: bool, writes: bool | None = None
    ) -> None:
        self._conn = conn
        self._lock = " FOR NO KEY UPDATE" if lock_rows else ""
        self._writes = lock_rows if writes is None else writes

    def _totals(self, table: str) -> str:
        """Where to read the running totals ``table`` from: the view that adds this unit
        of work's own changes, or, in a unit of work that cannot have any (read-only),
        the committed figures themselves, which are cheaper to plan and read."""
        return table if self._writes else f"{table}_base"

    def _run(
        self, query: str, params: Any = None, *, missing: NotFoundError | None = None
    ) -> psycopg.Cursor[Any]:
        with translated(missing=missing):
            return self._conn.execute(query, params)

    def _one(self, query: str, params: Any, *, missing: NotFoundError | None = None) -> Row | None:
        return cast("Row | None", self._run(query, params, missing=missing).fetchone())

    def _all(self, query: str, params: Any) -> list[Row]:
        return cast("list[Row]", self._run(query, params).fetchall())

    def _exists(self, query: str, params: Any) -> bool:
        return self._one(f"SELECT EXISTS ({query})", params) == (True,)

    def _copy_in(
        self,
        table: str,
        records: Iterable[R],
        copy_sql: str,
        row: Callable[[R], Sequence[Any]],
        check: Callable[[list[R]], None],
        parent: tuple[str, Callable[[R], str]],
    ) -> int:
        """Add ``records`` in batches: each batch checked by ``check`` (which raises what a
        single add would), then sent with COPY; a parent gone meanwhile is a
        :class:`NotFoundError` naming it (``parent``: its kind, and a record's parent id).
        The statistics are refreshed after a bulk load; returns how many were added."""
        kind, parent_of = parent
        count = 0
        iterator = iter(records)
        while batch := list(itertools.islice(iterator, BATCH)):
            check(batch)
            parents = {parent_of(record) for record in batch}
            missing = NotFoundError(kind, parents.pop() if len(parents) == 1 else "?")
            with (
                translated(missing=missing),
                self._conn.cursor() as cursor,
                cursor.copy(copy_sql) as copy,
            ):
                for record in batch:
                    copy.write_row(row(record))
            count += len(batch)
        self._analyze_after(table, count)
        return count

    def _analyze_after(self, table: str, count: int) -> None:
        """Refresh the planner's statistics of ``table`` after a bulk load of ``count``
        rows, when that is many (see :data:`ANALYZE_MIN_ROWS`)."""
        if count >= ANALYZE_MIN_ROWS:
            (counted,) = self._one(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", (table,)
            ) or (-1,)
            if count >= ANALYZE_SHARE * counted:  # reltuples is -1 before the first ANALYZE
                self._run(f"ANALYZE {table}")


# -- users ---------------------------------------------------------------------

_TAKEN_EMAIL = "this email is already registered"
_USER_VALUES = ", ".join(f"%({c.strip()})s" for c in USER_COLUMNS.split(","))
_USER_CHANGES = ", ".join(
    f"{c} = %({c})s" for c in (c.strip() for c in USER_COLUMNS.split(",")) if c != "id"
)


class PostgresUsers(Repository):
    """Accounts. An email is unique across the database: ``user_emails`` holds each
    account's email as its key (the lookup of a login), written with the account.

    Writes check for taken ids and emails by inserting (``ON CONFLICT DO NOTHING``), not
    by reading first: at ``SERIALIZABLE`` a read would lock the index pages it looked
    at, and two registrations of different emails would then fail each other.
    """

    def add(self, user: User) -> None:
        cursor = self._run(
            f"INSERT INTO users ({USER_COLUMNS}) VALUES ({_USER_VALUES}) ON CONFLICT DO NOTHING",
            user_params(user),
        )
        if cursor.rowcount == 0:
            raise ConflictError("id", f"a user with id {quoted(user.id)} already exists")
        if not self._claim(user):
            self._run("DELETE FROM users WHERE id = %s", (user.id,))
            raise ConflictError("email", _TAKEN_EMAIL)

    def _claim(self, user: User) -> bool:
        """Make ``user.email`` the (existing) user's in ``user_emails``; False if taken."""
        cursor = self._run(
            "INSERT INTO user_emails (email, user_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (user.email, user.id),
        )
        return cursor.rowcount == 1

    def get(self, user_id: str) -> User | None:
        row = self._one(f"SELECT {USER_COLUMNS} FROM users WHERE id = %s{self._lock}", (user_id,))
        return None if row is None else user_from_row(row)

    def get_by_email(self, email: str) -> User | None:
        """Two lookups by key: the email's account in ``user_emails``, then the account
        (locked in a writing unit of work, and only if it still has that email)."""
        found = self._one("SELECT user_id FROM user_emails WHERE email = %s", (email,))
        if found is None:
            return None
        row = self._one(
            f"SELECT {USER_COLUMNS} FROM users WHERE id = %s AND email = %s{self._lock}",
            (found[0], email),
        )
        return None if row is None else user_from_row(row)

    def update(self, user: User) -> None:
        params = user_params(user)
        changes = f"UPDATE users SET {_USER_CHANGES} WHERE id = %(id)s"
        if self._run(f"{changes} AND email = %(email)s", params).rowcount:
            return  # the email is unchanged: one statement
        if not self._exists("SELECT FROM users WHERE id = %s", (user.id,)):
            raise NotFoundError("user", user.id)
        if not self._claim(user):
            raise ConflictError("email", _TAKEN_EMAIL)
        self._run(
            "WITH old AS (DELETE FROM user_emails WHERE user_id = %(id)s AND email = "
            f"(SELECT email FROM users WHERE id = %(id)s)) {changes}",
            params,
        )

    def delete(self, user_id: str) -> Deleted:
        """Delete the account and everything of its business, issued invoices included
        (the only way they go)."""
        row = self._one(
            "WITH s AS (DELETE FROM sessions WHERE user_id = %(id)s RETURNING 1), "
            "e AS (DELETE FROM user_emails WHERE user_id = %(id)s), "
            "p AS (DELETE FROM payments WHERE user_id = %(id)s RETURNING 1), "
            "ql AS (DELETE FROM quote_lines WHERE user_id = %(id)s), "
            "q AS (DELETE FROM quotes WHERE user_id = %(id)s RETURNING 1), "
            "il AS (DELETE FROM invoice_lines WHERE user_id = %(id)s), "
            "i AS (DELETE FROM invoices WHERE user_id = %(id)s RETURNING 1), "
            "j AS (DELETE FROM jobs WHERE user_id = %(id)s RETURNING 1), "
            "c AS (DELETE FROM customers WHERE user_id = %(id)s RETURNING 1) "
            "DELETE FROM users WHERE id = %(id)s RETURNING "
            "(SELECT count(*) FROM c), (SELECT count(*) FROM j), (SELECT count(*) FROM s), "
            "(SELECT count(*) FROM p), (SELECT count(*) FROM q), (SELECT count(*) FROM i)",
            {"id": user_id},
        )
        if row is None:
            return Deleted()
        return Deleted(
            users=1,
            customers=row[0],
            jobs=row[1],
            sessions=row[2],
            payments=row[3],
            quotes=row[4],
            invoices=row[5],
        )


# -- customers -----------------------------------------------------------------


class PostgresCustomers(Repository):
    """An owner's customers, by owner and id; another owner's customers behave as absent."""

    def add(self, customer: Customer) -> None:
        cursor = self._run(
            f"INSERT INTO customers ({CUSTOMER_COLUMNS}) "
            "SELECT %(id)s::text, %(user_id)s::text, %(name)s::text, %(email)s::text, "
            "%(phone)s::text, %(address)s::text, %(business_name)s::text, %(notes)s::text, "
            "%(created_at)s::timestamptz, %(updated_at)s::timestamptz, %(version)s::integer "
            "WHERE EXISTS (SELECT FROM users WHERE id = %(user_id)s) "
            "ON CONFLICT DO NOTHING",
            customer_params(customer),
            missing=NotFoundError("user", customer.user_id),
        )
        if cursor.rowcount == 0:
            if not self._exists("SELECT FROM users WHERE id = %s", (customer.user_id,)):
                raise NotFoundError("user", customer.user_id)
            raise ConflictError("id", f"a customer with id {quoted(customer.id)} already exists")

    def get(self, owner_id: str, customer_id: str) -> Customer | None:
        row = self._one(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = %s AND id = %s{self._lock}",
            (owner_id, customer_id),
        )
        return None if row is None else customer_from_row(row)

    def list(self, owner_id: str) -> Sequence[Customer]:
        rows = self._all(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = %s ORDER BY name, id",
            (owner_id,),
        )
        return [customer_from_row(row) for row in rows]

    def update(self, customer: Customer) -> None:
        cursor = self._run(
            "UPDATE customers SET name = %(name)s, email = %(email)s, phone = %(phone)s, "
            "address = %(address)s, business_name = %(business_name)s, notes = %(notes)s, "
            "created_at = %(created_at)s, updated_at = %(updated_at)s, version = %(version)s "
            "WHERE user_id = %(user_id)s AND id = %(id)s",
            customer_params(customer),
        )
        if cursor.rowcount == 0:
            raise NotFoundError("customer", customer.id)

    def delete(self, owner_id: str, customer_id: str) -> Deleted:
        """Delete the customer with its jobs, its quotes and its draft invoices (and the
        payments of those); refused (:class:`ConflictError` on ``invoices``) while an issued invoice
        is for the customer or bills one of its jobs."""
        params = {"owner": owner_id, "id": customer_id}
        if self._exists(
            "SELECT FROM invoices i WHERE i.user_id = %(owner)s AND i.customer_id = %(id)s "
            "AND i.status <> 'draft' "
            "UNION ALL SELECT FROM invoice_lines l JOIN jobs j ON j.user_id = l.user_id "
            "AND j.id = l.job_id JOIN invoices i ON i.user_id = l.user_id "
            "AND i.id = l.invoice_id WHERE l.user_id = %(owner)s AND j.customer_id = %(id)s "
            "AND NOT (i.customer_id = %(id)s AND i.status = 'draft')",
            params,
        ):
            raise ConflictError(
                "invoices", f"customer {quoted(customer_id)} is billed by invoices, which are kept"
            )
        row = self._one(
            f"WITH {_DRAFTS_GO}, "
            "p AS (DELETE FROM payments WHERE user_id = %(owner)s AND (job_id IN "
            "(SELECT id FROM jobs WHERE user_id = %(owner)s AND customer_id = %(id)s) "
            "OR invoice_id IN (SELECT id FROM invoices WHERE user_id = %(owner)s "
            "AND customer_id = %(id)s AND status = 'draft')) RETURNING 1), "
            "j AS (DELETE FROM jobs WHERE user_id = %(owner)s AND customer_id = %(id)s "
            "RETURNING 1) "
            "DELETE FROM customers WHERE user_id = %(owner)s AND id = %(id)s "
            "RETURNING (SELECT count(*) FROM j), (SELECT count(*) FROM p), "
            "(SELECT count(*) FROM q), (SELECT count(*) FROM i)",
            params,
        )
        if row is None:
            return Deleted()
        return Deleted(customers=1, jobs=row[0], payments=row[1], quotes=row[2], invoices=row[3])


#: The CTEs deleting a customer's quotes and draft invoices, with their lines (``q`` and
#: ``i`` count them).
_DRAFTS_GO = (
    "ql AS (DELETE FROM quote_lines l USING quotes q WHERE l.user_id = %(owner)s "
    "AND q.user_id = l.user_id AND q.id = l.quote_id AND q.customer_id = %(id)s), "
    "q AS (DELETE FROM quotes WHERE user_id = %(owner)s AND customer_id = %(id)s "
    "RETURNING 1), "
    "il AS (DELETE FROM invoice_lines l USING invoices i WHERE l.user_id = %(owner)s "
    "AND i.user_id = l.user_id AND i.id = l.invoice_id AND i.customer_id = %(id)s "
    "AND i.status = 'draft'), "
    "i AS (DELETE FROM invoices WHERE user_id = %(owner)s AND customer_id = %(id)s "
    "AND status = 'draft' RETURNING 1)"
)


# -- jobs ----------------------------------------------------------------------


def job_filter(owner_id: str, where: JobFilter) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters for ``where``."""
    clauses = ["user_id = %s"]
    params: list[Any] = [owner_id]
    if where.statuses is not None:
        clauses.append("status = ANY(%s::text[])")
        params.append(sorted(s.value for s in where.statuses))
    if where.customer_id is not None:
        clauses.append("customer_id = %s")
        params.append(where.customer_id)
    if where.paid is not None:
        clauses.append("paid = %s")
        params.append(where.paid)
    if where.due_from is not None:
        clauses.append("due_date >= %s")
        params.append(where.due_from)
    if where.due_to is not None:
        clauses.append("due_date <= %s")
        params.append(where.due_to)
    if where.text:
        needle = ascii_lower(where.text)
        title, description = ASCII_LOWER_SQL.format("title"), ASCII_LOWER_SQL.format("description")
        clauses.append(f"(strpos({title}, %s) > 0 OR strpos({description}, %s) > 0)")
        params.extend((needle, needle))
    return " AND ".join(clauses), params


_COPY_JOBS = f"COPY jobs ({JOB_COLUMNS}) FROM STDIN"
#: How many jobs :meth:`PostgresJobs.add_many` checks and copies at a time.
BATCH = 1000
#: :meth:`PostgresJobs.add_many` refreshes the planner's statistics of ``jobs`` when it
#: added at least this many jobs, and at least :data:`ANALYZE_SHARE` of the rows the
#: statistics last counted (autovacuum's own rule for an automatic ANALYZE).
ANALYZE_MIN_ROWS = 1000
ANALYZE_SHARE = 0.1
#: The owner and id pairs of a batch that exist in a table (``{table}``).
_FOUND = (
    "SELECT t.user_id, t.id FROM {table} t JOIN unnest(%s::text[], %s::text[]) "
    "AS k(user_id, id) ON t.user_id = k.user_id AND t.id = k.id"
)


class PostgresJobs(Repository):
    """An owner's jobs, by owner and id; each references a customer of the same owner."""

    def add(self, job: Job) -> None:
        cursor = self._run(
            f"INSERT INTO jobs ({JOB_COLUMNS}) SELECT {JOB_VALUES} "
            "WHERE EXISTS (SELECT FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s) "
            "ON CONFLICT DO NOTHING",
            job_params(job),
            missing=NotFoundError("customer", job.customer_id),
        )
        if cursor.rowcount == 0:
            if not self._customer_exists(job):
                raise NotFoundError("customer", job.customer_id)
            raise _taken(job)

    def add_many(self, jobs: Iterable[Job]) -> int:
        """Add jobs in batches: each batch is checked in two queries, then sent with COPY.

        After a bulk load the statistics of ``jobs`` are refreshed (``ANALYZE``, inside
        the unit of work), as PostgreSQL's documentation advises: until autovacuum gets
        to it (a minute or more later, if it runs at all), the planner would take an
        owner's thousands of new jobs for a few and choose plans that read them all.
        """
        customer = ("customer", lambda job: job.customer_id)
        return self._copy_in("jobs", jobs, _COPY_JOBS, job_row, self._check_batch, customer)

    def _check_batch(self, batch: list[Job]) -> None:
        """Raise what :meth:`add` would raise for the first job of ``batch`` that fails."""
        customers = {(job.user_id, job.customer_id) for job in batch}
        known = set(self._pairs("customers", customers))
        taken = set(self._pairs("jobs", {(job.user_id, job.id) for job in batch}))
        for job in batch:
            if (job.user_id, job.customer_id) not in known:
                raise NotFoundError("customer", job.customer_id)
            key = (job.user_id, job.id)
            if key in taken:
                raise _taken(job)
            taken.add(key)

    def _pairs(self, table: str, pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (owner, id) ``pairs`` that exist in ``table``."""
        owners, ids = [p[0] for p in pairs], [p[1] for p in pairs]
        return [(row[0], row[1]) for row in self._all(_FOUND.format(table=table), (owners, ids))]

    def _customer_exists(self, job: Job) -> bool:
        return self._exists(
            "SELECT FROM customers WHERE user_id = %s AND id = %s",
            (job.user_id, job.customer_id),
        )

    def get(self, owner_id: str, job_id: str) -> Job | None:
        row = self._one(
            f"SELECT {JOB_FIELDS} FROM jobs WHERE user_id = %s AND id = %s{self._lock}",
            (owner_id, job_id),
        )
        return None if row is None else job_from_row(row)

    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        clause, params = job_filter(owner_id, where)
        rows = self._all(
            f"SELECT {JOB_FIELDS} FROM jobs WHERE {clause} ORDER BY created_at DESC, id DESC",
            params,
        )
        return [job_from_row(row) for row in rows]

    def update(self, job: Job) -> None:
        cursor = self._run(
            f"UPDATE jobs SET {JOB_SET} "
            "WHERE user_id = %(user_id)s AND id = %(id)s AND EXISTS (SELECT FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s)",
            job_params(job),
            missing=NotFoundError("customer", job.customer_id),
        )
        if cursor.rowcount == 0:
            if self._exists(
                "SELECT FROM jobs WHERE user_id = %s AND id = %s", (job.user_id, job.id)
            ):
                raise NotFoundError("customer", job.customer_id)
            raise NotFoundError("job", job.id)

    def delete(self, owner_id: str, job_id: str) -> Deleted:
        """Delete the job and its payments, unlinking the accepted quote that made it;
        refused (:class:`ConflictError` on ``invoices``) while an invoice bills it."""
        if self._exists(
            "SELECT FROM invoice_lines WHERE user_id = %s AND job_id = %s", (owner_id, job_id)
        ):
            raise ConflictError("invoices", f"job {quoted(job_id)} is billed by an invoice")
        row = self._one(
            "WITH p AS (DELETE FROM payments WHERE user_id = %(owner)s AND job_id = %(id)s "
            "RETURNING 1) "
            "DELETE FROM jobs WHERE user_id = %(owner)s AND id = %(id)s "
            "RETURNING (SELECT count(*) FROM p)",
            {"owner": owner_id, "id": job_id},
        )
        if row is None:
            return Deleted()
        return Deleted(jobs=1, payments=row[0])


def _taken(job: Job) -> ConflictError:
    return ConflictError("id", f"a job with id {quoted(job.id)} already exists")


# -- payments ------------------------------------------------------------------

_COPY_PAYMENTS = f"COPY payments ({PAYMENT_COLUMNS}) FROM STDIN"


def payment_filter(owner_id: str, where: PaymentFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (on payments ``p``) and parameters for ``where``."""
    clauses = ["p.user_id = %(owner)s"]
    if where.job_id is not None:
        clauses.append("p.job_id = %(job)s")
    if where.invoice_id is not None:
        clauses.append("p.invoice_id = %(invoice)s")
    if where.customer_id is not None:
        # the customer of the payment's job, or else of its invoice
        clauses.append(
            "(p.job_id IN (SELECT j.id FROM jobs j "
            "WHERE j.user_id = %(owner)s AND j.customer_id = %(customer)s) "
            "OR p.job_id IS NULL AND p.invoice_id IN (SELECT i.id FROM invoices i "
            "WHERE i.user_id = %(owner)s AND i.customer_id = %(customer)s))"
        )
    if where.received_from is not None:
        clauses.append("p.received_on >= %(low)s")
    if where.received_to is not None:
        clauses.append("p.received_on <= %(high)s")
    if where.voided is not None:
        clauses.append(f"p.voided_at IS {'NOT ' if where.voided else ''}NULL")
    params = {
        "owner": owner_id,
        "job": where.job_id,
        "invoice": where.invoice_id,
        "customer": where.customer_id,
        "low": where.received_from,
        "high": where.received_to,
    }
    return " AND ".join(clauses), params


class PostgresPayments(Repository):
    """An owner's payments, by owner and id; each for a job of the same owner, or an
    invoice of the same owner, or both."""

    def add(self, payment: Payment) -> None:
        cursor = self._run(
            f"INSERT INTO payments ({PAYMENT_COLUMNS}) SELECT {PAYMENT_VALUES} "
            "WHERE (%(job_id)s::text IS NULL OR EXISTS (SELECT FROM jobs "
            "WHERE user_id = %(user_id)s AND id = %(job_id)s)) "
            "AND (%(invoice_id)s::text IS NULL OR EXISTS (SELECT FROM invoices "
            "WHERE user_id = %(user_id)s AND id = %(invoice_id)s)) "
            "ON CONFLICT DO NOTHING",
            payment_params(payment),
            missing=_missing_parent(payment),
        )
        if cursor.rowcount == 0:
            if payment.job_id is not None and not self._exists(
                "SELECT FROM jobs WHERE user_id = %s AND id = %s",
                (payment.user_id, payment.job_id),
            ):
                raise NotFoundError("job", payment.job_id)
            if payment.invoice_id is not None and not self._exists(
                "SELECT FROM invoices WHERE user_id = %s AND id = %s",
                (payment.user_id, payment.invoice_id),
            ):
                raise NotFoundError("invoice", payment.invoice_id)
            raise _payment_taken(payment)

    def add_many(self, payments: Iterable[Payment]) -> int:
        """Add payments in batches: each batch is checked in a few queries, then sent with
        COPY, and the statistics refreshed after a bulk load (as :meth:`PostgresJobs.add_many`)."""
        parent = ("job", lambda payment: payment.job_id or "?")
        return self._copy_in(
            "payments", payments, _COPY_PAYMENTS, payment_row, self._check_batch, parent
        )

    def _check_batch(self, batch: list[Payment]) -> None:
        """Raise what :meth:`add` would raise for the first payment of ``batch`` that fails."""
        jobs = {(p.user_id, p.job_id) for p in batch if p.job_id is not None}
        invoices = {(p.user_id, p.invoice_id) for p in batch if p.invoice_id is not None}
        known_jobs = set(self._pairs("jobs", jobs)) if jobs else set()
        known_invoices = set(self._pairs("invoices", invoices)) if invoices else set()
        taken = set(self._pairs("payments", {(p.user_id, p.id) for p in batch}))
        for payment in batch:
            if payment.job_id is not None and (payment.user_id, payment.job_id) not in known_jobs:
                raise NotFoundError("job", payment.job_id)
            invoice = (payment.user_id, payment.invoice_id)
            if payment.invoice_id is not None and invoice not in known_invoices:
                raise NotFoundError("invoice", payment.invoice_id)
            key = (payment.user_id, payment.id)
            if key in taken:
                raise _payment_taken(payment)
            taken.add(key)

    def _pairs(self, table: str, pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        owners, ids = [p[0] for p in pairs], [p[1] for p in pairs]
        return [(row[0], row[1]) for row in self._all(_FOUND.format(table=table), (owners, ids))]

    def get(self, owner_id: str, payment_id: str) -> Payment | None:
        row = self._one(
            f"SELECT {PAYMENT_FIELDS} FROM payments WHERE user_id = %s AND id = %s{self._lock}",
            (owner_id, payment_id),
        )
        return None if row is None else payment_from_row(row)

    def list(self, owner_id: str, where: PaymentFilter) -> Sequence[Payment]:
        clause, params = payment_filter(owner_id, where)
        rows = self._all(
            f"SELECT {_PAYMENT_FIELDS} FROM payments p WHERE {clause} "
            "ORDER BY p.received_on, p.recorded_at, p.id",
            params,
        )
        return [payment_from_row(row) for row in rows]

    def update(self, payment: Payment) -> None:
        """Change a payment (the library only voids one); it stays with its job and invoice."""
        cursor = self._run(
            f"UPDATE payments SET {PAYMENT_SET} "
            "WHERE user_id = %(user_id)s AND id = %(id)s "
            "AND job_id IS NOT DISTINCT FROM %(job_id)s::text "
            "AND invoice_id IS NOT DISTINCT FROM %(invoice_id)s::text",
            payment_params(payment),
        )
        if cursor.rowcount == 0:
            if self._exists(
                "SELECT FROM payments WHERE user_id = %s AND id = %s",
                (payment.user_id, payment.id),
            ):
                raise ConflictError("job_id", "a payment stays with its job and invoice")
            raise NotFoundError("payment", payment.id)


def _missing_parent(payment: Payment) -> NotFoundError:
    """What a foreign key violation of a payment means: its job (or invoice) went."""
    if payment.job_id is not None:
        return NotFoundError("job", payment.job_id)
    return NotFoundError("invoice", payment.invoice_id or "?")


_PAYMENT_FIELDS = ", ".join(f"p.{c.strip()}" for c in PAYMENT_FIELDS.split(","))


def _payment_taken(payment: Payment) -> ConflictError:
    return ConflictError("id", f"a payment with id {quoted(payment.id)} already exists")


# -- sessions ------------------------------------------------------------------


class PostgresSessions(Repository):
    """Login sessions, found by the hash of their token (their key); a session's id is
    unique in the store."""

    def add(self, session: LoginSession) -> None:
        cursor = self._run(
            f"INSERT INTO sessions ({SESSION_COLUMNS}) "
            "SELECT %(id)s::text, %(user_id)s::text, %(token_hash)s::text, "
            "%(created_at)s::timestamptz, %(expires_at)s::timestamptz, "
            "%(last_used_at)s::timestamptz, %(revoked_at)s::timestamptz "
            "WHERE EXISTS (SELECT FROM users WHERE id = %(user_id)s) "
            "ON CONFLICT DO NOTHING",
            session_params(session),
            missing=NotFoundError("user", session.user_id),
        )
        if cursor.rowcount == 0:
            if not self._exists("SELECT FROM users WHERE id = %s", (session.user_id,)):
                raise NotFoundError("user", session.user_id)
            raise ConflictError("id", "this session already exists")

    def get_by_token_hash(self, token_hash: str) -> LoginSession | None:
        row = self._one(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = %s{self._lock}",
            (token_hash,),
        )
        return None if row is None else session_from_row(row)

    def update(self, session: LoginSession) -> None:
        """Change the times of the session with this token hash, account and id (a
        session keeps the token hash it was added with)."""
        cursor = self._run(
            "UPDATE sessions SET created_at = %(created_at)s, expires_at = %(expires_at)s, "
            "last_used_at = %(last_used_at)s, revoked_at = %(revoked_at)s "
            "WHERE token_hash = %(token_hash)s AND user_id = %(user_id)s AND id = %(id)s",
            session_params(session),
        )
        if cursor.rowcount == 0:
            raise NotFoundError("session", session.id)

    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        cursor = self._run(
            "UPDATE sessions SET revoked_at = %(at)s WHERE user_id = %(user_id)s "
            "AND revoked_at IS NULL AND (%(keep)s::text IS NULL OR id <> %(keep)s::text)",
            {"at": at, "user_id": user_id, "keep": keep},
        )
        return cursor.rowcount

    def purge_expired(self, now: datetime) -> int:
        cursor = self._run("DELETE FROM sessions WHERE expires_at <= %s", (now,))
        return cursor.rowcount


__all__ = [
    "BATCH",
    "PostgresCustomers",
    "PostgresJobs",
    "PostgresPayments",
    "PostgresSessions",
    "PostgresUsers",
    "Repository",
    "job_filter",
    "payment_filter",
]
