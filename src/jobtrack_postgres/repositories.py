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
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import psycopg

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, User
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.money import from_minor
from jobtrack_core.queries import JobFilter, ascii_lower
from jobtrack_postgres.errors import translated
from jobtrack_postgres.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    JOB_VALUES,
    SESSION_COLUMNS,
    USER_COLUMNS,
    Row,
    customer_from_row,
    customer_params,
    job_from_row,
    job_params,
    session_from_row,
    session_params,
    unstorable,
    user_from_row,
    user_params,
)
from jobtrack_postgres.schema import ASCII_LOWER_SQL


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

    def _one(self, query: str, params: Any) -> Row | None:
        return cast("Row | None", self._run(query, params).fetchone())

    def _all(self, query: str, params: Any) -> list[Row]:
        return cast("list[Row]", self._run(query, params).fetchall())

    def _exists(self, query: str, params: Any) -> bool:
        return self._one(f"SELECT EXISTS ({query})", params) == (True,)


# -- users ---------------------------------------------------------------------


class PostgresUsers(Repository):
    """Accounts. The email is unique across the whole database."""

    def add(self, user: User) -> None:
        cursor = self._run(
            f"INSERT INTO users ({USER_COLUMNS}) VALUES (%(id)s, %(email)s, %(name)s, "
            "%(business_name)s, %(password_hash)s, %(created_at)s, %(updated_at)s) "
            "ON CONFLICT DO NOTHING",
            user_params(user),
        )
        if cursor.rowcount == 0:
            if self._exists("SELECT 1 FROM users WHERE id = %s", (user.id,)):
                raise ConflictError("id", f"a user with id {user.id!r} already exists")
            raise ConflictError("email", "this email is already registered")

    def get(self, user_id: str) -> User | None:
        if unstorable(user_id):
            return None
        row = self._one(f"SELECT {USER_COLUMNS} FROM users WHERE id = %s{self._lock}", (user_id,))
        return None if row is None else user_from_row(row)

    def get_by_email(self, email: str) -> User | None:
        if unstorable(email):
            return None
        row = self._one(f"SELECT {USER_COLUMNS} FROM users WHERE email = %s{self._lock}", (email,))
        return None if row is None else user_from_row(row)

    def update(self, user: User) -> None:
        cursor = self._run(
            "UPDATE users SET email = %(email)s, name = %(name)s, "
            "business_name = %(business_name)s, password_hash = %(password_hash)s, "
            "created_at = %(created_at)s, updated_at = %(updated_at)s "
            "WHERE id = %(id)s AND NOT EXISTS "
            "(SELECT 1 FROM users other WHERE other.email = %(email)s AND other.id <> %(id)s)",
            user_params(user),
        )
        if cursor.rowcount == 0:
            if self._exists("SELECT 1 FROM users WHERE id = %s", (user.id,)):
                raise ConflictError("email", "this email is already registered")
            raise NotFoundError("user", user.id)

    def delete(self, user_id: str) -> Deleted:
        if unstorable(user_id):
            return Deleted()
        row = self._one(
            "WITH s AS (DELETE FROM sessions WHERE user_id = %(id)s RETURNING 1), "
            "j AS (DELETE FROM jobs WHERE user_id = %(id)s RETURNING 1), "
            "c AS (DELETE FROM customers WHERE user_id = %(id)s RETURNING 1) "
            "DELETE FROM users WHERE id = %(id)s RETURNING "
            "(SELECT count(*) FROM c), (SELECT count(*) FROM j), (SELECT count(*) FROM s)",
            {"id": user_id},
        )
        if row is None:
            return Deleted()
        return Deleted(users=1, customers=row[0], jobs=row[1], sessions=row[2])


# -- customers -----------------------------------------------------------------


class PostgresCustomers(Repository):
    """An owner's customers; another owner's customers behave as absent."""

    def add(self, customer: Customer) -> None:
        cursor = self._run(
            f"INSERT INTO customers ({CUSTOMER_COLUMNS}) "
            "SELECT %(id)s::text, %(user_id)s::text, %(name)s::text, %(email)s::text, "
            "%(phone)s::text, %(address)s::text, %(business_name)s::text, %(notes)s::text, "
            "%(created_at)s::timestamptz, %(updated_at)s::timestamptz "
            "WHERE EXISTS (SELECT 1 FROM users WHERE id = %(user_id)s) "
            "ON CONFLICT DO NOTHING",
            customer_params(customer),
            missing=NotFoundError("user", customer.user_id),
        )
        if cursor.rowcount == 0:
            if not self._exists("SELECT 1 FROM users WHERE id = %s", (customer.user_id,)):
                raise NotFoundError("user", customer.user_id)
            raise ConflictError("id", f"a customer with id {customer.id!r} already exists")

    def get(self, owner_id: str, customer_id: str) -> Customer | None:
        if unstorable(owner_id, customer_id):
            return None
        row = self._one(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = %s AND id = %s{self._lock}",
            (owner_id, customer_id),
        )
        return None if row is None else customer_from_row(row)

    def list(self, owner_id: str) -> Sequence[Customer]:
        if unstorable(owner_id):
            return []
        rows = self._all(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = %s ORDER BY name, id",
            (owner_id,),
        )
        return [customer_from_row(row) for row in rows]

    def update(self, customer: Customer) -> None:
        cursor = self._run(
            "UPDATE customers SET name = %(name)s, email = %(email)s, phone = %(phone)s, "
            "address = %(address)s, business_name = %(business_name)s, notes = %(notes)s, "
            "created_at = %(created_at)s, updated_at = %(updated_at)s "
            "WHERE user_id = %(user_id)s AND id = %(id)s",
            customer_params(customer),
        )
        if cursor.rowcount == 0:
            raise NotFoundError("customer", customer.id)

    def delete(self, owner_id: str, customer_id: str) -> Deleted:
        if unstorable(owner_id, customer_id):
            return Deleted()
        row = self._one(
            "WITH j AS (DELETE FROM jobs WHERE user_id = %(owner)s AND customer_id = %(id)s "
            "RETURNING 1) "
            "DELETE FROM customers WHERE user_id = %(owner)s AND id = %(id)s "
            "RETURNING (SELECT count(*) FROM j)",
            {"owner": owner_id, "id": customer_id},
        )
        if row is None:
            return Deleted()
        return Deleted(customers=1, jobs=row[0])


