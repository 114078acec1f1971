"""Import jobtrack's own exports (JSON or CSV zip) into any store.

There are two ways in, and neither can change another account:

- **into my account** (:func:`import_json`, :func:`import_csv`): the file's
  customers and jobs go into the account of the workspace given, whoever the
  file's account was; that account's profile, calendar and password are never
  touched. Ids are per account, so two businesses can import files with the same
  ids;
- **restoring an account** (:func:`restore_json`, :func:`restore_csv`): the file's
  account is created in the store with its id, email and password hash, then its
  records. An account that already exists is never changed: restoring over it is
  refused, unless it is the very same account (same id, email and password hash:
  a restore run again), whose records are then imported as into my account.

An import keeps every id, time, status and payment exactly as exported, so a
round trip between stores is lossless.

Payments travel with their jobs. A document's payments must each be for one of its
jobs, and each job's ``amount_paid`` must be what its payments add up to (refunds
subtracted, voided ones left out), its ``paid`` what
:func:`~jobtrack_core.entities.covered` says: a document that breaks either is refused
whole, naming the job.

Quotes and invoices (``jobtrack/5``) come back exactly: number, lines, totals, dates and
money. Each is checked by its own rules when it is read (its totals must be what its
lines make), and as a whole with the rest of the file: each payment naming an invoice
names one of the file's, each invoice holds (``amount_paid``) what the payments naming it
add up to and (``amount_credited``) what its credit notes add up to, each credit note
corrects an invoice of the file, and no number appears twice in a series; a document that
breaks any of this is refused whole, naming the row. A payment to an invoice that pays
none of its jobs travels with the invoice. Restoring puts back the business's billing
settings and its number counters, so that the next number follows on from the last one
used; importing into an account raises its counters likewise (never lowering one).

A document older than ``jobtrack/4`` holds no payments: each of its paid jobs with a
cost holds its cost, and is given one payment of it when it is added
(:func:`~jobtrack_core.ledger.opening_payment`, in the account's calendar). A document
older than ``jobtrack/5`` holds no billing: the account's is left as it is.

History: a restore puts the account's history back as exported (its numbers, and
where a change feed may continue), and every record keeps its version, so that a
client's cursor means the same after the restore. An import into my account keeps
the history of my account, not the file's: each record it creates is recorded as
created and each it replaces as updated (one version on), from the source
``import``; the file's records with no history (a ``jobtrack/1`` or ``jobtrack/2``
document, or a restore into an account that exists) are recorded likewise.

It is all-or-nothing: the whole file is checked first, then written in one unit of
work, and any problem leaves the store as it was. It is idempotent: a record
already stored with the same content (whatever its version) is counted as
unchanged, never duplicated, and records nothing. A record whose id exists with different
content is handled by ``on_conflict`` (:class:`OnConflict`); records in the store
that the file does not mention are left alone. A job and its payments are one record
for this: they differ when the job or any of its payments does, or when either side
holds a payment the other lacks; ``keep`` leaves the job and its payments as stored,
``replace`` adds the file's new payments and replaces the changed ones (one version
on), and is refused when the stored job holds a payment the file lacks, as an import
never deletes a payment.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import attrs

from jobtrack_core.documents import BillingSettings, Invoice, InvoiceKind, Quote, Series
from jobtrack_core.entities import Customer, HistoryEntry, Job, Payment, RecordKind, User
from jobtrack_core.errors import ConflictError, FieldError, ValidationError
from jobtrack_core.fields import Problem, Text, rules_of
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import cost_problem, format_problem
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace
from jobtrack_interchange._writing import Progress, Writer, import_transaction
from jobtrack_interchange.converter import read_json, structure, unstructure
from jobtrack_interchange.document import (
    ACCOUNT_COLUMNS,
    ACCOUNT_CSV,
    BILLING_COLUMNS,
    BILLING_CSV,
    CUSTOMER_COLUMNS,
    CUSTOMERS_CSV,
    FORMAT,
    HISTORY_COLUMNS,
    HISTORY_CSV,
    INVOICE_COLUMNS,
    INVOICE_LINE_COLUMNS,
    INVOICE_LINES_CSV,
    INVOICES_CSV,
    JOB_COLUMNS,
    JOBS_CSV,
    KEPT_FROM,
    MANIFEST,
    NUMBER_COLUMNS,
    NUMBERS_CSV,
    PAYMENT_COLUMNS,
    PAYMENTS_CSV,
    QUOTE_COLUMNS,
    QUOTE_LINE_COLUMNS,
    QUOTE_LINES_CSV,
    QUOTES_CSV,
    READABLE,
    WITHOUT_BILLING,
    WITHOUT_PAYMENTS,
    AccountRecord,
    ExportDocument,
)
from jobtrack_interchange.export import account_data
from jobtrack_interchange.formulas import Formulas, unescape_formula
from jobtrack_interchange.report import ImportReport, OnConflict, ReportBuilder

PathLike = str | os.PathLike[str]
#: At most this many problems are listed when a file is refused.
MAX_LISTED_ERRORS = 100


def refuse(errors: list[FieldError]) -> None:
    """Raise one ValidationError for ``errors`` (listing at most MAX_LISTED_ERRORS)."""
    if not errors:
        return
    if len(errors) > MAX_LISTED_ERRORS:
        rest = len(errors) - MAX_LISTED_ERRORS
        errors = [*errors[:MAX_LISTED_ERRORS], FieldError("file", f"and {rest} more problems")]
    raise ValidationError(errors)


def read_document(data: object) -> ExportDocument:
    """Structure parsed JSON as a jobtrack export, or raise ValidationError. Every
    record is cleaned and checked by the rules of its fields."""
    if not isinstance(data, Mapping):
        raise ValidationError.single("file", "must be a JSON object (a jobtrack export)")
    found = data.get("format")
    if found not in READABLE:
        hint = ""
        if found is None and "customers" in data and "account" not in data:
            hint = "; this looks like a MyJobTrack backup: use import_myjobtrack_backup"
        readable = ", ".join(repr(r) for r in READABLE[:-1]) + f" or {READABLE[-1]!r}"
        raise ValidationError.single("format", f"must be {readable}, not {found!r}{hint}")
    if found in WITHOUT_BILLING:
        for name in ("billing", "numbers", "quotes", "invoices"):
            if name in data:
                raise ValidationError.single(
                    name, f"are not part of a {found} document (jobtrack/5 on)"
                )
    if found in WITHOUT_PAYMENTS:
        data = _before_the_ledger(data, found)
    return structure(data, ExportDocument)


def _has_cost(value: object) -> bool:
    """Whether a job's ``actual_cost`` as a document gives it is a cost (not nothing or
    0); a value that is no amount is left for the rules to name."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return False
    try:
        return Decimal(value.strip() if isinstance(value, str) else value) != 0
    except InvalidOperation:
        return False


