"""Schema versions recorded in the database; migrations atomic, idempotent and serialised."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from jobtrack_core import SchemaVersionError, StoreError
from jobtrack_postgres import SCHEMA_VERSION, PostgresStore
from jobtrack_postgres.migrations import LOCK_KEY, current_version, migrate
from jobtrack_postgres.schema import VERSIONS

#: The SHA-256 of each released version's statements (joined by NUL characters). A version
#: is applied once and recorded; its statements must never change afterwards, since a
#: database that has it would not get the change (a change is a new version).
RELEASED = {
    1: "69a64c9116a220988fdd9cdaab48606851e7a98a15304cb195cdc4198b94666a",
    2: "310dcd9767cd45f0976dc22c149fffa976d4fcec4fdbfbfa356c7df397fbf8dd",
    3: "a1c9c77ea0142f43530cc489fa7bce2a82ff32cacd9064f6ebeb0fd93cd36090",
    4: "5273288f7f0c1da3bb5f10e7c423c75bc11fe4fcab63f0a0254daea167955080",
}


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_a_released_version_never_changes(version: int) -> None:
    _, statements = VERSIONS[version - 1]
    digest = hashlib.sha256("\x00".join(statements).encode()).hexdigest()
    assert digest == RELEASED[version]


def catalog(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    """Every table, column and index of the current schema, and the rows of the version table."""
    columns = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY 1, 2"
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1"
    ).fetchall()
    versions = conn.execute("SELECT version, description FROM schema_migrations ORDER BY 1")
    return [*columns, *indexes, *versions.fetchall()]


@pytest.fixture
def blank(schema_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(schema_url, autocommit=True) as conn:
        yield conn


def test_opening_a_blank_database_records_every_version(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    assert current_version(blank) == 0
    PostgresStore(schema_url).close()
    rows = blank.execute("SELECT version, description FROM schema_migrations").fetchall()
    assert rows == [(i + 1, d) for i, (d, _) in enumerate(VERSIONS)]
    assert current_version(blank) == SCHEMA_VERSION


def test_reopening_changes_nothing_and_keeps_the_data(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    PostgresStore(schema_url).close()
    blank.execute("INSERT INTO users VALUES ('u1', 'a@x.com', 'A', NULL, 'h', now(), now())")
    before = catalog(blank)
    for _ in range(2):
        PostgresStore(schema_url).close()
    assert catalog(blank) == before
    assert blank.execute("SELECT id FROM users").fetchall() == [("u1",)]


def test_a_newer_database_is_refused_and_left_untouched(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    PostgresStore(schema_url).close()
    blank.execute(
        "INSERT INTO schema_migrations (version, description) VALUES (%s, 'from the future')",
        (SCHEMA_VERSION + 1,),
    )
    before = catalog(blank)
    with pytest.raises(SchemaVersionError) as caught:
        PostgresStore(schema_url)
    assert (caught.value.found, caught.value.supported) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert catalog(blank) == before


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_every_earlier_version_upgrades(
    schema_url: str, blank: psycopg.Connection[Any], start: int
) -> None:
    assert migrate(blank, VERSIONS[:start]) == start
    PostgresStore(schema_url).close()
    assert current_version(blank) == SCHEMA_VERSION


def test_a_failing_migration_is_undone_entirely(blank: psycopg.Connection[Any]) -> None:
    broken = (*VERSIONS, ("half done", ("CREATE TABLE half_done (a int)", "SELECT 1 / 0")))
    with pytest.raises(psycopg.errors.DivisionByZero):
        migrate(blank, broken)
    assert current_version(blank) == SCHEMA_VERSION  # the good versions stay applied
    assert blank.execute("SELECT to_regclass('half_done')").fetchone() == (None,)


def test_processes_opening_at_once_migrate_exactly_once(
    schema_url: str, postgres_url: str, blank: psycopg.Connection[Any]
) -> None:
    openers = 4
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            PostgresStore(schema_url).close()
        except BaseException as exc:
            errors.append(exc)

    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        threads = [threading.Thread(target=open_store) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for _ in range(2000):  # a liveness bound: wait until all of them queue on the lock
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()
            if waiting == (openers,):
                break
            time.sleep(0.005)
        else:
            raise AssertionError("the openers never queued on the migration lock")
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    for thread in threads:
        thread.join()
    assert errors == []
    rows = blank.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert rows == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_a_database_not_in_utf8_is_refused(postgres_url: str) -> None:
    name = f"jobtrack_ascii_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
                "TEMPLATE template0"
            ).format(sql.Identifier(name))
        )
        try:
            with pytest.raises(StoreError, match="UTF8"):
                PostgresStore(make_conninfo(postgres_url, dbname=name))
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
