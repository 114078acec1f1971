"""Forward migrations of the schema, recorded in ``PRAGMA user_version``.

:data:`MIGRATIONS` lists every version in order; version ``n`` turns a database
at version ``n - 1`` into one at version ``n``. A later version appends one
:class:`Migration` (SQL statements, Python functions, or both), and never edits
an earlier one.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with
the update of ``user_version``, so it is applied completely or not at all, and
two processes opening one file at once apply it exactly once. A migration that
rebuilds tables runs with foreign key enforcement off, as SQLite's documented
procedure for table changes requires, and is committed only if
``PRAGMA foreign_key_check`` then finds nothing. Re-opening a
database that is up to date changes nothing. A database whose version is newer
than this code knows raises :class:`~jobtrack_core.errors.SchemaVersionError`
before anything is written. A migration that could not take the write lock within the
busy timeout raises :class:`~jobtrack_core.errors.RetryableError`, and opening the
store again later applies it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

import attrs

from jobtrack_core.clock import uuid7_ids
from jobtrack_core.entities import (
    Action,
    FieldChange,
    HistoryEntry,
    Payment,
    RecordKind,
    Source,
    User,
)
from jobtrack_core.errors import RetryableError, SchemaVersionError, StoreError
from jobtrack_core.history import listed, plain
from jobtrack_core.ledger import opening_payment
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_sqlite import changelog, history, schema, totals
from jobtrack_sqlite.errors import translate
from jobtrack_sqlite.rows import (
    JOB_COLUMNS,
    USER_COLUMNS,
    job_from_row,
    payment_values,
    user_from_row,
)

#: The calendar of an account without its own, for the ledger's opening payments.
_UTC = BusinessCalendar("UTC")

#: One step of a migration: an SQL statement, or a function given the connection.
Step = str | Callable[[sqlite3.Connection], None]


@attrs.frozen
class Migration:
    """What turns a database at ``version - 1`` into one at ``version``."""

    version: int
    description: str
    steps: tuple[Step, ...]
    #: Whether the steps rebuild tables (then foreign keys are off while they run).
    rebuilds_tables: bool = False

    def apply(self, connection: sqlite3.Connection) -> None:
        for step in self.steps:
            if isinstance(step, str):
                connection.execute(step)
            else:
                step(connection)


def _us(column: str) -> str:
    """Version 2's timestamp text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) as microseconds."""
    return (
        f"CAST(strftime('%s', substr(o.{column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr(o.{column}, 21, 6) AS INTEGER)"
    )


def _copy(table: str, columns: str, select: str, *, owned: bool = True) -> str:
    """Copy the rows of ``old_{table}`` (the version 2 table) into the new ``table``.

    The owner's number comes from the new ``users`` table; a row without one
    fails the NOT NULL constraint, so no row is dropped silently.
    """
    owner = "LEFT JOIN users AS u ON u.id = o.user_id" if owned else ""
    source = f"old_{table} AS o {owner}"
    return f"INSERT INTO {table} ({columns}) SELECT {select} FROM {source} ORDER BY o.rowid"


_COPY_V2_ROWS = (
    _copy(
        "users",
        "id, email, name, business_name, password_hash, owner, created_at_us, updated_at_us",
        "o.id, o.email, o.name, o.business_name, o.password_hash,"
        f" row_number() OVER (ORDER BY o.rowid), {_us('created_at')}, {_us('updated_at')}",
        owned=False,
    ),
    _copy(
        "customers",
        "id, user_id, name, email, phone, address, business_name, notes, owner,"
        " created_at_us, updated_at_us",
        "o.id, o.user_id, o.name, o.email, o.phone, o.address, o.business_name, o.notes,"
        f" u.owner, {_us('created_at')}, {_us('updated_at')}",
    ),
    _copy(
        "jobs",
        "id, user_id, customer_id, title, description, status, due_date, paid,"
        " estimated_cost_cents, actual_cost_cents, estimated_hours_hundredths,"
        " actual_hours_hundredths, owner, completed_at_us, created_at_us, updated_at_us,"
        " paid_at_us",
        "o.id, o.user_id, o.customer_id, o.title, o.description, o.status, o.due_date, o.paid,"
        " o.estimated_cost_cents, o.actual_cost_cents, o.estimated_hours_hundredths,"
        f" o.actual_hours_hundredths, u.owner, {_us('completed_at')}, {_us('created_at')},"
        f" {_us('updated_at')}, {_us('paid_at')}",
    ),
    _copy(
        "sessions",
        "id, user_id, token_hash, expires_at_us, created_at_us, last_used_at_us, revoked_at_us",
        f"o.id, o.user_id, o.token_hash, {_us('expires_at')}, {_us('created_at')},"
        f" {_us('last_used_at')}, {_us('revoked_at')}",
        owned=False,
    ),
)