def _before_the_ledger(data: Mapping[str, Any], found: str) -> Mapping[str, Any]:
    """A document of a format before payments, as the ledger sees it: each paid job with
    a cost holds its cost (``amount_paid``), which its opening payment will stand for."""
    if "payments" in data:
        raise ValidationError.single("payments", f"are not part of a {found} document")
    jobs = data.get("jobs")
    if not isinstance(jobs, list):
        return data
    held = []
    for i, raw in enumerate(jobs):
        if isinstance(raw, Mapping) and "amount_paid" in raw:
            raise ValidationError.single(
                f"jobs[{i}].amount_paid", f"is not part of a {found} document (jobtrack/4 on)"
            )
        if (
            isinstance(raw, Mapping)
            and raw.get("paid") is True
            and _has_cost(raw.get("actual_cost"))
        ):
            raw = {**raw, "amount_paid": raw["actual_cost"]}
        held.append(raw)
    return {**data, "jobs": held}


@attrs.frozen
class _Records:
    customers: list[Customer]
    jobs: list[Job]
    history: list[HistoryEntry]
    kept_from: int
    #: Each job's payments (by job id), in the order the file gives them.
    payments: Mapping[str, list[Payment]] = attrs.field(factory=dict)
    #: The file keeps each job's payments (False: a format before the ledger).
    ledgers: bool = True
    billing: BillingSettings | None = None
    numbers: list[tuple[Series, int, int]] = attrs.field(factory=list)
    quotes: list[Quote] = attrs.field(factory=list)
    invoices: list[Invoice] = attrs.field(factory=list)
    #: The payments made to each invoice (by its id) that pay none of its jobs.
    invoice_payments: Mapping[str, list[Payment]] = attrs.field(factory=dict)

    def known(self) -> frozenset[tuple[RecordKind, str]]:
        """The records the history speaks of."""
        return frozenset((entry.kind, entry.record_id) for entry in self.history)


