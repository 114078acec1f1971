"""Rules of the service that no property states outright: refusals that must not turn
into stored ``None``, sessions that end, empty periods, limits of one, and orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from jobtrack_core import JobStatus, Jobtrack, SessionPolicy, Workspace
from jobtrack_core.commands import CustomerChanges, NewCustomer, NewJob
from jobtrack_core.errors import (
    AuthenticationError,
    InvalidTransitionError,
    NotFoundError,
    SessionError,
    ValidationError,
)
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.queries import JobFilter
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore

EMAIL = "sam@example.com"


def make(policy: SessionPolicy | None = None) -> tuple[Jobtrack, FakeClock]:
    clock = FakeClock()
    app = Jobtrack(
        MemoryStore(),
        clock=clock,
        ids=CountingIds(),
        hasher=Argon2Hasher.for_tests(),
        sessions=policy,
    )
    app.register(email=EMAIL, password=PASSWORD, name="Sam")
    return app, clock


def workspace() -> tuple[Workspace, FakeClock]:
    app, clock = make()
    return app.authenticate(app.login(EMAIL, PASSWORD).token), clock


@pytest.mark.parametrize(
    "bad",
    [{"actual_cost": "1.999"}, {"actual_hours": -1}, {"actual_cost": 1.5}, {"title": "x"}],
)
def test_completing_with_a_bad_figure_is_refused_and_changes_nothing(
    bad: dict[str, Any],
) -> None:
    ws, _ = workspace()
    job = ws.create_job(ws.add_customer("Ada").id, "Fix", actual_cost="10")
    started = ws.start_job(job.id)
    with pytest.raises(ValidationError) as caught:
        ws.complete_job(job.id, **bad)
    assert caught.value.fields == tuple(bad)
    assert ws.get_job(job.id) == started


def test_completing_records_the_figures_given_and_the_time_once() -> None:
    ws, clock = workspace()
    job = ws.create_job(ws.add_customer("Ada").id, "Fix", actual_cost="10")
    ws.start_job(job.id)
    clock.advance(minutes=5)
    done = ws.complete_job(job.id, actual_hours="2.5")
    assert (done.status, done.actual_cost, done.actual_hours) == (
        JobStatus.COMPLETED,
        Decimal("10.00"),
        Decimal("2.50"),
    )
    assert done.completed_at == done.updated_at == clock()
    for move in (ws.complete_job, ws.cancel_job, ws.start_job):
        with pytest.raises(InvalidTransitionError):
            move(job.id)
    assert ws.get_job(job.id).completed_at == clock()


def test_payment_is_recorded_and_undone_in_any_status() -> None:
    ws, clock = workspace()
    job = ws.create_job(ws.add_customer("Ada").id, "Fix")
    clock.advance(minutes=1)
    paid = ws.mark_paid(job.id)
    assert (paid.paid, paid.paid_at, paid.updated_at) == (True, clock(), clock())
    clock.advance(minutes=1)
    assert ws.mark_paid(job.id) == paid  # again: nothing changes
    unpaid = ws.mark_unpaid(job.id)
    assert (unpaid.paid, unpaid.paid_at, unpaid.updated_at) == (False, None, clock())
    assert ws.mark_unpaid(job.id) == unpaid


def test_a_session_idle_too_long_ends_and_is_gone_from_the_store() -> None:
    app, clock = make(SessionPolicy(lifetime=timedelta(hours=24), idle_timeout=timedelta(hours=1)))
    login = app.login(EMAIL, PASSWORD)
    clock.advance(minutes=59)
    assert app.authenticate(login.token).user_id == login.user.id  # use renews it
    clock.advance(minutes=59)
    app.authenticate(login.token)
    clock.advance(hours=1)
    with pytest.raises(SessionError, match=r"^session expired; log in again$"):
        app.authenticate(login.token)
    with app.store.transaction(write=False) as uow:
        assert uow.sessions.get_by_token_hash(login.session.token_hash) is None
    with pytest.raises(SessionError, match=r"^session unknown; log in again$"):
        app.authenticate(login.token)


def test_a_session_ends_exactly_at_its_lifetime() -> None:
    app, clock = make(SessionPolicy(lifetime=timedelta(hours=2)))
    login = app.login(EMAIL, PASSWORD)
    assert login.session.expires_at == clock() + timedelta(hours=2)
    clock.advance(hours=2, microseconds=-1)
    app.authenticate(login.token)
    clock.tick()
    with pytest.raises(SessionError, match=r"^session expired; log in again$"):
        app.authenticate(login.token)
    for token in ("", None, 7):
        with pytest.raises(SessionError, match=r"^session unknown; log in again$"):
            app.authenticate(token)  # type: ignore[arg-type]


def test_logging_out_ends_only_that_session_and_ignores_unknown_tokens() -> None:
    app, clock = make()
    first, second = app.login(EMAIL, PASSWORD), app.login(EMAIL, PASSWORD)
    clock.advance(minutes=1)
    app.logout(first.token)
    with app.store.transaction(write=False) as uow:
        revoked = uow.sessions.get_by_token_hash(first.session.token_hash)
    assert revoked is not None and revoked.revoked_at == clock()
    clock.advance(minutes=1)
    app.logout(first.token)  # again: keeps the first time
    with app.store.transaction(write=False) as uow:
        again = uow.sessions.get_by_token_hash(first.session.token_hash)
    assert again == revoked
    for token in ("", None, 7, "never issued"):
        app.logout(token)  # type: ignore[arg-type]
    with pytest.raises(SessionError, match=r"^session revoked; log in again$"):
        app.authenticate(first.token)
    assert app.authenticate(second.token).user_id == second.user.id


def test_changing_the_password_ends_every_other_session() -> None:
    app, clock = make()
    this, other = app.login(EMAIL, PASSWORD), app.login(EMAIL, PASSWORD)
    ws = app.authenticate(this.token)
    with pytest.raises(AuthenticationError, match=r"^current password is wrong$"):
        ws.change_password("not it", "a new password")
    with pytest.raises(AuthenticationError, match=r"^current password is wrong$"):
        ws.change_password(None, "a new password")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^new_password: must be at least 8 characters$"):
        ws.change_password(PASSWORD, "short")
    clock.advance(minutes=1)
    ws.change_password(PASSWORD, "a new password")
    assert ws.user.updated_at == clock()
    with pytest.raises(SessionError, match=r"^session revoked; log in again$"):
        app.authenticate(other.token)
    assert app.authenticate(this.token).user_id == this.user.id
    assert app.login(EMAIL, "a new password").user.id == this.user.id
    with pytest.raises(AuthenticationError):
        app.login(EMAIL, PASSWORD)


def test_deleting_the_account_asks_for_the_password() -> None:
    ws, _ = workspace()
    ws.add_customer("Ada")
    for wrong in ("not it", None):
        with pytest.raises(AuthenticationError, match=r"^password is wrong$"):
            ws.delete_account(wrong)  # type: ignore[arg-type]
    gone = ws.delete_account(PASSWORD)
    assert (gone.users, gone.customers, gone.sessions) == (1, 1, 1)


def test_revenue_between_an_empty_period_is_zero_and_a_reversed_one_refused() -> None:
    ws, clock = workspace()
    job = ws.create_job(ws.add_customer("Ada").id, "Fix", actual_cost="10")
    ws.mark_paid(job.id)
    today = clock().date()
    empty = ws.revenue_between(today, today)
    assert (empty.amount, empty.revenue.jobs) == (Decimal("0.00"), 0)
    assert empty.period.start_at == empty.period.end_at
    day = ws.revenue_between(today.isoformat(), today + timedelta(days=1))
    assert (day.amount, day.revenue.jobs) == (Decimal("10.00"), 1)
    with pytest.raises(ValidationError) as caught:
        ws.revenue_between(today, today - timedelta(days=1))
    assert str(caught.value) == "end: must not be before start"
    with pytest.raises(ValidationError) as caught:
        ws.revenue_between(None, "x")  # type: ignore[arg-type]
    assert caught.value.fields == ("start", "end")
    with pytest.raises(ValidationError) as caught:
        ws.revenue_between(today, None)  # type: ignore[arg-type]
    assert str(caught.value) == "end: is required"


def test_every_dashboard_list_keeps_to_a_limit_of_one_and_zero_asks_nothing() -> None:
    ws, clock = workspace()
    customer = ws.add_customer("Ada").id
    today = clock().date()
    days = (0, 0, 1, 2, -1, -2)
    for due in (today + timedelta(days=n) for n in days):
        ws.create_job(customer, f"due {due}", due_date=due)
        clock.tick()
    one = ws.dashboard(recent=1, today_limit=1, upcoming_limit=1, overdue_limit=1)
    lists = (one.due_today, one.recent, one.upcoming, one.overdue)
    assert [len(jobs) for jobs in lists] == [1, 1, 1, 1]
    assert one.overdue_count == 2 and one.overdue[0].due_date == today - timedelta(days=2)
    assert one.recent[0].due_date == today - timedelta(days=2)  # the last one made
    assert one.upcoming[0].due_date == today
    full = ws.dashboard()
    assert [len(jobs) for jobs in (full.due_today, full.recent, full.upcoming, full.overdue)] == [
        2,
        6,
        4,
        2,
    ]
    none = ws.dashboard(recent=0, today_limit=0, upcoming_limit=0, overdue_limit=0)
    assert (none.due_today, none.recent, none.upcoming, none.overdue) == ((), (), (), ())
    assert none.overdue_count == 2
    week = ws.dashboard(upcoming_days=1)
    assert [j.due_date for j in week.upcoming] == [today, today, today + timedelta(days=1)]
    with pytest.raises(ValidationError) as caught:
        ws.dashboard(upcoming_days=-1, recent=-1, today_limit=True, upcoming_limit=1.0)  # type: ignore[arg-type]
    assert caught.value.fields == ("upcoming_days", "recent", "today_limit", "upcoming_limit")


def test_a_customers_history_is_newest_first_a_page_at_a_time() -> None:
    ws, clock = workspace()
    ada, bob = ws.add_customer("Ada").id, ws.add_customer("Bob").id
    made = []
    for n in range(5):
        made.append(ws.create_job(ada, f"job {n}").id)
        ws.create_job(bob, f"other {n}")
        clock.tick()
    first = ws.customer_history(ada, limit=2)
    assert [j.id for j in first] == made[::-1][:2] and first.next is not None
    second = ws.customer_history(ada, limit=2, after=first.next)
    third = ws.customer_history(ada, limit=2, after=second.next)
    assert [j.id for j in (*first, *second, *third)] == made[::-1]
    assert third.next is None
    assert [j.id for j in ws.customer_history(ada)] == made[::-1]
    with pytest.raises(ValidationError, match=r"^limit: must be a whole number from 1 to 1000$"):
        ws.customer_history(ada, limit=0)


def test_dates_of_the_dashboard_follow_the_clock_not_a_datetime() -> None:
    ws, clock = workspace()
    assert ws.dashboard().today == clock().date()
    with pytest.raises(
        ValidationError, match=r"^due_date: must be a calendar date, not a datetime$"
    ):
        ws.create_job(ws.add_customer("Ada").id, "Fix", due_date=clock())
    assert isinstance(ws.dashboard().today, date)


def test_a_customer_change_is_stamped_and_may_come_as_a_request() -> None:
    ws, clock = workspace()
    customer = ws.add_customer("Ada")
    clock.advance(minutes=1)
    assert ws.update_customer(customer.id, name="Ada") == customer  # nothing changed
    changed = ws.update_customer(customer.id, CustomerChanges(phone="555", notes=None))
    assert (changed.phone, changed.updated_at, changed.created_at) == (
        "555",
        clock(),
        customer.created_at,
    )


def test_a_customers_history_shows_fifty_jobs_a_page_by_default() -> None:
    ws, _ = workspace()
    customer = ws.add_customer("Ada").id
    for n in range(51):
        ws.create_job(customer, f"job {n}")
    page = ws.customer_history(customer)
    assert len(page) == 50 and page.next is not None


def test_a_deleted_job_is_gone_and_counted() -> None:
    ws, _ = workspace()
    job = ws.create_job(ws.add_customer("Ada").id, "Fix")
    gone = ws.delete_job(job.id)
    assert (gone.jobs, gone.customers) == (1, 0)
    with pytest.raises(NotFoundError):
        ws.get_job(job.id)


def test_listing_and_period_arguments_are_refused_by_name() -> None:
    ws, _ = workspace()
    with pytest.raises(ValidationError) as caught:
        ws.list_jobs_page("pending")  # type: ignore[arg-type]
    assert str(caught.value) == "where: must be a JobFilter"
    with pytest.raises(ValidationError) as caught:
        ws.list_jobs(status=7)
    assert (
        str(caught.value) == "statuses: must be a status or a list of statuses, not a number (int)"
    )
    ws.update_profile(timezone="Asia/Tokyo")
    with pytest.raises(ValidationError) as caught:
        ws.revenue_between("0001-01-01", "0001-01-02")
    assert caught.value.fields == ("period",)
    assert str(caught.value).startswith("period: is out of the supported range (")
    with pytest.raises(ValidationError) as caught:
        ws.cash_received("0001-01-01", "0001-01-02")
    assert caught.value.fields == ("start",)
    assert str(caught.value).startswith("start: is out of the supported range (")
    (last,) = ws.cash_received("9999-12-01", "9999-12-31")  # the last month there is
    assert (last.period.end, last.by_method) == (date(9999, 12, 31), ())


def test_what_is_not_found_is_named_by_kind_and_id() -> None:
    app, _ = make()
    ws = app.workspace("id-1")
    asks: list[tuple[Callable[[], object], str, str]] = [
        (lambda: ws.get_job("j-404"), "job", "j-404"),
        (lambda: ws.get_customer("c-404"), "customer", "c-404"),
        (lambda: app.workspace("u-404"), "user", "u-404"),
        (lambda: Workspace(app, "u-404").user, "user", "u-404"),
    ]
    for ask, kind, missing in asks:
        with pytest.raises(NotFoundError) as caught:
            ask()
        assert (caught.value.kind, caught.value.id) == (kind, missing)
        assert str(caught.value) == f"{kind} '{missing}' not found"
    job = ws.create_job(ws.add_customer("Ada").id, "Fix")
    with pytest.raises(NotFoundError) as caught, app.store.transaction() as uow:
        uow.jobs.update(attrs.evolve(job, id="j-404"))
    assert (caught.value.kind, caught.value.id) == ("job", "j-404")


def test_requests_may_come_built_and_not_with_keywords_too() -> None:
    ws, _ = workspace()
    customer = ws.add_customer(NewCustomer(name="Ada", phone="555"))
    assert (customer.name, customer.phone) == ("Ada", "555")
    job = ws.create_job(NewJob(customer_id=customer.id, title="Fix", estimated_cost=Decimal(9)))
    assert (job.title, job.estimated_cost) == ("Fix", Decimal("9.00"))
    with pytest.raises(ValidationError) as caught:
        ws.create_job(NewJob(customer_id=customer.id, title="Fix"), "Other title")
    assert str(caught.value) == "title: give a NewJob or keyword arguments, not both"
    with pytest.raises(ValidationError) as caught:
        ws.add_customer(NewCustomer(name="Ada"), phone="555")
    assert str(caught.value) == "phone: give a NewCustomer or keyword arguments, not both"
    with pytest.raises(ValidationError) as caught:
        ws.list_jobs("pending")  # type: ignore[arg-type]
    assert str(caught.value) == "where: must be a JobFilter"


def test_search_finds_text_only_in_what_a_customer_has() -> None:
    ws, _ = workspace()
    ada = ws.add_customer("Ada")
    rex = ws.add_customer("Rex", email="rex@x.com")
    assert ws.search_customers("x") == [rex]
    assert ws.search_customers("X") == [rex] and ws.search_customers("ada") == [ada]


def test_a_customers_jobs_page_in_any_order_and_unpaid_ones_newest_first() -> None:
    ws, clock = workspace()
    ada, bob = ws.add_customer("Ada").id, ws.add_customer("Bob").id
    made = []
    for n in range(4):
        made.append(ws.create_job(ada, f"job {n}").id)
        ws.create_job(bob, f"other {n}")
        clock.tick()
    ws.mark_paid(made[1])  # now the most recently changed
    mine = JobFilter(customer_id=ada)
    for sort, expected in [
        ("updated", [made[1], made[3], made[2], made[0]]),
        ("newest", made[::-1]),
        ("title", made),
    ]:
        first = ws.list_jobs_page(mine, sort=sort, limit=2)
        rest = ws.list_jobs_page(mine, sort=sort, limit=2, after=first.next)
        assert [j.id for j in (*first, *rest)] == expected, sort
    unpaid = ws.list_jobs_page(JobFilter(paid=False, customer_id=None), limit=10)
    assert [j.id for j in unpaid] == [j.id for j in ws.list_jobs() if not j.paid]
    assert len(unpaid) == 7 and made[1] not in [j.id for j in unpaid]
