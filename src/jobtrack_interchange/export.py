"""Export one user's data: a JSON document, or CSV files in a zip archive.

Both are written record by record to the target as they are read, inside one
read-only unit of work, so the export is a consistent snapshot and never
held whole in memory. The shape is described in :mod:`jobtrack_interchange.document`.

Password hashes: by default the account's password hash is exported (an
argon2id PHC string, or a protected MyJobTrack hash; never a password), so
that an import elsewhere lets the user log in as before. Pass
``include_password_hash=False`` for an export meant for other eyes; such a
file cannot restore the account, but can be imported into an account.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from jobtrack_core.documents import BillingSettings, Invoice, Quote
from jobtrack_core.entities import Customer, HistoryEntry, Job, Payment, User
from jobtrack_core.errors import NotFoundError
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.queries import (
    ActivityFilter,
    InvoiceFilter,
    JobFilter,
    PaymentFilter,
    QuoteFilter,
)
from jobtrack_core.service import Jobtrack
from jobtrack_interchange._writing import PROGRESS_EVERY, Progress
from jobtrack_interchange.converter import FORMAT, unstructure
from jobtrack_interchange.document import (
    ACCOUNT_COLUMNS,
    ACCOUNT_CSV,
    BILLING_COLUMNS,
    BILLING_CSV,
    CUSTOMER_COLUMNS,
    CUSTOMERS_CSV,
    HISTORY_COLUMNS,
    HISTORY_CSV,
    INVOICE_COLUMNS,
    INVOICE_LINE_COLUMNS,
    INVOICE_LINES_CSV,
    INVOICES_CSV,
    JOB_COLUMNS,
    JOBS_CSV,
    MANIFEST,
    NUMBER_COLUMNS,
    NUMBERS_CSV,
    PAYMENT_COLUMNS,
    PAYMENTS_CSV,
    QUOTE_COLUMNS,
    QUOTE_LINE_COLUMNS,
    QUOTE_LINES_CSV,
    QUOTES_CSV,
    AccountRecord,
    NumberRecord,
)
from jobtrack_interchange.formulas import Formulas, escape_formula
from jobtrack_interchange.report import Counts

PathLike = str | os.PathLike[str]


def _customers(uow: UnitOfWork, owner_id: str) -> Iterable[Customer]:
    return uow.customers.list(owner_id)


#: Jobs are read this many at a time, so an export holds one chunk in memory.
CHUNK = 1000


def _jobs(uow: UnitOfWork, owner_id: str) -> Iterator[Job]:
    """Every job of the owner, newest first (the listing order), a chunk at a time."""
    try:
        reports = uow.reports
    except AttributeError:  # a store that does not offer keyset pages yet
        yield from uow.jobs.list(owner_id, JobFilter())
        return
    everything = JobFilter()
    after: JobPosition | None = None
    while True:
        page = reports.jobs_page(owner_id, everything, JobSort.NEWEST, after, CHUNK)
        yield from page
        if len(page) < CHUNK:
            return
        after = JobPosition.of(JobSort.NEWEST, page[-1])


def _payments(uow: UnitOfWork, owner_id: str) -> Iterable[Payment]:
    """The owner's whole ledger, voided payments included, in the order received."""
    return uow.payments.list(owner_id, PaymentFilter())


def _settings(uow: UnitOfWork, owner_id: str) -> BillingSettings | None:
    """The owner's billing settings, None when never saved (or the store keeps none)."""
    try:
        billing = uow.billing
    except AttributeError:  # a store without billing yet
        return None
    return billing.get(owner_id)


def _numbers(uow: UnitOfWork, owner_id: str) -> list[NumberRecord]:
    """The owner's number counters, by series and period."""
    try:
        billing = uow.billing
    except AttributeError:
        return []
    return [NumberRecord(s, p, n) for s, p, n in billing.last_numbers(owner_id)]


def _quotes(uow: UnitOfWork, owner_id: str) -> Sequence[Quote]:
    """The owner's quotes, newest first."""
    try:
        quotes = uow.quotes
    except AttributeError:
        return []
    return quotes.list(owner_id, QuoteFilter())


def _invoices(uow: UnitOfWork, owner_id: str) -> Sequence[Invoice]:
    """The owner's invoices and credit notes, newest first."""
    try:
        invoices = uow.invoices
    except AttributeError:
        return []
    return invoices.list(owner_id, InvoiceFilter())


def _history(uow: UnitOfWork, owner_id: str) -> Iterator[HistoryEntry]:
    """Every change the owner's history keeps, newest first, a chunk at a time."""
    before: int | None = None
    while True:
        page = uow.history.activity(owner_id, ActivityFilter(), before, CHUNK)
        yield from page
        if len(page) < CHUNK:
            return
        before = page[-1].seq


def _history_row(entry: HistoryEntry) -> dict[str, Any]:
    """A change as a CSV row: its list of field changes as JSON in one cell."""
    row: dict[str, Any] = unstructure(entry)
    row["changes"] = json.dumps(row["changes"], ensure_ascii=False)
    return row


