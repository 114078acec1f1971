"""Schema versions and migrations: upgrades from every earlier version keep the
data, re-opening changes nothing, and a newer database is refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import JobStatus, RetryableError, SchemaVersionError, StoreError
from jobtrack_core.documents import InvoiceStatus, Series
from jobtrack_core.entities import (
    Action,
    Customer,
    FieldChange,
    HistoryEntry,
    Job,
    LoginSession,
    RecordKind,
    Source,
    User,
)
from jobtrack_core.history import kind_of, listed
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.queries import ActivityFilter, JobFilter, PaymentFilter, QuoteFilter
from jobtrack_core.service import Jobtrack
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.fakes import FakeClock
from jobtrack_core.testing.feed import Client
from jobtrack_sqlite import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    SqliteStore,
    changelog,
    columns,
    history,
    totals,
)
from jobtrack_sqlite.migrations import read_version, upgrade

STAMP = "2025-07-06T09:00:00.000000Z"  # as versions 1 and 2 wrote timestamps
STAMP_US = 1751792400000000  # the same moment, as version 3 writes it
TOKEN_HASH = "ab" * 32


def raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def at_version(path: Path, version: int) -> None:
    """A database file exactly as jobtrack at ``version`` left it."""
    connection = raw(path)
    try:
        upgrade(connection, MIGRATIONS[:version])
        assert read_version(connection) == version
    finally:
        connection.close()


def write_v1_data(connection: sqlite3.Connection) -> None:
    connection.executemany(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at)"
        " VALUES (?, ?, 'Name', 'hash', ?3, ?3)",
        [("u1", "one@x.co", STAMP), ("u2", "two@x.co", STAMP)],
    )
    connection.execute(
        "INSERT INTO customers (id, user_id, name, created_at, updated_at)"
        " VALUES ('c1', 'u1', 'Ada', ?1, ?1)",
        (STAMP,),
    )
    connection.execute(
        "INSERT INTO jobs (id, user_id, customer_id, title, status, actual_cost_cents, paid,"
        " completed_at, created_at, updated_at)"
        " VALUES ('j1', 'u1', 'c1', 'Fix', 'completed', 1999, 1, ?1, ?1, ?1)",
        (STAMP,),
    )


def check_v1_data(store: SqliteStore) -> None:
    with store.transaction(write=False) as uow:
        user = uow.users.get("u1")
        assert user is not None and user.email == "one@x.co"
        assert [c.name for c in uow.customers.list("u1")] == ["Ada"]
        job = uow.jobs.get("u1", "j1")
        assert job is not None and job.status is JobStatus.COMPLETED and job.paid
        assert str(uow.reports.totals("u1").revenue.amount) == "19.99"


def write_v2_data(connection: sqlite3.Connection) -> None:
    """Version 2 keeps running totals: hand updates count at once (by trigger), jobs
    inserted by hand once the totals are rebuilt (by version 2's own statements)."""
    write_v1_data(connection)
    for statement in history.REBUILD_V2:
        connection.execute(statement)
    connection.execute("UPDATE jobs SET paid_at = ?1 WHERE id = 'j1'", (STAMP,))


def check_v2_data(store: SqliteStore) -> None:
    check_v1_data(store)
    day = [datetime(2025, 7, 6, tzinfo=UTC), datetime(2025, 7, 7, tzinfo=UTC)]
    with store.transaction(write=False) as uow:
        totals = uow.reports.totals("u1")
        assert (totals.customers, totals.statuses.completed) == (1, 1)
        assert str(totals.revenue.amount) == "19.99"
        assert [str(t.amount) for t in uow.reports.paid_between("u1", day)] == ["19.99"]
        (summary,) = uow.reports.customer_summaries("u1")
        assert (summary.jobs, str(summary.earned)) == (1, "19.99")


def write_v3_data(connection: sqlite3.Connection) -> None:
    """Version 3 numbers the owners and keeps timestamps as microseconds."""
    write_v3_rows(connection)
    for statement in history.REBUILD_V3:  # jobs inserted by hand count once rebuilt
        connection.execute(statement)


def write_v3_rows(connection: sqlite3.Connection) -> None:
    """Rows as version 3 writes them (version 4 writes them alike)."""
    connection.executemany(
        "INSERT INTO users (owner, id, email, name, password_hash, created_at_us, updated_at_us)"
        " VALUES (?, ?, ?, 'Name', 'hash', ?4, ?4)",
        [(1, "u1", "one@x.co", STAMP_US), (2, "u2", "two@x.co", STAMP_US)],
    )
    connection.execute(
        "INSERT INTO customers (owner, id, user_id, name, created_at_us, updated_at_us)"
        " VALUES (1, 'c1', 'u1', 'Ada', ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, status, actual_cost_cents,"
        " paid, paid_at_us, completed_at_us, created_at_us, updated_at_us)"
        " VALUES (1, 'j1', 'u1', 'c1', 'Fix', 'completed', 1999, 1, ?1, ?1, ?1, ?1)",
        (STAMP_US,),
    )


def write_v4_data(connection: sqlite3.Connection) -> None:
    """Version 4 keys customers and jobs by owner and id, and keeps each account's
    calendar: the second owner has a customer and a job of the same ids."""
    write_v3_rows(connection)
    connection.execute("UPDATE users SET timezone = 'Europe/Berlin', week_start = 6")
    connection.execute(
        "INSERT INTO customers (owner, id, user_id, name, created_at_us, updated_at_us)"
        " VALUES (2, 'c1', 'u2', 'Bob', ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, status,"
        " estimated_cost_cents, created_at_us, updated_at_us)"
        " VALUES (2, 'j1', 'u2', 'c1', 'Plan', 'pending', 700, ?1, ?1)",
        (STAMP_US,),
    )
    for statement in history.REBUILD_V4:
        connection.execute(statement)


def check_v4_data(store: SqliteStore) -> None:
    check_v2_data(store)
    with store.transaction(write=False) as uow:
        user = uow.users.get("u2")
        assert user is not None and (user.timezone, user.week_start) == ("Europe/Berlin", 6)
        job = uow.jobs.get("u2", "j1")
        assert job is not None and job.title == "Plan"
        assert str(uow.reports.totals("u2").pipeline.amount) == "7.00"


def write_v5_data(connection: sqlite3.Connection) -> None:
    """Version 5 keeps a version on customers and jobs, and each business's history."""
    write_v4_data(connection)
    changelog.record_existing(connection)
    connection.execute("UPDATE jobs SET version = 3 WHERE owner = 2")


def check_v5_data(store: SqliteStore) -> None:
    check_v4_data(store)
    with store.transaction(write=False) as uow:
        job = uow.jobs.get("u2", "j1")
        assert job is not None and job.version == 3
        # the records' "created" entries, by when they were made (version 6 may have
        # changed the paid job since)
        made = [
            uow.history.of_record("u1", kind, record_id, None, 10)[-1]  # its first
            for kind, record_id in ((RecordKind.CUSTOMER, "c1"), (RecordKind.JOB, "j1"))
        ]
        assert [(e.seq, e.action, e.kind, e.record_id) for e in made] == [
            (1, Action.CREATED, RecordKind.CUSTOMER, "c1"),
            (2, Action.CREATED, RecordKind.JOB, "j1"),
        ]


def write_v6_data(connection: sqlite3.Connection) -> None:
    """Version 6 keeps the payments ledger: the paid job holds one payment of its cost
    (as the migration from version 5 gives it), and the second owner's pending job a
    deposit, written by hand with the running totals rebuilt."""
    connection.execute("PRAGMA ignore_check_constraints = ON")  # the paid job holds 0 at first
    write_v5_data(connection)
    connection.execute("PRAGMA ignore_check_constraints = OFF")
    connection.execute("DELETE FROM history")
    connection.execute("DELETE FROM history_heads")
    changelog.record_existing(connection)
    connection.executemany(
        "INSERT INTO payments (owner, id, user_id, job_id, kind, method, amount_cents,"
        " received_on, recorded_at_us) VALUES (?, ?, ?, 'j1', ?, ?, ?, '2025-07-06', ?)",
        [(1, "p1", "u1", "payment", "other", 1999, STAMP_US),
         (2, "p1", "u2", "deposit", "card", 300, STAMP_US)],
    )  # fmt: skip
    connection.execute("UPDATE jobs SET amount_paid_cents = 1999 WHERE owner = 1")
    connection.execute("UPDATE jobs SET amount_paid_cents = 300 WHERE owner = 2")
    totals.rebuild(connection)


def check_v6_data(store: SqliteStore) -> None:
    check_v5_data(store)
    with store.transaction(write=False) as uow:
        (payment,) = uow.payments.list("u1", PaymentFilter(job_id="j1"))
        assert (payment.job_id, str(payment.amount)) == ("j1", "19.99")
        job = uow.jobs.get("u1", "j1")
        assert job is not None and str(job.amount_paid) == "19.99" and job.paid
        balances = uow.reports.totals("u2").balances
        assert (str(balances.deposits.amount), balances.deposits.jobs) == ("3.00", 1)


def write_v7_data(connection: sqlite3.Connection) -> None:
    """Version 7 keeps quotes, invoices and credit notes, each business's billing settings
    and number counters; a payment may be made to an invoice, with no job."""
    write_v6_data(connection)
    connection.execute("BEGIN")  # the default tax rate is checked at the commit
    connection.execute(
        "INSERT INTO billing_settings (owner, user_id, currency, prices_include_tax,"
        " default_tax, invoice_format, quote_format, credit_note_format, payment_terms_days,"
        " quote_valid_days) VALUES (1, 'u1', 'EUR', 0, 'VAT', 'INV-{year}-{number:04d}',"
        " 'Q-{year}-{number:04d}', 'CN-{year}-{number:04d}', 14, 30)"
    )
    connection.execute(
        "INSERT INTO tax_rates (owner, position, name, rate_thousandths)"
        " VALUES (1, 0, 'VAT', 20000)"
    )
    connection.execute("COMMIT")
    connection.execute(
        "INSERT INTO number_counters (owner, series, period, last) VALUES (1, 'invoice', 2025, 1)"
    )
    connection.execute(
        "INSERT INTO invoices (owner, id, user_id, customer_id, kind, number, status, currency,"
        " prices_include_tax, subtotal_cents, tax_cents, total_cents, issued_on, due_on,"
        " amount_paid_cents, amount_credited_cents, created_at_us, updated_at_us)"
        " VALUES (1, 'i1', 'u1', 'c1', 'invoice', 'INV-2025-0001', 'partly_paid', 'EUR', 0,"
        " 1000, 200, 1200, '2025-07-06', '2025-07-20', 200, 0, ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO invoice_lines (owner, invoice_id, position, description,"
        " quantity_thousandths, unit, unit_price_cents, discount_cents, tax_name,"
        " tax_rate_thousandths) VALUES (1, 'i1', 0, 'Labour', 2500, 'h', 400, 0, 'VAT', 20000)"
    )
    connection.execute(
        "INSERT INTO quotes (owner, id, user_id, customer_id, status, title, currency,"
        " prices_include_tax, subtotal_cents, tax_cents, total_cents, created_at_us,"
        " updated_at_us) VALUES (1, 'q1', 'u1', 'c1', 'draft', 'Roof', 'EUR', 0, 0, 0, 0, ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO payments (owner, id, user_id, job_id, invoice_id, kind, method,"
        " amount_cents, received_on, recorded_at_us)"
        " VALUES (1, 'p2', 'u1', NULL, 'i1', 'payment', 'card', 200, '2025-07-07', ?1)",
        (STAMP_US,),
    )


def check_v7_data(store: SqliteStore) -> None:
    check_v6_data(store)
    with store.transaction(write=False) as uow:
        settings = uow.billing.get("u1")
        assert settings is not None and settings.currency == "EUR"
        assert [(r.name, str(r.rate)) for r in settings.tax_rates] == [("VAT", "20.000")]
        assert list(uow.billing.last_numbers("u1")) == [(Series.INVOICE, 2025, 1)]
        invoice = uow.invoices.get("u1", "i1")
        assert invoice is not None and invoice.status is InvoiceStatus.PARTLY_PAID
        (line,) = invoice.lines
        assert (str(line.quantity), str(line.amount), str(invoice.balance)) == (
            "2.500",
            "10.00",
            "10.00",
        )
        assert [q.id for q in uow.quotes.list("u1", QuoteFilter())] == ["q1"]
        (payment,) = uow.payments.list("u1", PaymentFilter(invoice_id="i1"))
        assert (payment.job_id, str(payment.amount)) == (None, "2.00")
        bounds = [date(2025, 8, 1) - timedelta(days=n) for n in (0, 30, 60, 90)]
        (owing,) = uow.reports.invoice_aging("u1", bounds)
        assert (owing.customer.id, str(owing.aging.days_1_30.amount)) == ("c1", "10.00")


#: For each version, how to put sample data into a database at that version and
#: how to check it after an upgrade to the current one. Version 0 has no tables.
DATA: dict[int, tuple[Callable[[sqlite3.Connection], None], Callable[[SqliteStore], None]]] = {
    1: (write_v1_data, check_v1_data),
    2: (write_v2_data, check_v2_data),
    3: (write_v3_data, check_v2_data),
    4: (write_v4_data, check_v4_data),
    5: (write_v5_data, check_v5_data),
    6: (write_v6_data, check_v6_data),
    7: (write_v7_data, check_v7_data),
}

#: Sample data of the current version.
WRITE_CURRENT, CHECK_CURRENT = DATA[SCHEMA_VERSION]


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    connection = raw(path)
    try:
        return sorted(connection.execute("SELECT type, name, sql FROM sqlite_schema"))
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_version_has_sample_data() -> None:
    assert set(DATA) == set(range(1, SCHEMA_VERSION + 1))


def test_a_missing_file_and_an_empty_file_become_current_databases(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    for name in ("missing.db", "empty.db"):
        SqliteStore(tmp_path / name).close()
        connection = raw(tmp_path / name)
        assert read_version(connection) == SCHEMA_VERSION
        connection.close()
        assert schema_of(tmp_path / name) == schema_of(tmp_path / "missing.db")


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_a_database_at_every_earlier_version_upgrades_without_loss(
    tmp_path: Path, version: int
) -> None:
    old, fresh = tmp_path / "old.db", tmp_path / "fresh.db"
    at_version(old, version)
    writers = [DATA[v][0] for v in range(1, version + 1)]
    if writers:
        connection = raw(old)
        writers[-1](connection)
        connection.close()
    with SqliteStore(old) as store:
        if version:
            DATA[version][1](store)
    SqliteStore(fresh).close()
    assert schema_of(old) == schema_of(fresh)
    connection = raw(old)
    assert read_version(connection) == SCHEMA_VERSION
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()


def test_reopening_a_current_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    SqliteStore(path).close()
    connection = raw(path)
    WRITE_CURRENT(connection)
    connection.close()
    before = (digest(path), schema_of(path))
    for _ in range(3):
        with SqliteStore(path) as store:
            CHECK_CURRENT(store)
    assert (digest(path), schema_of(path)) == before
    connection = raw(path)
    assert upgrade(connection) == []
    connection.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_from_a_newer_jobtrack_is_refused_and_left_byte_identical(
    tmp_path: Path, journal: str
) -> None:
    path = tmp_path / "newer.db"
    SqliteStore(path).close()
    connection = raw(path)
    WRITE_CURRENT(connection)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = digest(path)
    with pytest.raises(SchemaVersionError) as refused:
        SqliteStore(path)
    assert (refused.value.found, refused.value.supported) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.db"]


def test_a_database_that_is_not_jobtracks_is_refused_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = raw(other)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    before = digest(other)
    with pytest.raises(StoreError, match="not a jobtrack database"):
        SqliteStore(other)
    assert digest(other) == before
    (tmp_path / "junk.db").write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError):
        SqliteStore(tmp_path / "junk.db")


def _v2_steps(fail: bool) -> Migration:
    def backfill(connection: sqlite3.Connection) -> None:
        connection.execute(
            "INSERT INTO customer_tags (customer_id, tag) SELECT id, 'imported' FROM customers"
        )
        if fail:
            raise RuntimeError("step failed")

    return Migration(
        2,
        "customer tags",
        (
            "CREATE TABLE customer_tags (customer_id TEXT NOT NULL REFERENCES customers (id)"
            " ON DELETE CASCADE, tag TEXT NOT NULL) STRICT",
            backfill,
        ),
    )


def test_a_later_version_appends_a_step_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    at_version(path, 1)
    connection = raw(path)
    write_v1_data(connection)
    steps = (*MIGRATIONS[:1], _v2_steps(fail=False))
    assert upgrade(connection, steps) == [2]
    assert upgrade(connection, steps) == []
    assert read_version(connection) == 2
    assert connection.execute("SELECT * FROM customer_tags").fetchall() == [("c1", "imported")]
    assert connection.execute("SELECT count(*) FROM jobs").fetchone() == (1,)
    connection.close()


def test_a_failing_migration_is_rolled_back_completely(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    at_version(path, 1)
    connection = raw(path)
    write_v1_data(connection)
    before = schema_of(path)
    with pytest.raises(StoreError, match="left at version 1"):
        upgrade(connection, (*MIGRATIONS[:1], _v2_steps(fail=True)))
    assert read_version(connection) == 1
    assert not connection.in_transaction
    connection.close()
    assert schema_of(path) == before


def test_migration_versions_must_be_consecutive(tmp_path: Path) -> None:
    connection = raw(tmp_path / "x.db")
    gap = Migration(3, "skips a version", ())
    with pytest.raises(ValueError, match="1, 2, 3"):
        upgrade(connection, (*MIGRATIONS[:1], gap))
    connection.close()


# -- version 3: owner numbers and timestamps in microseconds ---------------------------------

moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
).map(lambda moment: moment.replace(tzinfo=UTC))


def v2_text(moment: datetime) -> str:
    """A timestamp as versions 1 and 2 stored it."""
    return moment.isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


@given(stamps=st.lists(moments, min_size=8, max_size=8))
def test_timestamps_survive_the_upgrade_to_version_3_to_the_microsecond(
    stamps: list[datetime],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v2.db"
        at_version(path, 2)
        connection = raw(path)
        write_v2_data(connection)
        text = [v2_text(moment) for moment in stamps]
        connection.execute(
            "UPDATE users SET created_at = ?, updated_at = ? WHERE id = 'u1'", text[:2]
        )
        connection.execute(
            "UPDATE jobs SET completed_at = ?, paid_at = ?, created_at = ?, updated_at = ?",
            text[2:6],
        )
        connection.execute(
            "INSERT INTO sessions (id, user_id, token_hash, expires_at, created_at, last_used_at)"
            " VALUES ('s1', 'u1', ?, ?, ?, ?)",
            [TOKEN_HASH, *text[5:8]],
        )
        connection.close()
        with SqliteStore(path) as store, store.transaction(write=False) as uow:
            user = uow.users.get("u1")
            job = uow.jobs.get("u1", "j1")
            session = uow.sessions.get_by_token_hash(TOKEN_HASH)
            assert user is not None and job is not None and session is not None
            assert (user.created_at, user.updated_at) == (stamps[0], stamps[1])
            assert (job.completed_at, job.paid_at, job.created_at, job.updated_at) == tuple(
                stamps[2:6]
            )
            assert (session.expires_at, session.created_at, session.last_used_at) == tuple(
                stamps[5:8]
            )
        shell = raw(path)
        shown = shell.execute("SELECT completed_at, paid_at FROM jobs").fetchone()
        shell.close()
        assert shown == (text[2], text[3])  # the seed's text columns read as before


def test_the_upgrade_numbers_the_owners_and_keeps_each_row_with_its_owner(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.db"
    at_version(path, 2)
    connection = raw(path)
    write_v2_data(connection)
    connection.close()
    SqliteStore(path).close()
    connection = raw(path)
    owners = dict(connection.execute("SELECT id, owner FROM users").fetchall())
    assert sorted(owners.values()) == [1, 2]
    for table in ("customers", "jobs"):
        rows = connection.execute(f"SELECT user_id, owner FROM {table}").fetchall()
        assert rows and all(owners[user] == owner for user, owner in rows)
    connection.close()


def test_an_upgrade_that_would_lose_a_row_is_refused_and_rolled_back(tmp_path: Path) -> None:
    """A version 2 row whose parent is missing (written with foreign keys off) has no
    owner to copy; the upgrade fails and leaves the database at version 2, untouched."""
    path = tmp_path / "orphan.db"
    at_version(path, 2)
    connection = sqlite3.connect(path, isolation_level=None)  # foreign keys off
    write_v2_data(connection)
    connection.execute(
        "INSERT INTO jobs (id, user_id, customer_id, title, created_at, updated_at)"
        " VALUES ('lost', 'nobody', 'c1', 'Orphan', ?1, ?1)",
        (STAMP,),
    )
    connection.close()
    before = (digest(path), schema_of(path))
    with pytest.raises(StoreError, match="left at version 2"):
        SqliteStore(path)
    connection = raw(path)
    assert read_version(connection) == 2
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)  # restored
    connection.close()
    assert schema_of(path) == before[1]


# -- version 4: ids unique per owner, each account's calendar ------------------------------

#: Every figure the running totals hold, by table, each row keyed by its key columns.
#: (Those of version 5: the balances came with version 6.)
FIGURES = {
    "owner_totals": ("owner", "customers", *(c for c in totals.OWNER if c not in totals.BALANCES)),
    "customer_totals": (
        "owner",
        "customer_id",
        *(c for c in totals.CUSTOMER if c not in totals.BALANCES),
        "last_job_at_us",
    ),
    "paid_days": ("owner", "day", "cents", "jobs"),
    "open_due_days": ("owner", "due_date", "jobs"),
}


def figures(connection: sqlite3.Connection) -> dict[str, set[tuple[object, ...]]]:
    return {
        table: set(connection.execute(f"SELECT {', '.join(names)} FROM {table}"))
        for table, names in FIGURES.items()
    }


def write_v3_records(
    connection: sqlite3.Connection,
    users: list[User],
    customers: list[Customer],
    jobs: list[Job],
    sessions: list[LoginSession],
    rebuild: Sequence[str] = history.REBUILD_V3,
) -> None:
    """Records written as version 3 kept them (version 4 keeps them alike; owner numbers
    in the order of ``users``), then the totals, by the version's own statements."""
    stamp = columns.timestamp
    owner = {user.id: number for number, user in enumerate(users, start=1)}
    connection.executemany(
        "INSERT INTO users (owner, id, email, name, business_name, password_hash,"
        " created_at_us, updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (owner[u.id], u.id, u.email, u.name, u.business_name, u.password_hash,
             stamp(u.created_at, "created_at"), stamp(u.updated_at, "updated_at"))
            for u in users
        ],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO customers (owner, id, user_id, name, email, phone, address, business_name,"
        " notes, created_at_us, updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (owner[c.user_id], c.id, c.user_id, c.name, c.email, c.phone, c.address,
             c.business_name, c.notes, stamp(c.created_at, "created_at"),
             stamp(c.updated_at, "updated_at"))
            for c in customers
        ],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, description, status,"
        " estimated_cost_cents, actual_cost_cents, estimated_hours_hundredths,"
        " actual_hours_hundredths, due_date, paid, paid_at_us, completed_at_us, created_at_us,"
        " updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (owner[j.user_id], j.id, j.user_id, j.customer_id, j.title, j.description,
             j.status.value, *(columns.hundredths(v, "amount") for v in (
                 j.estimated_cost, j.actual_cost, j.estimated_hours, j.actual_hours)),
             columns.day(j.due_date, "due_date"), int(j.paid),
             columns.optional_timestamp(j.paid_at, "paid_at"),
             columns.optional_timestamp(j.completed_at, "completed_at"),
             stamp(j.created_at, "created_at"), stamp(j.updated_at, "updated_at"))
            for j in jobs
        ],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO sessions (id, user_id, token_hash, created_at_us, expires_at_us,"
        " last_used_at_us, revoked_at_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.user_id, s.token_hash, stamp(s.created_at, "created_at"),
             stamp(s.expires_at, "expires_at"), stamp(s.last_used_at, "last_used_at"),
             columns.optional_timestamp(s.revoked_at, "revoked_at"))
            for s in sessions
        ],
    )  # fmt: skip
    for statement in rebuild:
        connection.execute(statement)


