"""Online backup of a live database, and restore."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import attrs
import pytest

from jobtrack_core import JobFilter, Jobtrack, SchemaVersionError, StoreError, Workspace
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore


def open_app(target: Path | str) -> tuple[Jobtrack, Workspace, str]:
    app = Jobtrack(SqliteStore(target, synchronous="NORMAL"), hasher=Argon2Hasher.for_tests())
    ws = app.workspace(app.register(email="b@x.co", password=PASSWORD, name="B").id)
    return app, ws, ws.add_customer("Ada").id


def job_ids(path: Path, user_id: str) -> list[str]:
    with SqliteStore(path) as store, store.transaction(write=False) as uow:
        return [j.id for j in uow.jobs.list(user_id, JobFilter())]


def test_a_backup_of_a_live_database_is_one_consistent_snapshot(tmp_path: Path) -> None:
    app, ws, customer_id = open_app(tmp_path / "live.db")
    filler = ws.create_job(customer_id, "filler", description="d" * 2000, id="filler")
    with app.store.transaction() as uow:  # a few megabytes, so the copy takes a while
        uow.jobs.add_many(attrs.evolve(filler, id=f"filler-{i}") for i in range(2000))
    first_batch = threading.Event()
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        n = 0
        while not stop.is_set() or n < 40:
            with ws.atomic():  # two rows per commit: a snapshot holds both or neither
                ws.create_job(customer_id, f"job {n}", id=f"j{n:05d}")
                ws.create_job(customer_id, f"twin {n}", id=f"t{n:05d}")
            written.append(n)
            n += 1
            if n == 20:
                first_batch.set()

    writer = threading.Thread(target=write)
    writer.start()
    first_batch.wait(30)
    app.store.backup(tmp_path / "backup.db")  # type: ignore[attr-defined]
    stop.set()
    writer.join()

    backup = sqlite3.connect(tmp_path / "backup.db")
    assert backup.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert backup.execute("PRAGMA journal_mode").fetchone() == (
        "delete",
    )  # one self-contained file
    ids = sorted(row[0] for row in backup.execute("SELECT id FROM jobs"))
    backup.close()
    assert sum(i.startswith("filler") for i in ids) == 2001
    jobs = [i for i in ids if i.startswith("j")]
    twins = [i for i in ids if i.startswith("t")]
    assert len(jobs) >= 20 and [j[1:] for j in jobs] == [t[1:] for t in twins]
    assert jobs == [f"j{n:05d}" for n in range(len(jobs))], "a prefix of the commits, no gaps"
    assert len(jobs) <= len(written)

    restored = tmp_path / "restored.db"
    SqliteStore.restore(tmp_path / "backup.db", restored)
    assert job_ids(restored, ws.user_id) == job_ids(tmp_path / "backup.db", ws.user_id)
    assert len(job_ids(tmp_path / "live.db", ws.user_id)) == 2001 + 2 * len(written)
    app.close()


def test_a_backup_replaces_its_target_only_when_complete(tmp_path: Path) -> None:
    app, ws, customer_id = open_app(tmp_path / "live.db")
    target = tmp_path / "backup.db"
    target.write_bytes(b"an older backup")
    ws.create_job(customer_id, "one")
    app.store.backup(target)  # type: ignore[attr-defined]
    assert len(job_ids(target, ws.user_id)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.db"]
    app.close()


def test_restore_over_a_database_with_open_stores(tmp_path: Path) -> None:
    app, ws, customer_id = open_app(tmp_path / "live.db")
    ws.create_job(customer_id, "before the backup", id="kept")
    app.store.backup(tmp_path / "backup.db")  # type: ignore[attr-defined]
    ws.create_job(customer_id, "after the backup", id="undone")
    assert {j.id for j in ws.list_jobs()} == {"kept", "undone"}
    SqliteStore.restore(tmp_path / "backup.db", tmp_path / "live.db")
    assert [j.id for j in ws.list_jobs()] == ["kept"]  # the open store sees the restored data
    ws.create_job(customer_id, "after the restore", id="new")
    app.close()
    connection = sqlite3.connect(tmp_path / "live.db")
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert sorted(r[0] for r in connection.execute("SELECT id FROM jobs")) == ["kept", "new"]
    connection.close()


def test_an_in_memory_store_can_be_saved_to_a_file(tmp_path: Path) -> None:
    app, ws, customer_id = open_app(":memory:")
    ws.create_job(customer_id, "remember me", id="j")
    app.store.backup(tmp_path / "saved.db")  # type: ignore[attr-defined]
    assert job_ids(tmp_path / "saved.db", ws.user_id) == ["j"]
    with pytest.raises(StoreError, match="inside a transaction"), ws.atomic():
        app.store.backup(tmp_path / "not-now.db")  # type: ignore[attr-defined]
    app.close()


def test_restore_refuses_a_newer_or_foreign_backup_and_changes_nothing(tmp_path: Path) -> None:
    app, ws, customer_id = open_app(tmp_path / "live.db")
    ws.create_job(customer_id, "precious")
    app.close()
    live = tmp_path / "live.db"
    before = hashlib.sha256(live.read_bytes()).hexdigest()

    newer = tmp_path / "newer.db"
    SqliteStore(newer).close()
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(SchemaVersionError):
        SqliteStore.restore(newer, live)

    foreign = tmp_path / "foreign.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    with pytest.raises(StoreError, match="not a jobtrack"):
        SqliteStore.restore(foreign, live)
    with pytest.raises(StoreError, match="no backup file"):
        SqliteStore.restore(tmp_path / "missing.db", live)
    (tmp_path / "garbage.db").write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreError):
        SqliteStore.restore(tmp_path / "garbage.db", live)
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before
