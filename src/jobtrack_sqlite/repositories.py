"""The repositories of :mod:`jobtrack_core.ports`, in SQL.

Customers and jobs are keyed by their owner's number and their id: every
statement addresses one by both (:data:`BY_KEY`, the owner's number read from
the user's id), and many by the owner's number (``owner``, which leads every
index); another owner's rows are never read or written. Constraint failures are
reported with the same errors, in the same order of precedence, as the memory
store reports them.
"""

from __future__ import annotations

import functools
import itertools
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, Payment, User
from jobtrack_core.errors import ConflictError, JobtrackError, NotFoundError
from jobtrack_core.kit import add_each
from jobtrack_core.queries import JobFilter, PaymentFilter
from jobtrack_sqlite import columns as col
from jobtrack_sqlite import totals
from jobtrack_sqlite.changelog import SqliteHistory
from jobtrack_sqlite.documents import SqliteBilling, SqliteInvoices, SqliteQuotes
from jobtrack_sqlite.errors import (
    is_foreign_key_violation,
    is_unique_violation,
    translate,
    translated,
)
from jobtrack_sqlite.reports import SqliteReports
from jobtrack_sqlite.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    JOB_SELECT,
    NEWEST_FIRST,
    PAYMENT_COLUMNS,
    SESSION_COLUMNS,
    USER_COLUMNS,
    customer_from_row,
    customer_values,
    job_conditions,
    job_from_row,
    job_values,
    payment_conditions,
    payment_from_row,
    payment_values,
    session_from_row,
    session_values,
    user_from_row,
    user_values,
    walked,
)
from jobtrack_sqlite.schema import OWNER

#: One customer or job: its owner's number (given the user's id), and its id.
BY_KEY = f"owner = {OWNER} AND id = ?"


