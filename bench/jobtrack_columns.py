"""jobtrack's columns: its SQLite, memory and PostgreSQL stores, each loaded through
the public bulk path (``uow.jobs.add_many``) and measured through the public API
(:class:`jobtrack.Jobtrack` and its :class:`~jobtrack.Workspace`)."""

from __future__ import annotations

import os
import sqlite3
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.dataset import (
    NOW,
    TODAY,
    CustomerRecord,
    JobRecord,
    OwnerRecord,
    SessionRecord,
    ms_to_datetime,
    ordinal_to_date,
)
from bench.plan import PAGE_SIZE, UPCOMING_DAYS, Operation, OwnerCase, Plan, import_task
from bench.timing import Skipped, Task
from jobtrack_core import Argon2Hasher, Jobtrack, Store, Workspace
from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.money import ZERO
from jobtrack_core.pagination import JobSort
from jobtrack_core.queries import JobFilter
from jobtrack_core.service import token_digest
from jobtrack_core.status import JobStatus

#: The environment variable naming the PostgreSQL server, as the test suite reads it.
POSTGRES_ENV = "JOBTRACK_POSTGRES_URL"
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"

_STATUSES = {s.value: s for s in JobStatus}
#: What jobtrack's SQLite store calls with each statement it runs: its SQL, its parameters.
Tracer = Callable[[str, Any], object]
_HASH = Argon2Hasher.for_tests().hash("benchmark password")


