"""Query plans, proved with EXPLAIN QUERY PLAN rather than timings.

Every statement the store runs (captured while a workload exercises every
repository method and every job filter combination) must find its rows through
an index that leads with the owner's number, or through a unique key, never by
scanning a table; the same for each pattern the seed's indexes served,
rewritten with the owner's number; and the same after ANALYZE on data skewed
towards one large owner.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from jobtrack_core import JobFilter, JobStatus, Jobtrack, NotFoundError, SessionPolicy, Workspace
from jobtrack_core.entities import Customer, Job, Payment, PaymentKind, PaymentMethod, User
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.ports import ReportQueries
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_sqlite import SqliteStore

TABLES = ("users", "customers", "jobs", "sessions", "history", "history_heads", "payments")
#: Version 7's tables of quotes and invoices (the workload reaches them too).
BILLING_TABLES = (
    "billing_settings",
    "tax_rates",
    "number_counters",
    "quotes",
    "quote_lines",
    "invoices",
    "invoice_lines",
)
#: The table aliases the store's queries use (plans name a table by its alias; ``d`` is
#: a quote or an invoice, ``l`` a line).
ALIASES = {
    "c": "customers",
    "j": "jobs",
    "h": "history",
    "later": "history",
    "p": "payments",
    "d": "invoices",
    "l": "invoice_lines",
}
LINE = re.compile(
    r"^(SCAN|SEARCH) (\w+)(?: AS \w+)?"
    r"(?: USING (?:COVERING )?(INDEX \w+|PRIMARY KEY|INTEGER PRIMARY KEY) \((.*)\))?"
)
#: Tables whose primary key leads with the owner's number.
OWNER_KEYED = (
    "history",
    "history_heads",
    "tax_rates",
    "number_counters",
    "quote_lines",
    "invoice_lines",
)
#: Tables whose rowid is the owner's number.
OWNER_ROWID = ("billing_settings",)
#: Lookups of one row by a unique key (owner checked on that row).
UNIQUE_LOOKUPS = {
    "users": ("id=?", "email=?"),
    "customers": ("id=?",),
    "jobs": ("id=?",),
    "sessions": ("id=?", "token_hash=?"),
}


def plan(db: sqlite3.Connection, sql: str, params: Any = ()) -> list[str]:
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def index_columns(db: sqlite3.Connection, index: str) -> list[str]:
    return [row[2] for row in db.execute(f"PRAGMA index_info({index})")]


def problems(db: sqlite3.Connection, sql: str, params: Any = ()) -> list[str]:
    """Why a statement's plan is not owner-scoped (empty when it is)."""
    found = []
    for detail in plan(db, sql, params):
        match = LINE.match(detail)
        if match is None or ALIASES.get(match.group(2), match.group(2)) not in (
            TABLES + BILLING_TABLES
        ):
            continue
        kind, table, index, constraint = match.groups()
        table = ALIASES.get(table, table)
        if index == "INTEGER PRIMARY KEY" and table in OWNER_ROWID and constraint == "rowid=?":
            continue
        if kind == "SCAN" or index is None:
            found.append(f"{detail}  <-  {sql}")
        elif constraint in UNIQUE_LOOKUPS.get(table, ()) or (
            table == "sessions" and constraint.startswith(("user_id=", "expires_at_us<"))
        ):
            continue
        elif index in ("PRIMARY KEY", "INTEGER PRIMARY KEY"):
            if not (table in OWNER_KEYED and constraint.startswith("owner=")):
                found.append(f"{detail}  <-  {sql}")
        elif not (
            index_columns(db, index.removeprefix("INDEX "))[0] == "owner"
            and constraint.startswith("owner=")
        ):
            found.append(f"{detail}  <-  {sql}")
    return found