def before_the_ledger(job: Job) -> Job:
    """``job`` as a database from before the ledger holds it: a paid job with a cost holds
    its cost (as the migration to version 6 gives it), any other holds nothing."""
    return attrs.evolve(job, amount_paid=job.actual_cost if job.paid and job.actual_cost else ZERO)


R = TypeVar("R", bound=Customer | Job)


def opened(record: Customer | Job) -> bool:
    """Whether the migration to version 6 gives this record (a paid job with a cost) its
    opening payment."""
    return isinstance(record, Job) and record.paid and bool(record.actual_cost)


def after_the_ledger(record: R) -> R:
    """``record`` as the migration to version 6 leaves it: a job given its opening payment
    has changed once more (its version), nothing else has."""
    return attrs.evolve(record, version=record.version + 1) if opened(record) else record


@st.composite
def two_owners(
    draw: st.DrawFn,
) -> tuple[list[User], list[Customer], list[Job], list[LoginSession]]:
    """Two accounts with customers, jobs and sessions, as version 3 could hold them
    (every customer and job id different, across owners too)."""
    users = [attrs.evolve(draw(js.users(n)), timezone=None, week_start=None) for n in range(2)]
    customers: list[Customer] = []
    jobs: list[Job] = []
    for n, user in enumerate(users):
        mine = draw(
            st.lists(js.customers(user.id), min_size=1, max_size=3, unique_by=lambda c: c.id)
        )
        mine = [attrs.evolve(c, id=f"{n}-{c.id}") for c in mine]
        theirs = draw(
            st.lists(js.jobs(user.id, [c.id for c in mine]), max_size=8, unique_by=lambda j: j.id)
        )
        customers += mine
        jobs += [attrs.evolve(before_the_ledger(j), id=f"{n}-{j.id}") for j in theirs]
    sessions = [
        LoginSession(
            id=f"s{n}", user_id=user.id, token_hash=f"{n:064x}", created_at=js.T0,
            expires_at=js.T0 + timedelta(days=1), last_used_at=js.T0,
            revoked_at=draw(st.none() | st.just(js.T0)),
        )
        for n, user in enumerate(users)
    ]  # fmt: skip
    return users, customers, jobs, sessions


