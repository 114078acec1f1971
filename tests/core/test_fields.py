"""The field rules: each kind of value, accepted and refused, stated once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import fields as f
from jobtrack_core.errors import ValidationError, quoted
from jobtrack_core.money import MAX_AMOUNT, parse_amount


@pytest.mark.parametrize(
    ("of", "value"),
    [
        (f.NAME, "Ann\u202eelif.exe"),  # a right-to-left override
        (f.NAME, "line\u2028separator"),
        (f.NAME, "C1\x85control"),
        (f.NAME, "tab\there"),
        (f.PHONE, "555\n0100"),
        (f.NOTES, "bidi\u2066isolate"),
        (f.NOTES, "nul\x00byte"),
        (f.NOTES, "lone\ud800surrogate"),
        (f.TITLE, "x" * 201),
        (f.NAME, ""),
        (f.NAME, "   "),
        (f.NAME, 42),
        (f.EMAIL, "no-at-sign"),
    ],
)
def test_text_that_could_mislead_or_not_be_stored_is_refused(
    of: f.Rule[object], value: object
) -> None:
    with pytest.raises(f.Problem):
        of.clean(value)


def test_multi_line_text_keeps_its_line_breaks_and_tabs() -> None:
    assert f.NOTES.clean(" first\n\tsecond\r\nthird ") == "first\n\tsecond\r\nthird"
    assert f.ADDRESS.clean("1 Main St\u2028Springfield") == "1 Main St\u2028Springfield"


def test_optional_text_given_empty_is_none_and_required_text_is_not() -> None:
    assert f.PHONE.clean("  ") is None
    assert f.PHONE.clean(None) is None
    with pytest.raises(f.Problem, match="required"):
        f.NAME.clean(None)


def test_a_text_limit_is_exact() -> None:
    assert f.TITLE.clean("x" * 200) == "x" * 200
    with pytest.raises(f.Problem, match="at most 200"):
        f.TITLE.clean("x" * 201)


@pytest.mark.parametrize(
    "value",
    [7, "", "a b", "tab\tid", "nul\x00", "x" * (f.MAX_ID_LENGTH + 1), "\u202e17", None, 1.5],
)
def test_ids_are_sane_strings(value: object) -> None:
    with pytest.raises(f.Problem):
        f.ID.clean(value)


def test_an_id_is_kept_exactly_and_its_limit_is_exact() -> None:
    assert f.ID.clean("x" * f.MAX_ID_LENGTH) == "x" * f.MAX_ID_LENGTH
    assert f.ID.clean("demo-job-1") == "demo-job-1"
    assert f.ID.clean("Zoë_17") == "Zoë_17"


@pytest.mark.parametrize(
    "value", ["20250101", "2025-W01-1", "2025-02-30", "2025-1-01", "٢٠٢٥-01-01"]
)
def test_due_dates_are_yyyy_mm_dd(value: str) -> None:
    with pytest.raises(f.Problem, match="YYYY-MM-DD"):
        f.DAY.clean(value)


def test_a_due_date_is_a_date_not_a_datetime() -> None:
    assert f.DAY.clean(" 2025-07-06 ") == date(2025, 7, 6)
    assert f.DAY.clean(date(2025, 7, 6)) == date(2025, 7, 6)
    with pytest.raises(f.Problem, match="not a datetime"):
        f.DAY.clean(datetime(2025, 7, 6, tzinfo=UTC))


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("12.5", "12.50"),
        (7, "7.00"),
        ("-0", "0.00"),
        (Decimal("-0.00"), "0.00"),
        ("1.2E+1", "12.00"),
    ],
)
def test_money_is_kept_with_two_places_and_never_negative_zero(value: object, kept: str) -> None:
    amount = parse_amount(value)
    assert amount.as_tuple() == Decimal(kept).as_tuple()


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        True,
        "1E-999999999999",
        Decimal("1E-999999999999"),
        "0.001",
        "-0.01",
        MAX_AMOUNT + Decimal("0.01"),
        "NaN",
        "Infinity",
        "1" * 1000,
    ],
)
def test_money_that_would_be_rounded_or_is_not_money_is_refused(value: object) -> None:
    with pytest.raises(f.Problem):
        f.MONEY.clean(value)


@given(cents=st.integers(0, int(MAX_AMOUNT * 100)), zeros=st.integers(0, 30))
def test_any_number_of_trailing_zeros_is_the_same_amount(cents: int, zeros: int) -> None:
    text = f"{Decimal(cents).scaleb(-2):f}" + ("0" * zeros if zeros else "")
    assert f.MONEY.clean(text) == Decimal(cents).scaleb(-2)


def test_kept_form_is_what_records_require() -> None:
    assert f.MONEY.holds(Decimal("12.50")) and not f.MONEY.holds(Decimal("12.5"))
    assert not f.MONEY.holds(Decimal("-0.00"))
    assert f.NAME.holds("Ada") and not f.NAME.holds(" Ada") and not f.PHONE.holds("")
    assert f.INSTANT.holds(datetime(2025, 1, 1, tzinfo=UTC))
    berlin = timezone(timedelta(hours=1))
    assert not f.INSTANT.holds(datetime(2025, 1, 1, tzinfo=berlin))
    assert not f.INSTANT.holds(datetime(2025, 1, 1))
    assert f.ACCOUNT_EMAIL.holds("sam@x.com") and not f.ACCOUNT_EMAIL.holds("Sam@x.com")


def test_an_instant_is_made_utc_and_a_naive_one_refused() -> None:
    berlin = timezone(timedelta(hours=2))
    assert f.INSTANT.clean(datetime(2025, 7, 6, 11, tzinfo=berlin)) == datetime(
        2025, 7, 6, 9, tzinfo=UTC
    )
    with pytest.raises(f.Problem, match="timezone-aware"):
        f.INSTANT.clean(datetime(2025, 7, 6, 9))


def test_repair_makes_legacy_text_follow_the_rule() -> None:
    repaired, done = f.TITLE.repair("  Fix\nthe\u202e sink " + "x" * 300)
    assert repaired is not None and f.TITLE.holds(repaired) and len(repaired) == 200
    assert done == ["trimmed", "control characters removed", "cut to 200 characters"]
    assert f.NOTES.repair("a\nb") == ("a\nb", [])
    assert f.TITLE.repair("\x00\x01") == (None, ["control characters removed"])


def test_problems_collect_every_field_at_once() -> None:
    problems = f.Problems()
    problems.clean("name", f.NAME, "")
    problems.clean("estimated_cost", f.MONEY, 1.5)
    problems.clean("phone", f.PHONE, "555")
    with pytest.raises(ValidationError) as caught:
        problems.done()
    assert caught.value.fields == ("name", "estimated_cost")


def test_messages_quote_a_bounded_part_of_what_was_sent() -> None:
    huge = "9" * 1_000_000 + "-99-99"
    with pytest.raises(f.Problem) as caught:
        f.DAY.clean(huge)
    assert len(str(caught.value)) < 200
    assert len(quoted("x" * 10_000)) <= 60
