"""Round trips between every pair of stores: export from one, restore into a fresh
other, export again: identical, through JSON and through CSV; a second restore
changes nothing. The accounts hold random ledgers: deposits, payments, refunds,
voids, jobs marked paid and unpaid.

PostgreSQL takes part when a server is reachable (the fixtures of
``tests/postgres``); PostgreSQL to PostgreSQL is not run, as the tests share
one database and a "fresh" store empties it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobtrack_core import Argon2Hasher, Jobtrack, JobtrackError, Workspace
from jobtrack_core.entities import PaymentMethod
from jobtrack_core.ports import Store
from jobtrack_core.testing import CountingIds, FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_interchange import Counts, export_csv, export_json, restore_csv, restore_json

from .interchange_helpers import PASSWORD, store_factory

PAIRS = [
    ("memory", "memory"),
    ("memory", "sqlite"),
    ("sqlite", "memory"),
    ("sqlite", "sqlite"),
    ("memory", "postgres"),
    ("postgres", "memory"),
    ("sqlite", "postgres"),
    ("postgres", "sqlite"),
]


@contextmanager
def _opened(factory: Callable[[], Store], clock: FakeClock, prefix: str) -> Iterator[Jobtrack]:
    store = factory()
    try:
        yield Jobtrack(store, clock=clock, ids=CountingIds(prefix), hasher=Argon2Hasher.for_tests())
    finally:
        store.close()


lifecycles = st.sampled_from(["open", "started", "completed", "cancelled", "started-cancelled"])
#: One step of a job's ledger: what, how much, how, which earlier payment (to void), a
#: reference with text a CSV cell or a spreadsheet must keep, days before today.
ledger_steps = st.tuples(
    st.sampled_from(["deposit", "payment", "refund", "void", "mark_paid", "mark_unpaid"]),
    js.amounts(Decimal(500)),
    st.sampled_from(list(PaymentMethod)),
    st.integers(0, 5),
    st.sampled_from([None, "chk 1001", "=1+1", 'slip, "2"\nback']),
    st.integers(0, 40),
)
jobs = st.tuples(
    js.job_fields(),
    st.integers(0, 3),  # which customer
    lifecycles,
    st.booleans(),  # paid
    js.optional_amounts(),  # actual cost at completion
    st.integers(1, 10**10),  # microseconds before this job
    st.lists(ledger_steps, max_size=4),
)
histories = st.tuples(
    st.lists(js.customer_fields(), min_size=1, max_size=4),
    st.lists(jobs, max_size=8),
)


def _build(app: Jobtrack, clock: FakeClock, history: Any) -> str:
    customers, job_specs = history
    user = app.register(email="owner@example.com", password=PASSWORD, name="Owner")
    ws = app.workspace(user.id)
    made = []
    for fields in customers:
        made.append(ws.add_customer(**fields))
        clock.tick()
    for fields, which, lifecycle, paid, cost, pause, steps in job_specs:
        clock.advance(microseconds=pause)
        job = ws.create_job(made[which % len(made)].id, **fields)
        if lifecycle != "open" and lifecycle != "cancelled":
            clock.tick()
            ws.start_job(job.id)
        if lifecycle == "completed":
            clock.tick()
            ws.complete_job(job.id, actual_cost=cost)
        if lifecycle.endswith("cancelled"):
            clock.tick()
            ws.cancel_job(job.id)
        if paid:
            clock.tick()
            ws.mark_paid(job.id)
        for step in steps:
            clock.tick()
            _ledger_step(ws, job.id, step)
    return user.id


def _ledger_step(ws: Workspace, job_id: str, step: Any) -> None:
    """Apply one ledger step; one the ledger refuses (a refund of more than the job
    holds, voiding what cannot be voided) changes nothing."""
    what, amount, method, which, reference, days = step
    today = ws.app.calendar.local_date(ws.app.now())
    try:
        if what in ("deposit", "payment", "refund"):
            held = ws.get_job(job_id).amount_paid
            if what == "refund" and held:  # mostly within what the job holds
                amount = min(amount, held)
            received_on = today - timedelta(days=days)
            ws.add_payment(
                job_id,
                amount,
                kind=what,
                method=method,
                reference=reference,
                received_on=received_on,
            )
        elif what == "void":
            ledger = ws.list_payments(job_id=job_id)
            if ledger:
                ws.void_payment(ledger[which % len(ledger)].id, "entered by mistake")
        elif what == "mark_paid":
            ws.mark_paid(job_id, method=method)
        else:
            ws.mark_unpaid(job_id)
    except JobtrackError:
        pass


def _json(app: Jobtrack, user_id: str) -> str:
    out = io.StringIO()
    export_json(app, user_id, out)
    return out.getvalue()


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_round_trip_is_identical(source: str, target: str, request: pytest.FixtureRequest) -> None:
    make_source, make_target = store_factory(source, request), store_factory(target, request)

    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(histories)
    def round_trip(history: Any) -> None:
        clock = FakeClock()
        with _opened(make_source, clock, "a") as first:
            user_id = _build(first, clock, history)
            exported = _json(first, user_id)
            archive = io.BytesIO()
            export_csv(first, user_id, archive)
            payments = len(first.workspace(user_id).list_payments())
            balances = first.workspace(user_id).balances()
        counts = Counts(users=1, customers=len(history[0]), jobs=len(history[1]), payments=payments)
        with _opened(make_target, clock, "b") as second:
            assert restore_json(second, io.StringIO(exported)).created == counts
            assert _json(second, user_id) == exported
            assert restore_json(second, io.StringIO(exported)).unchanged == counts
            assert second.login("owner@example.com", PASSWORD).user.id == user_id
            assert second.workspace(user_id).balances() == balances
        with _opened(make_target, clock, "c") as third:
            archive.seek(0)
            assert restore_csv(third, archive).created == counts
            assert _json(third, user_id) == exported

    round_trip()


@given(st.text())
def test_escaping_a_csv_cell_is_undone_exactly_and_leaves_no_formula(text: str) -> None:
    from jobtrack_interchange.formulas import escape_formula, unescape_formula

    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert escaped == text or escaped == "'" + text
