"""Every psycopg error becomes a jobtrack error."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import errors as pg
from psycopg_pool import ConnectionPool, PoolTimeout

from jobtrack_core import (
    ConflictError,
    JobtrackError,
    NotFoundError,
    RetryableError,
    StoreError,
    ValidationError,
)
from jobtrack_postgres import PostgresStore
from jobtrack_postgres.errors import translate, translated


def raised_by(conn: psycopg.Connection[Any], statement: str) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement)
    return caught.value


@pytest.fixture
def conn(store: PostgresStore, postgres_url: str) -> Any:
    with psycopg.connect(postgres_url, autocommit=True) as raw:
        raw.execute("INSERT INTO users VALUES ('u1', 'a@x.com', 'A', NULL, 'h', now(), now())")
        raw.execute("INSERT INTO user_emails VALUES ('a@x.com', 'u1')")
        yield raw


def test_real_constraint_errors(conn: psycopg.Connection[Any]) -> None:
    email = translate(raised_by(conn, "INSERT INTO user_emails VALUES ('a@x.com', 'u1')"))
    assert isinstance(email, ConflictError) and email.field == "email"
    same_id = translate(
        raised_by(conn, "INSERT INTO users VALUES ('u1', 'b@x.com', 'B', NULL, 'h', now(), now())")
    )
    assert isinstance(same_id, ConflictError) and same_id.field == "id"
    orphan = raised_by(
        conn,
        "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
        "VALUES ('c1', 'nobody', 'X', now(), now())",
    )
    assert translate(orphan, missing=NotFoundError("user", "nobody")).args == (
        "user 'nobody' not found",
    )
    assert isinstance(translate(orphan), NotFoundError)
    bad = translate(raised_by(conn, "UPDATE users SET name = NULL"))
    assert isinstance(bad, ValidationError) and bad.fields == ("name",)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (pg.SerializationFailure("x"), RetryableError),
        (pg.DeadlockDetected("x"), RetryableError),
        (pg.TransactionRollback("x"), RetryableError),
        (pg.LockNotAvailable("x"), RetryableError),
        (pg.CannotConnectNow("x"), RetryableError),
        (PoolTimeout("couldn't get a connection after 30.00 sec"), RetryableError),
        (psycopg.OperationalError("server closed the connection"), StoreError),
        (pg.QueryCanceled("x"), StoreError),
        (psycopg.InterfaceError("the connection is closed"), StoreError),
        (pg.ReadOnlySqlTransaction("x"), StoreError),
        (pg.InFailedSqlTransaction("x"), StoreError),
        (pg.DiskFull("x"), StoreError),
        (
            psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
            ValidationError,
        ),
    ],
)
def test_each_kind_of_error(error: psycopg.Error, expected: type[JobtrackError]) -> None:
    assert type(translate(error)) is expected
    with pytest.raises(expected) as caught, translated():
        raise error
    assert caught.value.__cause__ is error


def test_a_connection_lost_mid_unit_of_work_is_a_store_error(
    store: PostgresStore, conn: psycopg.Connection[Any], postgres_pool: ConnectionPool[Any]
) -> None:
    with pytest.raises(StoreError), store.transaction() as uow:
        uow.users.get("u1")
        pid = uow.users._conn.info.backend_pid
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        uow.users.get("u1")
    with store.transaction(write=False) as uow:  # the pool replaced the broken connection
        assert uow.users.get("u1") is not None
