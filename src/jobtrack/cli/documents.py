"""How quotes, invoices, credit notes and the billing settings look on the terminal, and
in ``--json``.

A document is shown as a person reads it: its number and status, the customer, the
dates, the lines, the tax by rate, the totals and (an invoice) what was paid, credited
and is still due.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jobtrack.cli.context import CliError
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.output import (
    EMPTY,
    Column,
    day,
    moment,
    money,
    render_fields,
    render_table,
    write,
)
from jobtrack.cli.refs import Shown
from jobtrack.cli.render import payment_table
from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
)
from jobtrack_core.entities import Payment
from jobtrack_core.workspace import Workspace


def document_data(document: Quote | Invoice | BillingSettings) -> dict[str, Any]:
    """A document (or the settings) as ``--json`` prints it: the interchange's shape of
    the record; an invoice with its ``balance`` too. Every command prints documents
    through here."""
    data: dict[str, Any] = to_data(document)
    if isinstance(document, Invoice):
        data.setdefault("balance", to_data(document.balance))
    return data


def words(value: str) -> str:
    """``partly_paid`` -> ``partly paid``."""
    return value.replace("_", " ")


def percent(rate: Decimal) -> str:
    """``20.000`` -> ``20%``, ``5.500`` -> ``5.5%``.

    >>> percent(Decimal("20.000")), percent(Decimal("5.500")), percent(Decimal("0"))
    ('20%', '5.5%', '0%')
    """
    shown = format(rate.normalize(), "f")
    return f"{shown}%"


def quantity(value: Decimal) -> str:
    """``2.500`` -> ``2.5``; ``1.000`` -> ``1``."""
    return format(value.normalize(), "f") if value else "0"


def _tax(line: Line) -> str:
    return f"{line.tax_name} {percent(line.tax_rate)}" if line.tax_name else "no tax"


def line_table(lines: Sequence[Line]) -> str:
    """A document's lines, numbered as ``--line`` numbers them."""
    columns = [
        Column("#", right=True),
        Column("Description", max_width=40),
        Column("Qty", right=True),
        Column("Unit"),
        Column("Price", right=True),
        Column("Discount", right=True),
        Column("Tax"),
        Column("Amount", right=True),
    ]
    rows = [
        [
            number,
            line.description,
            quantity(line.quantity),
            line.unit,
            money(line.unit_price),
            money(line.discount) if line.discount else None,
            _tax(line),
            money(line.amount),
        ]
        for number, line in enumerate(lines, 1)
    ]
    return render_table(columns, rows)


def tax_table(document: Quote | Invoice) -> str:
    """The tax by rate: each rate of the lines (by the names lines gave it), the base
    taxed at it and its tax, highest rate first."""
    names: dict[Decimal, list[str]] = {}
    for line in document.lines:
        named = names.setdefault(line.tax_rate, [])
        if line.tax_name and line.tax_name not in named:
            named.append(line.tax_name)
    rows = []
    for rate in document.totals.by_rate:
        name = "/".join(names.get(rate.rate, ()))
        label = f"{name} {percent(rate.rate)}" if name else "no tax"
        rows.append([label, money(rate.base), money(rate.tax)])
    columns = [Column("Rate"), Column("Taxable", right=True), Column("Tax", right=True)]
    return render_table(columns, rows)


def _customer(shown: Shown, customer_id: str) -> str:
    return f"{shown.names.get(customer_id, EMPTY)} ({shown.customer(customer_id)})"


def _prices(document: Quote | Invoice) -> str:
    how = "including tax" if document.prices_include_tax else "before tax"
    return f"{document.currency}, prices {how}"


def quote_fields(quote: Quote, shown: Shown, today: date | None = None) -> str:
    """A quote as a person reads it; one sent and past its validity on ``today`` says so."""
    status = words(quote.status.value)
    if today is not None and quote.expired_on(today):
        status += " (past its validity: `quote expire` marks it expired)"
    head = render_fields(
        [
            ("Quote", quote.number or "(draft: numbered when sent)"),
            ("Title", quote.title),
            ("Status", status),
            ("Customer", _customer(shown, quote.customer_id)),
            ("Sent on", day(quote.issued_on)),
            ("Valid until", day(quote.valid_until)),
            ("Decided", moment(quote.decided_at)),
            ("Job", _job(quote.job_id, shown)),
            ("Currency", _prices(quote)),
            ("Notes", quote.notes),
            ("Id", quote.id),
            ("Version", quote.version),
        ]
    )
    return "\n\n".join([head, _lines(quote.lines), _totals(quote, ())])


