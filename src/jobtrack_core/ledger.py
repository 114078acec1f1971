"""The payments ledger of one business: money taken for jobs, and given back.

A payment is added, and may be voided; it is never edited. Each one moves its job's
``amount_paid``, and with it ``paid`` (:func:`~jobtrack_core.entities.covered`), in the
same unit of work, with a history entry for both. Refunds never take a job below
nothing, and a payment cannot be dated after today.

``mark_paid`` and ``mark_unpaid`` keep the original system's calls: the first records a
payment of what is outstanding, the second voids the payments the first recorded.
``docs/payments.md`` shows all of it with a worked example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.commands import NewPayment, request
from jobtrack_core.documents import Invoice, settled_status
from jobtrack_core.entities import (
    Action,
    Job,
    Payment,
    PaymentKind,
    PaymentMethod,
    covered,
)
from jobtrack_core.errors import ConflictError, NotFoundError, ValidationError, quoted
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.writing import Writing, expect

#: Why ``mark_unpaid`` voids the payments ``mark_paid`` recorded.
UNMARKED = "marked unpaid"


def settled(job: Job, now: datetime, changes: Mapping[str, Any]) -> Job:
    """``job`` with ``changes``, and ``paid`` (and ``paid_at``) as the ledger's rule then
    says, when the job has something due; otherwise its own mark stays."""
    verdict = covered(
        changes.get("status", job.status),
        changes.get("actual_cost", job.actual_cost),
        changes.get("amount_paid", job.amount_paid),
    )
    if verdict is not None and verdict != job.paid:
        changes = {**changes, "paid": verdict, "paid_at": now if verdict else None}
    return attrs.evolve(job, **changes)


def opening_payment(job: Job, calendar: BusinessCalendar, payment_id: str) -> Payment | None:
    """The one payment a job paid before the ledger existed stands for (a database
    migrated from schema 5, an export of format 1 to 3, a MyJobTrack backup): its actual
    cost, received the business's local day it was marked paid (``paid_at``; else its
    completion, else its last change), recorded then, as :meth:`Ledger.mark_paid` would
    have recorded it, so that ``mark_unpaid`` undoes it. None for a job that is unpaid or
    has no cost. The job then holds ``amount_paid`` equal to the payment's amount."""
    if not job.paid or not job.actual_cost:
        return None
    when = job.paid_at or job.completed_at or job.updated_at
    return Payment(
        id=payment_id,
        user_id=job.user_id,
        job_id=job.id,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.OTHER,
        amount=job.actual_cost,
        received_on=calendar.local_date(when),
        reference=None,
        note=None,
        recorded_at=when,
        by_mark_paid=True,
    )


def _action(old: Job, new: Job) -> Action:
    if new.paid != old.paid:
        return Action.PAID if new.paid else Action.UNPAID
    return Action.UPDATED


