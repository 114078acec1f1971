"""Schema versions recorded in the database; migrations atomic, idempotent and serialised."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql
from psycopg.conninfo import make_conninfo

from jobtrack_core import (
    Argon2Hasher,
    Customer,
    Job,
    Jobtrack,
    Payment,
    SchemaVersionError,
    StoreError,
    User,
)
from jobtrack_core.documents import Series
from jobtrack_core.entities import Action, FieldChange, RecordKind, Source
from jobtrack_core.history import Kept, kind_of, listed, plain, stored
from jobtrack_core.ledger import opening_payment
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.queries import ActivityFilter, JobFilter, PaymentFilter
from jobtrack_core.testing import FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.feed import Client
from jobtrack_memory import MemoryStore
from jobtrack_postgres import SCHEMA_VERSION, PostgresStore, totals
from jobtrack_postgres.ledger import REBUILD
from jobtrack_postgres.migrations import LOCK_KEY, current_version, migrate
from jobtrack_postgres.rows import (
    CUSTOMER_COLUMNS,
    JOB_FIELDS,
    USER_COLUMNS,
    job_from_row,
    job_params,
    payment_params,
)
from jobtrack_postgres.schema import VERSIONS
from jobtrack_postgres.unit_of_work import PostgresUnitOfWork

#: The SHA-256 of each released version's statements (joined by NUL characters). A version
#: is applied once and recorded; its statements must never change afterwards, since a
#: database that has it would not get the change (a change is a new version).
RELEASED = {
    1: "69a64c9116a220988fdd9cdaab48606851e7a98a15304cb195cdc4198b94666a",
    2: "310dcd9767cd45f0976dc22c149fffa976d4fcec4fdbfbfa356c7df397fbf8dd",
    3: "a1c9c77ea0142f43530cc489fa7bce2a82ff32cacd9064f6ebeb0fd93cd36090",
    4: "5273288f7f0c1da3bb5f10e7c423c75bc11fe4fcab63f0a0254daea167955080",
    5: "2a6dde8c274b24a6e3d32e0c70d57f407a40e0ebb6b8f0f38a7c402e3a7f82bd",
    6: "ea5ed2425058f0f3e1ce89904802b447dcf7e9783c6e7e53049cb27f4c6086df",
}


def _text(step: str | Callable[..., None]) -> str:
    """A step as its hash counts it: a statement, or the name of the function it runs."""
    return step if isinstance(step, str) else f"{step.__module__}.{step.__qualname__}"


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_a_released_version_never_changes(version: int) -> None:
    _, statements = VERSIONS[version - 1]
    digest = hashlib.sha256("\x00".join(map(_text, statements)).encode()).hexdigest()
    assert digest == RELEASED[version]


def catalog(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    """Every table, column and index of the current schema, and the rows of the version table."""
    columns = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY 1, 2"
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1"
    ).fetchall()
    versions = conn.execute("SELECT version, description FROM schema_migrations ORDER BY 1")
    return [*columns, *indexes, *versions.fetchall()]


@pytest.fixture
def blank(schema_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(schema_url, autocommit=True) as conn:
        yield conn


def test_opening_a_blank_database_records_every_version(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    assert current_version(blank) == 0
    PostgresStore(schema_url).close()
    rows = blank.execute("SELECT version, description FROM schema_migrations").fetchall()
    assert rows == [(i + 1, d) for i, (d, _) in enumerate(VERSIONS)]
    assert current_version(blank) == SCHEMA_VERSION


def test_reopening_changes_nothing_and_keeps_the_data(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    PostgresStore(schema_url).close()
    blank.execute("INSERT INTO users VALUES ('u1', 'a@x.com', 'A', NULL, 'h', now(), now())")
    before = catalog(blank)
    for _ in range(2):
        PostgresStore(schema_url).close()
    assert catalog(blank) == before
    assert blank.execute("SELECT id FROM users").fetchall() == [("u1",)]


def test_a_newer_database_is_refused_and_left_untouched(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    PostgresStore(schema_url).close()
    blank.execute(
        "INSERT INTO schema_migrations (version, description) VALUES (%s, 'from the future')",
        (SCHEMA_VERSION + 1,),
    )
    before = catalog(blank)
    with pytest.raises(SchemaVersionError) as caught:
        PostgresStore(schema_url)
    assert (caught.value.found, caught.value.supported) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert catalog(blank) == before


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_every_earlier_version_upgrades(
    schema_url: str, blank: psycopg.Connection[Any], start: int
) -> None:
    assert migrate(blank, VERSIONS[:start]) == start
    PostgresStore(schema_url).close()
    assert current_version(blank) == SCHEMA_VERSION


def test_a_failing_migration_is_undone_entirely(blank: psycopg.Connection[Any]) -> None:
    broken = (*VERSIONS, ("half done", ("CREATE TABLE half_done (a int)", "SELECT 1 / 0")))
    with pytest.raises(psycopg.errors.DivisionByZero):
        migrate(blank, broken)
    assert current_version(blank) == SCHEMA_VERSION  # the good versions stay applied
    assert blank.execute("SELECT to_regclass('half_done')").fetchone() == (None,)


def test_processes_opening_at_once_migrate_exactly_once(
    schema_url: str, postgres_url: str, blank: psycopg.Connection[Any]
) -> None:
    openers = 4
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            PostgresStore(schema_url).close()
        except BaseException as exc:
            errors.append(exc)

    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        threads = [threading.Thread(target=open_store) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for _ in range(2000):  # a liveness bound: wait until all of them queue on the lock
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()
            if waiting == (openers,):
                break
            time.sleep(0.005)
        else:
            raise AssertionError("the openers never queued on the migration lock")
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    for thread in threads:
        thread.join()
    assert errors == []
    rows = blank.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert rows == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_a_database_not_in_utf8_is_refused(postgres_url: str) -> None:
    name = f"jobtrack_ascii_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
                "TEMPLATE template0"
            ).format(sql.Identifier(name))
        )
        try:
            with pytest.raises(StoreError, match="UTF8"):
                PostgresStore(make_conninfo(postgres_url, dbname=name))
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


# -- version 5: versions and the history of what was there before -----------------------


def _insert_at_version_4(
    conn: psycopg.Connection[Any], users: list[User], customers: list[Customer], jobs: list[Job]
) -> None:
    """Rows as the store of version 4 wrote them (customers and jobs had no version)."""
    for made in users:
        conn.execute(
            f"INSERT INTO users ({USER_COLUMNS}) VALUES ({', '.join(['%s'] * 9)})",
            attrs.astuple(made),
        )
        conn.execute("INSERT INTO user_emails VALUES (%s, %s)", (made.email, made.id))
    columns = CUSTOMER_COLUMNS.replace(", version", "")
    for c in customers:
        conn.execute(
            f"INSERT INTO customers ({columns}) VALUES ({', '.join(['%s'] * 10)})",
            attrs.astuple(c)[:-1],
        )
    for j in jobs:
        params = job_params(j)
        del params["version"], params["amount_paid_cents"]
        conn.execute(
            f"INSERT INTO jobs ({', '.join(params)}) "
            f"VALUES ({', '.join(f'%({c})s' for c in params)})",
            params,
        )


def _created(record: Customer | Job | Payment) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, None, v) for k, v in listed(record).items())


def _job_at_version_5(uow: PostgresUnitOfWork, owner_id: str, job_id: str) -> Job | None:
    """A job as version 5 kept it (no ``amount_paid``: what the ledger makes of it)."""
    fields = JOB_FIELDS.replace(
        "amount_paid", "CASE WHEN paid AND actual_cost > 0 THEN actual_cost ELSE 0.00 END"
    )
    row = uow.jobs._one(
        f"SELECT {fields} FROM jobs WHERE user_id = %s AND id = %s", (owner_id, job_id)
    )
    return None if row is None else job_from_row(row)


def _opened(record: Customer | Job) -> bool:
    """Whether version 6 gives this record (a paid job with a cost) its payment."""
    return isinstance(record, Job) and record.paid and bool(record.actual_cost)


def _check_backfill(
    uow: PostgresUnitOfWork,
    users: list[User],
    customers: list[Customer],
    jobs: list[Job],
    get_job: Callable[[PostgresUnitOfWork, str, str], Job | None] = _job_at_version_5,
    *,
    at_6: bool = False,
) -> None:
    """Each record has its "created" entry as the library would have recorded it, numbered
    per owner by when it was made, and nothing else of version 5. At version 6 (``at_6``),
    the jobs given a payment have changed once more (their version is 2)."""
    made_then = ActivityFilter(kinds=frozenset({CUSTOMER, JOB}), actions=frozenset({CREATED}))
    for owner in users:
        records: list[Customer | Job] = [*customers, *jobs]
        mine = [r for r in records if r.user_id == owner.id]
        mine.sort(key=lambda r: (r.created_at, kind_of(r).value, r.id))
        feed = list(reversed(uow.history.activity(owner.id, made_then, None, 10_000)))
        assert [(e.kind, e.record_id) for e in feed] == [(kind_of(r), r.id) for r in mine]
        later = uow.history.activity(owner.id, ActivityFilter(), len(mine) + 1, 10_000)
        assert len(later) == len(mine)  # the payments of version 6 come after them
        for seq, (entry, record) in enumerate(zip(feed, mine, strict=True), start=1):
            assert (entry.owner_id, entry.seq, entry.at, entry.actor_id) == (
                owner.id,
                seq,
                record.created_at,
                owner.id,
            )
            assert (entry.source, entry.action, entry.cause) == (
                Source.LIBRARY,
                Action.CREATED,
                None,
            )
            # version 5 listed what a job had then: no amount_paid
            assert entry.changes == tuple(c for c in _created(record) if c.field != "amount_paid")
            found = (
                uow.customers.get(owner.id, record.id)
                if isinstance(record, Customer)
                else get_job(uow, owner.id, record.id)
            )
            version = 2 if at_6 and _opened(record) else 1
            assert found == attrs.evolve(record, version=version) and record.version == 1
        assert uow.history.kept_from(owner.id) == 0


PAYMENT, JOB, CUSTOMER = RecordKind.PAYMENT, RecordKind.JOB, RecordKind.CUSTOMER
CREATED = Action.CREATED


def before_the_ledger(job: Job) -> Job:
    """A job as a database from before the ledger holds it: a paid job with a cost holds
    its cost (what the migration gives it), any other nothing."""
    return attrs.evolve(job, amount_paid=job.actual_cost if job.paid and job.actual_cost else ZERO)


@st.composite
def _businesses(draw: st.DrawFn) -> tuple[list[User], list[Customer], list[Job]]:
    users = [draw(js.users(n)) for n in range(2)]
    customers: list[Customer] = []
    jobs: list[Job] = []
    for owner in users:
        ids = st.text("abc12", min_size=1, max_size=3)
        mine = draw(st.lists(js.customers(owner.id, ids), max_size=4, unique_by=lambda c: c.id))
        customers += mine
        if mine:
            made = js.jobs(owner.id, [c.id for c in mine], ids).map(before_the_ledger)
            jobs += draw(st.lists(made, max_size=5, unique_by=lambda j: j.id))
    return users, customers, jobs


def _truth(client: Client) -> dict[tuple[RecordKind, str], object]:
    """Everything a client of the feed should hold: the customers, jobs and payments."""
    payments = {(PAYMENT, p.id): p for p in client.ws.list_payments()}
    return {**client.truth(), **payments}


def get_job(uow: PostgresUnitOfWork, owner_id: str, job_id: str) -> Job | None:
    return uow.jobs.get(owner_id, job_id)


class _RolledBack(Exception):
    pass


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_businesses())
def test_version_5_records_what_was_there_as_created_by_the_library(
    blank: psycopg.Connection[Any], data: tuple[list[User], list[Customer], list[Job]]
) -> None:
    """Each example: version 4's rows, then version 5's statements, checked, rolled back."""
    if current_version(blank) == 0:
        migrate(blank, VERSIONS[:4])
    blank.execute("SET TimeZone TO 'UTC'")
    _, statements = VERSIONS[4]
    with pytest.raises(_RolledBack), blank.transaction():
        _insert_at_version_4(blank, *data)
        for statement in statements:
            assert isinstance(statement, str)  # version 5 is SQL alone
            blank.execute(statement)
        uow = PostgresUnitOfWork(blank, lock_rows=False)
        _check_backfill(uow, *data)
        users, customers, jobs = data
        records: list[Customer | Job] = [*customers, *jobs]
        for owner in users:  # numbering goes on after the records made before
            made = sum(r.user_id == owner.id for r in records)
            assert uow.history.reserve(owner.id, 1) == made + 1
        raise _RolledBack


def test_a_database_of_version_4_opens_with_every_record_in_the_feed(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    """Through the store and the service: opening a version 4 database migrates it, and a
    client starting from nothing is given every record, then goes on with new changes."""
    migrate(blank, VERSIONS[:4])
    t = datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=UTC)
    owner = User(
        id="u-4",
        email="four@example.com",
        name="Four",
        business_name=None,
        password_hash=js.TEST_HASH,
        created_at=t,
        updated_at=t,
    )
    ada = Customer.parse(
        {"id": "c-1", "user_id": owner.id, "name": "Ada é", "email": "ada@example.com"}
        | {"created_at": t, "updated_at": t}
    )
    bob = Customer.parse(
        {"id": "c-2", "user_id": owner.id, "name": "Bob", "notes": "line\nline"}
        | {"created_at": t - timedelta(days=400), "updated_at": t}
    )
    sink = Job.parse(
        {"id": "j-1", "user_id": owner.id, "customer_id": "c-1", "title": "Sink"}
        | {"status": "completed", "estimated_cost": "120.5", "actual_cost": "99.99"}
        | {"estimated_hours": "1.25", "actual_hours": "3", "due_date": "0999-01-02"}
        | {"paid": True, "paid_at": t.replace(microsecond=0), "completed_at": t}
        | {"amount_paid": "99.99"}
        | {"created_at": t - timedelta(days=1), "updated_at": t}
    )
    tap = Job.parse(
        {"id": "j-2", "user_id": owner.id, "customer_id": "c-2", "title": "Tap"}
        | {"status": "pending", "paid": False, "created_at": t, "updated_at": t}
    )
    _insert_at_version_4(blank, [owner], [ada, bob], [sink, tap])
    store = PostgresStore(schema_url)
    try:
        with store.transaction(write=False) as uow:
            _check_backfill(uow, [owner], [ada, bob], [sink, tap], get_job, at_6=True)
        ws = Jobtrack(store, clock=FakeClock(), hasher=Argon2Hasher.for_tests()).workspace(owner.id)
        (payment,) = ws.list_payments()  # version 6: the paid job's payment
        client = Client(ws)
        client.catch_up()
        assert client.copy == _truth(client) and len(client.copy) == 5
        activity = [e.record_id for e in ws.activity().items]
        assert activity == ["j-1", payment.id, "j-2", "c-1", "j-1", "c-2"]
        assert ws.get_job("j-1").version == 2  # changed once more: it holds its payment
        moved = ws.start_job("j-2", if_version=1)
        assert moved.version == 2
        ws.add_customer("Cy", id="c-3")
        client.catch_up()
        assert client.copy == _truth(client) and len(client.copy) == 6
        assert [e.seq for e in ws.history("job", "j-2").items] == [7, 4]
    finally:
        store.close()


# -- version 6: the ledger, and the payment each paid job stands for ----------------------

#: The running totals' figures of version 5: the migration must leave every one as it was.
_FIGURES_OF_5 = {
    "owner_totals": ("user_id", "customers", *totals.OWNER),
    "customer_totals": ("user_id", "customer_id", *totals.CUSTOMER, "last_job_at"),
    "paid_days": ("user_id", "day", "cents", "jobs"),
    "open_due_days": ("user_id", "due_date", "jobs"),
}
#: The seed's reporting queries, typed by hand, per owner.
_SEED_QUERIES = (
    "SELECT user_id, status, count(*) FROM jobs GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT user_id, sum(actual_cost) FROM jobs WHERE paid = true GROUP BY 1 ORDER BY 1",
    "SELECT user_id, customer_id, id FROM jobs ORDER BY 1, 2, created_at DESC, id",
)


def _figures_of_5(conn: psycopg.Connection[Any]) -> list[Any]:
    found: list[Any] = []
    for table, columns in _FIGURES_OF_5.items():
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2").fetchall()
        found.append((table, rows))
    return found + [conn.execute(q).fetchall() for q in _SEED_QUERIES]


def _questions(
    reports: Any, owner_id: str, today: date, days: list[date], instants: list[datetime]
) -> list[Any]:
    """Every report question of one owner, asked of ``reports``."""
    return [
        reports.totals(owner_id),
        reports.paid_between(owner_id, instants),
        reports.customer_summaries(owner_id),
        reports.revenue_by_customer(owner_id),
        reports.revenue_by_customer(owner_id, instants[0], instants[-1]),
        reports.estimate_accuracy(owner_id),
        reports.count_overdue(owner_id, today),
        reports.overdue(owner_id, today, 100),
        reports.open_due(owner_id, today, today + timedelta(days=30), 100),
        reports.due_on(owner_id, today, 100),
        reports.recently_changed(owner_id, 100),
        reports.unpaid_completed(owner_id, instants[-1], 100),
        reports.search_customers(owner_id, ""),
        reports.balances(owner_id),
        reports.aging(owner_id, _aging_bounds(today), None),
        reports.aging(owner_id, _aging_bounds(today), today - timedelta(days=45)),
        reports.cash_between(owner_id, days),
        reports.stalled(owner_id, today, 100),
        reports.deposits_waiting(owner_id, today, 100),
    ]


def _job_synced_at_5(uow: PostgresUnitOfWork, owner_id: str, job_id: str) -> Job | None:
    """A job as a feed client was given it at version 5: holding nothing (there was no
    ledger)."""
    row = uow.jobs._one(
        f"SELECT {JOB_FIELDS.replace('amount_paid', '0.00')} FROM jobs "
        "WHERE user_id = %s AND id = %s",
        (owner_id, job_id),
    )
    return None if row is None else job_from_row(row)


#: A feed client's copy of one business, and its cursor (here a change number).
Copy = dict[tuple[RecordKind, str], Kept]


def _synced_at_5(uow: PostgresUnitOfWork, owner_id: str) -> tuple[Copy, int]:
    """What a feed client starting from nothing held at version 5, and where it was."""
    copy: Copy = {}
    latest = uow.history.latest_after(owner_id, 0, 10_000)
    for entry in latest:
        found = (
            uow.customers.get(owner_id, entry.record_id)
            if entry.kind is CUSTOMER
            else _job_synced_at_5(uow, owner_id, entry.record_id)
        )
        assert found is not None
        copy[(entry.kind, entry.record_id)] = found
    return copy, latest[-1].seq if latest else 0


def _poll(uow: PostgresUnitOfWork, owner_id: str, copy: Copy, after: int) -> set[str]:
    """Bring ``copy`` up to date as the change feed does (``Syncing.changes``: each
    record changed after ``after``, as it is now), a few changes a poll; return the ids of
    the records it was given."""
    given: set[str] = set()
    while batch := uow.history.latest_after(owner_id, after, 3):
        assert [e.seq for e in batch] == sorted({e.seq for e in batch if e.seq > after})
        for entry in batch:
            record = stored(uow, owner_id, entry.kind, entry.record_id)
            if record is None:
                copy.pop((entry.kind, entry.record_id), None)
            else:
                copy[(entry.kind, entry.record_id)] = record
            given.add(entry.record_id)
        after = batch[-1].seq
    return given


def _everything(uow: PostgresUnitOfWork, owner_id: str) -> Copy:
    """The owner's customers, jobs and payments, as a feed client should hold them."""
    records: list[Kept] = [
        *uow.customers.list(owner_id),
        *uow.jobs.list(owner_id, JobFilter()),
        *uow.payments.list(owner_id, PaymentFilter()),
    ]
    return {(kind_of(r), r.id): r for r in records}


