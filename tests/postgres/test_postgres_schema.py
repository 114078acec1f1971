"""The PostgreSQL schema: constraints, collation, owner-leading indexes, the seed's queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import errors as pg
from psycopg.types.json import Jsonb

from jobtrack_core import Argon2Hasher, JobStatus, Jobtrack
from jobtrack_core.testing import PASSWORD, FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_postgres import PostgresStore
from jobtrack_postgres.history import LATEST_AFTER
from jobtrack_postgres.owner_keys import LOOKUPS


@pytest.fixture
def conn(store: PostgresStore, postgres_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A plain connection to the (emptied) test database, for writing behind the store's back."""
    with psycopg.connect(postgres_url, autocommit=True) as raw:
        raw.execute(
            "INSERT INTO users VALUES ('u1', 'a@x.com', 'A', NULL, 'h', now(), now()), "
            "('u2', 'b@x.com', 'B', NULL, 'h', now(), now())"
        )
        raw.execute("INSERT INTO user_emails VALUES ('a@x.com', 'u1'), ('b@x.com', 'u2')")
        raw.execute(
            "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
            "VALUES ('c1', 'u1', 'Ada', now(), now()), ('c2', 'u2', 'Bo', now(), now())"
        )
        yield raw


def insert_job(conn: psycopg.Connection[Any], **values: Any) -> None:
    row = {"id": "j1", "user_id": "u1", "customer_id": "c1", "title": "T"} | values
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    conn.execute(
        f"INSERT INTO jobs ({columns}, created_at, updated_at) VALUES ({marks}, now(), now())",
        list(row.values()),
    )


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"status": "done"}, pg.CheckViolation),
        ({"estimated_cost_cents": -1}, pg.CheckViolation),
        ({"actual_cost_cents": 1_000_000_000_000}, pg.NumericValueOutOfRange),
        ({"actual_hours": Decimal("-0.01")}, pg.CheckViolation),
        ({"customer_id": "c2"}, pg.ForeignKeyViolation),  # another owner's customer
        ({"customer_id": "nope"}, pg.ForeignKeyViolation),
        ({"actual_cost": Decimal("1.00")}, pg.GeneratedAlways),
        ({"version": 0}, pg.CheckViolation),
    ],
)
def test_the_database_refuses_what_the_library_never_writes(
    conn: psycopg.Connection[Any], values: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        insert_job(conn, **values)


def test_emails_are_unique_and_ids_are_unique_per_owner(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(pg.UniqueViolation):
        conn.execute("INSERT INTO user_emails VALUES ('a@x.com', 'u2')")
    conn.execute(
        "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
        "VALUES ('c1', 'u2', 'Again', now(), now())"
    )
    with pytest.raises(pg.UniqueViolation):
        conn.execute(
            "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
            "VALUES ('c1', 'u1', 'Again', now(), now())"
        )
    insert_job(conn)
    insert_job(conn, user_id="u2")  # the same job id, another owner
    with pytest.raises(pg.UniqueViolation):
        insert_job(conn)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"timezone": "Europe/Paris", "week_start": 7}, pg.CheckViolation),
        ({"timezone": "Europe/Paris", "week_start": None}, pg.CheckViolation),
        ({"timezone": None, "week_start": 0}, pg.CheckViolation),
    ],
)
def test_an_accounts_calendar_is_whole_or_absent(
    conn: psycopg.Connection[Any], values: dict[str, Any], error: type[Exception]
) -> None:
    conn.execute(
        "UPDATE users SET timezone = 'Europe/Paris', week_start = 6 WHERE id = 'u1'"
    )  # a whole calendar is accepted
    with pytest.raises(error):
        conn.execute(
            "UPDATE users SET timezone = %(timezone)s, week_start = %(week_start)s WHERE id = 'u1'",
            values,
        )


