"""The running totals (schema versions 2, 3 and 6): kept by statement triggers, they always
equal a recomputation from the tables, after the store's own writes and after hand edits,
inside a long unit of work as after it, and its writes cost the same from first to last."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg_pool import ConnectionPool

from jobtrack_core import Argon2Hasher, Jobtrack, RetryableError, Workspace
from jobtrack_core.ports import Store
from jobtrack_core.testing import PASSWORD, FakeClock
from jobtrack_core.testing.reports_contract import Plan, ServiceReportsContract, plans
from jobtrack_postgres import Isolation, PostgresStore, totals
from jobtrack_postgres.deltas import KEYS
from jobtrack_postgres.ledger import REBUILD
from jobtrack_postgres.migrations import migrate
from jobtrack_postgres.schema import VERSIONS

HASHER = Argon2Hasher.for_tests()

TABLES = ("owner_totals", "paid_days", "customer_totals", "open_due_days", "cash_days")

_factory: list[Callable[[], PostgresStore]] = []
_pool: list[ConnectionPool[Any]] = []


@pytest.fixture(autouse=True, scope="module")
def _bind(fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]) -> None:
    _factory[:] = [fresh_store]
    _pool[:] = [postgres_pool]


class _Builder(ServiceReportsContract):
    def make_store(self) -> Store:
        return _factory[0]()


def says(row: tuple[Any, ...]) -> bool:
    """A non-zero count or sum, or a last job time (a row of zeros says nothing)."""
    return any(v for v in row[1:] if not isinstance(v, str))


#: The figures versions 2 to 5 kept, which every later version keeps as they were.
BEFORE_THE_LEDGER = {
    "owner_totals": ", ".join(("user_id", "customers", *totals.OWNER)),
    "customer_totals": ", ".join(("customer_id", "user_id", *totals.CUSTOMER, "last_job_at")),
    "paid_days": "*",
    "open_due_days": "*",
}


def snapshot(conn: Any, columns: dict[str, str] | None = None) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the totals that says something (only the tables of ``columns``, and
    their columns given, if given)."""
    return {
        table: {
            tuple(row)
            for row in conn.execute(f"SELECT {(columns or {}).get(table, '*')} FROM {table}")
            if says(row)
        }
        for table in (TABLES if columns is None else columns)
    }


def recomputed(conn: Any, columns: dict[str, str] | None = None) -> dict[str, set[tuple[Any, ...]]]:
    """The totals computed afresh from the tables (inside a transaction rolled back after)."""
    for statement in REBUILD:
        conn.execute(statement)
    return snapshot(conn, columns)


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
            "status = %s, actual_cost_cents = 1234, due_date = '2025-07-01', "
            "amount_paid_cents = CASE WHEN %s THEN 1234 ELSE 617 END "
            "WHERE hashtext(id) %% 2 = 0",
            (paid, paid, status, paid),
        )
        conn.execute(
            "INSERT INTO jobs (id, user_id, customer_id, title, status, actual_cost_cents, paid,"
            " paid_at, created_at, updated_at, amount_paid_cents)"
            " SELECT id || '-copy', user_id, customer_id, title, status, actual_cost_cents, paid,"
            " paid_at, created_at, updated_at, amount_paid_cents FROM jobs"
            " WHERE hashtext(id) % 3 = 0"
        )
        conn.execute("UPDATE jobs SET due_date = '2025-06-30' WHERE hashtext(id) % 3 = 1")
        conn.execute("DELETE FROM jobs WHERE hashtext(id) % 5 = 0")
        conn.execute("DELETE FROM customers WHERE hashtext(id) % 4 = 0")
        kept = snapshot(conn)
        assert recomputed(conn) == kept


# -- a long unit of work ----------------------------------------------------------------


def rewritten(conn: Any) -> int:
    """How many row updates this transaction has made so far, in every table: PostgreSQL's
    own count (``pg_stat_xact_user_tables``), which only grows inside a transaction."""
    row = conn.execute("SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_xact_user_tables")
    return int(row.fetchone()[0])


def leftovers(conn: Any) -> list[tuple[str, int]]:
    """Tables of deltas or pending transactions that still hold rows."""
    tables = [*(f"{table}_delta" for table in (*KEYS, "cash_days")), "totals_pending"]
    counts = [(t, int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])) for t in tables]
    return [(table, count) for table, count in counts if count]


