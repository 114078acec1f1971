"""The demo data: deterministic, and showing every case the dashboard and reminders have."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from jobtrack.demo import DEMO_EMAIL, DEMO_PASSWORD, DemoData, create_demo
from jobtrack_core import Argon2Hasher, JobStatus, Jobtrack
from jobtrack_core.periods import BusinessCalendar
from jobtrack_memory import MemoryStore

TODAY = date(2025, 3, 30)  # the day Europe changes to summer time


def _demo(
    seed: int, timezone: str = "UTC", store: MemoryStore | None = None
) -> tuple[MemoryStore, DemoData]:
    store = store or MemoryStore()
    data = create_demo(
        store, today=TODAY, seed=seed, hasher=Argon2Hasher.for_tests(), timezone=timezone
    )
    return store, data


def test_same_seed_and_day_give_the_same_data() -> None:
    _, first = _demo(7)
    _, again = _demo(7)
    _, other = _demo(8)
    assert first.customers == again.customers and first.jobs == again.jobs

    def profile(user: object) -> dict[str, object]:
        return attrs.asdict(user, filter=lambda a, _: a.name != "password_hash")  # type: ignore[arg-type]

    assert profile(first.user) == profile(again.user)
    assert first.jobs != other.jobs


@pytest.mark.parametrize(
    "seed,timezone", [(2025, "UTC"), (1, "Europe/Berlin"), (99, "Pacific/Auckland")]
)
def test_every_case_is_there_and_all_of_it_happened_before_today(seed: int, timezone: str) -> None:
    store, data = _demo(seed, timezone)
    jobs = data.jobs
    assert {j.status for j in jobs} == set(JobStatus)
    completed = [j for j in jobs if j.status is JobStatus.COMPLETED]
    assert any(j.paid for j in completed) and any(not j.paid for j in completed)
    due = [j.due_date for j in jobs if j.status.is_open and j.due_date]
    assert any(d < TODAY for d in due), "overdue jobs"
    assert TODAY in due and TODAY + timedelta(days=1) in due
    assert any(d > TODAY + timedelta(days=7) for d in due), "upcoming jobs"
    assert any(j.due_date is None for j in jobs)
    months = {(j.created_at.year, j.created_at.month) for j in jobs}
    assert len(months) >= 5, "several months of history"
    midnight = datetime.combine(TODAY, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    moments = [
        m
        for j in jobs
        for m in (j.created_at, j.updated_at, j.paid_at, j.completed_at)
        if m is not None
    ] + [c.created_at for c in data.customers]
    assert max(moments) < midnight
    for job in jobs:
        assert job.created_at <= job.updated_at
        if job.completed_at and job.paid_at:
            assert job.completed_at <= job.paid_at

    noon = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo(timezone))
    app = Jobtrack(store, clock=lambda: noon, calendar=BusinessCalendar(timezone))
    reminders = app.workspace(data.user.id).reminders()
    assert reminders.unpaid_jobs and reminders.owing_customers
    assert reminders.idle_customers and reminders.due_soon
    assert app.login(DEMO_EMAIL, DEMO_PASSWORD).user.id == data.user.id


def test_running_it_again_replaces_only_the_demo_account() -> None:
    store, first = _demo(3)
    app = Jobtrack(store, hasher=Argon2Hasher.for_tests())
    other = app.register(email="sam@example.com", password="correct horse", name="Sam")
    app.workspace(other.id).add_customer("Keep Me")
    _, again = _demo(3, store=store)
    assert again.replaced and not first.replaced
    assert again.jobs == first.jobs
    assert [c.name for c in app.workspace(other.id).list_customers()] == ["Keep Me"]


@pytest.mark.parametrize("seed,timezone", [(2025, "UTC"), (99, "Pacific/Auckland")])
def test_the_demo_payments_are_the_seeds_and_all_before_today(seed: int, timezone: str) -> None:
    store, data = _demo(seed, timezone)
    _, again = _demo(seed, timezone)
    assert data.payments == again.payments
    assert {p.kind.value for p in data.payments} == {"deposit", "payment", "refund"}
    assert all(p.received_on < TODAY for p in data.payments)
    midnight = datetime.combine(TODAY, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    assert all(p.recorded_at < midnight for p in data.payments)
    noon = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo(timezone))
    app = Jobtrack(store, clock=lambda: noon, calendar=BusinessCalendar(timezone))
    workspace = app.workspace(data.user.id)
    balances = workspace.balances()
    assert balances.owed.jobs and balances.deposits.jobs and balances.credits.jobs
    reminders = workspace.reminders()
    assert reminders.stalled and reminders.deposits_waiting