# -- jobs ----------------------------------------------------------------------


def job_filter(owner_id: str, where: JobFilter) -> tuple[str, list[Any]] | None:
    """The WHERE clause and parameters for ``where``; None if nothing can match."""
    clauses = ["user_id = %s"]
    params: list[Any] = [owner_id]
    if where.statuses is not None:
        clauses.append("status = ANY(%s::text[])")
        params.append(sorted(s.value for s in where.statuses))
    if where.customer_id is not None:
        if unstorable(where.customer_id):
            return None
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
        if unstorable(where.text):
            return None
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


def _job_row(job: Job) -> tuple[Any, ...]:
    params = job_params(job)
    return tuple(params[column.strip()] for column in JOB_COLUMNS.split(","))


class PostgresJobs(Repository):
    """An owner's jobs; each references a customer of the same owner."""

    def add(self, job: Job) -> None:
        cursor = self._run(
            f"INSERT INTO jobs ({JOB_COLUMNS}) SELECT {JOB_VALUES} "
            "WHERE EXISTS (SELECT 1 FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s) "
            "ON CONFLICT DO NOTHING",
            job_params(job),
            missing=NotFoundError("customer", job.customer_id),
        )
        if cursor.rowcount == 0:
            if not self._customer_exists(job):
                raise NotFoundError("customer", job.customer_id)
            raise ConflictError("id", f"a job with id {job.id!r} already exists")

    def add_many(self, jobs: Iterable[Job]) -> int:
        """Add jobs in batches: each batch is checked in two queries, then sent with COPY.

        After a bulk load the statistics of ``jobs`` are refreshed (``ANALYZE``, inside
        the unit of work), as PostgreSQL's documentation advises: until autovacuum gets
        to it (a minute or more later, if it runs at all), the planner would take an
        owner's thousands of new jobs for a few and choose plans that read them all.
        """
        count = 0
        iterator = iter(jobs)
        while batch := list(itertools.islice(iterator, BATCH)):
            self._check_batch(batch)
            customers = {job.customer_id for job in batch}
            missing = NotFoundError("customer", customers.pop() if len(customers) == 1 else "?")
            with (
                translated(missing=missing),
                self._conn.cursor() as cursor,
                cursor.copy(_COPY_JOBS) as copy,
            ):
                for job in batch:
                    copy.write_row(_job_row(job))
            count += len(batch)
        if count >= ANALYZE_MIN_ROWS:
            (counted,) = self._one(
                "SELECT reltuples FROM pg_class WHERE oid = 'jobs'::regclass", None
            ) or (-1,)
            if count >= ANALYZE_SHARE * counted:  # reltuples is -1 before the first ANALYZE
                self._run("ANALYZE jobs")
        return count

    def _check_batch(self, batch: list[Job]) -> None:
        """Raise what :meth:`add` would raise for the first job of ``batch`` that fails."""
        pairs = {
            (job.user_id, job.customer_id)
            for job in batch
            if not unstorable(job.user_id, job.customer_id)
        }
        owners, ids = [p[0] for p in pairs], [p[1] for p in pairs]
        known = {
            (row[0], row[1])
            for row in self._all(
                "SELECT c.user_id, c.id FROM customers c JOIN unnest(%s::text[], %s::text[]) "
                "AS k(user_id, id) ON c.user_id = k.user_id AND c.id = k.id",
                (owners, ids),
            )
        }
        wanted = [job.id for job in batch if not unstorable(job.id)]
        taken = {row[0] for row in self._all("SELECT id FROM jobs WHERE id = ANY(%s)", (wanted,))}
        for job in batch:
            if (job.user_id, job.customer_id) not in known:
                raise NotFoundError("customer", job.customer_id)
            if job.id in taken:
                raise ConflictError("id", f"a job with id {job.id!r} already exists")
            taken.add(job.id)

    def _customer_exists(self, job: Job) -> bool:
        return self._exists(
            "SELECT 1 FROM customers WHERE user_id = %s AND id = %s",
            (job.user_id, job.customer_id),
        )

    def get(self, owner_id: str, job_id: str) -> Job | None:
        if unstorable(owner_id, job_id):
            return None
        row = self._one(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = %s AND id = %s{self._lock}",
            (owner_id, job_id),
        )
        return None if row is None else job_from_row(row)

    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        condition = None if unstorable(owner_id) else job_filter(owner_id, where)
        if condition is None:
            return []
        clause, params = condition
        rows = self._all(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE {clause} ORDER BY created_at DESC, id DESC",
            params,
        )
        return [job_from_row(row) for row in rows]

    def update(self, job: Job) -> None:
        cursor = self._run(
            "UPDATE jobs SET customer_id = %(customer_id)s, title = %(title)s, "
            "description = %(description)s, status = %(status)s, "
            "estimated_cost_cents = %(estimated_cost_cents)s, "
            "actual_cost_cents = %(actual_cost_cents)s, "
            "estimated_hours = %(estimated_hours)s, actual_hours = %(actual_hours)s, "
            "due_date = %(due_date)s, paid = %(paid)s, paid_at = %(paid_at)s, "
            "completed_at = %(completed_at)s, created_at = %(created_at)s, "
            "updated_at = %(updated_at)s "
            "WHERE user_id = %(user_id)s AND id = %(id)s AND EXISTS (SELECT 1 FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s)",
            job_params(job),
            missing=NotFoundError("customer", job.customer_id),
        )
        if cursor.rowcount == 0:
            if self._exists(
                "SELECT 1 FROM jobs WHERE user_id = %s AND id = %s", (job.user_id, job.id)
            ):
                raise NotFoundError("customer", job.customer_id)
            raise NotFoundError("job", job.id)

    def delete(self, owner_id: str, job_id: str) -> Deleted:
        if unstorable(owner_id, job_id):
            return Deleted()
        cursor = self._run("DELETE FROM jobs WHERE user_id = %s AND id = %s", (owner_id, job_id))
        return Deleted(jobs=cursor.rowcount)

    def revenue(self, owner_id: str) -> Decimal:
        if unstorable(owner_id):
            return from_minor(0)
        row = self._one(
            f"SELECT paid_cents FROM {self._totals('owner_totals')} WHERE user_id = %s",
            (owner_id,),
        )
        return from_minor(int(row[0]) if row else 0)


