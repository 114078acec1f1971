"""Input rules. Each ``clean_*`` function checks a whole record at once and
raises one :class:`ValidationError` that lists every bad field.

Text is trimmed; an optional field given as empty text becomes ``None``.
NUL characters, other control characters in one-line fields, and lone
surrogates are refused everywhere, because not every store can hold them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.money import MoneyError, parse_amount

#: Longest accepted text per field, in characters.
LIMITS: dict[str, int] = {
    "name": 200,
    "business_name": 200,
    "email": 254,
    "phone": 50,
    "address": 500,
    "notes": 10_000,
    "title": 200,
    "description": 10_000,
}
MULTILINE = frozenset({"address", "notes", "description"})
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Checker:
    """Collects the problems of one record so they can be reported together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def text(self, field: str, value: object, *, required: bool) -> str | None:
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, f"must be text, not {type(value).__name__}")
            return None
        text = value.strip()
        if not text:
            if required:
                self.fail(field, "must not be empty")
            return None
        control = _CONTROL if field in MULTILINE else _CONTROL_ONE_LINE
        if control.search(text) or _SURROGATE.search(text):
            self.fail(field, "contains characters that cannot be stored (control or surrogate)")
            return None
        limit = LIMITS[field]
        if len(text) > limit:
            self.fail(field, f"must be at most {limit} characters")
            return None
        return text

    def email(self, field: str, value: object, *, required: bool) -> str | None:
        text = self.text(field, value, required=required)
        if text is not None and not _EMAIL.match(text):
            self.fail(field, "is not a valid email address")
            return None
        return text

    def amount(self, field: str, value: object) -> Decimal | None:
        if value is None:
            return None
        try:
            return parse_amount(value)
        except MoneyError as exc:
            self.fail(field, str(exc))
            return None

    def due_date(self, field: str, value: object) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            self.fail(field, "must be a calendar date, not a datetime")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                self.fail(field, f"{value!r} is not an ISO date (YYYY-MM-DD)")
                return None
        self.fail(field, f"must be a date, not {type(value).__name__}")
        return None


CUSTOMER_FIELDS = ("name", "email", "phone", "address", "business_name", "notes")
JOB_FIELDS = (
    "customer_id",
    "title",
    "description",
    "estimated_cost",
    "actual_cost",
    "estimated_hours",
    "actual_hours",
    "due_date",
)


def _unknown(check: Checker, values: Mapping[str, Any], known: tuple[str, ...]) -> None:
    for field in values:
        if field not in known:
            check.fail(field, "is not a field that can be set")


def clean_customer(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a customer's editable fields; return them cleaned."""
    check = Checker()
    _unknown(check, values, CUSTOMER_FIELDS)
    cleaned = {
        "name": check.text("name", values.get("name"), required=True),
        "email": check.email("email", values.get("email"), required=False),
        "phone": check.text("phone", values.get("phone"), required=False),
        "address": check.text("address", values.get("address"), required=False),
        "business_name": check.text("business_name", values.get("business_name"), required=False),
        "notes": check.text("notes", values.get("notes"), required=False),
    }
    check.done()
    return cleaned


def clean_job(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a job's editable fields; return them cleaned."""
    check = Checker()
    _unknown(check, values, JOB_FIELDS)
    customer_id = values.get("customer_id")
    if not isinstance(customer_id, str) or not customer_id:
        check.fail("customer_id", "is required")
    cleaned = {
        "customer_id": customer_id,
        "title": check.text("title", values.get("title"), required=True),
        "description": check.text("description", values.get("description"), required=False),
        "estimated_cost": check.amount("estimated_cost", values.get("estimated_cost")),
        "actual_cost": check.amount("actual_cost", values.get("actual_cost")),
        "estimated_hours": check.amount("estimated_hours", values.get("estimated_hours")),
        "actual_hours": check.amount("actual_hours", values.get("actual_hours")),
        "due_date": check.due_date("due_date", values.get("due_date")),
    }
    check.done()
    return cleaned


def clean_account(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an account's profile: ``email`` (lower-cased), ``name``, ``business_name``."""
    check = Checker()
    email = check.email("email", values.get("email"), required=True)
    cleaned = {
        "email": email.lower() if email else email,
        "name": check.text("name", values.get("name"), required=True),
        "business_name": check.text("business_name", values.get("business_name"), required=False),
    }
    check.done()
    return cleaned


def password_problem(password: object) -> str | None:
    """Why ``password`` is refused, or None. NIST SP 800-63B: length only, any characters."""
    if not isinstance(password, str):
        return "must be text"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if _SURROGATE.search(password):
        return "contains characters that cannot be encoded"
    return None


def check_password(field: str, password: object) -> str:
    problem = password_problem(password)
    if problem:
        raise ValidationError.single(field, problem)
    assert isinstance(password, str)
    return password
