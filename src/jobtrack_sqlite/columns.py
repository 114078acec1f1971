"""How entity values are written to columns and read back.

- Timestamps: integers of microseconds since 1970-01-01T00:00:00Z, so that they
  sort in time order, compare as integers and round-trip to the microsecond.
- Dates: ISO text, ``YYYY-MM-DD``.
- Money and hours: integers of hundredths (cents), never floating point.
- Quantities and tax rates (of document lines): integers of thousandths.
- ``paid``: the integer 0 or 1.

A value no column can hold raises :class:`~jobtrack_core.errors.ValidationError`
naming the field, before anything is written. Each writer checks the usual
case (a UTC datetime, a Decimal with at most two places) first and quickly:
bulk imports convert millions of values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from jobtrack_core.errors import ValidationError
from jobtrack_core.money import MAX_AMOUNT
from jobtrack_core.status import JobStatus

#: The largest number of hundredths a money or hours column holds.
MAX_HUNDREDTHS = int(MAX_AMOUNT * 100)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
#: The range of a timestamp column: what :class:`datetime.datetime` can hold in UTC.
MIN_US = (datetime.min.replace(tzinfo=UTC) - EPOCH) // _US
MAX_US = (datetime.max.replace(tzinfo=UTC) - EPOCH) // _US
#: Below this many microseconds (2**33 seconds, in the year 2242), ``us / 1e6`` is
#: within half a microsecond of the exact value, so :meth:`datetime.fromtimestamp`
#: rounds it back exactly; it is several times faster than adding a timedelta.
_FLOAT_EXACT_US = 2**33 * 1_000_000


def timestamp(value: object, field: str) -> int:
    """A timezone-aware datetime as microseconds since the epoch."""
    if not isinstance(value, datetime) or (value.tzinfo is not UTC and value.utcoffset() is None):
        raise ValidationError.single(field, "must be a timezone-aware datetime")
    us: int = (value - EPOCH) // _US
    if MIN_US <= us <= MAX_US:
        return us
    raise ValidationError.single(field, "is out of the representable range")


def optional_timestamp(value: object, field: str) -> int | None:
    return None if value is None else timestamp(value, field)


def read_timestamp(us: int) -> datetime:
    """The inverse of :func:`timestamp`: an aware UTC datetime."""
    if 0 <= us < _FLOAT_EXACT_US:
        return datetime.fromtimestamp(us / 1e6, UTC)
    return EPOCH + timedelta(microseconds=us)


def read_optional_timestamp(us: int | None) -> datetime | None:
    return None if us is None else read_timestamp(us)


def day(value: object, field: str) -> str | None:
    """A calendar date (or None) as ISO text."""
    if value is None:
        return None
    if type(value) is not date and (isinstance(value, datetime) or not isinstance(value, date)):
        raise ValidationError.single(field, "must be a calendar date")
    return value.isoformat()


def hundredths(value: object, field: str) -> int | None:
    """An exact amount (money or hours) as an integer of hundredths, or None."""
    if value is None:
        return None
    if type(value) is Decimal:  # the usual case: exact, finite, at most two places
        try:
            numerator, denominator = value.as_integer_ratio()
        except (ValueError, OverflowError):  # NaN or infinite: said below
            pass
        else:
            if 100 % denominator == 0:
                minor = numerator * (100 // denominator)
                if 0 <= minor <= MAX_HUNDREDTHS:
                    return minor
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


def thousandths(value: object, field: str) -> int:
    """An exact quantity or tax rate (at most three places, 0 or more) as an integer of
    thousandths."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError.single(field, "must be a finite Decimal")
    scaled = value.scaleb(3)
    if scaled != scaled.to_integral_value():
        raise ValidationError.single(field, "must have at most 3 decimal places")
    number = int(scaled)
    if number < 0:
        raise ValidationError.single(field, "must not be negative")
    return number


def read_thousandths(number: int) -> Decimal:
    """The inverse of :func:`thousandths`: a Decimal with exactly three places."""
    return Decimal(number).scaleb(-3)


def flag(value: object, field: str) -> int:
    if value is True:
        return 1
    if value is False:
        return 0
    raise ValidationError.single(field, "must be True or False")


def status(value: object) -> str:
    if isinstance(value, JobStatus):
        return value  # a str itself
    try:
        return JobStatus(str(value)).value
    except ValueError:
        raise ValidationError.single("status", f"{value!r} is not a job status") from None
