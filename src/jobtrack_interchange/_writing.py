"""Writing imported records into a store: ids, times, statuses and payment kept exactly.

Imports cannot go through the Workspace's methods (they would stamp new times
and enforce the status workflow step by step), so they write through the
repositories of one unit of work. Every record is valid by construction
(:mod:`jobtrack_core.entities`); the importers check the rest first.

Every record an import creates or replaces is recorded in its owner's history
(:class:`~jobtrack_core.history.Recorder`, source ``import``), in bulk: the
whole import's changes of one owner are numbered and added at once, in the
import's unit of work. A replaced record moves one version on from the stored
one; a record left as it was records nothing.

Payments travel with their jobs: a job and its payments are compared, and kept or
replaced, as one (:meth:`Writer.job`). The payments an import adds are added in bulk
(:meth:`~jobtrack_core.ports.PaymentRepository.add_many`) once every job is written.
An import never deletes a payment: replacing a job whose stored payments the source
lacks is refused, and so is replacing what a job holding money was paid from a source
without a ledger. A source that keeps no ledger (an export older than ``jobtrack/4``,
MyJobTrack) gives each paid job with a cost it adds one payment of its cost
(:func:`~jobtrack_core.ledger.opening_payment`), as the database migrations do.

Quotes are compared, kept or replaced as customers are. An invoice and the payments
made to it that pay none of its jobs are one record, as a job and its payments are (a
payment to an invoice that pays one of its jobs travels with the job). An issued
invoice or credit note never changes but for its money (what it was paid and
credited, its status, its voiding): replacing one that differs in anything else (its
number, lines, dates...) is refused, and so is replacing a stored invoice by a draft;
a draft is replaced as a quote is. An import never deletes an invoice.

The business's billing settings are compared and kept or replaced as a record is
(their version one on when replaced); its number counters are raised to the file's,
never lowered (:meth:`~jobtrack_core.ports.BillingRepository.set_number`), so that no
number in use is handed out again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Quote,
    Series,
)
from jobtrack_core.entities import Action, Customer, Job, Payment, RecordKind, Source
from jobtrack_core.errors import ConflictError, quoted
from jobtrack_core.history import Recorder, kind_of
from jobtrack_core.ledger import opening_payment
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.service import Jobtrack
from jobtrack_interchange.report import Conflict, OnConflict, ReportBuilder

#: Called as ``progress(stage, done)`` while long imports and exports run.
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 1000


#: Fields an import does not compare: a record's version is the store's count of its
#: changes, not part of its content.
NOT_COMPARED = ("version",)
#: A job's fields that its payments decide.
MONEY = frozenset({"paid", "paid_at", "amount_paid"})
#: An issued invoice's fields that may still change: its money, status and voiding.
INVOICE_MONEY = frozenset(
    {"amount_paid", "amount_credited", "status", "voided_at", "void_reason", "updated_at"}
)

#: What a writer stores: a record compared and kept or replaced as a whole.
Written = Customer | Job | Quote | Invoice


def differences(
    stored: Any, incoming: Any, *, skip: tuple[str, ...] = NOT_COMPARED
) -> tuple[str, ...]:
    """The names of the fields whose values differ between two records of one class."""
    return tuple(
        a.name
        for a in attrs.fields(type(stored))
        if a.name not in skip and getattr(stored, a.name) != getattr(incoming, a.name)
    )


class _Rollback(Exception):
    """Raised to undo a dry run."""


@contextmanager
def import_transaction(app: Jobtrack, *, dry_run: bool) -> Iterator[UnitOfWork]:
    """One unit of work around a whole import; a dry run is rolled back at the end.
    Once it commits, ``app``'s subscribers hear of the changes recorded."""
    try:
        with app.unit() as uow:
            yield uow
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass


