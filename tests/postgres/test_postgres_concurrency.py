"""Races between real concurrent connections, one thread each.

The interleavings that matter are forced, not hoped for: a thread waits until
PostgreSQL itself reports the other connection as waiting for a lock.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from jobtrack_core import (
    Argon2Hasher,
    ConflictError,
    Customer,
    InvalidTransitionError,
    Job,
    JobStatus,
    Jobtrack,
    RetryableError,
    User,
    Workspace,
)
from jobtrack_core.entities import Action, FieldChange, HistoryEntry
from jobtrack_core.errors import VersionConflict
from jobtrack_core.retry import retrying
from jobtrack_core.testing import PASSWORD, FakeClock
from jobtrack_core.testing.feed import Client
from jobtrack_postgres import Isolation, PostgresStore

HASHER = Argon2Hasher.for_tests()


class Monitor:
    """A separate connection that watches the test database for lock waits."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url, autocommit=True)

    def waiting(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        return int(row[0]) if row else 0

    def until_waiting(self, count: int) -> None:
        """Return once ``count`` connections wait for a lock; fail if they never do."""
        for _ in range(2000):  # a liveness bound, not a timing assertion
            if self.waiting() >= count:
                return
            time.sleep(0.005)
        raise AssertionError(f"{count} connection(s) never waited for a lock")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def monitor(postgres_url: str) -> Iterator[Monitor]:
    watcher = Monitor(postgres_url)
    yield watcher
    watcher.close()


class Result:
    """What a thread returned or raised."""

    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, Result]:
    result = Result()

    def run() -> None:
        try:
            result.value = work()
        except BaseException as exc:
            result.error = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


class GatedClock(FakeClock):
    """A clock whose first reading signals ``holding`` and waits for ``release()`` to pass."""

    def __init__(self, release: Callable[[], None]) -> None:
        super().__init__()
        self.holding = threading.Event()
        self._release = release
        self._gated = True

    def __call__(self) -> datetime:
        if self._gated:
            self._gated = False
            self.holding.set()
            self._release()
        return super().__call__()


def owner_with_job(store: PostgresStore, status: JobStatus) -> tuple[User, str]:
    app = Jobtrack(store, clock=FakeClock(), hasher=HASHER)
    user = app.register(email="racer@example.com", password=PASSWORD, name="Racer")
    ws = app.workspace(user.id)
    job = ws.create_job(ws.add_customer("Ada").id, "Fix")
    if status is JobStatus.IN_PROGRESS:
        ws.start_job(job.id)
    return user, job.id


def move(ws: Workspace, job_id: str, target: JobStatus) -> Any:
    if target is JobStatus.IN_PROGRESS:
        return ws.start_job(job_id)
    if target is JobStatus.COMPLETED:
        return ws.complete_job(job_id, actual_cost="10")
    return ws.cancel_job(job_id)


@pytest.mark.parametrize(
    ("first", "second"),
    [(JobStatus.COMPLETED, JobStatus.CANCELLED), (JobStatus.CANCELLED, JobStatus.COMPLETED)],
)
def test_complete_and_cancel_at_once_exactly_one_wins(
    racing_store: PostgresStore,
    monitor: Monitor,
    isolation: Isolation,
    first: JobStatus,
    second: JobStatus,
) -> None:
    user, job_id = owner_with_job(racing_store, JobStatus.IN_PROGRESS)
    # The first mover has read the job and checked the transition when its clock is read;
    # it then holds on until the second mover's connection is blocked on the same job.
    clock = GatedClock(release=lambda: monitor.until_waiting(1))
    winner_ws = Jobtrack(racing_store, clock=clock, hasher=HASHER).workspace(user.id)
    loser_ws = Jobtrack(racing_store, clock=FakeClock(), hasher=HASHER).workspace(user.id)

    winner, won = in_thread(lambda: move(winner_ws, job_id, first))
    assert clock.holding.wait(30)
    loser, lost = in_thread(lambda: move(loser_ws, job_id, second))
    winner.join()
    loser.join()

    assert won.error is None, won.error
    assert won.value.status is first
    if isolation == "read committed":
        # The loser waited for the job's row lock, then saw the winner's commit.
        assert isinstance(lost.error, InvalidTransitionError), lost.error
        assert (lost.error.current, lost.error.requested) == (first.value, second.value)
    else:
        # The loser's snapshot predates the winner's commit: PostgreSQL cancels it.
        assert isinstance(lost.error, RetryableError), lost.error
        assert isinstance(lost.error.__cause__, psycopg.errors.SerializationFailure)
    final = loser_ws.get_job(job_id)
    assert final == won.value