def _amount(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def to_user(o: OwnerRecord) -> User:
    created = ms_to_datetime(o.created_ms)
    return User(o.id, o.email, o.name, o.business_name, _HASH, created, created)


def to_customer(c: CustomerRecord) -> Customer:
    return Customer(
        c.id, c.user_id, c.name, c.email, c.phone, c.address, c.business_name, c.notes,
        ms_to_datetime(c.created_ms), ms_to_datetime(c.updated_ms),
    )  # fmt: skip


def to_job(j: JobRecord) -> Job:
    """A job of the data set; a paid job with a cost holds it (``amount_paid``), as a job
    marked paid does."""
    cost = _amount(j.actual_cents)
    return Job(
        id=j.id,
        user_id=j.user_id,
        customer_id=j.customer_id,
        title=j.title,
        description=j.description,
        status=_STATUSES[j.status],
        estimated_cost=_amount(j.estimated_cents),
        actual_cost=cost,
        estimated_hours=_amount(j.estimated_hundredths),
        actual_hours=_amount(j.actual_hundredths),
        due_date=None if j.due_ordinal is None else ordinal_to_date(j.due_ordinal),
        paid=j.paid,
        paid_at=None if j.paid_ms is None else ms_to_datetime(j.paid_ms),
        completed_at=None if j.completed_ms is None else ms_to_datetime(j.completed_ms),
        created_at=ms_to_datetime(j.created_ms),
        updated_at=ms_to_datetime(j.updated_ms),
        amount_paid=cost if j.paid and cost else ZERO,
    )


def to_session(s: SessionRecord) -> LoginSession:
    created = ms_to_datetime(s.created_ms)
    return LoginSession(
        s.id, s.user_id, token_digest(s.token), created, ms_to_datetime(s.expires_ms), created
    )


def load(store: Store, plan: Plan, owners: Iterable[OwnerRecord] | None = None) -> None:
    """The data set (or some owners of it) through the public bulk path, one
    transaction per owner."""
    data = plan.data
    chosen = list(data.owners if owners is None else owners)
    with store.transaction() as uow:
        for owner in chosen:
            uow.users.add(to_user(owner))
    for owner in chosen:
        customers = data.customers(owner)
        with store.transaction() as uow:
            for c in customers:
                uow.customers.add(to_customer(c))
            uow.jobs.add_many(map(to_job, data.jobs(owner, customers)))
            for s in data.sessions(owner):
                uow.sessions.add(to_session(s))


def make_app(store: Store) -> Jobtrack:
    """The service over ``store``, with the benchmark's fixed clock."""
    return Jobtrack(store, clock=lambda: NOW, hasher=Argon2Hasher.for_tests())


def _cursor_of_page(ws: Workspace, where: JobFilter, page: int) -> str | None:
    """The cursor that reads page ``page`` of a listing (walked untimed)."""
    cursor = None
    for _ in range(page - 1):
        cursor = ws.list_jobs_page(where, limit=PAGE_SIZE, after=cursor).next
    return cursor


def open_sqlite(path: str, tracer: Tracer | None = None) -> Store:
    """jobtrack's SQLite store on ``path``, ``synchronous=FULL`` (its default); ``tracer``
    is told every statement it runs (``SqliteStore(tracer=...)``)."""
    from jobtrack_sqlite import SqliteStore

    store: Store = SqliteStore(path, synchronous="FULL", tracer=tracer)
    return store


def open_postgres(url: str) -> Store:
    from jobtrack_postgres import PostgresStore

    store: Store = PostgresStore.from_url(url)
    return store


def export_owner(kind: str, location: str, owner_id: str, out: str) -> None:
    """Export one owner's data with jobtrack's interchange format (used by the probe)."""
    store = open_sqlite(location) if kind == "sqlite" else open_postgres(location)
    app = make_app(store)
    try:
        _export(app, owner_id, out)
    finally:
        app.close()


def _export(app: Jobtrack, owner_id: str, out: str) -> None:
    from jobtrack_interchange.export import export_json

    with open(out, "w", encoding="utf-8") as f:
        export_json(app, owner_id, f)


class JobtrackColumn:
    """One jobtrack store behind the public API."""

    def __init__(self, name: str, opener: Callable[[], Store], workdir: str) -> None:
        self.name = name
        self.opener = opener
        self.workdir = workdir
        self.app: Jobtrack | None = None
        self.workspaces: dict[str, Workspace] = {}
        self._plan: Plan | None = None

    # -- life cycle ----------------------------------------------------------------------
    def build(self, plan: Plan) -> None:
        self._plan = plan
        store = self.opener()
        load(store, plan, self.owners(plan))
        self._open(store, plan)

    def _reopen(self) -> None:
        """Close the store (if open) and open a new one on the same data."""
        assert self._plan is not None, "build() first"
        if self.app is not None:
            self.app.close()
        self._open(self.opener(), self._plan)

    def owners(self, plan: Plan) -> list[OwnerRecord] | None:
        return None

    def _open(self, store: Store, plan: Plan) -> None:
        self.app = make_app(store)
        loaded = {o.id for o in self.owners(plan) or plan.data.owners}
        self.workspaces = {
            label: self.app.workspace(plan.case(label).owner_id)
            for label in ("large", "typical")
            if plan.case(label).owner_id in loaded
        }

    def analyze(self) -> None:
        """Column-specific; the memory store has nothing to analyze."""

    def flush(self) -> None:
        """Nothing for a store inside this process (see ``timing.synced``)."""

    def close(self) -> None:
        if self.app is not None:
            self.app.close()
            self.app = None

    def _app(self) -> Jobtrack:
        assert self.app is not None, "build() first"
        return self.app

    # -- operations ------------------------------------------------------------------------
    def task(self, op: Operation, plan: Plan) -> Task | Skipped:
        kind = op.kind
        if kind in ("import", "import_convert"):
            return import_task(
                lambda: list(map(to_job, plan.import_jobs)),
                self._import,
                lambda: self._add_importer(plan),
                lambda: self._drop_importer(plan),
                convert=kind == "import_convert",
            )
        if kind == "create":
            return Task(lambda: self._create(plan), warmup=0)
        if kind == "authenticate":
            app = self._app()
            return Task(lambda: app.authenticate(plan.token))
        case = plan.case(op.case or "large")
        ws = self.workspaces[case.label]
        made = self._reads(ws, kind, plan, case)
        return made if isinstance(made, Skipped) else Task(made)

    def _reads(
        self, ws: Workspace, kind: str, plan: Plan, case: OwnerCase
    ) -> Callable[[], object] | Skipped:
        lst = plan.listing
        listing = JobFilter(
            statuses=frozenset(map(JobStatus, lst.statuses)),
            paid=lst.paid,
            due_from=lst.due_from,
            due_to=lst.due_to,
        )
        upcoming = JobFilter(
            statuses=frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS}),
            due_from=TODAY,
            due_to=TODAY + timedelta(days=UPCOMING_DAYS),
        )
        reads: dict[str, Callable[[], object]] = {
            "revenue": ws.revenue,
            "dashboard": ws.dashboard,
            "revenue_by_month": lambda: ws.revenue_by_month(NOW.year),
            "history": lambda: ws.customer_history(case.customer_id, limit=PAGE_SIZE),
            "upcoming": lambda: ws.list_jobs_page(upcoming, sort=JobSort.DUE, limit=20),
            "list_first": lambda: ws.list_jobs_page(listing, limit=PAGE_SIZE),
        }
        if kind == "list_later":
            cursor = _cursor_of_page(ws, listing, case.later_page)
            return lambda: ws.list_jobs_page(listing, limit=PAGE_SIZE, after=cursor)
        return reads.get(kind) or Skipped(f"no operation {kind}")

    def _import(self, jobs: list[Job]) -> None:
        with self._app().store.transaction() as uow:
            uow.jobs.add_many(jobs)

    def _add_importer(self, plan: Plan) -> None:
        with self._app().store.transaction() as uow:
            uow.users.add(to_user(plan.importer))
            for c in plan.importer_customers:
                uow.customers.add(to_customer(c))

    def _drop_importer(self, plan: Plan) -> None:
        with self._app().store.transaction() as uow:
            uow.users.delete(plan.importer.id)

    def _create(self, plan: Plan) -> Job:
        return self.workspaces["large"].create_job(
            plan.large.customer_id,
            "Gutter cleaning",
            description="annual maintenance visit",
            estimated_cost=Decimal("180.00"),
            estimated_hours=Decimal("2.50"),
            due_date=TODAY + timedelta(days=3),
        )

    def export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        try:
            import jobtrack_interchange  # noqa: F401
        except ImportError:
            return Skipped("jobtrack_interchange does not exist yet")
        return self._export_peak(plan, out)

    def _export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        return Skipped("not measured for this column")