def _checked_history(doc: ExportDocument) -> list[FieldError]:
    """Problems of the document's history: each change is the account's, each number
    appears once."""
    errors: list[FieldError] = []
    try:
        KEPT_FROM.clean(doc.kept_from)
    except Problem as problem:
        errors.append(FieldError("kept_from", str(problem)))
    seen: set[int] = set()
    for i, entry in enumerate(doc.history):
        if entry.owner_id != doc.account.id:
            errors.append(
                FieldError(f"history[{i}].owner_id", f"must be the account's id {doc.account.id!r}")
            )
        if entry.seq in seen:
            errors.append(FieldError(f"history[{i}].seq", f"{entry.seq} appears twice"))
        seen.add(entry.seq)
    return errors


def _checked(data: Mapping[str, Any], doc: ExportDocument, report: ReportBuilder) -> _Records:
    """The document's records, checked as a whole (each belongs to the file's account,
    each id appears once; so does each change of its history); every value the rules
    changed on the way in is reported."""
    errors = _checked_history(doc)
    account = doc.account
    _report_cleaning(report, "user", account.id, data["account"], account)
    kinds: tuple[tuple[str, str, Sequence[Any]], ...] = (
        ("customer", "customers", doc.customers),
        ("job", "jobs", doc.jobs),
        ("quote", "quotes", doc.quotes),
        ("invoice", "invoices", doc.invoices),
    )
    for kind, table, records in kinds:
        seen: set[str] = set()
        for i, found in enumerate(records):
            path = f"{table}[{i}]"
            if found.user_id != account.id:
                errors.append(
                    FieldError(f"{path}.user_id", f"must be the account's id {account.id!r}")
                )
            if found.id in seen:
                errors.append(FieldError(f"{path}.id", f"{found.id!r} appears twice"))
            seen.add(found.id)
            _report_cleaning(report, kind, found.id, data[table][i], found)
    payments = _checked_ledger(data, doc, report, errors)
    invoice_payments = _checked_billing(doc, errors)
    refuse(errors)
    history = sorted(doc.history, key=lambda entry: entry.seq)
    return _Records(
        list(doc.customers),
        list(doc.jobs),
        history,
        doc.kept_from,
        payments,
        ledgers=doc.format not in WITHOUT_PAYMENTS,
        billing=doc.billing,
        numbers=[(n.series, n.period, n.last) for n in doc.numbers],
        quotes=list(doc.quotes),
        invoices=list(doc.invoices),
        invoice_payments=invoice_payments,
    )


def _checked_ledger(
    data: Mapping[str, Any], doc: ExportDocument, report: ReportBuilder, errors: list[FieldError]
) -> dict[str, list[Payment]]:
    """The document's payments by job, checked: each is the account's, appears once and
    is for a job of the file, and each job holds (``amount_paid``) what its payments add
    up to. Problems are added to ``errors``."""
    jobs = {job.id for job in doc.jobs}
    by_job: dict[str, list[Payment]] = defaultdict(list)
    seen: set[str] = set()
    for i, payment in enumerate(doc.payments):
        path = f"payments[{i}]"
        if payment.user_id != doc.account.id:
            errors.append(
                FieldError(f"{path}.user_id", f"must be the account's id {doc.account.id!r}")
            )
        if payment.id in seen:
            errors.append(FieldError(f"{path}.id", f"{payment.id!r} appears twice"))
        seen.add(payment.id)
        if payment.job_id is None:
            pass  # a payment to an invoice for none of its jobs: see _checked_billing
        elif payment.job_id not in jobs:
            errors.append(FieldError(f"{path}.job_id", f"no job {payment.job_id!r} in the file"))
        else:
            by_job[payment.job_id].append(payment)
        _report_cleaning(report, "payment", payment.id, data["payments"][i], payment)
    for i, job in enumerate(doc.jobs):
        total = sum((p.signed for p in by_job.get(job.id, ())), ZERO)
        if job.amount_paid != total and doc.format not in WITHOUT_PAYMENTS:
            errors.append(
                FieldError(
                    f"jobs[{i}].amount_paid",
                    f"is {job.amount_paid}, but the job's payments in the file come to {total} "
                    "(refunds subtracted, voided ones left out)",
                )
            )
    return dict(by_job)


