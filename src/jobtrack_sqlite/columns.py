"""How entity values are written to columns and read back.

- Timestamps: text in one fixed-width UTC form, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``,
  so that they sort as text in time order and round-trip to the microsecond.
- Dates: ISO text, ``YYYY-MM-DD``.
- Money and hours: integers of hundredths (cents), never floating point.
- ``paid``: the integer 0 or 1.

A value no column can hold raises :class:`~jobtrack_core.errors.ValidationError`
naming the field, before anything is written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from jobtrack_core.errors import ValidationError
from jobtrack_core.money import MAX_AMOUNT, from_minor
from jobtrack_core.status import JobStatus

#: The largest number of hundredths a money or hours column holds.
MAX_HUNDREDTHS = int(MAX_AMOUNT * 100)


def timestamp(value: object, field: str) -> str:
    """A timezone-aware datetime as fixed-width UTC text."""
    if type(value) is datetime and value.tzinfo is UTC:  # the usual case, made quick
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError.single(field, "must be a timezone-aware datetime")
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValidationError.single(field, "is out of the representable range") from None
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"


def optional_timestamp(value: object, field: str) -> str | None:
    return None if value is None else timestamp(value, field)


def read_timestamp(text: str) -> datetime:
    """The inverse of :func:`timestamp`: an aware UTC datetime."""
    return datetime.fromisoformat(text)


def read_optional_timestamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day(value: object, field: str) -> str | None:
    """A calendar date (or None) as ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError.single(field, "must be a calendar date")
    return value.isoformat()


def read_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def hundredths(value: object, field: str) -> int | None:
    """An exact amount (money or hours) as an integer of hundredths, or None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError.single(field, "must be a finite Decimal")
    scaled = value.scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValidationError.single(field, "must have at most 2 decimal places")
    minor = int(scaled)
    if not 0 <= minor <= MAX_HUNDREDTHS:
        raise ValidationError.single(field, f"must be between 0 and {MAX_AMOUNT}")
    return minor


def read_hundredths(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor(minor)


def flag(value: object, field: str) -> int:
    if not isinstance(value, bool):
        raise ValidationError.single(field, "must be True or False")
    return int(value)


def status(value: object) -> str:
    if isinstance(value, JobStatus):
        return value  # a str itself
    try:
        return JobStatus(str(value)).value
    except ValueError:
        raise ValidationError.single("status", f"{value!r} is not a job status") from None