def test_many_threads_moving_the_same_jobs_follow_the_state_machine(
    racing_store: PostgresStore,
) -> None:
    app = Jobtrack(racing_store, hasher=HASHER)
    user = app.register(email="crowd@example.com", password=PASSWORD, name="Crowd")
    ws = app.workspace(user.id)
    customer = ws.add_customer("Ada")
    rng = random.Random(7)
    threads = 6
    for _ in range(8):
        job = ws.create_job(customer.id, "Contested")
        targets = [rng.choice(list(JobStatus)[1:]) for _ in range(threads)]
        barrier = threading.Barrier(threads)

        def attempt(
            target: JobStatus, job_id: str = job.id, barrier: threading.Barrier = barrier
        ) -> Any:
            barrier.wait()
            return move(ws, job_id, target)

        started = [in_thread(partial(attempt, target)) for target in targets]
        for thread, _ in started:
            thread.join()
        wins = [t for t, (_, r) in zip(targets, started, strict=True) if r.error is None]
        for _, result in started:
            assert result.error is None or isinstance(
                result.error, InvalidTransitionError | RetryableError
            ), result.error
        finals = [t for t in wins if t is not JobStatus.IN_PROGRESS]
        assert wins.count(JobStatus.IN_PROGRESS) <= 1 and len(finals) <= 1
        if JobStatus.COMPLETED in finals:
            assert JobStatus.IN_PROGRESS in wins  # completion needs a start first
        expected = finals[0] if finals else JobStatus.IN_PROGRESS if wins else JobStatus.PENDING
        assert ws.get_job(job.id).status is expected


def test_registrations_with_one_email_while_the_first_is_uncommitted(
    racing_store: PostgresStore, monitor: Monitor, isolation: Isolation
) -> None:
    app = Jobtrack(racing_store, hasher=HASHER)
    others = 5
    with racing_store.transaction():
        first = app.register(email="same@example.com", password=PASSWORD, name="First")
        started = [
            in_thread(
                lambda: app.register(email="same@example.com", password=PASSWORD, name="Later")
            )
            for _ in range(others)
        ]
        monitor.until_waiting(others)  # every later registration waits for this one
    for thread, _ in started:
        thread.join()
    for _, result in started:
        if isolation == "read committed":
            assert isinstance(result.error, ConflictError), result.error
            assert result.error.field == "email"
        else:  # the email was taken after their snapshot: try again (and be told it is taken)
            assert isinstance(result.error, RetryableError), result.error
    with racing_store.transaction(write=False) as uow:
        assert uow.users.get_by_email("same@example.com") == first


def test_concurrent_registrations_with_one_email_make_one_account(
    racing_store: PostgresStore,
) -> None:
    app = Jobtrack(racing_store, hasher=HASHER)
    threads = 8
    barrier = threading.Barrier(threads)

    def register(i: int) -> User:
        barrier.wait()
        return app.register(email="Same@Example.com", password=PASSWORD, name=f"User {i}")

    started = [in_thread(partial(register, i)) for i in range(threads)]
    for thread, _ in started:
        thread.join()
    made = [r.value for _, r in started if r.error is None]
    assert len(made) == 1
    for _, result in started:
        assert result.error is None or isinstance(result.error, ConflictError | RetryableError)
        assert not isinstance(result.error, ConflictError) or result.error.field == "email"
    with racing_store.transaction(write=False) as uow:
        assert uow.users.get_by_email("same@example.com") == made[0]


def test_a_unit_of_work_cancelled_at_serializable_is_retryable_and_runs_again(
    fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]
) -> None:
    """Two units of work of one owner at SERIALIZABLE both read, then both write the
    owner's figures: PostgreSQL cancels the second (SQLSTATE 40001), which is a
    RetryableError, not a ConflictError; run again by ``retrying``, it goes through."""
    fresh_store().close()  # empties the tables
    store = PostgresStore(pool=postgres_pool, isolation="serializable")
    app = Jobtrack(store, hasher=HASHER)
    ws = app.workspace(app.register(email="both@example.com", password=PASSWORD, name="B").id)
    customer = ws.add_customer("Ada")
    both_read = threading.Barrier(2, timeout=30)
    attempts: list[int] = []
    refused: list[BaseException] = []

    @retrying(attempts=3, wait_initial=0.01)
    def add_job(n: int) -> None:
        first = n not in attempts
        attempts.append(n)
        try:
            with ws.atomic():
                ws.revenue()  # the unit of work's snapshot is taken here
                if first:
                    both_read.wait()
                ws.create_job(customer.id, f"job {n}", estimated_cost="10.00")
        except RetryableError as exc:
            refused.append(exc)
            raise

    started = [in_thread(partial(add_job, n)) for n in range(2)]
    for thread, result in started:
        thread.join()
        assert result.error is None, result.error
    assert len(refused) == 1
    assert sorted(attempts.count(n) for n in (0, 1)) == [1, 2]  # one ran again, once
    cause = refused[0].__cause__
    assert isinstance(cause, psycopg.errors.SerializationFailure), cause
    assert cause.sqlstate == "40001"
    assert not isinstance(refused[0], ConflictError)
    assert ws.dashboard().pipeline.amount == 20
    store.close()


