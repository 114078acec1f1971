"""The PostgreSQL store: units of work on pooled psycopg connections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import attrs
import psycopg
from psycopg import IsolationLevel
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from jobtrack_core.errors import StoreError, ValidationError
from jobtrack_core.kit import Closing
from jobtrack_postgres.errors import translated
from jobtrack_postgres.migrations import migrate
from jobtrack_postgres.tracing import Tracer, traced_cursor
from jobtrack_postgres.unit_of_work import PostgresUnitOfWork

#: How units of work opened with ``write=True`` are isolated.
Isolation = Literal["read committed", "serializable"]

_ISOLATION: dict[str, IsolationLevel] = {
    "read committed": IsolationLevel.READ_COMMITTED,
    "serializable": IsolationLevel.SERIALIZABLE,
}
_URL_SCHEMES = ("postgresql://", "postgres://")

Conn = psycopg.Connection[Any]


@attrs.define
class _Active:
    """This thread's unit of work: its connection, whether it may write, its repositories."""

    conn: Conn
    write: bool
    uow: PostgresUnitOfWork
    restore: tuple[bool | None, IsolationLevel | None, int | None]
    cursor_factory: type[psycopg.Cursor[Any]] | None = None  # the connection's own, if traced


class PostgresStore(Closing):
    """A store on a PostgreSQL database, shared safely by threads and processes.

    Open it from a connection string or URL, or on a pool you already have::

        store = PostgresStore("postgresql://app@db.example.com/jobtrack", max_size=20)
        store = PostgresStore(pool=my_pool)  # the pool stays yours: close() leaves it open

    Opening brings the schema up to date (see :mod:`jobtrack_postgres.migrations`).

    Each thread has its own unit of work: the outermost ``transaction()`` takes a
    connection from the pool and begins a transaction; nested ones are savepoints
    on the same connection. ``write=False`` units of work are ``READ ONLY`` at
    ``REPEATABLE READ``, so every read in them sees one snapshot. Write units of
    work run at ``READ COMMITTED`` and lock each record they read by id until
    they end; pass ``isolation="serializable"`` to run them at ``SERIALIZABLE``,
    where a conflict with a concurrent unit of work raises
    :class:`~jobtrack_core.errors.RetryableError` (run the unit of work again).

    ``tracer(sql, params)``, if given, is called before each statement the store
    runs (see :mod:`jobtrack_postgres.tracing`).
    """

    def __init__(
        self,
        conninfo: str | None = None,
        *,
        pool: ConnectionPool[Any] | None = None,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 30.0,
        isolation: Isolation = "read committed",
        tracer: Tracer | None = None,
    ) -> None:
        if (conninfo is None) == (pool is None):
            raise ValidationError.single(
                "conninfo", "give either a connection string or URL, or a pool (not both)"
            )
        if isolation not in _ISOLATION:
            raise ValidationError.single("isolation", f"must be one of {sorted(_ISOLATION)}")
        self._write_isolation = _ISOLATION[isolation]
        self._timeout = timeout
        self._cursor_factory = None if tracer is None else traced_cursor(tracer)
        self._local = threading.local()
        self._closed = False
        if pool is not None:
            self._pool = pool
            self._owns_pool = False
            self._describe = f"pool={pool.name!r}"
            self._migrate_on_pool()
        else:
            assert conninfo is not None
            self._describe = _describe(conninfo)
            connect = _connect_options(conninfo, timeout)
            self._migrate_direct(conninfo, connect)
            self._pool = _open_pool(conninfo, connect, min_size, max_size, timeout)
            self._owns_pool = True

    @classmethod
    def from_url(cls, url: str, **options: Any) -> PostgresStore:
        """Open the store at ``postgresql://user:password@host:port/dbname?param=value``.

        Query parameters are libpq's (``sslmode``, ``connect_timeout``,
        ``application_name``, ...), plus the store's own ``min_size``,
        ``max_size``, ``timeout`` and ``isolation``, so that a whole configuration
        fits in one URL. ``options`` are the constructor's and win over the URL.
        """
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES):
            raise ValidationError.single("url", "must start with postgresql:// or postgres://")
        conninfo, from_query = _split_options(url)
        return cls(conninfo, **(from_query | options))

    # -- opening -----------------------------------------------------------------
    def _migrate_direct(self, conninfo: str, connect: dict[str, Any]) -> None:
        with translated():
            conn = psycopg.connect(conninfo, **connect)
        if self._cursor_factory is not None:
            conn.cursor_factory = self._cursor_factory
        try:
            with translated():
                migrate(conn)
        finally:
            conn.close()

    def _migrate_on_pool(self) -> None:
        with translated():
            conn = self._pool.getconn(timeout=self._timeout)
        own = self._trace(conn)
        try:
            with translated():
                if not conn.autocommit and conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.rollback()
                migrate(conn)
        finally:
            if own is not None:
                conn.cursor_factory = own
            with translated():
                self._pool.putconn(conn)

    def _trace(self, conn: Conn) -> type[psycopg.Cursor[Any]] | None:
        """Give ``conn`` the tracing cursor class, if there is a tracer; return the class
        it had, to be given back."""
        if self._cursor_factory is None:
            return None
        own = conn.cursor_factory
        conn.cursor_factory = self._cursor_factory
        return own

    # -- units of work -------------------------------------------------------------
    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[PostgresUnitOfWork]:
        """Open a unit of work, nested inside this thread's current one if there is one.

        It commits when the block ends normally and rolls back when it raises.
        A nested unit of work is a savepoint: if it raises, only its own changes
        are undone. ``write=True`` inside a ``write=False`` one is refused.
        """
        active: _Active | None = getattr(self._local, "active", None)
        if active is None:
            yield from self._outermost(write)
        else:
            yield from self._nested(active, write)

    def _outermost(self, write: bool) -> Iterator[PostgresUnitOfWork]:
        if self._closed:
            raise StoreError("the store is closed")
        active = self._checkout(write)
        try:
            with translated(), active.conn.transaction():
                self._local.active = active
                try:
                    yield active.uow
                finally:
                    self._local.active = None
                _require_usable(active.conn)
                active.uow.history.flush()
        finally:
            self._checkin(active)

    def _nested(self, active: _Active, write: bool) -> Iterator[PostgresUnitOfWork]:
        if write and not active.write:
            raise StoreError(
                "a unit of work that writes cannot run inside a read-only one (write=False)"
            )
        mark = active.uow.history.mark()
        try:
            with translated(), active.conn.transaction():
                yield active.uow
                _require_usable(active.conn)
        except BaseException:
            active.uow.history.back_to(mark)  # the savepoint's numbers are given back
            raise

    def _checkout(self, write: bool) -> _Active:
        with translated():
            conn = self._pool.getconn(timeout=self._timeout)
        own = self._trace(conn)
        try:
            with translated():
                _use_utc(conn)
                restore = (conn.read_only, conn.isolation_level, conn.prepare_threshold)
                conn.read_only = not write
                # Every statement is planned for its own values: a prepared statement's
                # generic plan is chosen once for all owners, and an owner with a
                # hundred times the jobs of another needs another plan (a later page of
                # a large owner's listing took 40 times as long under a generic plan).
                conn.prepare_threshold = None
                conn.isolation_level = (
                    self._write_isolation if write else IsolationLevel.REPEATABLE_READ
                )
        except BaseException:
            if own is not None:
                conn.cursor_factory = own
            with translated():
                self._pool.putconn(conn)
            raise
        uow = PostgresUnitOfWork(conn, lock_rows=write)
        return _Active(conn, write, uow, restore, own)

    def _checkin(self, active: _Active) -> None:
        conn = active.conn
        if active.cursor_factory is not None:
            conn.cursor_factory = active.cursor_factory
        with translated():
            read_only, isolation_level, conn.prepare_threshold = active.restore
            try:
                if not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE:
                    conn.read_only, conn.isolation_level = read_only, isolation_level
            finally:
                self._pool.putconn(conn)

    # -- closing -------------------------------------------------------------------
    def close(self) -> None:
        """Close the store, and its pool if the store opened it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owns_pool:
            with translated():
                self._pool.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self._describe})"


_STORE_OPTIONS: dict[str, Callable[[str], Any]] = {
    "min_size": int,
    "max_size": int,
    "timeout": float,
    "isolation": str,
}


def _split_options(url: str) -> tuple[str, dict[str, Any]]:
    """The URL without the store's own query parameters, and those parameters."""
    parts = urlsplit(url)
    kept: list[tuple[str, str]] = []
    options: dict[str, Any] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        convert = _STORE_OPTIONS.get(name)
        if convert is None:
            kept.append((name, value))
            continue
        try:
            options[name] = convert(value)
        except ValueError:
            raise ValidationError.single("url", f"bad value {value!r} for {name}") from None
    if not options:
        return url, options
    query = urlencode(kept, quote_via=quote)
    rebuilt = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")
    return rebuilt, options


