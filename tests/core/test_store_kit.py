"""What the core gives every store: totals from a row of integers, UTC day bounds,
legacy amounts to the cent, a default ``add_many``, ``with`` support, retries, errors
that say what happened, and records rebuilt from a store's values."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from jobtrack_core.clock import as_utc, uuid4_ids, uuid7_ids
from jobtrack_core.commands import CustomerChanges, JobChanges
from jobtrack_core.entities import Customer, Deleted, Job, User
from jobtrack_core.errors import (
    AuthenticationError,
    InvalidTransitionError,
    RetryableError,
    SchemaVersionError,
    SessionError,
)
from jobtrack_core.kit import Closing, add_each
from jobtrack_core.money import round_to_cent
from jobtrack_core.periods import BusinessCalendar, utc_midnight_after, utc_midnight_before
from jobtrack_core.reports import Balances, OwnerTotals, StatusCounts, Tally
from jobtrack_core.retry import retrying
from jobtrack_core.status import JobStatus, check_transition

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def make_job(job_id: str) -> Job:
    return Job(
        id=job_id, user_id="u-1", customer_id="c-1", title="Fix", description=None,
        status=JobStatus.PENDING, estimated_cost=Decimal("1.00"), actual_cost=None,
        estimated_hours=None, actual_hours=Decimal("2.00"), due_date=None, paid=False,
        paid_at=None, completed_at=None, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_totals_read_from_a_stores_row_of_integers_in_its_order() -> None:
    totals = OwnerTotals.of_row(
        *(3, 1, 2, 4, 5, 1050, 6, 2001, 7, 30, 8), *(900, 500, 400, 2, 120, 1, 5, 3)
    )
    assert totals == OwnerTotals(
        customers=3,
        statuses=StatusCounts(pending=1, in_progress=2, completed=4, cancelled=5),
        revenue=Tally(Decimal("10.50"), 6),
        receivables=Tally(Decimal("20.01"), 7),
        pipeline=Tally(Decimal("0.30"), 8),
        balances=Balances(
            due=Decimal("9.00"),
            paid=Decimal("5.00"),
            owed=Tally(Decimal("4.00"), 2),
            deposits=Tally(Decimal("1.20"), 1),
            credits=Tally(Decimal("0.05"), 3),
        ),
    )
    row: list[object] = [Decimal(n) for n in range(19)]  # PostgreSQL's sums are Decimal
    assert OwnerTotals.of_row(*row).pipeline == Tally(Decimal("0.09"), 10)  # type: ignore[arg-type]
    assert OwnerTotals.of_row(*row).balances.credits == Tally(Decimal("0.17"), 18)  # type: ignore[arg-type]


@pytest.fixture
def machine_far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone set to UTC+14, where no report may look."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_far_from_utc")
def test_a_local_month_starts_at_its_instant_whatever_the_machines_zone() -> None:
    march = BusinessCalendar("Europe/Berlin").month(2025, 3)
    assert march.start_at == datetime(2025, 2, 28, 23, tzinfo=UTC)
    assert march.end_at == datetime(2025, 3, 31, 22, tzinfo=UTC)


@pytest.mark.usefixtures("machine_far_from_utc")
def test_utc_midnights_bound_the_utc_day_of_a_moment() -> None:
    tokyo = timezone(timedelta(hours=9))
    moment = datetime(2025, 7, 6, 3, 0, tzinfo=tokyo)  # 2025-07-05 18:00 UTC
    assert utc_midnight_before(moment) == datetime(2025, 7, 5, tzinfo=UTC)
    assert utc_midnight_after(moment) == datetime(2025, 7, 6, tzinfo=UTC)
    midnight = datetime(2025, 7, 6, tzinfo=UTC)
    assert utc_midnight_before(midnight) == utc_midnight_after(midnight) == midnight
    assert utc_midnight_after(midnight + timedelta(microseconds=1)) == midnight + timedelta(days=1)


def test_a_legacy_amount_is_rounded_half_up_to_the_cent() -> None:
    assert round_to_cent(0.125) == Decimal("0.13")
    assert round_to_cent(2.675) == Decimal("2.68")  # its repr, not its binary value
    assert round_to_cent(Decimal("1.005")) == Decimal("1.01")
    assert round_to_cent(Decimal("7")).as_tuple() == Decimal("7.00").as_tuple()


def test_add_each_adds_in_order_and_counts() -> None:
    added: list[Job] = []
    jobs = [make_job(f"j-{n}") for n in range(3)]
    assert add_each(added.append, iter(jobs)) == 3
    assert added == jobs
    assert add_each(added.append, []) == 0


def test_closing_closes_at_the_end_of_the_block_even_on_error() -> None:
    class Thing(Closing):
        closed = 0

        def close(self) -> None:
            self.closed += 1

    thing = Thing()
    with thing as entered:
        assert entered is thing and thing.closed == 0
    assert thing.closed == 1
    with pytest.raises(KeyError), thing:
        raise KeyError("x")
    assert thing.closed == 2
    with pytest.raises(NotImplementedError):
        Closing().close()


def test_retrying_waits_a_little_more_each_time_and_tries_five_times_by_default() -> None:
    waits: list[float] = []

    def record(details: RetryDetails) -> None:
        waits.append(details.wait_for)

    calls: list[int] = []

    @retrying(wait_initial=0.001, wait_max=0.004)
    def locked() -> None:
        calls.append(1)
        raise RetryableError("database is locked")

    set_on_retry_hooks([record])
    try:
        with pytest.raises(RetryableError):
            locked()
    finally:
        set_on_retry_hooks(None)
    assert len(calls) == 5 and len(waits) == 4
    assert all(0.001 <= w <= 0.004 + 0.001 for w in waits)  # at most wait_max plus jitter


def test_retrying_first_waits_about_twenty_milliseconds_by_default() -> None:
    waits: list[float] = []

    @retrying(attempts=2)
    def locked() -> None:
        raise RetryableError("database is locked")

    set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    try:
        with pytest.raises(RetryableError):
            locked()
    finally:
        set_on_retry_hooks(None)
    assert len(waits) == 1 and 0.02 <= waits[0] <= 0.04  # wait_initial plus its jitter


def test_errors_say_what_happened() -> None:
    error = SchemaVersionError(7, 5)
    assert (error.found, error.supported) == (7, 5)
    assert str(error) == (
        "database schema version 7 is newer than this jobtrack supports (5); "
        "upgrade jobtrack to open it"
    )
    assert str(SessionError("expired")) == "session expired; log in again"
    assert str(AuthenticationError()) == "invalid email or password"
    with pytest.raises(InvalidTransitionError) as caught:
        check_transition("j-1", JobStatus.COMPLETED, JobStatus.PENDING)
    assert (caught.value.job_id, caught.value.current, caught.value.requested) == (
        "j-1",
        "completed",
        "pending",
    )
    assert caught.value.allowed == ()
    assert str(caught.value) == (
        "job 'j-1' cannot move from 'completed' to 'pending'; "
        "allowed next statuses: none, it is final"
    )
    with pytest.raises(InvalidTransitionError) as caught:
        check_transition("j-1", JobStatus.PENDING, JobStatus.COMPLETED)
    assert caught.value.allowed == ("in_progress", "cancelled")
    assert str(caught.value).endswith("allowed next statuses: in_progress, cancelled")


def test_ids_are_uuids_of_their_version() -> None:
    assert uuid.UUID(uuid4_ids()).version == 4
    assert uuid.UUID(uuid7_ids()).version == 7
    assert uuid4_ids() != uuid4_ids()
    assert as_utc(datetime(2025, 7, 6, 11, tzinfo=timezone(timedelta(hours=2)))) == NOW
    with pytest.raises(ValueError, match=r"^due must be timezone-aware, got naive "):
        as_utc(datetime(2025, 7, 6), "due")
    with pytest.raises(ValueError, match=r"^time must be timezone-aware, got naive "):
        as_utc(datetime(2025, 7, 6))


def test_a_calendar_tells_the_local_date() -> None:
    july = BusinessCalendar().month(2025, 7)
    assert NOW in july and "2025-07-06" not in july and july.start == date(2025, 7, 1)
    assert july.start_at in july and july.end_at not in july
    tokyo = BusinessCalendar("Asia/Tokyo")
    assert tokyo.today(datetime(2025, 7, 6, 20, tzinfo=UTC)) == date(2025, 7, 7)
    assert BusinessCalendar().today(datetime(2025, 7, 6, 20, tzinfo=UTC)) == date(2025, 7, 6)


def test_a_change_request_behaves_as_the_value_it_holds() -> None:
    changes = JobChanges(title="Fix", description=None)
    assert list(changes) == ["title", "description"] and bool(changes)
    assert not JobChanges() and list(JobChanges()) == []
    assert repr(changes) == "JobChanges(title='Fix', description=None)"
    assert changes == JobChanges(title="Fix", description=None)
    assert hash(changes) == hash(JobChanges(title="Fix", description=None))
    assert changes != JobChanges(title="Fix") and changes != CustomerChanges()
    assert hash(JobChanges()) != hash(CustomerChanges())
    assert changes.title == "Fix" and changes.due_date is not None  # UNSET
    with pytest.raises(AttributeError, match=r"^status$"):
        _ = changes.status
    with pytest.raises(AttributeError):
        changes.title = "other"
    assert set(JobChanges.rules) == {
        "customer_id",
        "title",
        "description",
        "estimated_cost",
        "estimated_hours",
        "actual_cost",
        "actual_hours",
        "due_date",
    }


def test_a_store_rebuilds_each_record_from_its_values_in_order() -> None:
    user = User(
        id="u-1", email="sam@x.com", name="Sam", business_name=None,
        password_hash="h", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    job = make_job("j-1")
    customer = Customer(
        id="c-1", user_id="u-1", name="Ada", email=None, phone="555", address=None,
        business_name=None, notes="n", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    for record in (user, job, customer, user):
        rebuilt = type(record).from_store(*attrs.astuple(record, recurse=False))
        assert rebuilt == record and type(rebuilt) is type(record)
    assert Deleted(1, 2, 3, 4) + Deleted(4, 3, 2, 1) == Deleted(5, 5, 5, 5)
