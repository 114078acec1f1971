"""Document numbers under concurrency: gapless, never given twice, given back by a rollback.

Two proofs. Between two connections of one process, the interleaving is forced: the second
asks for a number while the first holds one, and PostgreSQL itself reports it waiting.
Between several OS processes (``spawn``: nothing shared but the database), each issuing
invoices as fast as it can from the same moment, some of them rolling back after taking
their number: the numbers issued are then exactly 1 to n, each once. Once at the port
(``next_number``, then the invoice added, in one unit of work), and once through the
service (``Workspace.issue_invoice``).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import psycopg
import pytest

from jobtrack_core import Argon2Hasher, Jobtrack
from jobtrack_core.documents import (
    Invoice,
    InvoiceStatus,
    Line,
    Series,
    figures,
    number_for,
    period_of,
)
from jobtrack_core.entities import Customer, User
from jobtrack_core.errors import RetryableError
from jobtrack_core.queries import InvoiceFilter
from jobtrack_core.testing import strategies as js
from jobtrack_postgres import Isolation, PostgresStore

T = datetime(2025, 5, 1, tzinfo=UTC)
FORMAT = "INV-{year}-{number:04d}"
YEAR = 2025
OWNER = "owner"


@pytest.fixture
def billing_store(racing_store: PostgresStore) -> PostgresStore:
    """The racing store (at each isolation level) with the owner and its customer c1."""
    with racing_store.transaction() as uow:
        uow.users.add(
            User(
                id=OWNER,
                email="owner@example.com",
                name="Owner",
                business_name=None,
                password_hash=js.TEST_HASH,
                created_at=T,
                updated_at=T,
            )
        )
        uow.customers.add(Customer.parse({"id": "c1", "user_id": OWNER, "name": "C"} | _at(T)))
    return racing_store


def _at(t: datetime) -> dict[str, object]:
    return {"created_at": t, "updated_at": t}


_LINES = (Line.parse({"description": "Work", "quantity": "1", "unit": None, "unit_price": "10"}),)


def issued(invoice_id: str, number: int) -> Invoice:
    """An invoice of the owner issued with the number ``number`` of :data:`YEAR`."""
    made = figures(_LINES, False)
    return Invoice.parse(
        {"id": invoice_id, "user_id": OWNER, "customer_id": "c1", "kind": "invoice"}
        | {"number": number_for(FORMAT, YEAR, number), "status": "issued", "lines": _LINES}
        | {"notes": None, "currency": "EUR", "prices_include_tax": False}
        | {"subtotal": made.subtotal, "tax": made.tax, "total": made.total}
        | {"issued_on": date(YEAR, 5, 1), "due_on": date(YEAR, 5, 31)}
        | {"amount_paid": "0", "amount_credited": "0", "corrects": None}
        | {"voided_at": None, "void_reason": None}
        | _at(T)
    )


class _Undone(Exception):
    pass


def issue_one(store: PostgresStore, invoice_id: str, *, roll_back: bool = False) -> int:
    """Take the next invoice number and add the invoice with it, in one unit of work (run
    again on :class:`RetryableError`); ``roll_back``: take the number, then undo."""
    for _ in range(200):
        try:
            with store.transaction() as uow:
                number = uow.billing.next_number(OWNER, Series.INVOICE, period_of(FORMAT, YEAR))
                uow.invoices.add(issued(invoice_id, number))
                if roll_back:
                    raise _Undone
            return number
        except RetryableError:
            continue
        except _Undone:
            return 0
    raise AssertionError("never got a number")


# -- two connections, the interleaving forced ---------------------------------------------


def _waiting(url: str, count: int) -> None:
    """Return once ``count`` connections wait for a lock (PostgreSQL says so)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(2000):  # a liveness bound, not a timing assertion
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if row is not None and row[0] >= count:
                return
            time.sleep(0.005)
    raise AssertionError(f"{count} connection(s) never waited for a lock")


@pytest.mark.parametrize("first_commits", [True, False])
def test_a_number_is_held_until_the_unit_of_work_ends(
    billing_store: PostgresStore, postgres_url: str, first_commits: bool
) -> None:
    """The second unit of work asks while the first holds number 1: it waits, then gets 2
    if the first committed, or 1 again if it rolled back (at serializable it is refused
    with RetryableError, and run again)."""
    result: list[object] = []

    def second() -> None:
        try:
            result.append(issue_one(billing_store, "second"))
        except BaseException as exc:  # reported to the test
            result.append(exc)

    thread = threading.Thread(target=second)
    ending = nullcontext() if first_commits else pytest.raises(_Undone)
    with ending, billing_store.transaction() as uow:
        assert uow.billing.next_number(OWNER, Series.INVOICE, YEAR) == 1
        uow.invoices.add(issued("first", 1))
        thread.start()
        _waiting(postgres_url, 1)  # the second waits for the first to end
        if not first_commits:
            raise _Undone
    thread.join()
    assert result == [2 if first_commits else 1]
    with billing_store.transaction(write=False) as uow:
        assert uow.billing.last_numbers(OWNER) == [(Series.INVOICE, YEAR, result[0])]


# -- several processes ----------------------------------------------------------------------

PROCESSES = 4
EACH = 15


