"""The reports part of the contract suite: every report, on every store, equals a
plain reference computation (:mod:`jobtrack_core.reference`) over the same
entities, to the cent.

:class:`ServiceReportsContract` is a base class of
:class:`~jobtrack_core.testing.contract.StoreContract`, so a store that runs the
contract runs these tests too. Data is random: several owners, customers
added over time, jobs created, completed, paid and deleted at random instants
(with ties), in random business time zones chosen for their daylight-saving
quirks. Payments are also placed right around local midnights at month ends,
year ends and daylight-saving changes.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from jobtrack_core import reference
from jobtrack_core.entities import Customer, Job, Payment, PaymentKind, PaymentMethod
from jobtrack_core.errors import ConflictError, NotFoundError, ValidationError
from jobtrack_core.money import ZERO
from jobtrack_core.pagination import JobPosition, JobSort, Page, reference_page, sort_key
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.queries import JobFilter
from jobtrack_core.reports import Accuracy, Tally
from jobtrack_core.service import Jobtrack, Workspace
from jobtrack_core.status import JobStatus
from jobtrack_core.testing.base import Contract, costly, prop
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock
from jobtrack_core.testing.ledger_contract import check_ledger

#: Zones with the awkward cases: DST at 02:00 (New York, London), a half-hour DST shift
#: (Lord Howe), changes at midnight (Santiago, Havana), offsets of :45 and :30
#: (Kathmandu, Chatham, St John's), and the day line (Kiritimati, +14).
ZONES = (
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Pacific/Kiritimati",
)
START = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
OPEN = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS})

calendars = st.builds(
    BusinessCalendar, timezone=st.sampled_from(ZONES), week_start=st.integers(0, 6)
)
amounts = st.tuples(st.integers(0, 3), st.integers(0, 99_999)).map(
    lambda pair: None if pair[0] == 0 else Decimal(pair[1]).scaleb(-2)
)  # a quarter missing
seconds = st.integers(0, 90 * 86_400)
#: Titles and texts from a small alphabet, so that sorting ties and case variants happen.
titles = st.text("aAbB é%_", min_size=1, max_size=4).map(str.strip).filter(bool)
#: Pieces of the customers' names, emails, phones and addresses below, in other cases
#: (ASCII letters match ignoring case, other letters do not), and a few that match nothing.
_PIECES = "'' a A ADA bE main MAIN côte CÔTE ôt ÔT zoë ZOË émile ÉMILE @x.c BOB@y bob@Y.ORG"
search_texts = st.sampled_from(
    [p.strip("'") for p in _PIECES.split()] + ["555-01", "(555)", "+1", "%", "_", "x"]
) | st.text("aAbBcC@1 é%_.", max_size=3)


@attrs.frozen
class PayPlan:
    """A payment taken for a job: when (seconds after the job was created), what, and
    whether it is voided later."""

    after: int
    kind: PaymentKind
    method: PaymentMethod
    amount: Decimal
    back_days: int  # received this many days before the day it is recorded
    void_after: int | None


pay_plans = st.builds(
    PayPlan,
    after=st.sampled_from([0, 3600]) | st.integers(0, 60 * 86_400),
    kind=st.sampled_from(
        [PaymentKind.DEPOSIT, PaymentKind.PAYMENT, PaymentKind.PAYMENT, PaymentKind.REFUND]
    ),
    method=st.sampled_from(list(PaymentMethod)),
    amount=st.integers(1, 60_000).map(lambda cents: Decimal(cents).scaleb(-2)),
    back_days=st.sampled_from([0, 0, 1, 31, 61, 91]) | st.integers(0, 120),
    void_after=st.sampled_from([None, None, None, 0, 3600]),
)


@attrs.frozen
class JobPlan:
    customer: int
    title: str
    description: str | None
    estimated_cost: Decimal | None
    estimated_hours: Decimal | None
    due_in: int | None  # days from the final "today"
    created: int  # seconds after the customer was added
    status: JobStatus
    actual_cost: Decimal | None
    actual_hours: Decimal | None
    done_after: int  # seconds after creation when it moves to its status
    paid_after: int | None  # seconds after creation when it is paid; None: never
    unpaid_after: int | None  # seconds after payment when the payment is undone
    deleted: bool
    payments: tuple[PayPlan, ...] = ()


@attrs.frozen
class Plan:
    """Random data for several owners, laid out in time."""

    customers: tuple[tuple[int, int, dict[str, Any]], ...]  # (owner, seconds, fields)
    jobs: tuple[JobPlan, ...]
    later: int  # seconds from the last event to "now"


def job_plans(customers: int) -> st.SearchStrategy[JobPlan]:
    return st.builds(
        JobPlan,
        customer=st.integers(0, customers - 1),
        title=titles,
        description=st.none() | titles,
        estimated_cost=amounts,
        estimated_hours=amounts,
        due_in=st.none() | st.sampled_from([-1, 0, 1, 7, 8]) | st.integers(-10, 10),
        created=st.sampled_from([0, 0, 3600]) | seconds,
        status=st.sampled_from([*JobStatus, JobStatus.COMPLETED, JobStatus.COMPLETED]),
        actual_cost=amounts,
        actual_hours=amounts,
        done_after=st.integers(0, 20 * 86_400),
        paid_after=st.sampled_from([None, 0, 86_400]) | st.integers(0, 60 * 86_400),
        unpaid_after=st.sampled_from([None, None, None, 0, 3600]),
        deleted=st.sampled_from([False, False, False, True]),
        payments=st.lists(pay_plans, max_size=3).map(tuple),
    )


@st.composite
def plans(draw: st.DrawFn, max_jobs: int = 12) -> Plan:
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from([0, 0, 0, 1]),
                st.sampled_from([0, 60]) | st.integers(0, 60 * 86_400),
                st.fixed_dictionaries(
                    {
                        "name": st.sampled_from(["Ada", "ada", "Bob", "Bea", "Zoë", "Émile"]),
                        "email": st.none() | st.sampled_from(["ada@x.com", "BOB@Y.org"]),
                        "phone": st.none() | st.sampled_from(["555-0101", "+1 (555) 0199"]),
                        "address": st.none() | st.sampled_from(["1 Main St", "2 Côte Rd"]),
                    }
                ),
            ),
            min_size=1,
            max_size=4,
        )
    )
    jobs = draw(st.lists(job_plans(len(people)), min_size=min(3, max_jobs), max_size=max_jobs))
    later = draw(st.sampled_from([0, 3600, 86_400]) | st.integers(0, 40 * 86_400))
    return Plan(tuple(people), tuple(jobs), later)


@attrs.define
class Built:
    """What a plan became: the app, its clock and workspaces, and the final "now"."""

    app: Jobtrack
    clock: FakeClock
    owners: list[Workspace]
    customers: dict[int, Customer] = attrs.field(factory=dict)  # by number in the plan
    jobs: list[Job | None] = attrs.field(factory=list)  # as created, by number in the plan
    payments: dict[tuple[int, int], str] = attrs.field(factory=dict)  # (job, plan) -> id
    due_dates: dict[int, date | None] = attrs.field(factory=dict)

    def everything(self, who: int = 0) -> tuple[list[Customer], list[Job]]:
        """The owner's customers and jobs, read through the plain listing calls."""
        ws = self.owners[who]
        return list(ws.list_customers()), list(ws.list_jobs())

    def ledger(self, who: int = 0) -> list[Payment]:
        """The owner's payments, voided ones included."""
        return list(self.owners[who].list_payments())