def store_payments(uow: Any) -> Any:
    """The payments as the store lists them (the migration made them)."""
    return uow.payments


def plain(answer: object) -> object:
    """A report's answer, with a sequence of any kind as a list."""
    return list(answer) if isinstance(answer, Sequence) else answer


class _Listed:
    """Records as the repositories list them: what the reference reports read."""

    def __init__(self, customers: list[Customer], jobs: list[Job]) -> None:
        self.customers, self.jobs = customers, jobs

    def list(self, owner_id: str, where: JobFilter | None = None) -> list[Any]:
        if where is None:
            return sorted((c for c in self.customers if c.user_id == owner_id),
                          key=lambda c: (c.name, c.id))  # fmt: skip
        chosen = (j for j in self.jobs if j.user_id == owner_id and where.matches(j))
        return sorted(chosen, key=lambda j: (j.created_at, j.id), reverse=True)


@given(records=two_owners(), bounds=st.lists(js.instants, min_size=2, max_size=4))
def test_a_version_3_database_of_two_owners_reaches_version_4_with_every_record_and_figure(
    records: tuple[list[User], list[Customer], list[Job], list[LoginSession]],
    bounds: list[datetime],
) -> None:
    users, customers, jobs, sessions = records
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v3.db"
        at_version(path, 3)
        connection = raw(path)
        write_v3_records(connection, users, customers, jobs, sessions)
        before = figures(connection)
        connection.close()
        with SqliteStore(path) as store, store.transaction(write=False) as uow:
            for user in users:
                assert uow.users.get(user.id) == user
            for customer in customers:
                assert uow.customers.get(customer.user_id, customer.id) == customer
            for job in jobs:
                assert uow.jobs.get(job.user_id, job.id) == after_the_ledger(job)
            for session in sessions:
                assert uow.sessions.get_by_token_hash(session.token_hash) == session
            listed = _Listed(customers, [after_the_ledger(j) for j in jobs])
            expected = ReferenceReports(listed, listed, store_payments(uow))  # type: ignore[arg-type]
            for user in users:
                owner = user.id
                assert list(uow.customers.list(owner)) == listed.list(owner)
                assert list(uow.jobs.list(owner, JobFilter())) == listed.list(owner, JobFilter())
                for question, args in (
                    ("totals", ()),
                    ("paid_between", (sorted(bounds),)),
                    ("customer_summaries", ()),
                    ("revenue_by_customer", ()),
                    ("revenue_by_customer", tuple(sorted(bounds)[:2])),
                    ("estimate_accuracy", ()),
                    ("count_overdue", (js.T0.date(),)),
                ):
                    got = getattr(uow.reports, question)(owner, *args)
                    want = getattr(expected, question)(owner, *args)
                    assert plain(got) == plain(want), question
        connection = raw(path)
        assert read_version(connection) == SCHEMA_VERSION
        assert figures(connection) == before
        connection.close()