def _checked_billing(doc: ExportDocument, errors: list[FieldError]) -> dict[str, list[Payment]]:
    """Check the document's billing as a whole (problems added to ``errors``): the
    settings are the account's, each counter appears once, each number once in its
    series, each credit note corrects an invoice of the file, each invoice holds what
    the payments naming it and the credit notes correcting it add up to. Returns the
    payments made to each invoice that pay none of its jobs."""
    account = doc.account.id
    if doc.billing is not None and doc.billing.user_id != account:
        errors.append(FieldError("billing.user_id", f"must be the account's id {account!r}"))
    counters: set[tuple[Series, int]] = set()
    for i, counter in enumerate(doc.numbers):
        if (counter.series, counter.period) in counters:
            errors.append(
                FieldError(
                    f"numbers[{i}]", f"{counter.series.value} {counter.period} appears twice"
                )
            )
        counters.add((counter.series, counter.period))
    numbers: set[tuple[str, str]] = set()
    tables: tuple[tuple[str, Sequence[Quote | Invoice]], ...] = (
        ("quotes", doc.quotes),
        ("invoices", doc.invoices),
    )
    for table, documents in tables:
        for i, made in enumerate(documents):
            series = getattr(made, "kind", "quote")
            if made.number is not None and (series, made.number) in numbers:
                errors.append(FieldError(f"{table}[{i}].number", f"{made.number!r} appears twice"))
            numbers.add((series, made.number or ""))
    invoices = {i.id: i for i in doc.invoices}
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unbilled: dict[str, list[Payment]] = defaultdict(list)
    for i, payment in enumerate(doc.payments):
        if payment.invoice_id is None:
            continue
        found = invoices.get(payment.invoice_id)
        if found is None or found.kind is not InvoiceKind.INVOICE:
            errors.append(
                FieldError(
                    f"payments[{i}].invoice_id", f"no invoice {payment.invoice_id!r} in the file"
                )
            )
            continue
        paid[found.id] += payment.signed
        if payment.job_id is None:
            unbilled[found.id].append(payment)
        elif payment.job_id not in found.job_ids:
            errors.append(
                FieldError(
                    f"payments[{i}].job_id",
                    f"job {payment.job_id!r} is not billed by invoice {found.id!r}",
                )
            )
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for i, made in enumerate(doc.invoices):
        if made.corrects is None:
            continue
        corrected = invoices.get(made.corrects)
        if corrected is None or corrected.kind is not InvoiceKind.INVOICE:
            errors.append(
                FieldError(f"invoices[{i}].corrects", f"no invoice {made.corrects!r} in the file")
            )
        else:
            credited[corrected.id] += made.total
    for i, made in enumerate(doc.invoices):
        if made.kind is not InvoiceKind.INVOICE:
            continue
        if made.amount_paid != paid[made.id]:
            errors.append(
                FieldError(
                    f"invoices[{i}].amount_paid",
                    f"is {made.amount_paid}, but the payments naming it in the file come to "
                    f"{paid[made.id]} (refunds subtracted, voided ones left out)",
                )
            )
        if made.amount_credited != credited[made.id]:
            errors.append(
                FieldError(
                    f"invoices[{i}].amount_credited",
                    f"is {made.amount_credited}, but the credit notes correcting it in the "
                    f"file come to {credited[made.id]}",
                )
            )
    return dict(unbilled)


def _report_cleaning(report: ReportBuilder, kind: str, id: str, raw: object, made: Any) -> None:
    """Report the text the rules changed on the way in (trimmed, empty text kept as
    null, an email lower-cased): what ``raw`` said and ``made`` holds."""
    if not isinstance(raw, Mapping):
        return
    texts = [name for name, of in rules_of(type(made)).items() if isinstance(of, Text)]
    given = {name: raw[name] for name in texts if name in raw}
    report.cleaned(kind, id, given, {name: getattr(made, name) for name in given})


def _write_records(writer: Writer, uow: UnitOfWork, owner_id: str, records: _Records) -> None:
    if records.billing is not None:
        writer.settings(attrs.evolve(records.billing, user_id=owner_id))
    if records.numbers:
        writer.numbers(owner_id, records.numbers)
    for customer in records.customers:
        writer.customer(attrs.evolve(customer, user_id=owner_id))
    in_file = {c.id for c in records.customers}
    missing: list[FieldError] = []
    for i, job in enumerate(records.jobs):
        if job.customer_id not in in_file and uow.customers.get(owner_id, job.customer_id) is None:
            missing.append(
                FieldError(
                    f"jobs[{i}].customer_id",
                    f"no customer {job.customer_id!r} in the file or in the account",
                )
            )
            continue
        payments = [attrs.evolve(p, user_id=owner_id) for p in records.payments.get(job.id, ())]
        writer.job(attrs.evolve(job, user_id=owner_id), payments)
    refuse(missing)
    _write_billed(writer, uow, owner_id, records, in_file)
    writer.finish()