def _aging_bounds(day: date) -> list[datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    return [start] + [start - timedelta(days=n) for n in (31, 61, 91)]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_businesses(), today=st.dates(date(2000, 1, 1), date(2040, 1, 1)))
def test_version_6_gives_each_paid_job_its_payment_and_changes_no_figure(
    blank: psycopg.Connection[Any],
    data: tuple[list[User], list[Customer], list[Job]],
    today: date,
) -> None:
    """Each example: version 4's rows brought to version 5 (with their history), every
    figure taken, and a feed client's copy synced; then version 6's steps, and every
    figure again: none changed, every report agrees with the reference, each paid job with
    a cost holds exactly the payment its rule makes and has changed once more (its
    payment's entry, then its own), and the client is given every such job and payment
    and ends with exactly what is stored. All rolled back."""
    if current_version(blank) == 0:
        migrate(blank, VERSIONS[:4])
    blank.execute("SET TimeZone TO 'UTC'")
    users, customers, jobs = data
    days = [today - timedelta(days=n) for n in (3650, 400, 30, 0)] + [today + timedelta(days=1)]
    instants = [datetime(d.year, d.month, d.day, tzinfo=UTC) for d in days]
    with pytest.raises(_RolledBack), blank.transaction():
        _insert_at_version_4(blank, users, customers, jobs)
        for statement in VERSIONS[4][1]:
            assert isinstance(statement, str)  # version 5 is SQL alone
            blank.execute(statement)  # version 5: the records and their history
        before = _figures_of_5(blank)
        heads = dict(blank.execute("SELECT user_id, head FROM history_heads").fetchall())
        at_5 = PostgresUnitOfWork(blank, lock_rows=False)
        clients = {owner.id: _synced_at_5(at_5, owner.id) for owner in users}
        for step in VERSIONS[5][1]:
            blank.execute(step) if isinstance(step, str) else step(blank)
        assert _figures_of_5(blank) == before
        for _, later in VERSIONS[6:]:  # the store's code reads the current schema
            for step in later:
                blank.execute(step) if isinstance(step, str) else step(blank)
        # a writing unit of work reads the running totals with this transaction's deltas
        uow = PostgresUnitOfWork(blank, lock_rows=True)
        reference = MemoryStore()
        with reference.transaction() as mine:
            for made in users:
                mine.users.add(made)
            for customer in customers:
                mine.customers.add(customer)
            # the jobs given a payment have changed once more
            mine.jobs.add_many([attrs.evolve(j, version=j.version + int(_opened(j))) for j in jobs])
        for owner in users:
            calendar = owner.calendar(BusinessCalendar())
            payments = uow.payments.list(owner.id, PaymentFilter())
            by_job = {p.job_id: p for p in payments}
            assert len(by_job) == len(payments)  # one each
            mine_jobs = [j for j in jobs if j.user_id == owner.id]
            head = heads.get(owner.id, 0)
            for job in mine_jobs:
                found = uow.jobs.get(owner.id, job.id)
                if not _opened(job):
                    assert found == job  # unchanged
                    continue
                # paid, updated_at and all else unchanged; changed once more
                assert found == attrs.evolve(job, version=job.version + 1)
                payment = by_job.pop(job.id)
                assert payment == opening_payment(job, calendar, payment.id)
                assert payment.amount == job.actual_cost == job.amount_paid
                # its latest entry: updated to hold the payment, right after the payment made
                latest, *_ = uow.history.of_record(owner.id, JOB, job.id, None, 10_000)
                (entry,) = uow.history.of_record(owner.id, PAYMENT, payment.id, None, 10_000)
                assert latest.seq == entry.seq + 1 > head + 1
                assert (entry.action, entry.at, entry.actor_id) == (
                    CREATED,
                    payment.recorded_at,
                    owner.id,
                )
                assert (latest.action, latest.at, latest.actor_id) == (
                    Action.UPDATED,
                    payment.recorded_at,
                    owner.id,
                )
                for one in (entry, latest):
                    assert (one.source, one.cause) == (Source.LIBRARY, None)
                assert entry.changes == _created(payment)
                cost = plain(payment.amount)
                assert latest.changes == (FieldChange("amount_paid", "0.00", cost),)
            assert by_job == {}  # no other job has one
            with reference.transaction() as mine:
                mine.payments.add_many(payments)
            # numbered after the business's changes so far, each payment's then its job's
            opened = uow.history.latest_after(owner.id, head, 10_000)
            assert [e.seq for e in opened] == list(range(head + 1, head + 2 * len(payments) + 1))
            assert [e.kind for e in opened] == [PAYMENT, JOB] * len(payments)
            assert uow.history.reserve(owner.id, 1) == head + 2 * len(payments) + 1
            # a client synced at version 5 is given every job paid and every payment
            copy, cursor = clients[owner.id]
            given = _poll(uow, owner.id, copy, cursor)
            assert given == {p.id for p in payments} | {p.job_id for p in payments}
            assert copy == _everything(uow, owner.id)
            with reference.transaction(write=False) as mine:
                expected = _questions(mine.reports, owner.id, today, days, instants)
            assert _questions(uow.reports, owner.id, today, days, instants) == expected
        # the cash per day was filled from the opening payments: as a rebuild makes it
        cash = set(blank.execute("SELECT * FROM cash_days").fetchall())
        days_paid = "SELECT count(DISTINCT (user_id, received_on, method)) FROM payments"
        assert (len(cash),) == blank.execute(days_paid).fetchone()
        for statement in REBUILD:
            blank.execute(statement)
        assert set(blank.execute("SELECT * FROM cash_days").fetchall()) == cash
        raise _RolledBack


