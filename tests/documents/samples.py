"""Documents as a business would send them, built as records: a quote, an invoice of
several lines at two tax rates with a discount, partly paid; its credit note; a draft; a
void invoice; a 60-line invoice that runs over several pages; and text holding markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
    TaxRate,
    figures,
    settled_status,
)
from jobtrack_core.entities import Customer, User

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
ISSUED = date(2025, 7, 1)
DUE = date(2025, 7, 31)
D = Decimal

BUSINESS = User(
    id="u-1",
    email="lee@example.com",
    name="Lee Park",
    business_name="Park & Sons Plumbing",
    password_hash="x" * 20,
    created_at=NOW,
    updated_at=NOW,
)
SETTINGS = BillingSettings(
    user_id="u-1",
    currency="EUR",
    tax_rates=(TaxRate(name="VAT", rate=D("20.000")), TaxRate(name="reduced", rate=D("5.500"))),
    default_tax="VAT",
    address="12 Quay Street\nBristol BS1 4DJ",
    phone="0117 496 0000",
    email="billing@parkandsons.example",
    tax_id="GB 123 4567 89",
    payment_instructions=(
        "Bank transfer to IBAN GB33 BUKB 2020 1555 5555 55\nReference: the invoice number"
    ),
)
CUSTOMER = Customer(
    id="c-1",
    user_id="u-1",
    name="Ada Lovelace",
    email="ada@example.com",
    phone=None,
    address="1 Analytical Row\nLondon W1 2AB",
    business_name="Engines <Ltd> & Co",
    notes=None,
    created_at=NOW,
    updated_at=NOW,
)


def line(
    description: str,
    quantity: str,
    unit_price: str,
    *,
    unit: str | None = None,
    discount: str = "0",
    tax: str | None = "VAT",
) -> Line:
    rate = {"VAT": D("20.000"), "reduced": D("5.500"), None: D("0.000")}[tax]
    return Line(
        description=description,
        quantity=D(quantity).quantize(D("0.001")),
        unit=unit,
        unit_price=D(unit_price).quantize(D("0.01")),
        discount=D(discount).quantize(D("0.01")),
        tax_name=tax,
        tax_rate=rate,
    )


LINES = (
    line("Call-out and diagnosis", "1", "65", tax="VAT"),
    line("Labour", "3.5", "48", unit="h", discount="18", tax="VAT"),
    line("Copper pipe 15 mm", "12", "4.35", unit="m", tax="reduced"),
    line("Thermostatic radiator valves", "4", "22.9", tax="reduced"),
)


def _sums(lines: Sequence[Line]) -> tuple[Decimal, Decimal, Decimal]:
    made = figures(lines, False)
    return made.subtotal, made.tax, made.total


def quote(**changes: Any) -> Quote:
    lines = changes.pop("lines", LINES)
    subtotal, tax, total = _sums(lines)
    made = Quote(
        id="q-1",
        user_id="u-1",
        customer_id="c-1",
        number="Q-2025-0007",
        status=QuoteStatus.SENT,
        title="New radiators, kitchen & hall",
        notes="Price holds for parts bought before the valid-until date.",
        lines=lines,
        currency="EUR",
        prices_include_tax=False,
        issued_on=ISSUED,
        valid_until=date(2025, 7, 31),
        decided_at=None,
        job_id=None,
        created_at=NOW,
        updated_at=NOW,
        subtotal=subtotal,
        tax=tax,
        total=total,
    )
    return attrs.evolve(made, **changes) if changes else made


def invoice(*, paid: str = "0", credited: str = "0", **changes: Any) -> Invoice:
    """An issued invoice of :data:`LINES` (or ``lines``), holding ``paid`` and ``credited``."""
    lines = changes.pop("lines", LINES)
    subtotal, tax, total = _sums(lines)
    status = settled_status(total, D(paid), D(credited))
    made = Invoice(
        id="i-1",
        user_id="u-1",
        customer_id="c-1",
        kind=InvoiceKind.INVOICE,
        number="INV-2025-0042",
        status=status,
        lines=lines,
        notes="Thank you for your business.",
        currency="EUR",
        prices_include_tax=False,
        issued_on=ISSUED,
        due_on=DUE,
        amount_paid=D(paid).quantize(D("0.01")),
        amount_credited=D(credited).quantize(D("0.01")),
        corrects=None,
        voided_at=None,
        void_reason=None,
        created_at=NOW,
        updated_at=NOW,
        subtotal=subtotal,
        tax=tax,
        total=total,
    )
    return attrs.evolve(made, **changes) if changes else made


#: What a page of ``invoice(paid="100")`` shows, in order, from its lines to how to pay:
#: every line (description, quantity, unit price, discount, tax, amount), the tax of each
#: rate on its base (5.5% of 143.80 is 7.909), the totals and what is still owed.
PAID_100_FIGURES = [
    "Call-out and diagnosis 1 €65.00 VAT 20% €65.00",
    "Labour 3.5 h €48.00 €18.00 VAT 20% €150.00",
    "Copper pipe 15 mm 12 m €4.35 reduced 5.5% €52.20",
    "Thermostatic radiator valves 4 €22.90 reduced 5.5% €91.60",
    "Subtotal €358.80",
    "VAT 20% on €215.00 €43.00",
    "reduced 5.5% on €143.80 €7.91",
    "Tax €50.91",
    "Total €409.71",
    "Amount paid €100.00",
    "Balance due €309.71",
    "Payment is due within 30 days, by Jul 31, 2025.",
    "IBAN GB33 BUKB 2020 1555 5555 55",
]


def draft_invoice() -> Invoice:
    return invoice(
        number=None, status=InvoiceStatus.DRAFT, issued_on=None, due_on=None, id="i-draft"
    )


def void_invoice() -> Invoice:
    return invoice(
        id="i-void", status=InvoiceStatus.VOID, voided_at=NOW, void_reason="billed twice"
    )


#: What the credit note of :func:`credit_note` gives back: the labour line.
CREDITED_LINES = (LINES[1],)


def credit_note() -> Invoice:
    """A credit note of the labour line of :func:`invoice`."""
    return invoice(
        id="cn-1",
        kind=InvoiceKind.CREDIT_NOTE,
        number="CN-2025-0003",
        lines=CREDITED_LINES,
        notes="Labour charged in error.",
        corrects="i-1",
        issued_on=date(2025, 7, 3),
        due_on=date(2025, 7, 3),
    )


def long_invoice(count: int = 60) -> Invoice:
    """``count`` lines, some long, one with a word too long for its column, one at the
    largest amount a line may bill: enough to fill several pages."""
    lines = []
    for n in range(1, count + 1):
        description = f"Item {n:02d}: fitting number {n}"
        if n % 7 == 0:
            description += (
                ", with the old fitting taken out, the pipework flushed through, the joints"
                " remade with new olives and tested under pressure for twenty minutes"
            )
        if n == 30:
            description += " " + "Unbreakable" * 12
        lines.append(
            line(
                description,
                str(n % 5 + 1),
                f"{n * 3}.{n:02d}",
                unit="pcs" if n % 2 else None,
                discount="1" if n % 10 == 0 else "0",
                tax="VAT" if n % 3 else "reduced",
            )
        )
    lines.append(line("A very large order", "1", "999999999.99", tax=None))
    return invoice(id="i-long", number="INV-2025-0100", lines=tuple(lines), paid="100")


def markup_quote() -> Quote:
    """Text a customer or a business typed that looks like markup: shown as typed."""
    return quote(
        id="q-markup",
        title="<script>alert('x')</script> & more",
        lines=(
            line("<b>Bold</b> & <script>alert(1)</script>", "1", "10"),
            line('Tom & Jerry\'s "special" <img src=http://evil.example/x.png>', "2", "5"),
        ),
        notes='<a href="https://evil.example">click</a> & <style>body{display:none}</style>',
    )
