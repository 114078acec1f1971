"""Opening stores, connection settings, units of work, threads, and the
translation of every sqlite3 failure into jobtrack's own errors."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from jobtrack_core import (
    Jobtrack,
    JobtrackError,
    RetryableError,
    StoreError,
    ValidationError,
)
from jobtrack_core.entities import Customer, User
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.retry import retrying
from jobtrack_core.testing import PASSWORD
from jobtrack_sqlite import SqliteStore, connection
from jobtrack_sqlite.urls import parse

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def user(n: int) -> User:
    return User(f"u{n}", f"u{n}@x.co", "U", None, "hash", NOW, NOW)


def customer(n: int, owner: str = "u1") -> Customer:
    return Customer(f"c{n}", owner, f"C{n}", None, None, None, None, None, NOW, NOW)


def pragma(store: SqliteStore, name: str) -> Any:
    return store._link().connection.execute(f"PRAGMA {name}").fetchone()[0]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(tmp_path / "store.db") as opened:
        yield opened


# -- opening -----------------------------------------------------------------------------


def test_open_by_str_path_and_memory(tmp_path: Path) -> None:
    for target in (str(tmp_path / "a.db"), tmp_path / "b.db", ":memory:"):
        with SqliteStore(target) as store, store.transaction() as uow:
            uow.users.add(user(1))
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()


@pytest.mark.parametrize(
    ("url", "target", "options"),
    [
        ("sqlite:///relative/path.db", "relative/path.db", {}),
        ("sqlite:////absolute/path.db", "/absolute/path.db", {}),
        ("sqlite:///with%20space.db", "with space.db", {}),
        ("sqlite://", ":memory:", {}),
        ("sqlite://:memory:", ":memory:", {}),
        ("sqlite:///:memory:", ":memory:", {}),
        ("memory://", ":memory:", {}),
        (
            "sqlite:///x.db?synchronous=NORMAL&busy_timeout=2.5",
            "x.db",
            {"synchronous": "NORMAL", "busy_timeout": 2.5},
        ),
    ],
)
def test_urls(url: str, target: str, options: dict[str, Any]) -> None:
    assert parse(url) == (target, options)


@pytest.mark.parametrize(
    "url",
    ["postgresql://h/db", "sqlite://host/x.db", "memory://x", "sqlite:///x.db?cache=big", "x.db",
     "sqlite:///x.db?busy_timeout=soon"],
)  # fmt: skip
def test_bad_urls_are_validation_errors(url: str) -> None:
    with pytest.raises(ValidationError):
        SqliteStore.from_url(url)


def test_from_url_opens_files_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with SqliteStore.from_url("sqlite:///data.db?synchronous=NORMAL", busy_timeout=1) as store:
        assert pragma(store, "synchronous") == 1
        assert pragma(store, "busy_timeout") == 1000
    assert (tmp_path / "data.db").exists()
    with SqliteStore.from_url(f"sqlite:///{tmp_path / 'abs.db'}") as store:
        assert repr(store) == f"SqliteStore({str(tmp_path / 'abs.db')!r})"


@pytest.mark.parametrize(
    "arguments",
    [{"path": ""}, {"path": 42}, {"path": "x.db", "synchronous": "OFF"},
     {"path": "x.db", "busy_timeout": -1}, {"path": "x.db", "busy_timeout": float("nan")}],
)  # fmt: skip
def test_bad_arguments_are_validation_errors(
    arguments: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError):
        SqliteStore(**arguments)


def test_a_path_in_a_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        SqliteStore(tmp_path / "no" / "such" / "dir.db")


# -- connection settings -------------------------------------------------------------------


def test_connection_settings(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "full.db") as store:
        assert pragma(store, "foreign_keys") == 1
        assert pragma(store, "journal_mode") == "wal"
        assert pragma(store, "synchronous") == 2  # FULL
        assert pragma(store, "busy_timeout") == 30_000
    with SqliteStore(tmp_path / "normal.db", synchronous="NORMAL", busy_timeout=0.25) as store:
        assert pragma(store, "synchronous") == 1
        assert pragma(store, "busy_timeout") == 250


def test_every_threads_connection_has_foreign_keys_on(store: SqliteStore) -> None:
    seen: list[tuple[int, int, int]] = []
    together = threading.Barrier(3)  # all alive at once, so no connection is reused

    def look(wait: bool = True) -> None:
        link = store._link()
        seen.append(
            (
                id(link.connection),
                link.connection.execute("PRAGMA foreign_keys").fetchone()[0],
                link.connection.execute("PRAGMA synchronous").fetchone()[0],
            )
        )
        if wait:
            together.wait(10)

    threads = [threading.Thread(target=look) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    look(wait=False)
    assert len({s[0] for s in seen}) == 4, "one connection per thread"
    assert {s[1:] for s in seen} == {(1, 2)}


def test_foreign_keys_are_verified_after_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite ignores the pragma silently in some cases; the store reads it back."""

    class Deaf(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql.replace(" ", "").upper() == "PRAGMAFOREIGN_KEYS=ON":
                sql = "PRAGMA foreign_keys = OFF"
            return super().execute(sql, *args)

    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real(*args, factory=Deaf, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(StoreError, match="foreign keys"):
        SqliteStore(tmp_path / "deaf.db")


# -- units of work ----------------------------------------------------------------------


def test_write_units_begin_immediate_read_units_deferred_nested_units_savepoints(
    store: SqliteStore,
) -> None:
    issued: list[str] = []
    store._link().connection.set_trace_callback(issued.append)
    with store.transaction() as uow:
        uow.users.add(user(1))
        with store.transaction(write=False):
            pass
    with store.transaction(write=False) as uow:
        uow.users.get("u1")
    control = [s for s in issued if not s.startswith(("INSERT", "SELECT"))]
    assert control == [
        "BEGIN IMMEDIATE",
        "SAVEPOINT jobtrack_1",
        "RELEASE jobtrack_1",
        "COMMIT",
        "BEGIN",
        "COMMIT",
    ]


def test_an_inner_failure_rolls_back_to_its_savepoint_only(store: SqliteStore) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
        with pytest.raises(ValidationError), store.transaction() as inner:
            inner.users.add(user(2))
            raise ValidationError.single("x", "inner failure")
        uow.users.add(user(3))
    with store.transaction(write=False) as uow:
        assert [uow.users.get(f"u{n}") is not None for n in (1, 2, 3)] == [True, False, True]


def test_an_outer_failure_rolls_back_everything(store: SqliteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as uow:
        uow.users.add(user(1))
        with store.transaction() as inner:
            inner.users.add(user(2))
        raise RuntimeError("boom")
    with store.transaction(write=False) as uow:
        assert uow.users.get("u1") is None and uow.users.get("u2") is None
    assert not store._link().connection.in_transaction


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = SqliteStore(path), SqliteStore(path)
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with first.transaction() as uow:
                uow.users.add(user(1))
                started.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    holder = threading.Thread(target=hold)
    holder.start()
    started.wait(10)
    threading.Timer(0.2, release.set).start()
    with second.transaction() as uow:  # waits for the lock, then sees the first commit
        assert uow.users.get("u1") is not None
        uow.users.add(user(2))
    holder.join()
    assert errors == []
    first.close()
    second.close()


def test_opening_a_new_file_waits_for_a_lock_instead_of_failing(tmp_path: Path) -> None:
    # Several processes opening one new file at once: the switch to WAL needs the file to
    # itself, and while another connection is writing SQLite refuses it at once (a read
    # that would become a write does not wait, whatever the busy timeout).
    path = tmp_path / "new.db"
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # a writer, in the default rollback mode
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(path, timeout=5).execute("PRAGMA journal_mode = WAL")
    threading.Timer(0.2, blocker.rollback).start()
    with SqliteStore(path, busy_timeout=10) as store:  # waits, then switches
        assert pragma(store, "journal_mode") == "wal"
        with store.transaction() as uow:
            uow.users.add(user(1))
    blocker.close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # a writer, now in WAL mode
    again = SqliteStore(path, busy_timeout=0.3)  # already WAL: opens without waiting
    with again, again.transaction(write=False) as uow:
        assert uow.users.get("u1") is not None
    blocker.close()


def test_a_lock_held_past_the_busy_timeout_while_opening_is_retryable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "held.db"
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(RetryableError, match="busy"):
            SqliteStore(path, busy_timeout=0.1)
    finally:
        blocker.close()


def test_a_lock_held_past_the_busy_timeout_is_retryable(tmp_path: Path) -> None:
    """Another connection holds the write lock: a unit of work that waited the busy
    timeout for it raises RetryableError (a StoreError), having written nothing."""
    path = tmp_path / "busy.db"
    SqliteStore(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with SqliteStore(path, busy_timeout=0.05) as store:
            with pytest.raises(RetryableError, match="busy"), store.transaction() as uow:
                uow.users.add(user(1))
            with store.transaction(write=False) as uow:  # readers are never blocked (WAL)
                assert uow.users.get("u1") is None
    finally:
        blocker.close()


def test_a_read_unit_that_writes_after_another_writer_is_retryable(tmp_path: Path) -> None:
    """A ``write=False`` unit reads a snapshot; once another connection has written, it
    cannot write on that snapshot (SQLITE_BUSY_SNAPSHOT): retryable, nothing written."""
    path = tmp_path / "snapshot.db"
    with SqliteStore(path, busy_timeout=0.05) as store:
        with store.transaction() as uow:
            uow.users.add(user(1))
        other = sqlite3.connect(path, isolation_level=None)
        try:
            with pytest.raises(RetryableError), store.transaction(write=False) as uow:
                assert uow.users.get("u1") is not None  # the snapshot begins here
                other.execute("UPDATE users SET name = 'Elsewhere'")
                uow.customers.add(customer(1))
        finally:
            other.close()
        with store.transaction(write=False) as uow:
            assert uow.customers.list("u1") == []
            assert uow.customers.get("u1", "c1") is None


def test_a_retried_unit_of_work_goes_through_once_the_lock_is_released(
    tmp_path: Path,
) -> None:
    path = tmp_path / "retried.db"
    SqliteStore(path).close()
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    attempts: list[int] = []
    with SqliteStore(path, busy_timeout=0.02) as store:

        @retrying(attempts=200, timeout=20, wait_initial=0.01, wait_max=0.05)
        def add() -> None:
            attempts.append(1)
            if len(attempts) == 2:
                blocker.rollback()  # the other writer finishes, between two attempts
            with store.transaction() as uow:
                uow.users.add(user(1))

        add()
        with store.transaction(write=False) as uow:
            assert uow.users.get("u1") is not None
    blocker.close()
    assert len(attempts) >= 2


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "closed.db")
    link = store._link()
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"), store.transaction():
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        link.connection.execute("SELECT 1")  # its connections really are closed
    memory = SqliteStore(":memory:")
    memory.close()
    with pytest.raises(StoreError, match="closed"), memory.transaction():
        pass


# -- errors -------------------------------------------------------------------------------


def test_no_sqlite3_exception_escapes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "broken.db")
    with store.transaction() as uow:
        uow.users.add(user(1))
    store._link().connection.close()  # pulled out from under the store
    attempts: list[Callable[[UnitOfWork], object]] = [
        lambda uow: uow.users.get("u1"),
        lambda uow: uow.customers.list("u1"),
        lambda uow: uow.reports.totals("u1"),
    ]
    for attempt in attempts:
        with pytest.raises(JobtrackError) as caught:
            attempt(store._link().unit)
        assert not isinstance(caught.value, sqlite3.Error)
    with pytest.raises(StoreError), store.transaction():
        pass


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"created_at": datetime(2025, 7, 6, 9, 0)}, "created_at"),  # naive
        ({"updated_at": "yesterday"}, "updated_at"),
    ],
)
def test_values_no_column_can_hold_are_validation_errors(
    store: SqliteStore, change: dict[str, Any], field: str
) -> None:
    import attrs

    with pytest.raises(ValidationError) as refused, store.transaction() as uow:
        uow.users.add(attrs.evolve(user(1), **change))
    assert refused.value.fields == (field,)


