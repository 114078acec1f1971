"""The SQL schema, version 1: the seed's four tables, made strict and exact.

Table and column names follow the original data model wherever the meaning is
kept. What changed, and why:

- money and hours are stored as integers of hundredths (``*_cents``,
  ``*_hours_hundredths``); the seed's ``estimated_cost``, ``actual_cost``,
  ``estimated_hours`` and ``actual_hours`` remain as generated (virtual, never
  stored) columns in currency units and hours, so queries written against the
  seed keep working;
- ``jobs.paid_at`` records when a job was marked paid;
- ``sessions.token`` became ``token_hash`` (only a hash of a token is kept),
  with ``last_used_at`` and ``revoked_at``;
- a job's customer is referenced together with its owner,
  ``(user_id, customer_id) -> customers(user_id, id)``, so no job can point at
  another owner's customer;
- CHECK constraints hold statuses, 0/1 flags, value ranges and the text form
  of dates and timestamps; every table is STRICT;
- indexes all lead with the owner, and fit the queries the store runs.
"""

from __future__ import annotations

from jobtrack_sqlite.columns import MAX_HUNDREDTHS

#: ``PRAGMA application_id`` of a jobtrack database ("JBTR").
APPLICATION_ID = 0x4A425452

#: The current time in the stored timestamp form, in SQL.
NOW_SQL = "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')"

_DIGIT = "[0-9]"
_DATE_GLOB = f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}"
_TIMESTAMP_GLOB = f"{_DATE_GLOB}T{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}.{_DIGIT * 6}Z"


def _timestamp(column: str, *, required: bool = True, default_now: bool = True) -> str:
    null = "NOT NULL" if required else ""
    if required and default_now:
        null += f" DEFAULT {NOW_SQL}"
    return (
        f"{column} TEXT {null} CONSTRAINT valid_{column} CHECK ({column} GLOB '{_TIMESTAMP_GLOB}')"
    )


def _hundredths(column: str, field: str) -> str:
    return (
        f"{column} INTEGER CONSTRAINT valid_{field} CHECK ({column} BETWEEN 0 AND {MAX_HUNDREDTHS})"
    )


def _generated(field: str, column: str) -> str:
    return f"{field} REAL GENERATED ALWAYS AS ({column} / 100.0) VIRTUAL"


def _updated_at_trigger(table: str) -> str:
    """Keep ``updated_at`` current when an UPDATE leaves it unchanged (a hand edit).

    The library always writes ``updated_at`` itself, from its injectable clock.
    The second condition keeps the trigger from firing itself again where
    recursive triggers are on (some SQLite builds turn them on by default).
    """
    return f"""CREATE TRIGGER update_{table}_updated_at
AFTER UPDATE ON {table} FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT {NOW_SQL}
BEGIN
    UPDATE {table} SET updated_at = {NOW_SQL} WHERE id = NEW.id;
END"""


USERS = f"""CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    {_timestamp("created_at")},
    {_timestamp("updated_at")}
) STRICT"""

CUSTOMERS = f"""CREATE TABLE customers (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    {_timestamp("created_at")},
    {_timestamp("updated_at")},
    UNIQUE (user_id, id)
) STRICT"""

JOBS = f"""CREATE TABLE jobs (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    {_generated("estimated_cost", "estimated_cost_cents")},
    {_generated("actual_cost", "actual_cost_cents")},
    {_generated("estimated_hours", "estimated_hours_hundredths")},
    {_generated("actual_hours", "actual_hours_hundredths")},
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '{_DATE_GLOB}'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    {_timestamp("completed_at", required=False)},
    {_timestamp("created_at")},
    {_timestamp("updated_at")},
    {_hundredths("estimated_cost_cents", "estimated_cost")},
    {_hundredths("actual_cost_cents", "actual_cost")},
    {_hundredths("estimated_hours_hundredths", "estimated_hours")},
    {_hundredths("actual_hours_hundredths", "actual_hours")},
    {_timestamp("paid_at", required=False)},
    FOREIGN KEY (user_id, customer_id) REFERENCES customers (user_id, id) ON DELETE CASCADE
) STRICT"""

SESSIONS = f"""CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    {_timestamp("expires_at", default_now=False)},
    {_timestamp("created_at")},
    {_timestamp("last_used_at")},
    {_timestamp("revoked_at", required=False)}
) STRICT"""

#: Every index leads with the owner (or is a session lookup); each serves a query
#: the store runs, or the child side of a foreign key.
INDEXES = (
    # customers.list and the customer reports: the owner's customers by name, then id.
    "CREATE INDEX idx_customers_user_name ON customers (user_id, name, id)",
    # job listings newest first (with or without filters), and their keyset pages.
    "CREATE INDEX idx_jobs_user_created ON jobs (user_id, created_at, id)",
    # a customer's jobs (history, newest first), and ON DELETE CASCADE from customers.
    "CREATE INDEX idx_jobs_user_customer ON jobs (user_id, customer_id, created_at, id)",
    # jobs by status: counts per status, status filters, unpaid completed jobs.
    "CREATE INDEX idx_jobs_user_status ON jobs (user_id, status, created_at, id)",
    # due-date ranges in due order (due today, upcoming, overdue).
    "CREATE INDEX idx_jobs_user_due ON jobs (user_id, due_date, id)",
    # recently changed jobs, most recent first.
    "CREATE INDEX idx_jobs_user_updated ON jobs (user_id, updated_at, id)",
    # revenue, and revenue by payment time, read from the index alone.
    "CREATE INDEX idx_jobs_user_paid ON jobs (user_id, paid, paid_at, actual_cost_cents)",
    # logins of a user (revoke_all, ON DELETE CASCADE from users).
    "CREATE INDEX idx_sessions_user_id ON sessions (user_id)",
    # purge_expired.
    "CREATE INDEX idx_sessions_expires_at ON sessions (expires_at)",
)

TRIGGERS = tuple(_updated_at_trigger(table) for table in ("users", "customers", "jobs"))

#: Version 1, statement by statement.
VERSION_1 = (
    USERS,
    CUSTOMERS,
    JOBS,
    SESSIONS,
    *INDEXES,
    *TRIGGERS,
    f"PRAGMA application_id = {APPLICATION_ID}",
)
