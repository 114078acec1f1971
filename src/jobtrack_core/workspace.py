"""One user's view of the store: :class:`Workspace`, with their account, customers, jobs
and figures. Everything here is scoped to that user.

Each public method runs in one unit of work, so a call that raises has written
nothing. Wrap several calls in :meth:`Workspace.atomic` to make them one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from jobtrack_core.entities import Customer, Deleted, Job, User
from jobtrack_core.errors import (
    AuthenticationError,
    NotFoundError,
    ValidationError,
)
from jobtrack_core.money import MoneyError, parse_amount
from jobtrack_core.pagination import MAX_PAGE_SIZE, JobPosition, JobSort, Page, page_of
from jobtrack_core.passwords import (
    verify_stored,
)
from jobtrack_core.periods import BusinessCalendar, Period
from jobtrack_core.ports import ReportRepository, UnitOfWork
from jobtrack_core.queries import JobFilter
from jobtrack_core.reports import (
    Accuracy,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    PeriodRevenue,
    Reminders,
    Tally,
)
from jobtrack_core.status import JobStatus, check_transition
from jobtrack_core.validation import (
    CUSTOMER_FIELDS,
    JOB_FIELDS,
    Checker,
    check_password,
    clean_account,
    clean_customer,
    clean_job,
)

if TYPE_CHECKING:
    from jobtrack_core.service import Jobtrack

#: What an amount may be given as: ``Decimal("12.50")``, ``12`` or ``"12.50"``; never a float.
Amount = Decimal | int | str


class Unset(enum.Enum):
    """Marks an argument that was not given, so that ``None`` can mean "clear this field"."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


def _given(**values: object) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not UNSET}


def require_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError.single(field, "must be a non-empty id string")
    return value