@contextmanager
def _worker_store(conninfo: str, isolation: str, worker: int, out: Any) -> Iterator[PostgresStore]:
    """A process's own store, at ``isolation``; what goes wrong with it is sent back on
    ``out`` (as its repr) before it is raised."""
    level: Isolation = "serializable" if isolation == "serializable" else "read committed"
    store = PostgresStore(conninfo, min_size=1, max_size=1, isolation=level)
    try:
        yield store
    except BaseException as exc:
        out.put((worker, repr(exc)))
        raise
    finally:
        store.close()


def _issue_many(conninfo: str, isolation: str, worker: int, start: Any, out: Any) -> None:
    """A process: wait for the others, then issue :data:`EACH` invoices as fast as it can,
    every third one rolled back after taking its number; send back the numbers kept."""
    with _worker_store(conninfo, isolation, worker, out) as store:
        start.wait()
        kept = []
        for n in range(EACH):
            number = issue_one(store, f"w{worker}-{n}", roll_back=n % 3 == 2)
            if number:
                kept.append(number)
        out.put((worker, kept))


def _race(
    target: Callable[[str, str, int, Any, Any], None], conninfo: str, isolation: Isolation
) -> dict[int, list[Any]]:
    """Run ``target`` in :data:`PROCESSES` spawned processes, released at once; what each
    sends back, by worker (each must have sent a list and ended well)."""
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(PROCESSES)
    out = spawn.Queue()
    workers = [
        spawn.Process(target=target, args=(conninfo, isolation, n, start, out))
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    try:
        results = dict(out.get(timeout=300) for _ in workers)
    finally:
        for process in workers:
            process.join(timeout=60)
    assert all(isinstance(kept, list) for kept in results.values()), results
    assert all(process.exitcode == 0 for process in workers)
    return results


def test_processes_issuing_at_once_get_consecutive_numbers(
    billing_store: PostgresStore, postgres_url: str, isolation: Isolation
) -> None:
    results = _race(_issue_many, postgres_url, isolation)
    kept = sorted(number for numbers in results.values() for number in numbers)
    committed = PROCESSES * (EACH - EACH // 3)
    assert kept == list(range(1, committed + 1))  # consecutive: no gap, no number twice
    with billing_store.transaction(write=False) as uow:
        stored = sorted(i.number or "" for i in uow.invoices.list(OWNER, InvoiceFilter()))
        assert stored == [number_for(FORMAT, YEAR, n) for n in kept]
        assert uow.billing.last_numbers(OWNER) == [(Series.INVOICE, YEAR, committed)]


# -- several processes, through the service -------------------------------------------------


def _issue_through_the_service(
    conninfo: str, isolation: str, worker: int, start: Any, out: Any
) -> None:
    """A process: make :data:`EACH` draft invoices, wait for the others, then issue them
    with ``Workspace.issue_invoice`` as fast as it can, every third one inside an
    ``atomic()`` block that then fails (the issue rolled back); send back the ids issued."""
    with _worker_store(conninfo, isolation, worker, out) as store:
        ws = Jobtrack(store, hasher=Argon2Hasher.for_tests()).workspace(OWNER)
        ids = [f"w{worker}-{n}" for n in range(EACH)]
        for invoice_id in ids:
            _again(partial(ws.create_invoice, "c1", lines=_WORK, id=invoice_id))
        start.wait()
        kept = []
        for n, invoice_id in enumerate(ids):
            if n % 3 == 2:
                with pytest.raises(_Undone):
                    _again(partial(_issue_and_undo, ws, invoice_id))
            else:
                _again(partial(ws.issue_invoice, invoice_id))
                kept.append(invoice_id)
        out.put((worker, kept))


_WORK = [{"description": "Work", "quantity": "1", "unit_price": "10"}]


def _again(call: Callable[[], object]) -> None:
    """``call()``, run again on :class:`RetryableError` (at serializable)."""
    for _ in range(200):
        try:
            call()
            return
        except RetryableError:
            continue
    raise AssertionError("never went through")


def _issue_and_undo(ws: Any, invoice_id: str) -> None:
    with ws.atomic():
        ws.issue_invoice(invoice_id)
        raise _Undone


def test_processes_issuing_through_the_workspace_get_consecutive_numbers(
    billing_store: PostgresStore, postgres_url: str, isolation: Isolation
) -> None:
    """What a business sees. (Issuing reads the account for its calendar, and a writing
    unit of work locks what it reads by id, so the workspace's issues of one business
    already take turns before they reach the counter: the proof that the counter itself
    is safe is the port-level test above, which fails with a counter read, then written.)"""
    results = _race(_issue_through_the_service, postgres_url, isolation)
    issued_ids = {i for kept in results.values() for i in kept}
    committed = PROCESSES * (EACH - EACH // 3)
    assert len(issued_ids) == committed
    with billing_store.transaction(write=False) as uow:
        invoices = uow.invoices.list(OWNER, InvoiceFilter())
        numbered = [i for i in invoices if i.number is not None]
        assert {i.id for i in numbered} == issued_ids  # the rolled back ones stay drafts
        assert all(i.status is InvoiceStatus.DRAFT for i in invoices if i.number is None)
        (year,) = {i.issued_on.year for i in numbered if i.issued_on}
        numbers = sorted(int(i.number.rsplit("-", 1)[1]) for i in numbered if i.number)
        assert numbers == list(range(1, committed + 1))  # consecutive: no gap, none twice
        assert [i.number for i in sorted(numbered, key=lambda i: i.number or "")] == [
            number_for("INV-{year}-{number:04d}", year, n) for n in numbers
        ]
        assert uow.billing.last_numbers(OWNER) == [(Series.INVOICE, year, committed)]
