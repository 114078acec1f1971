"""The arithmetic and the values of quotes and invoices, at their edges: rounding half up
at the half cent, tax included in prices, discounts, currencies and number formats."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import attrs
import pytest

from jobtrack_core.commands import UNSET, LineRequest, NewInvoice, NewQuote, QuoteChanges
from jobtrack_core.documents import (
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
from jobtrack_core.errors import ValidationError
from jobtrack_core.tax import cents, line_amount, rate_total, totals

T = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def line(quantity: str, price: str, rate: str = "0", discount: str = "0") -> Line:
    name = None if D(rate) == 0 else f"{rate}%"
    return Line.parse(
        {
            "description": "Work",
            "quantity": quantity,
            "unit": None,
            "unit_price": price,
            "discount": discount,
            "tax_name": name,
            "tax_rate": rate,
        }
    )


def fields_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.fields)


# -- rounding --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),  # half up, not to even
        ("0.025", "0.03"),
        ("2.675", "2.68"),
        ("0.0049999", "0.00"),
        ("-0.005", "-0.01"),  # away from zero
        ("-0.004", "0.00"),  # never -0.00
    ],
)
def test_cents_rounds_half_up(value: str, rounded: str) -> None:
    made = cents(D(value))
    assert made == D(rounded) and str(made) == rounded


def test_a_line_rounds_its_gross_once_then_takes_the_discount() -> None:
    assert line_amount(D("0.333"), D("0.15"), D("0.00")) == D("0.05")  # 0.04995 -> 0.05
    assert line_amount(D("1.005"), D("1.00"), D("0.01")) == D("1.00")
    assert line("2.5", "40", discount="100").amount == D("0.00")


def test_tax_is_rounded_once_per_rate_not_per_line() -> None:
    # three lines of 0.05 at 10 %: 0.005 each (0.01 each if rounded line by line)
    made = figures([line("1", "0.05", "10")] * 3, prices_include_tax=False)
    assert (made.subtotal, made.tax, made.total) == (D("0.15"), D("0.02"), D("0.17"))
    (only,) = made.by_rate
    assert (only.rate, only.base, only.tax) == (D("10.000"), D("0.15"), D("0.02"))


def test_a_half_cent_of_tax_rounds_up() -> None:
    assert rate_total(D("10"), D("0.05"), False).tax == D("0.01")  # 0.005
    assert rate_total(D("5"), D("0.30"), False).tax == D("0.02")  # 0.015
    assert rate_total(D("20"), D("0.02"), False).tax == D("0.00")  # 0.004


# -- prices including tax ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("gross", "rate", "base", "tax"),
    [
        ("12.00", "20", "10.00", "2.00"),
        ("10.00", "20", "8.33", "1.67"),  # 8.333... rounded; the tax is the rest
        ("0.01", "20", "0.01", "0.00"),
        ("100.00", "8.875", "91.85", "8.15"),  # 91.848...
        ("1.05", "5", "1.00", "0.05"),
        ("7.00", "0", "7.00", "0.00"),
    ],
)
def test_tax_included_is_taken_back_out_to_the_cent(
    gross: str, rate: str, base: str, tax: str
) -> None:
    found = rate_total(D(rate), D(gross), True)
    assert (found.base, found.tax, found.gross) == (D(base), D(tax), D(gross))


def test_a_document_with_tax_included_keeps_what_the_customer_pays() -> None:
    lines = [line("1", "10.00", "20"), line("3", "3.33", "20"), line("1", "5.25", "5")]
    made = figures(lines, prices_include_tax=True)
    assert made.total == D("10.00") + D("9.99") + D("5.25")
    assert [(r.rate, r.base, r.tax) for r in made.by_rate] == [
        (D("20.000"), D("16.66"), D("3.33")),  # 19.99 / 1.2 = 16.658...
        (D("5.000"), D("5.00"), D("0.25")),
    ]
    assert made.subtotal + made.tax == made.total


def test_no_lines_make_nothing() -> None:
    made = totals([], False)
    assert (made.subtotal, made.tax, made.total, made.by_rate) == (D(0), D(0), D(0), ())


# -- lines ---------------------------------------------------------------------------------
def test_a_discount_beyond_its_line_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        line("2", "5", discount="10.01")
    assert fields_of(exc) == {"discount"}
    assert line("2", "5", discount="10.00").amount == D("0.00")
    with pytest.raises(ValidationError) as exc:
        NewQuote.parse(
            {
                "customer_id": "c",
                "title": "t",
                "lines": [
                    {"description": "x", "quantity": "2", "unit_price": "5", "discount": "11"}
                ],
            }
        )
    assert fields_of(exc) == {"lines"}
    assert "item 1: discount" in str(exc.value)


@pytest.mark.parametrize(
    ("quantity", "ok"),
    [
        ("0.001", True),
        ("2.5", True),
        ("1000000", True),
        ("0", False),
        ("-1", False),
        ("0.0001", False),
        ("1000000.001", False),
        (1.5, False),
        ("NaN", False),
        (True, False),
    ],
)
def test_quantities_have_at_most_three_places(quantity: object, ok: bool) -> None:
    raw = {"description": "x", "quantity": quantity, "unit_price": "1"}
    if ok:
        assert LineRequest.parse(raw).quantity.as_tuple().exponent == -3
    else:
        with pytest.raises(ValidationError) as exc:
            LineRequest.parse(raw)
        assert fields_of(exc) == {"quantity"}


def test_a_line_request_tells_no_tax_from_the_default_tax() -> None:
    base = {"description": "x", "quantity": "1", "unit_price": "1"}
    assert LineRequest.parse(base).tax is UNSET
    assert LineRequest.parse(base | {"tax": None}).tax is None
    assert LineRequest.parse(base | {"tax": " VAT "}).tax == "VAT"
    with pytest.raises(ValidationError) as exc:
        LineRequest.parse(base | {"tax": 20})
    assert fields_of(exc) == {"tax"}


def test_a_line_with_a_rate_names_it() -> None:
    with pytest.raises(ValidationError) as exc:
        Line.parse(
            {"description": "x", "quantity": "1", "unit": None, "unit_price": "1", "tax_rate": "20"}
        )
    assert fields_of(exc) == {"tax_name"}
    with pytest.raises(ValidationError) as exc:
        Line.parse(
            {
                "description": "x",
                "quantity": "1",
                "unit": None,
                "unit_price": "1",
                "tax_name": "VAT",
                "tax_rate": "100.001",
            }
        )
    assert fields_of(exc) == {"tax_rate"}


def test_requests_hold_their_lines_and_jobs_checked() -> None:
    new = NewInvoice.parse({"customer_id": "c", "job_ids": ["j1", "j2", "j1"]})
    assert new.job_ids == ("j1", "j2")  # each once
    with pytest.raises(ValidationError) as exc:
        NewInvoice.parse({"customer_id": "c", "job_ids": ["j1", ""], "lines": {}})
    assert fields_of(exc) == {"job_ids", "lines"}
    assert QuoteChanges(title="New").given() == {"title": "New"}
    with pytest.raises(ValidationError) as exc:
        QuoteChanges(customer_id="other")
    assert fields_of(exc) == {"customer_id"}


# -- settings: currency, rates, number formats ------------------------------------------------
@pytest.mark.parametrize("code", ["JPY", "BHD", "KWD"])
def test_currencies_not_counted_in_hundredths_are_refused(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        BillingSettings(user_id="u", currency=code)
    assert fields_of(exc) == {"currency"}
    assert "hundredths" in str(exc.value)


def test_currencies_are_iso_codes_kept_upper_case() -> None:
    assert BillingSettings.parse({"user_id": "u", "currency": " eur "}).currency == "EUR"
    for bad in ("EURO", "XXQ", 978):
        with pytest.raises(ValidationError):
            BillingSettings.parse({"user_id": "u", "currency": bad})


def test_tax_rates_have_different_names_and_the_default_is_one_of_them() -> None:
    rates = [{"name": "VAT", "rate": "20"}, {"name": "VAT", "rate": "5"}]
    with pytest.raises(ValidationError) as exc:
        BillingSettings.parse({"user_id": "u", "tax_rates": rates})
    assert fields_of(exc) == {"tax_rates"}
    with pytest.raises(ValidationError) as exc:
        BillingSettings.parse({"user_id": "u", "default_tax": "VAT"})
    assert fields_of(exc) == {"default_tax"}
    settings = BillingSettings.parse({"user_id": "u", "tax_rates": rates[:1]})
    assert settings.rate("VAT") is not None and settings.rate(None) is None
    with pytest.raises(ValidationError):
        settings.rate("GST")


@pytest.mark.parametrize(
    ("number_format", "year", "number", "made", "period"),
    [
        ("INV-{year}-{number:04d}", 2025, 42, "INV-2025-0042", 2025),
        ("INV-{year}-{number:04d}", 2026, 12345, "INV-2026-12345", 2026),  # wider than 4
        ("{number}", 2025, 7, "7", 0),
        ("F{number:05d}", 1999, 1, "F00001", 0),
        ("{{{year}}}/{number}", 2025, 3, "{2025}/3", 2025),
    ],
)
def test_number_formats(number_format: str, year: int, number: int, made: str, period: int) -> None:
    BillingSettings(user_id="u", invoice_format=number_format)  # a valid format
    assert number_for(number_format, year, number) == made
    assert period_of(number_format, year) == period


@pytest.mark.parametrize(
    "bad",
    [
        "INV-{year}",
        "{number}{customer}",
        "{number!r}",
        "{number:x}",
        "{number:>4}",
        "{number",
        "x" * 41,
        "",
    ],
)
def test_bad_number_formats_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        BillingSettings(user_id="u", invoice_format=bad)
    assert fields_of(exc) == {"invoice_format"}


def test_each_series_has_its_format() -> None:
    settings = BillingSettings(user_id="u")
    assert [settings.format_of(s) for s in Series] == [
        "Q-{year}-{number:04d}",
        "INV-{year}-{number:04d}",
        "CN-{year}-{number:04d}",
    ]


# -- an invoice's status follows its money ----------------------------------------------------
def test_status_follows_what_is_paid_and_credited() -> None:
    total = D("100.00")
    assert settled_status(total, D(0), D(0)) is InvoiceStatus.ISSUED
    assert settled_status(total, D("0.01"), D(0)) is InvoiceStatus.PARTLY_PAID
    assert settled_status(total, D("60"), D("40")) is InvoiceStatus.PAID
    assert settled_status(total, D("100"), D("20")) is InvoiceStatus.PAID  # overpaid


def _invoice(**fields: object) -> Invoice:
    lines = (line("1", "100", "20"),)
    made = figures(lines, False)
    values: dict[str, object] = {
        "id": "i",
        "user_id": "u",
        "customer_id": "c",
        "kind": InvoiceKind.INVOICE,
        "number": "INV-2025-0001",
        "status": InvoiceStatus.ISSUED,
        "lines": lines,
        "notes": None,
        "currency": "USD",
        "prices_include_tax": False,
        "subtotal": made.subtotal,
        "tax": made.tax,
        "total": made.total,
        "issued_on": date(2025, 7, 6),
        "due_on": date(2025, 8, 5),
        "amount_paid": D("0.00"),
        "amount_credited": D("0.00"),
        "corrects": None,
        "voided_at": None,
        "void_reason": None,
        "created_at": T,
        "updated_at": T,
    }
    return Invoice(**(values | fields))  # type: ignore[arg-type]


def test_an_invoice_that_does_not_add_up_cannot_be_built() -> None:
    assert _invoice().total == D("120.00")
    with pytest.raises(ValidationError) as exc:
        _invoice(total=D("120.01"))
    assert fields_of(exc) == {"total"}
    with pytest.raises(ValidationError) as exc:
        _invoice(amount_paid=D("50.00"))  # partly paid, yet said to be issued
    assert fields_of(exc) == {"status"}
    assert _invoice(amount_paid=D("50.00"), status=InvoiceStatus.PARTLY_PAID).balance == D("70.00")
    with pytest.raises(ValidationError) as exc:
        _invoice(due_on=date(2025, 7, 5))
    assert fields_of(exc) == {"due_on"}


def test_overdue_is_owing_after_the_due_date() -> None:
    invoice = _invoice()
    assert not invoice.overdue_on(date(2025, 8, 5))
    assert invoice.overdue_on(date(2025, 8, 6))
    paid = _invoice(amount_paid=D("120.00"), status=InvoiceStatus.PAID)
    assert not paid.overdue_on(date(2026, 1, 1)) and paid.balance == D("0.00")


def test_a_quotes_lines_bill_no_job() -> None:
    now = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
    billed = Line(description="Fence", quantity=D("1.000"), unit=None, unit_price=D("10.00"))
    made = figures([billed], False)
    quote = Quote(
        id="q",
        user_id="u",
        customer_id="c",
        number=None,
        status=QuoteStatus.DRAFT,
        title="Fence",
        notes=None,
        lines=(billed,),
        currency="USD",
        prices_include_tax=False,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=None,
        valid_until=None,
        decided_at=None,
        job_id=None,
        created_at=now,
        updated_at=now,
    )
    with pytest.raises(ValidationError) as exc:
        attrs.evolve(quote, lines=(attrs.evolve(billed, job_id="j"),))
    assert fields_of(exc) == {"lines"}
