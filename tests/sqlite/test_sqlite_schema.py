"""The SQLite schema against the original data model: tables, columns, keys,
cascades, triggers and constraints; and the seed's three "Business Intelligence
Queries", typed as the seed wrote them, agree with the library's own figures."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import JobStatus, Jobtrack, Workspace
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore

# The original data model, column by column, in its order (myjobtrack-erd.md).
SEED_COLUMNS = {
    "users": ["id", "email", "name", "business_name", "password_hash", "created_at", "updated_at"],
    "customers": [
        "id", "user_id", "name", "email", "phone", "address", "business_name", "notes",
        "created_at", "updated_at",
    ],
    "jobs": [
        "id", "user_id", "customer_id", "title", "description", "status", "estimated_cost",
        "actual_cost", "estimated_hours", "actual_hours", "due_date", "paid", "completed_at",
        "created_at", "updated_at",
    ],
    "sessions": ["id", "user_id", "token", "expires_at", "created_at"],
}  # fmt: skip
SEED_NOT_NULL = {
    "users": {"id", "email", "name", "password_hash", "created_at", "updated_at"},
    "customers": {"id", "user_id", "name", "created_at", "updated_at"},
    "jobs": {"id", "user_id", "customer_id", "title", "created_at", "updated_at"},
    "sessions": {"id", "user_id", "token", "expires_at", "created_at"},
}
#: Columns whose meaning changed, and their new names.
RENAMED = {("sessions", "token"): "token_hash"}
SEED_TYPES = {"TEXT": "TEXT", "REAL": "REAL", "BOOLEAN": "INTEGER"}
SEED_REAL = {"estimated_cost", "actual_cost", "estimated_hours", "actual_hours"}

# The seed's "Business Intelligence Queries", exactly as written there.
DASHBOARD = "SELECT COUNT(*), status FROM jobs WHERE user_id = ? GROUP BY status;"
REVENUE = "SELECT SUM(actual_cost) FROM jobs WHERE user_id = ? AND paid = true;"
HISTORY = "SELECT * FROM jobs WHERE customer_id = ? ORDER BY created_at DESC;"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection to a freshly created jobtrack database."""
    path = tmp_path / "schema.db"
    SqliteStore(path).close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    yield connection
    connection.close()


def columns(db: sqlite3.Connection, table: str) -> dict[str, dict[str, Any]]:
    rows = db.execute(f"PRAGMA table_xinfo({table})").fetchall()
    return {
        r[1]: {"type": r[2], "notnull": bool(r[3]), "pk": r[5], "generated": r[6] != 0}
        for r in rows
    }


#: The seed's timestamp columns, each shown as text generated from ``<name>_us``.
SEED_TIMESTAMPS = {"created_at", "updated_at", "completed_at", "expires_at"}


#: Version 2's running totals for the reports, kept by triggers (jobtrack_sqlite.totals).
TOTALS_TABLES = {"owner_totals", "paid_days", "customer_totals", "open_due_days", "cash_days"}
TOTALS_TRIGGERS = {
    "jobs_totals_update",
    "jobs_totals_delete",
    "customers_totals_insert",
    "customers_totals_delete",
    "users_totals_delete",
    "payments_cash_insert",
    "payments_cash_update",
    "payments_cash_delete",
}


#: Version 5's history of each business (jobtrack_sqlite.changelog).
HISTORY_TABLES = {"history", "history_heads"}
#: Version 6's ledger.
LEDGER_TABLES = {"payments"}
#: Version 7's quotes and invoices.
BILLING_TABLES = {
    "billing_settings",
    "tax_rates",
    "number_counters",
    "quotes",
    "quote_lines",
    "invoices",
    "invoice_lines",
}


def test_the_seed_tables_the_totals_the_history_and_nothing_else(
    db: sqlite3.Connection,
) -> None:
    tables = {
        r[0]
        for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    }
    assert tables == (
        set(SEED_COLUMNS) | TOTALS_TABLES | HISTORY_TABLES | LEDGER_TABLES | BILLING_TABLES
    )
    strict = {r[1] for r in db.execute("PRAGMA table_list") if r[5]}
    assert strict >= tables