class Ledger(Writing):
    """Payments: part of :class:`~jobtrack_core.workspace.Workspace`."""

    def add_payment(
        self, job_id: str | NewPayment, amount: object = None, /, **fields: Any
    ) -> Payment:
        """Record money received for a job, or given back:
        ``add_payment(job.id, "50", method="card", kind="deposit")``, or a
        :class:`~jobtrack_core.commands.NewPayment`. The job's ``amount_paid`` and ``paid``
        follow. A refund may not exceed what the job holds; ``received_on`` (today if
        left out) may not be after today. Safe to send again with its ``id``."""
        if isinstance(job_id, NewPayment):
            new = request(NewPayment, job_id, fields if amount is None else {"amount": amount})
        else:
            new = NewPayment.parse({"job_id": job_id, "amount": amount, **fields})
        with self._tx() as uow:
            job = self._job(uow, new.job_id)
            now = self._now()
            payment = Payment(
                id=new.id or self._app.ids(),
                user_id=self.user_id,
                job_id=job.id,
                kind=new.kind,
                method=new.method,
                amount=new.amount,
                received_on=self._received_on(uow, new.received_on, now),
                reference=new.reference,
                note=new.note,
                recorded_at=now,
            )
            made = self._create(uow, payment, new.id is not None)
            if made is not payment:  # the same request, sent again
                return made
            self._move_money(uow, job, payment.signed, payment)
            return made

    def get_payment(self, payment_id: str) -> Payment:
        with self._tx(write=False) as uow:
            return self._payment(uow, payment_id)

    def list_payments(
        self,
        where: PaymentFilter | None = None,
        *,
        job_id: str | None = None,
        customer_id: str | None = None,
    ) -> Sequence[Payment]:
        """This business's payments in the order they were received, voided ones
        included; filter by ``job_id``, ``customer_id``, or a
        :class:`~jobtrack_core.queries.PaymentFilter`."""
        if where is None:
            where = PaymentFilter.parse({"job_id": job_id, "customer_id": customer_id})
        elif not isinstance(where, PaymentFilter):
            raise ValidationError.single("where", "must be a PaymentFilter")
        with self._tx(write=False) as uow:
            return uow.payments.list(self.user_id, where)

    def void_payment(
        self, payment_id: str, reason: str, *, if_version: int | None = None
    ) -> Payment:
        """Void a payment recorded by mistake: it is kept, marked void with ``reason``,
        and no longer counts. Voiding a voided payment changes nothing. Refused if the
        job would then hold less than nothing (void its refunds first). A payment made to
        an invoice moves its money back off the invoice too."""
        why = f.check("reason", f.REASON, reason)
        with self._tx() as uow:
            payment = self._payment(uow, payment_id)
            expect(payment, if_version)
            if payment.voided:
                return payment
            job = None if payment.job_id is None else self._job(uow, payment.job_id)
            voided = self._void(uow, payment, why or "")
            if job is not None:
                self._move_money(uow, job, -payment.signed, payment)
            if payment.invoice_id is not None:
                self._move_invoice_money(uow, payment.invoice_id, -payment.signed)
            return voided

    def mark_paid(
        self,
        job_id: str,
        *,
        if_version: int | None = None,
        method: PaymentMethod | str | None = None,
        received_on: date | str | None = None,
        reference: str | None = None,
    ) -> Job:
        """Mark a job paid, in any status, as the original system did: a payment of what
        is outstanding (its actual cost less what it holds, if more than 0) is recorded,
        by ``method`` (``other`` if not given) on ``received_on`` (today). Marking a paid
        job paid again changes nothing."""
        how = f.check("method", f.Choice(PaymentMethod).but(optional=True), method)
        day = f.check("received_on", f.DAY, received_on)
        ref = f.check("reference", f.REFERENCE, reference)
        with self._tx() as uow:
            job = self._job(uow, job_id)
            expect(job, if_version)
            if job.paid:
                return job
            now = self._now()
            outstanding = (job.actual_cost or ZERO) - job.amount_paid
            amount_paid = job.amount_paid
            if outstanding > ZERO:
                payment = Payment(
                    id=self._app.ids(),
                    user_id=self.user_id,
                    job_id=job.id,
                    kind=PaymentKind.PAYMENT,
                    method=how or PaymentMethod.OTHER,
                    amount=outstanding,
                    received_on=self._received_on(uow, day, now),
                    reference=ref,
                    note=None,
                    recorded_at=now,
                    by_mark_paid=True,
                )
                self._create(uow, payment, False)
                amount_paid += outstanding
            marked = attrs.evolve(job, amount_paid=amount_paid, paid=True, paid_at=now)
            return self._change(uow, job, marked, Action.PAID)

    def mark_unpaid(self, job_id: str, *, if_version: int | None = None) -> Job:
        """Undo :meth:`mark_paid`: the payments it recorded are voided. Refused
        (:class:`ConflictError` on ``paid``) if the job's other payments still cover what
        it has due, and (on ``payment``) if its refunds would then be more than it holds.
        Marking an unpaid job unpaid changes nothing."""
        with self._tx() as uow:
            job = self._job(uow, job_id)
            expect(job, if_version)
            if not job.paid:
                return job
            marks = [
                p
                for p in uow.payments.list(self.user_id, PaymentFilter(job_id=job.id, voided=False))
                if p.by_mark_paid
            ]
            amount_paid = job.amount_paid - sum((p.signed for p in marks), ZERO)
            _check_holds(job, amount_paid)
            if covered(job.status, job.actual_cost, amount_paid):
                raise ConflictError(
                    "paid",
                    f"job {quoted(job.id)} holds {amount_paid} of its {job.actual_cost} in "
                    "payments recorded one by one: void or refund them to mark it unpaid",
                )
            for payment in marks:
                self._void(uow, payment, UNMARKED)
            unmarked = attrs.evolve(job, amount_paid=amount_paid, paid=False, paid_at=None)
            return self._change(uow, job, unmarked, Action.UNPAID)

    # -- helpers -----------------------------------------------------------------------
    def _payment(self, uow: UnitOfWork, payment_id: object) -> Payment:
        checked = f.check("payment_id", f.ID, payment_id)
        found = uow.payments.get(self.user_id, checked or "")
        if found is None:
            raise NotFoundError("payment", str(payment_id))
        return found

    def _received_on(self, uow: UnitOfWork, day: date | None, now: datetime) -> date:
        today = self._calendar(uow).local_date(now)
        if day is None:
            return today
        if day > today:
            raise ValidationError.single("received_on", f"must not be after today ({today})")
        return day

    def _void(self, uow: UnitOfWork, payment: Payment, reason: str) -> Payment:
        voided = attrs.evolve(payment, voided_at=self._now(), void_reason=reason)
        return self._change(uow, payment, voided, Action.VOIDED)

    def _move_money(self, uow: UnitOfWork, job: Job, amount: Decimal, payment: Payment) -> Job:
        """Add ``amount`` (less than 0 takes money away) to the job's ``amount_paid``."""
        amount_paid = job.amount_paid + amount
        if amount_paid < ZERO:
            if payment.kind is PaymentKind.REFUND and not payment.voided:
                raise ValidationError.single(
                    "amount",
                    f"a refund of {payment.amount} is more than the {job.amount_paid} "
                    f"job {quoted(job.id)} holds",
                )
            _check_holds(job, amount_paid)
        moved = settled(job, self._now(), {"amount_paid": amount_paid})
        return self._change(uow, job, moved, _action(job, moved))

    def _move_invoice_money(self, uow: UnitOfWork, invoice_id: str, amount: Decimal) -> Invoice:
        """Add ``amount`` (less than 0 takes money away) to the invoice's ``amount_paid``;
        its status follows."""
        invoice = uow.invoices.get(self.user_id, invoice_id)
        if invoice is None:
            raise NotFoundError("invoice", invoice_id)
        amount_paid = invoice.amount_paid + amount
        moved = attrs.evolve(
            invoice,
            amount_paid=amount_paid,
            status=settled_status(invoice.total, amount_paid, invoice.amount_credited),
        )
        return self._change(uow, invoice, moved, Action.UPDATED)

    def _check_payments_go(
        self, kind: str, record_id: str, payments: Sequence[Payment], with_payments: bool
    ) -> None:
        if payments and not with_payments:
            raise ConflictError(
                "payments",
                f"{kind} {quoted(record_id)} holds {len(payments)} payment(s): delete it "
                "with_payments=True to delete them too",
            )


def _check_holds(job: Job, amount_paid: Decimal) -> None:
    if amount_paid < ZERO:
        raise ConflictError(
            "payment",
            f"job {quoted(job.id)} would hold less than nothing: void its refunds first",
        )


__all__ = ["UNMARKED", "Ledger", "opening_payment", "settled"]