# -- tracing ------------------------------------------------------------------------------


def test_a_tracer_is_told_every_statement_the_store_runs(tmp_path: Path) -> None:
    told: list[tuple[str, Any]] = []
    with SqliteStore(tmp_path / "traced.db", tracer=lambda *call: told.append(call)) as store:
        opening = [sql for sql, _ in told]
        assert opening[0] == "PRAGMA foreign_keys = ON"  # the first statement on a connection
        assert any(sql.startswith("CREATE TABLE customers") for sql in opening)  # the schema
        assert any(sql.startswith("CREATE TEMP TRIGGER") for sql in opening)
        told.clear()
        ran: list[str] = []  # what SQLite itself says it ran, bound values filled in
        store._link().connection.set_trace_callback(ran.append)
        with store.transaction() as uow:
            uow.users.add(user(1))
            uow.customers.add(customer(1))
            found = uow.customers.get("u1", "c1")
            uow.jobs.add_many([])
        assert found is not None
    # SQLite reports a statement again for each trigger it fires: once is enough here.
    statements = [sql for n, sql in enumerate(ran) if n == 0 or sql != ran[n - 1]]
    assert [sql.split()[0] for sql, _ in told] == [sql.split()[0] for sql in statements]
    assert (told[0], told[-1]) == (("BEGIN IMMEDIATE", ()), ("COMMIT", ()))
    lookup = [(sql, params) for sql, params in told if sql.startswith("SELECT id, user_id")]
    assert lookup == [
        (
            lookup[0][0],
            ("u1", "c1"),  # by owner (from the user's id) and id
        )
    ]
    assert (
        "FROM customers WHERE owner = (SELECT owner FROM users WHERE id = ?) AND id = ?"
        in (lookup[0][0])
    )


