"""Every question opens a read-only unit of work: on SQLite a read then never waits for
the write lock, and a store opened read-only answers it. Only changes ask to write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from jobtrack_core import Jobtrack, Workspace
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore
from jobtrack_memory.store import _UnitOfWork


class Recording(MemoryStore):
    """The memory store, noting whether each outermost unit of work asked to write."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[bool] = []

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[_UnitOfWork]:
        self.asked.append(write)
        with super().transaction(write=write) as uow:
            yield uow


def setting() -> tuple[Jobtrack, Recording, Workspace, str, str, str]:
    store = Recording()
    app = Jobtrack(store, clock=FakeClock(), ids=CountingIds(), hasher=Argon2Hasher.for_tests())
    app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    token = app.login("sam@example.com", PASSWORD).token
    ws = app.authenticate(token)
    customer = ws.add_customer("Ada").id
    job = ws.create_job(customer, "Fix").id
    return app, store, ws, token, customer, job


QUESTIONS: dict[str, Callable[[Jobtrack, Workspace, str, str, str], Any]] = {
    "workspace": lambda app, ws, token, c, j: app.workspace(ws.user_id),
    "authenticate": lambda app, ws, token, c, j: app.authenticate(token),
    "user": lambda app, ws, token, c, j: ws.user,
    "calendar": lambda app, ws, token, c, j: ws.calendar,
    "get_customer": lambda app, ws, token, c, j: ws.get_customer(c),
    "list_customers": lambda app, ws, token, c, j: ws.list_customers(),
    "get_job": lambda app, ws, token, c, j: ws.get_job(j),
    "list_jobs": lambda app, ws, token, c, j: ws.list_jobs(),
    "list_jobs_page": lambda app, ws, token, c, j: ws.list_jobs_page(),
    "revenue": lambda app, ws, token, c, j: ws.revenue(),
    "dashboard": lambda app, ws, token, c, j: ws.dashboard(),
    "revenue_between": lambda app, ws, token, c, j: ws.revenue_between("2025-01-01", "2025-02-01"),
    "revenue_by_month": lambda app, ws, token, c, j: ws.revenue_by_month(),
    "revenue_by_customer": lambda app, ws, token, c, j: ws.revenue_by_customer(),
    "revenue_by_customer_in_a_year": lambda app, ws, token, c, j: ws.revenue_by_customer(2025),
    "customer_summaries": lambda app, ws, token, c, j: ws.customer_summaries(),
    "customer_stats": lambda app, ws, token, c, j: ws.customer_stats(c),
    "customer_history": lambda app, ws, token, c, j: ws.customer_history(c),
    "search_customers": lambda app, ws, token, c, j: ws.search_customers("a"),
    "estimate_accuracy": lambda app, ws, token, c, j: ws.estimate_accuracy(),
    "job_accuracy": lambda app, ws, token, c, j: ws.job_accuracy(j),
    "reminders": lambda app, ws, token, c, j: ws.reminders(),
}


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_reads_only(question: str) -> None:
    app, store, ws, token, customer, job = setting()
    store.asked.clear()
    QUESTIONS[question](app, ws, token, customer, job)
    assert store.asked and not any(store.asked)


def test_a_login_reads_before_it_writes() -> None:
    app, store, *_ = setting()
    store.asked.clear()
    app.login("sam@example.com", PASSWORD)
    assert store.asked == [False, True]
    ws = app.workspace("id-1")
    job = ws.list_jobs()[0].id
    store.asked.clear()
    ws.mark_paid(job)
    assert store.asked == [True]
