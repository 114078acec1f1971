"""Moving in from MyJobTrack: its database, a SQL dump of it, and both backup variants."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import (
    Argon2Hasher,
    AuthenticationError,
    ConflictError,
    Customer,
    JobStatus,
    Jobtrack,
    NotFoundError,
    ValidationError,
)
from jobtrack_core.fields import rules_of
from jobtrack_core.ledger import opening_payment
from jobtrack_core.money import round_to_cent
from jobtrack_core.passwords import LEGACY_PREFIX, sha256_hex
from jobtrack_core.testing import CountingIds, FakeClock
from jobtrack_interchange import (
    Counts,
    Merge,
    import_myjobtrack_backup,
    import_myjobtrack_database,
    import_myjobtrack_dump,
    unstructure,
)
from jobtrack_interchange.myjobtrack.database import split_statements
from jobtrack_interchange.myjobtrack.values import RowFixer, parse_moment
from jobtrack_interchange.report import ReportBuilder

from .interchange_helpers import PASSWORD, new_account, populate, state, store_factory
from .interchange_legacy import (
    CUSTOMERS,
    DATA,
    JOBS,
    LEE_PASSWORD,
    SAM2_PASSWORD,
    SAM_PASSWORD,
    SCHEMA,
    USERS,
    build_legacy_database,
)

DUMP = DATA / "myjobtrack-d1-export.sql"
NEW_BACKUP = DATA / "myjobtrack-backup-2025-07-01.json"
OLD_BACKUP = DATA / "myjobtrack-backup-2024-11-15.json"
IMPORTED_USERS = ("u-sam", "u-lee", "u-lock")


def everything(app: Any) -> list[Any]:
    return state(app, *(row[0] for row in USERS))


def altered(report: Any) -> set[tuple[str, str, str]]:
    return {(a.kind, a.id, a.field) for a in report.alterations}


# -- the database -------------------------------------------------------------------------
def test_database_rows_are_mapped_repaired_and_every_change_reported(
    make_app: Any, legacy_db: Path
) -> None:
    app = make_app()
    report = import_myjobtrack_database(app, legacy_db)
    assert report.created == Counts(users=3, customers=4, jobs=8, payments=2)
    assert report.skipped == Counts(users=1, customers=2, jobs=2)
    assert report.merges == (Merge("sam@example.com", "u-sam", ("u-sam2",)),)
    assert set(report.user_ids) == set(IMPORTED_USERS)
    skips = {s.id: s.reason for s in report.skips}
    assert "another account" in skips["j3"]  # the original's cross-tenant bug
    assert "does not exist" in skips["j7"] and "does not exist" in skips["c6"]
    assert "not a valid email" in skips["u-bad"] and "skipped" in skips["c4"]
    assert {
        ("job", "j1", "actual_cost"),  # 0.1 + 0.2
        ("job", "j1", "completed_at"),  # completed without a completion time
        ("job", "j2", "estimated_cost"),  # 19.999
        ("job", "j4", "actual_cost"),  # a cost of 0 stored as NULL
        ("job", "j8", "completed_at"),  # pending with a completion time
        ("job", "j8", "due_date"),  # a timestamp with a time of day
        ("job", "j9", "status"),
        ("job", "j9", "estimated_cost"),  # negative
        ("job", "j10", "estimated_hours"),
        ("customer", "c3", "name"),
        ("customer", "c3", "email"),
        ("customer", "c5", "name"),
        ("user", "u-lock", "password_hash"),
        ("user", "u-lock", "updated_at"),
        ("user", "u-sam", "email"),  # lower-cased
    } == altered(report)
    lowered = next(a for a in report.alterations if (a.id, a.field) == ("u-sam", "email"))
    assert (lowered.old, lowered.new) == ("Sam@Example.com", "sam@example.com")
    assert "lower-cased" in lowered.reason
    assert [n.id for n in report.notices] == ["u-sam2", "j5"]

    sam = app.workspace("u-sam")
    assert sam.user.email == "sam@example.com" and sam.user.name == "Sam Carter"
    jobs = {j.id: j for j in sam.list_jobs()}
    assert set(jobs) == {"j1", "j2", "j6", "j10"}  # j6 came with the merged account
    assert jobs["j1"].actual_cost == Decimal("0.30") and jobs["j1"].paid
    assert jobs["j1"].completed_at == datetime(2025, 1, 16, 17, tzinfo=UTC)
    assert jobs["j2"].status is JobStatus.IN_PROGRESS
    assert jobs["j6"].status is JobStatus.PENDING and jobs["j6"].customer_id == "c2"
    assert jobs["j10"].completed_at == datetime(2025, 4, 1, 10, tzinfo=UTC)
    assert jobs["j10"].actual_cost == Decimal("150.50")
    assert all(j.paid_at is None for j in jobs.values())
    lee = app.workspace("u-lee")
    assert lee.user.created_at == datetime(2025, 3, 1, 10, tzinfo=UTC)
    carol = lee.get_customer("c3")
    assert (carol.name, carol.email) == ("Carol White", None)
    lee_jobs = {j.id: j for j in lee.list_jobs()}
    assert lee_jobs["j4"].actual_cost == Decimal("0.00")
    assert lee_jobs["j5"].paid and lee_jobs["j5"].status is JobStatus.CANCELLED
    assert lee_jobs["j8"].due_date == date(2025, 7, 10) and lee_jobs["j8"].completed_at is None


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_every_store_takes_the_legacy_data_alike(
    make_app: Any, legacy_db: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    reference = make_app()
    expected = import_myjobtrack_database(reference, legacy_db)
    store = store_factory(kind, request)()
    try:
        app = make_app(store)
        report = import_myjobtrack_database(app, legacy_db)
        assert (report.created, report.alterations, report.skips) == (
            expected.created,
            expected.alterations,
            expected.skips,
        )
        for user_id in IMPORTED_USERS:
            ws, ref = app.workspace(user_id), reference.workspace(user_id)
            # The users differ only in their (salted) password hashes.
            assert (unstructure(ws.user), ws.list_customers(), ws.list_jobs()) == (
                unstructure(ref.user),
                ref.list_customers(),
                ref.list_jobs(),
            )
        assert import_myjobtrack_database(app, legacy_db).unchanged == expected.created
        assert app.login("sam@example.com", SAM_PASSWORD).user.id == "u-sam"
    finally:
        store.close()


def test_nothing_is_silently_dropped(make_app: Any, legacy_db: Path) -> None:
    app = make_app()
    report = import_myjobtrack_database(app, legacy_db)
    skipped = {s.id for s in report.skips}
    merged = {m for merge in report.merges for m in merge.merged_ids}
    stored_customers = {c.id for u in IMPORTED_USERS for c in app.workspace(u).list_customers()}
    stored_jobs = {j.id for u in IMPORTED_USERS for j in app.workspace(u).list_jobs()}
    assert {row[0] for row in USERS} == set(IMPORTED_USERS) | skipped & {
        r[0] for r in USERS
    } | merged
    assert {row[0] for row in CUSTOMERS} == stored_customers | (skipped & {r[0] for r in CUSTOMERS})
    assert {row[0] for row in JOBS} == stored_jobs | (skipped & {r[0] for r in JOBS})
    # Every amount that is not exact to the cent was reported.
    money = {"estimated_cost": 6, "actual_cost": 7, "estimated_hours": 8, "actual_hours": 9}
    for row in JOBS:
        for field, column in money.items():
            value = row[column]
            if isinstance(value, float) and value >= 0 and row[0] in stored_jobs:
                exact = Decimal(repr(value))
                assert (round_to_cent(value) != exact) == (
                    ("job", row[0], field) in altered(report)
                )


def test_legacy_users_log_in_with_their_old_password_which_is_then_upgraded(
    make_app: Any, legacy_db: Path
) -> None:
    app = make_app()
    import_myjobtrack_database(app, legacy_db)
    stored = app.workspace("u-sam").user.password_hash
    assert stored.startswith(LEGACY_PREFIX) and sha256_hex(SAM_PASSWORD) not in stored
    with pytest.raises(AuthenticationError):
        app.login("sam@example.com", "wrong password")
    login = app.login("SAM@example.com", SAM_PASSWORD)
    assert login.user.id == "u-sam"
    upgraded = app.workspace("u-sam").user.password_hash
    assert upgraded.startswith("$argon2id$") and not upgraded.startswith(LEGACY_PREFIX)
    assert app.login("sam@example.com", SAM_PASSWORD).user.id == "u-sam"
    with pytest.raises(AuthenticationError):
        app.login("sam@example.com", SAM2_PASSWORD)  # the merged account's password
    assert app.login("lee@example.org", LEE_PASSWORD).user.id == "u-lee"  # upper-case hex
    with pytest.raises(AuthenticationError):
        app.login("lock@example.net", "plain text password")


def test_importing_again_changes_nothing(make_app: Any, legacy_db: Path) -> None:
    app = make_app()
    import_myjobtrack_database(app, legacy_db)
    before = everything(app)
    again = import_myjobtrack_database(app, legacy_db)
    assert again.created == Counts() and again.unchanged == Counts(3, 4, 8, 2)
    assert everything(app) == before
    assert app.login("sam@example.com", SAM_PASSWORD).user.id == "u-sam"


def test_after_a_login_the_account_is_not_imported_again(make_app: Any, legacy_db: Path) -> None:
    """A login replaces the protected MyJobTrack hash, after which nothing shows that the
    source's account is this one: importing it again is refused; the others can be
    chosen with users=."""
    app = make_app()
    import_myjobtrack_database(app, legacy_db)
    app.login("sam@example.com", SAM_PASSWORD)
    before = everything(app)
    with pytest.raises(ConflictError) as caught:
        import_myjobtrack_database(app, legacy_db)
    assert caught.value.field == "account" and "u-sam" in str(caught.value)
    assert everything(app) == before
    assert app.login("sam@example.com", SAM_PASSWORD).user.id == "u-sam"
    others = import_myjobtrack_database(app, legacy_db, users=["u-lee", "u-lock"])
    assert others.created == Counts() and others.unchanged == Counts(2, 2, 4, 1)
    assert everything(app) == before


def test_only_the_chosen_accounts_come_in(make_app: Any, legacy_db: Path) -> None:
    app = make_app()
    report = import_myjobtrack_database(app, legacy_db, users=["SAM@example.com"])
    assert report.user_ids == ("u-sam",)
    assert report.created == Counts(users=1, customers=2, jobs=4, payments=1)
    assert state(app, "u-lee") == [None]
    report = import_myjobtrack_database(make_app(), legacy_db, users=["u-lee"])
    assert report.created == Counts(users=1, customers=2, jobs=4, payments=1)
    with pytest.raises(ValidationError, match=r"nobody@example\.com"):
        import_myjobtrack_database(make_app(), legacy_db, users=["nobody@example.com"])


def test_an_email_already_registered_fails_the_import_and_writes_nothing(
    make_app: Any, legacy_db: Path
) -> None:
    app = make_app()
    app.register(email="lee@example.org", password=PASSWORD, name="Lee Again")
    before = everything(app)
    with pytest.raises(ConflictError) as caught:
        import_myjobtrack_database(app, legacy_db)
    assert caught.value.field == "account" and "lee@example.org" in str(caught.value)
    assert everything(app) == before


def test_a_clash_late_in_the_import_rolls_back_the_accounts_too(
    make_app: Any, legacy_db: Path
) -> None:
    app = make_app()
    other = new_account(app, email="other@example.com")
    other.add_customer("Another c5", id="c5")  # ids are per account: no clash
    import_myjobtrack_database(app, legacy_db, users=["u-lee"])
    app.workspace("u-lee").update_customer("c5", name="Renamed here")
    before = state(app, other.user_id, "u-lee")
    # u-sam and its records are written first; u-lee's changed customer then fails it.
    with pytest.raises(ConflictError, match="c5"):
        import_myjobtrack_database(app, legacy_db)
    assert state(app, other.user_id, "u-lee") == before
    assert state(app, "u-sam", "u-lock") == [None, None]


def test_dry_run_writes_nothing(make_app: Any, legacy_db: Path) -> None:
    app = make_app()
    report = import_myjobtrack_database(app, legacy_db, dry_run=True)
    assert report.dry_run and report.created.jobs == 8
    assert everything(app) == [None] * len(USERS)


# -- dumps ------------------------------------------------------------------------------------
def _comparable(report: Any) -> Any:
    return (report.created, report.skipped, report.alterations, report.skips, report.merges)


def test_a_wrangler_dump_gives_what_the_database_gives(make_app: Any, legacy_db: Path) -> None:
    from_db, from_dump = make_app(), make_app()
    by_db = import_myjobtrack_database(from_db, legacy_db)
    by_dump = import_myjobtrack_dump(from_dump, DUMP)
    assert _comparable(by_dump) == _comparable(by_db)
    assert everything(from_dump)[0][2:4] == everything(from_db)[0][2:4]
    for user_id in IMPORTED_USERS:
        ws_a, ws_b = from_db.workspace(user_id), from_dump.workspace(user_id)
        assert (
            ws_a.list_jobs() == ws_b.list_jobs() and ws_a.list_customers() == ws_b.list_customers()
        )
        # the payments alike but for their ids, which each app gives its own
        paid = [[attrs.evolve(p, id="-") for p in ws.list_payments()] for ws in (ws_a, ws_b)]
        assert paid[0] == paid[1]
    text = DUMP.read_text(encoding="utf-8")
    again = import_myjobtrack_dump(from_dump, io.StringIO(text))
    assert again.unchanged == Counts(users=3, customers=4, jobs=8, payments=2)
    assert from_dump.login("sam@example.com", SAM_PASSWORD).user.id == "u-sam"


def test_sqlite3_own_dump_reads_too(make_app: Any, legacy_db: Path) -> None:
    conn = sqlite3.connect(legacy_db)
    script = "\n".join(conn.iterdump())
    conn.close()
    by_db = import_myjobtrack_database(make_app(), legacy_db)
    assert _comparable(import_myjobtrack_dump(make_app(), io.StringIO(script))) == _comparable(
        by_db
    )


def test_a_hostile_dump_cannot_attach_or_write_files(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script = (
        SCHEMA.read_text(encoding="utf-8")
        + "\nATTACH DATABASE 'attached.db' AS x;\n"
        + "VACUUM INTO 'copy.db';\n"
        + "DROP TABLE sessions;\n"
    )
    report = import_myjobtrack_dump(make_app(), io.StringIO(script))
    assert report.created == Counts()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    message = report.notices[0].message
    assert "ATTACH DATABASE" in message and "VACUUM" in message and "DROP TABLE" in message
    with pytest.raises(ValidationError, match="line 1"):
        import_myjobtrack_dump(make_app(), io.StringIO("CREATE TABLE x.stolen(a);"))


def test_statements_are_split_where_sqlite_says_they_end() -> None:
    script = (
        "-- a comment; with a semicolon\n"
        "INSERT INTO t VALUES('a;b', 'it''s; fine');\n"
        "/* block; comment */ CREATE TRIGGER tr AFTER UPDATE ON t BEGIN\n"
        "  UPDATE t SET a = 1; UPDATE t SET a = 2;\nEND; INSERT INTO t VALUES(1);\n"
    )
    statements = [s for _, s in split_statements(script)]
    assert len(statements) == 3
    assert statements[0].endswith("'it''s; fine');")
    assert "END;" in statements[1] and statements[2].strip() == "INSERT INTO t VALUES(1);"
    assert [line for line, _ in split_statements(script)] == [1, 2, 5]
    with pytest.raises(ValidationError, match="cut short"):
        list(split_statements("INSERT INTO t VALUES('unfinished"))


# -- bad sources -----------------------------------------------------------------------------
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _sqlite(path: Path, script: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()
    return path


def _jobtrack_database(path: Path) -> Path:
    """A jobtrack database file with an account, customers and jobs in it."""
    sqlite = pytest.importorskip("jobtrack_sqlite")
    store = sqlite.SqliteStore(str(path))
    try:
        clock = FakeClock()
        app = Jobtrack(store, clock=clock, ids=CountingIds("jt"), hasher=Argon2Hasher.for_tests())
        populate(app, clock)
    finally:
        store.close()
    return path


def _schema(old: str, new: str) -> str:
    text = SCHEMA.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


BAD_DATABASES: dict[str, Callable[[Path], Path]] = {
    "not a database": lambda d: _write(d / "x.sqlite", "hello, I am text" * 100),
    "no tables": lambda d: _sqlite(d / "x.sqlite", "CREATE TABLE other(a);"),
    "missing column": lambda d: _sqlite(
        d / "x.sqlite", _schema("password_hash TEXT NOT NULL,", "")
    ),
    "missing cost column": lambda d: _sqlite(d / "x.sqlite", _schema("actual_cost REAL,", "")),
    "generated column": lambda d: _sqlite(
        d / "x.sqlite",
        _schema(
            "actual_cost REAL,",
            "actual_cost REAL GENERATED ALWAYS AS (estimated_cost * 2) VIRTUAL,",
        ),
    ),
    "extra column": lambda d: _sqlite(
        d / "x.sqlite", _schema("paid BOOLEAN DEFAULT FALSE,", "paid BOOLEAN, paid_cents INTEGER,")
    ),
    "a jobtrack database": lambda d: _jobtrack_database(d / "jobtrack.db"),
    "directory": lambda d: d,
}
#: What the refusal names, per bad database.
BAD_DATABASE_PROBLEMS = {
    "missing column": ("users", "lacks the columns password_hash"),
    "missing cost column": ("jobs", "lacks the columns actual_cost"),
    "generated column": ("jobs", "computes the columns actual_cost"),
    "extra column": ("jobs", "has columns the MyJobTrack schema v1.0 does not: paid_cents"),
    "a jobtrack database": ("jobs", "computes the columns estimated_cost, actual_cost"),
}


@pytest.mark.parametrize("kind", sorted(BAD_DATABASES))
def test_a_bad_database_is_refused_and_the_store_unchanged(
    make_app: Any, tmp_path: Path, kind: str
) -> None:
    app = make_app()
    user_id = populate(app, FakeClock())
    before = state(app, user_id)
    source = BAD_DATABASES[kind](tmp_path)
    files = sorted(tmp_path.iterdir())
    with pytest.raises(ValidationError) as caught:
        import_myjobtrack_database(app, source)
    assert sorted(tmp_path.iterdir()) == files  # nothing created beside it (-wal, -shm)
    assert caught.value.errors
    if kind in BAD_DATABASE_PROBLEMS:
        table, problem = BAD_DATABASE_PROBLEMS[kind]
        assert any(
            e.field == table and e.message.startswith(problem) for e in caught.value.errors
        ), caught.value
        assert "not a MyJobTrack database" in str(caught.value)
    assert state(app, user_id) == before


def test_a_dump_of_a_jobtrack_database_is_refused(make_app: Any, tmp_path: Path) -> None:
    conn = sqlite3.connect(_jobtrack_database(tmp_path / "jobtrack.db"))
    script = "\n".join(conn.iterdump())
    conn.close()
    app = make_app()
    with pytest.raises(ValidationError, match="not a MyJobTrack database"):
        import_myjobtrack_dump(app, io.StringIO(script))
    assert state(app, "jt-1") == [None]


def test_the_original_schema_and_a_d1_export_are_recognised(make_app: Any, tmp_path: Path) -> None:
    empty = _sqlite(tmp_path / "empty.sqlite", SCHEMA.read_text(encoding="utf-8"))
    assert import_myjobtrack_database(make_app(), empty).created == Counts()
    assert import_myjobtrack_dump(make_app(), DUMP).created == Counts(3, 4, 8, 2)


@pytest.mark.parametrize(
    "script",
    ["CREATE TABLE users(", "INSERT INTO users VALUES(1);", "CREATE TABLE customers(id);", "\xff"],
)
def test_a_bad_dump_is_refused(make_app: Any, script: str) -> None:
    app = make_app()
    with pytest.raises(ValidationError):
        import_myjobtrack_dump(app, io.StringIO(script))


# -- backups ---------------------------------------------------------------------------------
@pytest.fixture
def account(make_app: Any) -> tuple[Any, str]:
    app = make_app()
    return app, app.register(email="me@example.com", password=PASSWORD, name="Me").id


def test_the_newer_backup_variant(account: Any) -> None:
    app, user_id = account
    report = import_myjobtrack_backup(app.workspace(user_id), NEW_BACKUP)
    assert report.created == Counts(customers=3, jobs=4, payments=1)  # job-3's
    assert report.skipped == Counts(jobs=2)
    assert {s.id: s.reason for s in report.skips} == {
        "job-1": "appears twice; the first one was imported",
        "job-4": "its customer 'cust-404' is neither in the source nor in the account",
    }
    ws = app.workspace(user_id)
    alice = ws.get_customer("cust-1")
    assert alice.notes == "Side gate\nService type: Plumbing" and alice.business_name is None
    assert ws.get_customer("cust-3").name == "(no name)"
    jobs = {j.id: j for j in ws.list_jobs()}
    fix_leak = jobs["job-1"]
    assert (fix_leak.status, fix_leak.paid, fix_leak.actual_cost) == (
        JobStatus.COMPLETED,
        False,
        Decimal("120.50"),
    )
    assert fix_leak.description == "Kitchen sink\nService type: Plumbing\nNotes: Bring washers"
    assert fix_leak.estimated_hours == Decimal("2.00")
    boiler = jobs["job-2"]
    assert boiler.status is JobStatus.PENDING and boiler.due_date == date(2025, 7, 20)
    assert (boiler.estimated_cost, boiler.actual_cost) == (Decimal("90.00"), None)  # a quote
    assert boiler.estimated_hours == Decimal("1.50")
    door = jobs["job-3"]
    assert door.status is JobStatus.IN_PROGRESS and door.paid  # paymentStatus wins
    assert (door.estimated_cost, door.actual_cost) == (Decimal("0.10"), Decimal("0.30"))
    assert "Price" not in (door.description or "")
    assert jobs["job-5"].paid and jobs["job-5"].status is JobStatus.CANCELLED
    assert jobs["job-5"].estimated_cost == Decimal("40.00") and jobs["job-5"].actual_cost is None
    assert ("job", "job-2", "estimated_cost") in altered(report)
    assert ("job", "job-3", "paid") in altered(report)
    assert not any(a.id == "job-4" for a in report.alterations)  # skipped: nothing of it kept
    assert any("rating" in n.message for n in report.notices)
    again = import_myjobtrack_backup(app.workspace(user_id), NEW_BACKUP)
    assert again.created == Counts() and again.unchanged == Counts(customers=3, jobs=4, payments=1)


def test_the_older_backup_variant(account: Any) -> None:
    app, user_id = account
    report = import_myjobtrack_backup(app.workspace(user_id), io.BytesIO(OLD_BACKUP.read_bytes()))
    assert report.created == Counts(customers=1, jobs=2)
    ws = app.workspace(user_id)
    dana = ws.get_customer("1731600000000")
    assert dana.created_at == datetime(2024, 11, 1, 10, tzinfo=UTC) == dana.updated_at
    jobs = {j.id: j for j in ws.list_jobs()}
    clean = jobs["1731600000001"]
    assert clean.title == "Deep clean" and clean.customer_id == "1731600000000"
    assert clean.status is JobStatus.COMPLETED and clean.completed_at == clean.updated_at
    assert clean.actual_cost == Decimal("45.50") and clean.description == "Notes: Key under the mat"
    windows = jobs["1731600000002"]
    assert windows.title == "Window clean" and windows.status is JobStatus.PENDING
    assert (windows.estimated_cost, windows.actual_cost) == (Decimal("30.00"), None)
    assert windows.completed_at is None and windows.estimated_hours == Decimal("0.75")
    assert windows.due_date == date(2024, 12, 1)
    assert ("job", "1731600000002", "completed_at") in altered(report)


def test_a_backup_job_may_use_a_customer_already_in_the_account(account: Any) -> None:
    app, user_id = account
    import_myjobtrack_backup(app.workspace(user_id), NEW_BACKUP)
    more = {
        "customers": [],
        "jobs": [
            {
                "id": "job-9",
                "customerId": "cust-2",
                "title": "Second coat",
                "price": 15,
                "status": "pending",
                "paymentStatus": "unpaid",
                "createdAt": "2025-06-30T09:00:00.000Z",
                "updatedAt": "2025-06-30T09:00:00.000Z",
            }
        ],
    }
    report = import_myjobtrack_backup(app.workspace(user_id), io.StringIO(json.dumps(more)))
    assert report.created == Counts(jobs=1)
    assert app.workspace(user_id).get_job("job-9").estimated_cost == Decimal("15.00")


def _priced_job(id: str, status: str, price: object, **more: object) -> dict[str, object]:
    return {
        "id": id,
        "customerId": "c1",
        "title": f"Job {id}",
        "price": price,
        "status": status,
        "paymentStatus": "unpaid",
        "createdAt": "2025-06-01T09:00:00.000Z",
        "updatedAt": "2025-06-02T09:00:00.000Z",
        **more,
    }


def test_a_backup_price_is_a_quote_until_the_job_is_completed(account: Any) -> None:
    app, user_id = account
    backup = {
        "customers": [{"id": "c1", "name": "Ola", "createdAt": "2025-06-01T08:00:00.000Z"}],
        "jobs": [
            _priced_job("open", "in-progress", 300),
            _priced_job("planned", "scheduled", 120),
            _priced_job("dropped", "cancelled", 50),
            _priced_job("done", "completed", 80, completedAt="2025-06-02T09:00:00.000Z"),
            _priced_job("quoted", "pending", 70, estimatedCost=60),
            _priced_job(
                "billed", "completed", 90, actualCost=95, completedAt="2025-06-02T09:00:00Z"
            ),
        ],
    }
    report = import_myjobtrack_backup(app.workspace(user_id), io.StringIO(json.dumps(backup)))
    assert report.created == Counts(customers=1, jobs=6)
    ws = app.workspace(user_id)
    costs = {j.id: (j.estimated_cost, j.actual_cost) for j in ws.list_jobs()}
    assert costs == {
        "open": (Decimal("300.00"), None),
        "planned": (Decimal("120.00"), None),
        "dropped": (Decimal("50.00"), None),
        "done": (None, Decimal("80.00")),
        "quoted": (Decimal("60.00"), None),
        "billed": (None, Decimal("95.00")),
    }
    # A price other than the cost it would stand for is kept in the description.
    assert "Price: 70" in (ws.get_job("quoted").description or "")
    assert "Price: 90" in (ws.get_job("billed").description or "")
    dashboard = ws.dashboard()
    assert dashboard.pipeline.amount == Decimal("480.00")  # the quotes of the open jobs
    assert dashboard.receivables.amount == Decimal("175.00")  # what completed jobs cost
    owing = ws.reminders(owing_over=0).owing_customers
    assert [(c.customer.id, c.unpaid) for c in owing] == [("c1", Decimal("175.00"))]


def test_a_backup_reports_every_change_and_every_entry_it_leaves_out(account: Any) -> None:
    app, user_id = account
    backup = {
        "customers": [
            {
                "id": "c1",
                "name": "  Ola Berg ",
                "email": "ola@example.com",
                "phone": "",
                "address": "   ",
                "businessName": "",
                "createdAt": "2025-06-01T08:00:00.000Z",
            }
        ],
        "jobs": [_priced_job("j1", "pending", 10, description="Paint\n")],
        "demoUser": {"email": "demo@example.com", "name": "Demo"},
        "notifications": [{"text": "Job due"}, {"text": "Unpaid"}],
        "settings": {"theme": "dark"},
    }
    report = import_myjobtrack_backup(app.workspace(user_id), io.StringIO(json.dumps(backup)))
    changes = {(a.id, a.field): (a.old, a.new, a.reason) for a in report.alterations}
    assert changes[("c1", "name")][:2] == ("  Ola Berg ", "Ola Berg")
    assert "trimmed" in changes[("c1", "name")][2]
    for field, old in (("phone", ""), ("address", "   "), ("business_name", "")):
        assert changes[("c1", field)][:2] == (old, None)
        assert "empty" in changes[("c1", field)][2]
    assert changes[("j1", "description")][:2] == ("Paint\n", "Paint")
    extras = [n.message for n in report.notices if n.kind == "file"]
    assert len(extras) == 1
    assert all(key in extras[0] for key in ("demoUser", "notifications", "settings"))
    assert app.workspace(user_id).get_customer("c1").name == "Ola Berg"


def test_whatever_the_input_rules_change_is_reported(
    account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the input rules come to change a value the row repair let through (here:
    lower-case a customer's email), the change is still reported."""
    from jobtrack_interchange.myjobtrack import records

    class LowerEmail:
        @staticmethod
        def parse(values: Any) -> Customer:
            customer = Customer.parse(values)
            return attrs.evolve(customer, email=customer.email and customer.email.lower())

    monkeypatch.setattr(records, "Customer", LowerEmail)
    app, user_id = account
    backup = {
        "customers": [{"id": "c1", "name": "Ola", "email": "Ola@Example.com"}],
        "jobs": [],
    }
    report = import_myjobtrack_backup(app.workspace(user_id), io.StringIO(json.dumps(backup)))
    changes = {(a.id, a.field): a for a in report.alterations}
    email = changes[("c1", "email")]
    assert (email.old, email.new) == ("Ola@Example.com", "ola@example.com")
    assert "lower-cased" in email.reason


