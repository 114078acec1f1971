"""The reports of one small, hand-made business, with every expected figure written out:
the workspace (over the memory store) and the reference, the executable specification
the contract suite trusts, must both give them. Options are left at their defaults
wherever a default is part of the rule."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from jobtrack_core import Jobtrack, Workspace, reference
from jobtrack_core.entities import Customer, Job
from jobtrack_core.errors import ValidationError
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.pagination import JobSort
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.queries import JobFilter, PaymentFilter
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore

Business = tuple[Workspace, FakeClock, list[Customer], list[Job]]


def business() -> Business:
    """Three customers over sixty days. Today is 2025-07-06 (UTC, weeks from Monday)."""
    clock = FakeClock()
    start = clock()
    clock.advance(days=-60)
    app = Jobtrack(MemoryStore(), clock=clock, ids=CountingIds(), hasher=Argon2Hasher.for_tests())
    user = app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    ws = app.workspace(user.id)
    ada = ws.add_customer("Ada")  # new jobs until the end: never idle
    bob = ws.add_customer("Bob")  # one job, 45 days ago: idle after 30 days
    cy = ws.add_customer("Cy")  # no job at all: idle since day one
    today = start.date()

    def job(customer: Customer, title: str, days_ago: float, **fields: Any) -> Job:
        clock.now = start - timedelta(days=days_ago)
        return ws.create_job(customer.id, title, **fields)

    old = job(bob, "Old boiler", 45, estimated_cost="300", actual_cost="700")
    ws.start_job(old.id)
    clock.advance(days=1)
    ws.complete_job(old.id)  # completed 44 days ago, never paid: owes 700
    late = job(ada, "Late fence", 20, estimated_cost="100", actual_cost="550")
    ws.start_job(late.id)
    clock.now = start - timedelta(days=8)
    ws.complete_job(late.id)  # completed 8 days ago, unpaid
    recent = job(ada, "Recent tap", 3, actual_cost="50")
    ws.start_job(recent.id)
    clock.now = start - timedelta(days=6, hours=1)
    ws.complete_job(recent.id)  # 6 days ago: not yet late by the default 7 days
    paid = job(ada, "Paid roof", 10, actual_cost="1000", estimated_cost="900")
    clock.now = start - timedelta(days=1)
    ws.mark_paid(paid.id)  # paid yesterday, this week and this month (July)
    job(ada, "Due yesterday", 2, due_date=today - timedelta(days=1))
    job(ada, "Due today", 1.5, due_date=today, estimated_cost="80")
    job(ada, "Due tomorrow", 1, due_date=today + timedelta(days=1))
    job(ada, "Due in a week", 0.5, due_date=today + timedelta(days=7))
    job(ada, "Due in eight days", 0.25, due_date=today + timedelta(days=8))
    gone = job(ada, "Cancelled today", 0.1, due_date=today)
    ws.cancel_job(gone.id)
    clock.now = start
    with ws.app.store.transaction(write=False) as uow:
        jobs = list(uow.jobs.list(user.id, JobFilter()))
    return ws, clock, [ada, bob, cy], jobs


@pytest.fixture(scope="module")
def made() -> Business:
    return business()


def titles(jobs: Sequence[Job]) -> list[str]:
    return [j.title for j in jobs]


def both(made: Business, report: str, **options: Any) -> list[Any]:
    """The report from the workspace and from the reference, alike or not."""
    ws, clock, customers, jobs = made
    spec: Callable[..., Any] = getattr(reference, report)
    return [
        getattr(ws, report)(**options),
        spec(customers, jobs, now=clock(), calendar=BusinessCalendar(), **options),
    ]


def test_the_dashboard_by_default(made: Business) -> None:
    for board in both(made, "dashboard"):
        assert board.today == date(2025, 7, 6) and board.timezone == "UTC"
        assert (board.customers, board.jobs) == (3, 10)
        assert board.statuses.open == 6 and board.statuses.total == 10
        assert (board.revenue.amount, board.revenue.jobs) == (Decimal("1000.00"), 1)
        assert (board.receivables.amount, board.receivables.jobs) == (Decimal("1300.00"), 3)
        assert (board.pipeline.amount, board.pipeline.jobs) == (Decimal("980.00"), 6)
        assert board.this_week.period.start == date(2025, 6, 30)  # a Monday
        assert board.this_week.period.end == date(2025, 7, 7)
        assert board.this_month.period.start == date(2025, 7, 1)
        assert board.this_month.period.end == date(2025, 8, 1)
        assert board.this_week.amount == board.this_month.amount == Decimal("1000.00")
        assert titles(board.due_today) == ["Due today"]
        assert titles(board.upcoming) == ["Due today", "Due tomorrow", "Due in a week"]
        assert titles(board.overdue) == ["Due yesterday"] and board.overdue_count == 1
        assert titles(board.recent)[:2] == ["Cancelled today", "Due in eight days"]
        assert len(board.recent) == 10


def test_the_dashboards_lists_keep_their_default_limits() -> None:
    ws, clock, _, _ = business()
    customer = ws.add_customer("Many").id
    today = clock().date()
    for n in range(55):
        ws.create_job(customer, f"today {n}", due_date=today)
        ws.create_job(customer, f"late {n}", due_date=today - timedelta(days=1))
    now = clock()
    clock.now = now - timedelta(days=30, hours=12)
    ws.create_job(ws.add_customer("Dee").id, "A month ago")  # idle 30 days, not 31
    clock.now = now
    assert len(ws.reminders().overdue) == 50
    board = ws.dashboard()
    assert [len(board.due_today), len(board.recent), len(board.upcoming)] == [10, 10, 20]
    assert (len(board.overdue), board.overdue_count) == (20, 56)
    with ws.app.store.transaction(write=False) as uow:
        customers = uow.customers.list(ws.user_id)
        jobs = uow.jobs.list(ws.user_id, JobFilter())
        payments = uow.payments.list(ws.user_id, PaymentFilter())
    cal = BusinessCalendar()
    assert board == reference.dashboard(
        customers, jobs, now=clock(), calendar=cal, payments=payments
    )
    assert ws.reminders() == reference.reminders(
        customers, jobs, now=clock(), calendar=cal, payments=payments
    )


def test_reminders_by_default(made: Business) -> None:
    for found in both(made, "reminders"):
        assert found.today == date(2025, 7, 6)
        assert titles(found.unpaid_jobs) == ["Old boiler", "Late fence"]  # oldest first
        assert [(s.customer.name, s.unpaid) for s in found.owing_customers] == [
            ("Bob", Decimal("700.00")),
            ("Ada", Decimal("600.00")),  # jobs without an actual cost owe nothing
        ]
        assert [s.customer.name for s in found.idle_customers] == ["Cy", "Bob"]
        assert titles(found.due_soon) == ["Due today", "Due tomorrow"]
        assert titles(found.overdue) == ["Due yesterday"]


def test_reminders_count_strictly_more_than_their_thresholds(made: Business) -> None:
    for found in both(made, "reminders", unpaid_days=8, owing_over=Decimal(600), idle_days=60):
        assert titles(found.unpaid_jobs) == ["Old boiler"]  # the fence: exactly 8 days
        assert [s.customer.name for s in found.owing_customers] == ["Bob"]
        assert [s.customer.name for s in found.idle_customers] == []  # Cy: exactly 60 days
    for found in both(made, "reminders", limit=1):
        assert [len(found.unpaid_jobs), len(found.owing_customers)] == [1, 1]
        assert [len(found.idle_customers), len(found.due_soon), len(found.overdue)] == [1, 1, 1]
    for found in both(made, "reminders", limit=0):
        assert (found.unpaid_jobs, found.owing_customers, found.idle_customers) == ((), (), ())
        assert (found.due_soon, found.overdue) == ((), ())


def test_reminder_options_are_checked_by_name() -> None:
    ws, _, _, _ = business()
    with pytest.raises(ValidationError) as caught:
        ws.reminders(unpaid_days=-1, idle_days=36_501, limit=1001, owing_over="-1")
    assert caught.value.fields == ("unpaid_days", "idle_days", "limit", "owing_over")
    every = ws.reminders(unpaid_days=36_500, idle_days=0, limit=1000)
    assert [c.customer.name for c in every.idle_customers] == ["Cy", "Bob", "Ada"]
    assert [c.customer.name for c in ws.reminders(idle_days=1).idle_customers] == ["Cy", "Bob"]


def test_revenue_by_month_and_by_customer(made: Business) -> None:
    ws, _, _, _ = made
    months = ws.revenue_by_month()
    assert [m.period.start.month for m in months] == list(range(1, 13))
    assert [m.amount for m in months if m.amount] == [Decimal("1000.00")]
    assert months[6].period.start == date(2025, 7, 1) and months[6].revenue.jobs == 1
    assert ws.revenue_by_month(2024)[6].amount == Decimal("0.00")
    assert [(r.customer.name, r.revenue.amount) for r in ws.revenue_by_customer()] == [
        ("Ada", Decimal("1000.00"))
    ]
    assert ws.revenue_by_customer(2025) == ws.revenue_by_customer()
    assert ws.revenue_by_customer(2024) == []
    for bad in (1899, 9999):
        for report in (ws.revenue_by_month, ws.revenue_by_customer):
            with pytest.raises(ValidationError) as caught:
                report(bad)
            assert str(caught.value) == "year: must be a whole number from 1900 to 9998"
    assert ws.revenue() == Decimal("1000.00")


def test_customer_figures(made: Business) -> None:
    ws, _, (ada, bob, cy), _ = made
    stats = ws.customer_stats(bob.id)
    assert (stats.jobs, stats.completed, stats.earned, stats.unpaid) == (
        1,
        1,
        Decimal("0.00"),
        Decimal("700.00"),
    )
    assert stats.average_job_value == Decimal("0.00")
    assert ws.customer_stats(cy.id).last_job_at is None
    assert [s.customer.name for s in ws.customer_summaries()] == ["Ada", "Bob", "Cy"]
    assert ws.search_customers("") == [ada, bob, cy] and ws.search_customers("B") == [bob]
    with pytest.raises(ValidationError, match=r"^text: must be at most 200 characters$"):
        ws.search_customers("x" * 201)


def test_revenue_in_a_year_counts_only_payments_made_in_it() -> None:
    ws, clock, customers, _ = business()
    now = clock()
    old = ws.create_job(customers[1].id, "Last year's", actual_cost="40")
    clock.now = datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    ws.mark_paid(old.id)
    first = ws.create_job(customers[2].id, "New year's", actual_cost="5")
    clock.now = datetime(2025, 1, 1, tzinfo=UTC)  # the first instant of 2025
    ws.mark_paid(first.id)
    clock.now = datetime(2025, 12, 31, 12, tzinfo=UTC)
    ws.mark_paid(ws.create_job(customers[0].id, "December's", actual_cost="7").id)
    clock.now = now
    with ws.app.store.transaction(write=False) as uow:
        jobs = list(uow.jobs.list(ws.user_id, JobFilter()))
    cal = BusinessCalendar()
    for year, expected in [
        (2025, [("Ada", Decimal("1007.00")), ("Cy", Decimal("5.00"))]),
        (2024, [("Bob", Decimal("40.00"))]),
        (None, [("Ada", Decimal("1007.00")), ("Bob", Decimal("40.00")), ("Cy", Decimal("5.00"))]),
    ]:
        found = ws.revenue_by_customer(year)
        assert [(r.customer.name, r.revenue.amount) for r in found] == expected
        assert reference.revenue_by_customer(customers, jobs, year, cal) == found
    months = ws.revenue_by_month(2025)
    assert [m.amount for m in months] == [Decimal("5.00")] + [Decimal("0.00")] * 5 + [
        Decimal("1000.00")
    ] + [Decimal("0.00")] * 4 + [Decimal("7.00")]
    with ws.app.store.transaction(write=False) as uow:
        kit, ours = ReferenceReports(uow.customers, uow.jobs, uow.payments), uow.reports
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for low, high in [(start, None), (None, start), (start, start + timedelta(days=1))]:
            assert list(kit.revenue_by_customer(ws.user_id, low, high)) == list(
                ours.revenue_by_customer(ws.user_id, low, high)
            )
        assert [r.revenue.amount for r in ours.revenue_by_customer(ws.user_id, start)] == [
            Decimal("1007.00"),
            Decimal("5.00"),
        ]


def test_the_reference_takes_the_workspaces_defaults() -> None:
    for name in ("dashboard", "reminders"):
        ours = inspect.signature(getattr(Workspace, name)).parameters
        spec = inspect.signature(getattr(reference, name)).parameters
        options = [n for n, o in ours.items() if o.kind is inspect.Parameter.KEYWORD_ONLY]
        assert options and all(spec[n].default == ours[n].default for n in options), name


def test_the_kits_reference_reports_answer_every_question_as_the_memory_store() -> None:
    ws, clock, customers, _ = business()
    today = clock().date()
    owner = ws.user_id
    with ws.app.store.transaction(write=False) as uow:
        kit = ReferenceReports(uow.customers, uow.jobs, uow.payments)
        ours = uow.reports
        bounds = [clock() - timedelta(days=d) for d in (30, 1, 0)] + [clock() + timedelta(days=1)]
        for n in (0, 1, 50):
            asks: list[Callable[[Any, int], Any]] = [
                lambda r, n: r.due_on(owner, today, n),
                lambda r, n: r.open_due(owner, today, today + timedelta(days=7), n),
                lambda r, n: r.overdue(owner, today, n),
                lambda r, n: r.recently_changed(owner, n),
                lambda r, n: r.unpaid_completed(owner, clock(), n),
                lambda r, n: r.jobs_page(owner, JobFilter(), JobSort.DUE, None, n),
                lambda r, n: r.customer_jobs(owner, customers[0].id, None, n),
            ]
            for ask in asks:
                assert list(ask(kit, n)) == list(ask(ours, n))
                assert len(ask(kit, n)) <= n
        assert kit.totals(owner) == ours.totals(owner)
        assert list(kit.paid_between(owner, bounds)) == list(ours.paid_between(owner, bounds))
        assert kit.count_overdue(owner, today) == ours.count_overdue(owner, today) == 1
        assert list(kit.customer_summaries(owner)) == list(ours.customer_summaries(owner))
        assert list(kit.customer_summaries(owner, customers[1].id)) == list(
            ours.customer_summaries(owner, customers[1].id)
        )
        assert list(kit.revenue_by_customer(owner)) == list(ours.revenue_by_customer(owner))
        assert list(kit.estimate_accuracy(owner)) == list(ours.estimate_accuracy(owner))
        assert list(kit.search_customers(owner, "b")) == list(ours.search_customers(owner, "b"))
        assert len(kit.estimate_accuracy(owner)) == 2  # Ada's fence and Bob's boiler