class Workspace:
    """One user's view of the store. Everything here is scoped to ``user_id``:
    another user's records behave exactly as if they did not exist."""

    def __init__(self, app: Jobtrack, user_id: str, session_id: str | None = None) -> None:
        self._app = app
        self.user_id = user_id
        self.session_id = session_id

    def __repr__(self) -> str:
        return f"Workspace(user_id={self.user_id!r})"

    @contextmanager
    def atomic(self) -> Iterator[Workspace]:
        """Make every call inside the block one unit of work: all of it or none of it."""
        with self._app.store.transaction():
            yield self

    def _tx(self, *, write: bool = True) -> AbstractContextManager[UnitOfWork]:
        return self._app.store.transaction(write=write)

    def _now(self) -> datetime:
        return self._app.now()

    # -- the account -----------------------------------------------------------
    @property
    def user(self) -> User:
        with self._tx(write=False) as uow:
            return self._user(uow)

    def _user(self, uow: UnitOfWork) -> User:
        user = uow.users.get(self.user_id)
        if user is None:
            raise NotFoundError("user", self.user_id)
        return user

    def update_profile(
        self,
        *,
        name: str | Unset = UNSET,
        business_name: str | Unset | None = UNSET,
        email: str | Unset = UNSET,
    ) -> User:
        """Change name, business name or email (email stays unique, case-insensitively)."""
        changes = _given(name=name, business_name=business_name, email=email)
        with self._tx() as uow:
            user = self._user(uow)
            current = {"email": user.email, "name": user.name, "business_name": user.business_name}
            profile = clean_account(current | changes)
            if profile == current:
                return user
            updated = attrs.evolve(user, updated_at=self._now(), **profile)
            uow.users.update(updated)
            return updated

    def change_password(self, current_password: str, new_password: str) -> None:
        """Set a new password. Every other session of this user is revoked."""
        check_password("new_password", new_password)
        hasher = self._app.hasher
        user = self.user
        if not verify_stored(hasher, user.password_hash, current_password):
            raise AuthenticationError("current password is wrong")
        new_hash = hasher.hash(new_password)
        with self._tx() as uow:
            now = self._now()
            uow.users.update(attrs.evolve(self._user(uow), password_hash=new_hash, updated_at=now))
            uow.sessions.revoke_all(self.user_id, now, keep=self.session_id)

    def logout_everywhere(self) -> int:
        """Revoke every session of this user, this one included; return how many."""
        with self._tx() as uow:
            return uow.sessions.revoke_all(self.user_id, self._now())

    def delete_account(self, password: str) -> Deleted:
        """Delete this user and everything of theirs. Asks for the password again."""
        if not verify_stored(self._app.hasher, self.user.password_hash, password):
            raise AuthenticationError("password is wrong")
        with self._tx() as uow:
            return uow.users.delete(self.user_id)

    # -- customers -------------------------------------------------------------
    def add_customer(
        self,
        name: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        business_name: str | None = None,
        notes: str | None = None,
        id: str | None = None,
    ) -> Customer:
        fields = clean_customer(
            {
                "name": name,
                "email": email,
                "phone": phone,
                "address": address,
                "business_name": business_name,
                "notes": notes,
            }
        )
        now = self._now()
        customer = Customer(
            id=id or self._app.ids(), user_id=self.user_id, created_at=now, updated_at=now, **fields
        )
        with self._tx() as uow:
            self._user(uow)
            uow.customers.add(customer)
        return customer

    def get_customer(self, customer_id: str) -> Customer:
        with self._tx(write=False) as uow:
            return self._customer(uow, customer_id)

    def _customer(self, uow: UnitOfWork, customer_id: object) -> Customer:
        found = uow.customers.get(self.user_id, require_id("customer_id", customer_id))
        if found is None:
            raise NotFoundError("customer", str(customer_id))
        return found

    def list_customers(self) -> Sequence[Customer]:
        """Every customer of this user, sorted by name."""
        with self._tx(write=False) as uow:
            return uow.customers.list(self.user_id)

    def update_customer(
        self,
        customer_id: str,
        *,
        name: str | Unset = UNSET,
        email: str | Unset | None = UNSET,
        phone: str | Unset | None = UNSET,
        address: str | Unset | None = UNSET,
        business_name: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
    ) -> Customer:
        """Change some fields; the result is validated exactly like a new customer."""
        changes = _given(
            name=name,
            email=email,
            phone=phone,
            address=address,
            business_name=business_name,
            notes=notes,
        )
        with self._tx() as uow:
            customer = self._customer(uow, customer_id)
            current = {f: getattr(customer, f) for f in CUSTOMER_FIELDS}
            fields = clean_customer(current | changes)
            if fields == current:
                return customer
            updated = attrs.evolve(customer, updated_at=self._now(), **fields)
            uow.customers.update(updated)
            return updated

    def delete_customer(self, customer_id: str) -> Deleted:
        """Delete a customer and all of its jobs; the result says how many jobs went too."""
        with self._tx() as uow:
            self._customer(uow, customer_id)
            return uow.customers.delete(self.user_id, customer_id)

    # -- jobs --------------------------------------------------------------------
    def create_job(
        self,
        customer_id: str,
        title: str,
        *,
        description: str | None = None,
        estimated_cost: Amount | None = None,
        estimated_hours: Amount | None = None,
        due_date: date | str | None = None,
        actual_cost: Amount | None = None,
        actual_hours: Amount | None = None,
        id: str | None = None,
    ) -> Job:
        """A new, pending, unpaid job for one of this user's customers."""
        fields = clean_job(
            {
                "customer_id": customer_id,
                "title": title,
                "description": description,
                "estimated_cost": estimated_cost,
                "estimated_hours": estimated_hours,
                "due_date": due_date,
                "actual_cost": actual_cost,
                "actual_hours": actual_hours,
            }
        )
        now = self._now()
        job = Job(
            id=id or self._app.ids(),
            user_id=self.user_id,
            status=JobStatus.PENDING,
            paid=False,
            paid_at=None,
            completed_at=None,
            created_at=now,
            updated_at=now,
            **fields,
        )
        with self._tx() as uow:
            uow.jobs.add(job)  # NotFoundError("customer") unless it is this user's customer
        return job

    def get_job(self, job_id: str) -> Job:
        with self._tx(write=False) as uow:
            return self._job(uow, job_id)

    def _job(self, uow: UnitOfWork, job_id: object) -> Job:
        found = uow.jobs.get(self.user_id, require_id("job_id", job_id))
        if found is None:
            raise NotFoundError("job", str(job_id))
        return found

    def list_jobs(
        self,
        where: JobFilter | None = None,
        *,
        status: JobStatus | str | Sequence[JobStatus | str] | None = None,
        customer_id: str | None = None,
    ) -> Sequence[Job]:
        """This user's jobs, newest first. Filter with ``status`` and ``customer_id``, or
        pass a :class:`JobFilter` for every condition."""
        if where is None:
            where = JobFilter(statuses=status, customer_id=customer_id)
        with self._tx(write=False) as uow:
            return uow.jobs.list(self.user_id, where)

    def update_job(
        self,
        job_id: str,
        *,
        customer_id: str | Unset = UNSET,
        title: str | Unset = UNSET,
        description: str | Unset | None = UNSET,
        estimated_cost: Amount | Unset | None = UNSET,
        actual_cost: Amount | Unset | None = UNSET,
        estimated_hours: Amount | Unset | None = UNSET,
        actual_hours: Amount | Unset | None = UNSET,
        due_date: date | str | Unset | None = UNSET,
    ) -> Job:
        """Change some fields; validated exactly like a new job. The customer may change
        only to another customer of this user. Status and payment have their own calls."""
        changes = _given(
            customer_id=customer_id,
            title=title,
            description=description,
            estimated_cost=estimated_cost,
            actual_cost=actual_cost,
            estimated_hours=estimated_hours,
            actual_hours=actual_hours,
            due_date=due_date,
        )
        with self._tx() as uow:
            job = self._job(uow, job_id)
            current = {f: getattr(job, f) for f in JOB_FIELDS}
            fields = clean_job(current | changes)
            if fields == current:
                return job
            if fields["customer_id"] != job.customer_id:
                self._customer(uow, fields["customer_id"])
            updated = attrs.evolve(job, updated_at=self._now(), **fields)
            uow.jobs.update(updated)
            return updated

    def delete_job(self, job_id: str) -> Deleted:
        with self._tx() as uow:
            self._job(uow, job_id)
            return uow.jobs.delete(self.user_id, job_id)

    def start_job(self, job_id: str) -> Job:
        """pending -> in_progress."""
        return self._move(job_id, JobStatus.IN_PROGRESS, {})

    def complete_job(
        self,
        job_id: str,
        *,
        actual_cost: Amount | Unset | None = UNSET,
        actual_hours: Amount | Unset | None = UNSET,
    ) -> Job:
        """in_progress -> completed, optionally recording what it really cost and took.
        ``completed_at`` is set now and never changes afterwards."""
        check = Checker()
        changes: dict[str, Any] = {}
        if actual_cost is not UNSET:
            changes["actual_cost"] = check.amount("actual_cost", actual_cost)
        if actual_hours is not UNSET:
            changes["actual_hours"] = check.amount("actual_hours", actual_hours)
        check.done()
        return self._move(job_id, JobStatus.COMPLETED, changes)

    def cancel_job(self, job_id: str) -> Job:
        """pending or in_progress -> cancelled."""
        return self._move(job_id, JobStatus.CANCELLED, {})

    def _move(self, job_id: str, target: JobStatus, changes: dict[str, Any]) -> Job:
        with self._tx() as uow:
            job = self._job(uow, job_id)
            check_transition(job.id, job.status, target)
            now = self._now()
            if target is JobStatus.COMPLETED:
                changes["completed_at"] = now
            updated = attrs.evolve(job, status=target, updated_at=now, **changes)
            uow.jobs.update(updated)
            return updated

    def mark_paid(self, job_id: str) -> Job:
        """Record payment, in any status. Marking a paid job paid again changes nothing."""
        return self._pay(job_id, paid=True)

    def mark_unpaid(self, job_id: str) -> Job:
        """Undo a payment record, in any status."""
        return self._pay(job_id, paid=False)

    def _pay(self, job_id: str, *, paid: bool) -> Job:
        with self._tx() as uow:
            job = self._job(uow, job_id)
            if job.paid == paid:
                return job
            now = self._now()
            updated = attrs.evolve(job, paid=paid, paid_at=now if paid else None, updated_at=now)
            uow.jobs.update(updated)
            return updated

    # -- figures -----------------------------------------------------------------
    def revenue(self) -> Decimal:
        """Sum of actual cost over paid jobs, exact to the cent."""
        with self._tx(write=False) as uow:
            return uow.jobs.revenue(self.user_id)

    # -- reports, lists and search -------------------------------------------------
    # Every figure below is computed by the store from its own indexes and totals;
    # the service turns the business's local periods into UTC instants first.

    @property
    def calendar(self) -> BusinessCalendar:
        """The business's time zone and first day of the week (set on :class:`Jobtrack`)."""
        return self._app.calendar

    def today(self) -> date:
        """The business's local date now."""
        return self.calendar.local_date(self._now())

    def dashboard(
        self,
        *,
        upcoming_days: int = 7,
        recent: int = 10,
        today_limit: int = 10,
        upcoming_limit: int = 20,
        overdue_limit: int = 20,
    ) -> Dashboard:
        """The start page's figures and lists, read in one unit of work; see :class:`Dashboard`."""
        check = Checker()
        upcoming_days = _whole(check, "upcoming_days", upcoming_days, 0, MAX_DAYS)
        limits = {
            name: _whole(check, name, value, 0, MAX_PAGE_SIZE)
            for name, value in (
                ("recent", recent),
                ("today_limit", today_limit),
                ("upcoming_limit", upcoming_limit),
                ("overdue_limit", overdue_limit),
            )
        }
        check.done()
        cal = self.calendar
        today = cal.local_date(self._now())
        week, month = cal.week_of(today), cal.month_of(today)
        overdue = JobFilter(statuses=OPEN_STATUSES, due_to=today - timedelta(days=1))
        with self._tx(write=False) as uow:
            reports = uow.reports
            totals = reports.totals(self.user_id)
            this_week, this_month = _revenue_in(reports, self.user_id, (week, month))

            def listed(where: JobFilter, sort: JobSort, limit: int) -> tuple[Job, ...]:
                if limit == 0:
                    return ()
                return tuple(reports.jobs_page(self.user_id, where, sort, None, limit))

            return Dashboard(
                today=today,
                timezone=cal.timezone,
                customers=totals.customers,
                jobs=totals.statuses.total,
                statuses=totals.statuses,
                revenue=totals.revenue,
                receivables=totals.receivables,
                pipeline=totals.pipeline,
                this_week=PeriodRevenue(week, this_week),
                this_month=PeriodRevenue(month, this_month),
                due_today=listed(
                    JobFilter(statuses=NOT_CANCELLED, due_from=today, due_to=today),
                    JobSort.DUE,
                    limits["today_limit"],
                ),
                recent=listed(JobFilter(), JobSort.UPDATED, limits["recent"]),
                upcoming=listed(
                    JobFilter(
                        statuses=OPEN_STATUSES,
                        due_from=today,
                        due_to=today + timedelta(days=upcoming_days),
                    ),
                    JobSort.DUE,
                    limits["upcoming_limit"],
                ),
                overdue=listed(overdue, JobSort.DUE, limits["overdue_limit"]),
                overdue_count=reports.count_jobs(self.user_id, overdue),
            )

    def revenue_between(self, start: date | str, end: date | str) -> PeriodRevenue:
        """Revenue by payment date over the local days ``start`` (included) to ``end``
        (excluded)."""
        check = Checker()
        first = check.due_date("start", start)
        last = check.due_date("end", end)
        if start is None or end is None:
            check.fail("start" if start is None else "end", "is required")
        check.done()
        assert first is not None and last is not None
        if last < first:
            raise ValidationError.single("end", "must not be before start")
        period = _period(lambda: self.calendar.period(first, last))
        with self._tx(write=False) as uow:
            (tally,) = uow.reports.paid_between(self.user_id, (period.start_at, period.end_at))
        return PeriodRevenue(period, tally)

    def revenue_by_month(self, year: int | None = None) -> tuple[PeriodRevenue, ...]:
        """Revenue by payment date for each of the twelve months of ``year`` (this year
        by default), January first; months without payments show zero."""
        year = self.today().year if year is None else _year(year)
        months = _period(lambda: self.calendar.months(year))
        bounds = [m.start_at for m in months] + [months[-1].end_at]
        with self._tx(write=False) as uow:
            tallies = uow.reports.paid_between(self.user_id, bounds)
        return tuple(PeriodRevenue(m, t) for m, t in zip(months, tallies, strict=True))

    def revenue_by_customer(self, year: int | None = None) -> Sequence[CustomerRevenue]:
        """Per customer, the actual cost of their paid jobs: all time, or paid in ``year``
        (local dates). Largest first; customers without paid jobs are left out."""
        paid_from = paid_to = None
        if year is not None:
            period = _period(lambda: self.calendar.year(_year(year)))
            paid_from, paid_to = period.start_at, period.end_at
        with self._tx(write=False) as uow:
            return uow.reports.revenue_by_customer(self.user_id, paid_from, paid_to)

    def customer_summaries(self) -> Sequence[CustomerSummary]:
        """Every customer with job count, unpaid amount and more, sorted by name."""
        with self._tx(write=False) as uow:
            return uow.reports.customer_summaries(self.user_id)

    def customer_stats(self, customer_id: str) -> CustomerSummary:
        """One customer's figures: jobs, completed, earned, unpaid, average job value,
        last job date."""
        with self._tx(write=False) as uow:
            self._customer(uow, customer_id)
            (summary,) = uow.reports.customer_summaries(self.user_id, customer_id)
            return summary

    def customer_history(
        self, customer_id: str, *, limit: int = 50, after: str | None = None
    ) -> Page[Job]:
        """A customer's jobs, newest first, a page at a time (pass ``page.next`` as ``after``)."""
        with self._tx(write=False) as uow:
            self._customer(uow, customer_id)
            return self._page(uow, JobFilter(customer_id=customer_id), JobSort.NEWEST, limit, after)

    def list_jobs_page(
        self,
        where: JobFilter | None = None,
        *,
        sort: JobSort | str = JobSort.NEWEST,
        limit: int = 50,
        after: str | None = None,
    ) -> Page[Job]:
        """One page of this user's jobs matching ``where``, in ``sort`` order.

        Pass the returned ``page.next`` as ``after`` to read the next page; it stays
        correct while jobs are added and removed (see :mod:`jobtrack_core.pagination`).
        """
        try:
            order = JobSort(sort)
        except ValueError:
            choices = ", ".join(repr(s.value) for s in JobSort)
            raise ValidationError.single("sort", f"must be one of {choices}") from None
        with self._tx(write=False) as uow:
            return self._page(uow, where or JobFilter(), order, limit, after)

    def _page(
        self, uow: UnitOfWork, where: JobFilter, sort: JobSort, limit: int, after: str | None
    ) -> Page[Job]:
        check = Checker()
        size = _whole(check, "limit", limit, 1, MAX_PAGE_SIZE)
        check.done()
        position = None if after is None else JobPosition.decode(after, sort)
        found = uow.reports.jobs_page(self.user_id, where, sort, position, size + 1)
        return page_of(found, sort, size)

    def search_customers(self, text: str) -> Sequence[Customer]:
        """Customers with ``text`` in name, email, phone or address, ignoring the case of
        ASCII letters; sorted by name. Empty text finds every customer."""
        if not isinstance(text, str):
            raise ValidationError.single("text", "must be text")
        with self._tx(write=False) as uow:
            return uow.reports.search_customers(self.user_id, text)

    def estimate_accuracy(self) -> EstimateReport:
        """Actual against estimated cost and hours of completed jobs, overall and per
        customer; see :class:`Accuracy`."""
        with self._tx(write=False) as uow:
            per_customer = tuple(uow.reports.estimate_accuracy(self.user_id))
        overall = sum((c.accuracy for c in per_customer), Accuracy())
        return EstimateReport(overall, per_customer)

    def job_accuracy(self, job_id: str) -> Accuracy:
        """One job's estimate accuracy (counts nothing until it is completed)."""
        return Accuracy.of_job(self.get_job(job_id))

    def reminders(
        self,
        *,
        unpaid_days: int = 7,
        owing_over: Amount = Decimal(500),
        idle_days: int = 30,
        limit: int = 50,
    ) -> Reminders:
        """What needs attention: late payments, customers owing much, idle customers,
        jobs due today and tomorrow; see :class:`Reminders`."""
        check = Checker()
        unpaid_days = _whole(check, "unpaid_days", unpaid_days, 0, MAX_DAYS)
        idle_days = _whole(check, "idle_days", idle_days, 0, MAX_DAYS)
        limit = _whole(check, "limit", limit, 0, MAX_PAGE_SIZE)
        try:
            threshold = parse_amount(owing_over)
        except MoneyError as exc:
            check.fail("owing_over", str(exc))
        check.done()
        now = self._now()
        today = self.calendar.local_date(now)
        idle_cutoff = now - timedelta(days=idle_days)
        soon = JobFilter(statuses=OPEN_STATUSES, due_from=today, due_to=today + timedelta(days=1))
        with self._tx(write=False) as uow:
            reports = uow.reports
            unpaid = reports.unpaid_completed(
                self.user_id, now - timedelta(days=unpaid_days), limit
            )
            summaries = reports.customer_summaries(self.user_id)
            due_soon = reports.jobs_page(self.user_id, soon, JobSort.DUE, None, limit)
        owing = sorted(
            (s for s in summaries if s.unpaid > threshold),
            key=lambda s: (-s.unpaid, s.customer.name, s.customer.id),
        )
        idle = sorted(
            (s for s in summaries if s.last_activity < idle_cutoff),
            key=lambda s: (s.last_activity, s.customer.name, s.customer.id),
        )
        return Reminders(
            today=today,
            unpaid_jobs=tuple(unpaid[:limit]),
            owing_customers=tuple(owing[:limit]),
            idle_customers=tuple(idle[:limit]),
            due_soon=tuple(due_soon[:limit]) if limit else (),
        )


