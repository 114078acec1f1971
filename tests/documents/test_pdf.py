"""The PDF documents, read back as a customer would: the text on the pages, where every
character sits, and what each page looks like."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jobtrack_core.documents import Invoice, Quote
from jobtrack_documents import render_pdf

from . import samples as s
from .conftest import needs_pdf
from .reading import OUTER_MARGIN, SCALE, Page, compact, in_order, read_pdf, save_pages

pytestmark = needs_pdf


def pdf_of(document: Quote | Invoice, corrects: Invoice | None = None) -> list[Page]:
    pdf = render_pdf(
        document,
        business=s.BUSINESS,
        settings=s.SETTINGS,
        customer=s.CUSTOMER,
        corrects=corrects,
    )
    return read_pdf(pdf)


def euros(amount: Decimal | str) -> str:
    """An amount as the documents of the samples (in euros, for en_US) write it."""
    return f"€{Decimal(amount):,.2f}"


def text_of(pages: list[Page]) -> str:
    return "\n".join(page.text for page in pages)


def assert_sane(pages: list[Page]) -> None:
    """Every page has something on it, every character lies on the page, and nothing (no
    character, no pixel of ink) sits in the band along its edges."""
    for number, page in enumerate(pages, 1):
        assert page.boxes, f"page {number} has no text"
        for char, (left, bottom, right, top) in page.boxes:
            assert 0 <= left <= right <= page.width, (number, char, left, right)
            assert 0 <= bottom <= top <= page.height, (number, char, bottom, top)
            inside = (
                left >= OUTER_MARGIN
                and right <= page.width - OUTER_MARGIN
                and bottom >= OUTER_MARGIN
                and top <= page.height - OUTER_MARGIN
            )
            assert inside, f"page {number}: {char!r} at {(left, bottom, right, top)}"
        ink = page.ink()
        assert ink is not None, f"page {number} is blank"
        margin = OUTER_MARGIN * SCALE
        width, height = page.image.size
        assert ink[0] >= margin and ink[1] >= margin, (number, ink)
        assert ink[2] <= width - margin and ink[3] <= height - margin, (number, ink)


def test_a_partly_paid_invoice_shows_its_lines_taxes_and_what_is_still_owed(
    artifacts: Path,
) -> None:
    pages = pdf_of(s.invoice(paid="100"))
    save_pages(pages, artifacts, "invoice")
    assert len(pages) == 1
    assert_sane(pages)
    text = text_of(pages)
    assert "Invoice INV-2025-0042" in text
    assert (
        in_order(
            text,
            [
                "Park & Sons Plumbing",
                "12 Quay Street",
                "Bristol BS1 4DJ",
                "0117 496 0000",
                "billing@parkandsons.example",
                "Tax ID: GB 123 4567 89",
                "Issued Jul 1, 2025",
                "Due Jul 31, 2025",
                "Ada Lovelace",
                "Engines <Ltd> & Co",
                "1 Analytical Row",
                "ada@example.com",
                "Description Quantity Unit price Discount Tax Amount",
                *s.PAID_100_FIGURES,
                "Thank you for your business.",
                "Page 1 of 1",
            ],
        )
        == []
    )
    assert "DRAFT" not in text and "VOID" not in text
    assert "Credited" not in text  # nothing was


def test_a_quote_shows_its_title_validity_and_total_and_no_payment(artifacts: Path) -> None:
    pages = pdf_of(s.quote())
    save_pages(pages, artifacts, "quote")
    assert_sane(pages)
    text = text_of(pages)
    assert (
        in_order(
            text,
            [
                "Quote Q-2025-0007",
                "Date Jul 1, 2025",
                "Valid until Jul 31, 2025",
                "PREPARED FOR",
                "Ada Lovelace",
                "New radiators, kitchen & hall",
                *(line.description for line in s.LINES),
                "Total €409.71",
                "Price holds for parts",
            ],
        )
        == []
    )
    for absent in ("Balance due", "Amount paid", "Payment terms", "IBAN", "DRAFT"):
        assert absent.lower() not in text.lower(), absent


def test_a_credit_note_names_the_invoice_it_corrects() -> None:
    corrected = s.invoice(credited="180")
    pages = pdf_of(s.credit_note(), corrects=corrected)
    assert_sane(pages)
    text = text_of(pages)
    assert (
        in_order(
            text,
            [
                "Credit note CN-2025-0003",
                "Issued Jul 3, 2025",
                "CREDIT TO",
                "Ada Lovelace",
                "CORRECTS Invoice INV-2025-0042 of Jul 1, 2025",
                "Labour 3.5 h €48.00 €18.00 VAT 20% €150.00",
                "VAT 20% on €150.00 €30.00",
                "Total €180.00",
                "Labour charged in error.",
            ],
        )
        == []
    )
    assert "Balance due" not in text and "Payment terms" not in compact(text)


def test_the_invoice_a_credit_note_corrected_shows_what_was_credited() -> None:
    text = text_of(pdf_of(s.invoice(paid="100", credited="180")))
    assert (
        in_order(
            text,
            ["Total €409.71", "Amount paid €100.00", "Credited €180.00", "Balance due €129.71"],
        )
        == []
    )


def test_a_draft_says_so_on_every_page_and_has_no_number() -> None:
    pages = pdf_of(s.draft_invoice())
    assert_sane(pages)
    text = text_of(pages)
    assert "INV-" not in text
    assert all("DRAFT" in page.text for page in pages)
    assert "Payment is due within 30 days of the invoice's date." in text
    assert "Balance due" not in text  # nothing is owed on a draft


def test_a_void_invoice_says_so_and_why() -> None:
    pages = pdf_of(s.void_invoice())
    assert_sane(pages)
    text = text_of(pages)
    assert "Invoice INV-2025-0042" in text and "VOID" in text
    assert "This invoice is void: billed twice" in text
    assert "Balance due" not in text and "IBAN" not in text


def test_sixty_lines_flow_over_pages_each_with_the_lines_header(artifacts: Path) -> None:
    invoice = s.long_invoice()
    pages = pdf_of(invoice)
    save_pages(pages, artifacts, "long-invoice")
    assert len(pages) >= 2
    assert_sane(pages)
    for number, page in enumerate(pages, 1):
        assert "Description Quantity Unit price Discount Tax Amount" in page.text, number
        assert f"Page {number} of {len(pages)}" in page.text
        assert "Invoice INV-2025-0100" in page.text  # the footer
    # every line, in order, with its amount; a description never split between pages
    text = text_of(pages)
    assert (
        in_order(
            text, [part for ln in invoice.lines for part in (ln.description, euros(ln.amount))]
        )
        == []
    )
    for ln in invoice.lines:
        assert sum(compact(ln.description) in compact(p.text) for p in pages) == 1, ln.description
    assert (
        in_order(
            text,
            [
                f"Total {euros(invoice.total)}",
                "Amount paid €100.00",
                f"Balance due {euros(invoice.total - 100)}",
            ],
        )
        == []
    )
    assert "Total" in pages[-1].text
