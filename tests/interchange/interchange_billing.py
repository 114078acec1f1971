"""An account that bills: settings, numbers, quotes, invoices, a credit note and payments to
invoices, written straight through the store's repositories in one unit of work (as an
import writes them), so that the interchange tests need nothing more of the workspace
than customers, jobs and payments."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core import Jobtrack, JobtrackError, Workspace
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
from jobtrack_core.entities import Payment, PaymentKind, PaymentMethod, covered
from jobtrack_core.money import ZERO
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.tax import cents

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
        "payment_instructions": "=account 1234\nSort code 12-34-56",
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
        status=(
            InvoiceStatus.DRAFT
            if number is None
            else InvoiceStatus.ISSUED
            if kind is InvoiceKind.CREDIT_NOTE
            else settled_status(made.total, ZERO, ZERO)
        ),
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
        held = uow.jobs.get(owner, roof.id)
        assert held is not None
        uow.jobs.update(attrs.evolve(held, amount_paid=D("300.00")))
        uow.invoices.update(settle(part, D("320.00"), ZERO))
        uow.invoices.update(settle(credited, ZERO, note.total))
    return {"ann": ann.id, "bob": bob.id, "roof": roof.id, "deck": deck.id}


# -- random billing, for the round-trip property ---------------------------------------------------
#: One line: quantity in thousandths, unit price in cents, discount (percent of the
#: line), which tax rate (an index; past the rates: none), bills the job.
line_specs = st.tuples(
    st.integers(1, 100_000),
    st.integers(0, 50_000),
    st.integers(0, 100),
    st.integers(0, 2),
    st.booleans(),
)
#: One payment to an invoice: percent of what is left, pays the job, voided, a refund.
payment_specs = st.tuples(st.integers(1, 100), st.booleans(), st.booleans(), st.booleans())
invoice_specs = st.tuples(
    st.lists(line_specs, min_size=1, max_size=4),
    st.sampled_from(["draft", "issued", "void", "credited"]),
    st.lists(payment_specs, max_size=3),
    st.integers(0, 3),  # which customer
)
quote_specs = st.tuples(st.lists(line_specs, max_size=3), st.sampled_from(list(QuoteStatus)))
billings = st.tuples(
    st.booleans(),  # prices include tax
    st.sampled_from(["GBP", "EUR", "USD"]),
    st.sampled_from(["INV-{year}-{number:04d}", "F{number}"]),
    st.lists(quote_specs, max_size=3),
    st.lists(invoice_specs, max_size=5),
)


def _random_line(spec: Any, settings: BillingSettings, job_id: str | None, n: int) -> Line:
    thousandths, price, off, which, billed = spec
    quantity = D(thousandths) / 1000
    unit_price = D(price) / 100
    gross = cents(quantity * unit_price)
    rates = settings.tax_rates
    rate = rates[which] if which < len(rates) else None
    return Line(
        description=f'line {n}, "{thousandths}"',
        quantity=quantity.quantize(D("0.001")),
        unit="h" if n % 2 else None,
        unit_price=unit_price.quantize(D("0.01")),
        discount=cents(gross * off / 100) if off < 100 else gross,
        tax_name=rate.name if rate else None,
        tax_rate=rate.rate if rate else D("0.000"),
        job_id=job_id if billed else None,
    )


def bill_randomly(app: Jobtrack, ws: Workspace, spec: Any) -> None:
    """Give ``ws``'s account the billing ``spec`` (of :data:`billings`) describes, each
    record valid and the money held together: jobs and invoices hold what their payments
    add up to, invoices what their credit notes do."""
    include_tax, currency, invoice_format, quote_specs_, invoice_specs_ = spec
    now = app.now()
    today = now.date()
    owner = ws.user_id
    customers = [ws.add_customer(f"Customer {n}").id for n in range(2)]
    job = ws.create_job(customers[0], "Billed job")
    ws.start_job(job.id)
    job = ws.complete_job(job.id, actual_cost="250.00")
    settings = settings_of(
        owner,
        now,
        prices_include_tax=include_tax,
        currency=currency,
        invoice_format=invoice_format,
    )
    ids = itertools.count(1)
    job_paid = ZERO
    quoted_job: str | None = job.id  # the job an accepted quote made (the first one's)
    with app.unit() as uow:
        uow.billing.put(settings)
        for lines_spec, status in quote_specs_:
            # a quote's lines bill no job
            lines = tuple(_random_line(s, settings, None, n) for n, s in enumerate(lines_spec, 1))
            draft = status is QuoteStatus.DRAFT
            uow.quotes.add(
                quote_of(
                    owner,
                    f"q{next(ids)}",
                    customers[0],
                    lines,
                    now,
                    settings=settings,
                    number=None if draft else _number(uow, settings, Series.QUOTE, today),
                    status=status,
                    issued_on=None if draft else today,
                    job_id=quoted_job if status is QuoteStatus.ACCEPTED else None,
                )
            )
            if status is QuoteStatus.ACCEPTED:
                quoted_job = None
        payments: list[Payment] = []
        for lines_spec, outcome, paying, which in invoice_specs_:
            customer = customers[0] if any(s[4] for s in lines_spec) else customers[which % 2]
            lines = tuple(_random_line(s, settings, job.id, n) for n, s in enumerate(lines_spec, 1))
            issued = outcome != "draft"
            invoice = invoice_of(
                owner,
                f"i{next(ids)}",
                customer,
                lines,
                now,
                settings=settings,
                number=_number(uow, settings, Series.INVOICE, today) if issued else None,
                issued_on=today if issued else None,
            )
            uow.invoices.add(invoice)
            if outcome == "void":
                uow.invoices.update(
                    attrs.evolve(
                        invoice,
                        status=InvoiceStatus.VOID,
                        voided_at=now,
                        void_reason="sent twice",
                        version=2,
                    )
                )
                continue
            if not issued:
                continue
            paid = ZERO
            for share, for_job, voided, refund in paying:
                amount = cents((invoice.total - paid) * share / 100)
                if refund:
                    amount = min(amount, paid)
                if amount <= 0:
                    continue
                pays_job = for_job and not refund and job.id in invoice.job_ids
                made = payment_of(
                    owner,
                    f"p{next(ids)}",
                    str(amount),
                    now,
                    invoice_id=invoice.id,
                    job_id=job.id if pays_job else None,
                    kind=PaymentKind.REFUND if refund else PaymentKind.PAYMENT,
                    voided=voided,
                )
                payments.append(made)
                paid += made.signed
                if pays_job:
                    job_paid += made.signed
            credited = ZERO
            if outcome == "credited":
                note = invoice_of(
                    owner,
                    f"c{next(ids)}",
                    customer,
                    lines,
                    now,
                    settings=settings,
                    number=_number(uow, settings, Series.CREDIT_NOTE, today),
                    issued_on=today,
                    kind=InvoiceKind.CREDIT_NOTE,
                    corrects=invoice.id,
                )
                uow.invoices.add(note)
                credited = note.total
            if paid or credited:
                uow.invoices.update(settle(invoice, paid, credited))
        uow.payments.add_many(payments)
        if job_paid:
            stored = uow.jobs.get(owner, job.id)
            assert stored is not None
            uow.jobs.update(
                attrs.evolve(
                    stored,
                    amount_paid=job_paid,
                    paid=covered(stored.status, stored.actual_cost, job_paid) or False,
                    paid_at=None,
                )
            )


# -- billing made through the workspace, for the round trip with its history -----------------
#: A line a caller gives: quantity, unit price, discount (cents), tax (a rate's name,
#: None for no tax, or left to the default).
given_lines = st.tuples(
    st.sampled_from(["1", "2.5", "0.333", "12"]),
    st.sampled_from(["40", "9.99", "0.05", "1250.10", "0"]),
    st.sampled_from(["0", "0.01", "1.50"]),
    st.sampled_from(["VAT", "zero", None, "default"]),
    st.sampled_from(["Labour", "Nails, a box", '=SUM(A1) "quoted"', "two\nlines"]),
)
#: What becomes of a quote; of an invoice (and the share of its balance paid, in percent,
#: and which payment to void after).
quote_fates = st.sampled_from(["draft", "sent", "accepted", "declined", "deleted"])
invoice_fates = st.tuples(
    st.sampled_from(["draft", "issued", "void", "credited", "half-credited", "deleted"]),
    st.lists(st.integers(1, 100), max_size=3),
    st.sampled_from([None, 0, 1]),
    st.booleans(),  # bills the completed job
)
workspace_billings = st.tuples(
    st.booleans(),  # prices include tax
    st.sampled_from(["GBP", "EUR"]),
    st.lists(st.tuples(st.lists(given_lines, max_size=3), quote_fates), max_size=3),
    st.lists(st.tuples(st.lists(given_lines, max_size=3), invoice_fates), max_size=4),
)


def _given(spec: Any) -> dict[str, Any]:
    quantity, price, discount, tax, text = spec
    line: dict[str, Any] = {
        "description": text,
        "quantity": quantity,
        "unit": "h",
        "unit_price": price,
        "discount": discount,
    }
    if tax != "default":
        line["tax"] = tax
    return line


def bill_through_workspace(ws: Workspace, clock: Any, spec: Any) -> None:
    """Bill through the workspace as ``spec`` (of :data:`workspace_billings`) says; a step
    the workspace refuses (a discount over a line's price, a payment of nothing...)
    changes nothing and is left out."""
    include_tax, currency, quotes, invoices = spec
    ws.update_billing(
        currency=currency,
        prices_include_tax=include_tax,
        tax_rates=[{"name": "VAT", "rate": "20"}, {"name": "zero", "rate": "0"}],
        default_tax="VAT",
        payment_instructions="=pay by transfer",
    )
    customer = ws.add_customer("Ann")
    jobs = []
    for n in range(len(invoices)):
        job = ws.create_job(customer.id, f"Job {n}")
        ws.start_job(job.id)
        jobs.append(ws.complete_job(job.id, actual_cost=f"{100 + n}.50"))
    for lines, fate in quotes:
        clock.tick()
        try:
            quote = ws.create_quote(customer.id, "Kitchen", lines=[_given(s) for s in lines])
            if fate == "deleted":
                ws.delete_quote(quote.id)
            elif fate != "draft":
                ws.send_quote(quote.id)
                if fate == "accepted":
                    ws.accept_quote(quote.id)
                elif fate == "declined":
                    ws.decline_quote(quote.id)
        except JobtrackError:
            pass
    for n, (lines, (fate, shares, voided, with_job)) in enumerate(invoices):
        clock.tick()
        try:
            invoice = ws.create_invoice(
                customer.id,
                job_ids=[jobs[n].id] if with_job else [],
                lines=[_given(s) for s in lines],
                notes="net 30",
            )
            if fate == "deleted":
                ws.delete_invoice(invoice.id)
                continue
            if fate == "draft":
                continue
            ws.issue_invoice(invoice.id)
            if fate == "void":
                ws.void_invoice(invoice.id, "sent twice")
                continue
            paid: list[str] = []
            for share in shares:
                balance = ws.get_invoice(invoice.id).balance
                amount = cents(balance * share / 100)
                if amount > 0:
                    paid += [p.id for p in ws.pay_invoice(invoice.id, amount, method="card")]
            if voided is not None and voided < len(paid):
                ws.void_payment(paid[voided], "bounced")
            if fate == "credited":
                ws.credit_invoice(invoice.id)
            elif fate == "half-credited":
                first = ws.get_invoice(invoice.id).lines[:1]
                ws.credit_invoice(invoice.id, lines=list(first), notes="one line back")
        except JobtrackError:
            pass
