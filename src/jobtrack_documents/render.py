"""Quotes, invoices and credit notes as documents: HTML from one template, PDF from that HTML.

:func:`render_html` fills the package's Jinja2 template (autoescaped: a customer's name
is text, never markup) with what a customer reads: money formatted by Babel in the
document's own currency, dates in Babel's medium form (``Jul 6, 2025`` in ``en_US``),
quantities without trailing zeros. The page it makes is self-contained: its style is
inline, it loads nothing from anywhere and runs no script, so it can be saved, mailed or
archived as it is. :func:`render_pdf` lays the same HTML out on A4 pages with WeasyPrint
(the ``pdf`` extra), repeating the lines' header on every page and numbering the pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import attrs
import jinja2
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
)
from jobtrack_core.entities import Customer, User
from jobtrack_core.errors import JobtrackError, ValidationError
from jobtrack_core.money import ZERO

#: The locale documents are written in unless asked otherwise: it sets how money, dates,
#: quantities and rates read, and the language of the page.
DEFAULT_LOCALE = "en_US"

_PDF_EXTRA = "pip install 'jobtrack[pdf]'"


class PdfUnavailable(JobtrackError, RuntimeError):
    """A PDF was asked for where WeasyPrint cannot run: the ``pdf`` extra is not
    installed, or the system lacks the Pango library it lays text out with."""


class BillingReader(Protocol):
    """What the workspace conveniences read of a :class:`~jobtrack_core.Workspace`."""

    @property
    def user(self) -> User: ...

    def get_customer(self, customer_id: str) -> Customer: ...

    def billing_settings(self) -> BillingSettings: ...

    def get_quote(self, quote_id: str) -> Quote: ...

    def get_invoice(self, invoice_id: str) -> Invoice: ...


@attrs.frozen
class _Row:
    """One line of the table, formatted."""

    description: str
    quantity: str
    unit_price: str
    discount: str
    tax: str
    amount: str


@attrs.frozen
class _Figure:
    """One row of the totals: a label, an amount, and whether it stands out."""

    label: str
    amount: str
    strong: bool = False


class _Formats:
    """Money, days, quantities and rates as the document's readers write them."""

    def __init__(self, currency: str, locale: str) -> None:
        self.currency, self.locale = currency, locale

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, self.currency, locale=self.locale)

    def day(self, day: date | None) -> str:
        return "" if day is None else format_date(day, "medium", locale=self.locale)

    def quantity(self, quantity: Decimal, unit: str | None) -> str:
        shown = format_decimal(quantity, "#,##0.###", locale=self.locale)
        return shown if unit is None else f"{shown} {unit}"

    def rate(self, rate: Decimal) -> str:
        return format_percent(rate / 100, "#,##0.###%", locale=self.locale)

    def tax(self, line: Line) -> str:
        return "—" if line.tax_name is None else f"{line.tax_name} {self.rate(line.tax_rate)}"


def _title(document: Quote | Invoice) -> str:
    if isinstance(document, Quote):
        return "Quote"
    return "Credit note" if document.kind is InvoiceKind.CREDIT_NOTE else "Invoice"


def _party_label(document: Quote | Invoice) -> str:
    if isinstance(document, Quote):
        return "Prepared for"
    return "Credit to" if document.kind is InvoiceKind.CREDIT_NOTE else "Bill to"


def _mark(document: Quote | Invoice) -> str | None:
    """DRAFT or VOID: what a document that does not (or no longer) count says of itself."""
    if document.status in (QuoteStatus.DRAFT, InvoiceStatus.DRAFT):
        return "DRAFT"
    if document.status is InvoiceStatus.VOID:
        return "VOID"
    return None


def _rates(document: Quote | Invoice, fmt: _Formats) -> list[_Figure]:
    """The tax of each rate, named by the lines at that rate, on the base it is reckoned
    on; nothing when no line is taxed. Untaxed lines beside taxed ones show as a row of
    their own, so that the bases add up to the subtotal."""
    if all(line.tax_name is None for line in document.lines):
        return []
    rows = []
    for at in document.totals.by_rate:
        names = dict.fromkeys(
            line.tax_name
            for line in document.lines
            if line.tax_rate == at.rate and line.tax_name is not None
        )
        label = f"{', '.join(names)} {fmt.rate(at.rate)}" if names else "No tax"
        rows.append(_Figure(f"{label} on {fmt.money(at.base)}", fmt.money(at.tax)))
    return rows