def test_only_a_traced_store_runs_traced_connections(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "plain.db") as plain:
        assert type(plain._link().connection) is sqlite3.Connection
    with SqliteStore(tmp_path / "traced.db", tracer=lambda sql, params: None) as traced:
        assert isinstance(traced._link().connection, connection.TracedConnection)
    with pytest.raises(ValidationError) as refused:
        SqliteStore(tmp_path / "bad.db", tracer="print")  # type: ignore[arg-type]
    assert refused.value.fields == ("tracer",)


def test_a_tracer_that_raises_stops_its_statement(tmp_path: Path) -> None:
    class Refused(Exception):
        pass

    def refuse_deletes(sql: str, parameters: Any) -> None:
        if sql.startswith("DELETE"):
            raise Refused(sql)

    with SqliteStore(tmp_path / "guarded.db", tracer=refuse_deletes) as store:
        with store.transaction() as uow:
            uow.users.add(user(1))
        with pytest.raises(Refused), store.transaction() as uow:
            uow.users.delete("u1")
        with store.transaction(write=False) as uow:
            assert uow.users.get("u1") is not None


# -- threads ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["file", "memory"])
def test_threads_sharing_one_store_lose_nothing(tmp_path: Path, where: str) -> None:
    target = tmp_path / "threads.db" if where == "file" else ":memory:"
    with SqliteStore(target, synchronous="NORMAL") as store:
        app = Jobtrack(store, hasher=Argon2Hasher.for_tests())
        ws = app.workspace(app.register(email="t@x.co", password=PASSWORD, name="T").id)
        customers = [ws.add_customer(f"C{i}") for i in range(4)]
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(25):
                    job = ws.create_job(customers[n].id, f"job {n}-{i}")
                    ws.start_job(job.id)
                    with ws.atomic():
                        ws.list_jobs(customer_id=customers[n].id)
                        ws.complete_job(job.id, actual_cost="1.01")
                        ws.mark_paid(job.id)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(ws.list_jobs()) == 100
        assert str(ws.revenue()) == "101.00"


