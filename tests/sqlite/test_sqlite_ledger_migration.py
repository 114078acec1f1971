"""The migration from schema version 5 to 6 opens the payments ledger without changing a
figure: databases at version 5 with random data are migrated, and every report is asked
before and after.

"Before" is what the records a version 5 database holds answer, with no ledger: the
running totals and the seed's hand-typed query read from the file itself, and every
report of a workspace over the memory store holding the same records. "After" is the
migrated file, through the SQLite store. Each paid job with a cost then holds one
payment of its cost (:func:`jobtrack_core.ledger.opening_payment`), in its history and
in the change feed, and has changed once more (its version, and an "updated" entry right
after its payment's), so that a feed client synced before the migration is given it
again; and the ledger's own figures agree with the memory store given the same payments.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sqlite_migrations import (  # type: ignore[import-not-found]
    after_the_ledger,
    at_version,
    before_the_ledger,
    figures,
    opened,
    raw,
    write_v3_records,
)

from jobtrack_core.entities import (
    Action,
    Customer,
    FieldChange,
    Job,
    LoginSession,
    Payment,
    RecordKind,
    Source,
    User,
)
from jobtrack_core.history import Kept, encode_place, kind_of, plain
from jobtrack_core.ledger import opening_payment
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.queries import JobFilter, PaymentFilter
from jobtrack_core.service import Jobtrack
from jobtrack_core.status import JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.fakes import FakeClock
from jobtrack_core.testing.feed import Client
from jobtrack_core.workspace import Workspace
from jobtrack_memory import MemoryStore
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore, changelog, history
from jobtrack_sqlite.migrations import read_version
from jobtrack_sqlite.totals import rebuild

#: The seed's business intelligence query, typed by hand in the sqlite3 shell.
SEED_REVENUE = "SELECT SUM(actual_cost) FROM jobs WHERE user_id = ? AND paid = true;"
UTC_CALENDAR = BusinessCalendar("UTC")
#: Days around the records' (which are within about four months of ``js.T0``).
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))

Records = tuple[list[User], list[Customer], list[Job], list[LoginSession]]


@st.composite
def version_5_data(draw: st.DrawFn) -> Records:
    """Two accounts (each with or without a calendar of its own) with customers and jobs as
    version 5 holds them: no ledger, so a paid job with a cost holds exactly its cost."""
    users = [draw(js.users(n)) for n in range(2)]
    customers: list[Customer] = []
    jobs: list[Job] = []
    for n, user in enumerate(users):
        mine = draw(
            st.lists(js.customers(user.id), min_size=1, max_size=3, unique_by=lambda c: c.id)
        )
        mine = [attrs.evolve(c, id=f"{n}-{c.id}") for c in mine]
        theirs = draw(
            st.lists(js.jobs(user.id, [c.id for c in mine]), max_size=10, unique_by=lambda j: j.id)
        )
        customers += mine
        jobs += [attrs.evolve(before_the_ledger(j), id=f"{n}-{j.id}") for j in theirs]
    return users, customers, jobs, []


def write_v5(path: Path, records: Records) -> None:
    """A version 5 file holding ``records``, with its running totals and the history
    version 5 gave existing records."""
    users, customers, jobs, sessions = records
    at_version(path, 5)
    connection = raw(path)
    try:
        write_v3_records(connection, users, customers, jobs, sessions, history.REBUILD_V5)
        connection.executemany(
            "UPDATE users SET timezone = ?, week_start = ? WHERE id = ?",
            [(u.timezone, u.week_start, u.id) for u in users],
        )
        changelog.record_existing(connection)
    finally:
        connection.close()


def memory_holding(records: Records, payments: Sequence[Payment] = ()) -> MemoryStore:
    users, customers, jobs, _ = records
    store = MemoryStore()
    with store.transaction() as uow:
        for user in users:
            uow.users.add(user)
        for customer in customers:
            uow.customers.add(customer)
        uow.jobs.add_many(jobs)
        uow.payments.add_many(payments)
    return store


def migrated(records: Records) -> Records:
    """``records`` as version 6 leaves them: each job given its opening payment has
    changed once more (its version); no figure changes."""
    users, customers, jobs, sessions = records
    return users, customers, [after_the_ledger(j) for j in jobs], sessions


Copy = dict[tuple[RecordKind, str], Kept]


def as_of_5(job: Job) -> Job:
    """``job`` as version 5 gave it: holding nothing, even if paid (as a store reads it:
    the ledger's rule was not there yet)."""
    values = attrs.asdict(job, recurse=False) | {"amount_paid": ZERO}
    return Job.from_store(*(values[a.name] for a in attrs.fields(Job)))


def synced_at_5(records: Records, user_id: str) -> Copy:
    """What a feed client that followed the feed from nothing held at version 5: every
    customer and job of the business as they were, a job holding nothing (there was no
    ledger)."""
    _, customers, jobs, _ = records
    held: list[Customer | Job] = [c for c in customers if c.user_id == user_id]
    held += [as_of_5(j) for j in jobs if j.user_id == user_id]
    return {(kind_of(r), r.id): r for r in held}


def workspace(store: Store, user_id: str) -> Workspace:
    return Jobtrack(store, clock=FakeClock(), hasher=Argon2Hasher.for_tests()).workspace(user_id)


#: Figures that came with the ledger: compared with the memory store given the same
#: payments, not with the figures from before.
NEW_FIGURES = {
    "balances",
    "cash_this_week",
    "cash_this_month",
    "stalled",
    "deposits_waiting",
}


def without_new(answer: Any) -> Any:
    if attrs.has(type(answer)):
        fields = attrs.asdict(answer, recurse=False)
        return {k: without_new(v) for k, v in fields.items() if k not in NEW_FIGURES}
    if isinstance(answer, list | tuple):
        return [without_new(a) for a in answer]
    return answer


def reports(ws: Workspace, days: Sequence[date]) -> dict[str, Callable[[], object]]:
    """Every report of a workspace, by name."""
    first, last = sorted(days)
    customer_ids = [c.id for c in ws.list_customers()]
    asked: dict[str, Callable[[], object]] = {
        "revenue": ws.revenue,
        "dashboard": ws.dashboard,
        "reminders": ws.reminders,
        "revenue by month": lambda: ws.revenue_by_month(first.year),
        "revenue between": lambda: ws.revenue_between(first, last + timedelta(days=1)),
        "revenue by customer": ws.revenue_by_customer,
        "revenue by customer, a year": lambda: ws.revenue_by_customer(last.year),
        "customer summaries": ws.customer_summaries,
        "estimate accuracy": ws.estimate_accuracy,
        "jobs": lambda: ws.list_jobs(JobFilter()),
        "unpaid jobs": lambda: ws.list_jobs(JobFilter(paid=False)),
        "customers": ws.list_customers,
    }
    for customer_id in customer_ids:
        asked[f"customer stats {customer_id}"] = lambda c=customer_id: ws.customer_stats(c)  # type: ignore[misc]
        asked[f"customer history {customer_id}"] = lambda c=customer_id: list(  # type: ignore[misc]
            ws.customer_history(c, limit=100).items
        )
    return asked


def port_questions(store: Store, owner_id: str, days: Sequence[date]) -> dict[str, object]:
    first, last = sorted(days)
    with store.transaction(write=False) as uow:
        r = uow.reports
        totals = r.totals(owner_id)
        return {
            "totals": attrs.evolve(totals, balances=attrs.fields(type(totals)).balances.default),
            "paid between": r.paid_between(owner_id, [js.T0 - timedelta(days=200), js.T0]),
            "unpaid completed": r.unpaid_completed(owner_id, js.T0 + timedelta(days=200), 100),
            "due on": r.due_on(owner_id, first, 100),
            "open due": r.open_due(owner_id, first, last, 100),
            "overdue": r.overdue(owner_id, last, 100),
            "count overdue": r.count_overdue(owner_id, last),
            "recently changed": r.recently_changed(owner_id, 100),
        }


def ledger_figures(ws: Workspace, days: Sequence[date]) -> dict[str, object]:
    first, last = sorted(days)
    return {
        "balances": ws.balances(),
        "customer balances": ws.customer_balances(),
        "aging today": ws.aging(),
        "aging then": ws.aging(first),
        "cash by month": ws.cash_received(first, last + timedelta(days=1)),
        "cash by day": ws.cash_received(first, first + timedelta(days=40), by="day"),
        "dashboard": ws.dashboard(),
        "reminders": ws.reminders(),
    }


@settings(max_examples=60, deadline=None)
@given(records=version_5_data(), days=st.lists(DAYS, min_size=2, max_size=2))
def test_no_figure_changes_and_every_paid_job_holds_one_payment_of_its_cost(
    records: Records, days: list[date]
) -> None:
    users, _, jobs, _ = records
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v5.db"
        write_v5(path, records)
        connection = raw(path)
        before_totals = figures(connection)
        before_seed = [connection.execute(SEED_REVENUE, (u.id,)).fetchall() for u in users]
        before_history = connection.execute("SELECT * FROM history ORDER BY owner, seq").fetchall()
        heads = dict(connection.execute("SELECT owner, head FROM history_heads").fetchall())
        # where each business's feed client was (its cursor), and what it held
        cursors = {u.id: encode_place(heads.get(n, 0)) for n, u in enumerate(users, start=1)}
        assert [u.id for u in users] == [
            i for (i,) in connection.execute("SELECT id FROM users ORDER BY owner")
        ]
        clients = {u.id: synced_at_5(records, u.id) for u in users}
        connection.close()

        # the same records (at the versions version 6 gives them: no figure depends on it)
        before = memory_holding(migrated(records))
        with SqliteStore(path) as store:
            connection = raw(path)
            assert read_version(connection) == SCHEMA_VERSION
            # The running totals of version 5 and the seed's query: the same to the cent.
            assert figures(connection) == before_totals
            seed = [connection.execute(SEED_REVENUE, (u.id,)).fetchall() for u in users]
            assert seed == before_seed
            # The cash by day, computed once the opening payments were in: as a rebuild.
            cash = "SELECT * FROM cash_days ORDER BY owner, day, method"
            counted = connection.execute(cash).fetchall()
            connection.execute("BEGIN IMMEDIATE")
            rebuild(connection)
            assert connection.execute(cash).fetchall() == counted
            connection.execute("ROLLBACK")
            # Version 5's history is kept as it was; the payments' entries (each followed
            # by its job's) come after it.
            entries = connection.execute("SELECT * FROM history ORDER BY owner, seq").fetchall()
            heads_now = dict(connection.execute("SELECT owner, head FROM history_heads"))
            kept = [e for e in entries if e[1] <= heads.get(e[0], 0)]
            assert kept == before_history
            connection.close()

            with store.transaction(write=False) as uow:
                payments = list(uow.payments.list(users[0].id, PaymentFilter()))
                payments += uow.payments.list(users[1].id, PaymentFilter())
                for job in jobs:  # paid, its cost, what it holds, updated_at: unchanged
                    assert uow.jobs.get(job.user_id, job.id) == after_the_ledger(job)
                    # a job given its payment has changed once more, nothing else
                    assert after_the_ledger(job).version == job.version + opened(job)
            for user in users:
                old, new = workspace(before, user.id), workspace(store, user.id)
                # Every report, figure for figure.
                for name, ask in reports(old, days).items():
                    got = reports(new, days)[name]()
                    assert without_new(got) == without_new(ask()), name
                assert port_questions(store, user.id, days) == port_questions(before, user.id, days)
                # One payment per paid job with a cost, exactly the one it stands for.
                calendar = user.calendar(UTC_CALENDAR)
                mine = [p for p in payments if p.user_id == user.id]
                by_job = {p.job_id: p for p in mine}
                assert len(by_job) == len(mine)
                paid = [j for j in jobs if j.user_id == user.id and j.paid and j.actual_cost]
                assert set(by_job) == {j.id for j in paid}
                head = heads.get(users.index(user) + 1, 0)
                for job in paid:
                    payment = by_job[job.id]
                    assert payment == opening_payment(job, calendar, payment.id)
                    assert payment.amount == job.actual_cost == job.amount_paid
                    (entry,) = new.history(RecordKind.PAYMENT, payment.id).items
                    assert (entry.action, entry.actor_id, entry.at) == (
                        Action.CREATED,
                        user.id,
                        payment.recorded_at,
                    )
                    # the job's latest entry: updated to hold it, right after the payment's
                    latest = new.history(RecordKind.JOB, job.id).items[0]
                    assert latest.seq == entry.seq + 1 > head + 1
                    assert (latest.action, latest.actor_id, latest.at) == (
                        Action.UPDATED,
                        user.id,
                        payment.recorded_at,
                    )
                    for made in (entry, latest):
                        assert (made.source, made.cause) == (Source.LIBRARY, None)
                    held = FieldChange("amount_paid", plain(ZERO), plain(payment.amount))
                    assert latest.changes == (held,)
                # Numbered after the business's changes so far, each payment's then its job's.
                count = 2 * len(mine)
                with store.transaction(write=False) as uow:
                    opening = uow.history.latest_after(user.id, head, 1000)
                    assert [e.seq for e in opening] == list(range(head + 1, head + count + 1))
                    pairs = [(a.kind, b.kind, a.record_id, b.record_id) for a, b in
                             zip(opening[::2], opening[1::2], strict=True)]  # fmt: skip
                    assert sorted(pairs) == sorted(
                        (RecordKind.PAYMENT, RecordKind.JOB, p.id, p.job_id) for p in mine
                    )
                    assert uow.history.kept_from(user.id) == 0
                assert heads_now.get(users.index(user) + 1, 0) == head + count
                # A feed client synced before the migration is given every job paid and
                # every payment on its next polls, and ends holding exactly what is stored.
                since = Client(new)
                since.cursor, since.copy = cursors[user.id], clients[user.id]
                given = {c.id for c in new.changes(since.cursor, limit=100)}
                assert given == {p.id for p in mine} | {p.job_id for p in mine}
                while since.poll(3):
                    pass
                assert since.resyncs == 0 and since.copy == since.truth()
                # The change feed from nothing ends with every record, the payments too.
                client = Client(new)
                client.catch_up()
                expected: dict[Any, Any] = dict(client.truth())
                expected.update({(RecordKind.PAYMENT, p.id): p for p in mine})
                assert client.copy == expected
                # The ledger's figures: as the memory store answers given the same payments.
                after = workspace(memory_holding(migrated(records), payments), user.id)
                assert ledger_figures(new, days) == ledger_figures(after, days)


def test_a_paid_job_is_dated_in_its_accounts_calendar(tmp_path: Path) -> None:
    """Paid at 23:30 UTC on 6 July: received on 7 July in Berlin, 6 July without a
    calendar (UTC); the payment is recorded when the job was marked paid."""
    t = js.T0.replace(hour=23, minute=30)
    users = [
        User("u1", "one@x.co", "One", None, js.TEST_HASH, t, t, "Europe/Berlin", 0),
        User("u2", "two@x.co", "Two", None, js.TEST_HASH, t, t),
    ]
    customers = [
        Customer("c", u.id, "Ada", None, None, None, None, None, t, t) for u in users
    ]  # fmt: skip
    job = Job(
        id="j", user_id="u1", customer_id="c", title="Fix", description=None,
        status=JobStatus.COMPLETED, estimated_cost=None, actual_cost=Decimal("12.50"),
        estimated_hours=None, actual_hours=None, due_date=None, paid=True, paid_at=t,
        completed_at=t, created_at=t, updated_at=t, amount_paid=Decimal("12.50"),
    )  # fmt: skip
    jobs = [job, attrs.evolve(job, user_id="u2")]
    path = tmp_path / "v5.db"
    write_v5(path, (users, customers, jobs, []))
    with SqliteStore(path) as store, store.transaction(write=False) as uow:
        (berlin,) = uow.payments.list("u1", PaymentFilter())
        (utc,) = uow.payments.list("u2", PaymentFilter())
    assert (berlin.received_on, utc.received_on) == (date(2025, 7, 7), date(2025, 7, 6))
    assert berlin.recorded_at == utc.recorded_at == t
    assert berlin.by_mark_paid and str(berlin.amount) == "12.50"


def test_a_migrated_paid_job_can_be_marked_unpaid_and_paid_again(tmp_path: Path) -> None:
    """The opening payment is the one ``mark_paid`` would have recorded: ``mark_unpaid``
    voids it, and the job is as it was before it was paid."""
    t = js.T0
    user = User("u", "u@x.co", "U", None, js.TEST_HASH, t, t)
    customer = Customer("c", "u", "Ada", None, None, None, None, None, t, t)
    job = Job(
        id="j", user_id="u", customer_id="c", title="Fix", description=None,
        status=JobStatus.COMPLETED, estimated_cost=None, actual_cost=Decimal("40.00"),
        estimated_hours=None, actual_hours=None, due_date=None, paid=True, paid_at=t,
        completed_at=t, created_at=t, updated_at=t, amount_paid=Decimal("40.00"),
    )  # fmt: skip
    path = tmp_path / "v5.db"
    write_v5(path, ([user], [customer], [job], []))
    with SqliteStore(path) as store:
        ws = workspace(store, "u")
        unpaid = ws.mark_unpaid("j")
        assert (unpaid.paid, unpaid.amount_paid) == (False, Decimal("0.00"))
        (voided,) = ws.list_payments(job_id="j")
        assert voided.voided
        assert ws.balances().owed.amount == 40
        assert ws.mark_paid("j").paid