# -- version 7: quotes and invoices; payments of no job -----------------------------------

#: Every running total, as version 6 keeps it: version 7 must leave each as it was.
_FIGURES_OF_6 = (
    "SELECT * FROM owner_totals ORDER BY user_id",
    "SELECT * FROM customer_totals ORDER BY user_id, customer_id",
    "SELECT * FROM paid_days ORDER BY user_id, day",
    "SELECT * FROM open_due_days ORDER BY user_id, due_date",
    "SELECT * FROM cash_days ORDER BY user_id, received_on, method",
    "SELECT user_id, seq, kind, record_id, changes FROM history ORDER BY user_id, seq",
    "SELECT * FROM history_heads ORDER BY user_id",
)


def _figures_of_6(conn: psycopg.Connection[Any]) -> list[Any]:
    return [conn.execute(query).fetchall() for query in _FIGURES_OF_6]


def _business_at_6(owner: User) -> tuple[list[Customer], list[Job], list[Payment]]:
    """A business as version 6 holds it: customers, jobs in every status holding money
    or not, and payments (receipts, a refund, a voided one), each for a job."""
    o, t = owner.id, owner.created_at
    customers = [
        Customer.parse({"id": f"c{n}", "user_id": o, "name": f"Customer {n}"} | _at(t))
        for n in (1, 2)
    ]
    done = {"status": "completed", "completed_at": t}
    jobs = [
        Job.parse(_job(o, "j1", "c1") | done | {"actual_cost": "120", "paid": True} | _held(120)),
        Job.parse(_job(o, "j2", "c1") | done | {"actual_cost": "80", "paid": False} | _held(30)),
        Job.parse(_job(o, "j3", "c2") | {"status": "pending"} | _held(10)),
        Job.parse(_job(o, "j4", "c2") | {"status": "in_progress", "estimated_cost": "50"}),
    ]
    day = date(2025, 1, 15)
    payments = [
        _payment(o, "p1", "j1", "100.00", day),
        _payment(o, "p2", "j1", "20.00", day + timedelta(days=1), method="cash"),
        _payment(o, "p3", "j2", "40.00", day),
        _payment(o, "p4", "j2", "10.00", day + timedelta(days=2), kind="refund"),
        _payment(o, "p5", "j3", "10.00", day, kind="deposit"),
        _payment(o, "p6", "j3", "99.00", day, voided=True),
    ]
    return customers, jobs, payments


