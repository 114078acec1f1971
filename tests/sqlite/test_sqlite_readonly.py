"""A database file this process may read but not write: read without writing anything.

The first tests make the store take the file for one it may not write (whoever runs
them, root included, for whom file permissions do not bind), and check what it then
does: which SQLite URI it reads through, that reads see every commit, that writes are
refused saying why, that no file is created beside the database. The last test uses real
file permissions, and so cannot run as root.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobtrack_core import Jobtrack, StoreError
from jobtrack_core.entities import User
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore, readonly

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def user(n: int) -> User:
    return User(f"u{n}", f"u{n}@x.co", "U", None, "hash", NOW, NOW)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A closed database with one user: every commit is in the file, no -wal beside it."""
    path = tmp_path / "shop.db"
    with SqliteStore(path) as store, store.transaction() as uow:
        uow.users.add(user(1))
    assert files(tmp_path) == ["shop.db"]
    return path


@pytest.fixture
def may_not_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process is taken to lack write access to every database file."""
    monkeypatch.setattr(readonly, "writable", lambda path: False)


@pytest.mark.usefixtures("may_not_write")
def test_a_file_no_one_is_using_is_read_immutable_and_left_as_it_was(database: Path) -> None:
    before = digest(database)
    assert readonly.read_only_uri(str(database)).endswith("?mode=ro&immutable=1")
    with SqliteStore(database) as store:
        with store.transaction(write=False) as uow:
            assert uow.users.get("u1") == user(1)
        app = Jobtrack(store)
        assert app.workspace("u1").dashboard().customers == 0
        refused = pytest.raises(StoreError, match=re.escape(f"{database} can only be read here"))
        with refused, store.transaction() as uow:
            uow.users.add(user(2))
        with pytest.raises(StoreError, match="can only be read here"):
            app.register(email="b@x.co", password="correct horse", name="B")
    assert files(database.parent) == ["shop.db"] and digest(database) == before


@pytest.fixture
def in_use(database: Path) -> Iterator[SqliteStore]:
    """The database held open by a writer, with a commit that is only in its -wal file."""
    with SqliteStore(database) as writer:
        with writer.transaction() as uow:
            uow.users.add(user(2))
        assert (database.parent / "shop.db-wal").stat().st_size > 0
        yield writer


def test_a_file_in_use_is_read_through_its_wal_seeing_every_commit(
    database: Path, in_use: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readonly, "writable", lambda path: False)
    present = files(database.parent)
    assert present == ["shop.db", "shop.db-shm", "shop.db-wal"]
    assert readonly.read_only_uri(str(database)).endswith("?mode=ro")
    with SqliteStore(database) as reader:
        with reader.transaction(write=False) as uow:
            assert uow.users.get("u2") is not None  # immutable=1 would not see it
        with in_use.transaction() as uow:
            uow.users.add(user(3))
        with reader.transaction(write=False) as uow:
            assert uow.users.get("u3") is not None  # nor a commit made meanwhile
    assert files(database.parent) == present


def test_commits_in_a_wal_without_its_shm_cannot_be_read_and_it_says_why(
    database: Path, in_use: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("shop.db", "shop.db-wal"):  # as a careless copy would take them
        shutil.copy(database.parent / name, copy / name)
    monkeypatch.setattr(readonly, "writable", lambda path: False)
    with pytest.raises(
        StoreError, match=r"shop\.db-wal holds commits.*shop\.db-shm, which is missing"
    ):
        SqliteStore(copy / "shop.db")
    assert files(copy) == ["shop.db", "shop.db-wal"]


@pytest.mark.usefixtures("may_not_write")
def test_a_database_to_upgrade_or_to_create_is_refused_and_left_alone(
    database: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(database) as shell:
        shell.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    shell.close()
    before = digest(database)
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION - 1}, which must"):
        SqliteStore(database)
    assert digest(database) == before
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="holds no jobtrack database yet"):
        SqliteStore(empty)
    assert empty.stat().st_size == 0


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="file permissions do not bind root; the tests above force the read-only path",
)
@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("read_only", ["file and folder", "file", "folder"])
def test_real_permissions(database: Path, read_only: str) -> None:
    folder = database.parent
    try:
        if read_only != "folder":
            database.chmod(0o444)
        if read_only != "file":
            folder.chmod(0o555)
        assert not readonly.writable(str(database))
        with SqliteStore(database) as store:
            with store.transaction(write=False) as uow:
                assert uow.users.get("u1") == user(1)
            refused = pytest.raises(StoreError, match="can only be read here")
            with refused, store.transaction() as uow:
                uow.users.add(user(2))
        assert files(folder) == ["shop.db"]
    finally:
        folder.chmod(0o755)
        database.chmod(0o644)
    assert readonly.writable(str(database))