def test_a_backup_needs_the_workspace_of_an_existing_account(make_app: Any) -> None:
    app: Jobtrack = make_app()
    with pytest.raises(TypeError, match="Workspace"):
        import_myjobtrack_backup(app, NEW_BACKUP)  # type: ignore[arg-type]
    gone = new_account(app)
    gone.delete_account(PASSWORD)
    with pytest.raises(NotFoundError):
        import_myjobtrack_backup(gone, NEW_BACKUP)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "file"),
        ("[]", "file"),
        ('{"customers": []}', "jobs"),
        ('{"customers": {}, "jobs": []}', "customers"),
        ('{"customers": [1], "jobs": []}', "customers[0]"),
        ('{"format": "jobtrack/1", "account": {}, "customers": [], "jobs": []}', "format"),
    ],
)
def test_a_backup_of_the_wrong_shape_is_refused_and_changes_nothing(
    account: Any, text: str, field: str
) -> None:
    app, user_id = account
    before = state(app, user_id)
    with pytest.raises(ValidationError) as caught:
        import_myjobtrack_backup(app.workspace(user_id), io.StringIO(text))
    assert field in caught.value.fields
    assert state(app, user_id) == before


@pytest.mark.parametrize("as_path", [True, False])
def test_a_backup_nested_too_deeply_is_refused_naming_the_file(
    account: Any, tmp_path: Path, as_path: bool
) -> None:
    app, user_id = account
    text = '{"customers": ' + "[" * 100_000 + "]" * 100_000 + ', "jobs": []}'
    path = tmp_path / "myjobtrack-backup-2025-07-01.json"
    path.write_text(text, encoding="utf-8")
    before = state(app, user_id)
    with pytest.raises(ValidationError) as caught:
        import_myjobtrack_backup(app.workspace(user_id), path if as_path else io.StringIO(text))
    assert caught.value.fields == ("file",)
    assert "nested too deeply" in caught.value.errors[0].message
    assert state(app, user_id) == before


