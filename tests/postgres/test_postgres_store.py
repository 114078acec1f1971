"""Opening, units of work and round trips of the PostgreSQL store."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg_pool import ConnectionPool

from jobtrack_core import (
    Argon2Hasher,
    ConflictError,
    Customer,
    Job,
    JobFilter,
    JobStatus,
    Jobtrack,
    JobtrackError,
    NotFoundError,
    StoreError,
    User,
    ValidationError,
)
from jobtrack_core.testing import PASSWORD, FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_postgres import PostgresStore

HASHER = Argon2Hasher.for_tests()
T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def user(n: int = 1, **changes: Any) -> User:
    made = User(
        id=f"u{n}",
        email=f"u{n}@example.com",
        name=f"User {n}",
        business_name=None,
        password_hash="$argon2id$not-a-real-hash",
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(made, **changes)


def customer(owner: str, n: int = 1, **changes: Any) -> Customer:
    made = Customer(
        id=f"c{n}",
        user_id=owner,
        name=f"Customer {n}",
        email=None,
        phone=None,
        address=None,
        business_name=None,
        notes=None,
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(made, **changes)


def job(owner: str, customer_id: str, n: int = 1, **changes: Any) -> Job:
    made = Job(
        id=f"j{n}",
        user_id=owner,
        customer_id=customer_id,
        title=f"Job {n}",
        description=None,
        status=JobStatus.PENDING,
        estimated_cost=None,
        actual_cost=None,
        estimated_hours=None,
        actual_hours=None,
        due_date=None,
        paid=False,
        paid_at=None,
        completed_at=None,
        created_at=T0,
        updated_at=T0,
    )
    return attrs.evolve(made, **changes)


# -- opening -----------------------------------------------------------------------


def test_open_from_url_and_close(postgres_url: str) -> None:
    url = psycopg.conninfo.conninfo_to_dict(postgres_url)
    as_url = f"postgresql://{url['user']}@{url['host']}:{url['port']}/{url['dbname']}"
    with PostgresStore.from_url(as_url, min_size=1, max_size=2) as store:
        with store.transaction() as uow:
            uow.users.add(user(90))
        with store.transaction() as uow:
            assert uow.users.get("u90") == user(90)
            uow.users.delete("u90")
        assert "password" not in repr(store) and str(url["dbname"]) in repr(store)
    with pytest.raises(StoreError, match="closed"), store.transaction():
        pass
    store.close()  # idempotent


def test_store_options_can_ride_in_the_url(postgres_url: str) -> None:
    url = psycopg.conninfo.conninfo_to_dict(postgres_url)
    as_url = (
        f"postgresql://{url['user']}@{url['host']}:{url['port']}/{url['dbname']}"
        "?application_name=jobtrack%20tests&max_size=2&isolation=serializable&timeout=5"
    )
    with PostgresStore.from_url(as_url, timeout=7) as store:
        assert store._pool.max_size == 2 and store._timeout == 7
        assert store._write_isolation is psycopg.IsolationLevel.SERIALIZABLE
        with store.transaction() as uow:
            name = uow.users._conn.execute("SELECT current_setting('application_name')")
            assert name.fetchone() == ("jobtrack tests",)
    with pytest.raises(ValidationError):
        PostgresStore.from_url(as_url.replace("max_size=2", "max_size=many"))


def test_pool_size_is_the_callers_choice(postgres_url: str) -> None:
    with PostgresStore(postgres_url, min_size=1, max_size=3) as store:
        assert store._pool.max_size == 3 and store._pool.min_size == 1


def test_an_existing_pool_is_used_and_left_open(postgres_pool: ConnectionPool[Any]) -> None:
    store = PostgresStore(pool=postgres_pool)
    with store.transaction(write=False) as uow:
        assert uow.users.get("nobody") is None
    store.close()
    with postgres_pool.connection() as conn:  # still open
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_pool_without_autocommit_in_another_time_zone(
    postgres_url: str, fresh_store: Callable[[], PostgresStore]
) -> None:
    fresh_store().close()
    pool: ConnectionPool[Any] = ConnectionPool(
        postgres_url,
        min_size=1,
        max_size=1,
        kwargs={"options": "-c TimeZone=America/New_York"},
        open=True,
    )
    try:
        store = PostgresStore(pool=pool)
        earliest = datetime(1, 1, 1, tzinfo=UTC)  # the year 0 in New York: not a datetime
        with store.transaction() as uow:
            uow.users.add(user(1, created_at=earliest))
            with pytest.raises(RuntimeError), store.transaction() as inner:
                inner.users.add(user(2))
                raise RuntimeError("undo the inner one")
        with pytest.raises(RuntimeError), store.transaction() as uow:
            uow.users.add(user(3))
            raise RuntimeError("undo all")
        with store.transaction(write=False) as uow:
            assert [uow.users.get(f"u{i}") is not None for i in (1, 2, 3)] == [True, False, False]
            got = uow.users.get("u1")
            assert got is not None and got.created_at == earliest
        with pool.connection() as conn:
            assert not conn.autocommit and not conn.read_only
    finally:
        pool.close()


def test_statements_are_planned_for_their_own_values(
    postgres_url: str, fresh_store: Callable[[], PostgresStore]
) -> None:
    """A prepared statement's generic plan serves every owner alike; the store plans each
    statement for its values, and gives the pool's connection its own setting back."""
    fresh_store().close()
    pool: ConnectionPool[Any] = ConnectionPool(
        postgres_url, min_size=1, max_size=1, kwargs={"autocommit": True}, open=True
    )
    try:
        app = Jobtrack(PostgresStore(pool=pool), hasher=HASHER)
        ws = app.workspace(app.register(email="a@example.com", password=PASSWORD, name="A").id)
        ws.create_job(ws.add_customer("C").id, "Job", due_date=date(2025, 7, 1))
        where = JobFilter(statuses=frozenset({JobStatus.PENDING}), due_from=date(2025, 6, 1))
        for _ in range(12):  # psycopg prepares a statement on its 5th execution by default
            assert len(ws.list_jobs(where)) == 1
        with pool.connection() as conn:
            assert conn.prepare_threshold == 5
            prepared = conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
            assert prepared == (0,)
        app.close()
    finally:
        pool.close()