def _write_billed(
    writer: Writer, uow: UnitOfWork, owner_id: str, records: _Records, customers: set[str]
) -> None:
    """Write the quotes, then the invoices (before the credit notes correcting them),
    each with the payments that travel with it; refused whole (naming the row) when one
    names a customer or a job neither in the file nor in the account."""
    jobs = {j.id for j in records.jobs}
    missing: list[FieldError] = []

    def check(path: str, made: Quote | Invoice) -> bool:
        problems = []
        if (
            made.customer_id not in customers
            and uow.customers.get(owner_id, made.customer_id) is None
        ):
            problems.append(
                FieldError(
                    f"{path}.customer_id",
                    f"no customer {made.customer_id!r} in the file or in the account",
                )
            )
        named = {(line.job_id, "lines") for line in made.lines if line.job_id is not None}
        if isinstance(made, Quote) and made.job_id is not None:
            named.add((made.job_id, "job_id"))
        for job_id, field in sorted(named):
            if job_id not in jobs and uow.jobs.get(owner_id, job_id) is None:
                problems.append(
                    FieldError(
                        f"{path}.{field}", f"no job {job_id!r} in the file or in the account"
                    )
                )
        missing.extend(problems)
        return not problems

    for i, quote in enumerate(records.quotes):
        if check(f"quotes[{i}]", quote):
            writer.quote(attrs.evolve(quote, user_id=owner_id))
    credit_notes_last = sorted(
        enumerate(records.invoices), key=lambda made: made[1].kind is InvoiceKind.CREDIT_NOTE
    )
    for i, invoice in credit_notes_last:
        if check(f"invoices[{i}]", invoice):
            paid = records.invoice_payments.get(invoice.id, ())
            writer.invoice(
                attrs.evolve(invoice, user_id=owner_id),
                [attrs.evolve(p, user_id=owner_id) for p in paid],
            )
    refuse(missing)


def _read(data: object, source: str) -> tuple[ExportDocument, _Records, ReportBuilder]:
    """A parsed export checked as a whole, and the report its import starts."""
    report = ReportBuilder(source)
    doc = read_document(data)
    assert isinstance(data, Mapping)
    return doc, _checked(data, doc, report), report


def import_document(
    workspace: Workspace,
    data: object,
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = FORMAT,
) -> ImportReport:
    """Import an already parsed export into ``workspace``'s account (see :func:`import_json`)."""
    _workspace(workspace, "import_document", "restore_document")
    policy = OnConflict.of(on_conflict)
    doc, records, report = _read(data, source)
    owner = workspace.user_id
    if doc.account.id != owner:
        report.notice(
            "user",
            owner,
            f"the records of the file's account ({doc.account.email}) were imported into "
            "this account; its profile, calendar and password were left as they are, and "
            "so was its history of changes: this account's history records the import",
        )
    app = workspace.app
    with import_transaction(app, dry_run=dry_run) as uow:
        report.user_ids.append(owner)
        writer = Writer(app, uow, report, policy, progress=progress, ledgers=records.ledgers)
        _write_records(writer, uow, owner, records)
    return report.build(dry_run=dry_run)


def import_records(
    workspace: Workspace,
    customers: Iterable[Customer],
    jobs: Iterable[Job],
    payments: Iterable[Payment] = (),
    quotes: Iterable[Quote] = (),
    invoices: Iterable[Invoice] = (),
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
) -> ImportReport:
    """Import customers, jobs and their payments, quotes and invoices made in code (of
    ``workspace``'s account) into it, as an export holding them is imported (see
    :func:`import_json`): checked as a whole (each job and each invoice holding what its
    payments add up to), written in one unit of work, recorded in the history as
    imported."""
    _workspace(workspace, "import_records", "restore_document")
    document = {
        "format": FORMAT,
        "exported_at": unstructure(workspace.app.now()),
        "account": account_data(workspace.user, include_password_hash=False),
        "customers": unstructure(list(customers)),
        "jobs": unstructure(list(jobs)),
        "payments": unstructure(list(payments)),
        "quotes": unstructure(list(quotes)),
        "invoices": unstructure(list(invoices)),
    }
    return import_document(
        workspace, document, on_conflict=on_conflict, dry_run=dry_run, source="records"
    )