def _job(job_id: str | None, shown: Shown) -> str | None:
    if job_id is None:
        return None
    title = shown.titles.get(job_id)
    return f'{shown.job(job_id)} "{title}"' if title else job_id


def _lines(lines: Sequence[Line]) -> str:
    return f"Lines\n{line_table(lines)}" if lines else "Lines: none yet"


def _totals(document: Quote | Invoice, money_lines: Sequence[tuple[str, Decimal]]) -> str:
    """The tax by rate, then the figures, money right-aligned."""
    entries = [
        ("Subtotal", document.subtotal),
        ("Tax", document.tax),
        ("Total", document.total),
        *money_lines,
    ]
    width = max(len(money(value)) for _, value in entries)
    figures = render_fields([(label, money(value).rjust(width)) for label, value in entries])
    if not document.lines:
        return figures
    return f"Tax by rate\n{tax_table(document)}\n\n{figures}"


def invoice_fields(
    invoice: Invoice,
    shown: Shown,
    *,
    payments: Sequence[Payment] = (),
    credit_notes: Sequence[Invoice] = (),
) -> str:
    """An invoice or a credit note as a person reads it, then its payments and credit
    notes."""
    credit_note = invoice.kind is InvoiceKind.CREDIT_NOTE
    what = "Credit note" if credit_note else "Invoice"
    voided = f"{moment(invoice.voided_at)}: {invoice.void_reason}" if invoice.voided_at else None
    head = render_fields(
        [
            (what, invoice.number or "(draft: numbered when issued)"),
            ("Status", words(invoice.status.value)),
            ("Customer", _customer(shown, invoice.customer_id)),
            *(
                [("Corrects", shown.invoice_names.get(invoice.corrects, invoice.corrects))]
                if invoice.corrects
                else []
            ),
            ("Issued on", day(invoice.issued_on)),
            *([] if credit_note else [("Due on", day(invoice.due_on))]),
            *([("Voided", voided)] if voided else []),
            ("Currency", _prices(invoice)),
            ("Notes", invoice.notes),
            ("Id", invoice.id),
            ("Version", invoice.version),
        ]
    )
    money_lines: list[tuple[str, Decimal]] = []
    if not credit_note and invoice.status is not InvoiceStatus.DRAFT:
        money_lines = [
            ("Paid", invoice.amount_paid),
            ("Credited", invoice.amount_credited),
            ("Balance due", invoice.balance),
        ]
    blocks = [head, _lines(invoice.lines), _totals(invoice, money_lines)]
    if payments:
        blocks.append(f"Payments\n{payment_table(payments, shown, with_job=True)}")
    if credit_notes:
        blocks.append(f"Credit notes\n{invoice_table(credit_notes, shown)}")
    return "\n\n".join(blocks)


def quote_table(quotes: Sequence[Quote], shown: Shown) -> str:
    columns = [
        Column("Number"),
        Column("ID"),
        Column("Status"),
        Column("Customer", max_width=22),
        Column("Title", max_width=30),
        Column("Sent"),
        Column("Valid until"),
        Column("Total", right=True),
        Column("Job"),
    ]
    rows = [
        [
            q.number,
            shown.quote(q.id),
            words(q.status.value),
            shown.names.get(q.customer_id, shown.customer(q.customer_id)),
            q.title,
            day(q.issued_on),
            day(q.valid_until),
            money(q.total),
            shown.job(q.job_id) if q.job_id else None,
        ]
        for q in quotes
    ]
    return render_table(columns, rows)


