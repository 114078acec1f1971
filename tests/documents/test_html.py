"""The HTML documents: one page that loads nothing and runs nothing, shows what was typed
as text, and says what the PDF says."""

from __future__ import annotations

import sys
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import fields as f
from jobtrack_core.documents import BillingSettings, Invoice, Quote
from jobtrack_core.entities import Customer, User
from jobtrack_core.errors import ValidationError
from jobtrack_documents import (
    PdfUnavailable,
    invoice_html,
    invoice_pdf,
    quote_html,
    quote_pdf,
    render_html,
    render_pdf,
)

from . import samples as s
from .conftest import needs_pdf
from .reading import HtmlPage, in_order


def html_of(document: Quote | Invoice, corrects: Invoice | None = None, **options: str) -> str:
    return render_html(
        document,
        business=s.BUSINESS,
        settings=s.SETTINGS,
        customer=s.CUSTOMER,
        corrects=corrects,
        **options,
    )


def test_an_invoice_page_is_self_contained_and_shows_every_figure() -> None:
    page = HtmlPage(html_of(s.invoice(paid="100")))
    assert page.external() == []
    assert [tag for tag, _ in page.tags].count("style") == 1  # the style is inline
    assert "".join(page.title).startswith("Invoice INV-2025-0042")
    assert (
        in_order(
            page.text,
            [
                "Park & Sons Plumbing",
                "Tax ID: GB 123 4567 89",
                "Invoice INV-2025-0042",
                "Issued Jul 1, 2025",
                "Due Jul 31, 2025",
                "Bill to",
                "Ada Lovelace",
                "Engines <Ltd> & Co",
                *s.PAID_100_FIGURES,
            ],
        )
        == []
    )


@pytest.mark.parametrize(
    ("document", "corrects"),
    [
        (s.quote(), None),
        (s.draft_invoice(), None),
        (s.void_invoice(), None),
        (s.credit_note(), s.invoice(credited="180")),
        (s.long_invoice(), None),
        (s.markup_quote(), None),
    ],
    ids=["quote", "draft", "void", "credit-note", "long", "markup"],
)
def test_no_page_loads_or_runs_anything(
    document: Quote | Invoice, corrects: Invoice | None
) -> None:
    page = HtmlPage(html_of(document, corrects))
    assert page.external() == []
    assert all(line.description.split()[0] in page.text for line in document.lines)


def test_text_that_looks_like_markup_is_shown_as_typed() -> None:
    html = html_of(s.markup_quote())
    page = HtmlPage(html)
    assert page.external() == []
    assert [tag for tag, _ in page.tags].count("style") == 1
    assert "<script" not in html and "<b>" not in html and "<a " not in html
    assert (
        in_order(
            page.text,
            [
                "<script>alert('x')</script> & more",
                "<b>Bold</b> & <script>alert(1)</script>",
                'Tom & Jerry\'s "special" <img src=http://evil.example/x.png>',
                '<a href="https://evil.example">click</a> & <style>body{display:none}</style>',
            ],
        )
        == []
    )
    assert "&amp;" in html and "&lt;script&gt;" in html


def test_drafts_and_void_invoices_are_marked() -> None:
    draft = HtmlPage(html_of(s.draft_invoice()))
    assert "DRAFT" in draft.text and "DRAFT" in "".join(draft.title)
    assert "INV-" not in draft.text
    void = HtmlPage(html_of(s.void_invoice()))
    assert "VOID" in void.text and "This invoice is void: billed twice" in void.text
    issued = HtmlPage(html_of(s.invoice()))
    assert "DRAFT" not in issued.text and "VOID" not in issued.text


def test_a_paid_invoice_thanks_the_customer() -> None:
    page = HtmlPage(html_of(s.invoice(paid="409.71")))
    assert in_order(page.text, ["Balance due €0.00", "Paid in full: thank you."]) == []


def test_prices_including_tax_show_the_base_each_rate_is_reckoned_on() -> None:
    line = s.line("Boiler service", "1", "120", tax="VAT")
    invoice = s.invoice(lines=(line,))
    gross = attrs.evolve(
        invoice, prices_include_tax=True, subtotal=Decimal("100.00"), tax=Decimal("20.00"),
        total=Decimal("120.00"),
    )  # fmt: skip
    page = HtmlPage(html_of(gross))
    assert in_order(
        page.text,
        ["Boiler service", "€120.00", "Subtotal €100.00", "VAT 20% on €100.00 €20.00",
         "Total €120.00", "Prices include tax."],
    ) == []  # fmt: skip


def test_untaxed_lines_beside_taxed_ones_have_a_row_of_their_own() -> None:
    lines = (s.line("Labour", "1", "100", tax="VAT"), s.line("Permit fee", "1", "30", tax=None))
    page = HtmlPage(html_of(s.invoice(lines=lines)))
    assert in_order(
        page.text,
        ["Permit fee 1 €30.00 — €30.00", "Subtotal €130.00", "VAT 20% on €100.00 €20.00",
         "No tax on €30.00 €0.00", "Total €150.00"],
    ) == []  # fmt: skip


def test_a_business_without_taxes_shows_only_the_total() -> None:
    page = HtmlPage(html_of(s.invoice(lines=(s.line("Lesson", "2", "30", unit="h", tax=None),))))
    assert in_order(page.text, ["Lesson 2 h €30.00 — €60.00", "Total €60.00"]) == []
    assert "Subtotal" not in page.text and "Tax €" not in page.text


