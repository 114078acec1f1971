"""The running totals: kept incrementally (by the store for inserts, by
triggers for updates and deletes), they always equal a recomputation from the tables."""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core.ports import Store
from jobtrack_core.queries import JobFilter
from jobtrack_core.testing.reports_contract import Plan, ServiceReportsContract, plans
from jobtrack_sqlite import SqliteStore, totals

_FILES = tempfile.TemporaryDirectory(prefix="jobtrack-sqlite-totals-")
#: Each totals table, and how many key columns its rows start with.
TABLES = {"owner_totals": 1, "paid_days": 2, "customer_totals": 2, "open_due_days": 2}


def snapshot(connection: sqlite3.Connection) -> dict[str, set[tuple[Any, ...]]]:
    """Every totals row that says something (a row of zeros says nothing)."""
    return {
        table: {row for row in connection.execute(f"SELECT * FROM {table}") if says(row, keys)}
        for table, keys in TABLES.items()
    }


def says(row: tuple[Any, ...], keys: int) -> bool:
    """A non-zero count or sum after the row's key columns (a customer's last job
    time among them)."""
    return any(isinstance(v, int) and v for v in row[keys:])


class _Builder(ServiceReportsContract):
    def make_store(self) -> Store:
        return SqliteStore(Path(_FILES.name) / f"{uuid.uuid4().hex}.db", synchronous="NORMAL")


def connection_of(store: Store) -> sqlite3.Connection:
    assert isinstance(store, SqliteStore)
    return store._link().connection


@given(plan=plans())
def test_the_totals_equal_a_recomputation(plan: Plan) -> None:
    built = _Builder().build(plan)
    db = connection_of(built.app.store)
    kept = snapshot(db)
    db.execute("BEGIN IMMEDIATE")
    totals.rebuild(db)
    assert snapshot(db) == kept
    db.execute("ROLLBACK")


@given(plan=plans(max_jobs=6), paid=st.booleans(), status=st.sampled_from(["completed", "pending"]))
def test_hand_edits_and_deletes_keep_the_totals(plan: Plan, paid: bool, status: str) -> None:
    built = _Builder().build(plan)
    db = connection_of(built.app.store)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "UPDATE jobs SET paid = ?1, paid_at_us = CASE WHEN ?1 THEN updated_at_us END,"
        " status = ?2, actual_cost_cents = 1234, due_date = '2025-07-01',"
        " amount_paid_cents = CASE WHEN ?1 THEN 1234 + rowid % 3 ELSE rowid % 5 * 100 END"
        " WHERE rowid % 2 = 0",
        (int(paid), status),
    )
    db.execute("UPDATE jobs SET due_date = '2025-06-30' WHERE rowid % 3 = 1")  # alone
    db.execute("DELETE FROM jobs WHERE rowid % 3 = 0")
    db.execute("DELETE FROM customers WHERE rowid % 4 = 0")
    kept = snapshot(db)
    totals.rebuild(db)
    assert snapshot(db) == kept
    db.execute("ROLLBACK")


def test_jobs_inserted_by_hand_count_once_the_totals_are_rebuilt() -> None:
    """By another program: the store's own connections count each job they insert."""
    path = Path(_FILES.name) / "by-hand.db"
    with SqliteStore(path) as store:
        db = sqlite3.connect(path, isolation_level=None)
        stamp = 1751792400000000  # 2025-07-06T09:00:00Z, in microseconds
        db.execute(
            "INSERT INTO users (owner, id, email, name, password_hash, created_at_us,"
            " updated_at_us) VALUES (1, 'u', 'u@x.co', 'U', 'h', ?1, ?1)",
            (stamp,),
        )
        db.execute(
            "INSERT INTO customers (owner, id, user_id, name, created_at_us, updated_at_us)"
            " VALUES (1, 'c', 'u', 'C', ?1, ?1)",
            (stamp,),
        )
        db.execute(
            "INSERT INTO jobs (owner, id, user_id, customer_id, title, status,"
            " actual_cost_cents, paid, paid_at_us, completed_at_us, created_at_us, updated_at_us,"
            " amount_paid_cents) VALUES (1, 'j', 'u', 'c', 'T', 'completed', 500, 1, ?1, ?1, ?1,"
            " ?1, 500)",
            (stamp,),
        )
        with store.transaction(write=False) as uow:
            assert uow.reports.totals("u").revenue.amount == 0  # not counted yet
        totals.rebuild(db)
        db.close()
        with store.transaction(write=False) as uow:
            assert str(uow.reports.totals("u").revenue.amount) == "5.00"
            assert uow.reports.totals("u").statuses.completed == 1


@given(plan=plans(max_jobs=6), by=st.sampled_from(["add", "add_many", "both"]))
def test_each_way_the_store_inserts_jobs_counts_them(plan: Plan, by: str) -> None:
    """One by one (the connection's trigger), in bulk (the trigger set aside, the batch
    caught up), or both in one transaction: the totals equal a recomputation, and the
    connection counts single inserts again after a bulk one."""
    built = _Builder().build(plan)
    store = built.app.store
    with store.transaction(write=False) as uow:
        jobs = [job for ws in built.owners for job in uow.jobs.list(ws.user_id, JobFilter())]
    db = connection_of(store)
    db.execute("BEGIN IMMEDIATE")
    db.execute("DELETE FROM jobs")
    db.execute("COMMIT")
    half = len(jobs) // 2
    with store.transaction() as uow:
        if by in ("add_many", "both"):
            uow.jobs.add_many(jobs[:half] if by == "both" else jobs)
        for job in jobs[half:] if by == "both" else [] if by == "add_many" else jobs:
            uow.jobs.add(job)
    kept = snapshot(db)
    db.execute("BEGIN IMMEDIATE")
    totals.rebuild(db)
    assert snapshot(db) == kept
    db.execute("ROLLBACK")