def _settings_rows(settings: BillingSettings | None) -> list[dict[str, Any]]:
    """The billing settings as CSV rows (none when never saved): the tax rates as JSON."""
    if settings is None:
        return []
    row: dict[str, Any] = unstructure(settings)
    row["tax_rates"] = json.dumps(row["tax_rates"], ensure_ascii=False)
    return [row]


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    """An invoice as a row of invoices.csv: its fields but its lines, and its balance."""
    row: dict[str, Any] = unstructure(invoice)
    del row["lines"]
    row["balance"] = unstructure(invoice.balance)
    return row


def _line_rows(documents: Iterable[Quote | Invoice], key: str) -> Iterator[dict[str, Any]]:
    """Each line of each document as a row naming it (``key``) and its place."""
    for document in documents:
        for position, line in enumerate(document.lines, start=1):
            yield {key: document.id, "position": position, **unstructure(line)}


@contextmanager
def _replacing(path: PathLike, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    """Write next to ``path`` and move into place only when complete."""
    final = Path(path)
    partial = final.with_name(final.name + ".partial")
    try:
        with open(partial, mode, **kwargs) as handle:
            yield handle
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _snapshot(app: Jobtrack, user_id: str) -> Iterator[tuple[UnitOfWork, User, datetime]]:
    with app.store.transaction(write=False) as uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFoundError("user", user_id)
        yield uow, user, app.now()


def account_data(user: User, *, include_password_hash: bool) -> dict[str, Any]:
    """The account as an export holds it (without ``password_hash``, if not included)."""
    record: dict[str, Any] = unstructure(
        AccountRecord.of(user, include_password_hash=include_password_hash)
    )
    if not include_password_hash:
        del record["password_hash"]
    return record


def _line(record: Any) -> str:
    return json.dumps(unstructure(record), ensure_ascii=False)


def _write_array(
    out: IO[str], records: Iterable[Any], stage: str, progress: Progress | None
) -> int:
    count = 0
    for record in records:
        out.write(("\n  " if count == 0 else ",\n  ") + _line(record))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(stage, count)
    out.write("\n ]" if count else "]")
    return count


def write_json(
    app: Jobtrack,
    user_id: str,
    out: IO[str],
    *,
    include_password_hash: bool = True,
    progress: Progress | None = None,
) -> Counts:
    """Write the export of ``user_id`` to the text stream ``out``; see :func:`export_json`."""
    with _snapshot(app, user_id) as (uow, user, now):
        out.write('{"format": ' + json.dumps(FORMAT) + ",\n")
        out.write(' "exported_at": ' + json.dumps(unstructure(now)) + ",\n")
        account = json.dumps(
            account_data(user, include_password_hash=include_password_hash), ensure_ascii=False
        )
        out.write(' "account": ' + account + ",\n")
        out.write(' "billing": ' + _line(_settings(uow, user_id)) + ",\n")
        out.write(' "numbers": [')
        _write_array(out, _numbers(uow, user_id), "numbers", None)
        out.write(',\n "customers": [')
        customers = _write_array(out, _customers(uow, user_id), "customers", progress)
        out.write(',\n "jobs": [')
        jobs = _write_array(out, _jobs(uow, user_id), "jobs", progress)
        out.write(',\n "quotes": [')
        quotes = _write_array(out, _quotes(uow, user_id), "quotes", progress)
        out.write(',\n "invoices": [')
        invoices = _write_array(out, _invoices(uow, user_id), "invoices", progress)
        out.write(',\n "payments": [')
        payments = _write_array(out, _payments(uow, user_id), "payments", progress)
        out.write(',\n "history": [')
        _write_array(out, _history(uow, user_id), "history", progress)
        out.write(',\n "kept_from": ' + json.dumps(uow.history.kept_from(user_id)))
        out.write("\n}\n")
    return Counts(1, customers, jobs, payments, quotes, invoices)


def export_json(
    app: Jobtrack,
    user_id: str,
    target: PathLike | IO[str],
    *,
    include_password_hash: bool = True,
    progress: Progress | None = None,
) -> Counts:
    """Export all of ``user_id``'s data, its payments, billing (settings, numbers, quotes,
    invoices and credit notes) and history included, as a ``jobtrack/5`` JSON document.

    ``target`` is a path (written to a ``.partial`` file first and moved into
    place when complete) or a text stream. Returns what was written.
    Raises NotFoundError if the user does not exist.

    >>> import io
    >>> from jobtrack_core import Argon2Hasher
    >>> from jobtrack_memory import MemoryStore
    >>> app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    >>> user = app.register(email="sam@example.com", password="correct horse", name="Sam")
    >>> out = io.StringIO()
    >>> export_json(app, user.id, out, include_password_hash=False)
    Counts(users=1, customers=0, jobs=0, payments=0, quotes=0, invoices=0)
    >>> json.loads(out.getvalue())["format"]
    'jobtrack/5'
    """
    if isinstance(target, str | os.PathLike):
        with _replacing(target, "w", encoding="utf-8", newline="\n") as out:
            return write_json(
                app, user_id, out, include_password_hash=include_password_hash, progress=progress
            )
    return write_json(
        app, user_id, target, include_password_hash=include_password_hash, progress=progress
    )


def csv_cell(value: Any) -> str:
    """One JSON-ready value as a CSV cell: null is empty, booleans ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_table(
    archive: zipfile.ZipFile,
    name: str,
    when: datetime,
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
    progress: Progress | None,
    formulas: Formulas,
) -> int:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    escape = formulas is Formulas.ESCAPE
    count = 0
    with archive.open(info, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        # Lines end in CRLF (RFC 4180), so that the writer quotes every cell holding a
        # CR or an LF: with LF alone, a cell holding a lone CR was written bare and
        # read back as two rows.
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            cells = [csv_cell(row.get(column)) for column in columns]
            writer.writerow([escape_formula(c) for c in cells] if escape else cells)
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(name, count)
        text.flush()
        text.detach()
    return count


def write_csv(
    app: Jobtrack,
    user_id: str,
    out: IO[bytes],
    *,
    include_password_hash: bool = True,
    progress: Progress | None = None,
    formulas: Formulas | str = Formulas.ESCAPE,
) -> Counts:
    """Write the CSV export of ``user_id`` as a zip archive to the binary stream ``out``."""
    policy = Formulas.of(formulas)
    with _snapshot(app, user_id) as (uow, user, now), zipfile.ZipFile(out, "w") as archive:
        manifest = {
            "format": FORMAT,
            "exported_at": unstructure(now),
            "formulas": policy.value,
            "kept_from": uow.history.kept_from(user_id),
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=now.timetuple()[:6])
        archive.writestr(info, json.dumps(manifest, indent=1) + "\n")
        columns = ACCOUNT_COLUMNS if include_password_hash else ACCOUNT_COLUMNS[:-1]
        account = [account_data(user, include_password_hash=include_password_hash)]
        _write_table(archive, ACCOUNT_CSV, now, columns, account, None, policy)
        settings = _settings_rows(_settings(uow, user_id))
        _write_table(archive, BILLING_CSV, now, BILLING_COLUMNS, settings, None, policy)
        numbers = (unstructure(n) for n in _numbers(uow, user_id))
        _write_table(archive, NUMBERS_CSV, now, NUMBER_COLUMNS, numbers, None, policy)
        customers = _write_table(
            archive,
            CUSTOMERS_CSV,
            now,
            CUSTOMER_COLUMNS,
            (unstructure(c) for c in _customers(uow, user_id)),
            progress,
            policy,
        )
        jobs = _write_table(
            archive,
            JOBS_CSV,
            now,
            JOB_COLUMNS,
            (unstructure(j) for j in _jobs(uow, user_id)),
            progress,
            policy,
        )
        found = _quotes(uow, user_id)
        rows = ({k: v for k, v in unstructure(q).items() if k != "lines"} for q in found)
        quotes = _write_table(archive, QUOTES_CSV, now, QUOTE_COLUMNS, rows, progress, policy)
        lines = _line_rows(found, "quote_id")
        _write_table(archive, QUOTE_LINES_CSV, now, QUOTE_LINE_COLUMNS, lines, progress, policy)
        billed = _invoices(uow, user_id)
        rows = (_invoice_row(i) for i in billed)
        invoices = _write_table(archive, INVOICES_CSV, now, INVOICE_COLUMNS, rows, progress, policy)
        lines = _line_rows(billed, "invoice_id")
        _write_table(archive, INVOICE_LINES_CSV, now, INVOICE_LINE_COLUMNS, lines, progress, policy)
        payments = _write_table(
            archive,
            PAYMENTS_CSV,
            now,
            PAYMENT_COLUMNS,
            (unstructure(p) for p in _payments(uow, user_id)),
            progress,
            policy,
        )
        rows = (_history_row(entry) for entry in _history(uow, user_id))
        _write_table(archive, HISTORY_CSV, now, HISTORY_COLUMNS, rows, progress, policy)
    return Counts(1, customers, jobs, payments, quotes, invoices)


def export_csv(
    app: Jobtrack,
    user_id: str,
    target: PathLike | IO[bytes],
    *,
    include_password_hash: bool = True,
    progress: Progress | None = None,
    formulas: Formulas | str = Formulas.ESCAPE,
) -> Counts:
    """Export all of ``user_id``'s data, its payments, billing and history included, as
    CSV tables in one zip archive (``invoices.csv`` showing each invoice's balance).

    ``target`` is a path (conventionally ``*.zip``) or a binary stream.
    A cell that a spreadsheet would run as a formula (it starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) is written with a single
    quote in front; ``formulas="keep"`` writes every cell as it is
    (:mod:`jobtrack_interchange.formulas`). Either way :func:`import_csv`
    reads back exactly what was exported.
    """
    options: dict[str, Any] = {
        "include_password_hash": include_password_hash,
        "progress": progress,
        "formulas": Formulas.of(formulas),
    }
    if isinstance(target, str | os.PathLike):
        with _replacing(target, "wb") as out:
            return write_csv(app, user_id, out, **options)
    return write_csv(app, user_id, target, **options)


__all__ = ["csv_cell", "export_csv", "export_json", "write_csv", "write_json"]