def test_money_dates_and_numbers_follow_the_locale() -> None:
    page = HtmlPage(html_of(s.invoice(paid="100"), locale="de_DE"))
    assert '<html lang="de">' in html_of(s.invoice(), locale="de_DE")
    assert in_order(
        page.text,
        ["01.07.2025", "31.07.2025", "Labour 3,5 h 48,00 € 18,00 € VAT 20 % 150,00 €",
         "reduced 5,5 % on 143,80 € 7,91 €", "Total 409,71 €"],
    ) == []  # fmt: skip


def test_a_business_without_a_business_name_goes_by_its_owner_s_name() -> None:
    person = attrs.evolve(s.BUSINESS, business_name=None)
    html = render_html(
        s.quote(), business=person, settings=BillingSettings(user_id="u-1"), customer=s.CUSTOMER
    )
    assert HtmlPage(html).text.lstrip().startswith("Lee Park")


def test_a_credit_note_needs_the_invoice_it_corrects_and_nothing_else_takes_one() -> None:
    with pytest.raises(ValidationError, match="corrects"):
        html_of(s.credit_note())
    with pytest.raises(ValidationError, match="corrects"):
        html_of(s.credit_note(), corrects=s.void_invoice())  # another invoice
    with pytest.raises(ValidationError, match="corrects"):
        html_of(s.invoice(), corrects=s.invoice())


def test_the_customer_must_be_the_document_s() -> None:
    other = attrs.evolve(s.CUSTOMER, id="c-2")
    with pytest.raises(ValidationError, match="customer"):
        render_html(s.quote(), business=s.BUSINESS, settings=s.SETTINGS, customer=other)


def test_without_weasyprint_the_error_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint: ImportError
    with pytest.raises(PdfUnavailable, match=r"pip install 'jobtrack\[pdf\]'"):
        render_pdf(s.quote(), business=s.BUSINESS, settings=s.SETTINGS, customer=s.CUSTOMER)


@attrs.define
class Books:
    """A workspace's reads of billing, from records held here."""

    quotes: dict[str, Quote]
    invoices: dict[str, Invoice]
    reads: list[str] = attrs.Factory(list)

    @property
    def user(self) -> User:
        return s.BUSINESS

    def get_customer(self, customer_id: str) -> Customer:
        self.reads.append(customer_id)
        assert customer_id == s.CUSTOMER.id
        return s.CUSTOMER

    def billing_settings(self) -> BillingSettings:
        return s.SETTINGS

    def get_quote(self, quote_id: str) -> Quote:
        self.reads.append(quote_id)
        return self.quotes[quote_id]

    def get_invoice(self, invoice_id: str) -> Invoice:
        self.reads.append(invoice_id)
        return self.invoices[invoice_id]


def test_the_workspace_conveniences_read_what_the_document_needs() -> None:
    books = Books({"q-1": s.quote()}, {"i-1": s.invoice(credited="180"), "cn-1": s.credit_note()})
    assert quote_html(books, "q-1") == html_of(s.quote())
    assert invoice_html(books, "cn-1") == html_of(s.credit_note(), s.invoice(credited="180"))
    assert books.reads == ["q-1", "c-1", "cn-1", "i-1", "c-1"]
    assert invoice_html(books, "i-1", locale="fr_FR") == html_of(
        s.invoice(credited="180"), locale="fr_FR"
    )


@needs_pdf
def test_the_workspace_pdfs_are_the_documents_pdfs() -> None:
    books = Books({"q-1": s.quote()}, {"i-1": s.invoice(credited="180"), "cn-1": s.credit_note()})
    for pdf in (quote_pdf(books, "q-1"), invoice_pdf(books, "i-1"), invoice_pdf(books, "cn-1")):
        assert pdf.startswith(b"%PDF-")
    assert books.reads == ["q-1", "c-1", "i-1", "c-1", "cn-1", "i-1", "c-1"]


#: Text a user may type, weighted toward what markup is made of.
typed = st.text(
    alphabet=st.one_of(st.sampled_from("<>&\"'=/;:!-{}() \n\tabcxyz"), st.characters()),
    min_size=1,
    max_size=60,
)


def _valid(rule: f.Text, raw: str) -> str:
    text, _ = rule.repair(raw)
    return text or "x"


@given(description=typed, name=typed, business=typed, notes=typed, title=typed)
def test_whatever_is_typed_the_page_has_the_same_tags_and_shows_the_text(
    description: str, name: str, business: str, notes: str, title: str
) -> None:
    description, notes = _valid(f.LINE_TEXT, description), _valid(f.NOTES, notes)
    name, business, title = (_valid(f.NAME, name), _valid(f.NAME, business),
                             _valid(f.TITLE, title))  # fmt: skip
    typed_quote = s.quote(
        title=title, notes=notes, lines=(s.line(description, "1", "10"), *s.LINES[1:])
    )
    customer = attrs.evolve(s.CUSTOMER, name=name, business_name=business)
    page = HtmlPage(
        render_html(typed_quote, business=s.BUSINESS, settings=s.SETTINGS, customer=customer)
    )
    assert page.tags == PLAIN.tags
    assert page.external() == []
    assert in_order(page.text, [name, business, title, description, notes]) == []


#: The page of a quote with plain text in every field the test above fills.
PLAIN = HtmlPage(
    html_of(s.quote(title="T", notes="N", lines=(s.line("D", "1", "10"), *s.LINES[1:])))
)