class Recorder:
    """A store's tracer: the data statements it runs, with their parameters, while on."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.on = False

    def __call__(self, sql: str, parameters: Any) -> None:
        if self.on and sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            self.statements.append((sql, parameters))

    def start(self) -> list[tuple[str, Any]]:
        self.statements, self.on = [], True
        return self.statements


def filters(customer_id: str) -> Iterator[JobFilter]:
    day = date(2025, 7, 10)
    closed = frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED})
    statuses = [None, frozenset({JobStatus.PENDING}), closed]
    dues = [(None, None), (day, None), (None, day), (day, day + timedelta(days=7))]
    for status, customer, paid, (due_from, due_to), text in itertools.product(
        statuses, [None, customer_id], [None, True, False], dues, [None, "a%b"]
    ):
        yield JobFilter(
            statuses=status,
            customer_id=customer,
            paid=paid,
            due_from=due_from,
            due_to=due_to,
            text=text,
        )


def workload(app: Jobtrack, clock: FakeClock, ws: Workspace, other: Workspace) -> None:
    """Every service call, hence every repository method and filter the store has."""
    customer = ws.add_customer("Ada", phone="1")
    job = ws.create_job(customer.id, "Fix a sink", estimated_cost="10", due_date="2025-07-12")
    ws.list_customers()
    ws.get_customer(customer.id)
    ws.update_customer(customer.id, phone="2")
    ws.update_job(job.id, title="Fix two sinks")
    ws.start_job(job.id)
    clock.tick()
    deposit = ws.add_payment(job.id, "5", method="card", kind="deposit")
    ws.complete_job(job.id, actual_cost="12.50")
    ws.mark_paid(job.id)
    ws.mark_unpaid(job.id)
    refund = ws.add_payment(job.id, "1", kind="refund", method="cash")
    ws.void_payment(refund.id, "typed twice")
    ws.get_payment(deposit.id)
    ws.list_payments()
    ws.list_payments(job_id=job.id)
    ws.list_payments(customer_id=customer.id)
    history(ws, job.id)
    ws.revenue()
    for where in filters(customer.id):
        ws.list_jobs(where)
    with app.store.transaction() as uow:
        uow.jobs.add_many(
            attrs.evolve(job, id=f"{job.id}-copy-{i}", created_at=clock()) for i in range(3)
        )
    with pytest.raises(NotFoundError):
        other.get_job(job.id)
    reports(ws, customer.id)
    billing(ws, clock)
    with app.store.transaction(write=False) as uow:  # a restore's question
        uow.billing.last_numbers(ws.user_id)
    login = app.login(ws.user.email, PASSWORD)
    app.authenticate(login.token)
    ws.update_profile(name="Renamed")
    ws.logout_everywhere()
    app.logout(login.token)
    clock.advance(days=2)
    app.login(ws.user.email, PASSWORD)  # purges expired sessions
    ws.delete_job(job.id, with_payments=True)
    ws.delete_customer(customer.id, with_payments=True)
    ws.prune_history(clock() + timedelta(days=1))  # drops the deletions: raises the floor
    ws.changes()
    ws.delete_account(PASSWORD)


def billing(ws: Workspace, clock: FakeClock) -> None:
    """Every billing call: settings, quotes from draft to accepted, an invoice of a job
    issued, paid and credited, drafts deleted, and the invoice questions."""
    ws.update_billing(tax_rates=[{"name": "VAT", "rate": "20"}], default_tax="VAT")
    ws.billing_settings()
    customer = ws.add_customer("Billed")
    lines = [{"description": "Labour", "quantity": "2.5", "unit": "h", "unit_price": "40"}]
    quote = ws.create_quote(customer.id, "Roof", lines=lines)
    ws.update_quote(quote.id, notes="two days")
    ws.send_quote(quote.id)
    job_id = ws.accept_quote(quote.id).job_id
    assert job_id is not None
    ws.quote_of_job(job_id)
    ws.get_quote(quote.id)
    ws.list_quotes()
    ws.list_quotes(customer_id=customer.id, status="accepted")
    ws.delete_quote(ws.create_quote(customer.id, "Spare").id)
    ws.expire_quotes()
    ws.start_job(job_id)
    ws.complete_job(job_id, actual_cost="100")
    invoice = ws.create_invoice(customer.id, job_ids=[job_id], lines=lines)
    ws.update_invoice(invoice.id, notes="thanks")
    invoice = ws.issue_invoice(invoice.id)
    ws.pay_invoice(invoice.id, "150", method="card")
    ws.payments_of_invoice(invoice.id)
    ws.credit_invoice(invoice.id, lines=lines)
    ws.get_invoice(invoice.id)
    ws.list_invoices()
    ws.list_invoices(customer_id=customer.id, status="paid", kind="invoice", job_id=job_id)
    ws.invoices_of_job(job_id)
    ws.delete_invoice(ws.create_invoice(customer.id, lines=lines).id)
    clock.advance(days=100)
    ws.invoice_aging()
    ws.overdue_invoices()


def history(ws: Workspace, job_id: str) -> None:
    """Every question of the history and the change feed, page by page."""
    page = ws.history("job", job_id, limit=1)
    ws.history("job", job_id, limit=1, after=page.next)
    for kinds, actions, since, until in itertools.product(
        [None, "job"], [None, ["moved", "paid"]], [None, "2025-07-01"], [None, "2030-01-01"]
    ):
        page = ws.activity(kinds=kinds, actions=actions, since=since, until=until, limit=1)
        ws.activity(kinds=kinds, actions=actions, since=since, until=until, after=page.next)
    batch = ws.changes(limit=1)
    ws.changes(batch.next)
    ws.prune_history("2000-01-01")


def reports(ws: Workspace, customer_id: str) -> None:
    """Every report, and every listing order walked page by page."""
    ws.dashboard()
    ws.reminders()
    ws.revenue_by_month(2025)
    ws.revenue_between("2025-07-01", "2025-08-01")
    ws.revenue_by_customer()
    ws.revenue_by_customer(2025)
    ws.customer_summaries()
    ws.customer_stats(customer_id)
    ws.customer_history(customer_id)
    ws.search_customers("ad")
    ws.estimate_accuracy()
    ws.balances()
    ws.balances(customer_id)
    ws.customer_balances()
    ws.aging()
    ws.aging("2024-03-01")
    ws.cash_received("2024-01-01", "2025-01-01")
    ws.cash_received("2024-06-01", "2024-06-08", by="day")
    for sort, where in itertools.product(
        JobSort,
        [
            None,
            JobFilter(statuses=frozenset({JobStatus.PENDING})),
            JobFilter(due_to=date(2030, 1, 1)),
        ],
    ):
        page = ws.list_jobs_page(where, sort=sort, limit=1)
        for _ in range(3):
            if page.next is None:
                break
            page = ws.list_jobs_page(where, sort=sort, limit=1, after=page.next)


def new_app(path: Path, recorder: Recorder | None = None) -> tuple[Jobtrack, FakeClock]:
    clock = FakeClock()
    app = Jobtrack(
        SqliteStore(path, synchronous="NORMAL", tracer=recorder),
        clock=clock,
        ids=CountingIds(),
        hasher=Argon2Hasher.for_tests(),
        sessions=SessionPolicy(lifetime=timedelta(hours=1), idle_timeout=timedelta(minutes=30)),
    )
    return app, clock


def register(app: Jobtrack, email: str) -> Workspace:
    return app.workspace(app.register(email=email, password=PASSWORD, name=email).id)


#: Statements that read one row at the end of a table's b-tree (O(log n), no scan): the
#: last rowid, after which a bulk insert's rows follow (jobtrack_sqlite.totals.defer).
ONE_ROW = {"SELECT coalesce(max(rowid), 0) FROM jobs"}


def assert_every_statement_is_owner_scoped(
    app: Jobtrack, statements: list[tuple[str, Any]]
) -> None:
    assert isinstance(app.store, SqliteStore)
    db = app.store._link().connection
    unique: dict[str, Any] = {}
    for sql, params in statements:
        unique.setdefault(sql, params)
    every = TABLES + BILLING_TABLES
    tables_seen = {t for sql in unique for t in every if f" {t} " in f"{sql} "}
    assert tables_seen == set(every), "the workload must reach every table"
    found = [
        p for sql, params in unique.items() if sql not in ONE_ROW for p in problems(db, sql, params)
    ]
    assert found == []


def test_every_statement_the_store_runs_uses_an_owner_scoped_index(tmp_path: Path) -> None:
    recorder = Recorder()
    app, clock = new_app(tmp_path / "plans.db", recorder)
    assert isinstance(app.store, SqliteStore)
    ws, other = register(app, "a@x.co"), register(app, "b@x.co")
    statements = recorder.start()
    workload(app, clock, ws, other)
    assert len(statements) > 150
    assert_every_statement_is_owner_scoped(app, statements)


def test_the_check_sees_a_table_scan() -> None:
    with SqliteStore(":memory:") as store:
        db = store._link().connection
        assert problems(db, "SELECT * FROM jobs WHERE status = 'pending'")
        assert problems(db, "SELECT * FROM jobs WHERE customer_id = 'c'")
        assert problems(db, "SELECT * FROM jobs ORDER BY created_at_us")
        assert problems(db, "SELECT * FROM jobs WHERE user_id = 'u' AND status = 'pending'")
        assert not problems(db, "SELECT * FROM jobs WHERE owner = 1 AND status = 'pending'")
        assert problems(db, "SELECT * FROM history WHERE record_id = 'x'")
        assert not problems(db, "SELECT * FROM history WHERE owner = 1 AND seq > 5")


def test_the_history_questions_read_their_record_index_and_key_in_order(tmp_path: Path) -> None:
    """A record's entries come from its index, newest first; the feed walks the owner's
    entries by number from the cursor, and asks the record index whether each is its
    record's latest; the activity list walks the owner's entries backwards. None sorts."""
    recorder = Recorder()
    app, _ = new_app(tmp_path / "history.db", recorder)
    ws = register(app, "h@x.co")
    job = ws.create_job(ws.add_customer("Ada").id, "Sink")
    statements = recorder.start()
    ws.history("job", job.id)
    ws.changes()
    ws.activity(kinds="job")
    db = app.store._link().connection  # type: ignore[attr-defined]
    plans = [" / ".join(plan(db, sql, params)) for sql, params in statements if "history" in sql]
    assert len(plans) == 4  # the feed reads its floor first
    record, floor, feed, activity = plans
    assert "SEARCH h USING INDEX idx_history_record (owner=? AND kind=? AND record_id=? AND" in (
        record
    )
    assert "SEARCH history_heads USING PRIMARY KEY (owner=?)" in floor
    assert "SEARCH h USING PRIMARY KEY (owner=? AND seq>?)" in feed
    assert "SEARCH later USING COVERING INDEX idx_history_record" in feed
    assert "SEARCH h USING PRIMARY KEY (owner=? AND seq<?)" in activity
    assert all("TEMP B-TREE" not in p for p in plans), plans


OWNERS = 8


Skewed = tuple[Jobtrack, FakeClock, Workspace, Workspace, Recorder]


def skewed(path: Path) -> Skewed:
    """One large owner (one customer holds most jobs, most are completed and paid)
    beside many small ones; then ANALYZE."""
    recorder = Recorder()
    app, clock = new_app(path, recorder)
    big, small = register(app, "big@x.co"), register(app, "small@x.co")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    template = Job(
        id="template",
        user_id="template",
        customer_id="template",
        title="Routine visit",
        description=None,
        status=JobStatus.COMPLETED,
        estimated_cost=Decimal("80.00"),
        actual_cost=Decimal("85.00"),
        estimated_hours=None,
        actual_hours=None,
        due_date=date(2024, 6, 1),
        paid=True,
        paid_at=start,
        completed_at=start,
        created_at=start,
        updated_at=start,
        amount_paid=Decimal("85.00"),
    )
    with app.store.transaction() as uow:
        for owner in range(OWNERS):
            user_id = big.user_id if owner == 0 else small.user_id if owner == 1 else f"u{owner}"
            if owner > 1:
                uow.users.add(User(user_id, f"{user_id}@x.co", "U", None, "hash", start, start))
            n_customers, n_jobs = (20, 6000) if owner == 0 else (2, 40)
            customer_ids = [f"{user_id}-c{i}" for i in range(n_customers)]
            for customer_id in customer_ids:
                uow.customers.add(
                    Customer(
                        customer_id, user_id, "Name", None, None, None, None, None, start, start
                    )
                )
            uow.jobs.add_many(
                attrs.evolve(
                    template,
                    id=f"{user_id}-j{i}",
                    user_id=user_id,
                    customer_id=customer_ids[0 if i % 10 else i % n_customers],
                    status=JobStatus.PENDING if i % 50 == 0 else JobStatus.COMPLETED,
                    completed_at=None if i % 50 == 0 else start,
                    due_date=date(2024, 1, 1) + timedelta(days=i),
                    created_at=start + timedelta(minutes=i),
                )
                for i in range(n_jobs)
            )
            uow.payments.add_many(
                Payment(
                    id=f"{user_id}-p{i}",
                    user_id=user_id,
                    job_id=f"{user_id}-j{i}",
                    kind=PaymentKind.DEPOSIT if i % 50 == 0 else PaymentKind.PAYMENT,
                    method=PaymentMethod.CARD,
                    amount=Decimal("85.00"),
                    received_on=DAY + timedelta(days=i % 400),
                    reference=None,
                    note=None,
                    recorded_at=start,
                )
                for i in range(n_jobs)
            )
    assert isinstance(app.store, SqliteStore)
    app.store._link().connection.execute("ANALYZE")
    return app, clock, big, small, recorder


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> Skewed:
    return skewed(tmp_path_factory.mktemp("analyzed") / "skewed.db")


def test_after_analyze_on_skewed_data_plans_stay_owner_scoped(analyzed: Skewed) -> None:
    app, clock, big, small, recorder = analyzed
    assert isinstance(app.store, SqliteStore)
    db = app.store._link().connection
    assert db.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    statements = recorder.start()
    for ws in (big, small):
        customers = ws.list_customers()
        ws.revenue()
        for where in filters(customers[0].id):
            ws.list_jobs(where)
        reports(ws, customers[0].id)
    fresh, other = register(app, "fresh@x.co"), register(app, "other@x.co")
    workload(app, clock, fresh, other)
    recorder.on = False
    assert_every_statement_is_owner_scoped(app, statements)


#: The owner's number, given the user's id (how every owner-scoped query names its owner).
OWNER = "(SELECT owner FROM users WHERE id = ?)"

SEED_PATTERNS = {
    # idx_customers_user_id ON customers(user_id)
    "customers of a user": f"SELECT * FROM customers WHERE owner = {OWNER}",
    # idx_jobs_user_id ON jobs(user_id)
    "jobs of a user": f"SELECT * FROM jobs WHERE owner = {OWNER} ORDER BY created_at_us DESC",
    # idx_jobs_customer_id ON jobs(customer_id)
    "a customer's job history": (
        f"SELECT * FROM jobs WHERE owner = {OWNER} AND customer_id = ? ORDER BY created_at_us DESC"
    ),
    # idx_jobs_status ON jobs(status)
    "jobs in a status": f"SELECT * FROM jobs WHERE owner = {OWNER} AND status = 'pending'",
    "dashboard counts": f"SELECT COUNT(*), status FROM jobs WHERE owner = {OWNER} GROUP BY status",
    # idx_jobs_due_date ON jobs(due_date)
    "jobs due in a range": (
        f"SELECT * FROM jobs WHERE owner = {OWNER}"
        " AND due_date BETWEEN '2024-05-01' AND '2024-06-30'"
    ),
    "revenue": f"SELECT SUM(actual_cost) FROM jobs WHERE owner = {OWNER} AND paid = true",
    # idx_sessions_token ON sessions(token), idx_sessions_user_id ON sessions(user_id)
    "a session by its token": "SELECT * FROM sessions WHERE token_hash = 'abc'",
    "sessions of a user": "SELECT * FROM sessions WHERE user_id = ?",
}
NEEDS_OWNER_INDEX = {
    "customers of a user",
    "jobs of a user",
    "a customer's job history",
    "jobs in a status",
    "dashboard counts",
    "jobs due in a range",
    "revenue",
}


@pytest.mark.parametrize("name", list(SEED_PATTERNS))
@pytest.mark.parametrize("analyze", [False, True], ids=["fresh", "analyzed"])
def test_each_pattern_the_seed_indexes_served_uses_an_owner_index(
    name: str,
    analyze: bool,
    analyzed: Skewed,
    tmp_path: Path,
) -> None:
    if analyze:
        app, _, big, _, _ = analyzed
        db = app.store._link().connection  # type: ignore[attr-defined]
        owner = big.user_id
    else:
        store = SqliteStore(tmp_path / "fresh.db")
        db = store._link().connection
        owner = "u"
    sql = SEED_PATTERNS[name]
    params: tuple[object, ...] = (owner,) * sql.count("?")
    if "customer_id = ?" in sql:
        params = (owner, f"{owner}-c0")
    assert problems(db, sql, params) == []
    details = " / ".join(plan(db, sql, params))
    if name in NEEDS_OWNER_INDEX:
        assert re.search(r"SEARCH (customers|jobs) USING .*INDEX \w+ \(owner=\?", details), details
    if name in ("jobs of a user", "a customer's job history"):
        assert "TEMP B-TREE" not in details, details


def test_indexes_lead_with_the_owner_and_serve_every_foreign_key(tmp_path: Path) -> None:
    """A cascade (or a check that a parent row is unused) looks up the child rows by the
    foreign key's columns: that lookup must search an index, not scan the table."""
    with SqliteStore(tmp_path / "indexes.db") as store:
        db = store._link().connection
        for table in ("customers", "jobs", "history"):
            for _, index, _unique, origin, _ in db.execute(f"PRAGMA index_list({table})"):
                if origin == "pk":
                    continue
                assert index_columns(db, index)[0] == "owner", (table, index)
        tables = ("customers", "jobs", "sessions", "history", "history_heads", "payments")
        for table in tables + BILLING_TABLES:
            groups: dict[int, list[str]] = {}
            for row in db.execute(f"PRAGMA foreign_key_list({table})"):
                groups.setdefault(row[0], []).append(row[3])
            for child_columns in groups.values():
                lookup = " AND ".join(f"{column} = ?" for column in child_columns)
                sql = f"SELECT 1 FROM {table} WHERE {lookup}"
                assert problems(db, sql, (1,) * len(child_columns)) == [], sql


