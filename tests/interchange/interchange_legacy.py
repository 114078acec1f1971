"""Old documents the importers still read.

A MyJobTrack database: the v1.0 schema, and rows holding every kind of
inconsistency the original let in: emails differing only in case, an invalid
email, an unusable password hash, floating point money, completed jobs without a
completion time, a cost of 0 stored as NULL, a job pointing at another user's
customer, a paid cancelled job, unknown statuses, timestamps in D1's and
JavaScript's formats.

A jobtrack export of format ``jobtrack/1`` (before accounts had a calendar), as
JSON and as the files of a CSV archive, exactly as jobtrack wrote them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


Rows = Sequence[tuple[Any, ...]]


def build_legacy_database(
    path: Path, users: Rows = USERS, customers: Rows = CUSTOMERS, jobs: Rows = JOBS
) -> Path:
    """A MyJobTrack D1 database file with the schema v1.0 and these rows (by default
    the rows above)."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)", users)
        conn.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", customers)
        conn.executemany(
            "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", jobs
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


def legacy_dump(database: Path) -> str:
    """The SQL dump of a database file (sqlite3's own, which the dump importer reads)."""
    conn = sqlite3.connect(database)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


# -- a jobtrack export of format jobtrack/1 ---------------------------------------------------
#: The password of the account in the jobtrack/1 export (its hash made by the tests' hasher).
OLD_EXPORT_PASSWORD = "old export password"
OLD_EXPORT_HASH = (
    "$argon2id$v=19$m=8,t=1,p=1$w1xyGViL7xxu+I6Ri+rNRA$oCb4s+Loi1U57xR7yj7Fk1Y1IDkkRvvSdYN2/1/pGEY"
)
#: The JSON export, as written: no calendar in the account, the password hash last.
OLD_EXPORT_JSON = """{"format": "jobtrack/1",
 "exported_at": "2025-07-06T09:00:00+00:00",
 "account": {"id": "u-old", "email": "ola@example.com", "name": "Ola Berg", \
"business_name": "Berg Windows", "created_at": "2025-06-01T08:00:00+00:00", \
"updated_at": "2025-06-01T08:00:00+00:00", "password_hash": "HASH"},
 "customers": [
  {"id": "c-1", "user_id": "u-old", "name": "Ann Smith", "email": "ann@example.com", \
"phone": null, "address": "1 Main St\\nSpringfield", "business_name": null, "notes": null, \
"created_at": "2025-06-02T09:00:00+00:00", "updated_at": "2025-06-02T09:00:00+00:00"}
 ],
 "jobs": [
  {"id": "j-2", "user_id": "u-old", "customer_id": "c-1", "title": "Gutters", \
"description": null, "status": "pending", "estimated_cost": "45.00", "actual_cost": null, \
"estimated_hours": null, "actual_hours": null, "due_date": "2025-07-20", "paid": false, \
"paid_at": null, "completed_at": null, "created_at": "2025-06-04T09:00:00+00:00", \
"updated_at": "2025-06-04T09:00:00+00:00"},
  {"id": "j-1", "user_id": "u-old", "customer_id": "c-1", "title": "Windows, front and back", \
"description": "Ladder needed", "status": "completed", "estimated_cost": "80.00", \
"actual_cost": "84.50", "estimated_hours": "2.00", "actual_hours": "2.25", \
"due_date": "2025-06-10", "paid": true, "paid_at": "2025-06-11T12:00:00+00:00", \
"completed_at": "2025-06-10T15:00:00+00:00", "created_at": "2025-06-03T09:00:00+00:00", \
"updated_at": "2025-06-11T12:00:00+00:00"}
 ]
}
""".replace("HASH", OLD_EXPORT_HASH)
#: The files of the CSV export, as written.
OLD_EXPORT_CSV = {
    "manifest.json": '{\n "format": "jobtrack/1",\n "exported_at": "2025-07-06T09:00:00+00:00",'
    '\n "formulas": "escape"\n}\n',
    "account.csv": "id,email,name,business_name,created_at,updated_at,password_hash\r\n"
    "u-old,ola@example.com,Ola Berg,Berg Windows,2025-06-01T08:00:00+00:00,"
    f'2025-06-01T08:00:00+00:00,"{OLD_EXPORT_HASH}"\r\n',
    "customers.csv": "id,user_id,name,email,phone,address,business_name,notes,created_at,"
    "updated_at\r\n"
    'c-1,u-old,Ann Smith,ann@example.com,,"1 Main St\nSpringfield",,,'
    "2025-06-02T09:00:00+00:00,2025-06-02T09:00:00+00:00\r\n",
    "jobs.csv": "id,user_id,customer_id,title,description,status,estimated_cost,actual_cost,"
    "estimated_hours,actual_hours,due_date,paid,paid_at,completed_at,created_at,updated_at\r\n"
    "j-2,u-old,c-1,Gutters,,pending,45.00,,,,2025-07-20,false,,,2025-06-04T09:00:00+00:00,"
    "2025-06-04T09:00:00+00:00\r\n"
    'j-1,u-old,c-1,"Windows, front and back",Ladder needed,completed,80.00,84.50,2.00,2.25,'
    "2025-06-10,true,2025-06-11T12:00:00+00:00,2025-06-10T15:00:00+00:00,"
    "2025-06-03T09:00:00+00:00,2025-06-11T12:00:00+00:00\r\n",
}
