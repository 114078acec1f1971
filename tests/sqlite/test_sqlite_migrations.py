"""Schema versions and migrations: upgrades from every earlier version keep the
data, re-opening changes nothing, and a newer database is refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import JobStatus, SchemaVersionError, StoreError
from jobtrack_sqlite import MIGRATIONS, SCHEMA_VERSION, Migration, SqliteStore, history, totals
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
        assert str(uow.jobs.revenue("u1")) == "19.99"


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
    totals.rebuild(connection)  # jobs inserted by hand count once the totals are rebuilt


#: For each version, how to put sample data into a database at that version and
#: how to check it after an upgrade to the current one. Version 0 has no tables.
DATA: dict[int, tuple[Callable[[sqlite3.Connection], None], Callable[[SqliteStore], None]]] = {
    1: (write_v1_data, check_v1_data),
    2: (write_v2_data, check_v2_data),
    3: (write_v3_data, check_v2_data),
}


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
    write_v3_data(connection)
    connection.close()
    before = (digest(path), schema_of(path))
    for _ in range(3):
        with SqliteStore(path) as store:
            check_v1_data(store)
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
    write_v3_data(connection)
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