def _connect_options(conninfo: str, timeout: float) -> dict[str, Any]:
    """Connections in autocommit mode (the store begins its own transactions) that give up
    connecting after ``timeout`` seconds unless the conninfo says otherwise."""
    options: dict[str, Any] = {"autocommit": True}
    with translated():
        given = conninfo_to_dict(conninfo)
    if "connect_timeout" not in given:
        options["connect_timeout"] = max(2, round(timeout))
    return options


def _open_pool(
    conninfo: str, connect: dict[str, Any], min_size: int, max_size: int, timeout: float
) -> ConnectionPool[Any]:
    try:
        return ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs=connect,
            name="jobtrack",
            open=True,
        )
    except (psycopg.Error, ValueError) as exc:
        raise StoreError(f"cannot open a connection pool: {exc}") from exc


def _use_utc(conn: Conn) -> None:
    """Make the session time zone ``UTC``, so that timestamps load exactly at any date, as
    :data:`datetime.UTC` (psycopg gives that for ``UTC`` itself, a ``ZoneInfo`` for its
    other names, such as a server's default ``Etc/UTC``)."""
    if conn.info.parameter_status("TimeZone") == "UTC":
        return
    conn.execute("SET TimeZone TO 'UTC'")
    if not conn.autocommit:
        conn.commit()


def _require_usable(conn: Conn) -> None:
    if conn.info.transaction_status == TransactionStatus.INERROR:
        raise StoreError(
            "a statement of this unit of work failed in the database (for example in a race "
            "with another connection); the unit of work was rolled back"
        )


def _describe(conninfo: str) -> str:
    """Where the store points, without the password."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        return "<unparsable conninfo>"
    shown = {k: params[k] for k in ("host", "port", "dbname", "user") if params.get(k)}
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())