@pytest.mark.parametrize("table", list(SEED_COLUMNS))
def test_every_seed_column_is_there_in_the_seed_order(db: sqlite3.Connection, table: str) -> None:
    found = columns(db, table)
    seed = [RENAMED.get((table, c), c) for c in SEED_COLUMNS[table]]
    assert [c for c in found if c in seed] == seed
    for seed_name in SEED_COLUMNS[table]:
        column = found[RENAMED.get((table, seed_name), seed_name)]
        seed_type = (
            "REAL" if seed_name in SEED_REAL else "BOOLEAN" if seed_name == "paid" else "TEXT"
        )
        assert column["type"] == SEED_TYPES[seed_type], (table, seed_name)
        if seed_name in SEED_NOT_NULL[table]:
            # A generated column is as NOT NULL as the stored column it is made from.
            source = found[f"{seed_name}_us"] if column["generated"] else column
            assert source["notnull"] or source["pk"], (table, seed_name)
    key = sorted((info["pk"], name) for name, info in found.items() if info["pk"])
    assert [name for _, name in key] == PRIMARY_KEYS[table]


#: Customers and jobs are keyed by their owner's number and their id: ids are unique
#: per owner. User and session ids are unique across the database.
PRIMARY_KEYS = {
    "users": ["id"],
    "customers": ["owner", "id"],
    "jobs": ["owner", "id"],
    "sessions": ["id"],
}


def test_money_and_hours_are_stored_as_integers_and_shown_in_seed_units(
    db: sqlite3.Connection,
) -> None:
    jobs = columns(db, "jobs")
    for name in SEED_REAL:
        assert jobs[name]["generated"], f"{name} should be computed, not stored"
    stored = [c for c, info in jobs.items() if not info["generated"]]
    assert all(jobs[c]["type"] != "REAL" for c in stored), "no floating point is stored"
    for column in (
        "estimated_cost_cents",
        "actual_cost_cents",
        "estimated_hours_hundredths",
        "actual_hours_hundredths",
    ):
        assert jobs[column]["type"] == "INTEGER" and not jobs[column]["generated"]


@pytest.mark.parametrize("table", list(SEED_COLUMNS))
def test_timestamps_are_stored_as_integers_and_shown_as_seed_text(
    db: sqlite3.Connection, table: str
) -> None:
    found = columns(db, table)
    shown = [c for c in found if c.endswith("_at")]
    assert set(shown) >= SEED_TIMESTAMPS & set(SEED_COLUMNS[table])
    for name in shown:
        assert found[name]["type"] == "TEXT" and found[name]["generated"], (table, name)
        assert found[f"{name}_us"]["type"] == "INTEGER", (table, name)
        assert not found[f"{name}_us"]["generated"], (table, name)


def foreign_keys(
    db: sqlite3.Connection, table: str
) -> set[tuple[str, tuple[str, ...], tuple[str, ...], str]]:
    groups: dict[int, list[Any]] = {}
    for row in db.execute(f"PRAGMA foreign_key_list({table})"):
        groups.setdefault(row[0], []).append(row)
    return {
        (rows[0][2], tuple(r[3] for r in rows), tuple(r[4] for r in rows), rows[0][6])
        for rows in groups.values()
    }


def test_foreign_keys_and_cascades_of_the_seed_and_schema_level_tenancy(
    db: sqlite3.Connection,
) -> None:
    owner = ("users", ("owner", "user_id"), ("owner", "id"), "CASCADE")
    assert foreign_keys(db, "users") == set()
    assert foreign_keys(db, "customers") == {owner}
    assert foreign_keys(db, "sessions") == {("users", ("user_id",), ("id",), "CASCADE")}
    assert foreign_keys(db, "jobs") == {
        owner,
        ("customers", ("owner", "customer_id"), ("owner", "id"), "CASCADE"),
    }


def test_the_seed_unique_constraints(db: sqlite3.Connection) -> None:
    def unique(table: str) -> set[tuple[str, ...]]:
        found = set()
        for index in db.execute(f"PRAGMA index_list({table})"):
            if index[2]:
                found.add(tuple(r[2] for r in db.execute(f"PRAGMA index_info({index[1]})")))
        return found

    assert ("email",) in unique("users")
    assert {("owner",), ("owner", "id")} <= unique("users")
    assert ("token_hash",) in unique("sessions")
    assert ("owner", "id") in unique("customers")


def test_the_seed_triggers_exist(db: sqlite3.Connection) -> None:
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
    seed = {f"update_{t}_updated_at" for t in ("users", "customers", "jobs")}
    assert triggers == seed | TOTALS_TRIGGERS | {"jobs_unlink_quotes"}


STAMP = "2025-07-06T09:00:00.000000Z"
STAMP_US = 1751792400000000  # the same moment in microseconds


