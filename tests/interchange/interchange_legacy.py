"""A MyJobTrack database for the tests: the v1.0 schema, and rows holding every kind
of inconsistency the original let in: emails differing only in case, an invalid
email, an unusable password hash, floating point money, completed jobs without a
completion time, a cost of 0 stored as NULL, a job pointing at another user's
customer, a paid cancelled job, unknown statuses, timestamps in D1's and
JavaScript's formats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jobtrack_core.passwords import sha256_hex

DATA = Path(__file__).parent / "data"
SCHEMA = DATA / "myjobtrack-schema-v1.sql"

SAM_PASSWORD = "sam's old password"
SAM2_PASSWORD = "another one"
LEE_PASSWORD = "lee-2025"

USERS = [
    # id, email, name, business_name, password_hash, created_at, updated_at
    (
        "u-sam",
        "Sam@Example.com",
        "Sam Carter",
        "Carter Plumbing",
        sha256_hex(SAM_PASSWORD),
        "2025-01-10 09:00:00",
        "2025-01-10 09:00:00",
    ),
    (
        "u-sam2",
        "sam@example.com",
        "Sam C.",
        None,
        sha256_hex(SAM2_PASSWORD),
        "2025-02-01 08:30:00",
        "2025-02-01 08:30:00",
    ),
    (
        "u-lee",
        "lee@example.org",
        "Lee Wong",
        None,
        sha256_hex(LEE_PASSWORD).upper(),
        "2025-03-01T10:00:00.000Z",
        "2025-03-02T11:00:00.000Z",
    ),
    (
        "u-bad",
        "not-an-email",
        "Broken",
        None,
        sha256_hex("x"),
        "2025-03-05 10:00:00",
        "2025-03-05 10:00:00",
    ),
    (
        "u-lock",
        "lock@example.net",
        "Locked Out",
        None,
        "plain text password",
        "2025-03-06 10:00:00",
        "garbage",
    ),
]

CUSTOMERS = [
    # id, user_id, name, email, phone, address, business_name, notes, created_at, updated_at
    (
        "c1",
        "u-sam",
        "Alice Smith",
        "alice@example.com",
        "555-0101",
        "1 Main St\nSpringfield",
        None,
        "Gate code 1234; dog is friendly",
        "2025-01-11 10:00:00",
        "2025-01-11 10:00:00",
    ),
    (
        "c2",
        "u-sam2",
        "Bob Jones",
        None,
        "555-0102",
        None,
        None,
        None,
        "2025-02-02 10:00:00",
        "2025-02-02 10:00:00",
    ),
    (
        "c3",
        "u-lee",
        "Carol\tWhite",
        "carol at example",
        None,
        None,
        "White Co",
        None,
        "2025-03-03T09:15:00.000Z",
        "2025-03-03T09:15:00.000Z",
    ),
    (
        "c4",
        "u-bad",
        "Dan",
        None,
        None,
        None,
        None,
        None,
        "2025-03-05 11:00:00",
        "2025-03-05 11:00:00",
    ),
    (
        "c5",
        "u-lee",
        "   ",
        None,
        None,
        None,
        None,
        None,
        "2025-03-04T09:15:00.000Z",
        "2025-03-04T09:15:00.000Z",
    ),
    (
        "c6",
        "u-ghost",
        "Eve",
        None,
        None,
        None,
        None,
        None,
        "2025-03-04T09:15:00.000Z",
        "2025-03-04T09:15:00.000Z",
    ),
]

JOBS = [
    # id, user_id, customer_id, title, description, status, estimated_cost, actual_cost,
    # estimated_hours, actual_hours, due_date, paid, completed_at, created_at, updated_at
    (
        "j1",
        "u-sam",
        "c1",
        "Fix sink",
        None,
        "completed",
        None,
        0.1 + 0.2,
        None,
        1.5,
        "2025-01-15",
        1,
        None,
        "2025-01-12 09:00:00",
        "2025-01-16 17:00:00",
    ),
    (
        "j2",
        "u-sam",
        "c1",
        "Replace boiler",
        "Old one leaks",
        "in_progress",
        19.999,
        None,
        8,
        None,
        "2025-08-01",
        0,
        None,
        "2025-01-20 09:00:00",
        "2025-01-21 09:00:00",
    ),
    (
        "j3",
        "u-sam",
        "c3",
        "Snooping",
        None,
        "pending",
        10.0,
        None,
        None,
        None,
        None,
        0,
        None,
        "2025-03-10 09:00:00",
        "2025-03-10 09:00:00",
    ),
    (
        "j4",
        "u-lee",
        "c3",
        "Free check-up",
        None,
        "completed",
        None,
        None,
        None,
        None,
        None,
        1,
        "2025-03-12T16:00:00.000Z",
        "2025-03-11T09:00:00.000Z",
        "2025-03-12T16:00:00.000Z",
    ),
    (
        "j5",
        "u-lee",
        "c3",
        "Deposit then cancel",
        None,
        "cancelled",
        250.0,
        50.0,
        None,
        None,
        None,
        1,
        None,
        "2025-03-13T09:00:00.000Z",
        "2025-03-14T09:00:00.000Z",
    ),
    (
        "j6",
        "u-sam2",
        "c2",
        "Install tap",
        None,
        "scheduled",
        80.0,
        None,
        None,
        None,
        "2025-09-01",
        0,
        None,
        "2025-02-03 09:00:00",
        "2025-02-03 09:00:00",
    ),
    (
        "j7",
        "u-lee",
        "c-missing",
        "Orphan",
        None,
        "pending",
        None,
        None,
        None,
        None,
        None,
        0,
        None,
        "2025-03-15T09:00:00.000Z",
        "2025-03-15T09:00:00.000Z",
    ),
    (
        "j8",
        "u-lee",
        "c5",
        "Paint fence",
        None,
        "pending",
        120.0,
        None,
        None,
        None,
        "2025-07-10T14:30:00.000Z",
        0,
        "2025-03-20T09:00:00.000Z",
        "2025-03-16T09:00:00.000Z",
        "2025-03-20T09:00:00.000Z",
    ),
    (
        "j9",
        "u-lee",
        "c3",
        "Odd one",
        None,
        "on-hold",
        -5.0,
        None,
        None,
        None,
        None,
        0,
        None,
        "2025-03-17T09:00:00.000Z",
        "2025-03-17T09:00:00.000Z",
    ),
    (
        "j10",
        "u-sam",
        "c1",
        "Bathroom",
        None,
        "completed",
        140.0,
        150.5,
        2.333,
        2.5,
        None,
        0,
        "2025-04-01T12:00:00+02:00",
        "2025-03-25 09:00:00",
        "2025-04-01 10:00:00",
    ),
]


def build_legacy_database(path: Path) -> Path:
    """A MyJobTrack D1 database file with the schema v1.0 and the rows above."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)", USERS)
        conn.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", CUSTOMERS)
        conn.executemany(
            "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", JOBS
        )
        conn.execute(
            "INSERT INTO sessions VALUES ('s1', 'u-sam', ?, '2025-01-11 09:00:00', "
            "'2025-01-10 09:00:00')",
            ("ab" * 32,),
        )
        conn.commit()
    finally:
        conn.close()
    return path
