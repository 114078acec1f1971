"""SQLAlchemy 2 ORM on the seed's schema: a straightforward declarative model of
the four tables, one ``Session`` per operation, the same queries as the raw
baseline written with the ORM's ``select()``. It runs on a copy of the raw
baseline's database file, so both read identical data."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, ForeignKey, create_engine, event, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

from bench import seed_schema as seed
from bench.baseline_sqlite import MONTH_START, TODAY_TEXT, UPCOMING_ARGS, WEEK_START, YEAR
from bench.dataset import NOW_MS, TODAY
from bench.plan import PAGE_SIZE, OwnerCase, Plan, import_task
from bench.timing import Skipped, Task


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    business_name: Mapped[str | None]
    password_hash: Mapped[str]
    created_at: Mapped[str]
    updated_at: Mapped[str]


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str]
    email: Mapped[str | None]
    phone: Mapped[str | None]
    address: Mapped[str | None]
    business_name: Mapped[str | None]
    notes: Mapped[str | None]
    created_at: Mapped[str]
    updated_at: Mapped[str]


class JobRow(Base):
    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str]
    description: Mapped[str | None]
    status: Mapped[str] = mapped_column(default="pending", index=True)
    estimated_cost: Mapped[float | None]
    actual_cost: Mapped[float | None]
    estimated_hours: Mapped[float | None]
    actual_hours: Mapped[float | None]
    due_date: Mapped[str | None] = mapped_column(index=True)
    paid: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[str | None]
    created_at: Mapped[str]
    updated_at: Mapped[str]
    customer: Mapped[CustomerRow] = relationship()


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(unique=True, index=True)
    expires_at: Mapped[str]
    created_at: Mapped[str]


JOB_FIELDS = tuple(c.strip() for c in seed.JOB_COLUMNS.split(","))


def make_engine(path: str) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        for pragma in seed.PRAGMAS:
            dbapi_connection.execute(pragma)

    return engine


def _job(record: Any) -> JobRow:
    return JobRow(**dict(zip(JOB_FIELDS, seed.job_row(record), strict=True)))


def _as_dict(row: Base) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def export_owner(path: str, owner_id: str, out: str) -> None:
    engine = make_engine(path)
    with Session(engine) as s:
        customers = s.scalars(select(CustomerRow).where(CustomerRow.user_id == owner_id)).all()
        jobs = s.scalars(select(JobRow).where(JobRow.user_id == owner_id)).all()
        document = {
            "customers": [_as_dict(c) for c in customers],
            "jobs": [_as_dict(j) for j in jobs],
        }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(document, f)
    engine.dispose()


class BaselineSqlalchemy:
    """The ORM column."""

    name = "sqlalchemy"

    def __init__(self, workdir: str) -> None:
        self.seed_path = os.path.join(workdir, "seed.db")
        self.path = os.path.join(workdir, "orm.db")
        self.engine: Engine | None = None

    def build(self, plan: Plan) -> None:
        """Copy the raw baseline's freshly built file (it must not have been written yet)."""
        shutil.copyfile(self.seed_path, self.path)
        self.engine = make_engine(self.path)

    def _session(self) -> Session:
        assert self.engine is not None, "build() first"
        return Session(self.engine)

    def dashboard(self, owner: str) -> dict[str, Any]:
        paid = JobRow.paid == True  # noqa: E712 - renders "paid = 1", as the original wrote it
        mine = JobRow.user_id == owner
        with self._session() as s:
            with_customer = select(JobRow).options(joinedload(JobRow.customer)).where(mine)
            return {
                "customers": s.scalar(
                    select(func.count())
                    .select_from(CustomerRow)
                    .where(CustomerRow.user_id == owner)
                ),
                "by_status": s.execute(
                    select(func.count(), JobRow.status).where(mine).group_by(JobRow.status)
                ).all(),
                "revenue": s.scalar(select(func.sum(JobRow.actual_cost)).where(mine, paid)),
                "unpaid": s.execute(
                    select(func.sum(JobRow.actual_cost), func.count()).where(
                        mine, JobRow.status == "completed", JobRow.paid == False  # noqa: E712
                    )
                ).one(),
                "week": s.scalar(
                    select(func.sum(JobRow.actual_cost)).where(
                        mine, paid, JobRow.completed_at >= WEEK_START
                    )
                ),
                "month": s.scalar(
                    select(func.sum(JobRow.actual_cost)).where(
                        mine, paid, JobRow.completed_at >= MONTH_START
                    )
                ),
                "today": s.scalars(
                    with_customer.where(JobRow.due_date == TODAY_TEXT)
                    .order_by(JobRow.created_at.desc())
                    .limit(10)
                ).all(),
                "recent": s.scalars(
                    with_customer.order_by(JobRow.updated_at.desc()).limit(10)
                ).all(),
                "upcoming": self._upcoming(s, owner),
            }

    @staticmethod
    def _upcoming(s: Session, owner: str) -> Any:
        return s.scalars(
            select(JobRow)
            .options(joinedload(JobRow.customer))
            .where(
                JobRow.user_id == owner,
                JobRow.status.in_(("pending", "in_progress")),
                JobRow.due_date >= UPCOMING_ARGS[0],
                JobRow.due_date <= UPCOMING_ARGS[1],
            )
            .order_by(JobRow.due_date)
            .limit(20)
        ).all()

    def _listing(self, plan: Plan, case: OwnerCase, page: int) -> Any:
        lst = plan.listing
        with self._session() as s:
            return s.scalars(
                select(JobRow)
                .options(joinedload(JobRow.customer))
                .where(
                    JobRow.user_id == case.owner_id,
                    JobRow.status.in_(lst.statuses),
                    JobRow.paid == lst.paid,
                    JobRow.due_date >= lst.due_from.isoformat(),
                    JobRow.due_date <= lst.due_to.isoformat(),
                )
                .order_by(JobRow.created_at.desc())
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            ).all()

    def _revenue(self, owner: str) -> Any:
        with self._session() as s:
            return s.scalar(
                select(func.sum(JobRow.actual_cost)).where(
                    JobRow.user_id == owner,
                    JobRow.paid == True,  # noqa: E712
                )
            )

    def _revenue_by_month(self, owner: str) -> Any:
        month = func.strftime("%m", JobRow.completed_at).label("month")
        with self._session() as s:
            return s.execute(
                select(month, func.sum(JobRow.actual_cost))
                .where(
                    JobRow.user_id == owner,
                    JobRow.paid == True,  # noqa: E712
                    func.strftime("%Y", JobRow.completed_at) == str(YEAR),
                )
                .group_by(month)
                .order_by(month)
            ).all()

    def _history(self, case: OwnerCase) -> Any:
        with self._session() as s:
            return s.scalars(
                select(JobRow)
                .where(JobRow.customer_id == case.customer_id, JobRow.user_id == case.owner_id)
                .order_by(JobRow.created_at.desc())
                .limit(PAGE_SIZE)
            ).all()

    def _upcoming_alone(self, owner: str) -> Any:
        with self._session() as s:
            return self._upcoming(s, owner)

    def _authenticate(self, token: str) -> str:
        with self._session() as s:
            found = s.scalar(select(SessionRow).where(SessionRow.token == token))
            if found is None or found.expires_at <= seed.iso(NOW_MS):
                raise LookupError("unknown or expired session")
            return found.user_id

    def _import(self, jobs: list[JobRow]) -> None:
        with self._session() as s:
            s.add_all(jobs)
            s.commit()

    def _add_importer(self, plan: Plan) -> None:
        with self._session() as s:
            row = dict(zip(("id", "email", "name", "business_name", "password_hash",
                            "created_at", "updated_at"), seed.user_row(plan.importer),
                           strict=True))  # fmt: skip
            s.add(UserRow(**row))
            s.flush()
            for c in plan.importer_customers:
                fields = [col.key for col in CustomerRow.__table__.columns]
                s.add(CustomerRow(**dict(zip(fields, seed.customer_row(c), strict=True))))
            s.commit()

    def _drop_importer(self, plan: Plan) -> None:
        with self._session() as s:
            for table in ("jobs", "customers"):
                s.execute(text(f"DELETE FROM {table} WHERE user_id = :u"), {"u": plan.importer.id})
            s.execute(text("DELETE FROM users WHERE id = :u"), {"u": plan.importer.id})
            s.commit()

    def _create(self, plan: Plan) -> None:
        now = seed.iso(NOW_MS)
        with self._session() as s:
            s.add(
                JobRow(
                    id=str(uuid.uuid4()),
                    user_id=plan.large.owner_id,
                    customer_id=plan.large.customer_id,
                    title="Gutter cleaning",
                    description="annual maintenance visit",
                    status="pending",
                    estimated_cost=180.0,
                    estimated_hours=2.5,
                    due_date=(TODAY + timedelta(days=3)).isoformat(),
                    paid=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            s.commit()

    def task(self, op: Any, plan: Plan) -> Task | Skipped:
        kind = op.kind
        case = plan.case(op.case) if op.case else plan.large
        owner = case.owner_id
        if kind in ("import", "import_convert"):
            return import_task(
                lambda: [_job(r) for r in plan.import_jobs],
                self._import,
                lambda: self._add_importer(plan),
                lambda: self._drop_importer(plan),
                convert=kind == "import_convert",
            )
        runs: dict[str, Any] = {
            "create": lambda: self._create(plan),
            "dashboard": lambda: self.dashboard(owner),
            "revenue": lambda: self._revenue(owner),
            "revenue_by_month": lambda: self._revenue_by_month(owner),
            "history": lambda: self._history(case),
            "upcoming": lambda: self._upcoming_alone(owner),
            "list_first": lambda: self._listing(plan, case, 1),
            "list_later": lambda: self._listing(plan, case, case.later_page),
            "authenticate": lambda: self._authenticate(plan.token),
        }
        if kind in runs:
            return Task(runs[kind], warmup=0 if kind == "create" else 1)
        return Skipped(f"no operation {op.key}")

    def export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        from bench.export_probe import run_probe

        return run_probe("sqlalchemy", self.path, plan.large.owner_id, out)

    def flush(self) -> None:
        """Nothing: SQLite writes through the operating system (see ``timing.synced``)."""

    def analyze(self) -> None:
        assert self.engine is not None
        with self.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        self.engine.dispose()
        self.engine = make_engine(self.path)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