def seeded(db: sqlite3.Connection) -> None:
    """One user (owner number 1), customer and job, written by hand."""
    db.execute(
        "INSERT INTO users (owner, id, email, name, password_hash, created_at_us, updated_at_us)"
        " VALUES (1, 'u', 'u@x.co', 'U', 'h', ?1, ?1)",
        (STAMP_US,),
    )
    db.execute(
        "INSERT INTO customers (owner, id, user_id, name, created_at_us, updated_at_us)"
        " VALUES (1, 'c', 'u', 'C', ?1, ?1)",
        (STAMP_US,),
    )
    db.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, created_at_us, updated_at_us,"
        " actual_cost_cents) VALUES (1, 'j', 'u', 'c', 'T', ?1, ?1, 1234)",
        (STAMP_US,),
    )


@pytest.mark.parametrize(
    ("table", "edit"),
    [
        ("users", "name = 'Hand-edited'"),
        ("customers", "phone = '555'"),
        ("jobs", "paid = 1"),
    ],
)
def test_a_hand_edit_in_the_shell_gets_a_fresh_updated_at(
    db: sqlite3.Connection, table: str, edit: str
) -> None:
    seeded(db)
    before = datetime.now(UTC).replace(microsecond=0)
    db.execute(f"UPDATE {table} SET {edit}")
    (stamp,) = db.execute(f"SELECT updated_at FROM {table}").fetchone()
    assert len(stamp) == len("2025-07-06T09:00:00.000000Z") and stamp.endswith("Z")
    assert datetime.fromisoformat(stamp) >= before
    # A value given explicitly is kept as given.
    db.execute(f"UPDATE {table} SET {edit}, updated_at_us = 1893456000000001")
    assert db.execute(f"SELECT updated_at, updated_at_us FROM {table}").fetchone() == (
        "2030-01-01T00:00:00.000001Z",
        1893456000000001,
    )


def test_generated_columns_show_currency_units_and_seed_text(db: sqlite3.Connection) -> None:
    seeded(db)
    assert db.execute("SELECT actual_cost, estimated_cost FROM jobs").fetchone() == (12.34, None)
    assert db.execute("SELECT created_at, completed_at FROM jobs").fetchone() == (STAMP, None)