def insert_payment(conn: psycopg.Connection[Any], **values: Any) -> None:
    row = {
        "id": "p1",
        "user_id": "u1",
        "job_id": "j1",
        "kind": "payment",
        "method": "card",
        "amount_cents": 1250,
        "received_on": "2025-07-06",
        "recorded_at": datetime(2025, 7, 6, tzinfo=UTC),
    } | values
    columns, marks = ", ".join(row), ", ".join(["%s"] * len(row))
    conn.execute(f"INSERT INTO payments ({columns}) VALUES ({marks})", list(row.values()))


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"kind": "gift"}, pg.CheckViolation),
        ({"method": "barter"}, pg.CheckViolation),
        ({"amount_cents": 0}, pg.CheckViolation),
        ({"amount_cents": 1_000_000_000_000}, pg.NumericValueOutOfRange),
        ({"voided_at": datetime(2025, 7, 7, tzinfo=UTC)}, pg.CheckViolation),  # no reason
        ({"void_reason": "typo"}, pg.CheckViolation),  # a reason, not voided
        ({"version": 0}, pg.CheckViolation),
        ({"job_id": "nope"}, pg.ForeignKeyViolation),
        ({"user_id": "u2"}, pg.ForeignKeyViolation),  # another owner's job
        ({"amount": Decimal("1.00")}, pg.GeneratedAlways),
        ({"received_on": None}, pg.NotNullViolation),
    ],
)
def test_the_database_refuses_payments_the_library_never_writes(
    conn: psycopg.Connection[Any], values: dict[str, Any], error: type[Exception]
) -> None:
    insert_job(conn)
    insert_payment(conn)  # a payment as the library writes it
    with pytest.raises(error):
        insert_payment(conn, **({"id": "p2"} | values))
    with pytest.raises(pg.UniqueViolation):
        insert_payment(conn)  # ids are unique per owner


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"amount_paid_cents": -1}, pg.CheckViolation),
        ({"amount_paid": Decimal("1.00")}, pg.GeneratedAlways),
        # the ledger's rule: a completed job with a cost is paid exactly when covered
        ({"status": "completed", "actual_cost_cents": 500, "paid": True}, pg.CheckViolation),
        (
            {"status": "completed", "actual_cost_cents": 500, "amount_paid_cents": 500},
            pg.CheckViolation,
        ),
    ],
)
def test_a_jobs_money_follows_the_ledgers_rule(
    conn: psycopg.Connection[Any], values: dict[str, Any], error: type[Exception]
) -> None:
    done = {"status": "completed", "completed_at": datetime(2025, 7, 6, tzinfo=UTC)}
    # what the rule allows: nothing due decides nothing, and a cost covered or not
    insert_job(conn, id="a", paid=True, amount_paid_cents=0)
    insert_job(conn, id="b", **done, actual_cost_cents=0, paid=True)
    insert_job(conn, id="c", **done, actual_cost_cents=500, paid=True, amount_paid_cents=501)
    insert_job(conn, id="d", **done, actual_cost_cents=500, paid=False, amount_paid_cents=499)
    with pytest.raises(error):
        insert_job(conn, **(done if values.get("status") else {}) | values)


def test_payments_go_with_their_job_and_the_history_speaks_of_them(
    conn: psycopg.Connection[Any],
) -> None:
    insert_job(conn)
    insert_payment(conn)
    insert_entry(conn, kind="payment", record_id="p1")
    insert_entry(conn, seq=2, kind="payment", record_id="p1", action="voided")
    conn.execute("DELETE FROM customers WHERE id = 'c1'")
    assert conn.execute("SELECT count(*) FROM payments").fetchone() == (0,)


def _keys(conn: psycopg.Connection[Any]) -> list[tuple[str, str, list[str]]]:
    """Every primary key, unique constraint and foreign key of the schema, and every
    unique index: (table, kind, columns in key order)."""
    constraints = conn.execute(
        "SELECT c.conrelid::regclass::text, c.contype::text, "
        "array_agg(a.attname::text ORDER BY k.n) "
        "FROM pg_constraint c CROSS JOIN unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f') "
        "GROUP BY c.oid, c.conrelid, c.contype"
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indrelid::regclass::text, 'i', "
        "array_agg(coalesce(a.attname::text, '(expression)') ORDER BY k.n) "
        "FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
        "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND i.indisunique "
        "GROUP BY i.indexrelid, i.indrelid"
    ).fetchall()
    return [(table, kind, list(columns)) for table, kind, columns in [*constraints, *indexes]]


#: Tables that belong to no business: the schema's versions, and the transactions whose
#: running totals are still to be added in (one row per open transaction).
_NO_OWNER = {"schema_migrations", "totals_pending"}