class ServiceReportsContract(Contract):
    """Reports, listings and search, checked against :mod:`jobtrack_core.reference`.

    Mixed into :class:`~jobtrack_core.testing.contract.StoreContract`; needs only
    its ``make_store()``.
    """

    def make_store(self) -> Store:
        raise NotImplementedError

    # -- helpers -------------------------------------------------------------------------
    def report_app(self, calendar: BusinessCalendar | None = None) -> tuple[Jobtrack, FakeClock]:
        clock = FakeClock(START)
        app = Jobtrack(
            self.make_store(),
            clock=clock,
            ids=CountingIds(),
            hasher=Argon2Hasher.for_tests(),
            calendar=calendar,
        )
        return app, clock

    def build(self, plan: Plan, calendar: BusinessCalendar | None = None) -> Built:
        """Play the plan's events in time order through the public service layer."""
        app, clock = self.report_app(calendar)
        owners = [
            app.workspace(
                app.register(email=f"r{i}@example.com", password=PASSWORD, name=f"R{i}").id
            )
            for i in range(2)
        ]
        events: list[tuple[int, int, Callable[[], None]]] = []
        built = Built(app, clock, owners)
        last = max((t for _, t, _ in plan.customers), default=0)
        for number, (who, at, fields) in enumerate(plan.customers):
            events.append((at, len(events), _adder(built, number, who, fields)))
        for number, job in enumerate(plan.jobs):
            start = plan.customers[job.customer][1] + job.created
            built.jobs.append(None)
            events.append((start, len(events), _creator(built, number, job)))
            done = start + job.done_after
            events.append((done, len(events), _mover(built, number, job)))
            last = max(last, done)
            if job.paid_after is not None:
                paid = start + job.paid_after
                events.append((paid, len(events), _payer(built, number, job, True)))
                last = max(last, paid)
                if job.unpaid_after is not None:
                    unpaid = paid + job.unpaid_after
                    events.append((unpaid, len(events), _payer(built, number, job, False)))
                    last = max(last, unpaid)
            for n, pay in enumerate(job.payments):
                taken = start + pay.after
                events.append((taken, len(events), _taker(built, number, n, pay)))
                last = max(last, taken)
                if pay.void_after is not None:
                    voided = taken + pay.void_after
                    events.append((voided, len(events), _voider(built, number, n, pay)))
                    last = max(last, voided)
            if job.deleted:
                events.append((done + 1, len(events), _deleter(built, number)))
                last = max(last, done + 1)
        end = START + timedelta(seconds=last + plan.later)
        today = (calendar or BusinessCalendar()).local_date(end)
        built.due_dates = {
            n: None if j.due_in is None else today + timedelta(days=j.due_in)
            for n, j in enumerate(plan.jobs)
        }
        for at, _, event in sorted(events, key=lambda e: (e[0], e[1])):
            clock.now = START + timedelta(seconds=at, microseconds=at % 7)
            event()
        clock.now = end
        return built

    # -- the dashboard and revenue -----------------------------------------------------
    @costly
    @prop(plan=plans(), calendar=calendars, upcoming_days=st.integers(0, 12))
    def test_dashboard_equals_the_reference(
        self, plan: Plan, calendar: BusinessCalendar, upcoming_days: int
    ) -> None:
        built = self.build(plan, calendar)
        for who, ws in enumerate(built.owners):
            customers, jobs = built.everything(who)
            options = {
                "upcoming_days": upcoming_days,
                "recent": 3,
                "today_limit": 2,
                "upcoming_limit": 3,
                "overdue_limit": 2,
            }
            payments = built.ledger(who)
            expected = reference.dashboard(
                customers, jobs, now=built.clock(), calendar=calendar, payments=payments, **options
            )
            assert ws.dashboard(**options) == expected
            assert expected.revenue.amount == ws.revenue()
            assert ws.dashboard() == reference.dashboard(
                customers, jobs, now=built.clock(), calendar=calendar, payments=payments
            )

    @costly
    @prop(plan=plans(), calendar=calendars, pick=st.integers(0, 10))
    def test_revenue_by_month_and_by_customer_equal_the_reference(
        self, plan: Plan, calendar: BusinessCalendar, pick: int
    ) -> None:
        built = self.build(plan, calendar)
        customers, jobs = built.everything()
        ws = built.owners[0]
        years = sorted({calendar.local_date(j.paid_at).year for j in jobs if j.paid_at}) or [2025]
        year = years[pick % len(years)]
        months = ws.revenue_by_month(year)
        assert months == reference.revenue_by_month(jobs, year, calendar)
        assert [m.period.start for m in months] == [date(year, m, 1) for m in range(1, 13)]
        assert ws.revenue_by_month() == reference.revenue_by_month(
            jobs, calendar.local_date(built.clock()).year, calendar
        )
        for chosen in (None, *years, years[0] - 1):
            assert list(ws.revenue_by_customer(chosen)) == reference.revenue_by_customer(
                customers, jobs, chosen, calendar
            )
        first = months[0].period.start
        last = months[-1].period.end
        whole = ws.revenue_between(first, last)
        assert whole.revenue == sum((m.revenue for m in months), type(whole.revenue)())

    # -- periods around midnights, month ends, year ends and DST changes ----------------
    @costly
    @prop(
        zone=st.sampled_from(ZONES),
        week_start=st.integers(0, 6),
        payments=st.lists(
            st.tuples(
                st.integers(0, 10_000),
                st.sampled_from([0, 0, -1, 1]) | st.integers(-(3 * 3600 * 10**6), 3 * 3600 * 10**6),
                amounts,
            ),
            min_size=1,
            max_size=4,
        ),
        now_after=st.integers(0, 40 * 86_400),
    )
    def test_a_payment_counts_in_the_period_of_its_local_date(
        self,
        zone: str,
        week_start: int,
        payments: list[tuple[int, int, Decimal | None]],
        now_after: int,
    ) -> None:
        calendar = BusinessCalendar(zone, week_start)
        anchors = boundary_instants(zone)
        app, clock = self.report_app(calendar)
        ws = app.workspace(app.register(email="p@example.com", password=PASSWORD, name="P").id)
        customer = ws.add_customer("Ada")
        # Right on a boundary, a microsecond either side, or within three hours of it.
        moments = sorted(
            anchors[i % len(anchors)] + timedelta(microseconds=shift) for i, shift, _ in payments
        )
        for moment, (_, _, cost) in zip(moments, payments, strict=True):
            clock.now = moment
            job = ws.create_job(customer.id, "Paid at a boundary", actual_cost=cost)
            ws.mark_paid(job.id)
        clock.now = moments[-1] + timedelta(seconds=now_after)
        jobs = list(ws.list_jobs())
        days = {calendar.local_date(m) for m in moments}
        for day in days:
            got = ws.revenue_between(day, day + timedelta(days=1))
            expected = reference.revenue_in(jobs, calendar.day(day), calendar)
            assert got == expected
            assert got.revenue.jobs == sum(1 for m in moments if calendar.local_date(m) == day)
        for year in {d.year for d in days}:
            assert ws.revenue_by_month(year) == reference.revenue_by_month(jobs, year, calendar)
        board = ws.dashboard()
        expected_board = reference.dashboard([customer], jobs, now=clock(), calendar=calendar)
        assert (board.this_week, board.this_month) == (
            expected_board.this_week,
            expected_board.this_month,
        )

    @costly
    @prop(
        plan=plans(),
        picks=st.lists(
            st.tuples(
                st.integers(0, 20),
                st.sampled_from([0] * 8 + [1, -1, 3600, -3600, 82_800, 86_400, 90_000])
                | st.integers(-3 * 86_400, 3 * 86_400),
                st.sampled_from([0, 0, 0, 0, 1, -1]),
                st.sampled_from(["exact", "hour", "midnight", "midnight", "midnight"]),
            ),
            max_size=7,
        ),
        until_later=st.booleans(),
    )
    def test_paid_between_any_bounds_equals_a_recount(
        self, plan: Plan, picks: list[tuple[int, int, int, str]], until_later: bool
    ) -> None:
        """The store port itself, with bounds anywhere: several in one UTC day, on a
        UTC midnight, a microsecond off one, or equal."""
        built = self.build(plan)
        ws = built.owners[0]
        jobs = built.everything(0)[1]
        anchors = [START] + [j.paid_at for j in jobs if j.paid_at is not None]
        cut: dict[str, Callable[[datetime], datetime]] = {
            "exact": lambda moment: moment,
            "hour": lambda moment: moment.replace(minute=0, second=0, microsecond=0),
            "midnight": lambda moment: datetime.combine(moment.date(), time(0), UTC),
        }
        bounds = sorted(
            cut[to](anchors[i % len(anchors)]) + timedelta(seconds=shift, microseconds=micro)
            for i, shift, micro, to in picks
        )
        if until_later:  # a last bound after every payment
            bounds.append(max([*anchors, *bounds]) + timedelta(days=30))
        with built.app.store.transaction(write=False) as uow:
            got = list(uow.reports.paid_between(ws.user_id, bounds))
        expected = []
        for low, high in itertools.pairwise(bounds):
            paid = [j for j in jobs if j.paid and j.paid_at and low <= j.paid_at < high]
            expected.append(Tally(sum((j.actual_cost or ZERO for j in paid), ZERO), len(paid)))
        assert got == expected

    # -- money --------------------------------------------------------------------------------
    @costly
    @prop(plan=plans(), calendar=calendars, backs=st.lists(st.integers(-5, 150), max_size=3))
    def test_money_reports_equal_the_reference(
        self, plan: Plan, calendar: BusinessCalendar, backs: list[int]
    ) -> None:
        built = self.build(plan, calendar)
        for who, ws in enumerate(built.owners):
            customers, jobs = built.everything(who)
            payments = built.ledger(who)
            check_ledger(jobs, payments)
            assert ws.balances() == reference.balances(jobs)
            assert list(ws.customer_balances()) == reference.customer_balances(customers, jobs)
            for customer in customers:
                mine = [j for j in jobs if j.customer_id == customer.id]
                assert ws.balances(customer.id) == reference.balances(mine)
            today = ws.today()
            for back in [0, *backs]:
                day = today - timedelta(days=back)
                expected = reference.aging(customers, jobs, payments, day, calendar)
                assert ws.aging(day) == expected
            assert ws.aging() == reference.aging(customers, jobs, payments, today, calendar)
            days = sorted({p.received_on for p in payments}) or [today]
            first, end = days[0] - timedelta(days=1), days[-1] + timedelta(days=2)
            for by in ("day", "month", "year"):
                periods = ws.cash_received(first, end, by=by)
                assert periods[0].period.start == first and periods[-1].period.end == end
                for got in periods:
                    assert got == reference.cash_in(payments, got.period)
            whole = sum((reference.cash(p) for p in payments), type(periods[0].cash)())
            assert sum((p.cash for p in periods), type(whole)()) == whole

    # -- customers ------------------------------------------------------------------------
    @costly
    @prop(plan=plans(), text=search_texts)
    def test_customer_reports_equal_the_reference(self, plan: Plan, text: str) -> None:
        built = self.build(plan)
        for who, ws in enumerate(built.owners):
            customers, jobs = built.everything(who)
            summaries = reference.customer_summaries(customers, jobs)
            assert list(ws.customer_summaries()) == summaries
            for summary in summaries:
                assert ws.customer_stats(summary.customer.id) == summary
            assert list(ws.search_customers(text)) == reference.search_customers(customers, text)
            assert list(ws.search_customers(text.upper())) == reference.search_customers(
                customers, text.upper()
            )
        theirs = [c for c in built.customers.values() if c.user_id == built.owners[1].user_id]
        for customer in theirs:
            _missing(functools.partial(built.owners[0].customer_stats, customer.id), "customer")
            _missing(functools.partial(built.owners[0].customer_history, customer.id), "customer")

    @costly
    @prop(plan=plans(), limit=st.integers(1, 4))
    def test_customer_history_pages_newest_first(self, plan: Plan, limit: int) -> None:
        built = self.build(plan)
        ws = built.owners[0]
        _, jobs = built.everything()
        for customer in ws.list_customers():
            mine = [j for j in jobs if j.customer_id == customer.id]
            walked = _walk(functools.partial(ws.customer_history, customer.id, limit=limit))
            assert walked == reference.listing(mine, JobFilter(), JobSort.NEWEST, None)

    @costly
    @prop(plan=plans())
    def test_estimate_accuracy_equals_the_reference(self, plan: Plan) -> None:
        built = self.build(plan)
        for who, ws in enumerate(built.owners):
            customers, jobs = built.everything(who)
            report = ws.estimate_accuracy()
            assert report == reference.estimate_report(customers, jobs)
            for job in jobs:
                assert ws.job_accuracy(job.id) == Accuracy.of_job(job)

    @costly
    @prop(
        plan=plans(),
        unpaid_days=st.integers(0, 20),
        owing_over=st.integers(0, 1500).map(Decimal),
        idle_days=st.integers(0, 90),
        limit=st.integers(0, 4),
    )
    def test_reminders_equal_the_reference(
        self, plan: Plan, unpaid_days: int, owing_over: Decimal, idle_days: int, limit: int
    ) -> None:
        built = self.build(plan)
        for who, ws in enumerate(built.owners):
            customers, jobs = built.everything(who)
            options: dict[str, Any] = {
                "unpaid_days": unpaid_days,
                "owing_over": owing_over,
                "idle_days": idle_days,
                "limit": limit,
            }
            expected = reference.reminders(
                customers,
                jobs,
                now=built.clock(),
                calendar=ws.calendar,
                payments=built.ledger(who),
                **options,
            )
            assert ws.reminders(**options) == expected
        assert built.owners[0].reminders() == reference.reminders(
            *built.everything(0),
            now=built.clock(),
            calendar=built.owners[0].calendar,
            payments=built.ledger(0),
        )

    # -- job listings and pagination --------------------------------------------------------
    @costly
    @prop(
        plan=plans(),
        limit=st.integers(1, 4),
        statuses=st.none() | st.frozensets(st.sampled_from(list(JobStatus)), min_size=1),
        paid=st.none() | st.booleans(),
        due=st.none() | st.tuples(st.integers(-12, 5), st.integers(-5, 12)) | st.just((-1, 8)),
        text=st.none() | st.sampled_from(["a", "B", "é", "%", "_"]),
        by_customer=st.booleans(),
    )
    def test_walking_every_page_returns_every_match_once_in_order(
        self,
        plan: Plan,
        limit: int,
        statuses: frozenset[JobStatus] | None,
        paid: bool | None,
        due: tuple[int, int] | None,
        text: str | None,
        by_customer: bool,
    ) -> None:
        built = self.build(plan)
        ws = built.owners[0]
        customers, jobs = built.everything()
        today = ws.today()
        where = JobFilter(
            statuses=statuses,
            customer_id=customers[0].id if by_customer and customers else None,
            paid=paid,
            due_from=None if due is None else today + timedelta(days=due[0]),
            due_to=None if due is None else today + timedelta(days=due[1]),
            text=text,
        )
        for sort in JobSort:
            walked = _walk(functools.partial(ws.list_jobs_page, where, sort=sort, limit=limit))
            assert walked == reference.listing(jobs, where, sort, None), sort
            first = ws.list_jobs_page(where, sort=sort.value, limit=limit)
            assert first.items == tuple(walked[:limit])

    @costly
    @prop(
        plan=plans(max_jobs=8),
        sort=st.sampled_from(list(JobSort)),
        limit=st.integers(1, 3),
        statuses=st.none() | st.just(OPEN),
        steps=st.lists(
            st.tuples(
                st.sampled_from(["insert", "delete", "edit", "nothing"]),
                st.integers(0, 100),
                titles,
                st.none() | st.integers(-3, 3),
                st.booleans(),
            ),
            max_size=12,
        ),
    )
    def test_pages_stay_correct_while_jobs_are_added_and_removed(
        self,
        plan: Plan,
        sort: JobSort,
        limit: int,
        statuses: frozenset[JobStatus] | None,
        steps: list[tuple[str, int, str, int | None, bool]],
    ) -> None:
        """Each page is exactly what a listing after the cursor holds at the time it is read;
        hence a job present and unchanged throughout is returned exactly once, a job added
        during the walk is returned if and only if it sorts after the position the walk had
        reached, and a removed job is not returned after its removal."""
        built = self.build(plan)
        ws, clock = built.owners[0], built.clock
        customers = list(ws.list_customers())
        assume(customers)
        where = JobFilter(statuses=statuses)
        initial = {j.id: j for j in ws.list_jobs()}
        touched: set[str] = set()  # deleted or edited: their sort values may have changed
        inserted: dict[str, bool] = {}  # id -> whether it sorted after the position when added
        position: JobPosition | None = None
        cursor: str | None = None
        walked: list[Job] = []
        for step in range(len(steps) + 100):
            matching = [j for j in ws.list_jobs() if where.matches(j)]
            page = ws.list_jobs_page(where, sort=sort, limit=limit, after=cursor)
            expected = reference_page(matching, sort, position, limit + 1)
            assert list(page.items) == expected[:limit]
            # ``next`` is given exactly when more matching jobs followed the page.
            assert (page.next is not None) == (len(expected) > limit)
            walked.extend(page.items)
            if page.next is None:
                break
            cursor = page.next
            position = JobPosition.decode(cursor, sort)
            assert position == JobPosition.of(sort, page.items[-1])
            if step >= len(steps):
                continue
            action, pick, title, due_in, same_time = steps[step]
            if not same_time:
                clock.tick()
            mine = list(ws.list_jobs())
            if action == "insert":
                job = ws.create_job(
                    customers[pick % len(customers)].id,
                    title,
                    due_date=None if due_in is None else ws.today() + timedelta(days=due_in),
                )
                inserted[job.id] = position.precedes(job)
            elif action == "delete" and mine:
                victim = mine[pick % len(mine)]
                ws.delete_job(victim.id, with_payments=True)
                touched.add(victim.id)
            elif action == "edit" and mine:
                victim = mine[pick % len(mine)]
                ws.update_job(victim.id, description=f"edited {step}")
                touched.add(victim.id)
        else:
            raise AssertionError("the walk did not end")
        keys = [sort_key(sort, j) for j in walked]
        assert keys == sorted(keys, reverse=sort.descending)
        assert len(set(keys)) == len(keys), "a job was returned twice"
        seen = [j.id for j in walked]
        for job_id, job in initial.items():
            if job_id not in touched and where.matches(job):
                assert seen.count(job_id) == 1, f"{job_id} was returned {seen.count(job_id)} times"
        for job_id, after_position in inserted.items():
            if job_id not in touched:
                job = ws.get_job(job_id)
                times = 1 if after_position and where.matches(job) else 0
                assert seen.count(job_id) == times, (job_id, after_position)

    @costly
    @prop(
        plan=plans(max_jobs=4),
        bulk=st.lists(
            st.tuples(
                st.integers(0, 3),
                st.sampled_from(list(JobStatus)),
                amounts,
                amounts,
                st.none() | st.integers(-40 * 86_400, 0),
                st.sampled_from([False, False, False, True]),
            ),
            max_size=10,
        ),
        calendar=calendars,
    )
    def test_jobs_added_in_bulk_count_in_every_report(
        self,
        plan: Plan,
        bulk: list[tuple[int, JobStatus, Decimal | None, Decimal | None, int | None, bool]],
        calendar: BusinessCalendar,
    ) -> None:
        """``uow.jobs.add_many`` (the import path) keeps every total a store maintains,
        and a bulk insert that fails part-way leaves none of them changed."""
        built = self.build(plan, calendar)
        ws, now = built.owners[0], built.clock()
        customers = list(ws.list_customers())
        assume(customers)
        jobs = []
        for n, (pick, status, estimated, actual, paid_ago, dup) in enumerate(bulk):
            paid_at = None if paid_ago is None else now + timedelta(seconds=paid_ago)
            done = status is JobStatus.COMPLETED
            jobs.append(
                Job(
                    id="bulk-0" if dup else f"bulk-{n}",  # a repeated id fails the batch
                    user_id=ws.user_id,
                    customer_id=customers[pick % len(customers)].id,
                    title=f"Imported {n}",
                    description=None,
                    status=status,
                    estimated_cost=estimated,
                    actual_cost=actual,
                    estimated_hours=actual,
                    actual_hours=estimated,
                    due_date=None if paid_ago is None else now.date(),
                    paid=paid_at is not None,
                    paid_at=paid_at,
                    completed_at=(paid_at or now) if done else None,
                    created_at=now - timedelta(days=n),
                    updated_at=now,
                    amount_paid=(actual or ZERO) if paid_at is not None else ZERO,
                )
            )

        def reports() -> tuple[Any, ...]:
            customers, jobs = built.everything()
            payments = built.ledger()
            return (
                ws.dashboard(),
                reference.dashboard(customers, jobs, now=now, calendar=calendar, payments=payments),
                ws.revenue_by_month(now.year),
                reference.revenue_by_month(jobs, now.year, calendar),
                list(ws.customer_summaries()),
                reference.customer_summaries(customers, jobs),
                ws.estimate_accuracy(),
                reference.estimate_report(customers, jobs),
                list(ws.revenue_by_customer()),
                reference.revenue_by_customer(customers, jobs, None, calendar),
            )

        before = reports()
        unique = len({j.id for j in jobs}) == len(jobs)
        try:
            with built.app.store.transaction() as uow:
                assert uow.jobs.add_many(jobs) == len(jobs)
        except ConflictError:
            assert not unique
            assert reports() == before
            return
        assert unique
        after = reports()
        for mine, expected in zip(after[::2], after[1::2], strict=True):
            assert mine == expected
        if customers:
            ws.delete_customer(customers[0].id, with_payments=True)
            again = reports()
            for mine, expected in zip(again[::2], again[1::2], strict=True):
                assert mine == expected

    @costly
    @prop(plan=plans(max_jobs=6), pick=st.integers(0, 100))
    def test_a_failed_unit_of_work_leaves_every_report_as_it_was(
        self, plan: Plan, pick: int
    ) -> None:
        built = self.build(plan)
        ws = built.owners[0]
        customers, jobs = built.everything()
        assume(customers)

        def reports() -> tuple[Any, ...]:
            return (
                ws.dashboard(),
                ws.revenue_by_month(2025),
                list(ws.customer_summaries()),
                ws.estimate_accuracy(),
                ws.reminders(),
                [list(ws.list_jobs_page(sort=s, limit=1000)) for s in JobSort],
            )

        before = reports()
        try:
            with ws.atomic():
                customer = customers[pick % len(customers)]
                job = ws.create_job(customer.id, "Doomed", estimated_cost="10", due_date=ws.today())
                ws.start_job(job.id)
                ws.complete_job(job.id, actual_cost="12.50")
                ws.mark_paid(job.id)
                ws.update_customer(customer.id, name="Renamed")
                for old in jobs[: pick % 3]:
                    with contextlib.suppress(ConflictError):  # payments still cover it
                        ws.mark_paid(old.id) if not old.paid else ws.mark_unpaid(old.id)
                ws.add_payment(job.id, "1.00", method="cash", kind="refund")
                if pick % 2:
                    ws.delete_customer(customer.id, with_payments=True)
                ws.add_customer("")  # invalid: the whole unit of work is rolled back
        except ValidationError:
            pass
        else:
            raise AssertionError("the last step should have failed")
        assert reports() == before

    def test_due_dates_at_the_edges_of_every_list(self) -> None:
        """Jobs in every status due around today, the end of the upcoming window and
        never; the lists, counts and pages must put each one exactly where it belongs,
        also after a due date alone is moved."""
        app, clock = self.report_app(BusinessCalendar("Pacific/Auckland"))
        ws = app.workspace(app.register(email="d@example.com", password=PASSWORD, name="D").id)
        customer = ws.add_customer("Ada")
        today = ws.today()
        for offset in (-2, -1, 0, 1, 2, 7, 8, None):
            for status in JobStatus:
                due = None if offset is None else today + timedelta(days=offset)
                job = ws.create_job(customer.id, f"{status.value} {offset}", due_date=due)
                _reach(ws, job.id, status)
                clock.tick()

        def check() -> None:
            customers, jobs = [customer], list(ws.list_jobs())
            now, cal = clock(), ws.calendar
            for days in (0, 1, 7):
                options: dict[str, Any] = {
                    "upcoming_days": days,
                    "upcoming_limit": 50,
                    "overdue_limit": 50,
                }
                assert ws.dashboard(**options) == reference.dashboard(
                    customers, jobs, now=now, calendar=cal, **options
                )
            assert ws.reminders() == reference.reminders(customers, jobs, now=now, calendar=cal)
            for statuses in (None, OPEN):
                for low, high in ((-1, 7), (0, 0), (-30, -1)):
                    where = JobFilter(
                        statuses=statuses,
                        due_from=today + timedelta(days=low),
                        due_to=today + timedelta(days=high),
                    )
                    for sort in JobSort:
                        walked = _walk(
                            functools.partial(ws.list_jobs_page, where, sort=sort, limit=1)
                        )
                        assert walked == reference.listing(jobs, where, sort, None), (where, sort)

        check()
        assert ws.dashboard().overdue_count == 4  # pending and in progress, due -2 and -1
        (moved,) = [j for j in ws.list_jobs() if j.title == "pending 0"]
        ws.update_job(moved.id, due_date=today - timedelta(days=1))
        assert ws.dashboard().overdue_count == 5
        check()

    def test_reminder_thresholds_are_strict(self) -> None:
        app, clock = self.report_app(BusinessCalendar("America/New_York"))
        ws = app.workspace(app.register(email="t@example.com", password=PASSWORD, name="T").id)
        customer = ws.add_customer("Ada")
        job = ws.create_job(customer.id, "Fix", due_date="2025-07-14")
        ws.start_job(job.id)
        done = ws.complete_job(job.id, actual_cost="600.00")
        ws.create_job(customer.id, "Tomorrow", due_date="2025-07-07")
        ws.create_job(customer.id, "Today", due_date="2025-07-06")
        ws.create_job(customer.id, "Later", due_date="2025-07-08")
        clock.now = START + timedelta(days=7)
        exactly = ws.reminders(owing_over="600.00")
        assert exactly.unpaid_jobs == () and exactly.owing_customers == ()
        assert exactly.idle_customers == ()  # by default, idle means 30 days without a job
        assert ws.reminders(idle_days=7).idle_customers == ()
        clock.tick()
        later = ws.reminders(owing_over="599.99", idle_days=7)
        assert later.unpaid_jobs == (ws.get_job(done.id),)
        assert [s.customer.id for s in later.owing_customers] == [customer.id]
        assert [s.customer.id for s in later.idle_customers] == [customer.id]
        # 2025-07-13 09:00 UTC is the 13th in New York: due "today and tomorrow" is 13th-14th.
        assert [j.title for j in ws.reminders().due_soon] == []
        clock.now = datetime(2025, 7, 7, 3, 59, tzinfo=UTC)  # still 6 July in New York
        assert [j.title for j in ws.reminders().due_soon] == ["Today", "Tomorrow"]

    def test_listing_arguments_are_checked(self) -> None:
        app, _ = self.report_app()
        ws = app.workspace(app.register(email="v@example.com", password=PASSWORD, name="V").id)
        customer = ws.add_customer("Ada")
        for n in range(3):
            ws.create_job(customer.id, f"Job {n}")
        first = ws.list_jobs_page(limit=1)
        assert first.next is not None and len(first) == 1
        for call, field in (
            (lambda: ws.list_jobs_page(sort="cheapest"), "sort"),
            (lambda: ws.list_jobs_page(limit=0), "limit"),
            (lambda: ws.list_jobs_page(limit=10_001), "limit"),
            (lambda: ws.list_jobs_page(after="not a cursor"), "after"),
            (lambda: ws.list_jobs_page(sort=JobSort.TITLE, after=first.next), "after"),
            (lambda: ws.dashboard(upcoming_days=-1), "upcoming_days"),
            (lambda: ws.reminders(owing_over=1.5), "owing_over"),  # type: ignore[arg-type]
            (lambda: ws.revenue_by_month(10_000), "year"),
            (lambda: ws.revenue_between("2025-02-01", "2025-01-01"), "end"),
        ):
            try:
                call()
            except ValidationError as exc:
                assert field in exc.fields, (field, exc)
            else:
                raise AssertionError(f"{field}: a bad argument was accepted")
        _missing(lambda: ws.customer_history("nobody"), "customer")
        _missing(lambda: ws.job_accuracy("nothing"), "job")
        try:
            BusinessCalendar("Not/A_Zone")
        except ValidationError as exc:
            assert exc.fields == ("timezone",)
        else:
            raise AssertionError("an unknown time zone was accepted")

    def test_an_empty_workspace_reports_zeros(self) -> None:
        app, _ = self.report_app(BusinessCalendar("Europe/Berlin"))
        ws = app.workspace(app.register(email="e@example.com", password=PASSWORD, name="E").id)
        assert ws.dashboard() == reference.dashboard([], [], now=START, calendar=ws.calendar)
        assert ws.revenue_by_month(2025) == reference.revenue_by_month([], 2025, ws.calendar)
        assert list(ws.customer_summaries()) == []
        assert ws.list_jobs_page() == Page((), None)
        assert ws.estimate_accuracy() == reference.estimate_report([], [])


