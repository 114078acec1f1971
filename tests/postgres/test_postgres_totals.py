"""Schema version 2's running totals: kept by statement triggers, they always equal a
recomputation from the tables, after the store's own writes and after hand edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg_pool import ConnectionPool

from jobtrack_core.ports import Store
from jobtrack_core.testing.reports_contract import Plan, ReportContract, plans
from jobtrack_postgres import PostgresStore
from jobtrack_postgres.totals import BACKFILL

TABLES = ("owner_totals", "paid_days", "customer_totals", "open_due_days")

_factory: list[Callable[[], PostgresStore]] = []
_pool: list[ConnectionPool[Any]] = []


@pytest.fixture(autouse=True, scope="module")
def _bind(fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]) -> None:
    _factory[:] = [fresh_store]
    _pool[:] = [postgres_pool]


class _Builder(ReportContract):
    def make_store(self) -> Store:
        return _factory[0]()


def says(row: tuple[Any, ...]) -> bool:
    """A non-zero count or sum, or a last job time (a row of zeros says nothing)."""
    return any(v for v in row[1:] if not isinstance(v, str))


def snapshot(conn: Any) -> dict[str, set[tuple[Any, ...]]]:
    return {
        table: {tuple(row) for row in conn.execute(f"SELECT * FROM {table}") if says(row)}
        for table in TABLES
    }


def recomputed(conn: Any) -> dict[str, set[tuple[Any, ...]]]:
    """The totals computed afresh from the tables (inside a transaction rolled back after)."""
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    for statement in BACKFILL:
        conn.execute(statement)
    return snapshot(conn)


@given(plan=plans())
def test_the_totals_equal_a_recomputation(plan: Plan) -> None:
    _Builder().build(plan)
    with _pool[0].connection() as conn:
        kept = snapshot(conn)
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept


@given(plan=plans(max_jobs=6), paid=st.booleans(), status=st.sampled_from(["completed", "pending"]))
def test_hand_edits_inserts_and_deletes_keep_the_totals(
    plan: Plan, paid: bool, status: str
) -> None:
    _Builder().build(plan)
    with _pool[0].connection() as conn, conn.transaction(force_rollback=True):
        conn.execute(
            "UPDATE jobs SET paid = %s, paid_at = CASE WHEN %s THEN updated_at END, "
            "status = %s, actual_cost_cents = 1234, due_date = '2025-07-01' "
            "WHERE hashtext(id) %% 2 = 0",
            (paid, paid, status),
        )
        conn.execute(
            "INSERT INTO jobs (id, user_id, customer_id, title, status, actual_cost_cents, paid,"
            " paid_at, created_at, updated_at)"
            " SELECT id || '-copy', user_id, customer_id, title, status, actual_cost_cents, paid,"
            " paid_at, created_at, updated_at FROM jobs WHERE hashtext(id) % 3 = 0"
        )
        conn.execute("UPDATE jobs SET due_date = '2025-06-30' WHERE hashtext(id) % 3 = 1")
        conn.execute("DELETE FROM jobs WHERE hashtext(id) % 5 = 0")
        conn.execute("DELETE FROM customers WHERE hashtext(id) % 4 = 0")
        kept = snapshot(conn)
        assert recomputed(conn) == kept