def _figures(document: Quote | Invoice, fmt: _Formats) -> list[_Figure]:
    """The totals block: subtotal, tax by rate, tax, total; and for an invoice that
    stands, what was paid, credited, and what is still owed."""
    rates = _rates(document, fmt)
    figures = [_Figure("Subtotal", fmt.money(document.subtotal))] if rates else []
    figures += rates
    if rates:
        figures.append(_Figure("Tax", fmt.money(document.tax)))
    figures.append(_Figure("Total", fmt.money(document.total), strong=True))
    if (
        isinstance(document, Invoice)
        and document.kind is InvoiceKind.INVOICE
        and document.status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID)
    ):
        figures.append(_Figure("Amount paid", fmt.money(document.amount_paid)))
        if document.amount_credited:
            figures.append(_Figure("Credited", fmt.money(document.amount_credited)))
        balance = document.balance
        if balance < ZERO:
            figures.append(_Figure("Owed to you", fmt.money(-balance), strong=True))
        else:
            figures.append(_Figure("Balance due", fmt.money(balance), strong=True))
    return figures


def _dates(document: Quote | Invoice, fmt: _Formats) -> list[tuple[str, str]]:
    dates = []
    if document.issued_on is not None:
        dates.append(
            ("Issued" if isinstance(document, Invoice) else "Date", fmt.day(document.issued_on))
        )
    if isinstance(document, Quote):
        if document.valid_until is not None:
            dates.append(("Valid until", fmt.day(document.valid_until)))
    elif document.kind is InvoiceKind.INVOICE and document.due_on is not None:
        dates.append(("Due", fmt.day(document.due_on)))
    return dates


def _terms(
    document: Quote | Invoice, settings: BillingSettings, fmt: _Formats
) -> tuple[str | None, str | None]:
    """The payment terms and the payment instructions an invoice shows (none on a quote,
    a credit note or a void invoice). An issued invoice's terms are its own dates, which
    later changes to the settings do not move."""
    if (
        not isinstance(document, Invoice)
        or document.kind is InvoiceKind.CREDIT_NOTE
        or document.status is InvoiceStatus.VOID
    ):
        return None, None
    if document.issued_on is None or document.due_on is None:
        days = settings.payment_terms_days
        terms = f"Payment is due within {days} days of the invoice's date."
    else:
        days = (document.due_on - document.issued_on).days
        terms = f"Payment is due within {days} days, by {fmt.day(document.due_on)}."
    if document.status is InvoiceStatus.PAID:
        terms += " Paid in full: thank you."
    return terms, settings.payment_instructions