# -- versions, safe retries and the change feed ------------------------------------------

#: Retries for the tests' units of work: at SERIALIZABLE, writers of one business are
#: refused whenever another committed first, and run again.
patient = retrying(attempts=100, timeout=120, wait_initial=0.002, wait_max=0.05)


def test_a_businesss_numbers_are_taken_in_turn_and_held_until_commit(
    racing_store: PostgresStore, monitor: Monitor, isolation: Isolation
) -> None:
    app = Jobtrack(racing_store, hasher=HASHER)
    owner = app.register(email="turns@example.com", password=PASSWORD, name="Turns").id

    def reserve() -> int:
        with racing_store.transaction() as uow:
            return uow.history.reserve(owner, 2)

    with racing_store.transaction() as uow:
        assert uow.history.reserve(owner, 3) == 1
        second, result = in_thread(reserve)
        monitor.until_waiting(1)  # the second waits for the first to end
    second.join()
    if isolation == "read committed":
        assert result.error is None, result.error
        assert result.value == 4  # after the first's numbers, committed before it
    else:
        assert isinstance(result.error, RetryableError), result.error
        assert reserve() == 4  # run again, it goes on from the committed head


def test_the_feed_never_goes_back_while_writers_race(
    racing_store: PostgresStore, postgres_url: str, isolation: Isolation
) -> None:
    """Writers on their own connections change one business in units of several changes
    while a client polls the feed: every batch's numbers are above everything seen
    before, and the client, caught up, holds exactly the business's records. A reader
    behind the store's back never sees a number missing below the highest it sees: no
    change committed later can be numbered below one already visible."""
    app = Jobtrack(racing_store, hasher=HASHER)
    ws = app.workspace(app.register(email="feed@example.com", password=PASSWORD, name="F").id)
    shared = ws.create_job(ws.add_customer("Shared").id, "Everyone's")
    writers, units = 4, 12
    done = threading.Event()

    def write(n: int) -> None:
        rng = random.Random(n)
        customers = [patient(ws.add_customer)(f"Writer {n}").id]

        @patient
        def one_unit(unit: int) -> list[str]:
            """The unit's changes; the customers it leaves the writer."""
            with ws.atomic():
                job = ws.create_job(rng.choice(customers), "Work", estimated_cost=str(unit))
                ws.update_job(job.id, title=f"Work {rng.random()}")
                if rng.random() < 0.1:
                    ws.update_job(shared.id, title=f"by {n} at {unit}")
                mine = ws.list_jobs(customer_id=rng.choice(customers))
                if len(mine) > 1 and rng.random() < 0.4:
                    ws.delete_job(mine[-1].id)
                if rng.random() < 0.15:  # adding a customer locks the account's row
                    return [*customers, ws.add_customer(f"Writer {n} unit {unit}").id]
                if len(customers) > 1 and rng.random() < 0.1:
                    ws.delete_customer(customers[-1])
                    return customers[:-1]
                return customers

        for unit in range(units):
            customers = one_unit(unit)

    def poll() -> tuple[Client, int]:
        client, seen, batches = Client(ws), 0, 0
        rng = random.Random(99)
        raw = psycopg.connect(postgres_url, autocommit=True)
        while True:
            last = done.is_set()
            visible = raw.execute(
                "SELECT count(*), coalesce(max(seq), 0) FROM history WHERE user_id = %s",
                (ws.user_id,),
            ).fetchone()
            assert visible is not None and visible[0] == visible[1], visible  # no holes
            batch = ws.changes(client.cursor, limit=rng.randint(1, 8))
            seqs = [c.seq for c in batch]
            assert seqs == sorted(set(seqs)) and all(s > seen for s in seqs), (seen, seqs)
            seen = max([seen, *seqs])
            for change in batch:
                key = (change.kind, change.id)
                if change.record is None:
                    client.copy.pop(key, None)
                else:
                    client.copy[key] = change.record
            client.cursor = batch.next
            batches += bool(seqs)
            if last and not seqs:
                raw.close()
                return client, batches

    poller, polled = in_thread(poll)
    started = [in_thread(partial(write, n)) for n in range(writers)]
    for thread, result in started:
        thread.join()
        assert result.error is None, result.error
    done.set()
    poller.join()
    assert polled.error is None, polled.error
    client, batches = polled.value
    assert batches > 1  # the client polled while the writers wrote
    assert client.copy == client.truth()
    everything: list[HistoryEntry] = []
    page = ws.activity(limit=500)
    everything += page.items
    while page.next is not None:
        page = ws.activity(limit=500, after=page.next)
        everything += page.items
    assert [e.seq for e in reversed(everything)] == list(range(1, len(everything) + 1))
    assert len(everything) >= 2 * writers * units  # every unit's changes were recorded