# -- values ----------------------------------------------------------------------------------
@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_real_amounts_round_half_up_to_the_cent_and_changes_are_reported(value: float) -> None:
    report = ReportBuilder("test")
    result = RowFixer(report, "job", "j").amount("actual_cost", value)
    assert result == round_to_cent(value)
    assert bool(report.alterations) == (result != Decimal(repr(value)))


@given(
    st.one_of(st.floats(max_value=-0.001), st.just(float("inf")), st.just("12,50"), st.just(True))
)
def test_unusable_amounts_are_dropped_and_reported(value: object) -> None:
    report = ReportBuilder("test")
    assert RowFixer(report, "job", "j").amount("actual_cost", value) is None
    assert len(report.alterations) == 1


@given(st.text(max_size=300))
def test_repaired_text_is_always_valid_and_a_change_is_always_reported(value: str) -> None:
    report = ReportBuilder("test")
    text = RowFixer(report, "customer", "c").text("name", value, required=True, placeholder="?")
    assert text is not None and rules_of(Customer)["name"].holds(text)
    if text != value.strip():
        assert report.alterations


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-10 09:00:00", datetime(2025, 1, 10, 9, tzinfo=UTC)),
        ("2025-03-01T10:00:00.000Z", datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ("2025-04-01T12:00:00+02:00", datetime(2025, 4, 1, 10, tzinfo=UTC)),
        ("2025-04-01", datetime(2025, 4, 1, tzinfo=UTC)),
        (1731600000000, datetime(2024, 11, 14, 16, tzinfo=UTC)),
        (1731600000, datetime(2024, 11, 14, 16, tzinfo=UTC)),
    ],
)
def test_legacy_timestamps_are_read_as_utc(value: object, expected: datetime) -> None:
    assert parse_moment(value) == expected