@pytest.mark.parametrize(
    ("us", "text"),
    [
        (0, "1970-01-01T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (-1_000_000, "1969-12-31T23:59:59.000000Z"),
        (-62135596800000000, "0001-01-01T00:00:00.000000Z"),
        (253402300799999999, "9999-12-31T23:59:59.999999Z"),
    ],
)
def test_timestamp_text_at_the_edges_of_the_range(
    db: sqlite3.Connection, us: int, text: str
) -> None:
    seeded(db)
    db.execute("UPDATE jobs SET completed_at_us = ?", (us,))
    assert db.execute("SELECT completed_at FROM jobs").fetchone() == (text,)


@pytest.mark.parametrize(
    "bad",
    [
        "status = 'done'",
        "paid = 2",
        "actual_cost_cents = -1",
        "estimated_hours_hundredths = 1000000000000",
        "due_date = '5 July'",
        "created_at_us = '2025-07-06 09:00:00'",
        "completed_at_us = 253402300800000000",  # after 9999-12-31
        "paid_at_us = -62135596800000001",  # before 0001-01-01
        "paid = 'yes'",
        "customer_id = 'nobody'",
        "owner = 2",
        "user_id = 'nobody'",
        "version = 0",
        "version = NULL",
    ],
)
def test_the_database_itself_refuses_bad_values(db: sqlite3.Connection, bad: str) -> None:
    seeded(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(f"UPDATE jobs SET {bad}")


@pytest.mark.parametrize(
    ("timezone", "week_start", "accepted"),
    [
        (None, None, True),  # the application's calendar
        ("Europe/Berlin", 0, True),
        ("Pacific/Kiritimati", 6, True),
        ("Europe/Berlin", None, False),
        (None, 3, False),
        ("Europe/Berlin", 7, False),
        ("Europe/Berlin", -1, False),
    ],
)
def test_an_accounts_calendar_is_both_columns_or_neither(
    db: sqlite3.Connection, timezone: str | None, week_start: int | None, accepted: bool
) -> None:
    seeded(db)
    edit = "UPDATE users SET timezone = ?, week_start = ?"
    if accepted:
        db.execute(edit, (timezone, week_start))
        assert db.execute("SELECT timezone, week_start FROM users").fetchone() == (
            timezone,
            week_start,
        )
    else:
        with pytest.raises(sqlite3.IntegrityError, match="valid_week_start"):
            db.execute(edit, (timezone, week_start))


def test_two_owners_may_use_the_same_ids_but_one_owner_only_once(db: sqlite3.Connection) -> None:
    seeded(db)
    db.execute(
        "INSERT INTO users (owner, id, email, name, password_hash)"
        " VALUES (2, 'v', 'v@x.co', 'V', 'h')"
    )
    db.execute("INSERT INTO customers (owner, id, user_id, name) VALUES (2, 'c', 'v', 'C')")
    db.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title) VALUES (2, 'j', 'v', 'c', 'T')"
    )
    for insert in (
        "INSERT INTO customers (owner, id, user_id, name) VALUES (2, 'c', 'v', 'Again')",
        "INSERT INTO jobs (owner, id, user_id, customer_id, title) VALUES (2, 'j', 'v', 'c', 'T')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            db.execute(insert)
    db.execute("DELETE FROM customers WHERE owner = 1 AND id = 'c'")  # cascades to owner 1's job
    assert db.execute("SELECT owner, id FROM jobs").fetchall() == [(2, "j")]
    assert db.execute("SELECT owner, id FROM customers").fetchall() == [(2, "c")]


def test_a_job_cannot_point_at_another_owners_customer_even_by_hand(
    db: sqlite3.Connection,
) -> None:
    seeded(db)
    db.execute(
        "INSERT INTO users (owner, id, email, name, password_hash)"
        " VALUES (2, 'v', 'v@x.co', 'V', 'h')"
    )
    for owner, user in [(2, "v"), (1, "v"), (2, "u")]:  # the customer is owner 1's, user u's
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            db.execute(
                "INSERT INTO jobs (owner, id, user_id, customer_id, title)"
                " VALUES (?, 'k', ?, 'c', 'Stolen')",
                (owner, user),
            )


def test_deleting_a_user_by_hand_cascades(db: sqlite3.Connection) -> None:
    seeded(db)
    db.execute(
        "INSERT INTO sessions (id, user_id, token_hash, expires_at_us, last_used_at_us)"
        " VALUES ('s', 'u', 'hash', 1893456000000000, 1735689600000000)"
    )
    db.execute(HISTORY_ROW, (STAMP_US,))
    db.execute("INSERT INTO history_heads (owner, head) VALUES (1, 1)")
    db.execute("DELETE FROM users")
    for table in ("customers", "jobs", "sessions", *HISTORY_TABLES):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


#: One history entry of owner 1, written by hand.
HISTORY_ROW = (
    "INSERT INTO history (owner, seq, at_us, actor_id, source, action, kind, record_id, changes)"
    " VALUES (1, 1, ?, 'u', 'library', 'created', 'customer', 'c', '[[\"name\",null,\"C\"]]')"
)


@pytest.mark.parametrize(
    "bad",
    [
        "seq = 0",
        "source = 'fax'",
        "action = 'renamed'",
        "kind = 'receipt'",
        "changes = '[\"name\"'",
        "at_us = 253402300800000000",
        "owner = 2",
        "record_id = NULL",
    ],
)
def test_the_history_refuses_bad_values_and_outlives_its_records(
    db: sqlite3.Connection, bad: str
) -> None:
    seeded(db)
    db.execute(HISTORY_ROW, (STAMP_US,))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(f"UPDATE history SET {bad}")
    db.execute("DELETE FROM customers")
    assert db.execute("SELECT at, record_id FROM history").fetchone() == (
        "2025-07-06T09:00:00.000000Z",
        "c",
    )
    db.execute("INSERT INTO history_heads (owner, head, kept_from) VALUES (1, 1, 1)")
    with pytest.raises(sqlite3.IntegrityError, match="valid_kept_from"):
        db.execute("UPDATE history_heads SET kept_from = 2")


def test_version_and_application_id_are_recorded(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA application_id").fetchone() == (0x4A425452,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# -- the seed's Business Intelligence Queries -----------------------------------------------

job_plans = st.lists(
    st.tuples(
        st.integers(0, 1),  # owner
        st.integers(0, 2),  # customer of that owner
        js.optional_amounts(),
        st.sampled_from(list(JobStatus)),
        st.booleans(),  # paid
    ),
    max_size=14,
)


def populate(path: Path, plans: list[Any]) -> tuple[Jobtrack, list[Workspace], list[list[str]]]:
    clock = FakeClock()
    app = Jobtrack(
        SqliteStore(path, synchronous="NORMAL"),
        clock=clock,
        ids=CountingIds(),
        hasher=Argon2Hasher.for_tests(),
    )
    owners = [
        app.workspace(app.register(email=f"o{i}@x.co", password=PASSWORD, name=f"O{i}").id)
        for i in range(2)
    ]
    customers = [[ws.add_customer(f"C{i}").id for i in range(3)] for ws in owners]
    for owner, customer, cost, status, paid in plans:
        ws = owners[owner]
        clock.tick()
        job = ws.create_job(customers[owner][customer], "Job", estimated_cost=cost)
        if status is not JobStatus.PENDING:
            if status is JobStatus.CANCELLED:
                ws.cancel_job(job.id)
            else:
                ws.start_job(job.id)
                if status is JobStatus.COMPLETED:
                    ws.complete_job(job.id, actual_cost=cost)
        if paid:
            ws.mark_paid(job.id)
    return app, owners, customers


def cents(value: float | None) -> Decimal:
    return Decimal(f"{value or 0:.2f}")


@given(plans=job_plans)
def test_the_seed_queries_agree_with_the_library(plans: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bi.db"
        app, owners, customers = populate(path, plans)
        shell = sqlite3.connect(path)
        try:
            for ws, their_customers in zip(owners, customers, strict=True):
                jobs = ws.list_jobs()
                counts = {status: n for n, status in shell.execute(DASHBOARD, (ws.user_id,))}
                assert counts == Counter(j.status.value for j in jobs)
                (total,) = shell.execute(REVENUE, (ws.user_id,)).fetchone()
                assert cents(total) == ws.revenue()
                for customer_id in their_customers:
                    cursor = shell.execute(HISTORY, (customer_id,))
                    names = [d[0] for d in cursor.description]
                    rows = [dict(zip(names, row, strict=True)) for row in cursor]
                    history = ws.list_jobs(customer_id=customer_id)
                    assert [r["id"] for r in rows] == [j.id for j in history]
                    for row, job in zip(rows, history, strict=True):
                        assert cents(row["actual_cost"]) == (job.actual_cost or 0)
                        assert row["paid"] == job.paid and row["status"] == job.status.value
        finally:
            shell.close()
            app.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_the_seed_queries_typed_in_the_sqlite3_shell(tmp_path: Path) -> None:
    plans = [
        (0, 0, Decimal("10.10"), JobStatus.COMPLETED, True),
        (0, 0, Decimal("0.20"), JobStatus.COMPLETED, True),
        (0, 1, Decimal("99.99"), JobStatus.COMPLETED, False),
        (0, 1, None, JobStatus.PENDING, False),
        (0, 2, Decimal("5.00"), JobStatus.IN_PROGRESS, True),
        (1, 0, Decimal("1000.00"), JobStatus.COMPLETED, True),
    ]
    path = tmp_path / "shell.db"
    app, owners, customers = populate(path, plans)
    ws = owners[0]
    history = ws.list_jobs(customer_id=customers[0][1])
    revenue = ws.revenue()
    app.close()
    script = "\n".join(
        [
            DASHBOARD.replace("?", f"'{ws.user_id}'"),
            REVENUE.replace("?", f"'{ws.user_id}'"),
            ".headers on",
            HISTORY.replace("?", f"'{customers[0][1]}'"),
        ]
    )
    result = subprocess.run(
        ["sqlite3", str(path)], input=script, capture_output=True, text=True, check=True
    )
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert sorted(lines[:3]) == ["1|in_progress", "1|pending", "3|completed"]
    assert lines[3] == "10.3" and revenue == Decimal("10.30")  # in currency units
    header = lines[4].split("|")
    rows = [dict(zip(header, line.split("|"), strict=True)) for line in lines[5:]]
    assert [r["id"] for r in rows] == [j.id for j in history]
    assert [r["actual_cost"] for r in rows] == ["", "99.99"]
    assert [r["status"] for r in rows] == ["pending", "completed"]


def test_job_rows_round_trip_every_field(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    with Jobtrack(
        SqliteStore(tmp_path / "x.db"), clock=clock, hasher=Argon2Hasher.for_tests()
    ) as app:
        ws = app.workspace(app.register(email="a@x.co", password=PASSWORD, name="A").id)
        job = ws.create_job(
            ws.add_customer("C").id,
            "T",
            description="D",
            estimated_cost="9999999999.99",
            estimated_hours="0.01",
            due_date="2099-12-31",
        )
        ws.start_job(job.id)
        ws.complete_job(job.id, actual_cost="0", actual_hours="12.5")
        done = ws.mark_paid(job.id)
        assert ws.get_job(job.id) == done
        assert attrs.asdict(ws.get_job(job.id)) == attrs.asdict(done)


@pytest.mark.parametrize("recursive", ["ON", "OFF"])
def test_hand_edits_in_quick_succession_never_recurse(
    db: sqlite3.Connection, recursive: str
) -> None:
    """Some SQLite builds turn recursive triggers on; the trigger must still stop."""
    seeded(db)
    db.execute(f"PRAGMA recursive_triggers = {recursive}")
    db.execute("BEGIN")
    for paid in [1, 0] * 200:  # many edits within the same millisecond
        db.execute("UPDATE jobs SET paid = ?", (paid,))
    db.execute("COMMIT")
    (stamp,) = db.execute("SELECT updated_at FROM jobs").fetchone()
    assert stamp > STAMP


#: One payment of the seeded job, written by hand.
PAYMENT_ROW = (
    "INSERT INTO payments (owner, id, user_id, job_id, kind, method, amount_cents, received_on,"
    " recorded_at_us) VALUES (1, 'p', 'u', 'j', 'payment', 'card', 1234, '2025-07-06', ?)"
)


@pytest.mark.parametrize(
    "bad",
    [
        "amount_cents = 0",
        "amount_cents = -5",
        "amount_cents = 1.5",
        "kind = 'gift'",
        "method = 'barter'",
        "received_on = '6 July'",
        "received_on = '2025-02-30'",
        "by_mark_paid = 2",
        "voided_at_us = 1751792400000000",  # voided without a reason
        "void_reason = 'typo'",  # a reason without a void
        "job_id = 'nobody'",
        "owner = 2",
        "version = 0",
    ],
)
def test_the_ledger_refuses_bad_payments(db: sqlite3.Connection, bad: str) -> None:
    seeded(db)
    db.execute(PAYMENT_ROW, (STAMP_US,))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(f"UPDATE payments SET {bad}")
    db.execute("UPDATE payments SET voided_at_us = ?, void_reason = 'typo'", (STAMP_US,))
    assert db.execute("SELECT amount, voided_at FROM payments").fetchone() == (
        12.34,
        "2025-07-06T09:00:00.000000Z",
    )


@pytest.mark.parametrize(
    ("edit", "accepted"),
    [
        ("status = 'completed', paid = 1, amount_paid_cents = 1234", True),
        ("status = 'completed', paid = 1, amount_paid_cents = 2000", True),  # overpaid
        ("status = 'completed', paid = 0, amount_paid_cents = 1233", True),  # partly paid
        ("status = 'completed', paid = 1, amount_paid_cents = 1233", False),
        ("status = 'completed', paid = 0, amount_paid_cents = 1234", False),
        ("status = 'completed', paid = 1, actual_cost_cents = NULL", True),  # nothing due
        ("status = 'pending', paid = 1, amount_paid_cents = 0", True),  # the seed's own mark
        ("amount_paid_cents = -1", False),
    ],
)
def test_paid_follows_the_ledgers_rule_when_something_is_due(
    db: sqlite3.Connection, edit: str, accepted: bool
) -> None:
    """The CHECK ``paid_when_covered``: a completed job with a cost is paid exactly when
    what it holds covers it (``jobtrack_core.entities.covered``); other jobs keep their mark."""
    seeded(db)
    if accepted:
        db.execute(f"UPDATE jobs SET {edit}")
    else:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(f"UPDATE jobs SET {edit}")


def test_a_jobs_payments_go_with_it_and_with_its_owner(db: sqlite3.Connection) -> None:
    seeded(db)
    db.execute(PAYMENT_ROW, (STAMP_US,))
    db.execute("DELETE FROM jobs")
    assert db.execute("SELECT count(*) FROM payments").fetchone() == (0,)
    db.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, created_at_us, updated_at_us)"
        " VALUES (1, 'j', 'u', 'c', 'T', ?1, ?1)",
        (STAMP_US,),
    )
    db.execute(PAYMENT_ROW, (STAMP_US,))
    db.execute("DELETE FROM users")
    assert db.execute("SELECT count(*) FROM payments").fetchone() == (0,)
