"""Quotes, invoices and credit notes of one business, and payments made to invoices.

A quote is written as a draft, sent (numbered, dated, valid for some days), then
accepted (which makes its job), declined or expired. An invoice is written as a draft
(lines given, or one line for each completed job billed), issued (numbered without
gaps, dated, due some days later), then paid in parts; a mistake is voided (it keeps its
number) or corrected by a credit note. Every figure of a document is what
:func:`jobtrack_core.documents.figures` makes of its lines, and every change is kept in
the history like a job's.

A payment made to an invoice (:meth:`Billing.pay_invoice`) is split: each of the
invoice's jobs, in the order of its lines, is paid what it still owes, and what is left
(the tax, lines of no job) is one payment of the invoice alone, which counts in the cash
received but in no job's balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict

import attrs

from jobtrack_core import fields as f
from jobtrack_core.commands import (
    LINE_REQUESTS,
    UNSET,
    BillingChanges,
    InvoiceChanges,
    LineRequest,
    NewInvoice,
    NewQuote,
    QuoteChanges,
    request,
)
from jobtrack_core.documents import (
    HOUR_UNITS,
    STANDING,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
    Series,
    figures,
    number_for,
    period_of,
    settled_status,
)
from jobtrack_core.entities import Action, Customer, Deleted, Job, Payment, PaymentKind
from jobtrack_core.entities import PaymentMethod as Method
from jobtrack_core.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
    VersionConflict,
    quoted,
)
from jobtrack_core.ledger import Ledger
from jobtrack_core.money import ZERO
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.queries import InvoiceFilter, PaymentFilter, QuoteFilter
from jobtrack_core.reporting import LIMIT
from jobtrack_core.reports import AGING_DAYS, InvoiceAging, InvoiceAgingReport
from jobtrack_core.status import JobStatus
from jobtrack_core.tax import cents
from jobtrack_core.writing import expect

#: How many invoices :meth:`Billing.overdue_invoices` lists unless told.
OVERDUE_LIMIT = 50


class Billing(Ledger):
    """Quotes, invoices, credit notes and the billing settings: part of
    :class:`~jobtrack_core.workspace.Workspace`."""

    # -- settings ---------------------------------------------------------------------
    def billing_settings(self) -> BillingSettings:
        """The business's billing settings: as saved, or the defaults (never saved)."""
        with self._tx(write=False) as uow:
            return self._settings(uow)

    def update_billing(
        self,
        changes: BillingChanges | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> BillingSettings:
        """Change some of the billing settings (see :class:`BillingChanges`): the
        currency, whether prices include tax, the tax rates (``[{"name": "VAT", "rate":
        "20"}]``) and the default one, the number formats, payment terms, a quote's
        validity and what documents show. Documents already written keep the currency
        and price mode they were made with."""
        given = request(BillingChanges, changes, fields).given()
        with self._tx() as uow:
            self._user(uow)
            settings = self._settings(uow)
            if if_version is not None and settings.version != if_version:
                raise _stale_settings(settings, if_version)
            updated = attrs.evolve(settings, **given)
            if updated == settings:
                return settings
            updated = attrs.evolve(updated, updated_at=self._now(), version=settings.version + 1)
            uow.billing.put(updated)
            return updated

    # -- quotes -------------------------------------------------------------------------
    def create_quote(
        self, customer_id: str | NewQuote, title: str | None = None, **fields: Any
    ) -> Quote:
        """A draft quote for one of this business's customers:
        ``create_quote(customer.id, "New fence", lines=[{"description": "Labour",
        "quantity": "8", "unit": "h", "unit_price": "40"}])``, or a
        :class:`~jobtrack_core.commands.NewQuote`. Safe to send again with its ``id``."""
        new = (
            request(NewQuote, customer_id, {"title": title} if title is not None else fields)
            if isinstance(customer_id, NewQuote)
            else NewQuote.parse({"customer_id": customer_id, "title": title, **fields})
        )
        with self._tx() as uow:
            customer = self._customer(uow, new.customer_id)
            settings = self._settings(uow)
            lines = _resolved(new.lines, settings)
            now = self._now()
            quote = Quote(
                id=new.id or self._app.ids(),
                user_id=self.user_id,
                customer_id=customer.id,
                number=None,
                status=QuoteStatus.DRAFT,
                title=new.title,
                notes=new.notes,
                lines=lines,
                currency=settings.currency,
                prices_include_tax=settings.prices_include_tax,
                **_figured(lines, settings.prices_include_tax),
                issued_on=None,
                valid_until=new.valid_until,
                decided_at=None,
                job_id=None,
                created_at=now,
                updated_at=now,
            )
            return self._create(uow, quote, new.id is not None)

    def get_quote(self, quote_id: str) -> Quote:
        with self._tx(write=False) as uow:
            return self._quote(uow, quote_id)

    def list_quotes(
        self,
        where: QuoteFilter | None = None,
        *,
        customer_id: str | None = None,
        status: object = None,
    ) -> Sequence[Quote]:
        """This business's quotes, newest first; filter by ``customer_id`` and
        ``status``, or a :class:`~jobtrack_core.queries.QuoteFilter`."""
        if where is None:
            where = QuoteFilter.parse({"customer_id": customer_id, "status": status})
        elif not isinstance(where, QuoteFilter):
            raise ValidationError.single("where", "must be a QuoteFilter")
        with self._tx(write=False) as uow:
            return uow.quotes.list(self.user_id, where)

    def update_quote(
        self,
        quote_id: str,
        changes: QuoteChanges | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> Quote:
        """Change a draft quote's title, notes, lines or validity
        (:class:`ConflictError` on ``status`` once it is sent)."""
        given = request(QuoteChanges, changes, fields).given()
        with self._tx() as uow:
            quote = self._quote(uow, quote_id)
            expect(quote, if_version)
            _must_be(quote, QuoteStatus.DRAFT, "changed")
            if "lines" in given:
                lines = _resolved(given["lines"], self._settings(uow))
                given |= {"lines": lines, **_figured(lines, quote.prices_include_tax)}
            return self._change(uow, quote, attrs.evolve(quote, **given), Action.UPDATED)

    def send_quote(
        self,
        quote_id: str,
        *,
        sent_on: date | str | None = None,
        if_version: int | None = None,
    ) -> Quote:
        """Send a draft quote: it takes the next quote number, is dated ``sent_on``
        (today if None) and is valid until its ``valid_until`` or, without one, for the
        business's ``quote_valid_days``. A quote without lines is refused."""
        day = f.check("sent_on", f.DAY, sent_on)
        with self._tx() as uow:
            quote = self._quote(uow, quote_id)
            expect(quote, if_version)
            _must_be(quote, QuoteStatus.DRAFT, "sent")
            if not quote.lines:
                raise ValidationError.single("lines", "a quote without lines cannot be sent")
            settings = self._settings(uow)
            sent = day or self._calendar(uow).local_date(self._now())
            valid_until = quote.valid_until or sent + timedelta(days=settings.quote_valid_days)
            if valid_until < sent:
                raise ValidationError.single(
                    "valid_until", f"must not be before the day it is sent ({sent})"
                )
            number = self._number(uow, settings, Series.QUOTE, sent.year)
            moved = attrs.evolve(
                quote,
                status=QuoteStatus.SENT,
                number=number,
                issued_on=sent,
                valid_until=valid_until,
            )
            return self._change(uow, quote, moved, Action.SENT)

    def accept_quote(self, quote_id: str, *, if_version: int | None = None) -> Quote:
        """The customer accepts a sent quote (:class:`ConflictError` on ``valid_until``
        once it has expired): a pending job is made of it (its title, customer, notes as
        description, total as estimated cost, the hours of its lines in hours as
        estimated hours) and named by the quote's ``job_id``."""
        with self._tx() as uow:
            quote = self._quote(uow, quote_id)
            expect(quote, if_version)
            _must_be(quote, QuoteStatus.SENT, "accepted")
            today = self._calendar(uow).local_date(self._now())
            if quote.expired_on(today):
                raise ConflictError(
                    "valid_until",
                    f"quote {quoted(quote.id)} was valid until {quote.valid_until}",
                )
            now = self._now()
            hours = [line.quantity for line in quote.lines if line.unit in HOUR_UNITS]
            job = Job(
                id=self._app.ids(),
                user_id=self.user_id,
                customer_id=quote.customer_id,
                title=quote.title,
                description=quote.notes,
                status=JobStatus.PENDING,
                estimated_cost=quote.total,
                actual_cost=None,
                estimated_hours=cents(sum(hours, ZERO)) if hours else None,
                actual_hours=None,
                due_date=None,
                paid=False,
                paid_at=None,
                completed_at=None,
                created_at=now,
                updated_at=now,
            )
            self._create(uow, job, False)
            accepted = attrs.evolve(
                quote, status=QuoteStatus.ACCEPTED, decided_at=now, job_id=job.id
            )
            return self._change(uow, quote, accepted, Action.ACCEPTED)

    def decline_quote(self, quote_id: str, *, if_version: int | None = None) -> Quote:
        """The customer declines a sent quote."""
        with self._tx() as uow:
            quote = self._quote(uow, quote_id)
            expect(quote, if_version)
            _must_be(quote, QuoteStatus.SENT, "declined")
            declined = attrs.evolve(quote, status=QuoteStatus.DECLINED, decided_at=self._now())
            return self._change(uow, quote, declined, Action.DECLINED)

    def expire_quotes(self) -> Sequence[Quote]:
        """Every sent quote past its validity becomes expired; return them."""
        with self._tx() as uow:
            today = self._calendar(uow).local_date(self._now())
            sent = uow.quotes.list(self.user_id, QuoteFilter(status=QuoteStatus.SENT))
            made = []
            for quote in sorted(sent, key=lambda q: (q.created_at, q.id)):
                if quote.expired_on(today):
                    expired = attrs.evolve(
                        quote, status=QuoteStatus.EXPIRED, decided_at=self._now()
                    )
                    made.append(self._change(uow, quote, expired, Action.EXPIRED))
            return tuple(made)

    def delete_quote(self, quote_id: str, *, if_version: int | None = None) -> Deleted:
        """Delete a draft quote (a sent one is kept: :class:`ConflictError` on
        ``status``)."""
        with self._tx() as uow:
            quote = self._quote(uow, quote_id)
            expect(quote, if_version)
            _must_be(quote, QuoteStatus.DRAFT, "deleted")
            return self._delete(uow, quote)

    def quote_of_job(self, job_id: str) -> Quote | None:
        """The accepted quote that made the job, if any."""
        with self._tx(write=False) as uow:
            job = self._job(uow, job_id)
            return uow.quotes.of_job(self.user_id, job.id)

    # -- invoices -----------------------------------------------------------------------
    def create_invoice(self, customer_id: str | NewInvoice, **fields: Any) -> Invoice:
        """A draft invoice for one of this business's customers: a line for each job of
        ``job_ids`` (completed, with an actual cost, of the customer, not billed by
        another invoice that is not void), then the ``lines`` given. Or a
        :class:`~jobtrack_core.commands.NewInvoice`. Safe to send again with its ``id``."""
        new = (
            request(NewInvoice, customer_id, fields)
            if isinstance(customer_id, NewInvoice)
            else NewInvoice.parse({"customer_id": customer_id, **fields})
        )
        with self._tx() as uow:
            customer = self._customer(uow, new.customer_id)
            settings = self._settings(uow)
            invoice_id = new.id or self._app.ids()
            lines = self._job_lines(uow, customer, new.job_ids, settings) + _resolved(
                new.lines, settings
            )
            now = self._now()
            invoice = Invoice(
                id=invoice_id,
                user_id=self.user_id,
                customer_id=customer.id,
                kind=InvoiceKind.INVOICE,
                number=None,
                status=InvoiceStatus.DRAFT,
                lines=lines,
                notes=new.notes,
                currency=settings.currency,
                prices_include_tax=settings.prices_include_tax,
                **_figured(lines, settings.prices_include_tax),
                issued_on=None,
                due_on=None,
                amount_paid=ZERO,
                amount_credited=ZERO,
                corrects=None,
                voided_at=None,
                void_reason=None,
                created_at=now,
                updated_at=now,
            )
            if new.id is None or uow.invoices.get(self.user_id, invoice_id) is None:
                self._check_unbilled(uow, invoice)
            return self._create(uow, invoice, new.id is not None)

    def get_invoice(self, invoice_id: str) -> Invoice:
        with self._tx(write=False) as uow:
            return self._invoice(uow, invoice_id)

    def list_invoices(
        self,
        where: InvoiceFilter | None = None,
        *,
        customer_id: str | None = None,
        status: object = None,
        kind: object = None,
        job_id: str | None = None,
    ) -> Sequence[Invoice]:
        """This business's invoices and credit notes, newest first; filter by
        ``customer_id``, ``status``, ``kind`` and ``job_id`` (billing that job), or an
        :class:`~jobtrack_core.queries.InvoiceFilter`."""
        if where is None:
            where = InvoiceFilter.parse(
                {"customer_id": customer_id, "status": status, "kind": kind, "job_id": job_id}
            )
        elif not isinstance(where, InvoiceFilter):
            raise ValidationError.single("where", "must be an InvoiceFilter")
        with self._tx(write=False) as uow:
            return uow.invoices.list(self.user_id, where)

    def invoices_of_job(self, job_id: str) -> Sequence[Invoice]:
        """The invoices and credit notes billing the job, newest first."""
        with self._tx(write=False) as uow:
            job = self._job(uow, job_id)
            return uow.invoices.list(self.user_id, InvoiceFilter(job_id=job.id))

    def update_invoice(
        self,
        invoice_id: str,
        changes: InvoiceChanges | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> Invoice:
        """Change a draft invoice's lines or notes (:class:`ConflictError` on ``status``
        once it is issued)."""
        given = request(InvoiceChanges, changes, fields).given()
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            expect(invoice, if_version)
            _must_be(invoice, InvoiceStatus.DRAFT, "changed")
            if "lines" in given:
                lines = _resolved(given["lines"], self._settings(uow))
                given |= {"lines": lines, **_figured(lines, invoice.prices_include_tax)}
            updated = attrs.evolve(invoice, **given)
            self._check_unbilled(uow, updated)
            return self._change(uow, invoice, updated, Action.UPDATED)

    def issue_invoice(
        self,
        invoice_id: str,
        *,
        issued_on: date | str | None = None,
        due_on: date | str | None = None,
        if_version: int | None = None,
    ) -> Invoice:
        """Issue a draft invoice: it takes the next invoice number (gapless: a number is
        used only once the issue is committed), is dated ``issued_on`` (today if None;
        never after today) and due on ``due_on`` (after the business's payment terms if
        None). An invoice without lines is refused. Issued, it never changes again but
        for the money paid and credited."""
        problems = f.Problems()
        day = problems.clean("issued_on", f.DAY, issued_on)
        due = problems.clean("due_on", f.DAY, due_on)
        problems.done()
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            expect(invoice, if_version)
            _must_be(invoice, InvoiceStatus.DRAFT, "issued")
            if not invoice.lines:
                raise ValidationError.single("lines", "an invoice without lines cannot be issued")
            settings = self._settings(uow)
            issued = self._issue_day(uow, day)
            due = due or issued + timedelta(days=settings.payment_terms_days)
            if due < issued:
                raise ValidationError.single(
                    "due_on", f"must not be before the day it is issued ({issued})"
                )
            self._check_unbilled(uow, invoice)
            number = self._number(uow, settings, Series.INVOICE, issued.year)
            moved = attrs.evolve(
                invoice,
                status=InvoiceStatus.ISSUED,
                number=number,
                issued_on=issued,
                due_on=due,
            )
            return self._change(uow, invoice, moved, Action.ISSUED)

    def void_invoice(
        self, invoice_id: str, reason: str, *, if_version: int | None = None
    ) -> Invoice:
        """Void an issued invoice holding no standing payments (:class:`ConflictError`
        on ``payments``) and no credit notes (on ``credit_notes``): it keeps its number,
        which is never given again, and its jobs may be billed again."""
        why = f.check("reason", f.REASON, reason)
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            expect(invoice, if_version)
            _must_stand(invoice, "voided")
            standing = uow.payments.list(
                self.user_id, PaymentFilter(invoice_id=invoice.id, voided=False)
            )
            if standing or invoice.amount_paid:
                raise ConflictError(
                    "payments",
                    f"{_named(invoice)} holds {len(standing)} payment(s): void them first",
                )
            if invoice.amount_credited or self._credit_notes(uow, invoice):
                raise ConflictError(
                    "credit_notes", f"{_named(invoice)} has been corrected by a credit note"
                )
            voided = attrs.evolve(
                invoice, status=InvoiceStatus.VOID, voided_at=self._now(), void_reason=why
            )
            return self._change(uow, invoice, voided, Action.VOIDED)

    def credit_invoice(
        self,
        invoice_id: str,
        *,
        lines: Sequence[object] | None = None,
        notes: str | None = None,
        issued_on: date | str | None = None,
        if_version: int | None = None,
    ) -> Invoice:
        """Issue a credit note correcting an issued invoice: its own number (the credit
        note series), the invoice's currency and price mode, and ``lines`` (all the
        invoice's lines if None: a full credit). Its total may not exceed what the
        invoice has not been credited yet. The invoice's ``amount_credited`` and status
        follow. ``if_version`` is the invoice's version the caller saw."""
        problems = f.Problems()
        given = None if lines is None else problems.clean("lines", LINE_REQUESTS, lines)
        text = problems.clean("notes", f.NOTES, notes)
        day = problems.clean("issued_on", f.DAY, issued_on)
        problems.done()
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            expect(invoice, if_version)
            _must_stand(invoice, "credited")
            settings = self._settings(uow)
            credited = invoice.lines if given is None else _resolved(given, settings)
            if not credited:
                raise ValidationError.single("lines", "a credit note needs lines")
            sums = _figured(credited, invoice.prices_include_tax)
            room = invoice.total - invoice.amount_credited
            if sums["total"] > room:
                raise ValidationError.single(
                    "lines",
                    f"the credit of {sums['total']} exceeds the {room} of "
                    f"{_named(invoice)} not yet credited",
                )
            issued = self._issue_day(uow, day)
            if issued < (invoice.issued_on or issued):
                raise ValidationError.single(
                    "issued_on", f"must not be before the invoice's {invoice.issued_on}"
                )
            now = self._now()
            note = Invoice(
                id=self._app.ids(),
                user_id=self.user_id,
                customer_id=invoice.customer_id,
                kind=InvoiceKind.CREDIT_NOTE,
                number=self._number(uow, settings, Series.CREDIT_NOTE, issued.year),
                status=InvoiceStatus.ISSUED,
                lines=credited,
                notes=text,
                currency=invoice.currency,
                prices_include_tax=invoice.prices_include_tax,
                **sums,
                issued_on=issued,
                due_on=issued,
                amount_paid=ZERO,
                amount_credited=ZERO,
                corrects=invoice.id,
                voided_at=None,
                void_reason=None,
                created_at=now,
                updated_at=now,
            )
            self._create(uow, note, False, Action.ISSUED)
            amount_credited = invoice.amount_credited + note.total
            self._change(
                uow,
                invoice,
                attrs.evolve(
                    invoice,
                    amount_credited=amount_credited,
                    status=settled_status(invoice.total, invoice.amount_paid, amount_credited),
                ),
                Action.UPDATED,
            )
            return note

    def delete_invoice(self, invoice_id: str, *, if_version: int | None = None) -> Deleted:
        """Delete a draft invoice (an issued one is kept: :class:`ConflictError` on
        ``status``)."""
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            expect(invoice, if_version)
            _must_be(invoice, InvoiceStatus.DRAFT, "deleted")
            return self._delete(uow, invoice)

    # -- payments made to invoices ------------------------------------------------------
    def pay_invoice(
        self,
        invoice_id: str,
        amount: object,
        *,
        method: Method | str | None = None,
        received_on: date | str | None = None,
        reference: str | None = None,
        note: str | None = None,
        id: str | None = None,
        if_version: int | None = None,
    ) -> tuple[Payment, ...]:
        """Record money received for an issued invoice, at most its balance, by
        ``method`` (``other`` if not given) on ``received_on`` (today). It is
        split: each of the invoice's jobs, in the order of its lines, gets a payment of
        what it still owes (as much as is left), and what is left after that (the tax,
        lines of no job) is one payment of the invoice alone. The jobs' and the
        invoice's money and status follow. With ``id``, the first payment takes it and
        the others ``id-2``, ``id-3``...; sent again, the same payments are returned
        (whatever ``if_version``, the invoice's version the caller saw, says: they moved
        the invoice on)."""
        problems = f.Problems()
        money = problems.clean("amount", f.AMOUNT, amount)
        how = problems.clean("method", f.Choice(Method).but(optional=True), method)
        day = problems.clean("received_on", f.DAY, received_on)
        ref = problems.clean("reference", f.REFERENCE, reference)
        text = problems.clean("note", f.NOTES, note)
        chosen = problems.clean("id", f.ID.but(optional=True), id)
        problems.done()
        assert money is not None
        how = how or Method.OTHER
        with self._tx() as uow:
            invoice = self._invoice(uow, invoice_id)
            now = self._now()
            when = self._received_on(uow, day, now)
            if chosen is not None:
                again = self._paid_before(uow, chosen, invoice, money, how, when, ref, text)
                if again:
                    return again
            expect(invoice, if_version)
            _must_stand(invoice, "paid")
            if money > invoice.balance:
                raise ValidationError.single(
                    "amount",
                    f"{money} is more than the {max(invoice.balance, ZERO)} {_named(invoice)} asks",
                )
            parts: list[tuple[Job | None, Decimal]] = []
            left = money
            for job_id in invoice.job_ids:
                if left <= ZERO:
                    break
                job = uow.jobs.get(self.user_id, job_id)
                part = min(left, job.owed) if job is not None else ZERO
                if part > ZERO:
                    parts.append((job, part))
                    left -= part
            if left > ZERO:
                parts.append((None, left))
            made = []
            for n, (job, part) in enumerate(parts, 1):
                payment = Payment(
                    id=_part_id(chosen, n) or self._app.ids(),
                    user_id=self.user_id,
                    job_id=None if job is None else job.id,
                    kind=PaymentKind.PAYMENT,
                    method=how,
                    amount=part,
                    received_on=when,
                    reference=ref,
                    note=text,
                    recorded_at=now,
                    invoice_id=invoice.id,
                )
                made.append(self._create(uow, payment, False))
                if job is not None:
                    self._move_money(uow, job, part, payment)
            self._move_invoice_money(uow, invoice.id, money)
            return tuple(made)

    def payments_of_invoice(self, invoice_id: str) -> Sequence[Payment]:
        """The payments made to an invoice, voided ones included, in the order received."""
        with self._tx(write=False) as uow:
            invoice = self._invoice(uow, invoice_id)
            return uow.payments.list(self.user_id, PaymentFilter(invoice_id=invoice.id))

    # -- reports ------------------------------------------------------------------------
    def invoice_aging(self, as_of: date | str | None = None) -> InvoiceAgingReport:
        """What issued invoices still ask on the local day ``as_of`` (today if None), by
        days past their due date (not yet due, 1-30, 31-60, 61-90, more than 90), per
        customer and in total."""
        day = f.check("as_of", f.DAY, as_of)
        with self._tx(write=False) as uow:
            when = day or self._calendar(uow).local_date(self._now())
            try:
                bounds = [when] + [when - timedelta(days=n - 1) for n in AGING_DAYS[1:]]
            except OverflowError as exc:
                raise ValidationError.single(
                    "as_of", f"is out of the supported range ({exc})"
                ) from None
            rows = uow.reports.invoice_aging(self.user_id, bounds)
        return InvoiceAgingReport(when, tuple(rows), sum((r.aging for r in rows), InvoiceAging()))

    def overdue_invoices(self, limit: int = OVERDUE_LIMIT) -> Sequence[Invoice]:
        """Up to ``limit`` issued invoices still owing after their due date, by due date
        then number."""
        size = f.check("limit", LIMIT, limit) or 0
        with self._tx(write=False) as uow:
            today = self._calendar(uow).local_date(self._now())
            if size == 0:
                return ()
            return tuple(uow.reports.overdue_invoices(self.user_id, today, size)[:size])

    # -- helpers ------------------------------------------------------------------------
    def _settings(self, uow: UnitOfWork) -> BillingSettings:
        return uow.billing.get(self.user_id) or BillingSettings(user_id=self.user_id)

    def _quote(self, uow: UnitOfWork, quote_id: object) -> Quote:
        checked = f.check("quote_id", f.ID, quote_id)
        found = uow.quotes.get(self.user_id, checked or "")
        if found is None:
            raise NotFoundError("quote", str(quote_id))
        return found

    def _invoice(self, uow: UnitOfWork, invoice_id: object) -> Invoice:
        checked = f.check("invoice_id", f.ID, invoice_id)
        found = uow.invoices.get(self.user_id, checked or "")
        if found is None:
            raise NotFoundError("invoice", str(invoice_id))
        return found

    def _delete(self, uow: UnitOfWork, doc: Quote | Invoice) -> Deleted:
        """Delete a quote or an invoice, kept in the history."""
        record = self._recorder(uow)
        record.deleted(doc)
        if isinstance(doc, Quote):
            gone = uow.quotes.delete(self.user_id, doc.id)
        else:
            gone = uow.invoices.delete(self.user_id, doc.id)
        self._saved(record)
        return gone

    def _number(self, uow: UnitOfWork, settings: BillingSettings, series: Series, year: int) -> str:
        """The next number of ``series`` for a document dated in ``year``."""
        number_format = settings.format_of(series)
        number = uow.billing.next_number(self.user_id, series, period_of(number_format, year))
        return number_for(number_format, year, number)

    def _issue_day(self, uow: UnitOfWork, day: date | None) -> date:
        today = self._calendar(uow).local_date(self._now())
        if day is None:
            return today
        if day > today:
            raise ValidationError.single("issued_on", f"must not be after today ({today})")
        return day

    def _job_lines(
        self,
        uow: UnitOfWork,
        customer: Customer,
        job_ids: Sequence[str],
        settings: BillingSettings,
    ) -> tuple[Line, ...]:
        """A line for each job: its title, once, at its actual cost and the default tax."""
        tax = settings.rate(settings.default_tax)
        made = []
        for job_id in job_ids:
            job = self._job(uow, job_id)
            if job.status is not JobStatus.COMPLETED or job.actual_cost is None:
                raise ValidationError.single(
                    "job_ids", f"job {quoted(job.id)} is not completed with an actual cost"
                )
            if job.customer_id != customer.id:
                raise ValidationError.single(
                    "job_ids", f"job {quoted(job.id)} is not for customer {quoted(customer.id)}"
                )
            made.append(
                Line(
                    description=_line_text(job.title),
                    quantity=Decimal("1.000"),
                    unit=None,
                    unit_price=job.actual_cost,
                    discount=ZERO,
                    tax_name=None if tax is None else tax.name,
                    tax_rate=Decimal("0.000") if tax is None else tax.rate,
                    job_id=job.id,
                )
            )
        return tuple(made)

    def _check_unbilled(self, uow: UnitOfWork, invoice: Invoice) -> None:
        """Refuse an invoice billing a job another invoice (not void) bills already."""
        for job_id in invoice.job_ids:
            self._job(uow, job_id)
            for other in uow.invoices.list(self.user_id, InvoiceFilter(job_id=job_id)):
                if (
                    other.id != invoice.id
                    and other.kind is InvoiceKind.INVOICE
                    and other.status is not InvoiceStatus.VOID
                ):
                    raise ConflictError(
                        "job_ids", f"job {quoted(job_id)} is billed by {_named(other)} already"
                    )

    def _credit_notes(self, uow: UnitOfWork, invoice: Invoice) -> list[Invoice]:
        notes = uow.invoices.list(
            self.user_id,
            InvoiceFilter(customer_id=invoice.customer_id, kind=InvoiceKind.CREDIT_NOTE),
        )
        return [n for n in notes if n.corrects == invoice.id]

    def _paid_before(
        self,
        uow: UnitOfWork,
        chosen: str,
        invoice: Invoice,
        amount: Decimal,
        method: Method,
        received_on: date,
        reference: str | None,
        note: str | None,
    ) -> tuple[Payment, ...]:
        """The payments of the same request, sent before with the id ``chosen``; ()
        if there are none; :class:`ConflictError` if another request took the id."""
        first = uow.payments.get(self.user_id, chosen)
        if first is None:
            return ()
        found = [first]
        n = 2
        while (more := uow.payments.get(self.user_id, f"{chosen}-{n}")) is not None:
            if more.invoice_id != invoice.id or more.recorded_at != first.recorded_at:
                break
            found.append(more)
            n += 1
        same = (
            first.invoice_id == invoice.id
            and sum((p.amount for p in found), ZERO) == amount
            and all((p.method, p.reference, p.note) == (method, reference, note) for p in found)
            and (first.received_on == received_on)
        )
        if not same:
            raise ConflictError(
                "id",
                f"a payment with id {quoted(chosen)} was made by another request; "
                "choose another id",
            )
        return tuple(uow.payments.get(self.user_id, p.id) or p for p in found)


def _resolved(lines: Sequence[Line | LineRequest], settings: BillingSettings) -> tuple[Line, ...]:
    """The lines as written: each request's ``tax`` resolved to one of the business's
    rates (its default when left out; None: no tax)."""
    made = []
    for number, line in enumerate(lines, 1):
        if isinstance(line, Line):
            made.append(line)
            continue
        name = settings.default_tax if line.tax is UNSET else line.tax
        assert not isinstance(name, type(UNSET))
        try:
            rate = settings.rate(name)
        except ValidationError as exc:
            raise ValidationError.single(
                "lines", f"item {number}: {exc.errors[0].message}"
            ) from None
        try:
            made.append(
                Line(
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    discount=line.discount,
                    tax_name=None if rate is None else rate.name,
                    tax_rate=Decimal("0.000") if rate is None else rate.rate,
                    job_id=line.job_id,
                )
            )
        except ValidationError as exc:
            first = exc.errors[0]
            raise ValidationError.single(
                "lines", f"item {number}: {first.field}: {first.message}"
            ) from None
    return tuple(made)


class _Sums(TypedDict):
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def _figured(lines: Sequence[Line], prices_include_tax: bool) -> _Sums:
    """A document's ``subtotal``, ``tax`` and ``total``, from its lines
    (:func:`~jobtrack_core.documents.figures`, the one place they are reckoned)."""
    made = figures(lines, prices_include_tax)
    return {"subtotal": made.subtotal, "tax": made.tax, "total": made.total}


def _line_text(title: str) -> str:
    return title[: f.LINE_TEXT.limit]


def _part_id(chosen: str | None, n: int) -> str | None:
    if chosen is None:
        return None
    return chosen if n == 1 else f"{chosen}-{n}"


def _must_be(doc: Quote | Invoice, status: QuoteStatus | InvoiceStatus, done: str) -> None:
    if doc.status is not status:
        raise ConflictError(
            "status",
            f"{_named(doc)} is {doc.status.value}: only a {status.value} one is {done}",
        )


def _must_stand(invoice: Invoice, done: str) -> None:
    """Refuse (on ``status``) anything but an issued invoice that is not void."""
    if invoice.kind is not InvoiceKind.INVOICE or invoice.status not in STANDING:
        raise ConflictError(
            "status",
            f"{_named(invoice)} is {invoice.status.value}: only an issued invoice is {done}",
        )


def _named(doc: Quote | Invoice) -> str:
    kind = "quote" if isinstance(doc, Quote) else doc.kind.value.replace("_", " ")
    return f"{kind} {quoted(doc.number or doc.id)}"


def _stale_settings(settings: BillingSettings, version: int) -> VersionConflict:
    return VersionConflict("billing", settings.user_id, version, settings)


__all__ = ["OVERDUE_LIMIT", "Billing"]
