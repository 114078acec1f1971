"""The original system's schema, v1.0, exactly as its data model document gives it:
TEXT ids, REAL money, ISO text times, and its seven indexes and three triggers.

Both baselines (raw sqlite3 and the ORM) run on a database built from this.
Rows are written the way the original wrote them: times as JavaScript's
``toISOString()`` text (milliseconds, ``Z``), money as floating point.
"""

from __future__ import annotations

import time

from bench.dataset import CustomerRecord, JobRecord, OwnerRecord, SessionRecord, ordinal_to_date

TABLES = (
    """CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)""",
    """CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)""",
    """CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT DEFAULT 'pending',
    estimated_cost REAL,
    actual_cost REAL,
    estimated_hours REAL,
    actual_hours REAL,
    due_date TEXT,
    paid BOOLEAN DEFAULT FALSE,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)""",
    """CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token TEXT UNIQUE NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
)""",
)

INDEXES = (
    "CREATE INDEX idx_customers_user_id ON customers (user_id)",
    "CREATE INDEX idx_jobs_user_id ON jobs (user_id)",
    "CREATE INDEX idx_jobs_customer_id ON jobs (customer_id)",
    "CREATE INDEX idx_jobs_status ON jobs (status)",
    "CREATE INDEX idx_jobs_due_date ON jobs (due_date)",
    "CREATE INDEX idx_sessions_token ON sessions (token)",
    "CREATE INDEX idx_sessions_user_id ON sessions (user_id)",
)

TRIGGERS = tuple(
    f"""CREATE TRIGGER update_{table}_updated_at AFTER UPDATE ON {table}
BEGIN
    UPDATE {table} SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END"""
    for table in ("users", "customers", "jobs")
)

#: The connection settings both baselines use: the same journal and durability as
#: jobtrack's SQLite store (WAL, synchronous=FULL), foreign keys enforced as on D1.
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)

JOB_COLUMNS = (
    "id, user_id, customer_id, title, description, status, estimated_cost, actual_cost, "
    "estimated_hours, actual_hours, due_date, paid, completed_at, created_at, updated_at"
)
INSERT_JOB = f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES ({', '.join('?' * 15)})"
INSERT_USER = "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_CUSTOMER = "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_SESSION = "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)"

#: A fixed SHA-256 hex digest: the original's unsalted password hash format.
PASSWORD_SHA256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"


def iso(ms: int) -> str:
    """Milliseconds since the epoch as JavaScript's ``toISOString()`` text."""
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def _money(hundredths: int | None) -> float | None:
    return None if hundredths is None else hundredths / 100


def user_row(o: OwnerRecord) -> tuple[object, ...]:
    created = iso(o.created_ms)
    return (o.id, o.email, o.name, o.business_name, PASSWORD_SHA256, created, created)


def customer_row(c: CustomerRecord) -> tuple[object, ...]:
    return (
        c.id, c.user_id, c.name, c.email, c.phone, c.address, c.business_name, c.notes,
        iso(c.created_ms), iso(c.updated_ms),
    )  # fmt: skip


def job_row(j: JobRecord) -> tuple[object, ...]:
    """A job as the original stored it (its status text, REAL money, ISO text times)."""
    return (
        j.id, j.user_id, j.customer_id, j.title, j.description, j.status,
        _money(j.estimated_cents), _money(j.actual_cents),
        _money(j.estimated_hundredths), _money(j.actual_hundredths),
        None if j.due_ordinal is None else ordinal_to_date(j.due_ordinal).isoformat(),
        1 if j.paid else 0,
        None if j.completed_ms is None else iso(j.completed_ms),
        iso(j.created_ms), iso(j.updated_ms),
    )  # fmt: skip


def session_row(s: SessionRecord) -> tuple[object, ...]:
    return (s.id, s.user_id, s.token, iso(s.expires_ms), iso(s.created_ms))
