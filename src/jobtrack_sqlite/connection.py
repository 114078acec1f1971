"""Opening connections, and running units of work on one of them.

Every connection is in autocommit mode (``isolation_level=None``): jobtrack
issues ``BEGIN IMMEDIATE`` (write) or ``BEGIN`` (read) itself, and nested units
of work become savepoints. Every statement goes through the connection's
``execute``: a store given a tracer opens :class:`TracedConnection` objects,
which call it first; other stores open plain connections, untouched.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Literal

import attrs

from jobtrack_core.errors import StoreError, ValidationError
from jobtrack_sqlite import totals
from jobtrack_sqlite.errors import translate
from jobtrack_sqlite.repositories import SqliteUnitOfWork

Synchronous = Literal["FULL", "NORMAL"]


def _synchronous(value: object) -> Synchronous:
    level = value.upper() if isinstance(value, str) else value
    if level == "FULL":
        return "FULL"
    if level == "NORMAL":
        return "NORMAL"
    raise ValidationError.single("synchronous", f"must be 'FULL' or 'NORMAL', not {value!r}")


def _cache_mib(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise ValidationError.single(
            "cache_mib", f"must be a whole number of MiB from 1 to 1000000, not {value!r}"
        )
    return value


def _busy_timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e9:
        raise ValidationError.single(
            "busy_timeout", f"must be a number of seconds >= 0, not {value!r}"
        )
    return float(value)


#: Called with each statement a store runs, before it runs: its SQL and its parameters
#: (a sequence or a mapping, ``()`` when it has none; for ``executemany``, the list of
#: each row's parameters).
Tracer = Callable[[str, Any], object]


def _tracer(value: object) -> Tracer | None:
    if value is not None and not callable(value):
        raise ValidationError.single(
            "tracer", f"must be a function of (sql, parameters) or None, not {value!r}"
        )
    return value


class TracedConnection(sqlite3.Connection):
    """A connection that gives its :attr:`tracer` every statement before running it."""

    tracer: Tracer

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.tracer(sql, parameters)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        rows = list(parameters)
        self.tracer(sql, rows)
        return super().executemany(sql, rows)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        self.tracer(sql_script, ())
        return super().executescript(sql_script)


@attrs.frozen
class Settings:
    """How connections are configured: durability, how long to wait for a lock, how
    much of the database each connection may keep in memory, and who is told of each
    statement."""

    synchronous: Synchronous = attrs.field(default="FULL", converter=_synchronous)
    busy_timeout: float = attrs.field(default=30.0, converter=_busy_timeout)
    #: The most each connection's page cache holds (SQLite's own default is 2 MiB).
    #: Memory is taken only as pages are read, so a small database uses little.
    cache_mib: int = attrs.field(default=64, converter=_cache_mib)
    tracer: Tracer | None = attrs.field(default=None, converter=_tracer)


def connect(target: str, settings: Settings, *, uri: bool = False) -> sqlite3.Connection:
    """Open and configure one connection to ``target`` (an SQLite URI if ``uri``):
    foreign keys on (and verified), busy timeout, synchronous level, page cache size.
    Raises StoreError if SQLite will not comply."""
    options: dict[str, Any] = {
        "timeout": settings.busy_timeout,
        "isolation_level": None,
        "check_same_thread": False,
        "cached_statements": 256,
        "uri": uri,
    }
    connection: sqlite3.Connection
    try:
        if settings.tracer is None:
            connection = sqlite3.connect(target, **options)
        else:
            traced = sqlite3.connect(target, factory=TracedConnection, **options)
            traced.tracer = settings.tracer  # before the first statement
            connection = traced
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {target!r}: {exc}") from exc
    try:
        # Outside any transaction, where SQLite honours it; then read it back.
        connection.execute("PRAGMA foreign_keys = ON")
        enforced = connection.execute("PRAGMA foreign_keys").fetchone()
        if enforced is None or enforced[0] != 1:
            raise StoreError("this SQLite build does not enforce foreign keys; jobtrack needs them")
        connection.execute(f"PRAGMA busy_timeout = {round(settings.busy_timeout * 1000):d}")
        connection.execute(f"PRAGMA synchronous = {settings.synchronous}")
        connection.execute(f"PRAGMA cache_size = {-1024 * settings.cache_mib:d}")
    except BaseException as exc:
        connection.close()
        if isinstance(exc, sqlite3.Error):
            raise translate(exc) from exc
        raise
    return connection


def use_wal(connection: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch the database file to write-ahead logging (persistent in the file).

    A file already in WAL mode takes no lock here. The switch itself needs the file
    to itself, and while another connection is writing (several processes opening a
    new file at once) SQLite refuses it at once, whatever the busy timeout: it reads
    the file first, and a read that would become a write does not wait. So the switch
    is tried again, with short pauses, until ``busy_timeout`` seconds have gone; then
    the "database is locked" error is raised.
    """
    deadline = time.monotonic() + busy_timeout
    pause = 0.001
    while _journal_mode(connection) != "wal":
        try:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(2 * pause, 0.05)
            continue
        if str(mode).lower() != "wal":
            raise StoreError(f"the database could not switch to WAL journaling (it is {mode!r})")
        return


def _journal_mode(connection: sqlite3.Connection) -> str:
    return str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower()


class Link:
    """One connection, the unit of work bound to it, and how deep its transactions nest."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        try:
            totals.count_inserts(connection)
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        self.unit = SqliteUnitOfWork(connection)
        self.depth = 0
        self.pid = os.getpid()
        #: Set when a rollback failed; the store then replaces this connection.
        self.broken = False

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[SqliteUnitOfWork]:
        """A unit of work: a transaction at the outermost level, a savepoint inside one."""
        depth = self.depth
        savepoint = f"jobtrack_{depth}"
        if depth == 0:
            self._run("BEGIN IMMEDIATE" if write else "BEGIN")
        else:
            self._run(f"SAVEPOINT {savepoint}")
        self.depth = depth + 1
        try:
            yield self.unit
        except BaseException as exc:
            self.depth = depth
            self._undo(depth, savepoint, exc)
            raise
        self.depth = depth
        if depth == 0:
            self._commit()
        else:
            self._run(f"RELEASE {savepoint}")

    def _run(self, sql: str) -> None:
        try:
            self.connection.execute(sql)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def _commit(self) -> None:
        connection = self.connection
        if not connection.in_transaction:
            raise StoreError(
                "the database rolled this transaction back after an error; nothing was written"
            )
        try:
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            self._undo(0, "", exc)
            raise translate(exc) from exc

    def _undo(self, depth: int, savepoint: str, cause: BaseException) -> None:
        connection = self.connection
        try:
            if depth == 0:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            elif connection.in_transaction:
                connection.execute(f"ROLLBACK TO {savepoint}")
                connection.execute(f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            cause.add_note(f"rolling back also failed: {exc}")
            self.broken = True

    def close(self) -> None:
        close_quietly(self.connection)


def close_quietly(connection: sqlite3.Connection) -> None:
    """Close ``connection``, ignoring a failure (it is going away either way)."""
    with suppress(sqlite3.Error):
        connection.close()
