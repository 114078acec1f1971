"""Forward migrations of the schema, recorded in ``PRAGMA user_version``.

:data:`MIGRATIONS` lists every version in order; version ``n`` turns a database
at version ``n - 1`` into one at version ``n``. A later version appends one
:class:`Migration` (SQL statements, Python functions, or both), and never edits
an earlier one.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with
the update of ``user_version``, so it is applied completely or not at all, and
two processes opening one file at once apply it exactly once. Re-opening a
database that is up to date changes nothing. A database whose version is newer
than this code knows raises :class:`~jobtrack_core.errors.SchemaVersionError`
before anything is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

import attrs

from jobtrack_core.errors import SchemaVersionError, StoreError
from jobtrack_sqlite import schema, totals
from jobtrack_sqlite.errors import translate

#: One step of a migration: an SQL statement, or a function given the connection.
Step = str | Callable[[sqlite3.Connection], None]


@attrs.frozen
class Migration:
    """What turns a database at ``version - 1`` into one at ``version``."""

    version: int
    description: str
    steps: tuple[Step, ...]

    def apply(self, connection: sqlite3.Connection) -> None:
        for step in self.steps:
            if isinstance(step, str):
                connection.execute(step)
            else:
                step(connection)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "users, customers, jobs and sessions", schema.VERSION_1),
    Migration(2, "running totals for the dashboard and reports", totals.VERSION_2),
)

#: The schema version this code writes.
SCHEMA_VERSION = MIGRATIONS[-1].version


def read_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def check_openable(
    connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """The database's schema version, after making sure this code may open it.

    Reads only. Raises SchemaVersionError for a newer jobtrack database and
    StoreError for a database that is not jobtrack's.
    """
    latest = migrations[-1].version if migrations else 0
    version = read_version(connection)
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if application_id not in (0, schema.APPLICATION_ID) or (application_id == 0 and version):
        raise StoreError("the file holds an SQLite database that is not a jobtrack database")
    if version == 0 and connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
        raise StoreError("the file holds an SQLite database that is not a jobtrack database")
    if version > latest:
        raise SchemaVersionError(version, latest)
    return version


def upgrade(
    connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Apply every migration the database lacks, each in its own transaction.

    ``connection`` must be in autocommit mode (``isolation_level=None``) and
    outside a transaction. Returns the versions applied (empty when the
    database was up to date).
    """
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(f"migration versions must be 1, 2, 3, ...; got {migration.version}")
    check_openable(connection, migrations)
    applied = []
    for migration in migrations:
        if read_version(connection) >= migration.version:
            continue
        if _apply(connection, migration):
            applied.append(migration.version)
    return applied


def _apply(connection: sqlite3.Connection, migration: Migration) -> bool:
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            if read_version(connection) >= migration.version:  # another process was first
                connection.execute("ROLLBACK")
                return False
            migration.apply(connection)
            connection.execute(f"PRAGMA user_version = {migration.version:d}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except Exception as exc:
        error = translate(exc)
        raise StoreError(
            f"migrating the database to schema version {migration.version} "
            f"({migration.description}) failed; it was left at version "
            f"{migration.version - 1}: {error}"
        ) from exc
    return True