def test_in_memory_stores_are_separate_databases() -> None:
    with SqliteStore(":memory:") as one, SqliteStore(":memory:") as two:
        with one.transaction() as uow:
            uow.users.add(user(1))
        with two.transaction(write=False) as uow:
            assert uow.users.get("u1") is None


def test_a_thread_that_ends_gives_its_connection_back(store: SqliteStore) -> None:
    def use() -> None:
        with store.transaction(write=False):
            pass

    for _ in range(5):
        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
    use()
    assert sum(f.alive for f in store._finalizers) <= 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_opens_its_own_connection(store: SqliteStore) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
    parent_connection = store._link().connection
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            if store._link().connection is not parent_connection:
                with store.transaction() as uow:
                    uow.customers.add(customer(1))
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with store.transaction(write=False) as uow:
        assert [c.id for c in uow.customers.list("u1")] == ["c1"]
        assert parent_connection.execute("SELECT count(*) FROM users").fetchone() == (1,)


def test_dates_round_trip_at_the_edges(store: SqliteStore) -> None:
    import attrs

    for moment in (
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2025, 3, 30, 2, 30, tzinfo=UTC) + timedelta(microseconds=1),
    ):
        with store.transaction() as uow:
            uow.users.delete("u1")
            uow.users.add(attrs.evolve(user(1), created_at=moment, updated_at=moment))
            stored = uow.users.get("u1")
        assert stored is not None and stored.created_at == moment


def test_connect_passes_a_tracer_to_the_sqlite_store(tmp_path: Path) -> None:
    import jobtrack

    told: list[str] = []
    app = jobtrack.connect(
        f"sqlite:///{tmp_path / 'traced.db'}", tracer=lambda sql, _: told.append(sql)
    )
    with app:
        app.register(email="sam@example.com", password="long enough", name="Sam")
    assert any(sql.startswith("INSERT INTO users") for sql in told), told