def restore_document(
    app: Jobtrack,
    data: object,
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = FORMAT,
) -> ImportReport:
    """Restore an already parsed export's account into ``app``'s store (see
    :func:`restore_json`)."""
    policy = OnConflict.of(on_conflict)
    doc, records, report = _read(data, source)
    user = _restored_user(doc.account, report)
    with import_transaction(app, dry_run=dry_run) as uow:
        known: frozenset[tuple[RecordKind, str]] = frozenset()
        if _restore_account(uow, user, report):
            uow.history.load(user.id, records.history, records.kept_from)
            known = records.known()
        writer = Writer(
            app, uow, report, policy, progress=progress, known=known, ledgers=records.ledgers
        )
        _write_records(writer, uow, user.id, records)
    return report.build(dry_run=dry_run)


def _restored_user(account: AccountRecord, report: ReportBuilder) -> User:
    """The account to restore. A password hash that is not one jobtrack keeps is refused;
    one that asks for more work than a login may take is kept but can never log in, and
    the report says so."""
    if account.password_hash is None:
        raise ValidationError.single(
            "account.password_hash",
            "is required to restore an account: this export was made without password "
            "hashes; log in to an account and import the file into it instead",
        )
    problem = format_problem(account.password_hash)
    if problem:
        raise ValidationError.single("account.password_hash", problem)
    costly = cost_problem(account.password_hash)
    if costly:
        report.notice("user", account.id, f"the password hash {costly}")
    return account.user(account.password_hash)


def _restore_account(uow: UnitOfWork, user: User, report: ReportBuilder) -> bool:
    """Create the account (True), or find it already restored (False); never change an
    existing one."""
    report.user_ids.append(user.id)
    stored = uow.users.get(user.id) or uow.users.get_by_email(user.email)
    if stored is None:
        uow.users.add(user)
        report.count("created", "user")
        return True
    if (stored.id, stored.email, stored.password_hash) != (user.id, user.email, user.password_hash):
        raise ConflictError(
            "account",
            f"an account with the id or email of the file's account ({user.email}) already "
            "exists; a restore never changes an existing account. To add the file's records "
            "to an account, log in to it and import the file into it",
        )
    report.count("unchanged", "user")
    return False


def _workspace(target: object, name: str, instead: str) -> None:
    if not isinstance(target, Workspace):
        raise TypeError(
            f"{name}() imports into one account: pass its Workspace (app.authenticate(token) "
            f"or app.workspace(user_id)); to create an account from a file use {instead}()"
        )


@contextmanager
def _text_source(source: PathLike | IO[str] | IO[bytes]) -> Iterator[IO[Any]]:
    if isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ValidationError.single("file", f"cannot be read ({exc.strerror})") from None
        with handle:
            yield handle
    else:
        yield source


def _read_json_file(source: PathLike | IO[str] | IO[bytes]) -> Any:
    with _text_source(source) as handle:
        return read_json(handle, "file")


