"""A tracer sees every statement the store runs; without one, nothing is changed."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from jobtrack_core import Argon2Hasher, Jobtrack
from jobtrack_core.testing import PASSWORD, FakeClock
from jobtrack_postgres import PostgresStore

HASHER = Argon2Hasher.for_tests()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "postgres.md"


def recorder() -> tuple[list[tuple[str, Any]], Callable[[str, Any], None]]:
    seen: list[tuple[str, Any]] = []

    def trace(sql: str, params: Any) -> None:
        seen.append((sql, params))

    return seen, trace


def test_a_tracer_sees_each_statement_with_its_parameters(
    fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]
) -> None:
    fresh_store().close()  # empties the tables
    seen, trace = recorder()
    store = PostgresStore(pool=postgres_pool, tracer=trace)
    opened = [sql for sql, _ in seen]
    assert any("pg_advisory_xact_lock" in sql for sql in opened)  # the migration check
    app = Jobtrack(store, clock=FakeClock(), hasher=HASHER)
    ws = app.workspace(app.register(email="t@example.com", password=PASSWORD, name="T").id)
    customer = ws.add_customer("Ada")
    seen.clear()
    job = ws.create_job(customer.id, "Fence")
    inserts = [params for sql, params in seen if sql.startswith("INSERT INTO jobs")]
    assert len(inserts) == 1 and inserts[0]["id"] == job.id
    seen.clear()
    assert ws.get_job(job.id) == job
    # One query (after a SET TimeZone, the first time the store uses a connection).
    assert [sql.split()[0] for sql, _ in seen if not sql.startswith("SET")] == ["SELECT"]
    seen.clear()
    with store.transaction() as uow:
        uow.jobs.add_many([attrs.evolve(job, id=f"copy-{n}") for n in range(3)])
    assert any(sql.startswith("COPY jobs") for sql, _ in seen)
    store.close()


def test_without_a_tracer_the_connections_keep_their_cursors(
    fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]
) -> None:
    fresh_store().close()
    seen, trace = recorder()
    plain = PostgresStore(pool=postgres_pool)
    traced = PostgresStore(pool=postgres_pool, tracer=trace)
    with plain.transaction() as uow:
        assert uow.users._conn.cursor_factory is psycopg.Cursor
    with traced.transaction() as uow:
        assert uow.users._conn.cursor_factory is not psycopg.Cursor
        assert uow.users.get("nobody") is None
    assert seen and "FROM users" in seen[-1][0]
    with postgres_pool.connection() as conn:  # the pool's connections got theirs back
        assert conn.cursor_factory is psycopg.Cursor
    plain.close()
    traced.close()


def test_the_tracing_example_of_the_docs_runs(
    fresh_store: Callable[[], PostgresStore], postgres_url: str
) -> None:
    """docs/postgres.md shows the example as text (the documentation tests run without a
    server); here it runs as written, on the test database."""
    page = DOCS.read_text(encoding="utf-8")
    section = page[page.index("## Tracing statements") :]
    example = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert example is not None
    parts = conninfo_to_dict(postgres_url)
    url = f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    code = example.group(1).replace("postgresql://app@db.example.com/jobtrack", url)
    assert code != example.group(1)
    fresh_store().close()
    printed = io.StringIO()
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/postgres.md (tracing)", "exec"), namespace)
    lines = printed.getvalue().splitlines()
    assert lines[0] == f"{len(namespace['statements'])} statements"
    assert any(line.startswith("INSERT INTO jobs") for line in lines[1:])
