"""The SQLite store: a database file (or memory) behind :class:`jobtrack_core.ports.Store`."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from jobtrack_core.errors import StoreError, ValidationError
from jobtrack_core.kit import Closing
from jobtrack_sqlite import readonly, urls
from jobtrack_sqlite.backup import restore_backup, write_backup
from jobtrack_sqlite.connection import (
    Link,
    Settings,
    Synchronous,
    Tracer,
    close_quietly,
    connect,
    use_wal,
)
from jobtrack_sqlite.errors import translate
from jobtrack_sqlite.migrations import SCHEMA_VERSION, check_openable, upgrade
from jobtrack_sqlite.repositories import SqliteUnitOfWork

T = TypeVar("T")

#: Connections inherited through ``fork()``: never used nor closed by the child.
_INHERITED: list[Link] = []


def _target(path: object) -> str:
    if isinstance(path, str | os.PathLike):
        target = os.fspath(path)
        if isinstance(target, str) and target:
            return target
    raise ValidationError.single("path", f"must be a file path or ':memory:', not {path!r}")


def _file(path: object, field: str) -> str:
    target = _target(path)
    if target == urls.MEMORY:
        raise ValidationError.single(field, "must be a file path")
    return target


class SqliteStore(Closing):
    """A jobtrack store in an SQLite database file, or in memory.

    ``path`` is a file path (``str`` or :class:`pathlib.Path`; the file is
    created if missing) or ``":memory:"`` for a private in-memory database.
    Opening a file upgrades its schema if it was written by an older jobtrack,
    and refuses (:class:`~jobtrack_core.errors.SchemaVersionError`) one written
    by a newer jobtrack, leaving it untouched.

    - ``synchronous``: ``"FULL"`` (default) makes every commit durable through a
      power loss; ``"NORMAL"`` is faster and still never corrupts the file, but
      the last commits before a power loss (not a process crash) may be lost.
    - ``busy_timeout``: seconds a transaction waits for another writer's lock
      before it fails with :class:`~jobtrack_core.errors.RetryableError` (nothing
      was written; run the unit of work again, see :mod:`jobtrack_core.retry`).
    - ``cache_mib``: the most each connection keeps of the database in memory
      (64 MiB by default; SQLite's own default of 2 MiB makes bulk imports into
      a large database several times slower).
    - ``tracer``: a function called with each statement the store runs, before it
      runs, as ``tracer(sql, parameters)`` (the parameters as given to SQLite,
      ``()`` when there are none): ``tracer=print`` shows them all. A store
      without a tracer runs plain connections, at no cost. An exception the tracer
      raises propagates, and the statement does not run.

    Threads may share a store: each thread gets its own connection to a file
    (an in-memory store has one connection, and its units of work take turns).
    Several processes may open the same file.

    A file this process may read but not write (the file or its folder is
    read-only) is opened read-only, without creating anything beside it: it
    can be read, and a write unit of work raises StoreError saying why. It
    must be at the current schema version (an upgrade writes).

    >>> with SqliteStore(":memory:") as store:
    ...     with store.transaction(write=False) as uow:
    ...         print(uow.users.get("nobody"))
    None
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = 30.0,
        cache_mib: int = 64,
        tracer: Tracer | None = None,
    ) -> None:
        self._target = _target(path)
        self._settings = Settings(
            synchronous=synchronous, busy_timeout=busy_timeout, cache_mib=cache_mib, tracer=tracer
        )
        #: The URI that reads the file, when this process may not write it.
        self._read_only: str | None = None
        if (
            self._target != urls.MEMORY
            and os.path.exists(self._target)
            and not readonly.writable(self._target)
        ):
            self._read_only = readonly.read_only_uri(self._target)
        self._closed = False
        self._registry = threading.Lock()
        self._finalizers: list[weakref.finalize[Any, Link]] = []
        self._local = threading.local()
        self._shared: Link | None = None
        self._turns: AbstractContextManager[Any] = nullcontext()
        first = self._open()
        if self._target == urls.MEMORY:
            self._shared = first
            self._turns = threading.RLock()
        else:
            self._adopt(first)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        synchronous: Synchronous | None = None,
        busy_timeout: float | None = None,
        cache_mib: int | None = None,
        tracer: Tracer | None = None,
    ) -> SqliteStore:
        """Open the store a URL names: ``sqlite:///relative.db``, ``sqlite:////abs/x.db``,
        ``memory://``; options as parameters, e.g. ``?synchronous=NORMAL&busy_timeout=5``.
        Options given as arguments take precedence over the URL's; a ``tracer`` can only
        be given as an argument."""
        target, options = urls.parse(url)
        if tracer is not None:
            options["tracer"] = tracer
        if synchronous is not None:
            options["synchronous"] = synchronous
        if busy_timeout is not None:
            options["busy_timeout"] = busy_timeout
        if cache_mib is not None:
            options["cache_mib"] = cache_mib
        return cls(target, **options)

    # -- connections -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._read_only is not None:
            return connect(self._read_only, self._settings, uri=True)
        return connect(self._target, self._settings)

    def _open(self) -> Link:
        """The first connection: check the file, switch to WAL, apply migrations."""
        connection = self._connect()
        try:
            version = check_openable(connection)  # before anything could write
            if self._read_only is not None:
                if version == 0:
                    raise StoreError(
                        f"{self._target} holds no jobtrack database yet, and this process "
                        "may not write to it to create one"
                    )
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{self._target} holds a jobtrack database of schema version "
                        f"{version}, which must be upgraded to {SCHEMA_VERSION} before it "
                        "is read; this process may not write to it"
                    )
                return Link(connection)
            if self._target != urls.MEMORY:
                use_wal(connection, self._settings.busy_timeout)
            upgrade(connection)
        except BaseException as exc:
            close_quietly(connection)
            if isinstance(exc, Exception):
                raise translate(exc) from exc
            raise
        return Link(connection)

    def _adopt(self, link: Link) -> None:
        self._local.link = link
        finalizer = weakref.finalize(link, close_quietly, link.connection)
        with self._registry:
            self._finalizers = [f for f in self._finalizers if f.alive]
            self._finalizers.append(finalizer)

    def _link(self) -> Link:
        if self._closed:
            raise StoreError("the store is closed")
        if self._shared is not None:
            return self._shared
        link: Link | None = getattr(self._local, "link", None)
        if link is not None and link.pid != os.getpid():
            self._forget_inherited()
            link = None
        if link is None or (link.broken and link.depth == 0):
            if link is not None:
                link.close()
            link = Link(self._connect())
            self._adopt(link)
        return link

    def _forget_inherited(self) -> None:
        """After ``fork()``: leave the parent's connections alone, open new ones."""
        with self._registry:
            for finalizer in self._finalizers:
                detached = finalizer.detach()
                if detached is not None:
                    _INHERITED.append(detached[0])
            self._finalizers = []
        self._local = threading.local()

    # -- the Store protocol ------------------------------------------------------------
    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[SqliteUnitOfWork]:
        """A unit of work: committed when the block ends, rolled back if it raises.

        The outermost unit on a thread is a transaction (``BEGIN IMMEDIATE`` to
        write, ``BEGIN`` to read only); a unit opened inside it is a savepoint.
        Writing inside a ``write=False`` unit works, but fails with RetryableError
        if another connection wrote since it began reading.
        """
        if write and self._read_only is not None:
            raise readonly.refusal(self._target)
        with self._turns, self._link().transaction(write=write) as unit:
            yield unit

    def close(self) -> None:
        """Close every connection of this store. Using it afterwards raises StoreError."""
        with self._turns, self._registry:
            if self._closed:
                return
            self._closed = True
            finalizers, self._finalizers = self._finalizers, []
        for finalizer in finalizers:
            finalizer()
        if self._shared is not None:
            self._shared.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self._target!r})"

    # -- backup and restore ------------------------------------------------------------
    def backup(self, target: str | os.PathLike[str]) -> None:
        """Write a consistent copy of everything committed so far to the file ``target``.

        Runs online: other threads and processes keep reading and writing. The
        file at ``target`` is replaced only once the copy is complete and checked.
        """
        path = Path(_file(target, "target"))
        if self._shared is not None:
            self._within_turn(lambda link: write_backup(link.connection, path))
            return
        if self._closed:
            raise StoreError("the store is closed")
        source = self._connect()
        try:
            write_backup(source, path)
        finally:
            close_quietly(source)

    def _within_turn(self, action: Callable[[Link], T]) -> T:
        with self._turns:
            link = self._link()
            if link.depth:
                raise StoreError("backup() cannot run inside a transaction of an in-memory store")
            return action(link)

    @staticmethod
    def restore(
        backup: str | os.PathLike[str],
        target: str | os.PathLike[str],
        *,
        busy_timeout: float = 30.0,
    ) -> None:
        """Replace the database file ``target`` with the content of the file ``backup``.

        The backup is checked first (integrity, foreign keys, schema version); a
        backup from a newer jobtrack raises SchemaVersionError and nothing is
        changed. The target is rewritten through SQLite, so a stale ``-wal`` file
        cannot leak into it; stores open on it see the restored data afterwards.
        Open the target with :class:`SqliteStore` to upgrade an older backup.
        """
        restore_backup(
            Path(_file(backup, "backup")),
            _file(target, "target"),
            Settings(busy_timeout=busy_timeout),
        )
