"""Quotes, invoices and credit notes, their lines, and the business's billing settings.

Records like those of :mod:`jobtrack_core.entities`: immutable, and impossible to build
holding a value the rules forbid. A document's ``subtotal``, ``tax`` and ``total`` must be
what :func:`jobtrack_core.tax.totals` makes of its lines, and its status must agree with
its dates, number and money, so a store is never handed a document that does not add up.

>>> from decimal import Decimal as D
>>> line = Line(description="Labour", quantity=D("2.500"), unit="h", unit_price=D("40.00"),
...             discount=D("0.00"), tax_name="VAT", tax_rate=D("20.000"))
>>> line.amount
Decimal('100.00')
>>> number_for("INV-{year}-{number:04d}", 2025, 42)
'INV-2025-0042'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

import attrs

from jobtrack_core import fields as f
from jobtrack_core.entities import Record, _stamp
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.fields import Problem, json_type, rule
from jobtrack_core.money import MAX_AMOUNT, ZERO
from jobtrack_core.tax import Totals, cents, line_amount, totals

R = TypeVar("R", bound=Record)

#: The most lines one document may hold.
MAX_LINES = 500
#: Units whose quantities are hours: an accepted quote's lines in these become the
#: job's estimated hours.
HOUR_UNITS = frozenset({"h", "hr", "hrs", "hour", "hours"})


class Records(f.Rule[tuple[R, ...]], Generic[R]):
    """A tuple of at most ``limit`` records of ``of``, given as records or as mappings of
    their fields (each parsed by :meth:`Record.parse`)."""

    def __init__(self, of: type[R], limit: int) -> None:
        super().__init__()
        self.of, self.limit = of, limit
        self.form = f"a tuple of {of.__name__}"

    def _clean(self, value: object) -> tuple[R, ...]:
        if not isinstance(value, list | tuple):
            raise Problem(f"must be a list, not {json_type(value)}")
        if len(value) > self.limit:
            raise Problem(f"must hold at most {self.limit} items")
        made: list[R] = []
        for number, item in enumerate(value, 1):
            if isinstance(item, self.of):
                made.append(item)
            elif isinstance(item, Mapping):
                try:
                    made.append(self.of.parse(item))
                except ValidationError as exc:
                    first = exc.errors[0]
                    raise Problem(f"item {number}: {first.field}: {first.message}") from None
            else:
                raise Problem(f"item {number} must be a {self.of.__name__} or an object")
        return tuple(made)

    def _same(self, value: object, cleaned: tuple[R, ...]) -> bool:
        return type(value) is tuple and all(type(item) is self.of for item in value)


@attrs.frozen
class TaxRate(Record):
    """One of the business's tax rates: a name (``"VAT"``, ``"reduced"``) and a percent."""

    name: str = rule(f.TAX_NAME)
    rate: Decimal = rule(f.PERCENT)


@attrs.frozen
class Line(Record):
    """One line of a quote or an invoice. ``amount`` is what it bills (before tax when the
    business's prices are without tax, tax included otherwise); ``discount`` is an amount
    off the line. ``tax_name`` and ``tax_rate`` are the rate the line was written with, kept
    as they were even if the business's rates change later (no name: no tax). ``job_id``
    names the job the line bills, if any."""

    description: str = rule(f.LINE_TEXT)
    quantity: Decimal = rule(f.QUANTITY)
    unit: str | None = rule(f.UNIT)
    unit_price: Decimal = rule(f.PAID_AMOUNT)
    discount: Decimal = rule(f.PAID_AMOUNT, default=ZERO)
    tax_name: str | None = rule(f.TAX_NAME.but(optional=True), default=None)
    tax_rate: Decimal = rule(f.PERCENT, default=Decimal("0.000"))
    job_id: str | None = rule(f.ID.but(optional=True), default=None)

    def _invariants(self) -> list[FieldError]:
        errors = []
        gross = cents(self.quantity * self.unit_price)
        if gross > MAX_AMOUNT:
            errors.append(FieldError("unit_price", f"quantity times price exceeds {MAX_AMOUNT}"))
        elif self.discount > gross:
            errors.append(FieldError("discount", f"must not exceed the line's {gross}"))
        if self.tax_name is None and self.tax_rate:
            errors.append(FieldError("tax_name", "is required with a tax rate"))
        return errors

    @property
    def amount(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price, self.discount)


LINES = Records(Line, MAX_LINES)
TAX_RATES = Records(TaxRate, 20)


def figures(lines: Sequence[Line], prices_include_tax: bool) -> Totals:
    """A document's totals from its lines (:func:`jobtrack_core.tax.totals`)."""
    return totals(((line.amount, line.tax_rate) for line in lines), prices_include_tax)


