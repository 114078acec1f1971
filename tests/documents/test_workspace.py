"""A workspace's quotes, invoices and credit notes, made through the workspace and rendered
by the workspace functions: what the customer reads is what the workspace holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobtrack_core import BusinessCalendar, Jobtrack, NotFoundError, Workspace
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import FakeClock
from jobtrack_documents import invoice_html, invoice_pdf, quote_html, quote_pdf
from jobtrack_memory import MemoryStore

from .conftest import needs_pdf
from .reading import HtmlPage, in_order, read_pdf


@pytest.fixture
def ws() -> Workspace:
    clock = FakeClock(datetime(2025, 5, 2, 9, 0, tzinfo=UTC))
    app = Jobtrack(
        MemoryStore(), clock=clock, hasher=Argon2Hasher.for_tests(), calendar=BusinessCalendar()
    )
    user = app.register(
        email="sam@example.com", password="long enough", name="Sam Hale", business_name="Hale"
    )
    ws = app.workspace(user.id)
    ws.update_billing(
        currency="USD",
        tax_rates=[{"name": "Sales tax", "rate": "8.25"}, {"name": "Food", "rate": "2"}],
        default_tax="Sales tax",
        address="4 Mill Lane\nSpringfield",
        payment_instructions="Checks payable to Sam Hale",
        payment_terms_days=14,
    )
    return ws


def test_a_quote_an_invoice_and_its_credit_note_read_as_the_workspace_holds_them(
    ws: Workspace,
) -> None:
    ada = ws.add_customer("Ada Lovelace", business_name="Engines", email="ada@example.com")
    quote = ws.create_quote(
        ada.id,
        "Kitchen & pantry",
        lines=[
            {"description": "Labour", "quantity": "4", "unit": "h", "unit_price": "55"},
            {"description": "Sealant", "quantity": "2", "unit_price": "7.5", "tax": "Food"},
        ],
    )
    draft = HtmlPage(quote_html(ws, quote.id))
    assert "DRAFT" in draft.text and "Q-" not in draft.text
    quote = ws.send_quote(quote.id)
    page = HtmlPage(quote_html(ws, quote.id))
    assert in_order(
        page.text,
        ["Hale", "4 Mill Lane", f"Quote {quote.number}", "Valid until Jun 1, 2025",
         "Ada Lovelace", "Engines", "Kitchen & pantry", "Labour 4 h $55.00 Sales tax 8.25% "
         "$220.00", "Sealant 2 $7.50 Food 2% $15.00", "Sales tax 8.25% on $220.00 $18.15",
         "Food 2% on $15.00 $0.30", "Total $253.45"],
    ) == []  # fmt: skip

    job = ws.create_job(ada.id, "Fix the tap")
    ws.start_job(job.id)
    ws.complete_job(job.id, actual_cost="120")
    invoice = ws.issue_invoice(ws.create_invoice(ada.id, job_ids=[job.id]).id)
    ws.pay_invoice(invoice.id, "50", method="cash")
    note = ws.credit_invoice(
        invoice.id, lines=[{"description": "Goodwill", "quantity": "1", "unit_price": "20"}]
    )
    page = HtmlPage(invoice_html(ws, invoice.id))
    assert in_order(
        page.text,
        [f"Invoice {invoice.number}", "Issued May 2, 2025", "Due May 16, 2025",
         "Fix the tap 1 $120.00 Sales tax 8.25% $120.00", "Total $129.90",
         "Amount paid $50.00", "Credited $21.65", "Balance due $58.25",
         "within 14 days, by May 16, 2025", "Checks payable to Sam Hale"],
    ) == []  # fmt: skip
    page = HtmlPage(invoice_html(ws, note.id))
    assert in_order(
        page.text,
        [f"Credit note {note.number}", f"Invoice {invoice.number} of May 2, 2025",
         "Goodwill", "Total $21.65"],
    ) == []  # fmt: skip


def test_a_document_of_another_business_is_not_found(ws: Workspace) -> None:
    with pytest.raises(NotFoundError):
        invoice_html(ws, "no-such-invoice")
    with pytest.raises(NotFoundError):
        quote_html(ws, "no-such-quote")


@needs_pdf
def test_the_workspace_pdfs_say_what_the_pages_say(ws: Workspace) -> None:
    ada = ws.add_customer("Ada Lovelace")
    quote = ws.send_quote(
        ws.create_quote(
            ada.id, "Gate", lines=[{"description": "Hinges", "quantity": "2", "unit_price": "9"}]
        ).id
    )
    (page,) = read_pdf(quote_pdf(ws, quote.id))
    assert in_order(page.text, [f"Quote {quote.number}", "Hinges", "Total $19.49"]) == []
    job = ws.create_job(ada.id, "Hang the gate")
    ws.start_job(job.id)
    ws.complete_job(job.id, actual_cost="80")
    invoice = ws.create_invoice(ada.id, job_ids=[job.id])
    (page,) = read_pdf(invoice_pdf(ws, invoice.id))
    assert "DRAFT" in page.text and "Total $86.60" in page.text
