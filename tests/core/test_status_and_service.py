"""The state machine stated independently of its table, and the service's defaults."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from jobtrack_core import JobStatus, Jobtrack, Login, SessionPolicy
from jobtrack_core.errors import ConflictError, RetryableError, StoreError
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.retry import retrying
from jobtrack_core.status import NOT_CANCELLED, OPEN, TRANSITIONS, sql_list
from jobtrack_memory import MemoryStore

P, G, C, X = JobStatus.PENDING, JobStatus.IN_PROGRESS, JobStatus.COMPLETED, JobStatus.CANCELLED


def test_the_workflow_as_the_seed_draws_it() -> None:
    # pending -> in_progress -> completed; pending and in_progress may be cancelled.
    expected = {P: (G, X), G: (C, X), C: (), X: ()}
    assert {s: s.allowed_next for s in JobStatus} == expected
    assert [s for s in JobStatus if s.is_final] == [C, X]
    assert [s for s in JobStatus if s.is_open] == [P, G]
    assert {P, G} == OPEN and {P, G, C} == NOT_CANCELLED
    assert expected == TRANSITIONS
    assert sql_list(OPEN) == "('pending', 'in_progress')"


def test_sessions_last_a_day_and_a_token_stays_out_of_logs() -> None:
    assert SessionPolicy().lifetime == timedelta(hours=24) and SessionPolicy().idle_timeout is None
    app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    app.register(email="sam@x.com", password="correct horse", name="Sam")
    login = app.login("sam@x.com", "correct horse")
    assert isinstance(login, Login) and login.token not in repr(login)
    assert login.session.expires_at - login.session.created_at == timedelta(hours=24)


def test_retrying_runs_again_only_what_may_succeed_again() -> None:
    calls: list[int] = []

    @retrying(attempts=3, wait_initial=0, wait_max=0)
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RetryableError("database is locked")
        return "done"

    assert flaky() == "done" and len(calls) == 3
    assert issubclass(RetryableError, StoreError)

    @retrying(attempts=3, wait_initial=0, wait_max=0)
    def final() -> None:
        calls.append(1)
        raise ConflictError("email", "taken")

    calls.clear()
    with pytest.raises(ConflictError):
        final()
    assert len(calls) == 1

    @retrying(attempts=2, wait_initial=0, wait_max=0)
    def never() -> None:
        raise RetryableError("still locked")

    with pytest.raises(RetryableError):
        never()


def test_the_fakes_need_no_hypothesis() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from jobtrack_core.testing import FakeClock, CountingIds, PASSWORD\n"
        "clock = FakeClock(); clock.advance(seconds=1); print(CountingIds()())\n"
        "try:\n    from jobtrack_core.testing import StoreContract\n"
        "except ImportError:\n    print('contract needs hypothesis')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["id-1", "contract needs hypothesis"]
