"""Schema migrations, recorded in the database itself.

Each applied version is a row of ``schema_migrations``. A version is a list of SQL
statements, and of functions run on the migration's connection where SQL alone cannot
say it (version 6 builds each opening payment with the library's own rule). Every migration runs in
its own transaction together with the row that records it, so a migration is
applied entirely or not at all. Each of those transactions first takes a
transaction-level advisory lock, so that several processes opening the same
database at once apply every migration exactly once: the others wait, then see
the new version and skip it. A database of a newer version than this code knows
is refused with :class:`SchemaVersionError` before anything is changed.
"""

from __future__ import annotations

from typing import Any

import psycopg

from jobtrack_core.errors import SchemaVersionError, StoreError
from jobtrack_postgres.ledger import Step
from jobtrack_postgres.schema import VERSIONS

#: The schema version this code writes and reads.
SCHEMA_VERSION = len(VERSIONS)
#: The advisory lock key that serialises migrations: the bytes of "jobtrack".
LOCK_KEY = int.from_bytes(b"jobtrack", "big")

Versions = tuple[tuple[str, tuple[str | Step, ...]], ...]

_CREATE_TABLE = """
    CREATE TABLE schema_migrations (
        version     integer PRIMARY KEY,
        description text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
    )
"""


def current_version(conn: psycopg.Connection[Any]) -> int:
    """The highest recorded version, or 0 when nothing was ever applied."""
    if not _recorded(conn):
        return 0
    found = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(found[0]) if found else 0


def _recorded(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    return bool(row and row[0])


def migrate(conn: psycopg.Connection[Any], versions: Versions = VERSIONS) -> int:
    """Apply every missing version in order, one transaction each; return the version reached.

    ``conn`` must not be inside a transaction. Raises :class:`SchemaVersionError`
    (changing nothing) if the database is newer than ``versions``.
    """
    encoding = conn.info.parameter_status("server_encoding")
    if encoding != "UTF8":
        raise StoreError(f"the database must use UTF8 encoding, not {encoding!r}")
    latest = len(versions)
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            found = current_version(conn)
            if found > latest:
                raise SchemaVersionError(found, latest)
            if found == latest:
                return found
            if not _recorded(conn):
                conn.execute(_CREATE_TABLE)
            description, statements = versions[found]
            for step in statements:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                (found + 1, description),
            )