@functools.cache
def boundary_instants(zone: str, years: Sequence[int] = (2024, 2025, 2026)) -> list[datetime]:
    """UTC instants of local midnights that start a month (and so every year), and of the
    offset changes (daylight saving), in ``zone``: where period arithmetic goes wrong if
    it can. Computed with :mod:`zoneinfo` directly, not with :mod:`jobtrack_core.periods`."""
    tz = ZoneInfo(zone)
    found = []
    for year in years:
        for month in range(1, 13):
            found.append(datetime(year, month, 1, tzinfo=tz).astimezone(UTC))
        day = timedelta(days=1)
        moment = datetime(year, 1, 1, tzinfo=UTC)
        while moment.year == year:
            following = moment + day
            if following.astimezone(tz).utcoffset() != moment.astimezone(tz).utcoffset():
                found.append(_change_between(tz, moment, following))
            moment = following
    return found


def _change_between(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first instant after ``low`` (to the second) with ``high``'s UTC offset."""
    target = high.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(tz).utcoffset() == target:
            high = middle
        else:
            low = middle
    return high


def _walk(read: Callable[..., Page[Job]]) -> list[Job]:
    """Every item of every page, following ``next`` (passed as ``after``) until it is None."""
    items: list[Job] = []
    after: str | None = None
    for _ in range(500):
        page = read(after=after)
        items.extend(page.items)
        if page.next is None:
            return items
        after = page.next
    raise AssertionError("the pages never ended")


def _missing(call: Callable[[], object], kind: str) -> None:
    try:
        call()
    except NotFoundError as exc:
        assert exc.kind == kind
    else:
        raise AssertionError(f"another owner's or a missing {kind} was reachable")


def _adder(built: Built, number: int, who: int, fields: dict[str, Any]) -> Callable[[], None]:
    def add() -> None:
        built.customers[number] = built.owners[who].add_customer(**fields)

    return add


def _owner_of(built: Built, customer: Customer) -> Workspace:
    return next(ws for ws in built.owners if ws.user_id == customer.user_id)


def _creator(built: Built, number: int, plan: JobPlan) -> Callable[[], None]:
    def create() -> None:
        customer = built.customers[plan.customer]
        ws = _owner_of(built, customer)
        built.jobs[number] = ws.create_job(
            customer.id,
            plan.title,
            description=plan.description,
            estimated_cost=plan.estimated_cost,
            estimated_hours=plan.estimated_hours,
            due_date=built.due_dates[number],
        )

    return create


def _alive(built: Built, number: int) -> tuple[Workspace, Job] | None:
    job = built.jobs[number]
    if job is None:
        return None
    ws = _owner_of(built, _customer_of(built, job))
    try:
        return ws, ws.get_job(job.id)
    except NotFoundError:
        return None


def _customer_of(built: Built, job: Job) -> Customer:
    return next(c for c in built.customers.values() if c.id == job.customer_id)


def _reach(ws: Workspace, job_id: str, status: JobStatus) -> None:
    """Move a pending job along the workflow to ``status``."""
    if status is JobStatus.CANCELLED:
        ws.cancel_job(job_id)
    elif status is not JobStatus.PENDING:
        ws.start_job(job_id)
        if status is JobStatus.COMPLETED:
            ws.complete_job(job_id, actual_cost="10.00")


def _mover(built: Built, number: int, plan: JobPlan) -> Callable[[], None]:
    def move() -> None:
        found = _alive(built, number)
        if found is None:
            return
        ws, job = found
        if plan.status is JobStatus.CANCELLED:
            ws.cancel_job(job.id)
        elif plan.status is not JobStatus.PENDING:
            ws.start_job(job.id)
            if plan.status is JobStatus.COMPLETED:
                ws.complete_job(
                    job.id, actual_cost=plan.actual_cost, actual_hours=plan.actual_hours
                )
        elif plan.actual_cost is not None:
            ws.update_job(job.id, actual_cost=plan.actual_cost)

    return move


def _payer(built: Built, number: int, plan: JobPlan, paid: bool) -> Callable[[], None]:
    def pay() -> None:
        found = _alive(built, number)
        if found is not None:
            ws, job = found
            try:
                (ws.mark_paid if paid else ws.mark_unpaid)(job.id)
            except ConflictError as exc:
                # payments taken one by one still cover it ("paid"), or voiding what
                # mark_paid took would leave a refund bigger than what it holds ("payment")
                assert not paid and exc.field in ("paid", "payment"), exc

    return pay


def _taker(built: Built, number: int, n: int, plan: PayPlan) -> Callable[[], None]:
    def take() -> None:
        found = _alive(built, number)
        if found is None:
            return
        ws, job = found
        try:
            made = ws.add_payment(
                job.id,
                plan.amount,
                kind=plan.kind,
                method=plan.method,
                received_on=ws.today() - timedelta(days=plan.back_days),
            )
        except ValidationError as exc:  # a refund of more than the job holds
            assert plan.kind is PaymentKind.REFUND and exc.fields == ("amount",), exc
            assert plan.amount > job.amount_paid
            return
        built.payments[number, n] = made.id

    return take


def _voider(built: Built, number: int, n: int, plan: PayPlan) -> Callable[[], None]:
    def void() -> None:
        found = _alive(built, number)
        payment_id = built.payments.get((number, n))
        if found is None or payment_id is None:
            return
        ws = found[0]
        try:
            ws.void_payment(payment_id, "entered by mistake")
        except ConflictError as exc:  # its refunds would leave the job below nothing
            assert exc.field == "payment" and plan.kind is not PaymentKind.REFUND, exc

    return void


def _deleter(built: Built, number: int) -> Callable[[], None]:
    def delete() -> None:
        found = _alive(built, number)
        if found is not None:
            ws, job = found
            ws.delete_job(job.id, with_payments=True)

    return delete


__all__ = ["ZONES", "ServiceReportsContract", "boundary_instants"]