def test_two_writers_at_one_version_one_wins_and_the_other_sees_why(
    racing_store: PostgresStore, monitor: Monitor, isolation: Isolation
) -> None:
    """Both read the job at version 1 and update it with ``if_version=1``: the first holds
    the job's row until it commits; the second waits, then is refused with the version
    the first made (at SERIALIZABLE: refused as retryable, and run again, the same)."""
    user, job_id = owner_with_job(racing_store, JobStatus.PENDING)
    clock = GatedClock(release=lambda: monitor.until_waiting(1))
    first_ws = Jobtrack(racing_store, clock=clock, hasher=HASHER).workspace(user.id)
    second_ws = Jobtrack(racing_store, clock=FakeClock(), hasher=HASHER).workspace(user.id)
    assert first_ws.get_job(job_id).version == second_ws.get_job(job_id).version == 1

    first, won = in_thread(lambda: first_ws.update_job(job_id, title="First", if_version=1))
    assert clock.holding.wait(30)
    second, lost = in_thread(lambda: second_ws.update_job(job_id, title="Second", if_version=1))
    first.join()
    second.join()

    assert won.error is None, won.error
    assert (won.value.title, won.value.version) == ("First", 2)
    error = lost.error
    if isolation == "serializable":
        assert isinstance(error, RetryableError), error
        try:
            second_ws.update_job(job_id, title="Second", if_version=1)
        except VersionConflict as exc:
            error = exc
    assert isinstance(error, VersionConflict), error
    assert error.current == won.value == second_ws.get_job(job_id)
    updates = [e for e in second_ws.history("job", job_id).items if e.action is Action.UPDATED]
    assert [e.changes for e in updates] == [(FieldChange("title", "Fix", "First"),)]


def test_many_writers_at_one_version_exactly_one_wins_each_round(
    racing_store: PostgresStore,
) -> None:
    app = Jobtrack(racing_store, hasher=HASHER)
    ws = app.workspace(app.register(email="rounds@example.com", password=PASSWORD, name="R").id)
    job = ws.create_job(ws.add_customer("Ada").id, "Contested")
    threads, rounds = 6, 5
    for round_ in range(rounds):
        version = ws.get_job(job.id).version
        barrier = threading.Barrier(threads)

        def update(title: str, version: int = version, barrier: threading.Barrier = barrier) -> Any:
            barrier.wait(timeout=30)
            return patient(ws.update_job)(job.id, title=title, if_version=version)

        titles = [f"round {round_} writer {n}" for n in range(threads)]
        started = [in_thread(partial(update, title)) for title in titles]
        for thread, _ in started:
            thread.join()
        wins = [r.value for _, r in started if r.error is None]
        assert len(wins) == 1, [r.error for _, r in started]
        for _, result in started:
            assert result.error is None or isinstance(result.error, VersionConflict)
        assert ws.get_job(job.id) == wins[0] and wins[0].version == version + 1
    updates = [e for e in ws.history("job", job.id).items if e.action is Action.UPDATED]
    assert len(updates) == rounds


@pytest.mark.parametrize("kind", ["customer", "job"])
def test_a_create_sent_again_while_the_first_is_uncommitted_makes_one_record(
    racing_store: PostgresStore, monitor: Monitor, kind: str
) -> None:
    """A client sends the same create (its own id) on several connections while the first
    has not committed: they wait for it, and each is answered with the one record."""
    app = Jobtrack(racing_store, hasher=HASHER)
    ws = app.workspace(app.register(email="twice@example.com", password=PASSWORD, name="T").id)
    customer = ws.add_customer("Ada", id="c-first")

    @patient
    def create() -> Customer | Job:
        if kind == "customer":
            return ws.add_customer("Bob", id="k1", phone="555")
        return ws.create_job(customer.id, "Sink", id="k1", estimated_cost="10")

    others = 4
    with racing_store.transaction():
        first = create()
        started = [in_thread(create) for _ in range(others)]
        monitor.until_waiting(others)
    for thread, result in started:
        thread.join()
        assert result.error is None, result.error
        assert result.value == first
    listed = ws.list_customers() if kind == "customer" else ws.list_jobs()
    assert [r.id for r in listed].count("k1") == 1
    assert len(ws.history(kind, "k1").items) == 1  # made once, recorded once