# -- sessions ------------------------------------------------------------------


class PostgresSessions(Repository):
    """Login sessions, found by the hash of their token."""

    def add(self, session: LoginSession) -> None:
        cursor = self._run(
            f"INSERT INTO sessions ({SESSION_COLUMNS}) "
            "SELECT %(id)s::text, %(user_id)s::text, %(token_hash)s::text, "
            "%(created_at)s::timestamptz, %(expires_at)s::timestamptz, "
            "%(last_used_at)s::timestamptz, %(revoked_at)s::timestamptz "
            "WHERE EXISTS (SELECT 1 FROM users WHERE id = %(user_id)s) "
            "ON CONFLICT DO NOTHING",
            session_params(session),
            missing=NotFoundError("user", session.user_id),
        )
        if cursor.rowcount == 0:
            if not self._exists("SELECT 1 FROM users WHERE id = %s", (session.user_id,)):
                raise NotFoundError("user", session.user_id)
            raise ConflictError("id", "this session already exists")

    def get_by_token_hash(self, token_hash: str) -> LoginSession | None:
        if unstorable(token_hash):
            return None
        row = self._one(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = %s{self._lock}",
            (token_hash,),
        )
        return None if row is None else session_from_row(row)

    def update(self, session: LoginSession) -> None:
        cursor = self._run(
            "UPDATE sessions SET user_id = %(user_id)s, token_hash = %(token_hash)s, "
            "created_at = %(created_at)s, expires_at = %(expires_at)s, "
            "last_used_at = %(last_used_at)s, revoked_at = %(revoked_at)s WHERE id = %(id)s",
            session_params(session),
            missing=NotFoundError("user", session.user_id),
        )
        if cursor.rowcount == 0:
            raise NotFoundError("session", session.id)

    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        if unstorable(user_id):
            return 0
        cursor = self._run(
            "UPDATE sessions SET revoked_at = %(at)s WHERE user_id = %(user_id)s "
            "AND revoked_at IS NULL AND (%(keep)s::text IS NULL OR id <> %(keep)s::text)",
            {"at": at, "user_id": user_id, "keep": None if unstorable(keep) else keep},
        )
        return cursor.rowcount

    def purge_expired(self, now: datetime) -> int:
        cursor = self._run("DELETE FROM sessions WHERE expires_at <= %s", (now,))
        return cursor.rowcount


__all__ = [
    "BATCH",
    "PostgresCustomers",
    "PostgresJobs",
    "PostgresSessions",
    "PostgresUsers",
    "Repository",
    "job_filter",
]