def _at(t: datetime) -> dict[str, object]:
    return {"created_at": t, "updated_at": t}


def _job(owner_id: str, job_id: str, customer_id: str) -> dict[str, object]:
    t = datetime(2025, 1, 10, 9, tzinfo=UTC)
    made = {"id": job_id, "user_id": owner_id, "customer_id": customer_id, "title": job_id}
    return made | {"paid": False} | _at(t)


def _held(amount: int) -> dict[str, object]:
    """What the job's payments add up to."""
    return {"amount_paid": Decimal(amount).quantize(Decimal("0.01"))}


def _payment(
    owner_id: str,
    payment_id: str,
    job_id: str,
    amount: str,
    day: date,
    *,
    kind: str = "payment",
    method: str = "card",
    voided: bool = False,
) -> Payment:
    t = datetime(2025, 1, 20, 8, tzinfo=UTC)
    return Payment.parse(
        {"id": payment_id, "user_id": owner_id, "job_id": job_id, "kind": kind}
        | {"method": method, "amount": amount, "received_on": day, "recorded_at": t}
        | ({"voided_at": t, "void_reason": "typo"} if voided else {})
    )


def _insert_at_version_6(
    conn: psycopg.Connection[Any],
    owner: User,
    customers: list[Customer],
    jobs: list[Job],
    payments: list[Payment],
) -> None:
    """Rows as the store of version 6 wrote them (a payment had no invoice)."""
    _insert_at_version_4(conn, [owner], [], [])
    for c in customers:
        conn.execute(
            f"INSERT INTO customers ({CUSTOMER_COLUMNS}) VALUES ({', '.join(['%s'] * 11)})",
            attrs.astuple(c),
        )
    for j in jobs:
        params = job_params(j)
        conn.execute(
            f"INSERT INTO jobs ({', '.join(params)}) "
            f"VALUES ({', '.join(f'%({c})s' for c in params)})",
            params,
        )
    for p in payments:
        values = payment_params(p)
        assert values.pop("invoice_id") is None
        conn.execute(
            f"INSERT INTO payments ({', '.join(values)}) "
            f"VALUES ({', '.join(f'%({c})s' for c in values)})",
            values,
        )