def document_context(
    document: Quote | Invoice,
    *,
    business: User,
    settings: BillingSettings,
    customer: Customer,
    corrects: Invoice | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """What the template shows of ``document``, every value already formatted text."""
    if isinstance(document, Invoice) and document.kind is InvoiceKind.CREDIT_NOTE:
        if corrects is None or corrects.id != document.corrects:
            raise ValidationError.single(
                "corrects",
                f"a credit note is shown with the invoice it corrects: {document.corrects}",
            )
    elif corrects is not None:
        raise ValidationError.single("corrects", "is given only with a credit note")
    if customer.id != document.customer_id:
        raise ValidationError.single("customer", f"is not the document's: {document.customer_id}")
    fmt = _Formats(document.currency, locale)
    title = _title(document)
    mark = _mark(document)
    name = business.business_name or business.name
    heading = f"{title} {document.number}" if document.number else title
    terms, instructions = _terms(document, settings, fmt)
    discounts = any(line.discount for line in document.lines)
    rows = [
        _Row(
            description=line.description,
            quantity=fmt.quantity(line.quantity, line.unit),
            unit_price=fmt.money(line.unit_price),
            discount=fmt.money(line.discount) if line.discount else "",
            tax=fmt.tax(line),
            amount=fmt.money(line.amount),
        )
        for line in document.lines
    ]
    return {
        "lang": locale.split("_")[0],
        "page_title": f"{heading} · {name}" + (f" ({mark})" if mark else ""),
        "heading": heading,
        "mark": mark,
        "void_reason": document.void_reason if isinstance(document, Invoice) else None,
        "business": {
            "name": name,
            "address": settings.address,
            "phone": settings.phone,
            "email": settings.email,
            "tax_id": settings.tax_id,
        },
        "party_label": _party_label(document),
        "customer": {
            "name": customer.name,
            "business": customer.business_name,
            "address": customer.address,
            "email": customer.email,
        },
        "subject": document.title if isinstance(document, Quote) else None,
        "corrects": None
        if corrects is None
        else {"number": corrects.number, "issued_on": fmt.day(corrects.issued_on)},
        "dates": _dates(document, fmt),
        "discounts": discounts,
        "rows": rows,
        "prices_include_tax": document.prices_include_tax,
        "figures": _figures(document, fmt),
        "terms": terms,
        "instructions": instructions,
        "notes": document.notes,
    }


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("jobtrack_documents", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(
    document: Quote | Invoice,
    *,
    business: User,
    settings: BillingSettings,
    customer: Customer,
    corrects: Invoice | None = None,
    locale: str = DEFAULT_LOCALE,
) -> str:
    """``document`` as one self-contained HTML page. ``business`` is the account that
    issues it, ``settings`` its billing settings (address, phone, email, tax id, payment
    instructions), ``customer`` the document's customer; a credit note needs
    ``corrects``, the invoice it corrects."""
    context = document_context(
        document,
        business=business,
        settings=settings,
        customer=customer,
        corrects=corrects,
        locale=locale,
    )
    return _environment.get_template("document.html").render(context)


def render_pdf(
    document: Quote | Invoice,
    *,
    business: User,
    settings: BillingSettings,
    customer: Customer,
    corrects: Invoice | None = None,
    locale: str = DEFAULT_LOCALE,
) -> bytes:
    """``document`` as a PDF: the page of :func:`render_html`, laid out by WeasyPrint.
    Raises :class:`PdfUnavailable` where WeasyPrint cannot run."""
    html = render_html(
        document,
        business=business,
        settings=settings,
        customer=customer,
        corrects=corrects,
        locale=locale,
    )
    pdf: bytes = _weasyprint().HTML(string=html).write_pdf()
    return pdf


def _weasyprint() -> Any:
    """The ``weasyprint`` module, imported the first time a PDF is asked for."""
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(f"PDF documents need WeasyPrint: {_PDF_EXTRA}") from exc
    except OSError as exc:  # WeasyPrint loads Pango when it is imported
        raise PdfUnavailable(
            "PDF documents need the Pango library, which WeasyPrint could not load"
            " (on Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
            f" libharfbuzz-subset0): {exc}"
        ) from exc
    return weasyprint


# -- the workspace's documents ---------------------------------------------------------
def _args(ws: BillingReader, document: Quote | Invoice) -> dict[str, Any]:
    """What :func:`render_html` and :func:`render_pdf` take besides ``document``."""
    corrects = None
    if isinstance(document, Invoice) and document.corrects is not None:
        corrects = ws.get_invoice(document.corrects)
    return {
        "business": ws.user,
        "settings": ws.billing_settings(),
        "customer": ws.get_customer(document.customer_id),
        "corrects": corrects,
    }


def quote_html(ws: BillingReader, quote_id: str, *, locale: str = DEFAULT_LOCALE) -> str:
    """The workspace's quote ``quote_id`` as HTML (:func:`render_html`)."""
    quote = ws.get_quote(quote_id)
    return render_html(quote, locale=locale, **_args(ws, quote))


def quote_pdf(ws: BillingReader, quote_id: str, *, locale: str = DEFAULT_LOCALE) -> bytes:
    """The workspace's quote ``quote_id`` as a PDF (:func:`render_pdf`)."""
    quote = ws.get_quote(quote_id)
    return render_pdf(quote, locale=locale, **_args(ws, quote))


def invoice_html(ws: BillingReader, invoice_id: str, *, locale: str = DEFAULT_LOCALE) -> str:
    """The workspace's invoice or credit note ``invoice_id`` as HTML (:func:`render_html`)."""
    invoice = ws.get_invoice(invoice_id)
    return render_html(invoice, locale=locale, **_args(ws, invoice))


def invoice_pdf(ws: BillingReader, invoice_id: str, *, locale: str = DEFAULT_LOCALE) -> bytes:
    """The workspace's invoice or credit note ``invoice_id`` as a PDF (:func:`render_pdf`)."""
    invoice = ws.get_invoice(invoice_id)
    return render_pdf(invoice, locale=locale, **_args(ws, invoice))


__all__ = [
    "DEFAULT_LOCALE",
    "BillingReader",
    "PdfUnavailable",
    "document_context",
    "invoice_html",
    "invoice_pdf",
    "quote_html",
    "quote_pdf",
    "render_html",
    "render_pdf",
]