class _Billed:
    """What quotes and invoices share: totals that must add up, and a number and a day
    given exactly once they leave the draft."""

    __slots__ = ()
    number: str | None
    issued_on: date | None
    lines: tuple[Line, ...]
    prices_include_tax: bool
    subtotal: Decimal
    tax: Decimal
    total: Decimal

    @property
    def totals(self) -> Totals:
        return figures(self.lines, self.prices_include_tax)

    def _sums(self) -> list[FieldError]:
        made = self.totals
        if (made.subtotal, made.tax, made.total) != (self.subtotal, self.tax, self.total):
            return [FieldError("total", f"must be what the lines make: {made.total}")]
        return []

    def _billed(self, draft: bool, done: str) -> list[FieldError]:
        """The errors of :meth:`_sums`, and of a ``number`` and ``issued_on`` not set
        exactly once it is ``done`` (no longer a ``draft``)."""
        errors = self._sums()
        if (self.number is None) != draft or (self.issued_on is None) != draft:
            errors.append(FieldError("number", f"and issued_on are set exactly once it is {done}"))
        return errors


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


@attrs.frozen
class Quote(_Billed, Record):
    """An offer for work: a draft, then sent (numbered, dated, valid until a day), then
    accepted (which made the job ``job_id``; None once that job is deleted), declined
    or expired."""

    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    customer_id: str = rule(f.ID)
    number: str | None = rule(f.REFERENCE)
    status: QuoteStatus = rule(f.Choice(QuoteStatus))
    title: str = rule(f.TITLE)
    notes: str | None = rule(f.NOTES)
    lines: tuple[Line, ...] = rule(LINES)
    currency: str = rule(f.CURRENCY)
    prices_include_tax: bool = rule(f.FLAG)
    subtotal: Decimal = rule(f.PAID_AMOUNT)
    tax: Decimal = rule(f.PAID_AMOUNT)
    total: Decimal = rule(f.PAID_AMOUNT)
    issued_on: date | None = rule(f.DAY)
    valid_until: date | None = rule(f.DAY)
    decided_at: datetime | None = _stamp(optional=True)
    job_id: str | None = rule(f.ID.but(optional=True))
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    version: int = rule(f.VERSION, default=1)

    def _invariants(self) -> list[FieldError]:
        draft = self.status is QuoteStatus.DRAFT
        errors = self._billed(draft, "sent")
        decided = self.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT)
        if (self.decided_at is not None) != decided:
            errors.append(FieldError("decided_at", "is set exactly once it is decided"))
        if self.job_id is not None and self.status is not QuoteStatus.ACCEPTED:
            errors.append(FieldError("job_id", "is set only once the quote is accepted"))
        if any(line.job_id is not None for line in self.lines):
            errors.append(FieldError("lines", "of a quote bill no job yet"))
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            errors.append(FieldError("valid_until", "must not be before the day it was sent"))
        return errors

    def expired_on(self, today: date) -> bool:
        """Whether a sent quote is past its validity on ``today``."""
        return (
            self.status is QuoteStatus.SENT
            and self.valid_until is not None
            and self.valid_until < today
        )


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"  # a correction of an issued invoice, which it names


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    VOID = "void"


#: The statuses of an issued invoice that is not void: the ones that can owe money.
STANDING = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.PAID})


def settled_status(total: Decimal, paid: Decimal, credited: Decimal) -> InvoiceStatus:
    """The status of an issued invoice of ``total`` holding ``paid`` and ``credited``."""
    if paid + credited >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if paid + credited > ZERO else InvoiceStatus.ISSUED


@attrs.frozen
class Invoice(_Billed, Record):
    """A bill to one customer, or a credit note correcting one (``kind``, ``corrects``).

    A draft has no number and may change. Issued, it is numbered, dated and due on
    ``due_on``, and never changes again but for the money: ``amount_paid`` (its standing
    payments) and ``amount_credited`` (its credit notes), from which ``status`` follows
    (issued, partly paid, paid). A void invoice keeps its number, and says why. A credit
    note is issued at once and never holds money itself.
    """

    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    customer_id: str = rule(f.ID)
    kind: InvoiceKind = rule(f.Choice(InvoiceKind))
    number: str | None = rule(f.REFERENCE)
    status: InvoiceStatus = rule(f.Choice(InvoiceStatus))
    lines: tuple[Line, ...] = rule(LINES)
    notes: str | None = rule(f.NOTES)
    currency: str = rule(f.CURRENCY)
    prices_include_tax: bool = rule(f.FLAG)
    subtotal: Decimal = rule(f.PAID_AMOUNT)
    tax: Decimal = rule(f.PAID_AMOUNT)
    total: Decimal = rule(f.PAID_AMOUNT)
    issued_on: date | None = rule(f.DAY)
    due_on: date | None = rule(f.DAY)
    amount_paid: Decimal = rule(f.PAID_AMOUNT)
    amount_credited: Decimal = rule(f.PAID_AMOUNT)
    corrects: str | None = rule(f.ID.but(optional=True))
    voided_at: datetime | None = _stamp(optional=True)
    void_reason: str | None = rule(f.REASON.but(optional=True))
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    version: int = rule(f.VERSION, default=1)

    def _invariants(self) -> list[FieldError]:
        draft = self.status is InvoiceStatus.DRAFT
        errors = self._billed(draft, "issued")
        if not draft and (self.due_on is None or self.due_on < (self.issued_on or date.min)):
            errors.append(FieldError("due_on", "must be set, not before the day it was issued"))
        void = self.status is InvoiceStatus.VOID
        if (self.voided_at is not None) != void or (self.void_reason is not None) != void:
            errors.append(FieldError("void_reason", "is given exactly when it is void"))
        credit_note = self.kind is InvoiceKind.CREDIT_NOTE
        if (self.corrects is not None) != credit_note:
            errors.append(FieldError("corrects", "names the invoice a credit note corrects"))
        held = self.amount_paid + self.amount_credited
        if credit_note and (held or self.status is not InvoiceStatus.ISSUED):
            errors.append(FieldError("status", "of a credit note is issued, holding no money"))
        elif (draft or void) and self.amount_credited:
            errors.append(FieldError("amount_credited", "is 0 unless it is issued"))
        elif draft and self.amount_paid:
            errors.append(FieldError("amount_paid", "is 0 on a draft"))
        elif (
            not credit_note
            and self.status in STANDING
            and self.status
            is not settled_status(self.total, self.amount_paid, self.amount_credited)
        ):
            errors.append(FieldError("status", "must say what amount_paid settles"))
        return errors

    @property
    def balance(self) -> Decimal:
        """What is still owed on an issued invoice (total less paid and credited); less
        than 0 when the customer is owed money back. 0 for a draft, a void invoice and a
        credit note."""
        if self.status not in STANDING or self.kind is InvoiceKind.CREDIT_NOTE:
            return ZERO
        return self.total - self.amount_paid - self.amount_credited

    def overdue_on(self, today: date) -> bool:
        """Whether something is still owed after its due date."""
        return self.balance > ZERO and self.due_on is not None and self.due_on < today

    @property
    def job_ids(self) -> tuple[str, ...]:
        """The jobs its lines bill, each once, in the order of the lines."""
        return tuple(dict.fromkeys(line.job_id for line in self.lines if line.job_id))