def owner(store: PostgresStore, email: str = "long@example.com") -> Workspace:
    app = Jobtrack(store, clock=FakeClock(), hasher=HASHER)
    return app.workspace(app.register(email=email, password=PASSWORD, name="Long").id)


def one_job(ws: Workspace, customer_id: str, title: str) -> None:
    """Four writes: a job created, started, completed at 12.50 and paid."""
    job = ws.create_job(customer_id, title, estimated_cost="10.00", due_date=date(2030, 1, 1))
    ws.start_job(job.id)
    ws.complete_job(job.id, actual_cost="12.50")
    ws.mark_paid(job.id)


def test_the_writes_of_a_unit_of_work_rewrite_no_row_but_the_jobs_they_move(
    store: PostgresStore,
) -> None:
    """Every update of a row leaves a version that nobody can prune while its transaction
    is open, and every later read or update of the row walks them all. When each write
    updated the owner's totals row in place, a unit of work's writes cost ever more, the
    unit of work the square of its writes (docs/performance.md). After the first write
    of a unit of work, its writes update no row but the jobs they move: however many
    writes came before, the next one finds no longer chain of versions."""
    ws = owner(store)
    customer = ws.add_customer("Ada")
    with ws.atomic(), store.transaction() as uow:
        conn = uow.jobs._conn
        one_job(ws, customer.id, "the first write changes the totals in place")
        before = rewritten(conn)
        for n in range(15):
            one_job(ws, customer.id, f"job {n}")
        assert rewritten(conn) - before == 15 * 3  # start, complete, pay: one job row each
        assert ws.revenue() == Decimal("200.00")  # exact before the commit
    assert ws.revenue() == Decimal("200.00")
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        kept = snapshot(conn)
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept


class _OnStore(ServiceReportsContract):
    """Builds a plan on a store given beforehand (so that a unit of work can hold it)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def make_store(self) -> Store:
        return self.store


@settings(max_examples=30)
@given(plan=plans(max_jobs=10))
def test_inside_one_unit_of_work_the_totals_are_exact_and_stay_so_after_it(plan: Plan) -> None:
    """The whole plan (owners, customers, jobs created, moved, paid, unpaid, deleted) in
    one unit of work: the totals read inside it, its own changes added in, equal a
    recomputation; once it commits, so do the committed totals, and no delta is left."""
    store = _factory[0]()
    with store.transaction() as uow:
        _OnStore(store).build(plan)
        conn = uow.jobs._conn
        kept = snapshot(conn)
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        assert snapshot(conn) == kept
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept


def test_a_rolled_back_nested_unit_of_work_takes_its_totals_changes_with_it(
    store: PostgresStore,
) -> None:
    ws = owner(store)
    customer = ws.add_customer("Ada")
    with ws.atomic():
        one_job(ws, customer.id, "kept")
        with pytest.raises(RuntimeError), ws.atomic():
            one_job(ws, customer.id, "undone")
            ws.delete_customer(ws.add_customer("Gone").id)
            assert ws.revenue() == Decimal("25.00")
            raise RuntimeError
        assert ws.revenue() == Decimal("12.50")
        assert ws.dashboard().statuses.completed == 1
        one_job(ws, customer.id, "kept too")
    assert ws.revenue() == Decimal("25.00")
    assert [s.jobs for s in ws.customer_summaries()] == [2]
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        kept = snapshot(conn)
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept


@pytest.mark.parametrize("isolation", ["read committed", "serializable"])
def test_units_of_work_of_one_owner_committing_at_once(
    fresh_store: Callable[[], PostgresStore],
    postgres_pool: ConnectionPool[Any],
    isolation: Isolation,
) -> None:
    """Two long units of work hold changes of one owner's totals at the same time (each
    first changes its own owner's, in place), then commit. At ``READ COMMITTED`` each
    adds its own changes to the committed rows, the second waiting for the first; at
    ``SERIALIZABLE`` one may fail, at a write or at its commit, with ``RetryableError``.
    Either way the committed totals are exact."""
    fresh_store().close()  # empties the tables
    store = PostgresStore(pool=postgres_pool, isolation=isolation)
    shared = owner(store, "shared@example.com")
    customer = shared.add_customer("Ada")
    both_written = threading.Barrier(2, timeout=30)
    outcomes: list[BaseException | None] = []

    def writer(n: int) -> None:
        try:
            own = owner(store, f"writer{n}@example.com")
            with own.atomic():
                one_job(own, own.add_customer("Own").id, "in place")
                for k in range(3):
                    one_job(shared, customer.id, f"writer {n} job {k}")
                # (broken when the other one failed before it had written everything)
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_written.wait()
        except BaseException as exc:  # judged below
            both_written.abort()  # at SERIALIZABLE, a write itself may fail
            outcomes.append(exc)
        else:
            outcomes.append(None)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [exc for exc in outcomes if exc is not None]
    if isolation == "read committed":
        assert failed == []
    for exc in failed:
        assert isinstance(exc, RetryableError), exc
    assert len(failed) < 2
    assert shared.revenue() == Decimal("37.50") * (2 - len(failed))
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        kept = snapshot(conn)
        with conn.transaction(force_rollback=True):
            assert recomputed(conn) == kept
    store.close()


def test_version_2_totals_carry_over_to_version_3(schema_url: str) -> None:
    with psycopg.connect(schema_url, autocommit=True) as conn:
        migrate(conn, VERSIONS[:2])
        conn.execute(
            "INSERT INTO users VALUES ('u', 'u@example.com', 'U', NULL, 'h', now(), now())"
        )
        conn.execute(
            "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
            "VALUES ('a', 'u', 'A', now(), now()), ('b', 'u', 'B', now(), now())"
        )
        conn.execute(
            "INSERT INTO jobs (id, user_id, customer_id, title, status, actual_cost_cents, "
            "estimated_cost_cents, paid, paid_at, due_date, created_at, updated_at) VALUES "
            "('1', 'u', 'a', 'T', 'completed', 1250, 1000, true, now(), NULL, now(), now()), "
            "('2', 'u', 'a', 'T', 'pending', NULL, 500, false, NULL, '2030-01-01', now(), now()),"
            "('3', 'u', 'b', 'T', 'in_progress', NULL, NULL, false, NULL, NULL, now(), now())"
        )
        before = snapshot(conn, BEFORE_THE_LEDGER)
        migrate(conn)
        assert snapshot(conn, BEFORE_THE_LEDGER) == before  # the views show what the tables held
        with conn.transaction(force_rollback=True):
            assert recomputed(conn, BEFORE_THE_LEDGER) == before


def test_version_3_records_and_figures_carry_over_to_version_4(schema_url: str) -> None:
    """Version 4 keys every record by its owner and moves emails and sessions to their
    own keys: every record and every figure is kept, and the store reads them back."""
    with psycopg.connect(schema_url, autocommit=True) as conn:
        migrate(conn, VERSIONS[:3])
        conn.execute(
            "INSERT INTO users VALUES ('u', 'u@example.com', 'U', NULL, 'h', now(), now()), "
            "('v', 'v@example.com', 'V', 'V Ltd', 'h', now(), now())"
        )
        conn.execute(
            "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
            "VALUES ('a', 'u', 'A', now(), now()), ('b', 'u', 'B', now(), now()), "
            "('c', 'v', 'C', now(), now())"
        )
        conn.execute(
            "INSERT INTO jobs (id, user_id, customer_id, title, status, actual_cost_cents, "
            "estimated_cost_cents, paid, paid_at, due_date, created_at, updated_at) VALUES "
            "('1', 'u', 'a', 'T', 'completed', 1250, 1000, true, now(), NULL, now(), now()), "
            "('2', 'u', 'a', 'T', 'pending', NULL, 500, false, NULL, '2030-01-01', now(), now()),"
            "('3', 'u', 'b', 'T', 'in_progress', NULL, NULL, false, NULL, NULL, now(), now()),"
            "('4', 'v', 'c', 'T', 'completed', 700, 900, false, NULL, '2020-01-01', now(), now()),"
            "('5', 'v', 'c', 'T', 'pending', NULL, 900, false, NULL, '2020-01-01', now(), now())"
        )
        conn.execute(
            "INSERT INTO sessions VALUES ('s1', 'u', %s, now(), now() + interval '1 day', "
            "now(), NULL)",
            ("f" * 64,),
        )
        tables = ("users", "customers", "jobs", "sessions")
        records = {t: set(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        figures = snapshot(conn, BEFORE_THE_LEDGER)
        migrate(conn, VERSIONS[:4])
        assert snapshot(conn, BEFORE_THE_LEDGER) == figures
        kept = {t: set(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        assert kept["users"] == {(*row, None, None) for row in records["users"]}
        assert {t: kept[t] for t in tables[1:]} == {t: records[t] for t in tables[1:]}
        emails = conn.execute("SELECT email, user_id FROM user_emails ORDER BY 1").fetchall()
        assert emails == [("u@example.com", "u"), ("v@example.com", "v")]
        migrate(conn)  # and on to the latest version, figures still kept
        assert snapshot(conn, BEFORE_THE_LEDGER) == figures
        with conn.transaction(force_rollback=True):
            assert recomputed(conn, BEFORE_THE_LEDGER) == figures
    with PostgresStore(schema_url) as store, store.transaction() as uow:
        found = uow.users.get_by_email("v@example.com")
        assert found is not None and (found.id, found.timezone, found.week_start) == (
            "v",
            None,
            None,
        )
        session = uow.sessions.get_by_token_hash("f" * 64)
        assert session is not None and session.user_id == "u"
        assert uow.reports.totals("u").revenue.amount == Decimal("12.50")
        assert uow.reports.count_overdue("v", date(2025, 1, 1)) == 1
        customer = uow.customers.get("u", "a")
        assert customer is not None
        uow.customers.add(attrs.evolve(customer, user_id="v"))  # "a" is free for another owner
        assert [c.id for c in uow.customers.list("v")] == ["a", "c"]


# -- cash received per day (version 6) --------------------------------------------------


def cash_days(conn: Any) -> set[tuple[Any, ...]]:
    return {tuple(row) for row in conn.execute("SELECT * FROM cash_days")}


def assert_exact(conn: Any) -> None:
    """The totals (read with this transaction's own deltas) equal a recomputation."""
    kept = snapshot(conn)
    with conn.transaction(force_rollback=True):
        assert recomputed(conn) == kept


def ledger_of(store: PostgresStore, email: str) -> tuple[Workspace, list[str]]:
    """An owner with two customers and four completed jobs of 100.00, holding deposits,
    payments and a refund, several on one day and method; one payment voided."""
    ws = owner(store, email)
    jobs: list[str] = []
    for name in ("Ada", "Bob"):
        customer = ws.add_customer(name)
        for n in range(2):
            job = ws.create_job(customer.id, f"{name} {n}", estimated_cost="90.00")
            ws.start_job(job.id)
            ws.complete_job(job.id, actual_cost="100.00")
            jobs.append(job.id)
    for n, job_id in enumerate(jobs):
        ws.add_payment(job_id, "10.00", method="cash", kind="deposit", received_on="2025-07-01")
        ws.add_payment(job_id, "20.00", method="cash", received_on="2025-07-01")
        ws.add_payment(job_id, f"{n + 1}.25", method="card", received_on=f"2025-07-0{n + 2}")
    refund = ws.add_payment(jobs[0], "5.00", method="cash", kind="refund", received_on="2025-07-01")
    mistake = ws.add_payment(jobs[1], "7.00", method="check", received_on="2025-07-03")
    ws.void_payment(mistake.id, "typed twice")
    assert refund.kind.value == "refund"
    return ws, jobs


#: Hand edits of the ledger, then cascades to it, each a statement of its own.
HAND_EDITS = (
    "UPDATE payments SET voided_at = now(), void_reason = 'x' "
    "WHERE voided_at IS NULL AND hashtext(id) % 3 = 0",
    "UPDATE payments SET voided_at = NULL, void_reason = NULL WHERE hashtext(id) % 2 = 0",
    "UPDATE payments SET method = 'other', received_on = received_on + 1 "
    "WHERE hashtext(id) % 4 = 1",
    "UPDATE payments SET kind = 'refund', amount_cents = amount_cents + 1 "
    "WHERE hashtext(id) % 5 = 2",
    "UPDATE payments SET note = 'counts for nothing'",
    "INSERT INTO payments (id, user_id, job_id, kind, method, amount_cents, received_on, "
    "recorded_at, voided_at, void_reason) SELECT id || '-copy', user_id, job_id, kind, method, "
    "amount_cents, received_on, recorded_at, voided_at, void_reason FROM payments",
    "DELETE FROM payments WHERE hashtext(id) % 3 = 1",
    "DELETE FROM jobs WHERE id = (SELECT min(id) FROM jobs)",
    "DELETE FROM customers WHERE id = (SELECT max(id) FROM customers)",
    "DELETE FROM users WHERE email = 'second@example.com'",
)


@pytest.mark.parametrize("in_one_transaction", [True, False])
def test_hand_edits_voids_and_cascades_keep_the_cash_per_day_exact(
    store: PostgresStore, in_one_transaction: bool
) -> None:
    """Every insert, void, edit and delete of payments, cascades from a job, a customer
    and an account included, keeps ``cash_days`` equal to a recomputation: in one
    transaction (its first statement in place, the others as deltas) as statement by
    statement (each in place)."""
    ledger_of(store, "first@example.com")
    ledger_of(store, "second@example.com")
    with _pool[0].connection() as conn:
        assert len(cash_days(conn)) == 2 * 5  # 1 July in cash, 2 to 5 July by card
        assert_exact(conn)
        with conn.transaction(force_rollback=in_one_transaction):
            for statement in HAND_EDITS:
                conn.execute(statement)
                assert_exact(conn)
        assert leftovers(conn) == []
        assert_exact(conn)


def test_the_store_keeps_the_cash_per_day_through_copies_voids_and_deletes(
    store: PostgresStore,
) -> None:
    ws, jobs = ledger_of(store, "first@example.com")
    other, _ = ledger_of(store, "second@example.com")
    july = ws.cash_received("2025-07-01", "2025-08-01")
    assert [(p.cash.received, p.cash.receipts, p.cash.refunded, p.cash.refunds) for p in july] == [
        (Decimal("131.00"), 12, Decimal("5.00"), 1)
    ]
    payments = list(ws.list_payments())
    with store.transaction() as uow:  # a bulk load, sent with COPY
        count = uow.payments.add_many(
            [attrs.evolve(p, id=f"{p.id}-copy", version=1) for p in payments]
        )
        assert count == len(payments)
        assert_exact(uow.jobs._conn)
    with _pool[0].connection() as conn:
        assert_exact(conn)
    ws.delete_job(jobs[0], with_payments=True)
    ws.void_payment(
        next(p.id for p in payments if p.job_id == jobs[1] and p.kind.value == "deposit"), "no"
    )
    with ws.atomic():
        ws.delete_customer(ws.get_job(jobs[3]).customer_id, with_payments=True)
        ws.add_payment(jobs[1], "3.00", method="cash", received_on="2025-07-01")
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        assert_exact(conn)
    assert other.cash_received("2025-07-01", "2025-08-01") == july


def _one_job_for(ws: Workspace) -> str:
    customer = ws.add_customer("Ada")
    job = ws.create_job(customer.id, "Roof")
    ws.start_job(job.id)
    return ws.complete_job(job.id, actual_cost="1000.00").id


@pytest.mark.parametrize("first", ["a payment", "another owner's job"])
@pytest.mark.parametrize("isolation", ["read committed", "serializable"])
def test_payments_of_one_day_and_method_recorded_at_once_lose_nothing(
    fresh_store: Callable[[], PostgresStore],
    postgres_pool: ConnectionPool[Any],
    isolation: Isolation,
    first: str,
) -> None:
    """Two writers record payments of the same owner, day and method at the same time,
    each unit of work changing that day's total in place (its first write) or as a delta
    added in at its commit (after a first write elsewhere). At ``READ COMMITTED`` none
    fails; at ``SERIALIZABLE`` some may, with ``RetryableError``. The day's total counts
    exactly the payments recorded."""
    fresh_store().close()  # empties the tables
    store = PostgresStore(pool=postgres_pool, isolation=isolation)
    shared = owner(store, "shared@example.com")
    job_id = _one_job_for(shared)
    outcomes: list[BaseException | None] = []
    writers = [owner(store, f"writer{n}@example.com") for n in range(2)]
    their_jobs = [_one_job_for(own) for own in writers]

    def writer(n: int) -> None:
        own, own_job = writers[n], their_jobs[n]
        for _ in range(6):
            try:
                with own.atomic():
                    if first != "a payment":
                        own.add_payment(own_job, "1.00", method="card")
                    shared.add_payment(job_id, "1.00", method="cash", received_on="2025-07-01")
                    shared.add_payment(job_id, "2.00", method="cash", received_on="2025-07-01")
            except BaseException as exc:  # judged below
                outcomes.append(exc)
            else:
                outcomes.append(None)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [exc for exc in outcomes if exc is not None]
    if isolation == "read committed":
        assert failed == []
    for exc in failed:
        assert isinstance(exc, RetryableError), exc
    done = len(outcomes) - len(failed)
    (day,) = shared.cash_received("2025-07-01", "2025-07-02")
    assert (day.cash.received, day.cash.receipts) == (Decimal("3.00") * done, 2 * done)
    with _pool[0].connection() as conn:
        assert leftovers(conn) == []
        assert_exact(conn)
    store.close()