def _set_aside(connection: sqlite3.Connection) -> None:
    """Drop the triggers, indexes and totals of a version 2 or 3 database (their names are
    the same); rename its four tables ``old_*``."""
    for kind in ("trigger", "index"):
        names = connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = ? AND sql IS NOT NULL", (kind,)
        ).fetchall()
        for (name,) in names:
            connection.execute(f'DROP {kind.upper()} "{name}"')
    for table in ("owner_totals", "paid_days", "customer_totals", "open_due_days"):
        connection.execute(f"DROP TABLE {table}")
    for table in ("users", "customers", "jobs", "sessions"):
        connection.execute(f"ALTER TABLE {table} RENAME TO old_{table}")


#: Version 3, step by step: version 2's tables set aside, the new ones made and filled,
#: then their indexes, triggers and totals (built once over all the rows).
VERSION_3: tuple[Step, ...] = (
    _set_aside,
    *history.TABLES_V3,
    *_COPY_V2_ROWS,
    *(f"DROP TABLE old_{table}" for table in ("sessions", "jobs", "customers", "users")),
    *history.INDEXES_AND_TRIGGERS_V3,
    *history.REBUILD_V3,
)

#: The stored columns of version 3's tables, which version 4 keeps as they are.
_V3_COLUMNS = {
    "users": "id, email, name, business_name, password_hash, owner, created_at_us, updated_at_us",
    "customers": "id, user_id, name, email, phone, address, business_name, notes, owner,"
    " created_at_us, updated_at_us",
    "jobs": "id, user_id, customer_id, title, description, status, due_date, paid,"
    " estimated_cost_cents, actual_cost_cents, estimated_hours_hundredths,"
    " actual_hours_hundredths, owner, completed_at_us, created_at_us, updated_at_us, paid_at_us",
    "sessions": "id, user_id, token_hash, expires_at_us, created_at_us, last_used_at_us,"
    " revoked_at_us",
}

#: Version 4, step by step: version 3's tables set aside, the new ones (keyed by owner and
#: id; users with a calendar, NULL for every existing account) made and filled row for
#: row, then their indexes, triggers and totals (built once over all the rows).
VERSION_4: tuple[Step, ...] = (
    _set_aside,
    *history.TABLES_V4,
    *(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM old_{table} ORDER BY rowid"
        for table, columns in _V3_COLUMNS.items()
    ),
    *(f"DROP TABLE old_{table}" for table in ("sessions", "jobs", "customers", "users")),
    *history.INDEXES_AND_TRIGGERS_V4,
    *history.REBUILD_V4,
)

#: The stored columns of version 4's tables, which version 5 keeps as they are.
_V4_COLUMNS = _V3_COLUMNS | {"users": f"{_V3_COLUMNS['users']}, timezone, week_start"}

#: Version 5, step by step: version 4's tables set aside, the new ones (customers and jobs
#: with a version, 1 for every existing record; each business's history) made and filled
#: row for row, their indexes, triggers and totals, then a "created" entry in the history
#: of every existing customer and job.
VERSION_5: tuple[Step, ...] = (
    _set_aside,
    *history.TABLES_V5,
    *(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM old_{table} ORDER BY rowid"
        for table, columns in _V4_COLUMNS.items()
    ),
    *(f"DROP TABLE old_{table}" for table in ("sessions", "jobs", "customers", "users")),
    *history.INDEXES_AND_TRIGGERS_V5,
    *history.REBUILD_V5,
    changelog.record_existing,
)