def import_json(
    workspace: Workspace,
    source: PathLike | IO[str] | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a JSON export (a path or a stream) into ``workspace``'s account.

    Raises ValidationError naming every problem of a bad file, and ConflictError
    when records differ and ``on_conflict`` is ``fail``; in every such case
    nothing is written. ``dry_run`` checks everything and reports what would
    happen, writing nothing.
    """
    _workspace(workspace, "import_json", "restore_json")
    return import_document(
        workspace,
        _read_json_file(source),
        on_conflict=on_conflict,
        dry_run=dry_run,
        progress=progress,
    )


def restore_json(
    app: Jobtrack,
    source: PathLike | IO[str] | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Create the account of a JSON export (made with password hashes) and its records.

    An account with the file's id or email that already exists is never changed:
    ConflictError, unless it is the same account restored before. Otherwise as
    :func:`import_json`.
    """
    return restore_document(
        app, _read_json_file(source), on_conflict=on_conflict, dry_run=dry_run, progress=progress
    )


# -- CSV -------------------------------------------------------------------------------
_CSV_NAMES = {
    "customers": CUSTOMERS_CSV,
    "jobs": JOBS_CSV,
    "payments": PAYMENTS_CSV,
    "history": HISTORY_CSV,
    "numbers": NUMBERS_CSV,
    "quotes": QUOTES_CSV,
    "invoices": INVOICES_CSV,
}
_INDEX = re.compile(r"^(customers|jobs|payments|history|numbers|quotes|invoices)\[(\d+)\]")
#: Columns of true or false.
_FLAGS = frozenset({"paid", "by_mark_paid", "prices_include_tax"})
#: Columns of whole numbers.
_WHOLE = frozenset(
    {
        "week_start",
        "version",
        "seq",
        "period",
        "last",
        "position",
        "payment_terms_days",
        "quote_valid_days",
    }
)
#: Columns holding a list as JSON.
_LISTS = frozenset({"changes", "tax_rates"})


def _cell(column: str, value: str) -> Any:
    """A CSV cell as JSON holds it; a cell that is not what its column holds is kept
    as text, for the rules to name."""
    if value == "":
        return None
    if column in _FLAGS:
        return {"true": True, "false": False}.get(value, value)
    if column in _WHOLE and value.isdigit():
        return int(value)
    if column in _LISTS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _read_table(
    archive: zipfile.ZipFile,
    name: str,
    columns: tuple[str, ...],
    formulas: Formulas,
    *,
    required: bool = True,
) -> list[dict[str, Any]]:
    """The rows of one CSV file as JSON-like objects. Its header names its columns, in
    any order; each must be one of ``columns`` (an older export may lack newer ones).
    A file not ``required`` (an older export lacks it) has no rows when missing."""
    try:
        raw = archive.open(name)
    except KeyError:
        if not required:
            return []
        raise ValidationError.single("file", f"has no {name}") from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if (
            header is None
            or not header
            or not set(header) <= set(columns)
            or (len(set(header)) != len(header))
        ):
            raise ValidationError.single(
                name, f"must start with a header of the columns {','.join(columns)}, not {header!r}"
            )
        rows: list[dict[str, Any]] = []
        for number, row in enumerate(reader, start=1):
            if len(row) != len(header):
                raise ValidationError.single(
                    f"{name} row {number}", f"has {len(row)} cells, not {len(header)}"
                )
            if formulas is Formulas.ESCAPE:
                row = [unescape_formula(v) for v in row]
            rows.append({c: _cell(c, v) for c, v in zip(header, row, strict=True)})
        return rows


def _csv_document(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        raw_manifest = archive.read(MANIFEST)
    except KeyError:
        raise ValidationError.single(
            "file", f"has no {MANIFEST}; is it a jobtrack CSV export?"
        ) from None
    manifest = read_json(raw_manifest, MANIFEST)
    if not isinstance(manifest, dict):
        raise ValidationError.single(MANIFEST, "must be a JSON object")
    # How cells that look like formulas were written; archives from before this entry
    # wrote every cell as it is.
    formulas = Formulas.of(manifest.pop("formulas", Formulas.KEEP), f"{MANIFEST}.formulas")
    accounts = _read_table(archive, ACCOUNT_CSV, ACCOUNT_COLUMNS, formulas)
    if len(accounts) != 1:
        raise ValidationError.single(
            ACCOUNT_CSV, f"must hold exactly one account, not {len(accounts)}"
        )
    document = {
        **manifest,
        "account": accounts[0],
        "customers": _read_table(archive, CUSTOMERS_CSV, CUSTOMER_COLUMNS, formulas),
        "jobs": _read_table(archive, JOBS_CSV, JOB_COLUMNS, formulas),
        "history": _read_table(archive, HISTORY_CSV, HISTORY_COLUMNS, formulas, required=False),
    }
    names = archive.namelist()
    if PAYMENTS_CSV in names:  # archives before jobtrack/4 have none
        document["payments"] = _read_table(archive, PAYMENTS_CSV, PAYMENT_COLUMNS, formulas)
    if BILLING_CSV in names:  # archives before jobtrack/5 have no billing
        settings = _read_table(archive, BILLING_CSV, BILLING_COLUMNS, formulas)
        if len(settings) > 1:
            raise ValidationError.single(
                BILLING_CSV, f"must hold at most one row of settings, not {len(settings)}"
            )
        document["billing"] = settings[0] if settings else None
        document["numbers"] = _read_table(archive, NUMBERS_CSV, NUMBER_COLUMNS, formulas)
        quotes = _read_table(archive, QUOTES_CSV, QUOTE_COLUMNS, formulas)
        lines = _read_table(archive, QUOTE_LINES_CSV, QUOTE_LINE_COLUMNS, formulas)
        document["quotes"] = _with_lines(quotes, lines, QUOTE_LINES_CSV, "quote_id")
        invoices = _read_table(archive, INVOICES_CSV, INVOICE_COLUMNS, formulas)
        for invoice in invoices:
            invoice.pop("balance", None)  # shown for people, made from the rest
        lines = _read_table(archive, INVOICE_LINES_CSV, INVOICE_LINE_COLUMNS, formulas)
        document["invoices"] = _with_lines(invoices, lines, INVOICE_LINES_CSV, "invoice_id")
    return document


def _with_lines(
    documents: list[dict[str, Any]], lines: list[dict[str, Any]], name: str, key: str
) -> list[dict[str, Any]]:
    """Quotes or invoices read from CSV, each given its lines from the rows of its lines
    table that name it, in the order of their ``position``."""
    by_id: dict[Any, list[tuple[int, dict[str, Any]]]] = {d.get("id"): [] for d in documents}
    for number, row in enumerate(lines, start=1):
        owner, position = row.pop(key, None), row.pop("position", None)
        if owner not in by_id:
            raise ValidationError.single(
                f"{name} row {number}.{key}", f"names no row of the file: {owner!r}"
            )
        if not isinstance(position, int) or any(p == position for p, _ in by_id[owner]):
            raise ValidationError.single(
                f"{name} row {number}.position",
                "must be a whole number, once for each line of its document",
            )
        by_id[owner].append((position, row))
    for document in documents:
        document["lines"] = [row for _, row in sorted(by_id[document.get("id")], key=_first)]
    return documents


def _first(item: tuple[int, Any]) -> int:
    return item[0]


def _csv_location(field: str) -> str:
    if field == "billing" or field.startswith("billing."):
        return f"{BILLING_CSV} row 1" + field[len("billing") :]
    match = _INDEX.match(field)
    if not match:
        return field
    table, index = match.group(1), int(match.group(2))
    return f"{_CSV_NAMES[table]} row {index + 1}" + field[match.end() :]


def _read_csv(source: PathLike | IO[bytes]) -> dict[str, Any]:
    try:
        if isinstance(source, str | os.PathLike):
            archive = zipfile.ZipFile(source)
        else:
            seekable = source if source.seekable() else io.BytesIO(source.read())
            archive = zipfile.ZipFile(seekable)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError.single("file", f"is not a zip archive ({exc})") from None
    with archive:
        try:
            return _csv_document(archive)
        except (zipfile.BadZipFile, UnicodeDecodeError, csv.Error, OSError) as exc:
            raise ValidationError.single("file", f"cannot be read ({exc})") from None


@contextmanager
def _named_by_row() -> Iterator[None]:
    """Name problems by CSV file and row rather than by JSON path."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            FieldError(_csv_location(e.field), e.message) for e in exc.errors
        ) from None


def import_csv(
    workspace: Workspace,
    source: PathLike | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV export (the zip archive :func:`export_csv` writes) into
    ``workspace``'s account; see :func:`import_json`.

    Cells that the export escaped so that spreadsheets do not run them as
    formulas (its manifest says ``"formulas": "escape"``) are read back as
    they were before (:mod:`jobtrack_interchange.formulas`).

    Problems are named by file and row, counting rows after the header from 1
    (``customers.csv row 5.email``).
    """
    _workspace(workspace, "import_csv", "restore_csv")
    with _named_by_row():
        return import_document(
            workspace,
            _read_csv(source),
            on_conflict=on_conflict,
            dry_run=dry_run,
            progress=progress,
            source=f"{FORMAT} CSV",
        )


def restore_csv(
    app: Jobtrack,
    source: PathLike | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Create the account of a CSV export (made with password hashes) and its records;
    see :func:`restore_json` and :func:`import_csv`."""
    with _named_by_row():
        return restore_document(
            app,
            _read_csv(source),
            on_conflict=on_conflict,
            dry_run=dry_run,
            progress=progress,
            source=f"{FORMAT} CSV",
        )


__all__ = [
    "import_csv",
    "import_document",
    "import_json",
    "import_records",
    "read_document",
    "refuse",
    "restore_csv",
    "restore_document",
    "restore_json",
]
