"""Invoice numbers stay gapless when several processes issue invoices of one business on
one database file at the same moment: the numbers handed out are 1, 2, 3, ... with no
gap and no duplicate, even when some of the units of work that took a number roll back
(the number is handed out again)."""

from __future__ import annotations

import multiprocessing
import re
from multiprocessing.synchronize import Event
from pathlib import Path
from queue import Empty

from jobtrack_core import Jobtrack
from jobtrack_core.documents import InvoiceStatus, Series
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD
from jobtrack_sqlite import SqliteStore

PROCESSES = 4
EACH = 8
#: Every third issue of a worker is rolled back after it took its number.
UNDONE = 3


class Undo(Exception):
    """Raised inside a unit of work that issued an invoice, to roll it back."""


def issue_all(
    path: str,
    user_id: str,
    invoice_ids: list[str],
    start: Event,
    results: multiprocessing.Queue[tuple[str, str | None]],
) -> None:
    """One worker: wait for the start, then issue its invoices one by one, each in its
    own unit of work; every ``UNDONE``-th one is rolled back after it was numbered."""
    app = Jobtrack(SqliteStore(path, synchronous="NORMAL"), hasher=Argon2Hasher.for_tests())
    ws = app.workspace(user_id)
    start.wait()
    for n, invoice_id in enumerate(invoice_ids, 1):
        if n % UNDONE == 0:
            try:
                with ws.atomic():
                    ws.issue_invoice(invoice_id)
                    raise Undo
            except Undo:
                results.put((invoice_id, None))
            continue
        results.put((invoice_id, ws.issue_invoice(invoice_id).number))
    app.close()


def counted(number: str) -> int:
    """The counter's number in an invoice number of the format ``INV-{number:05d}``."""
    found = re.fullmatch(r"INV-(\d{5})", number)
    assert found is not None, number
    return int(found.group(1))


def test_processes_issuing_invoices_at_once_get_consecutive_numbers(tmp_path: Path) -> None:
    path = tmp_path / "billing.db"
    app = Jobtrack(SqliteStore(path), hasher=Argon2Hasher.for_tests())
    user = app.register(email="owner@x.co", password=PASSWORD, name="Owner")
    ws = app.workspace(user.id)
    ws.update_billing(invoice_format="INV-{number:05d}")  # one counter: never restarts
    customer = ws.add_customer("Ada")
    drafts = [
        ws.create_invoice(
            customer.id,
            lines=[{"description": f"Work {n}", "quantity": "1", "unit_price": "10"}],
            id=f"inv-{n}",
        ).id
        for n in range(PROCESSES * EACH)
    ]
    app.close()

    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    results: multiprocessing.Queue[tuple[str, str | None]] = spawn.Queue()
    workers = [
        spawn.Process(
            target=issue_all,
            args=(str(path), user.id, drafts[w * EACH : (w + 1) * EACH], start, results),
        )
        for w in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()  # all at once
    issued: dict[str, str | None] = {}
    while len(issued) < len(drafts):
        try:
            invoice_id, number = results.get(timeout=120)
        except Empty:
            raise AssertionError(f"the workers stopped after {len(issued)} invoices") from None
        issued[invoice_id] = number
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    taken = sorted(counted(number) for number in issued.values() if number is not None)
    undone = [i for i, n in issued.items() if n is None]
    assert len(undone) == PROCESSES * (EACH // UNDONE)
    assert taken == list(range(1, len(drafts) - len(undone) + 1))  # no gap, no duplicate
    with SqliteStore(path) as store, store.transaction(write=False) as uow:
        assert list(uow.billing.last_numbers(user.id)) == [(Series.INVOICE, 0, len(taken))]
        for invoice_id, number in issued.items():
            invoice = uow.invoices.get(user.id, invoice_id)
            assert invoice is not None and invoice.number == number
            assert (invoice.status is InvoiceStatus.DRAFT) == (number is None)