def _set_jobs_aside(connection: sqlite3.Connection) -> None:
    """Drop every trigger and the running totals of a version 5 database (the totals are
    made again, with the balances); rename its ``jobs`` table ``old_jobs``."""
    names = connection.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'").fetchall()
    for (name,) in names:
        connection.execute(f'DROP TRIGGER "{name}"')
    for table in ("owner_totals", "paid_days", "customer_totals", "open_due_days"):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE jobs RENAME TO old_jobs")


def _of_table(statements: tuple[str, ...], *tables: str) -> tuple[str, ...]:
    return tuple(s for s in statements if any(f" ON {table} (" in s for table in tables))


#: The ledger's rule in SQL for the rows of version 5: a paid job with a cost holds it.
_OPENS = "paid = 1 AND actual_cost_cents > 0"
_HOLDS = f"CASE WHEN {_OPENS} THEN actual_cost_cents ELSE 0 END"
#: Such a job has changed once more, as ``mark_paid`` would have changed it.
_VERSION = f"CASE WHEN {_OPENS} THEN version + 1 ELSE version END"
#: The columns of version 5's jobs but the last, their version.
_BUT_VERSION = changelog.JOB_COLUMNS_V5.removesuffix(", version")


def _entries(user: User, payment: Payment, seq: int) -> tuple[HistoryEntry, HistoryEntry]:
    """The history entries of a job's opening payment, numbered from ``seq``: the payment
    created, then the job updated to hold it (as ``mark_paid`` records the job); both by
    the owner, when the payment was recorded."""
    job_id = payment.job_id
    assert job_id is not None  # an opening payment is its job's
    made = tuple(FieldChange(k, None, v) for k, v in listed(payment).items())
    held = (FieldChange("amount_paid", plain(ZERO), plain(payment.amount)),)
    return (
        HistoryEntry(
            owner_id=user.id,
            seq=seq,
            at=payment.recorded_at,
            actor_id=user.id,
            source=Source.LIBRARY,
            action=Action.CREATED,
            kind=RecordKind.PAYMENT,
            record_id=payment.id,
            changes=made,
        ),
        HistoryEntry(
            owner_id=user.id,
            seq=seq + 1,
            at=payment.recorded_at,
            actor_id=user.id,
            source=Source.LIBRARY,
            action=Action.UPDATED,
            kind=RecordKind.JOB,
            record_id=job_id,
            changes=held,
        ),
    )


def open_ledger(connection: sqlite3.Connection, ids: Callable[[], str] = uuid7_ids) -> None:
    """Give every paid job with a cost the one payment it stands for
    (:func:`jobtrack_core.ledger.opening_payment`, dated in its account's calendar, UTC
    for an account without one), with a "created" entry in its business's history, made
    by its owner when the payment was recorded and numbered after the business's last
    change, then the job's "updated" entry (``amount_paid`` from 0.00 to its cost), made
    then too and numbered right after it. The jobs already hold their cost
    (``amount_paid_cents``) and have their new version."""
    users = connection.execute(f"SELECT owner, {USER_COLUMNS} FROM users ORDER BY owner")
    for owner, *row in users.fetchall():
        user = user_from_row(row)
        calendar = user.calendar(_UTC)
        jobs = [
            job_from_row(found)
            for found in connection.execute(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE owner = ? AND {_OPENS}", (owner,)
            )
        ]
        jobs.sort(key=lambda j: (j.paid_at or j.completed_at or j.updated_at, j.id))
        payments = [p for j in jobs if (p := opening_payment(j, calendar, ids())) is not None]
        if not payments:
            continue
        columns = history.PAYMENT_COLUMNS_V6
        connection.executemany(
            f"INSERT INTO payments (owner, {columns})"
            f" VALUES (?, {', '.join('?' * (columns.count(',') + 1))})",
            [(owner, p.id, p.user_id, p.job_id, *payment_values(p)) for p in payments],
        )
        count = 2 * len(payments)  # each payment's entry, then its job's
        head: int = connection.execute(
            "INSERT INTO history_heads (owner, head) VALUES (?, ?)"
            " ON CONFLICT (owner) DO UPDATE SET head = head + excluded.head RETURNING head",
            (owner, count),
        ).fetchone()[0]
        first = head - count + 1
        connection.executemany(
            f"INSERT INTO history (owner, {changelog.ENTRY_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                changelog.entry_values(owner, entry)
                for n, payment in enumerate(payments)
                for entry in _entries(user, payment, first + 2 * n)
            ],
        )