def test_the_fixture_database_is_the_v1_schema(legacy_db: Path) -> None:
    conn = sqlite3.connect(legacy_db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"users", "customers", "jobs", "sessions"}
    assert build_legacy_database is not None


# -- payments: MyJobTrack kept none; each paid job with a cost becomes one -------------------
def _openings_hold(ws: Any) -> None:
    """Each paid job with a cost holds its cost in one payment, built by the ledger's
    opening_payment in the account's calendar; no other job holds any."""
    calendar = ws.user.calendar(ws.app.calendar)
    payments = {p.job_id: p for p in ws.list_payments()}
    assert len(payments) == len(ws.list_payments())  # one per job at most
    for job in ws.list_jobs():
        if job.paid and job.actual_cost:
            payment = payments.pop(job.id)
            assert payment == opening_payment(job, calendar, payment.id)
            assert job.amount_paid == job.actual_cost == payment.amount
        else:
            assert job.amount_paid == 0
    assert payments == {}


def test_myjobtrack_paid_jobs_become_one_payment_each(make_app: Any, legacy_db: Path) -> None:
    app = make_app()
    import_myjobtrack_database(app, legacy_db)
    for user_id in IMPORTED_USERS:
        _openings_hold(app.workspace(user_id))
    lee = app.workspace("u-lee")
    assert [p.job_id for p in lee.list_payments()] == ["j5"]  # cancelled, paid: to refund
    assert lee.balances().credits.amount == Decimal("50.00")
    # j4: completed and paid at a cost of 0, so nothing was received
    assert lee.get_job("j4").paid and lee.get_job("j4").amount_paid == 0
    # Importing again adds no payment: the jobs are unchanged.
    before = [app.workspace(u).list_payments() for u in IMPORTED_USERS]
    again = import_myjobtrack_database(app, legacy_db, on_conflict="replace")
    assert again.created == Counts() and again.updated == Counts()
    assert [app.workspace(u).list_payments() for u in IMPORTED_USERS] == before