def test_every_key_of_a_business_includes_its_owner(conn: psycopg.Connection[Any]) -> None:
    """What a sharded PostgreSQL (Citus) requires of tables distributed by owner: every
    primary key, unique constraint and foreign key includes the owner's id, and leads
    with it; ``users`` is keyed by its id; the lookups that start from something else
    are kept in tables keyed by that (an email, a token hash)."""
    keys = _keys(conn)
    tables = {table for table, _, _ in keys}
    assert {"users", "customers", "jobs", "sessions", "owner_totals_base"} <= tables
    # the history is numbered per owner and references its owner, never its records
    history = sorted((kind, columns) for table, kind, columns in keys if table == "history")
    assert history == [("f", ["user_id"]), ("i", ["user_id", "seq"]), ("p", ["user_id", "seq"])]
    heads = sorted((kind, columns) for table, kind, columns in keys if table == "history_heads")
    assert heads == [("f", ["user_id"]), ("i", ["user_id"]), ("p", ["user_id"])]
    # a payment is the owner's, keyed by owner and id, and references the owner's job
    # and invoice
    payments = sorted((kind, columns) for table, kind, columns in keys if table == "payments")
    assert payments == [
        ("f", ["user_id", "invoice_id"]),
        ("f", ["user_id", "job_id"]),
        ("i", ["user_id", "id"]),
        ("p", ["user_id", "id"]),
    ]
    users = sorted((kind, columns) for table, kind, columns in keys if table == "users")
    assert users == [("i", ["id"]), ("p", ["id"])]  # no unique email
    for table, key in LOOKUPS.items():
        primary = [columns for t, kind, columns in keys if t == table and kind == "p"]
        assert primary == [[key]], table
    for table, kind, columns in keys:
        if table in _NO_OWNER or table == "users":
            continue
        if table in LOOKUPS and kind in ("p", "i") and columns == [LOOKUPS[table]]:
            continue  # the lookup's own key
        if table == "sessions" and kind in ("u", "i") and columns == ["id"]:
            continue  # a session's id, unique in the store (sessions are a reference table)
        if kind == "f":
            assert "user_id" in columns, (table, columns)
        else:
            assert columns[0] == "user_id", (table, kind, columns)


def insert_entry(conn: psycopg.Connection[Any], **values: Any) -> None:
    row = {
        "user_id": "u1",
        "seq": 1,
        "at": datetime(2025, 7, 6, tzinfo=UTC),
        "actor_id": "u1",
        "source": "library",
        "action": "created",
        "kind": "customer",
        "record_id": "c1",
        "changes": Jsonb([["name", None, "Ada"]]),
    } | values
    columns, marks = ", ".join(row), ", ".join(["%s"] * len(row))
    conn.execute(f"INSERT INTO history ({columns}) VALUES ({marks})", list(row.values()))


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"seq": 0}, pg.CheckViolation),
        ({"source": "web"}, pg.CheckViolation),
        ({"action": "renamed"}, pg.CheckViolation),
        ({"kind": "session"}, pg.CheckViolation),
        ({"changes": Jsonb({"name": "Ada"})}, pg.CheckViolation),
        ({"user_id": "nobody"}, pg.ForeignKeyViolation),
        ({"record_id": None}, pg.NotNullViolation),
    ],
)
def test_the_database_refuses_history_the_library_never_writes(
    conn: psycopg.Connection[Any], values: dict[str, Any], error: type[Exception]
) -> None:
    insert_entry(conn)
    with pytest.raises(error):
        insert_entry(conn, **({"seq": 2} | values))
    with pytest.raises(pg.UniqueViolation):
        insert_entry(conn, record_id="c2")  # one entry per number of an owner
    insert_entry(conn, user_id="u2", actor_id="u2")  # the same number, another owner


def test_history_outlives_its_records_and_goes_with_its_owner(
    conn: psycopg.Connection[Any],
) -> None:
    insert_entry(conn)
    conn.execute("INSERT INTO history_heads VALUES ('u1', 1, 0)")
    with pytest.raises(pg.CheckViolation):
        conn.execute("UPDATE history_heads SET kept_from = 2")  # beyond the head
    conn.execute("DELETE FROM customers WHERE id = 'c1'")
    assert conn.execute("SELECT count(*) FROM history").fetchone() == (1,)
    conn.execute("DELETE FROM users WHERE id = 'u1'")
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM history), (SELECT count(*) FROM history_heads)"
    ).fetchone()
    assert counts == (0, 0)


def test_cascades_follow_the_seed(conn: psycopg.Connection[Any]) -> None:
    insert_job(conn)
    conn.execute("INSERT INTO sessions VALUES ('s1', 'u1', 'hash', now(), now(), now(), NULL)")
    conn.execute("DELETE FROM customers WHERE id = 'c1'")
    assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
    conn.execute("DELETE FROM users WHERE id = 'u1'")
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM sessions)"
    ).fetchone()
    assert counts == (1, 0)