#: Version 6, step by step: version 5's jobs set aside, the new table (with what each job
#: holds, a paid job with a cost its cost, and its version one more), the ledger and the
#: totals (with the balances) made, the jobs copied row for row, their indexes and every
#: trigger made again, the totals computed, then one payment for each paid job with a
#: cost, with its entry and its job's; the payments' cash triggers made once those are
#: in, and the cash by day computed from them at once.
VERSION_6: tuple[Step, ...] = (
    _set_jobs_aside,
    *history.TABLES_V6,
    f"INSERT INTO jobs ({changelog.JOB_COLUMNS_V5}, owner, amount_paid_cents)"
    f" SELECT {_BUT_VERSION}, {_VERSION}, owner, {_HOLDS} FROM old_jobs ORDER BY rowid",
    "DROP TABLE old_jobs",
    *history.INDEXES_V6,
    *history.TRIGGERS_V6,
    totals.rebuild,
    open_ledger,
    *history.CASH_TRIGGERS_V6,
    totals.catch_up_cash,
)


def _set_payments_aside(connection: sqlite3.Connection) -> None:
    """Drop the payments' cash triggers (made again once the new table is filled, so the
    cash by day is left as it is) and rename version 6's ``payments`` ``old_payments``
    (its indexes go with it), and its ``history`` ``old_history`` (whose kinds and actions
    of records gain quotes and invoices)."""
    for name in ("payments_cash_insert", "payments_cash_delete", "payments_cash_update"):
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("ALTER TABLE payments RENAME TO old_payments")
    connection.execute("ALTER TABLE history RENAME TO old_history")


#: The stored columns of the history, which version 7 keeps as they are.
_HISTORY_COLUMNS = "owner, seq, at_us, actor_id, source, action, kind, record_id, changes, cause"


#: Version 7, step by step: version 6's payments and history set aside; the billing
#: tables (settings and tax rates, number counters, quotes, invoices and their lines)
#: made, and the new payments (a job or an invoice, or both) and history (quotes and
#: invoices among the records it speaks of), filled row for row; then the indexes of
#: payments, history and the billing tables, the trigger that unlinks a deleted job
#: from quotes, and the payments' cash triggers again.
VERSION_7: tuple[Step, ...] = (
    _set_payments_aside,
    *schema.BILLING_TABLES,
    schema.PAYMENTS,
    f"INSERT INTO payments (owner, {history.PAYMENT_COLUMNS_V6})"
    f" SELECT owner, {history.PAYMENT_COLUMNS_V6} FROM old_payments ORDER BY rowid",
    "DROP TABLE old_payments",
    schema.HISTORY,
    f"INSERT INTO history ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} FROM old_history",
    "DROP TABLE old_history",
    *_of_table(
        schema.INDEXES, "payments", "quotes", "quote_lines", "invoices", "invoice_lines", "history"
    ),
    *schema.BILLING_TRIGGERS,
    *totals.CASH_TRIGGERS,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "users, customers, jobs and sessions", history.VERSION_1),
    Migration(2, "running totals for the dashboard and reports", history.VERSION_2),
    Migration(
        3,
        "integer owner numbers and timestamps; compact indexes",
        VERSION_3,
        rebuilds_tables=True,
    ),
    Migration(
        4,
        "customer and job ids unique per owner; each account's calendar",
        VERSION_4,
        rebuilds_tables=True,
    ),
    Migration(
        5,
        "a version on customers and jobs; each business's history",
        VERSION_5,
        rebuilds_tables=True,
    ),
    Migration(
        6,
        "the payments ledger: what each job holds, balances in the running totals",
        VERSION_6,
        rebuilds_tables=True,
    ),
    Migration(
        7,
        "quotes, invoices and credit notes, billing settings and numbering; payments"
        " made to invoices",
        VERSION_7,
        rebuilds_tables=True,
    ),
)

