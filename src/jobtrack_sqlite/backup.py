"""Online backup of a jobtrack database to a file, and restore from one.

A backup is made with SQLite's backup API from a connection of its own, so it
is one consistent snapshot of committed data, taken while other connections go
on reading and writing. The copy is written beside the target under a
temporary name, checked, flushed to disk and renamed into place, so the target
path holds either the previous file or the complete new backup. Backups use the
rollback journal, so a backup is one self-contained file.

Restore copies a backup into a database file through the same API: every page
is replaced under SQLite's own locks (never by copying files over a live
database, which would mix in its ``-wal`` file).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from jobtrack_core.errors import StoreError
from jobtrack_sqlite.connection import Settings, close_quietly, connect
from jobtrack_sqlite.errors import translate
from jobtrack_sqlite.migrations import check_openable, read_version


def write_backup(source: sqlite3.Connection, target: Path) -> None:
    """Copy the committed content of ``source``'s database to the file ``target``."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            _check_integrity(copy, "the backup")
        finally:
            copy.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    except OSError as exc:
        raise StoreError(f"cannot write the backup {str(target)!r}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def restore_backup(backup: Path, target: str, settings: Settings) -> None:
    """Replace the database at ``target`` with the content of ``backup``."""
    if not backup.is_file():
        raise StoreError(f"there is no backup file at {str(backup)!r}")
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the backup {str(backup)!r}: {exc}") from exc
    try:
        _check_integrity(source, "the backup")
        check_openable(source)
        if read_version(source) == 0:
            raise StoreError(f"{str(backup)!r} is an empty database, not a jobtrack backup")
        destination = connect(target, settings)
        try:
            source.backup(destination)
        finally:
            close_quietly(destination)
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    finally:
        close_quietly(source)


def _check_integrity(connection: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise StoreError(f"{what} fails its integrity check: {'; '.join(problems[:5])}")
    if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise StoreError(f"{what} holds rows whose referenced rows are missing")


def _fsync(path: Path) -> None:
    if path.is_dir() and os.name != "posix":
        return  # directories cannot be opened for syncing there
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