class _Repository:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _exists(self, sql: str, *params: object) -> bool:
        return self._db.execute(sql, params).fetchone() is not None

    def _owner(self, user_id: str) -> int | None:
        """The owner number of the user ``user_id`` (None if there is no such user)."""
        found = self._db.execute("SELECT owner FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if found is None else int(found[0])

    def _update(
        self,
        table: str,
        assignments: str,
        values: Sequence[object],
        key: tuple[str, Sequence[object]],
        updated_at: object,
    ) -> int:
        """``UPDATE table SET assignments`` of the row ``key`` (its condition and parameters),
        which sets ``updated_at``; return how many rows it changed.

        The table's trigger stamps the wall-clock time on an UPDATE that leaves
        ``updated_at`` unchanged (meant for hand edits); when the value given
        equals the stored one, put it back so the caller's clock is kept.
        """
        where, key_values = key
        before = self._db.total_changes
        changed: int = self._db.execute(
            f"UPDATE {table} SET {assignments} WHERE {where}", [*values, *key_values]
        ).rowcount
        if changed and self._db.total_changes - before > changed:
            self._db.execute(
                f"UPDATE {table} SET updated_at_us = ? WHERE {where} AND updated_at_us IS NOT ?",
                [updated_at, *key_values, updated_at],
            )
        return changed


def _assignments(columns: str, key: int) -> str:
    """``column = ?`` for each of ``columns`` after the first ``key`` (the record's key)."""
    return ", ".join(f"{column.strip()} = ?" for column in columns.split(",")[key:])


_USER_UPDATE = _assignments(USER_COLUMNS, 1)


class SqliteUsers(_Repository):
    @translated
    def add(self, user: User) -> None:
        try:
            self._db.execute(
                f"INSERT INTO users (owner, {USER_COLUMNS})"
                " VALUES ((SELECT coalesce(max(owner), 0) + 1 FROM users),"
                " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user.id, *user_values(user)],
            )
        except sqlite3.IntegrityError as exc:
            if not is_unique_violation(exc):
                raise translate(exc) from exc
            if self._exists("SELECT 1 FROM users WHERE id = ?", user.id):
                raise ConflictError("id", f"a user with id {user.id!r} already exists") from exc
            raise ConflictError("email", "this email is already registered") from exc

    @translated
    def get(self, user_id: str) -> User | None:
        row = self._db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
        found = row.fetchone()
        return None if found is None else user_from_row(found)

    @translated
    def get_by_email(self, email: str) -> User | None:
        row = self._db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE email = ?", (email,))
        found = row.fetchone()
        return None if found is None else user_from_row(found)

    @translated
    def update(self, user: User) -> None:
        updated_at = col.timestamp(user.updated_at, "updated_at")
        key = ("id = ?", [user.id])
        try:
            changed = self._update("users", _USER_UPDATE, user_values(user), key, updated_at)
        except sqlite3.IntegrityError as exc:
            if is_unique_violation(exc):
                raise ConflictError("email", "this email is already registered") from exc
            raise translate(exc) from exc
        if not changed:
            raise NotFoundError("user", user.id)

    @translated
    def delete(self, user_id: str) -> Deleted:
        counts = self._db.execute(
            f"SELECT (SELECT count(*) FROM customers WHERE owner = {OWNER}),"
            f" (SELECT count(*) FROM jobs WHERE owner = {OWNER}),"
            " (SELECT count(*) FROM sessions WHERE user_id = ?),"
            f" (SELECT count(*) FROM payments WHERE owner = {OWNER}),"
            f" (SELECT count(*) FROM quotes WHERE owner = {OWNER}),"
            f" (SELECT count(*) FROM invoices WHERE owner = {OWNER})",
            (user_id,) * 6,
        ).fetchone()
        if not self._db.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount:
            return Deleted()
        customers, jobs, sessions, payments, quotes, invoices = counts
        return Deleted(
            users=1,
            customers=customers,
            jobs=jobs,
            sessions=sessions,
            payments=payments,
            quotes=quotes,
            invoices=invoices,
        )


_CUSTOMER_FIELDS = CUSTOMER_COLUMNS.count(",") + 1
#: One customer, with its owner's number read from ``users`` (no row when there is no
#: such user).
_CUSTOMER_INSERT = (
    f"INSERT INTO customers (owner, {CUSTOMER_COLUMNS})"
    f" SELECT owner, {', '.join('?' * _CUSTOMER_FIELDS)} FROM users WHERE id = ?"
)
_CUSTOMER_UPDATE = _assignments(CUSTOMER_COLUMNS, 2)
#: Where ``updated_at`` is among ``customer_values``.
_CUSTOMER_UPDATED_AT = [c.strip() for c in CUSTOMER_COLUMNS.split(",")][2:].index("updated_at_us")


class SqliteCustomers(_Repository):
    @translated
    def add(self, customer: Customer) -> None:
        c = customer
        try:
            inserted = self._db.execute(
                _CUSTOMER_INSERT, [c.id, c.user_id, *customer_values(c), c.user_id]
            )
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise NotFoundError("user", c.user_id) from exc
            if is_unique_violation(exc):
                raise ConflictError("id", f"a customer with id {c.id!r} already exists") from exc
            raise translate(exc) from exc
        if inserted.rowcount == 0:
            raise NotFoundError("user", c.user_id)

    @translated
    def get(self, owner_id: str, customer_id: str) -> Customer | None:
        found = self._db.execute(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE {BY_KEY}", (owner_id, customer_id)
        ).fetchone()
        return None if found is None else customer_from_row(found)

    @translated
    def list(self, owner_id: str) -> Sequence[Customer]:
        rows = self._db.execute(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE owner = {OWNER} ORDER BY name, id",
            (owner_id,),
        )
        return [customer_from_row(row) for row in rows]

    @translated
    def update(self, customer: Customer) -> None:
        c = customer
        values = customer_values(c)
        key = (BY_KEY, [c.user_id, c.id])
        updated_at = values[_CUSTOMER_UPDATED_AT]
        if not self._update("customers", _CUSTOMER_UPDATE, values, key, updated_at):
            raise NotFoundError("customer", c.id)

    @translated
    def delete(self, owner_id: str, customer_id: str) -> Deleted:
        """The customer, its jobs (and their payments), its quotes and its draft invoices.
        A customer billed by an issued invoice (void ones and credit notes included), or
        whose job an invoice of another customer bills, is kept (:class:`ConflictError`
        on ``invoices``), and nothing is deleted."""
        key = (owner_id, customer_id)
        if not self._exists(f"SELECT 1 FROM customers WHERE {BY_KEY}", *key):
            return Deleted()
        if self._exists(
            f"SELECT 1 FROM invoices WHERE owner = {OWNER} AND customer_id = ?"
            " AND status <> 'draft'",
            *key,
        ):
            raise ConflictError(
                "invoices", f"customer {customer_id!r} has issued invoices, which are kept"
            )
        if self._exists(
            "SELECT 1 FROM jobs AS j"
            " JOIN invoice_lines AS l ON l.owner = j.owner AND l.job_id = j.id"
            " JOIN invoices AS i ON i.owner = l.owner AND i.id = l.invoice_id"
            f" WHERE j.owner = {OWNER} AND j.customer_id = ? AND i.customer_id <> ?",
            owner_id,
            customer_id,
            customer_id,
        ):
            raise ConflictError(
                "invoices", f"a job of customer {customer_id!r} is billed by an invoice"
            )
        jobs, payments, quotes, drafts = self._db.execute(
            f"SELECT count(*), coalesce(sum((SELECT count(*) FROM payments AS p"
            " WHERE p.owner = j.owner AND p.job_id = j.id)), 0),"
            f" (SELECT count(*) FROM quotes WHERE owner = {OWNER} AND customer_id = ?),"
            f" (SELECT count(*) FROM invoices WHERE owner = {OWNER} AND customer_id = ?)"
            f" FROM jobs AS j WHERE j.owner = {OWNER} AND j.customer_id = ?",
            key * 3,
        ).fetchone()
        try:
            self._db.execute(f"DELETE FROM invoices WHERE owner = {OWNER} AND customer_id = ?", key)
            self._db.execute(f"DELETE FROM customers WHERE {BY_KEY}", key)
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise ConflictError(
                    "invoices", f"a job of customer {customer_id!r} is billed by an invoice"
                ) from exc
            raise translate(exc) from exc
        return Deleted(customers=1, jobs=jobs, payments=payments, quotes=quotes, invoices=drafts)


_JOB_FIELDS = [column.strip() for column in JOB_COLUMNS.split(",")]
#: How many rows one ``INSERT`` of :meth:`SqliteJobs.add_many` writes at most: one
#: statement step per chunk rather than per row (fewer if the SQLite library allows
#: fewer values in one statement).
CHUNK = 256


@functools.cache
def _job_insert(rows: int) -> str:
    """``INSERT`` of ``rows`` jobs, each row the owner's number, then ``JOB_COLUMNS``."""
    row = f"({', '.join('?' * (1 + len(_JOB_FIELDS)))})"
    return f"INSERT INTO jobs (owner, {JOB_COLUMNS}) VALUES {', '.join([row] * rows)}"


#: One job, with its owner's number read from ``users`` (no row when there is no such user).
_JOB_INSERT_ONE = (
    f"INSERT INTO jobs (owner, {JOB_COLUMNS}) SELECT owner, {', '.join('?' * len(_JOB_FIELDS))}"
    " FROM users WHERE id = ?"
)
#: Every column of a job but its key, as ``job_values`` gives them.
_JOB_UPDATE = _assignments(JOB_COLUMNS, 2)
#: Where ``updated_at`` is among ``job_values``.
_JOB_UPDATED_AT = _JOB_FIELDS[2:].index("updated_at_us")
#: How many jobs :meth:`SqliteJobs.add_many` converts, orders and inserts at a time.
BATCH = 10_000
#: The order a batch is inserted in: owner (the first value), then ``created_at_us``.
_INDEX_ORDER = operator.itemgetter(0, 1 + _JOB_FIELDS.index("created_at_us"))


class SqliteJobs(_Repository):
    @translated
    def add(self, job: Job) -> None:
        """One statement: the owner's number is read as the row is written, and the
        connection's trigger counts the new job in the totals."""
        try:
            inserted = self._db.execute(
                _JOB_INSERT_ONE, [job.id, job.user_id, *job_values(job), job.user_id]
            )
        except sqlite3.IntegrityError as exc:
            raise self._refused(job, exc) from exc
        if inserted.rowcount == 0:  # no such user, so certainly no such customer
            raise NotFoundError("customer", job.customer_id)

    @translated
    def add_many(self, jobs: Iterable[Job]) -> int:
        """Add jobs in batches of :data:`BATCH`, checked like :meth:`add`.

        Each batch is converted in the order given, then inserted in the order of
        the owner-leading indexes (owner, then creation time), :data:`CHUNK` rows
        a statement: a B-tree takes a sorted run of keys far faster than scattered
        ones, and one statement of many rows costs less than as many of one row.
        When the database refuses a row, the error raised is the one :meth:`add`
        would raise for the first refused job in the order given.
        """
        owners: dict[str, int] = {}  # by user id, looked up once each
        variables = self._db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        chunk_rows = max(1, min(CHUNK, variables // (1 + len(_JOB_FIELDS))))
        since = totals.last_rowid(self._db)
        count = 0
        totals.count_inserts(self._db, on=False)  # the batch is counted at once, below
        try:
            iterator = iter(jobs)
            while batch := list(itertools.islice(iterator, BATCH)):
                before = since + count  # rowids are given in order: max(rowid) + 1
                rows = self._rows(batch, owners, before)
                rows.sort(key=_INDEX_ORDER)
                try:
                    for start in range(0, len(rows), chunk_rows):
                        chunk = rows[start : start + chunk_rows]
                        self._db.execute(_job_insert(len(chunk)), [*itertools.chain(*chunk)])
                except sqlite3.IntegrityError as exc:
                    raise (self._first_refused(batch, before) or translate(exc)) from exc
                count += len(rows)
        finally:
            totals.catch_up(self._db, since)  # the totals of the rows that went in
            totals.count_inserts(self._db)
        return count

    def _rows(self, batch: list[Job], owners: dict[str, int], before: int) -> list[list[object]]:
        """The column values of each job; a job that cannot be stored raises, unless an
        earlier one of the batch is refused first."""
        rows: list[list[object]] = []
        for job in batch:
            try:
                owner = owners.get(job.user_id)
                if owner is None:
                    owner = self._owner(job.user_id)
                    if owner is None:  # no such user, so certainly no such customer
                        raise NotFoundError("customer", job.customer_id)
                    owners[job.user_id] = owner
                rows.append([owner, job.id, job.user_id, *job_values(job)])
            except JobtrackError:
                refused = self._first_refused(batch[: len(rows)], before)
                if refused is not None:
                    raise refused from None
                raise
        return rows

    def _first_refused(self, jobs: list[Job], before: int) -> Exception | None:
        """What :meth:`add` would raise for the first of ``jobs`` (in order) that it
        refuses, given the jobs stored before them (rowid up to ``before``)."""
        known: dict[tuple[str, str], bool] = {}
        seen: set[tuple[str, str]] = set()
        for job in jobs:
            pair = (job.user_id, job.customer_id)
            if pair not in known:
                known[pair] = self._has_customer(job)
            if not known[pair]:
                return NotFoundError("customer", job.customer_id)
            key = (job.user_id, job.id)
            taken = f"SELECT 1 FROM jobs WHERE {BY_KEY} AND rowid <= ?"
            if key in seen or self._exists(taken, *key, before):
                return ConflictError("id", f"a job with id {job.id!r} already exists")
            seen.add(key)
        return None

    def _refused(self, job: Job, exc: sqlite3.IntegrityError) -> Exception:
        """Why the database refused to add ``job``, with the memory store's precedence."""
        if is_foreign_key_violation(exc) or (
            is_unique_violation(exc) and not self._has_customer(job)
        ):
            return NotFoundError("customer", job.customer_id)
        if is_unique_violation(exc):
            return ConflictError("id", f"a job with id {job.id!r} already exists")
        return translate(exc)

    def _has_customer(self, job: Job) -> bool:
        return self._exists(f"SELECT 1 FROM customers WHERE {BY_KEY}", job.user_id, job.customer_id)

    @translated
    def get(self, owner_id: str, job_id: str) -> Job | None:
        found = self._db.execute(f"{JOB_SELECT} WHERE {BY_KEY}", (owner_id, job_id)).fetchone()
        return None if found is None else job_from_row(found)

    @translated
    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        conditions = job_conditions(owner_id, where, walk=True)
        if conditions is None:
            return []
        sql, params = conditions
        rows = self._db.execute(
            f"SELECT {JOB_COLUMNS} FROM {walked(where)} WHERE {sql}{NEWEST_FIRST}", params
        )
        return [job_from_row(row) for row in rows]

    @translated
    def update(self, job: Job) -> None:
        values = job_values(job)
        key = (BY_KEY, [job.user_id, job.id])
        try:
            changed = self._update("jobs", _JOB_UPDATE, values, key, values[_JOB_UPDATED_AT])
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise NotFoundError("customer", job.customer_id) from exc
            raise translate(exc) from exc
        if not changed:
            raise NotFoundError("job", job.id)

    @translated
    def delete(self, owner_id: str, job_id: str) -> Deleted:
        """The job and its payments; an accepted quote that made it forgets it (the
        schema's trigger). A job an invoice bills (a draft too) is kept
        (:class:`ConflictError` on ``invoices``)."""
        if self._exists(
            f"SELECT 1 FROM invoice_lines WHERE owner = {OWNER} AND job_id = ?", owner_id, job_id
        ):
            raise ConflictError("invoices", f"job {job_id!r} is billed by an invoice")
        payments = self._db.execute(
            f"SELECT count(*) FROM payments WHERE owner = {OWNER} AND job_id = ?",
            (owner_id, job_id),
        ).fetchone()[0]
        deleted = self._db.execute(f"DELETE FROM jobs WHERE {BY_KEY}", (owner_id, job_id)).rowcount
        return Deleted(jobs=1, payments=payments) if deleted else Deleted()


_PAYMENT_FIELDS = PAYMENT_COLUMNS.count(",") + 1
#: One payment, with its owner's number read from ``users`` (no row when there is no such
#: user, so certainly no such job or invoice).
_PAYMENT_INSERT = (
    f"INSERT INTO payments (owner, {PAYMENT_COLUMNS})"
    f" SELECT owner, {', '.join('?' * _PAYMENT_FIELDS)} FROM users WHERE id = ?"
)
#: Every column of a payment but its key, its job and its invoice.
_PAYMENT_UPDATE = _assignments(PAYMENT_COLUMNS.removesuffix(", invoice_id"), 3)
_PAYMENT_KEY = f"owner = {OWNER} AND id = ?"


class SqlitePayments(_Repository):
    """The ledger. A payment is refused unless its job (if it names one) is its owner's
    (:class:`NotFoundError` ``("job", id)``, checked first), its invoice (if it names
    one) too (``("invoice", id)``), and its id is free."""

    @translated
    def add(self, payment: Payment) -> None:
        p = payment
        values = [p.id, p.user_id, p.job_id, *payment_values(p), p.invoice_id, p.user_id]
        try:
            inserted = self._db.execute(_PAYMENT_INSERT, values)
        except sqlite3.IntegrityError as exc:
            missing = self._missing(p)
            if missing is not None:
                raise missing from exc
            if is_unique_violation(exc):
                raise ConflictError("id", f"a payment with id {p.id!r} already exists") from exc
            raise translate(exc) from exc
        if inserted.rowcount == 0:  # no such user: certainly no such job or invoice
            raise self._missing(p) or NotFoundError("user", p.user_id)

    def _missing(self, p: Payment) -> NotFoundError | None:
        """The first of the payment's job and invoice that is not its owner's."""
        if p.job_id is not None and not self._exists(
            f"SELECT 1 FROM jobs WHERE {BY_KEY}", p.user_id, p.job_id
        ):
            return NotFoundError("job", p.job_id)
        if p.invoice_id is not None and not self._exists(
            f"SELECT 1 FROM invoices WHERE {BY_KEY}", p.user_id, p.invoice_id
        ):
            return NotFoundError("invoice", p.invoice_id)
        return None

    @translated
    def add_many(self, payments: Iterable[Payment]) -> int:
        return add_each(self.add, payments)

    @translated
    def get(self, owner_id: str, payment_id: str) -> Payment | None:
        found = self._db.execute(
            f"SELECT {PAYMENT_COLUMNS} FROM payments WHERE {_PAYMENT_KEY}", (owner_id, payment_id)
        ).fetchone()
        return None if found is None else payment_from_row(found)

    @translated
    def list(self, owner_id: str, where: PaymentFilter) -> Sequence[Payment]:
        sql, params = payment_conditions(owner_id, where)
        columns = ", ".join(f"p.{c.strip()}" for c in PAYMENT_COLUMNS.split(","))
        rows = self._db.execute(
            f"SELECT {columns} FROM payments AS p WHERE {sql}"
            " ORDER BY p.received_on, p.recorded_at_us, p.id",
            params,
        )
        return [payment_from_row(row) for row in rows]

    @translated
    def update(self, payment: Payment) -> None:
        """Everything but the key, the job and the invoice: a payment stays with its job
        and invoice (:class:`ConflictError` on ``job_id``)."""
        p = payment
        values = payment_values(p)
        changed = self._db.execute(
            f"UPDATE payments SET {_PAYMENT_UPDATE}"
            f" WHERE {_PAYMENT_KEY} AND job_id IS ? AND invoice_id IS ?",
            [*values, p.user_id, p.id, p.job_id, p.invoice_id],
        ).rowcount
        if changed:
            return
        if self._exists(f"SELECT 1 FROM payments WHERE {_PAYMENT_KEY}", p.user_id, p.id):
            raise ConflictError("job_id", "a payment stays with its job and invoice")
        raise NotFoundError("payment", p.id)


class SqliteSessions(_Repository):
    @translated
    def add(self, session: LoginSession) -> None:
        params = [session.id, *session_values(session)]
        try:
            self._db.execute(
                f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", params
            )
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc) or (
                is_unique_violation(exc)
                and not self._exists("SELECT 1 FROM users WHERE id = ?", session.user_id)
            ):
                raise NotFoundError("user", session.user_id) from exc
            if is_unique_violation(exc):
                raise ConflictError("id", "this session already exists") from exc
            raise translate(exc) from exc

    @translated
    def get_by_token_hash(self, token_hash: str) -> LoginSession | None:
        found = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return None if found is None else session_from_row(found)

    @translated
    def update(self, session: LoginSession) -> None:
        params = [*session_values(session), session.id]
        try:
            changed = self._db.execute(
                "UPDATE sessions SET user_id = ?, token_hash = ?, created_at_us = ?,"
                " expires_at_us = ?, last_used_at_us = ?, revoked_at_us = ? WHERE id = ?",
                params,
            ).rowcount
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise NotFoundError("user", session.user_id) from exc
            if is_unique_violation(exc):
                raise ConflictError("id", "this session already exists") from exc
            raise translate(exc) from exc
        if not changed:
            raise NotFoundError("session", session.id)

    @translated
    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        revoked: int = self._db.execute(
            "UPDATE sessions SET revoked_at_us = ?"
            " WHERE user_id = ? AND revoked_at_us IS NULL AND id IS NOT ?",
            (col.timestamp(at, "at"), user_id, keep),
        ).rowcount
        return revoked

    @translated
    def purge_expired(self, now: datetime) -> int:
        purged: int = self._db.execute(
            "DELETE FROM sessions WHERE expires_at_us <= ?", (col.timestamp(now, "now"),)
        ).rowcount
        return purged


class SqliteUnitOfWork:
    """The repositories over one connection, inside its current transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.users = SqliteUsers(connection)
        self.customers = SqliteCustomers(connection)
        self.jobs = SqliteJobs(connection)
        self.payments = SqlitePayments(connection)
        self.billing = SqliteBilling(connection)
        self.quotes = SqliteQuotes(connection)
        self.invoices = SqliteInvoices(connection)
        self.sessions = SqliteSessions(connection)
        self.history = SqliteHistory(connection)
        self.reports = SqliteReports(connection)