class Series(enum.StrEnum):
    """The numbering series of a business: each gapless and never reused."""

    QUOTE = "quote"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@attrs.frozen
class BillingSettings(Record):
    """How a business bills: its currency, whether its prices include tax, its tax rates
    (``default_tax`` names the one lines taken from jobs get), its numbering formats,
    payment terms, a quote's validity, and what its documents show of it."""

    user_id: str = rule(f.ID)
    currency: str = rule(f.CURRENCY, default="USD")
    prices_include_tax: bool = rule(f.FLAG, default=False)
    tax_rates: tuple[TaxRate, ...] = rule(TAX_RATES, default=())
    default_tax: str | None = rule(f.TAX_NAME.but(optional=True), default=None)
    invoice_format: str = rule(f.NUMBER_FORMAT, default="INV-{year}-{number:04d}")
    quote_format: str = rule(f.NUMBER_FORMAT, default="Q-{year}-{number:04d}")
    credit_note_format: str = rule(f.NUMBER_FORMAT, default="CN-{year}-{number:04d}")
    payment_terms_days: int = rule(f.DAYS, default=30)
    quote_valid_days: int = rule(f.DAYS, default=30)
    address: str | None = rule(f.ADDRESS, default=None)
    phone: str | None = rule(f.PHONE, default=None)
    email: str | None = rule(f.EMAIL, default=None)
    tax_id: str | None = rule(f.REFERENCE, default=None)
    payment_instructions: str | None = rule(f.NOTES, default=None)
    updated_at: datetime | None = _stamp(optional=True, default=None)
    version: int = rule(f.VERSION, default=1)

    def _invariants(self) -> list[FieldError]:
        names = [r.name for r in self.tax_rates]
        if len(set(names)) != len(names):
            return [FieldError("tax_rates", "must have different names")]
        if self.default_tax is not None and self.default_tax not in names:
            return [FieldError("default_tax", "must name one of tax_rates")]
        return []

    def rate(self, name: str | None) -> TaxRate | None:
        """The tax rate of that name (None for None)."""
        if name is None:
            return None
        for found in self.tax_rates:
            if found.name == name:
                return found
        raise ValidationError.single("tax", f"is not one of the business's tax rates: {name}")

    def format_of(self, series: Series) -> str:
        return {
            Series.QUOTE: self.quote_format,
            Series.INVOICE: self.invoice_format,
            Series.CREDIT_NOTE: self.credit_note_format,
        }[series]


def period_of(number_format: str, year: int) -> int:
    """The counter a number comes from: numbers restart each year when the format shows
    the year (the period is the year), and never otherwise (period 0)."""
    return year if "{year" in number_format else 0


def number_for(number_format: str, year: int, number: int) -> str:
    """The document number ``number`` of ``year`` in the business's format."""
    return number_format.format(year=year, number=number)


__all__ = [
    "HOUR_UNITS",
    "LINES",
    "MAX_LINES",
    "STANDING",
    "BillingSettings",
    "Invoice",
    "InvoiceKind",
    "InvoiceStatus",
    "Line",
    "Quote",
    "QuoteStatus",
    "Records",
    "Series",
    "TaxRate",
    "figures",
    "number_for",
    "period_of",
    "settled_status",
]