def test_an_upgrade_that_waits_too_long_for_the_lock_is_retryable(tmp_path: Path) -> None:
    """Another program writes while an older file is opened: the migration cannot take the
    write lock within the busy timeout, leaves the file as it was, and says to try again."""
    path = tmp_path / "v3.db"
    at_version(path, 3)
    blocker = raw(path)
    write_v3_data(blocker)
    blocker.execute("PRAGMA journal_mode = WAL")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(RetryableError, match="left at version 3"):
            SqliteStore(path, busy_timeout=0.05)
    finally:
        blocker.close()
    with SqliteStore(path) as store:  # later, the upgrade goes through
        check_v2_data(store)


# -- version 5: versions and each business's history ----------------------------------------


def as_created(record: Customer | Job, seq: int) -> HistoryEntry:
    """The entry the workspace of version 5 would have made on creating ``record``, by its
    owner (a job had no ``amount_paid`` then)."""
    return HistoryEntry(
        owner_id=record.user_id,
        seq=seq,
        at=record.created_at,
        actor_id=record.user_id,
        source=Source.LIBRARY,
        action=Action.CREATED,
        kind=kind_of(record),
        record_id=record.id,
        changes=tuple(
            FieldChange(k, None, v) for k, v in listed(record).items() if k != "amount_paid"
        ),
    )


