"""Turning MyJobTrack's loosely typed values into jobtrack's, reporting every change.

MyJobTrack's server validated nothing beyond NOT NULL and UNIQUE, so a row may
hold anything. Each converter here returns a value jobtrack accepts and, when
that value is not what the source said, records an alteration with the old
value and the reason (text trimmed and empty text stored as null included).
Documented mappings of the same value (``scheduled`` -> ``pending``, a naive
timestamp read as UTC) are not reported row by row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from jobtrack_core import fields as f
from jobtrack_core.commands import NewCustomer, NewJob
from jobtrack_core.fields import Problem, Text, rules_of
from jobtrack_core.money import MAX_AMOUNT, round_to_cent
from jobtrack_core.status import JobStatus
from jobtrack_interchange.report import EMPTY_TO_NULL, TRIMMED, ReportBuilder

#: The rule of each text field of customers and jobs (accounts share name and
#: business_name with customers).
TEXT_RULES: dict[str, Text] = {
    name: of
    for name, of in (rules_of(NewCustomer) | rules_of(NewJob)).items()
    if isinstance(of, Text)
}

STATUSES: dict[str, JobStatus] = {
    "pending": JobStatus.PENDING,
    "scheduled": JobStatus.PENDING,
    "in_progress": JobStatus.IN_PROGRESS,
    "in-progress": JobStatus.IN_PROGRESS,
    "in progress": JobStatus.IN_PROGRESS,
    "completed": JobStatus.COMPLETED,
    "cancelled": JobStatus.CANCELLED,
    "canceled": JobStatus.CANCELLED,
}
_TRUE = {"1", "true", "yes", "paid", "t", "y"}
_FALSE = {"0", "false", "no", "unpaid", "f", "n", ""}
#: Epoch numbers larger than this are read as milliseconds (JavaScript's Date.now()).
_MILLISECONDS_FROM = 100_000_000_000


def known_status(value: object) -> JobStatus | None:
    """The status a legacy value names (see :data:`STATUSES`), or None."""
    return STATUSES.get(value.strip().lower()) if isinstance(value, str) else None


def parse_moment(value: object) -> datetime:
    """A legacy timestamp as an aware UTC datetime, or ValueError saying why not.

    Accepts ISO 8601 text with or without ``T``, fraction and offset (no offset
    means UTC, as D1's ``CURRENT_TIMESTAMP`` and JavaScript's ``toISOString``
    write), a bare date (midnight UTC), and epoch seconds or milliseconds.
    """
    if isinstance(value, bool):
        raise ValueError("is a boolean, not a time")
    if isinstance(value, int | float | Decimal):
        seconds = float(value)
        if abs(seconds) >= _MILLISECONDS_FROM:
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError("is a number out of range for a time") from None
    if not isinstance(value, str):
        raise ValueError(f"is {type(value).__name__}, not a time")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _shown(value: object) -> object:
    return repr(value) if isinstance(value, float) else value


class RowFixer:
    """Converts the values of one legacy row, recording alterations against it."""

    def __init__(self, report: ReportBuilder, kind: str, id: str) -> None:
        self.report = report
        self.kind = kind
        self.id = id

    def alter(self, field: str, old: object, new: object, reason: str) -> None:
        self.report.altered(self.kind, self.id, field, _shown(old), new, reason)

    def notice(self, message: str) -> None:
        self.report.notice(self.kind, self.id, message)

    # -- text -----------------------------------------------------------------------
    def text(
        self, field: str, value: object, *, required: bool = False, placeholder: str = ""
    ) -> str | None:
        """Trimmed text that validation accepts; control characters, surrogates and
        excess length are repaired; a missing required text gets ``placeholder``."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.alter(
                    field, value, placeholder, "is required but empty; a placeholder was set"
                )
                return placeholder
            if value is not None:
                self.alter(field, value, None, EMPTY_TO_NULL)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            if required:
                self.alter(field, value, placeholder, "is not text; a placeholder was set")
                return placeholder
            self.alter(field, value, None, "is not text; dropped")
            return None
        if not isinstance(value, str):
            text = str(value)
            self.alter(field, value, text, "was a number; kept as text")
            value = text
        repaired, done = TEXT_RULES[field].repair(value)
        if repaired is None:
            if required:
                self.alter(field, value, placeholder, "holds no usable text; a placeholder was set")
                return placeholder
            self.alter(field, value, None, "holds no usable text; dropped")
            return None
        if done:
            reasons = [TRIMMED if d == "trimmed" else d for d in done]
            self.alter(field, value, repaired, "; ".join(reasons))
        return repaired

    def email(self, field: str, value: object) -> str | None:
        """An optional contact email; one that is not valid is dropped (and reported)."""
        text = self.text(field, value)
        if text is None:
            return None
        try:
            return f.EMAIL.clean(text)
        except Problem:
            self.alter(field, value, None, "is not a valid email address; dropped")
            return None

    # -- numbers --------------------------------------------------------------------
    def amount(self, field: str, value: object) -> Decimal | None:
        """Money or hours, exact to the cent (hundredth): REAL values are rounded half up
        and every value that changes is reported; unusable values are dropped."""
        if value is None:
            return None
        if isinstance(value, bool):
            self.alter(field, value, None, "is not a number; dropped")
            return None
        exact: Decimal
        if isinstance(value, float):
            exact = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            exact = Decimal(value)
        elif isinstance(value, str):
            if not value.strip():
                return None
            try:
                exact = Decimal(value.strip())
            except InvalidOperation:
                self.alter(field, value, None, "is not a number; dropped")
                return None
        else:
            self.alter(field, value, None, "is not a number; dropped")
            return None
        if not exact.is_finite():
            self.alter(field, value, None, "is not a finite number; dropped")
            return None
        if exact < 0:
            self.alter(field, value, None, "is negative; dropped")
            return None
        rounded = round_to_cent(exact)
        if rounded > MAX_AMOUNT:
            self.alter(field, value, None, f"is above {MAX_AMOUNT}; dropped")
            return None
        if rounded != exact:
            self.alter(field, value, rounded, "rounded half up to the cent")
        return rounded

    def minutes_as_hours(self, field: str, minutes: object) -> Decimal | None:
        """A duration in minutes as hours to the hundredth."""
        if minutes is None:
            return None
        if isinstance(minutes, bool) or not isinstance(minutes, int | float | Decimal | str):
            self.alter(field, minutes, None, "is not a number of minutes; dropped")
            return None
        try:
            exact = Decimal(repr(minutes) if isinstance(minutes, float) else minutes) / 60
        except InvalidOperation:
            self.alter(field, minutes, None, "is not a number of minutes; dropped")
            return None
        if not exact.is_finite() or exact < 0 or exact > MAX_AMOUNT:
            self.alter(field, minutes, None, "is not a usable number of minutes; dropped")
            return None
        hours = round_to_cent(exact)
        if hours != exact:
            self.alter(field, minutes, hours, "minutes converted to hours, rounded half up")
        return hours

    # -- flags and statuses -----------------------------------------------------------
    def flag(self, field: str, value: object, *, default: bool = False) -> bool:
        """A boolean stored as 0/1, true/false or text."""
        if isinstance(value, bool):
            return value
        if value is None:
            return default
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in _FALSE:
            return False
        self.alter(field, value, default, "is not a yes/no value; the default was taken")
        return default

    def status(self, value: object) -> JobStatus:
        """A job status; ``scheduled`` is pending, ``in-progress`` is in_progress."""
        status = known_status(value)
        if status is not None:
            return status
        self.alter("status", value, "pending", "is not a known status; set to pending")
        return JobStatus.PENDING

    # -- times --------------------------------------------------------------------------
    def moment(self, field: str, value: object) -> datetime | None:
        """An optional time; an unreadable one is dropped (and reported)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_moment(value)
        except ValueError as exc:
            self.alter(field, value, None, f"{exc}; dropped")
            return None

    def required_moment(
        self, field: str, value: object, fallbacks: list[tuple[str, datetime | None]]
    ) -> datetime:
        """A required time; when missing or unreadable, the first available fallback
        (named in the report) is taken."""
        moment = None
        problem = "is missing"
        if value is not None and not (isinstance(value, str) and not value.strip()):
            try:
                moment = parse_moment(value)
            except ValueError as exc:
                problem = str(exc)
        if moment is not None:
            return moment
        for name, candidate in fallbacks:
            if candidate is not None:
                self.alter(field, value, candidate, f"{problem}; set to {name}")
                return candidate
        raise AssertionError("the last fallback is always available")

    def day(self, field: str, value: object) -> date | None:
        """A calendar date. A timestamp keeps the date as written; a time of day other
        than midnight is reported because it is dropped."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                self.alter(field, value, None, "is not a date; dropped")
                return None
            if moment.time() != time(0) or (moment.utcoffset() or 0):
                self.alter(field, value, moment.date(), "the time of day was dropped")
            return moment.date()
        try:
            moment = parse_moment(value)
        except ValueError as exc:
            self.alter(field, value, None, f"{exc}; dropped")
            return None
        self.alter(field, value, moment.date(), "a timestamp number read as a UTC date")
        return moment.date()
