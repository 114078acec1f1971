"""An account that bills: settings, numbers, quotes, invoices, a credit note and payments to
invoices, written straight through the store's repositories in one unit of work (as an
import writes them), so that the interchange tests need nothing more of the workspace
than customers, jobs and payments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core import Jobtrack, Workspace
from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
    Series,
    TaxRate,
    figures,
    number_for,
    period_of,
    settled_status,
)
from jobtrack_core.entities import Payment, PaymentKind, PaymentMethod
from jobtrack_core.money import ZERO
from jobtrack_core.ports import UnitOfWork

D = Decimal


def line(
    description: str,
    quantity: str,
    unit_price: str,
    *,
    unit: str | None = None,
    discount: str = "0",
    tax: tuple[str, str] | None = ("VAT", "20"),
    job_id: str | None = None,
) -> Line:
    name, rate = tax if tax else (None, "0")
    return Line.parse(
        {
            "description": description,
            "quantity": quantity,
            "unit": unit,
            "unit_price": unit_price,
            "discount": discount,
            "tax_name": name,
            "tax_rate": rate,
            "job_id": job_id,
        }
    )


def settings_of(user_id: str, now: datetime, **fields: Any) -> BillingSettings:
    values: dict[str, Any] = {
        "user_id": user_id,
        "currency": "GBP",
        "tax_rates": (
            TaxRate.parse({"name": "VAT", "rate": "20"}),
            TaxRate.parse({"name": "zero", "rate": "0"}),
        ),
        "default_tax": "VAT",
        "payment_instructions": "Sort code 12-34-56\n=account 1234",
        "updated_at": now,
    }
    values.update(fields)
    return BillingSettings.parse(values)


def _number(uow: UnitOfWork, settings: BillingSettings, series: Series, on: date) -> str:
    form = settings.format_of(series)
    taken = uow.billing.next_number(settings.user_id, series, period_of(form, on.year))
    return number_for(form, on.year, taken)


def quote_of(
    user_id: str,
    id: str,
    customer_id: str,
    lines: tuple[Line, ...],
    now: datetime,
    *,
    settings: BillingSettings,
    number: str | None = None,
    status: QuoteStatus = QuoteStatus.DRAFT,
    issued_on: date | None = None,
    job_id: str | None = None,
) -> Quote:
    made = figures(lines, settings.prices_include_tax)
    decided = status not in (QuoteStatus.DRAFT, QuoteStatus.SENT)
    return Quote(
        id=id,
        user_id=user_id,
        customer_id=customer_id,
        number=number,
        status=status,
        title=f"Quote {id}",
        notes=None,
        lines=lines,
        currency=settings.currency,
        prices_include_tax=settings.prices_include_tax,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=issued_on,
        valid_until=issued_on + timedelta(days=30) if issued_on else None,
        decided_at=now if decided else None,
        job_id=job_id,
        created_at=now,
        updated_at=now,
    )


def invoice_of(
    user_id: str,
    id: str,
    customer_id: str,
    lines: tuple[Line, ...],
    now: datetime,
    *,
    settings: BillingSettings,
    number: str | None = None,
    issued_on: date | None = None,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    corrects: str | None = None,
    notes: str | None = None,
) -> Invoice:
    made = figures(lines, settings.prices_include_tax)
    return Invoice(
        id=id,
        user_id=user_id,
        customer_id=customer_id,
        kind=kind,
        number=number,
        status=InvoiceStatus.DRAFT if number is None else InvoiceStatus.ISSUED,
        lines=lines,
        notes=notes,
        currency=settings.currency,
        prices_include_tax=settings.prices_include_tax,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=settings.payment_terms_days) if issued_on else None,
        amount_paid=ZERO,
        amount_credited=ZERO,
        corrects=corrects,
        voided_at=None,
        void_reason=None,
        created_at=now,
        updated_at=now,
    )


def settle(invoice: Invoice, paid: Decimal, credited: Decimal) -> Invoice:
    """The issued invoice holding ``paid`` and ``credited``, its status following."""
    status = settled_status(invoice.total, paid, credited)
    return attrs.evolve(
        invoice,
        amount_paid=paid,
        amount_credited=credited,
        status=status,
        version=invoice.version + 1,
    )


def payment_of(
    user_id: str,
    id: str,
    amount: str,
    now: datetime,
    *,
    invoice_id: str,
    job_id: str | None = None,
    kind: PaymentKind = PaymentKind.PAYMENT,
    voided: bool = False,
) -> Payment:
    return Payment(
        id=id,
        user_id=user_id,
        job_id=job_id,
        kind=kind,
        method=PaymentMethod.BANK_TRANSFER,
        amount=D(amount),
        received_on=now.date(),
        reference=f"ref {id}",
        note=None,
        recorded_at=now,
        voided_at=now if voided else None,
        void_reason="bounced" if voided else None,
        invoice_id=invoice_id,
    )


def bill(app: Jobtrack, ws: Workspace) -> dict[str, str]:
    """Give ``ws``'s account billing: its settings, a sent and an accepted quote and a
    draft, an invoice paid in part (a payment for its job and one for the rest, and one
    voided), an invoice fully credited by a credit note, a void invoice and a draft
    invoice. Returns the ids by name."""
    now = app.now()
    today = now.date()
    owner = ws.user_id
    ann = ws.add_customer('Ann, "the" boss')
    bob = ws.add_customer("Bob")
    roof = ws.create_job(ann.id, "Roof")
    ws.start_job(roof.id)
    ws.complete_job(roof.id, actual_cost="400.00")
    deck = ws.create_job(bob.id, "Deck")
    settings = settings_of(owner, now)
    with app.unit() as uow:
        uow.billing.put(settings)
        sent = quote_of(
            owner,
            "q-sent",
            ann.id,
            (line("Labour", "2.5", "40", unit="h"), line("Nails; a box", "1", "9.99")),
            now,
            settings=settings,
            number=_number(uow, settings, Series.QUOTE, today),
            status=QuoteStatus.SENT,
            issued_on=today,
        )
        accepted = quote_of(
            owner,
            "q-accepted",
            bob.id,
            (line("Deck boards", "12", "18.5", discount="2.00"),),
            now,
            settings=settings,
            number=_number(uow, settings, Series.QUOTE, today),
            status=QuoteStatus.ACCEPTED,
            issued_on=today,
            job_id=deck.id,
        )
        draft_quote = quote_of(owner, "q-draft", ann.id, (), now, settings=settings)
        for quote in (sent, accepted, draft_quote):
            uow.quotes.add(quote)
        part = invoice_of(
            owner,
            "inv-part",
            ann.id,
            (
                line("Roof", "1", "400.00", job_id=roof.id),
                line("Skip hire", "1", "85.50", tax=("zero", "0")),
            ),
            now,
            settings=settings,
            number=_number(uow, settings, Series.INVOICE, today),
            issued_on=today,
            notes="-10% next time",
        )
        credited = invoice_of(
            owner,
            "inv-credited",
            bob.id,
            (line("Call-out", "1", "60"),),
            now,
            settings=settings,
            number=_number(uow, settings, Series.INVOICE, today),
            issued_on=today,
        )
        note = invoice_of(
            owner,
            "cn-1",
            bob.id,
            credited.lines,
            now,
            settings=settings,
            number=_number(uow, settings, Series.CREDIT_NOTE, today),
            issued_on=today,
            kind=InvoiceKind.CREDIT_NOTE,
            corrects=credited.id,
        )
        void = invoice_of(
            owner,
            "inv-void",
            bob.id,
            (line("Wrong customer", "1", "10"),),
            now,
            settings=settings,
            number=_number(uow, settings, Series.INVOICE, today),
            issued_on=today,
        )
        void = attrs.evolve(
            void, status=InvoiceStatus.VOID, voided_at=now, void_reason="wrong customer"
        )
        draft = invoice_of(
            owner, "inv-draft", bob.id, (line("Later", "0.333", "1.99"),), now, settings=settings
        )
        for invoice in (part, credited, note, void, draft):
            uow.invoices.add(invoice)
        payments = [
            payment_of(owner, "pay-job", "300.00", now, invoice_id=part.id, job_id=roof.id),
            payment_of(owner, "pay-rest", "20.00", now, invoice_id=part.id),
            payment_of(owner, "pay-void", "50.00", now, invoice_id=part.id, voided=True),
        ]
        uow.payments.add_many(payments)
        uow.jobs.update(attrs.evolve(uow.jobs.get(owner, roof.id), amount_paid=D("300.00")))
        uow.invoices.update(settle(part, D("320.00"), ZERO))
        uow.invoices.update(settle(credited, ZERO, note.total))
    return {"ann": ann.id, "bob": bob.id, "roof": roof.id, "deck": deck.id}