def invoice_table(invoices: Sequence[Invoice], shown: Shown, today: date | None = None) -> str:
    """Invoices and credit notes; ``!`` after a due date marks one overdue on ``today``."""
    columns = [
        Column("Number"),
        Column("ID"),
        Column("Kind"),
        Column("Status"),
        Column("Customer", max_width=22),
        Column("Issued"),
        Column("Due"),
        Column("Total", right=True),
        Column("Paid", right=True),
        Column("Balance", right=True),
    ]
    rows = []
    for i in invoices:
        credit_note = i.kind is InvoiceKind.CREDIT_NOTE
        due = None if credit_note else day(i.due_on)
        if today is not None and i.overdue_on(today):
            due = f"{due} !"
        rows.append(
            [
                i.number,
                shown.invoice(i.id),
                words(i.kind.value),
                words(i.status.value),
                shown.names.get(i.customer_id, shown.customer(i.customer_id)),
                day(i.issued_on),
                due,
                money(i.total),
                None if credit_note else money(i.amount_paid),
                None if credit_note else money(i.balance),
            ]
        )
    return render_table(columns, rows)


def settings_fields(settings: BillingSettings) -> str:
    """The billing settings as ``billing show`` prints them."""
    rates = [
        f"{r.name} {percent(r.rate)}{' (default)' if r.name == settings.default_tax else ''}"
        for r in settings.tax_rates
    ]
    saved = moment(settings.updated_at) if settings.updated_at else "never: these are defaults"
    return render_fields(
        [
            ("Currency", settings.currency),
            ("Prices", "include tax" if settings.prices_include_tax else "exclude tax"),
            ("Tax rates", "\n".join(rates) or "none"),
            ("Invoice numbers", settings.invoice_format),
            ("Quote numbers", settings.quote_format),
            ("Credit note numbers", settings.credit_note_format),
            ("Payment terms", f"{settings.payment_terms_days} days"),
            ("Quotes valid for", f"{settings.quote_valid_days} days"),
            ("Address", settings.address),
            ("Phone", settings.phone),
            ("Email", settings.email),
            ("Tax id", settings.tax_id),
            ("Payment instructions", settings.payment_instructions),
            ("Saved", saved),
        ]
    )


def save_options(parser: argparse.ArgumentParser) -> None:
    """``--out FILE`` and ``--html``, of ``quote pdf`` and ``invoice pdf``."""
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write to FILE (-: standard output); default: NUMBER.pdf (or .html) here",
    )
    parser.add_argument("--html", action="store_true", help="write HTML instead of a PDF")


def file_name(document: Quote | Invoice, shown: Shown, suffix: str) -> str:
    """``INV-2025-0001.pdf``; a draft by its kind and id: ``quote-0199e0a2.pdf``."""
    if document.number is not None:
        stem = document.number
    elif isinstance(document, Quote):
        stem = f"quote-{shown.quote(document.id)}"
    else:
        stem = f"{document.kind.value.replace('_', '-')}-{shown.invoice(document.id)}"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)
    return f"{safe}{suffix}"


def render_document(workspace: Workspace, document: Quote | Invoice, *, html: bool) -> bytes:
    """The document's PDF, or its HTML (as UTF-8), as the documents package makes them."""
    try:
        import jobtrack_documents
    except ImportError as exc:
        raise CliError(f"documents cannot be made here: {exc}") from None
    if isinstance(document, Quote):
        if html:
            return jobtrack_documents.quote_html(workspace, document.id).encode("utf-8")
        return jobtrack_documents.quote_pdf(workspace, document.id)
    if html:
        return jobtrack_documents.invoice_html(workspace, document.id).encode("utf-8")
    return jobtrack_documents.invoice_pdf(workspace, document.id)


def save_document(
    workspace: Workspace,
    document: Quote | Invoice,
    *,
    out: str | None,
    html: bool,
) -> None:
    """``quote pdf`` and ``invoice pdf``: write the document to ``out`` (a file, or
    ``-`` for standard output), by default to its number and suffix, here."""
    content = render_document(workspace, document, html=html)
    if out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    shown = Shown(workspace)
    path = Path(out or file_name(document, shown, ".html" if html else ".pdf"))
    path.write_bytes(content)
    kind = "HTML" if html else "PDF"
    what = "Quote" if isinstance(document, Quote) else words(document.kind.value).capitalize()
    write(f"{what} {shown.document(document)}: wrote {kind} to {path} ({len(content)} bytes).")


__all__ = [
    "document_data",
    "invoice_fields",
    "invoice_table",
    "line_table",
    "quote_fields",
    "quote_table",
    "settings_fields",
]