def test_text_columns_sort_by_code_point(conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type = 'text' "
        "AND table_name IN ('users', 'user_emails', 'customers', 'jobs', 'payments', "
        "'sessions', 'history', 'history_heads')"
    ).fetchall()
    assert rows and {r[2] for r in rows} == {"C"}, rows


def test_every_index_that_serves_a_query_leads_with_the_owner(
    conn: psycopg.Connection[Any],
) -> None:
    rows = conn.execute(
        "SELECT c.relname, a.attname FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
        "WHERE t.relnamespace = current_schema()::regnamespace "
        "AND t.relname <> ALL(%s::text[])",
        (sorted(_NO_OWNER),),
    ).fetchall()
    leading = dict(rows)
    # The keys of accounts, of the lookups by email and by token hash, a session's id, and
    # the purge of expired sessions (the one query that is about no owner) are the only
    # other indexes.
    others = {
        "users_pkey": "id",
        "user_emails_pkey": "email",
        "sessions_pkey": "token_hash",
        "sessions_id_key": "id",
        "sessions_expires_idx": "expires_at",
    }
    assert {k: v for k, v in leading.items() if k in others} == others
    owner_led = {k: v for k, v in leading.items() if k not in others}
    assert owner_led and set(owner_led.values()) == {"user_id"}, owner_led


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("ORDER BY created_at DESC, id DESC", "jobs_owner_created_idx"),
        ("ORDER BY updated_at DESC, id DESC", "jobs_owner_updated_idx"),
        ("ORDER BY due_date NULLS LAST, id", "jobs_owner_due_idx"),
        ("AND due_date >= '2025-03-01' ORDER BY due_date NULLS LAST, id", "jobs_owner_due_idx"),
        # Believing a customer has few jobs, the planner may sort them after the lookup.
        ("AND customer_id = 'c-u7-1' ORDER BY created_at DESC, id DESC", "jobs_owner_customer_idx"),
    ],
)
def test_an_owners_listings_walk_an_owner_index(
    conn: psycopg.Connection[Any], query: str, index: str
) -> None:
    # Forty owners with two customers and 250 jobs each, then fresh statistics.
    conn.execute(
        "INSERT INTO users SELECT 'u' || o, o || '@x.com', 'U', NULL, 'h', now(), now() "
        "FROM generate_series(3, 42) o"
    )
    conn.execute(
        "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
        "SELECT 'c-u' || o || '-' || k, 'u' || o, 'C' || k, now(), now() "
        "FROM generate_series(3, 42) o, generate_series(0, 1) k"
    )
    conn.execute(
        "INSERT INTO jobs (id, user_id, customer_id, title, due_date, created_at, updated_at) "
        "SELECT 'j-' || o || '-' || n, 'u' || o, 'c-u' || o || '-' || (n % 2), 'Job ' || n, "
        "CASE WHEN n % 3 = 0 THEN NULL ELSE date '2025-01-01' + n END, "
        "now() - n * interval '1 hour', now() - n * interval '1 minute' "
        "FROM generate_series(3, 42) o, generate_series(1, 250) n"
    )
    conn.execute("ANALYZE jobs")
    plan = conn.execute(f"EXPLAIN SELECT * FROM jobs WHERE user_id = 'u7' {query} LIMIT 20")
    text = "\n".join(r[0] for r in plan.fetchall())
    assert index in text, text
    if "customer_id" not in query:
        assert "Sort" not in text, text  # the index gives the order: a page stops early


def test_the_change_feed_walks_an_owners_history_by_its_indexes(
    conn: psycopg.Connection[Any],
) -> None:
    """Of forty owners with 500 changes each to 50 records: the feed from a place walks
    the owner's numbers from there and asks the record index whether each changed again,
    so a batch costs in proportion to the batch, not to the history."""
    conn.execute(
        "INSERT INTO users SELECT 'u' || o, o || '@x.com', 'U', NULL, 'h', now(), now() "
        "FROM generate_series(3, 42) o"
    )
    conn.execute(
        "INSERT INTO history (user_id, seq, at, actor_id, source, action, kind, record_id) "
        "SELECT 'u' || o, n, now(), 'u' || o, 'library', 'updated', 'job', 'j' || (n % 50) "
        "FROM generate_series(3, 42) o, generate_series(1, 500) n"
    )
    conn.execute("ANALYZE history")
    plan = conn.execute(f"EXPLAIN {LATEST_AFTER}", ("u7", 300, 20)).fetchall()
    text = "\n".join(r[0] for r in plan)
    assert "history_pkey" in text and "history_record_idx" in text, text
    assert "Seq Scan" not in text and "Sort" not in text, text