#: The schema version this code writes.
SCHEMA_VERSION = MIGRATIONS[-1].version

#: What a new, empty database gets at once: the current schema, as the migrations
#: leave it (the tests compare the two).
CURRENT = Migration(
    SCHEMA_VERSION,
    "the current schema",
    (
        *schema.TABLES,
        *totals.TABLES,
        *schema.INDEXES,
        *schema.TRIGGERS,
        *totals.TRIGGERS,
        *totals.CASH_TRIGGERS,
        f"PRAGMA application_id = {schema.APPLICATION_ID}",
    ),
)


def read_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def check_openable(
    connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """The database's schema version, after making sure this code may open it.

    Reads only. Raises SchemaVersionError for a newer jobtrack database and
    StoreError for a database that is not jobtrack's.
    """
    latest = migrations[-1].version if migrations else 0
    # One read transaction: the three reads see the same state, even while another
    # process creates the schema of a new file.
    own = not connection.in_transaction
    if own:
        connection.execute("BEGIN")
    try:
        version = read_version(connection)
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    finally:
        if own:
            connection.execute("COMMIT")
    if application_id not in (0, schema.APPLICATION_ID) or (application_id == 0 and version):
        raise StoreError("the file holds an SQLite database that is not a jobtrack database")
    if version == 0 and tables:
        raise StoreError("the file holds an SQLite database that is not a jobtrack database")
    if version > latest:
        raise SchemaVersionError(version, latest)
    return version


def upgrade(
    connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Apply every migration the database lacks, each in its own transaction.

    A new, empty database is created at the current version at once, when
    ``migrations`` reach it. ``connection`` must be in autocommit mode
    (``isolation_level=None``) and outside a transaction. Returns the versions
    applied (empty when the database was up to date).
    """
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(f"migration versions must be 1, 2, 3, ...; got {migration.version}")
    check_openable(connection, migrations)
    applied = []
    new = read_version(connection) == 0 and len(migrations) >= CURRENT.version
    if new and _apply(connection, CURRENT):
        applied.append(CURRENT.version)
    for migration in migrations:
        if read_version(connection) >= migration.version:
            continue
        if _apply(connection, migration):
            applied.append(migration.version)
    return applied


def _apply(connection: sqlite3.Connection, migration: Migration) -> bool:
    enforced = connection.execute("PRAGMA foreign_keys").fetchone()[0]
    try:
        if migration.rebuilds_tables:
            connection.execute("PRAGMA foreign_keys = OFF")  # outside a transaction: it counts
        connection.execute("BEGIN IMMEDIATE")
        try:
            if read_version(connection) >= migration.version:  # another process was first
                connection.execute("ROLLBACK")
                return False
            migration.apply(connection)
            if migration.rebuilds_tables:
                _check_foreign_keys(connection)
            connection.execute(f"PRAGMA user_version = {migration.version:d}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            if migration.rebuilds_tables:
                connection.execute(f"PRAGMA foreign_keys = {enforced:d}")
    except Exception as exc:
        error = translate(exc)
        failed = RetryableError if isinstance(error, RetryableError) else StoreError
        raise failed(
            f"migrating the database to schema version {migration.version} "
            f"({migration.description}) failed; it was left at version "
            f"{migration.version - 1}: {error}"
        ) from exc
    return True


def _check_foreign_keys(connection: sqlite3.Connection) -> None:
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise StoreError(f"{len(broken)} rows of {', '.join(tables)} lost their parent row")