@pytest.mark.parametrize(
    "url", ["sqlite:///jobs.db", "memory://", "mysql://x@y/z", "", "postgresql:/x"]
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PostgresStore.from_url(url)
    assert caught.value.fields == ("url",)


def test_a_store_needs_exactly_one_of_conninfo_and_pool(
    postgres_url: str, postgres_pool: ConnectionPool[Any]
) -> None:
    with pytest.raises(ValidationError):
        PostgresStore()
    with pytest.raises(ValidationError):
        PostgresStore(postgres_url, pool=postgres_pool)
    with pytest.raises(ValidationError):
        PostgresStore(pool=postgres_pool, isolation="chaos")  # type: ignore[arg-type]


def test_an_unreachable_server_is_a_store_error() -> None:
    # Port 1 on the loopback interface: nothing listens there, the refusal is immediate.
    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    assert isinstance(caught.value.__cause__, psycopg.Error)


def test_an_exhausted_pool_is_a_store_error(postgres_url: str) -> None:
    with PostgresStore(postgres_url, min_size=1, max_size=1, timeout=0.2) as store:
        holding, done = threading.Event(), threading.Event()

        def hold() -> None:
            with store.transaction(write=False):
                holding.set()
                done.wait(30)

        thread = threading.Thread(target=hold)
        thread.start()
        try:
            assert holding.wait(30)
            with pytest.raises(StoreError), store.transaction():
                pass
        finally:
            done.set()
            thread.join()


# -- units of work -------------------------------------------------------------------


def test_a_raising_unit_of_work_writes_nothing(store: PostgresStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as uow:
        uow.users.add(user(1))
        raise RuntimeError("boom")
    with store.transaction(write=False) as uow:
        assert uow.users.get("u1") is None


def test_nested_units_of_work_are_savepoints(store: PostgresStore) -> None:
    with store.transaction() as outer:
        outer.users.add(user(1))
        with pytest.raises(RuntimeError), store.transaction() as inner:
            inner.users.add(user(2))
            raise RuntimeError("inner only")
        with store.transaction(write=False) as reader:  # reads inside a write are fine
            assert reader.users.get("u1") == user(1) and reader.users.get("u2") is None
        outer.users.add(user(3))
    with store.transaction(write=False) as uow:
        assert [uow.users.get(f"u{i}") is not None for i in (1, 2, 3)] == [True, False, True]


def test_a_refused_change_leaves_the_unit_of_work_usable(store: PostgresStore) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1", 1))
        refusals: list[Callable[[], object]] = [
            lambda: uow.users.add(user(1, email="fresh@example.com")),
            lambda: uow.users.add(user(2, email="u1@example.com")),
            lambda: uow.customers.add(customer("u1", 1)),
            lambda: uow.customers.add(customer("nobody", 2)),
            lambda: uow.jobs.add(job("u1", "missing")),
            lambda: uow.jobs.update(job("u1", "c1", 9)),
            lambda: uow.customers.update(customer("u1", 9)),
        ]
        for refusal in refusals:
            with pytest.raises((ConflictError, NotFoundError)):
                refusal()
        uow.jobs.add(job("u1", "c1"))
    with store.transaction(write=False) as uow:
        assert uow.jobs.get("u1", "j1") == job("u1", "c1")


def test_the_exact_errors_of_refused_changes(store: PostgresStore) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.users.add(user(2))
        uow.customers.add(customer("u1", 1))
        uow.jobs.add(job("u1", "c1"))
    cases: list[tuple[Callable[[Any], object], type[Exception], tuple[str, str]]] = [
        (lambda u: u.users.add(user(1, email="x@example.com")), ConflictError, ("id", "")),
        (lambda u: u.users.add(user(3, email="u2@example.com")), ConflictError, ("email", "")),
        (lambda u: u.users.update(user(2, email="u1@example.com")), ConflictError, ("email", "")),
        (lambda u: u.users.update(user(7)), NotFoundError, ("user", "u7")),
        (lambda u: u.customers.add(customer("u1", 1)), ConflictError, ("id", "")),
        (lambda u: u.customers.add(customer("u9", 5)), NotFoundError, ("user", "u9")),
        (lambda u: u.customers.update(customer("u2", 1)), NotFoundError, ("customer", "c1")),
        (lambda u: u.jobs.add(job("u2", "c1", 5)), NotFoundError, ("customer", "c1")),
        (lambda u: u.jobs.add(job("u1", "c1")), ConflictError, ("id", "")),
        (lambda u: u.jobs.update(job("u2", "c1")), NotFoundError, ("job", "j1")),
        (lambda u: u.jobs.update(job("u1", "c2")), NotFoundError, ("customer", "c2")),
    ]
    for action, kind, (first, second) in cases:
        with pytest.raises(kind) as caught, store.transaction() as uow:
            action(uow)
        error: Any = caught.value
        if kind is ConflictError:
            assert error.field == first
        else:
            assert (error.kind, error.id) == (first, second)


def test_a_unit_of_work_whose_statement_failed_in_the_database_rolls_back(
    store: PostgresStore,
) -> None:
    # A failure inside the database (here a division by zero; in real life a race)
    # aborts the transaction: carrying on and ending normally must not pass for a commit.
    with pytest.raises(StoreError, match="rolled back"), store.transaction() as uow:
        uow.users.add(user(1))
        with pytest.raises(psycopg.Error):
            uow.users._conn.execute("SELECT 1 / 0")
    with store.transaction() as uow:
        assert uow.users.get("u1") is None
        uow.users.add(user(2))
        with pytest.raises(JobtrackError), store.transaction() as inner:
            inner.users._conn.execute("SELECT 1 / 0")  # only its savepoint is lost
        uow.users.add(user(3))
    with store.transaction(write=False) as uow:
        assert [uow.users.get(f"u{i}") is not None for i in (1, 2, 3)] == [False, True, True]


def test_a_read_only_unit_of_work_cannot_write(store: PostgresStore) -> None:
    with pytest.raises(StoreError, match="read-only"), store.transaction(write=False) as uow:
        uow.users.add(user(1))
    with (
        pytest.raises(StoreError, match="read-only"),
        store.transaction(write=False),
        store.transaction(),
    ):
        pass
    with store.transaction(write=False) as uow:
        assert uow.users.get("u1") is None


def test_a_read_only_unit_of_work_sees_one_snapshot(
    store: PostgresStore, postgres_pool: ConnectionPool[Any]
) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
    with store.transaction(write=False) as uow:
        assert uow.users.get("u1") is not None
        other = PostgresStore(pool=postgres_pool)
        done = threading.Event()

        def delete_elsewhere() -> None:
            with other.transaction() as elsewhere:
                elsewhere.users.delete("u1")
            done.set()

        thread = threading.Thread(target=delete_elsewhere)
        thread.start()
        thread.join()
        assert done.is_set()
        assert uow.users.get("u1") is not None  # still the snapshot taken at the start
    with store.transaction(write=False) as uow:
        assert uow.users.get("u1") is None


def test_threads_have_their_own_units_of_work(store: PostgresStore) -> None:
    seen: list[User | None] = []
    with store.transaction() as uow:
        uow.users.add(user(1))

        def look() -> None:
            with store.transaction(write=False) as mine:
                seen.append(mine.users.get("u1"))

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
    assert seen == [None]  # not committed yet when the other thread looked


# -- round trips -----------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)


@given(created=moments, updated=moments)
def test_timestamps_round_trip_to_the_microsecond_as_utc(
    fresh_store: Callable[[], PostgresStore], created: datetime, updated: datetime
) -> None:
    with fresh_store() as store:
        with store.transaction() as uow:
            uow.users.add(user(1, created_at=created, updated_at=updated))
        with store.transaction(write=False) as uow:
            back = uow.users.get("u1")
        assert back is not None
        assert (back.created_at, back.updated_at) == (created, updated)
        assert back.created_at.tzinfo is UTC and back.updated_at.tzinfo is UTC
        assert back.created_at.microsecond == created.microsecond


text_values = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
names = js.text_field("name", required=True).map(str)
titles = js.text_field("title", required=True).map(str)


@given(names=st.lists(names, min_size=1, max_size=8))
def test_customers_sort_by_code_point_like_python(
    fresh_store: Callable[[], PostgresStore], names: list[str]
) -> None:
    with fresh_store() as store:
        with store.transaction() as uow:
            uow.users.add(user(1))
            for i, name in enumerate(names):
                uow.customers.add(customer("u1", i, name=name))
        with store.transaction(write=False) as uow:
            listed = [(c.name, c.id) for c in uow.customers.list("u1")]
        assert listed == sorted((name, f"c{i}") for i, name in enumerate(names))


@given(
    titles=st.lists(titles, min_size=1, max_size=5),
    needle=text_values.filter(bool) | st.sampled_from(["É", "é", "ß", "SS", "İ", "K", "k"]),
)
def test_text_filter_folds_ascii_letters_only(
    fresh_store: Callable[[], PostgresStore], titles: list[str], needle: str
) -> None:
    with fresh_store() as store:
        with store.transaction() as uow:
            uow.users.add(user(1))
            uow.customers.add(customer("u1"))
            made = [
                job("u1", "c1", i, title=t, created_at=T0 + timedelta(seconds=i))
                for i, t in enumerate(titles)
            ]
            uow.jobs.add_many(made)
        where = JobFilter(text=needle)
        with store.transaction(write=False) as uow:
            found = uow.jobs.list("u1", where)
        assert list(found) == [j for j in reversed(made) if where.matches(j)]


def test_non_ascii_case_is_not_folded(store: PostgresStore) -> None:
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1"))
        uow.jobs.add(job("u1", "c1", 1, title="Émile's FENCE"))
        found = {
            needle: [j.id for j in uow.jobs.list("u1", JobFilter(text=needle))]
            for needle in ("émile", "Émile", "fence", "FENCE", "%", "_")
        }
    assert found == {
        "émile": [],
        "Émile": ["j1"],
        "fence": ["j1"],
        "FENCE": ["j1"],
        "%": [],
        "_": [],
    }


def test_a_key_postgresql_cannot_hold_is_refused_before_it_is_sent(store: PostgresStore) -> None:
    """Every value reaching a store has passed the core's rules, which refuse NUL and lone
    surrogates; should one come anyway (at the port), psycopg refuses to send it: a
    ValidationError, and the unit of work carries on."""
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1"))
        lookups: list[Callable[[str], object]] = [
            uow.users.get,
            uow.users.get_by_email,
            lambda key: uow.customers.get("u1", key),
            lambda key: uow.jobs.get("u1", key),
            uow.sessions.get_by_token_hash,
            lambda key: uow.customers.delete("u1", key),
        ]
        for key in ("a\x00b", "\ud800"):
            for lookup in lookups:
                with pytest.raises(ValidationError):
                    lookup(key)
        assert [c.id for c in uow.customers.list("u1")] == ["c1"]


def test_money_is_exact_cents_and_hours_exact_hundredths(store: PostgresStore) -> None:
    amounts = [Decimal("0.00"), Decimal("0.01"), Decimal("0.10"), Decimal("9999999999.99")]
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1"))
        for i, amount in enumerate(amounts):
            uow.jobs.add(
                job(
                    "u1",
                    "c1",
                    i,
                    estimated_cost=amount,
                    actual_cost=amount,
                    estimated_hours=amount,
                    actual_hours=amount,
                    paid=True,
                    paid_at=T0,
                    due_date=date(2025, 1, 31),
                )
            )
        back = {j.id: j for j in uow.jobs.list("u1", JobFilter())}
        revenue = uow.reports.totals("u1").revenue.amount
        assert revenue == sum(amounts) and uow.reports.totals("u2").revenue.amount == 0
    for i, amount in enumerate(amounts):
        got = back[f"j{i}"]
        assert (
            got.estimated_cost
            == got.actual_cost
            == got.estimated_hours
            == got.actual_hours
            == amount
        )
        assert str(got.actual_cost) == str(amount) and str(got.actual_hours) == str(amount)


def test_add_many_copies_in_batches(store: PostgresStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobtrack_postgres import repositories

    monkeypatch.setattr(repositories, "BATCH", 7)
    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1"))
        made = [job("u1", "c1", i, created_at=T0 + timedelta(microseconds=i)) for i in range(30)]
        assert uow.jobs.add_many(iter(made)) == 30
        assert list(uow.jobs.list("u1", JobFilter())) == list(reversed(made))
    duplicate = [job("u1", "c1", 100 + i) for i in range(10)] + [job("u1", "c1", 3)]
    with pytest.raises(ConflictError), store.transaction() as uow:
        uow.jobs.add_many(duplicate)
    twice = [job("u1", "c1", 200), job("u1", "c1", 200)]
    with pytest.raises(ConflictError), store.transaction() as uow:
        uow.jobs.add_many(twice)
    with store.transaction(write=False) as uow:
        assert len(uow.jobs.list("u1", JobFilter())) == 30


def test_a_bulk_load_refreshes_the_planners_statistics(
    store: PostgresStore, postgres_pool: ConnectionPool[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobtrack_postgres import repositories

    monkeypatch.setattr(repositories, "ANALYZE_MIN_ROWS", 20)

    def counted() -> float:
        """The rows of ``jobs`` as the planner's statistics count them."""
        with postgres_pool.connection() as conn:
            query = "SELECT reltuples FROM pg_class WHERE oid = 'jobs'::regclass"
            row = conn.execute(query).fetchone()
            assert row is not None
            return float(row[0])

    def add(first: int, n: int) -> None:
        with store.transaction() as uow:
            assert uow.jobs.add_many(job("u1", "c1", i) for i in range(first, first + n)) == n

    with store.transaction() as uow:
        uow.users.add(user(1))
        uow.customers.add(customer("u1"))
    with postgres_pool.connection() as conn:
        conn.execute("ANALYZE jobs")  # of the empty table
    assert counted() == 0
    add(0, 30)  # at least ANALYZE_MIN_ROWS, and more than a tenth of what was counted
    assert counted() == 30
    add(100, 19)  # too few to matter
    assert counted() == 30
    add(200, 20)
    assert counted() == 69
    with postgres_pool.connection() as conn:
        stats = conn.execute(
            "SELECT n_distinct FROM pg_stats WHERE tablename = 'jobs' "
            "AND attname = 'user_id' AND schemaname = current_schema()"
        )
        assert stats.fetchone() is not None


def test_the_service_works_end_to_end(store: PostgresStore) -> None:
    clock = FakeClock()
    app = Jobtrack(store, clock=clock, hasher=HASHER)
    app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    ws = app.authenticate(app.login("SAM@example.com", PASSWORD).token)
    job_ = ws.create_job(ws.add_customer("Ada").id, "Fence", estimated_cost="120.50")
    ws.start_job(job_.id)
    clock.tick()
    done = ws.complete_job(job_.id, actual_cost="130.25", actual_hours="3.5")
    ws.mark_paid(done.id)
    assert ws.revenue() == Decimal("130.25")
    assert ws.get_job(done.id).completed_at == clock()
