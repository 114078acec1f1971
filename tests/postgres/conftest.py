"""Fixtures for the PostgreSQL tests.

The server comes from ``JOBTRACK_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Each test session creates a
throwaway database on it and drops it at the end; without a reachable server
every test that needs one is skipped, with the reason shown.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from jobtrack_postgres import Isolation, PostgresStore
from jobtrack_postgres.schema import TABLES

URL_VARIABLE = "JOBTRACK_TEST_POSTGRES_URL"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get(URL_VARIABLE, DEFAULT_URL)


def _admin() -> psycopg.Connection[Any]:
    url = server_url()
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        pytest.skip(
            f"no PostgreSQL server reachable at {url} ({first}); "
            f"set {URL_VARIABLE} to a server's URL to run the PostgreSQL tests"
        )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty database, dropped when the test session ends."""
    name = f"jobtrack_test_{secrets.token_hex(6)}"
    with _admin() as admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            pytest.skip(f"cannot create a test database at {server_url()}: {exc}")
        # The tests need no durability across a crash of the server; commits go faster.
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name))
        )
    try:
        yield make_conninfo(server_url(), dbname=name)
    finally:
        with _admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def postgres_pool(postgres_url: str) -> Iterator[ConnectionPool[Any]]:
    """One pool on the test database, shared by every store the tests make.

    Its eight connections are all made before the first test and the pool never grows:
    psycopg_pool draws from the ``random`` module as it makes a connection, in its own
    threads, and Hypothesis warns when that happens while it generates an example.
    """
    pool: ConnectionPool[Any] = ConnectionPool(
        postgres_url, min_size=8, max_size=8, kwargs={"autocommit": True}, open=True
    )
    pool.wait()
    try:
        PostgresStore(pool=pool).close()  # create the schema once
        yield pool
    finally:
        pool.close()


def empty_tables(pool: ConnectionPool[Any]) -> None:
    """Delete every row. On tables this small DELETE takes about 0.5 ms where TRUNCATE,
    which replaces the tables' files, takes about 30 ms."""
    with pool.connection() as conn:
        for table in reversed(TABLES):
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))


@pytest.fixture(scope="session")
def fresh_store(postgres_pool: ConnectionPool[Any]) -> Callable[[], PostgresStore]:
    """Make a store on the shared pool with every table emptied: cheap enough per example."""

    def make() -> PostgresStore:
        empty_tables(postgres_pool)
        return PostgresStore(pool=postgres_pool)

    return make


@pytest.fixture(params=["read committed", "serializable"])
def isolation(request: pytest.FixtureRequest) -> Isolation:
    """Each isolation level a store may run at."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def racing_store(
    fresh_store: Callable[[], PostgresStore],
    postgres_pool: ConnectionPool[Any],
    isolation: Isolation,
) -> Iterator[PostgresStore]:
    """An empty store on the shared pool, at each isolation level, for the races."""
    fresh_store().close()  # empties the tables
    store = PostgresStore(pool=postgres_pool, isolation=isolation)
    yield store
    store.close()


@pytest.fixture
def store(fresh_store: Callable[[], PostgresStore]) -> Iterator[PostgresStore]:
    """An empty store for one test."""
    made = fresh_store()
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def schema_url(postgres_url: str) -> Iterator[str]:
    """A conninfo whose tables go to a new, empty schema: a blank database for migrations."""
    name = f"blank_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(postgres_url, options=f"-c search_path={name}")
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