@settings(max_examples=10)
@given(
    jobs=st.lists(
        st.tuples(
            st.integers(0, 1),
            st.sampled_from(list(JobStatus)),
            js.optional_amounts(),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_the_seeds_reporting_queries_run_and_agree(
    fresh_store: Callable[[], PostgresStore],
    postgres_url: str,
    jobs: list[tuple[int, JobStatus, Decimal | None, bool]],
) -> None:
    clock = FakeClock()
    app = Jobtrack(fresh_store(), clock=clock, hasher=Argon2Hasher.for_tests())
    ws = app.workspace(app.register(email="s@x.com", password=PASSWORD, name="S").id)
    customers = [ws.add_customer("A"), ws.add_customer("B")]
    for which, status, cost, paid in jobs:
        clock.tick()
        job = ws.create_job(customers[which].id, "Job")
        if status is not JobStatus.PENDING:
            ws.cancel_job(job.id) if status is JobStatus.CANCELLED else ws.start_job(job.id)
        if status is JobStatus.COMPLETED:
            ws.complete_job(job.id, actual_cost=cost)
        if paid:
            ws.mark_paid(job.id)
    with psycopg.connect(postgres_url) as conn:
        # The three "Business Intelligence Queries" of the seed, as typed in psql.
        dashboard = conn.execute(
            "SELECT COUNT(*), status FROM jobs WHERE user_id = %s GROUP BY status", (ws.user_id,)
        ).fetchall()
        revenue = conn.execute(
            "SELECT SUM(actual_cost) FROM jobs WHERE user_id = %s AND paid = true",
            (ws.user_id,),
        ).fetchone()
        history = conn.execute(
            "SELECT * FROM jobs WHERE customer_id = %s ORDER BY created_at DESC",
            (customers[0].id,),
        ).fetchall()
    listed = ws.list_jobs()
    assert {status: count for count, status in dashboard} == {
        s.value: n for s in JobStatus if (n := sum(j.status is s for j in listed))
    }
    assert revenue is not None and (revenue[0] or Decimal("0.00")) == ws.revenue()
    assert [row[0] for row in history] == [j.id for j in ws.list_jobs(customer_id=customers[0].id)]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        # a job's payments in the ledger's order, and its latest (the stalled reminder)
        ("AND job_id = 'j-7-3' ORDER BY received_on, recorded_at, id", "payments_job_idx"),
        (
            "AND job_id = 'j-7-3' AND voided_at IS NULL ORDER BY received_on DESC",
            "payments_job_idx",
        ),
        # the owner's payments by day: the ledger, and cash received
        (
            "AND received_on >= '2025-03-01' AND received_on < '2025-04-01' "
            "ORDER BY received_on, recorded_at, id",
            "payments_owner_received_idx",
        ),
    ],
)
def test_an_owners_payments_walk_an_owner_index(
    conn: psycopg.Connection[Any], query: str, index: str
) -> None:
    # Forty owners with 100 jobs and 400 payments each, then fresh statistics.
    conn.execute(
        "INSERT INTO users SELECT 'u' || o, o || '@x.com', 'U', NULL, 'h', now(), now() "
        "FROM generate_series(3, 42) o"
    )
    conn.execute(
        "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
        "SELECT 'c-u' || o, 'u' || o, 'C', now(), now() FROM generate_series(3, 42) o"
    )
    conn.execute(
        "INSERT INTO jobs (id, user_id, customer_id, title, created_at, updated_at) "
        "SELECT 'j-' || o || '-' || n, 'u' || o, 'c-u' || o, 'Job', now(), now() "
        "FROM generate_series(3, 42) o, generate_series(1, 100) n"
    )
    conn.execute(
        "INSERT INTO payments (id, user_id, job_id, kind, method, amount_cents, received_on, "
        "recorded_at) SELECT 'p-' || o || '-' || n, 'u' || o, 'j-' || o || '-' || (n % 100 + 1), "
        "'payment', 'card', 100 + n, date '2025-01-01' + n / 2, now() "
        "FROM generate_series(3, 42) o, generate_series(1, 400) n"
    )
    conn.execute("ANALYZE jobs")
    conn.execute("ANALYZE payments")
    plan = conn.execute(f"EXPLAIN SELECT * FROM payments WHERE user_id = 'u7' {query} LIMIT 20")
    text = "\n".join(r[0] for r in plan.fetchall())
    assert index in text, text
    assert "Seq Scan" not in text, text