# -- the report questions ---------------------------------------------------------------------

DAY = date(2024, 6, 1)
MOMENT = datetime(2024, 6, 1, 5, tzinfo=UTC)
Ask = Callable[[ReportQueries, str, str], object]
#: The bounds of an aging report as of the day before ``DAY``.
AGING = [MOMENT - timedelta(days=n) for n in (0, 30, 60, 90)]


def _job_index(name: str, *, covering: bool = False) -> str:
    return f"SEARCH jobs USING {'COVERING ' if covering else ''}INDEX {name} (owner=?"


#: Each report question, and the search each of its statements starts with: the index that
#: holds the answer in the order asked for (no sort), or the running totals by key.
QUESTIONS: dict[str, tuple[Ask, list[str]]] = {
    "customer_jobs": (
        lambda r, owner, customer: r.customer_jobs(owner, customer, None, 50),
        [_job_index("idx_jobs_owner_customer")],
    ),
    "customer_jobs, a later page": (
        lambda r, owner, customer: r.customer_jobs(
            owner, customer, JobPosition(JobSort.NEWEST, "x", moment=MOMENT), 50
        ),
        [_job_index("idx_jobs_owner_customer")],
    ),
    "due_on": (lambda r, owner, _: r.due_on(owner, DAY, 10), [_job_index("idx_jobs_owner_due")]),
    "open_due": (
        lambda r, owner, _: r.open_due(owner, DAY, DAY + timedelta(days=7), 20),
        [_job_index("idx_jobs_owner_open_due")],
    ),
    "overdue": (
        lambda r, owner, _: r.overdue(owner, DAY, 20),
        [_job_index("idx_jobs_owner_open_due")],
    ),
    "count_overdue": (
        lambda r, owner, _: r.count_overdue(owner, DAY),
        ["SEARCH open_due_days USING PRIMARY KEY (owner=? AND due_date<?)"],
    ),
    "recently_changed": (
        lambda r, owner, _: r.recently_changed(owner, 10),
        [_job_index("idx_jobs_owner_updated")],
    ),
    "unpaid_completed": (
        lambda r, owner, _: r.unpaid_completed(owner, MOMENT, 50),
        [_job_index("idx_jobs_owner_unpaid_done")],
    ),
    "totals": (
        lambda r, owner, _: r.totals(owner),
        ["SEARCH owner_totals USING INTEGER PRIMARY KEY (rowid=?)"],
    ),
    "balances": (
        lambda r, owner, _: r.balances(owner),
        ["SEARCH c USING INDEX idx_customers_owner_name (owner=?)"],
    ),
    "aging, today": (
        lambda r, owner, _: r.aging(owner, AGING, None),
        ["SEARCH j USING COVERING INDEX idx_jobs_owner_owing (owner=?"],
    ),
    "aging, a past day": (
        lambda r, owner, _: r.aging(owner, AGING, DAY),
        ["SEARCH j USING COVERING INDEX idx_jobs_owner_due_done (owner=?"],
    ),
    "cash_between": (
        lambda r, owner, _: r.cash_between(owner, [DAY, DAY + timedelta(days=31)]),
        ["SEARCH cash_days USING PRIMARY KEY (owner=? AND day>? AND day<?)"],
    ),
    "stalled": (
        lambda r, owner, _: r.stalled(owner, DAY, 10),
        ["SEARCH j USING INDEX idx_jobs_owner_unpaid_done (owner=?"],
    ),
    "deposits_waiting": (
        lambda r, owner, _: r.deposits_waiting(owner, DAY, 10),
        ["SEARCH j USING INDEX idx_jobs_owner_holding (owner=?"],
    ),
    "paid_between": (
        lambda r, owner, _: r.paid_between(owner, [MOMENT, MOMENT + timedelta(days=40)]),
        [
            "SEARCH paid_days USING PRIMARY KEY (owner=? AND day>? AND day<?)",
            _job_index("idx_jobs_owner_paid", covering=True),
            _job_index("idx_jobs_owner_paid", covering=True),
        ],
    ),
}