def test_a_database_of_version_6_keeps_every_record_and_figure_at_version_7(
    schema_url: str, blank: psycopg.Connection[Any]
) -> None:
    """Version 6's rows; opening the store brings them to version 7: every row and every
    running total is as it was, every report agrees with the reference, each payment is
    still its job's and of no invoice; then the new tables take quotes, invoices and a
    payment of no job, and the history speaks of them."""
    migrate(blank, VERSIONS[:6])
    blank.execute("SET TimeZone TO 'UTC'")
    owners = [
        User.parse(
            {"id": f"u{n}", "email": f"u{n}@example.com", "name": f"U{n}"}
            | {"password_hash": js.TEST_HASH}
            | _at(datetime(2024, 12, 1, tzinfo=UTC))
        )
        for n in (1, 2)
    ]
    businesses = {owner.id: _business_at_6(owner) for owner in owners}
    for owner in owners:
        _insert_at_version_6(blank, owner, *businesses[owner.id])
    before = _figures_of_6(blank)
    catalog_before = {row[:2] for row in catalog(blank) if len(row) == 3}
    store = PostgresStore(schema_url)
    try:
        assert current_version(blank) == 7
        assert _figures_of_6(blank) == before
        columns = {row[:2] for row in catalog(blank) if len(row) == 3}
        assert catalog_before <= columns  # nothing dropped
        assert ("payments", "invoice_id") in columns
        reference = MemoryStore()
        today = date(2025, 3, 1)
        days = [date(2024, 1, 1), date(2025, 1, 16), today, today + timedelta(days=1)]
        instants = [datetime(d.year, d.month, d.day, tzinfo=UTC) for d in days]
        for owner in owners:
            customers, jobs, payments = businesses[owner.id]
            with reference.transaction() as mine:
                mine.users.add(owner)
                for c in customers:
                    mine.customers.add(c)
                mine.jobs.add_many(jobs)
                mine.payments.add_many(payments)
            with store.transaction(write=False) as uow:
                assert uow.users.get(owner.id) == owner
                assert list(uow.customers.list(owner.id)) == customers
                assert sorted(uow.jobs.list(owner.id, JobFilter()), key=lambda j: j.id) == jobs
                found = uow.payments.list(owner.id, PaymentFilter())
                assert sorted(found, key=lambda p: p.id) == payments
                assert all(p.invoice_id is None for p in found)
                with reference.transaction(write=False) as mine:
                    expected = _questions(mine.reports, owner.id, today, days, instants)
                assert _questions(uow.reports, owner.id, today, days, instants) == expected
        # the new tables work on the migrated database, and the history takes their kinds
        ws = Jobtrack(store, clock=FakeClock(), hasher=Argon2Hasher.for_tests()).workspace("u1")
        ws.add_customer("Cy", id="c3")
        with store.transaction() as uow:
            assert uow.billing.next_number("u1", Series.INVOICE, 2025) == 1
        entries = blank.execute(
            "INSERT INTO history (user_id, seq, at, actor_id, source, action, kind, record_id) "
            "VALUES ('u1', 1000, now(), 'u1', 'library', 'issued', 'invoice', 'i1'), "
            "('u1', 1001, now(), 'u1', 'library', 'accepted', 'quote', 'q1') RETURNING 1"
        ).fetchall()
        assert len(entries) == 2
        blank.execute(
            "INSERT INTO invoices (id, user_id, customer_id, kind, number, status, currency, "
            "prices_include_tax, issued_on, due_on, created_at, updated_at) VALUES ('i1', 'u1', "
            "'c1', 'invoice', 'INV-1', 'paid', 'EUR', false, '2025-01-01', '2025-01-31', "
            "now(), now())"
        )
        with pytest.raises(psycopg.errors.ForeignKeyViolation):  # an issued invoice is kept
            blank.execute("DELETE FROM customers WHERE user_id = 'u1' AND id = 'c1'")
        with store.transaction(write=False) as uow:
            balances = uow.reports.balances("u1")
        blank.execute(
            "INSERT INTO payments (id, user_id, invoice_id, kind, method, amount_cents, "
            "received_on, recorded_at) "
            "VALUES ('p9', 'u1', 'i1', 'payment', 'cash', 500, '2025-01-16', now())"
        )
        with store.transaction(write=False) as uow:
            (p9,) = uow.payments.list("u1", PaymentFilter(invoice_id="i1"))
            assert (p9.job_id, p9.amount) == (None, Decimal("5.00"))
            cash = uow.reports.cash_between("u1", [date(2025, 1, 16), date(2025, 1, 17)])
            # p2 and the payment of no job: cash, and no job's money
            assert [(r.method.value, r.cash.received) for r in cash] == [("cash", Decimal("25.00"))]
            assert uow.reports.balances("u1") == balances
    finally:
        store.close()