@given(records=two_owners())
def test_a_version_4_database_reaches_version_5_with_each_record_created_in_its_history(
    records: tuple[list[User], list[Customer], list[Job], list[LoginSession]],
) -> None:
    """Every existing record is at version 1, with one "created" entry listing its fields,
    numbered per owner in the order the records were made (then version 6 gives each paid
    job with a cost its payment, and changes the job once more): a feed from nothing ends
    with exactly the data, and the next change is numbered after them."""
    users, customers, jobs, sessions = records
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v4.db"
        at_version(path, 4)
        connection = raw(path)
        write_v3_records(connection, users, customers, jobs, sessions, history.REBUILD_V4)
        connection.close()
        with SqliteStore(path) as store:
            app = Jobtrack(store, clock=FakeClock(), hasher=Argon2Hasher.for_tests())
            for user in users:
                ws = app.workspace(user.id)
                client = Client(ws)
                client.catch_up()
                payments = {(RecordKind.PAYMENT, p.id): p for p in ws.list_payments()}
                assert client.copy == {**client.truth(), **payments}
                mine: list[Customer | Job] = [c for c in customers if c.user_id == user.id]
                mine += [j for j in jobs if j.user_id == user.id]
                kept = {k: r for k, r in client.copy.items() if k[0] is not RecordKind.PAYMENT}
                assert {(kind_of(r), r.id): after_the_ledger(r) for r in mine} == kept
                assert all(r.version == 1 + opened(r) for r in kept.values())  # type: ignore[arg-type]
                paid = len(client.copy) - len(kept)  # the ledger's opening payments
                assert paid == sum(map(opened, mine))
                mine.sort(key=lambda r: (r.created_at, isinstance(r, Job), r.id))
                expected = [as_created(r, seq) for seq, r in enumerate(mine, start=1)]
                made_then = ActivityFilter(
                    kinds=frozenset({RecordKind.CUSTOMER, RecordKind.JOB}),
                    actions=frozenset({Action.CREATED}),
                )
                with store.transaction(write=False) as uow:
                    made = uow.history.activity(user.id, made_then, None, 1000)
                    assert list(reversed(made)) == expected
                    # then each payment's entry and its job's
                    later = uow.history.latest_after(user.id, len(mine), 1000)
                    kinds = [RecordKind.PAYMENT, RecordKind.JOB] * paid
                    assert [e.kind for e in later] == kinds
                    assert uow.history.kept_from(user.id) == 0
                customer = next(c for c in mine if isinstance(c, Customer))
                again = ws.add_customer(
                    customer.name, id=customer.id, **{
                        k: getattr(customer, k)
                        for k in ("email", "phone", "address", "business_name", "notes")
                    }
                )  # fmt: skip
                assert again == customer  # a retried create finds it made
                renamed = ws.update_customer(customer.id, name=f"{customer.name} II")
                assert renamed.version == 2
                (entry,) = ws.history(RecordKind.CUSTOMER, customer.id, limit=1).items
                assert (entry.seq, entry.action) == (len(mine) + 2 * paid + 1, Action.UPDATED)