class SqliteColumn(JobtrackColumn):
    """jobtrack's SQLite store on a file, synchronous=FULL (its default). The diagnostics
    give it a ``tracer``, which every store it opens from then on calls."""

    def __init__(self, workdir: str, tracer: Tracer | None = None) -> None:
        self.path = os.path.join(workdir, "jobtrack.db")
        self.tracer = tracer
        super().__init__("jobtrack sqlite", lambda: open_sqlite(self.path, self.tracer), workdir)

    def analyze(self) -> None:
        conn = sqlite3.connect(self.path)
        conn.execute("ANALYZE")
        conn.commit()
        conn.close()
        self._reopen()

    def build(self, plan: Plan) -> None:
        """Load, then close and reopen the store, as the baseline's build closes its
        connection: closing the last connection checkpoints the write-ahead log and
        deletes it, so both SQLite columns start with an empty log. (Left open, the
        store would keep the load's log, over 100 MB at the full size, and its first
        commits would overwrite that old file instead of appending to a new one; see
        docs/performance.md.)"""
        super().build(plan)
        self._reopen()

    def _export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        from bench.export_probe import run_probe

        return run_probe("sqlite", self.path, plan.large.owner_id, out)


class MemoryColumn(JobtrackColumn):
    """jobtrack's memory store; all of the data set when it fits, else the owners measured."""

    def __init__(self, workdir: str, *, max_jobs: int, only: str | None = None) -> None:
        from jobtrack_memory import MemoryStore

        super().__init__("jobtrack memory", MemoryStore, workdir)
        self.max_jobs = max_jobs
        #: Load only this owner ("large" or "typical"): the proportionality check.
        self.only = only
        self.note = ""

    def owners(self, plan: Plan) -> list[OwnerRecord] | None:
        data = plan.data
        if self.only is not None:
            return [data.large if self.only == "large" else data.typical]
        if data.size.jobs <= self.max_jobs:
            return None
        chosen, total = [], 0
        for owner in data.owners:
            if total + data.job_count(owner.number) > self.max_jobs and owner.number > 1:
                break
            chosen.append(owner)
            total += data.job_count(owner.number)
        self.note = f"holds {len(chosen)} owners, {total:,} jobs"
        return chosen

    def _export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        """The store lives in this process, so the export's own peak is what
        ``tracemalloc`` sees above the store; timed in a separate, untraced run."""
        app, owner = self._app(), plan.large.owner_id
        started = time.perf_counter()
        _export(app, owner, out)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        try:
            _export(app, owner, out)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        os.remove(out)
        return seconds, peak


class PostgresColumn(JobtrackColumn):
    """jobtrack's PostgreSQL store on a throwaway database of the local server."""

    def __init__(self, workdir: str, server_url: str) -> None:
        self.server_url = server_url
        self.dbname = f"jobtrack_bench_{os.getpid()}"
        base = server_url.rsplit("/", 1)[0]
        self.url = f"{base}/{self.dbname}"
        super().__init__("jobtrack postgres", lambda: open_postgres(self.url), workdir)

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)  # type: ignore[arg-type, unused-ignore]

    def build(self, plan: Plan) -> None:
        self._admin(f'CREATE DATABASE "{self.dbname}"')
        super().build(plan)

    def flush(self) -> None:
        """``CHECKPOINT``: the server writes its changed pages now instead of over the minutes
        that follow, while other columns are being timed."""
        self._admin("CHECKPOINT")

    def analyze(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        self._reopen()

    def close(self) -> None:
        super().close()
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        except Exception as exc:  # pragma: no cover - cleanup must not hide results
            print(f"  (could not drop {self.dbname}: {exc})")

    def _export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        from bench.export_probe import run_probe

        return run_probe("postgres", self.url, plan.large.owner_id, out)


def postgres_reason(server_url: str) -> str | None:
    """Why the PostgreSQL column cannot run, or None when it can."""
    try:
        import psycopg

        import jobtrack_postgres  # noqa: F401
    except ImportError as exc:
        return f"not importable: {exc}"
    try:
        with psycopg.connect(server_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"no server at {server_url}: {str(exc).strip().splitlines()[0]}"
    return None


def sqlite_reason() -> str | None:
    try:
        from jobtrack_sqlite import SqliteStore  # noqa: F401
    except ImportError as exc:
        return f"jobtrack_sqlite is not importable yet: {exc}"
    return None