@pytest.mark.parametrize("question", list(QUESTIONS))
@pytest.mark.parametrize("analyze", [False, True], ids=["fresh", "analyzed"])
def test_each_report_question_reads_its_index_in_the_order_asked_for(
    question: str, analyze: bool, analyzed: Skewed, tmp_path: Path
) -> None:
    ask, expected = QUESTIONS[question]
    if analyze:
        app, _, big, _, recorder = analyzed
        owner, customer = big.user_id, f"{big.user_id}-c0"
    else:
        recorder = Recorder()
        app, _ = new_app(tmp_path / "fresh.db", recorder)
        owner, customer = "u", "c"
    assert isinstance(app.store, SqliteStore)
    statements = recorder.start()
    with app.store.transaction(write=False) as uow:
        ask(uow.reports, owner, customer)
    recorder.on = False
    db = app.store._link().connection
    plans = [plan(db, sql, params) for sql, params in statements]
    firsts = [next(d for d in p if not d.startswith(NOT_SEARCHES)) for p in plans]
    assert [f[: len(e)] for f, e in zip(firsts, expected, strict=True)] == expected, plans
    assert not [d for p in plans for d in p if d.startswith("SCAN") and table_of(d)], plans
    if question not in SORTS_WHAT_IT_FOUND and not (analyze and question in SORTS_ONE_DAY):
        assert not [d for p in plans for d in p if "TEMP B-TREE" in d], plans


#: Lines of a plan that search no table: a WITH clause made first, the days of a cash report
#: (a JSON array), the rows of the WITH clause.
NOT_SEARCHES = ("MATERIALIZE", "CO-ROUTINE", "SCAN json_each", "SCAN b")
#: The questions that group and sort what they find (aging by customer and bucket, cash by
#: period and method, deposits by their first day): rows the index chose, few of them.
SORTS_WHAT_IT_FOUND = {"aging, today", "aging, a past day", "cash_between", "deposits_waiting"}


def table_of(detail: str) -> str | None:
    """The table a plan's line reads, if it is one of the store's."""
    match = LINE.match(detail)
    if match is None:
        return None
    table = ALIASES.get(match.group(2), match.group(2))
    return table if table in TABLES else None


#: After ANALYZE, SQLite expects about one job a day per owner, and sorts the jobs due on
#: the day asked for (found by the index, that day's only) rather than walk them in id
#: order: a sort of a day's jobs, whatever the owner's number of jobs.
SORTS_ONE_DAY = {"due_on"}