#: Pending and in progress: the statuses of work still to do.
OPEN_STATUSES = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS})
NOT_CANCELLED = frozenset(JobStatus) - {JobStatus.CANCELLED}
#: The longest span, in days, a report option accepts (about a century).
MAX_DAYS = 36_500
MIN_YEAR, MAX_YEAR = 1900, 9998
_P = TypeVar("_P")


def _revenue_in(reports: ReportRepository, owner_id: str, periods: Sequence[Period]) -> list[Tally]:
    """Revenue in each of ``periods`` (which may overlap), asked of the store at once."""
    bounds = sorted({p.start_at for p in periods} | {p.end_at for p in periods})
    tallies = reports.paid_between(owner_id, bounds)
    return [
        sum(
            (
                t
                for t, start in zip(tallies, bounds, strict=False)
                if p.start_at <= start < p.end_at
            ),
            Tally(),
        )
        for p in periods
    ]


def _whole(check: Checker, field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.fail(field, f"must be a whole number from {low} to {high}")
        return low
    return value


def _year(value: object) -> int:
    check = Checker()
    year = _whole(check, "year", value, MIN_YEAR, MAX_YEAR)
    check.done()
    return year


def _period(make: Callable[[], _P]) -> _P:
    try:
        return make()
    except (OverflowError, ValueError) as exc:
        raise ValidationError.single("period", f"is out of the supported range ({exc})") from None
