"""Choose a store from a URL, so applications can pick one from configuration."""

from __future__ import annotations

import os
from typing import Any

from jobtrack_core.errors import StoreError
from jobtrack_core.ports import Store

#: The URL schemes :func:`open_store` understands.
SCHEMES = ("memory://", "sqlite://", "postgresql://", "postgres://")


def open_store(url: str | os.PathLike[str], **options: Any) -> Store:
    """Open the store a URL names.

    - ``memory://``: an in-memory store (:class:`jobtrack_memory.MemoryStore`);
    - ``sqlite:///relative.db``, ``sqlite:////absolute/path.db``, ``sqlite://:memory:``,
      or a plain file path: the embedded SQLite store;
    - ``postgresql://user@host/db``: the PostgreSQL store (needs the ``postgres`` extra).

    ``options`` go to the store's constructor (for example ``synchronous="NORMAL"``).
    """
    text = os.fspath(url)
    if text.startswith("memory://"):
        from jobtrack_memory import MemoryStore

        if options:
            raise TypeError(f"the memory store takes no options, got {sorted(options)}")
        return MemoryStore()
    if text.startswith(("postgresql://", "postgres://")):
        try:
            from jobtrack_postgres import PostgresStore
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise StoreError(
                "the PostgreSQL store needs psycopg: pip install 'jobtrack[postgres]'"
            ) from exc
        return PostgresStore.from_url(text, **options)
    if "://" in text and not text.startswith("sqlite://"):
        raise StoreError(f"unknown store URL {text!r}; use one of {', '.join(SCHEMES)}")
    from jobtrack_sqlite import SqliteStore

    if text.startswith("sqlite://"):
        return SqliteStore.from_url(text, **options)
    return SqliteStore(text, **options)
