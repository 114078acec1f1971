"""Reading a database file that this process may not write.

A WAL database is read through two files beside it, ``<file>-wal`` (commits not yet
copied into the file) and ``<file>-shm`` (the index of the ``-wal`` file, shared by
every connection as memory). SQLite creates them when the first connection opens the
file and removes them when the last one closes it. A process that may not write the
file or its folder therefore cannot read it the ordinary way: SQLite would need to
create those files in a folder it may not write to ("attempt to write a readonly
database"), or, in a folder it may write to, would create them as the reader's own
files and leave them there, and the owner could then no longer write to the database.

So a store over such a file opens it read-only (``mode=ro``), and:

- when no ``-wal`` file is there (or an empty one without ``-shm``), every commit is in
  the file itself: it is opened ``immutable=1``, which reads the file alone, takes no
  locks and creates nothing beside it;
- when both ``-wal`` and ``-shm`` are there (someone is using the database), it reads
  through them, seeing every commit, with SQLite's locks, and creates nothing;
- when a ``-wal`` file with commits is there without its ``-shm``, it cannot be read
  without creating one: :class:`~jobtrack_core.errors.StoreError` says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from jobtrack_core.errors import StoreError

_WAL, _SHM = "-wal", "-shm"


def writable(path: str) -> bool:
    """Whether this process may write the database file ``path`` and SQLite's files
    beside it (create them in the folder, or write the ones already there)."""
    if not os.access(path, os.W_OK):
        return False
    folder = os.path.dirname(os.path.abspath(path))
    if os.access(folder, os.W_OK | os.X_OK):
        return True
    return all(os.access(path + suffix, os.W_OK) for suffix in (_WAL, _SHM))


def read_only_uri(path: str) -> str:
    """The SQLite URI that reads ``path`` without writing anything (see the module)."""
    uri = Path(os.path.abspath(path)).as_uri()
    wal = _size(path + _WAL)
    if wal is not None and _size(path + _SHM) is not None:
        return f"{uri}?mode=ro"
    if not wal:
        return f"{uri}?mode=ro&immutable=1"
    raise StoreError(
        f"{path} cannot be read without write access: {Path(path).name}{_WAL} holds commits "
        f"not yet in the file, and reading them needs {Path(path).name}{_SHM}, which is "
        "missing; open the database once where it may be written (that moves the commits "
        "into the file)"
    )


def _size(path: str) -> int | None:
    """The size of the file ``path``, or None if there is none."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return None


def refusal(path: str) -> StoreError:
    """The error for a change to a database this process may only read."""
    which = "the file" if not os.access(path, os.W_OK) else "the folder it is in"
    return StoreError(
        f"{path} can only be read here: {which} is read-only for this process, so nothing "
        "can be changed"
    )