def test_a_backup_s_paid_jobs_are_dated_in_the_account_s_calendar(make_app: Any) -> None:
    app = make_app()
    me = new_account(app)
    me.update_profile(timezone="Pacific/Auckland", week_start=6)
    import_myjobtrack_backup(me, NEW_BACKUP)
    _openings_hold(me)
    assert [p.job_id for p in me.list_payments()] == ["job-3"]


def test_replacing_a_myjobtrack_job_that_holds_payments_by_a_different_mark_is_refused(
    make_app: Any, tmp_path: Path
) -> None:
    """The source keeps no ledger, so an import never replaces a stored job's payments:
    a job whose paid mark differs is replaced only while it holds none."""
    app = make_app()
    rows = [r for r in JOBS if r[0] in ("j1", "j2")]
    first = build_legacy_database(tmp_path / "a.sqlite", USERS[:1], CUSTOMERS[:1], rows)
    import_myjobtrack_database(app, first)
    sam = app.workspace("u-sam")
    before = state(app, "u-sam")
    unpaid = [(*r[:11], 0, *r[12:]) if r[0] == "j1" else r for r in rows]
    second = build_legacy_database(tmp_path / "b.sqlite", USERS[:1], CUSTOMERS[:1], unpaid)
    with pytest.raises(ConflictError) as caught:
        import_myjobtrack_database(app, second, on_conflict="replace")
    assert caught.value.field == "amount_paid" and "j1" in str(caught.value)
    assert state(app, "u-sam") == before
    kept = import_myjobtrack_database(app, second, on_conflict="keep")
    assert kept.kept == Counts(jobs=1) and state(app, "u-sam") == before
    # Once the job holds no money (marked unpaid here: its payment is voided, and kept),
    # the source's paid job replaces it, with a new opening payment.
    sam.mark_unpaid("j1")
    report = import_myjobtrack_database(app, first, on_conflict="replace")
    assert report.updated == Counts(jobs=1) and report.created == Counts(payments=1)
    voided, opening = sorted(sam.list_payments(job_id="j1"), key=lambda p: p.voided)[::-1]
    assert voided.voided and not opening.voided
    job = sam.get_job("j1")
    assert job.paid and job.amount_paid == opening.amount == job.actual_cost
    calendar = sam.user.calendar(app.calendar)
    assert opening == opening_payment(job, calendar, opening.id)
