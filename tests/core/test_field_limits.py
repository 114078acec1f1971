"""Every limit of every field, at its exact boundary, and the message of every refusal:
what a caller is told is part of each rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jobtrack_core import fields as f
from jobtrack_core.commands import Credentials, NewCustomer, NewJob, Registration
from jobtrack_core.errors import ValidationError
from jobtrack_core.status import JobStatus


@pytest.mark.parametrize(
    ("of", "limit"),
    [
        (f.NAME, 200),
        (f.BUSINESS_NAME, 200),
        (f.TITLE, 200),
        (f.PHONE, 50),
        (f.ADDRESS, 500),
        (f.NOTES, 10_000),
        (f.DESCRIPTION, 10_000),
    ],
)
def test_each_text_field_takes_exactly_its_limit(of: f.Text, limit: int) -> None:
    assert of.clean("x" * limit) == "x" * limit
    with pytest.raises(f.Problem) as caught:
        of.clean("x" * (limit + 1))
    assert str(caught.value) == f"must be at most {limit} characters"
    assert of.repair("x" * (limit + 1)) == ("x" * limit, [f"cut to {limit} characters"])


@pytest.mark.parametrize("of", [f.EMAIL, f.ACCOUNT_EMAIL])
def test_an_email_takes_at_most_254_characters(of: f.Email) -> None:
    longest = "a" * 248 + "@x.com"
    assert of.clean(longest) == longest
    with pytest.raises(f.Problem, match=r"^must be at most 254 characters$"):
        of.clean("a" + longest)


def test_a_password_is_8_to_1024_characters_and_never_trimmed() -> None:
    for ok in ("x" * 8, " " * 8, "x" * 1024, " padded  "):
        assert f.PASSWORD.clean(ok) == ok
    for bad, message in [
        ("x" * 7, "must be at least 8 characters"),
        ("x" * 1025, "must be at most 1024 characters"),
        ("x" * 8 + "\ud800", "contains characters that cannot be encoded"),
        (12345678, "must be text"),
    ]:
        with pytest.raises(f.Problem) as caught:
            f.PASSWORD.clean(bad)
        assert str(caught.value) == message


def test_a_password_to_check_is_at_most_1024_characters_kept_as_given() -> None:
    assert Credentials(email=" sam@x.com ", password=" p ").password == " p "
    assert Credentials(email="a" * 254, password="x" * 1024).email == "a" * 254
    with pytest.raises(ValidationError) as caught:
        Credentials(email="a" * 255, password="x" * 1025)
    assert [str(e) for e in caught.value.errors] == [
        "email: must be at most 254 characters",
        "password: must be at most 1024 characters",
    ]
    with pytest.raises(ValidationError) as caught:
        Credentials(email="sam@x.com", password="\udfff")
    assert str(caught.value) == (
        "password: contains characters that cannot be encoded (lone surrogates)"
    )
    with pytest.raises(ValidationError, match=r"^password: must be text, not a number \(int\)$"):
        Credentials(email="sam@x.com", password=7)  # type: ignore[arg-type]


def test_a_week_starts_on_a_day_from_0_to_6() -> None:
    assert [f.WEEK_START.clean(d) for d in (0, 6)] == [0, 6]
    assert f.WEEK_START.form == "a whole number from 0 to 6"
    for bad in (-1, 7, True, "1", 1.0):
        with pytest.raises(f.Problem) as caught:
            f.WEEK_START.clean(bad)
        assert str(caught.value) == "must be a whole number from 0 to 6"


def test_stored_hashes_have_their_own_forms() -> None:
    assert f.PASSWORD_HASH.clean("h" * 2048) == "h" * 2048
    token = "0123456789abcdef" * 4
    assert f.TOKEN_HASH.clean(token) == token
    cases: list[tuple[f.Rule[Any], object, str]] = [
        (f.PASSWORD_HASH, "h" * 2049, "must be text of 1 to 2048 characters"),
        (f.PASSWORD_HASH, "", "must be text of 1 to 2048 characters"),
        (f.PASSWORD_HASH, 7, "must be text of 1 to 2048 characters"),
        (f.PASSWORD_HASH, "has space", "must be printable ASCII without spaces"),
        (f.PASSWORD_HASH, "tab\t", "must be printable ASCII without spaces"),
        (f.PASSWORD_HASH, "ü", "must be printable ASCII without spaces"),
        (f.TOKEN_HASH, token + "0", "must be text of 1 to 64 characters"),
        (f.TOKEN_HASH, token.upper(), "must match ^[0-9a-f]{64}$"),
    ]
    for of, value, message in cases:
        with pytest.raises(f.Problem) as caught:
            of.clean(value)
        assert str(caught.value) == message, (value, message)


NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
UNKNOWN_ZONE = "is not a known IANA time zone (e.g. 'Europe/Berlin')"


@pytest.mark.parametrize(
    ("of", "value", "message"),
    [
        (f.NAME, None, "is required"),
        (f.NAME, "", "must not be empty"),
        (f.NAME, 7, "must be text, not a number (int)"),
        (f.NAME, True, "must be text, not a boolean"),
        (f.NAME, 1.5, "must be text, not a number (float)"),
        (f.NAME, Decimal(1), "must be text, not a number (Decimal)"),
        (f.NAME, [], "must be text, not a list"),
        (f.NAME, (), "must be text, not a list"),
        (f.NAME, {}, "must be text, not an object"),
        (f.NAME, b"x", "must be text, not bytes"),
        (
            f.NAME,
            "ab\x07",
            "contains the character U+0007 at position 3, which is not allowed "
            "(control, separator, bidirectional override or surrogate)",
        ),
        (f.EMAIL, "a@b", "is not a valid email address"),
        (f.EMAIL, "a@b.", "is not a valid email address"),
        (f.EMAIL, "a b@c.de", "is not a valid email address"),
        (f.ID, 7, "must be an id (text), not a number (int)"),
        (f.ID, "", "must not be empty"),
        (f.ID, "x" * 129, "must be at most 128 characters"),
        (
            f.ID,
            "a b",
            "contains the character U+0020 at position 2, which is not allowed "
            "(white space, control, separator, bidirectional override or surrogate)",
        ),
        (f.MONEY, "abc", "'abc' is not a decimal number"),
        (f.MONEY, "1.005", "must have at most 2 decimal places"),
        (f.MONEY, "-1", "must not be negative"),
        (f.MONEY, "Infinity", "must be a finite number"),
        (f.MONEY, "10000000000", "must be at most 9999999999.99"),
        (f.MONEY, "1" * 101, "must be at most 100 characters of text"),
        (f.MONEY, [], "must be a Decimal, int or decimal string, not list"),
        (
            f.MONEY,
            0.5,
            "must be a Decimal, int or decimal string, not float "
            "(floats are inexact; write Decimal('0.5'))",
        ),
        (f.DAY, datetime(2025, 7, 6, tzinfo=UTC), "must be a calendar date, not a datetime"),
        (f.DAY, "2025-02-30", "'2025-02-30' is not a calendar date (YYYY-MM-DD)"),
        (f.DAY, 20250706, "must be a date (YYYY-MM-DD), not a number (int)"),
        (f.INSTANT, "yesterday", "'yesterday' is not an ISO 8601 date and time"),
        (f.INSTANT, date(2025, 7, 6), "must be a date and time, not date"),
        (f.INSTANT, "2025-07-06T09:00", "must be timezone-aware (carry its UTC offset)"),
        (f.INSTANT, "0001-01-01T00:00+01:00", "is out of the supported range"),
        (f.FLAG, 1, "must be true or false, not a number (int)"),
        (
            f.STATUS,
            "done",
            "must be one of 'pending', 'in_progress', 'completed', 'cancelled', not 'done'",
        ),
        (
            f.STATUS,
            [],
            "must be one of 'pending', 'in_progress', 'completed', 'cancelled', not []",
        ),
        (f.TIMEZONE, None, None),  # optional
        (f.TIMEZONE, " ", "must be an IANA time zone name (e.g. 'Europe/Berlin')"),
        (f.TIMEZONE, 7, "must be an IANA time zone name (e.g. 'Europe/Berlin')"),
        (f.TIMEZONE, "Mars/Base", f"'Mars/Base' {UNKNOWN_ZONE}"),
        (f.TIMEZONE, "../etc", f"'../etc' {UNKNOWN_ZONE}"),
    ],
)
def test_each_refusal_says_what_is_wrong(
    of: f.Rule[Any], value: object, message: str | None
) -> None:
    if message is None:
        assert of.clean(value) is None
        return
    with pytest.raises(f.Problem) as caught:
        of.clean(value)
    assert str(caught.value) == message


def test_what_was_sent_is_named_in_a_json_callers_words() -> None:
    sent: tuple[object, ...] = (None, "x", True, 1, [], {}, b"")
    assert [f.json_type(v) for v in sent] == [
        "null",
        "text",
        "a boolean",
        "a number (int)",
        "a list",
        "an object",
        "bytes",
    ]
    with pytest.raises(f.Problem, match=r"^must be true or false, not text$"):
        f.FLAG.clean("yes")


def test_values_in_their_kept_form_are_accepted_as_given() -> None:
    assert f.STATUS.clean("completed") is JobStatus.COMPLETED
    assert f.STATUS.clean(JobStatus.PENDING) is JobStatus.PENDING
    assert f.STATUS.holds(JobStatus.PENDING) and not f.STATUS.holds("pending")
    assert f.FLAG.clean(False) is False and f.FLAG.holds(True)
    assert f.TIMEZONE.clean(" Europe/Berlin ") == "Europe/Berlin"
    assert f.INSTANT.clean(" 2025-07-06T11:00+02:00 ") == NOW
    assert f.INSTANT.clean(NOW) == NOW
    assert f.EMAIL.clean("Sam@X.com") == "Sam@X.com"
    assert f.ACCOUNT_EMAIL.clean(" Sam@X.com ") == "sam@x.com"
    assert not f.DAY.holds("2025-07-06") and f.DAY.holds(date(2025, 7, 6))
    assert not f.NAME.holds(None) and f.PHONE.holds(None)
    assert f.WEEK_START.holds(3) and not f.WEEK_START.holds(7)


def test_a_record_says_what_form_a_field_must_take() -> None:
    cleanable_but_not_kept: list[tuple[f.Rule[Any], object, str]] = [
        (f.NAME, " Ada", "trimmed text (None rather than empty)"),
        (f.ACCOUNT_EMAIL, "Sam@x.com", "a trimmed email address"),
        (f.MONEY, Decimal("1.5"), "a Decimal with exactly two places"),
        (f.DAY, "2025-07-06", "a date"),
        (f.INSTANT, datetime.fromisoformat("2025-07-06T11:00+02:00"), "a UTC datetime"),
        (f.STATUS, "pending", "a JobStatus"),
        (f.TIMEZONE, " UTC", "an IANA time zone name"),
    ]
    for of, value, form in cleanable_but_not_kept:
        assert not of.holds(value) and of.why_not(value) == f"must be {form}", form
    # Rules whose kept form is every value they accept: only the form itself to check.
    assert [of.form for of in (f.ID, f.FLAG, f.PASSWORD, f.PASSWORD_HASH, f.Raw(3))] == [
        "an id",
        "True or False",
        "a password",
        "a stored hash",
        "text",
    ]
    assert f.NAME.why_not(None) == "is required"


def test_a_command_reports_every_limit_by_field() -> None:
    with pytest.raises(ValidationError) as caught:
        NewCustomer(
            name="x" * 201, phone="5" * 51, address="a" * 501, notes="n" * 10_001,
            business_name="b" * 201, email="e" * 250 + "@x.com",
        )  # fmt: skip
    assert caught.value.fields == ("name", "email", "phone", "address", "business_name", "notes")
    with pytest.raises(ValidationError) as caught:
        NewJob(customer_id="c", title="t" * 201, description="d" * 10_001)
    assert caught.value.fields == ("title", "description")
    with pytest.raises(ValidationError) as caught:
        Registration(email="sam@x.com", password="x" * 1025, name="Sam", week_start=7)
    assert caught.value.fields == ("password", "week_start")
