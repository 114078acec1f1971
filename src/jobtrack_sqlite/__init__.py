"""jobtrack's SQLite store: the embedded default, on the standard library's sqlite3.

>>> from jobtrack_sqlite import SqliteStore
>>> store = SqliteStore(":memory:")
>>> store.close()

See ``docs/sqlite.md`` for opening, durability, concurrency, errors, tracing, backups and
the schema.
"""

from jobtrack_sqlite.migrations import MIGRATIONS, SCHEMA_VERSION, Migration
from jobtrack_sqlite.store import SqliteStore

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "SqliteStore"]
