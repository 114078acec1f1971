"""The migration from schema version 6 to 7 (quotes and invoices; payments made to
invoices) keeps the ledger as it was: databases at version 6 with random customers, jobs
and payments of two owners are migrated, and every payment, running total, cash total
and history entry reads the same after as before, every money question agrees with the
memory store given the same records, and the migrated file then takes invoices and
payments of no job like a new one."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_sqlite_migrations import at_version, raw, schema_of  # type: ignore[import-not-found]

from jobtrack_core import Jobtrack
from jobtrack_core.entities import Customer, Job, Payment, User
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.fakes import FakeClock
from jobtrack_core.testing.ledger_contract import ledgers
from jobtrack_memory import MemoryStore
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore, changelog, history, totals
from jobtrack_sqlite.migrations import read_version
from jobtrack_sqlite.rows import (
    CUSTOMER_COLUMNS,
    JOB_COLUMNS,
    USER_COLUMNS,
    customer_values,
    job_values,
    payment_values,
    user_values,
)

Records = tuple[list[User], list[Customer], list[Job], list[Payment]]
#: What version 6 keeps that version 7 must keep as it was.
KEPT = {
    "payments": f"SELECT owner, {history.PAYMENT_COLUMNS_V6} FROM payments ORDER BY owner, id",
    "cash_days": "SELECT * FROM cash_days ORDER BY owner, day, method",
    "owner_totals": "SELECT * FROM owner_totals ORDER BY owner",
    "customer_totals": "SELECT * FROM customer_totals ORDER BY owner, customer_id",
    "history": "SELECT owner, seq, at_us, actor_id, source, action, kind, record_id, changes,"
    " cause FROM history ORDER BY owner, seq",
    "history_heads": "SELECT * FROM history_heads ORDER BY owner",
    "jobs": f"SELECT owner, {JOB_COLUMNS} FROM jobs ORDER BY owner, id",
}


def fresh(taken: set[str]) -> Callable[[str], bool]:
    """Whether an id is not among ``taken``."""
    return lambda i: i not in taken


@st.composite
def version_6_data(draw: st.DrawFn) -> Records:
    """Two accounts sharing ids, each with customers, jobs, and a ledger for each job
    whose standing payments add up to what it holds (voided ones and refunds among them)."""
    users = [draw(js.users(n)) for n in range(2)]
    customers: list[Customer] = []
    jobs: list[Job] = []
    payments: list[Payment] = []
    shared = st.sampled_from(["1", "2", "3", "a"])
    for user in users:
        mine = draw(
            st.lists(
                js.customers(user.id, shared), min_size=1, max_size=3, unique_by=lambda c: c.id
            )
        )
        theirs = draw(
            st.lists(
                js.jobs(user.id, [c.id for c in mine], shared), max_size=4, unique_by=lambda j: j.id
            )
        )
        customers += mine
        jobs += theirs
        held: list[Payment] = []
        for job in theirs:
            ids = st.text("pq0123", min_size=1, max_size=4).filter(fresh({p.id for p in held}))
            held += draw(ledgers(job, ids))
        payments += held
    return users, customers, jobs, payments


def write_v6(path: Path, records: Records) -> None:
    """A version 6 file holding ``records``, its running totals and cash by day rebuilt,
    and each customer and job with its "created" entry in the history."""
    users, customers, jobs, payments = records
    at_version(path, 6)
    owner = {u.id: n for n, u in enumerate(users, start=1)}
    connection = raw(path)
    try:
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO users (owner, {USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(owner[u.id], u.id, *user_values(u)) for u in users],
        )
        width = CUSTOMER_COLUMNS.count(",") + 2
        connection.executemany(
            f"INSERT INTO customers (owner, {CUSTOMER_COLUMNS}) VALUES ({', '.join('?' * width)})",
            [(owner[c.user_id], c.id, c.user_id, *customer_values(c)) for c in customers],
        )
        width = JOB_COLUMNS.count(",") + 2
        connection.executemany(
            f"INSERT INTO jobs (owner, {JOB_COLUMNS}) VALUES ({', '.join('?' * width)})",
            [(owner[j.user_id], j.id, j.user_id, *job_values(j)) for j in jobs],
        )
        columns = history.PAYMENT_COLUMNS_V6
        connection.executemany(
            f"INSERT INTO payments (owner, {columns})"
            f" VALUES ({', '.join('?' * (columns.count(',') + 2))})",
            [(owner[p.user_id], p.id, p.user_id, p.job_id, *payment_values(p)) for p in payments],
        )
        changelog.record_existing(connection)
        connection.execute("COMMIT")
        connection.execute("BEGIN IMMEDIATE")  # hand inserts are counted once rebuilt
        totals.rebuild(connection)
        connection.execute("COMMIT")
    finally:
        connection.close()


def kept(connection: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {name: connection.execute(sql).fetchall() for name, sql in KEPT.items()}


def memory_holding(records: Records) -> MemoryStore:
    users, customers, jobs, payments = records
    store = MemoryStore()
    with store.transaction() as uow:
        for user in users:
            uow.users.add(user)
        for customer in customers:
            uow.customers.add(customer)
        uow.jobs.add_many(jobs)
        uow.payments.add_many(payments)
    return store


@settings(max_examples=30, deadline=None)
@given(records=version_6_data(), back=st.integers(0, 120))
def test_the_ledger_reads_the_same_after_the_migration_to_version_7(
    records: Records, back: int
) -> None:
    users, _, _, payments = records
    with tempfile.TemporaryDirectory() as folder:
        path, fresh = Path(folder) / "v6.db", Path(folder) / "fresh.db"
        write_v6(path, records)
        connection = raw(path)
        before = kept(connection)
        connection.close()

        with SqliteStore(path) as store:
            connection = raw(path)
            assert read_version(connection) == SCHEMA_VERSION == 7
            assert kept(connection) == before
            assert connection.execute(
                "SELECT count(*) FROM payments WHERE invoice_id IS NOT NULL"
            ).fetchone() == (0,)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            connection.close()
            SqliteStore(fresh).close()
            assert schema_of(path) == schema_of(fresh)

            # every payment and money question, as the memory store answers them
            memory = memory_holding(records)
            day = js.T0.date() - timedelta(days=back)
            edges = [day - timedelta(days=60), day, day + timedelta(days=1)]
            for user in users:
                o = user.id
                with store.transaction(write=False) as got, memory.transaction() as want:
                    assert list(got.payments.list(o, PaymentFilter())) == list(
                        want.payments.list(o, PaymentFilter())
                    )
                    assert [p.invoice_id for p in got.payments.list(o, PaymentFilter())] == [
                        None
                    ] * len([p for p in payments if p.user_id == o])
                    assert list(got.reports.balances(o)) == list(want.reports.balances(o))
                    assert list(got.reports.cash_between(o, edges)) == list(
                        want.reports.cash_between(o, edges)
                    )
                    assert list(got.reports.invoice_aging(o, [day] * 4)) == []

            # the migrated file takes an invoice and its payment of no job
            user = users[0]
            app = Jobtrack(store, clock=FakeClock(), hasher=Argon2Hasher.for_tests())
            ws = app.workspace(user.id)
            customer = ws.add_customer("New")
            invoice = ws.create_invoice(
                customer.id, lines=[{"description": "Work", "quantity": "1.5", "unit_price": "10"}]
            )
            invoice = ws.issue_invoice(invoice.id)
            assert invoice.number is not None and invoice.number.endswith("0001")
            (paid,) = ws.pay_invoice(invoice.id, "15", method="card")
            assert (paid.job_id, paid.invoice_id) == (None, invoice.id)

        connection = raw(path)
        cash = KEPT["cash_days"]
        counted = connection.execute(cash).fetchall()
        connection.execute("BEGIN IMMEDIATE")
        totals.rebuild(connection)
        assert connection.execute(cash).fetchall() == counted
        connection.execute("ROLLBACK")
        connection.close()