class Writer:
    """Adds or compares customers, jobs and their payments in one unit of work of
    ``app``, counting what happened and recording it in each owner's history. Accounts
    themselves are never written here: see the importers. A record in ``known`` (its
    kind and id) already has its history (a restore put it back), so adding it records
    nothing. ``ledgers``: the source gives each job's payments (False: it keeps none,
    and each paid job with a cost that is added gets its opening payment)."""

    def __init__(
        self,
        app: Jobtrack,
        uow: UnitOfWork,
        report: ReportBuilder,
        on_conflict: OnConflict,
        *,
        progress: Progress | None = None,
        known: Collection[tuple[RecordKind, str]] = (),
        ledgers: bool = True,
    ) -> None:
        self.app = app
        self.uow = uow
        self.report = report
        self.on_conflict = on_conflict
        self.progress = progress
        self.known = known
        self._pending: list[Conflict] = []
        self._done = 0
        self._at = app.now()
        self._recorders: dict[str, Recorder] = {}
        self.ledgers = ledgers
        self._new_payments: list[Payment] = []
        self._calendars: dict[str, BusinessCalendar] = {}

    def _recorder(self, owner_id: str) -> Recorder:
        found = self._recorders.get(owner_id)
        if found is None:
            found = Recorder(self.uow, owner_id, owner_id, Source.IMPORT, self._at)
            self._recorders[owner_id] = found
        return found

    def _tick(self) -> None:
        self._done += 1
        if self.progress is not None and self._done % PROGRESS_EVERY == 0:
            self.progress("import", self._done)

    def customer(self, customer: Customer) -> None:
        self._write(customer, self.uow.customers.get(customer.user_id, customer.id))

    def quote(self, quote: Quote) -> None:
        self._write(quote, self.uow.quotes.get(quote.user_id, quote.id))

    def invoice(self, invoice: Invoice, payments: Sequence[Payment] = ()) -> None:
        """Write ``invoice`` (or credit note) with ``payments``, the payments made to it in
        the source that pay none of its jobs."""
        stored = self.uow.invoices.get(invoice.user_id, invoice.id)
        if stored is None:
            self._add(invoice)
            self._add_payments(payments)
        else:
            self._settle_ledger(invoice, stored, payments)

    def settings(self, settings: BillingSettings) -> None:
        """The business's billing settings: added when it has none, else compared."""
        stored = self.uow.billing.get(settings.user_id)
        if stored is None:
            self.uow.billing.put(settings)
            return
        changed = differences(stored, settings)
        if not changed:
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict("billing", settings.user_id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.REPLACE:
            self.uow.billing.put(attrs.evolve(settings, version=stored.version + 1))
            self.report.conflicts.append(Conflict("billing", settings.user_id, changed, "replaced"))
        else:
            self.report.conflicts.append(Conflict("billing", settings.user_id, changed, "kept"))

    def numbers(self, owner_id: str, counters: Sequence[tuple[Series, int, int]]) -> None:
        """Raise the owner's number counters to the source's (never lowering one)."""
        for series, period, last in counters:
            self.uow.billing.set_number(owner_id, series, period, last)

    def job(self, job: Job, payments: Sequence[Payment] = ()) -> None:
        """Write ``job`` with ``payments``, its whole ledger in the source (each for it,
        its ``amount_paid`` their standing sum: the importers check that first)."""
        stored = self.uow.jobs.get(job.user_id, job.id)
        if stored is None:
            self._add(job)
            self._add_payments(payments if self.ledgers else self._opening(job))
        elif self.ledgers:
            self._settle_ledger(job, stored, payments)
        else:
            self._settle_without_ledger(job, stored)

    def _write(self, record: Written, stored: Written | None) -> None:
        if stored is None:
            self._add(record)
        else:
            self._settle(record, stored)

    def _store(self, record: Written, *, new: bool) -> None:
        if isinstance(record, Customer):
            (self.uow.customers.add if new else self.uow.customers.update)(record)
        elif isinstance(record, Job):
            (self.uow.jobs.add if new else self.uow.jobs.update)(record)
        elif isinstance(record, Quote):
            (self.uow.quotes.add if new else self.uow.quotes.update)(record)
        else:
            (self.uow.invoices.add if new else self.uow.invoices.update)(record)

    def _add(self, record: Written) -> None:
        kind = kind_of(record)
        try:
            self._store(record, new=True)
        except ConflictError as exc:
            raise ConflictError(exc.field, f"{kind.value} {record.id!r}: {exc.message}") from exc
        if (kind, record.id) not in self.known:
            self._recorder(record.user_id).created(record)
        self.report.count("created", kind.value)
        self._tick()

    def _settle(self, record: Written, stored: Written) -> None:
        kind, id = kind_of(record).value, record.id
        changed = differences(stored, record)
        self._tick()
        if not changed:
            self.report.count("unchanged", kind)
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict(kind, id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.REPLACE:
            self._replace(record, stored)
            self.report.conflicts.append(Conflict(kind, id, changed, "replaced"))
        else:
            self.report.count("kept", kind)
            self.report.conflicts.append(Conflict(kind, id, changed, "kept"))

    # -- payments ------------------------------------------------------------------------
    def _calendar(self, owner_id: str) -> BusinessCalendar:
        found = self._calendars.get(owner_id)
        if found is None:
            user = self.uow.users.get(owner_id)
            found = user.calendar(self.app.calendar) if user else self.app.calendar
            self._calendars[owner_id] = found
        return found

    def _opening(self, job: Job) -> list[Payment]:
        """The payment a paid job with a cost from a source without a ledger stands for."""
        if not job.paid or not job.actual_cost:  # none: take no id for it
            return []
        made = opening_payment(job, self._calendar(job.user_id), self.app.ids())
        return [] if made is None else [made]

    def _add_payments(self, payments: Sequence[Payment]) -> None:
        for payment in payments:
            found = self.uow.payments.get(payment.user_id, payment.id)
            if found is not None:
                raise ConflictError(
                    "id",
                    f"payment {quoted(payment.id)} of {_holder(payment)}: the account already "
                    f"holds a payment with this id, of {_holder(found)}",
                )
            self._new_payments.append(payment)
            if (RecordKind.PAYMENT, payment.id) not in self.known:
                self._recorder(payment.user_id).created(payment)
            self.report.count("created", "payment")

    def _held(self, record: Job | Invoice) -> list[Payment]:
        """The stored payments that travel with a stored job or invoice."""
        if isinstance(record, Job):
            return list(self.uow.payments.list(record.user_id, PaymentFilter(job_id=record.id)))
        made = self.uow.payments.list(record.user_id, PaymentFilter(invoice_id=record.id))
        return [p for p in made if p.job_id is None]

    def _settle_ledger(
        self, record: Job | Invoice, stored: Job | Invoice, payments: Sequence[Payment]
    ) -> None:
        """A stored job (or invoice) and its stored payments, against the source's:
        compared as one."""
        kind = kind_of(record).value
        held = {p.id: p for p in self._held(stored)}
        given = {p.id: p for p in payments}
        changed = differences(stored, record)
        altered = {i: differences(held[i], p) for i, p in given.items() if i in held}
        if held.keys() != given.keys() or any(altered.values()):
            changed += ("payments",)
        self._tick()
        if not changed:
            self.report.count("unchanged", kind)
            for _ in given:
                self.report.count("unchanged", "payment")
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict(kind, record.id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.KEEP:
            self.report.count("kept", kind)
            for payment_id in given:
                outcome = "unchanged" if not altered.get(payment_id, ("new",)) else "kept"
                self.report.count(outcome, "payment")
            self.report.conflicts.append(Conflict(kind, record.id, changed, "kept"))
            return
        lacking = sorted(held.keys() - given.keys())
        if lacking:
            raise ConflictError(
                "payments",
                f"{kind} {quoted(record.id)} holds payment(s) {', '.join(map(quoted, lacking))} "
                "that the file lacks, and an import never deletes a payment. Nothing was "
                "imported; void them in the account first, or choose on_conflict='keep'",
            )
        if isinstance(record, Invoice) and isinstance(stored, Invoice):
            _may_replace(stored, record, changed)
        if changed != ("payments",):
            self._replace(record, stored)
        else:
            self.report.count("unchanged", kind)
        self.report.conflicts.append(Conflict(kind, record.id, changed, "replaced"))
        for payment_id, payment in given.items():
            old = held.get(payment_id)
            if old is None:
                self._add_payments([payment])
            elif altered[payment_id]:
                replaced = attrs.evolve(payment, version=old.version + 1)
                self.uow.payments.update(replaced)
                action = Action.VOIDED if replaced.voided and not old.voided else Action.UPDATED
                self._recorder(record.user_id).changed(old, replaced, action)
                self.report.count("updated", "payment")
            else:
                self.report.count("unchanged", "payment")

    def _settle_without_ledger(self, job: Job, stored: Job) -> None:
        """A stored job against a source's that keeps no ledger: the job is compared (its
        ``paid`` and ``amount_paid`` as the source implies them); an unchanged paid job
        with a cost counts the payment it stands for as unchanged. Replacing it may change
        its money only while it holds none (its payments voided or refunded, if any): it
        then gets its opening payment."""
        changed = differences(stored, job)
        self._tick()
        if not changed:
            self.report.count("unchanged", "job")
            if job.paid and job.actual_cost:  # it holds the payment it stands for
                self.report.count("unchanged", "payment")
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict("job", job.id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.KEEP:
            self.report.count("kept", "job")
            self.report.conflicts.append(Conflict("job", job.id, changed, "kept"))
            return
        if MONEY.intersection(changed):
            if stored.amount_paid:
                raise ConflictError(
                    "amount_paid",
                    f"job {quoted(job.id)} differs in what it was paid ({', '.join(changed)}), "
                    f"but the source keeps no payments and the stored job holds "
                    f"{stored.amount_paid} in payments, which an import never replaces. Nothing "
                    "was imported; void or refund them in the account, or choose "
                    "on_conflict='keep'",
                )
            self._add_payments(self._opening(job))
        self._replace(job, stored)
        self.report.conflicts.append(Conflict("job", job.id, changed, "replaced"))

    def _replace(self, record: Written, stored: Written) -> None:
        replaced = attrs.evolve(record, version=stored.version + 1)
        self._store(replaced, new=False)
        self._recorder(record.user_id).changed(stored, replaced, Action.UPDATED)
        self.report.count("updated", kind_of(record).value)

    def finish(self) -> None:
        """Raise ConflictError naming the differing records, if the policy is ``fail``;
        else add the new payments (in bulk) and what was recorded to the history (one
        batch per owner)."""
        if not self._pending:
            if self._new_payments:
                try:
                    self.uow.payments.add_many(self._new_payments)
                except ConflictError as exc:
                    raise ConflictError(exc.field, f"payments: {exc.message}") from exc
                self._new_payments = []
            for recorder in self._recorders.values():
                self.app.announce(recorder.save())
            return
        shown = "; ".join(f"{c.kind} {c.id!r} ({', '.join(c.fields)})" for c in self._pending[:10])
        more = f"; and {len(self._pending) - 10} more" if len(self._pending) > 10 else ""
        raise ConflictError(
            "id",
            f"{len(self._pending)} records already exist with different content: {shown}{more}. "
            "Nothing was imported; choose on_conflict='replace' or 'keep'",
        )


def _holder(payment: Payment) -> str:
    """What a payment is for, in words: its job, or else its invoice."""
    if payment.job_id is not None:
        return f"job {quoted(payment.job_id)}"
    return f"invoice {quoted(payment.invoice_id or '')}"


def _may_replace(stored: Invoice, incoming: Invoice, changed: Sequence[str]) -> None:
    """Refuse replacing an issued invoice in anything but its money (ConflictError)."""
    if stored.status is InvoiceStatus.DRAFT:
        return
    fixed = [name for name in changed if name not in INVOICE_MONEY and name != "payments"]
    if fixed or incoming.status is InvoiceStatus.DRAFT:
        what = "credit note" if stored.kind is InvoiceKind.CREDIT_NOTE else "invoice"
        raise ConflictError(
            "invoices",
            f"{what} {quoted(stored.id)} ({stored.number}) is issued and the file's differs in "
            f"{', '.join(fixed) or 'status'}: an issued {what} never changes but for its "
            "money, and an import never replaces it. Nothing was imported; choose "
            "on_conflict='keep'",
        )
