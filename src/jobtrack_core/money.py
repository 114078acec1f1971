"""Exact money and hours.

In the API, amounts are :class:`decimal.Decimal` with two decimal places; in
storage they are integers of minor units (cents). A float is never accepted as
money, because ``0.1 + 0.2`` is not ``0.3``; write ``Decimal("0.10")`` or the
string ``"0.10"`` instead. Hours follow the same rules (hundredths of an hour).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from jobtrack_core.errors import quoted

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The largest amount (and the largest number of hours) one field may hold.
MAX_AMOUNT = Decimal("9999999999.99")
#: The longest decimal text read as an amount.
_MAX_TEXT = 100


class MoneyError(ValueError):
    """Why a value is not a valid amount; turned into a FieldError by validation."""


def parse_amount(value: object) -> Decimal:
    """Return ``value`` as a Decimal with exactly two places, or raise MoneyError.

    Accepts Decimal, int and decimal strings such as ``"12.5"``. Refuses floats,
    booleans, NaN and infinities, negative values, more than two decimal places
    (never silently rounded, however many zeros come first: ``1E-999`` is refused)
    and values above :data:`MAX_AMOUNT`. Zero is always ``0.00``, never ``-0.00``.

    >>> parse_amount("12.5"), parse_amount(7), parse_amount("-0")
    (Decimal('12.50'), Decimal('7.00'), Decimal('0.00'))
    """
    if isinstance(value, (bool, float)):
        raise MoneyError(
            f"must be a Decimal, int or decimal string, not {type(value).__name__} "
            f"(floats are inexact; write Decimal({str(value)!r}))"
        )
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise MoneyError(f"must be at most {_MAX_TEXT} characters of text")
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"{quoted(value)} is not a decimal number") from None
    else:
        raise MoneyError(f"must be a Decimal, int or decimal string, not {type(value).__name__}")
    if not amount.is_finite():
        raise MoneyError("must be a finite number")
    if amount.is_zero():
        return ZERO
    if amount < 0:
        raise MoneyError("must not be negative")
    if amount > MAX_AMOUNT:
        raise MoneyError(f"must be at most {MAX_AMOUNT}")
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + trailing_zeros < -2:
        raise MoneyError("must have at most 2 decimal places")
    return amount.quantize(CENT)


def to_minor(amount: Decimal) -> int:
    """Decimal currency units to integer minor units: ``Decimal("12.34")`` -> ``1234``."""
    return int(amount.quantize(CENT) * 100)


def from_minor(minor: int) -> Decimal:
    """Integer minor units to Decimal currency units: ``1234`` -> ``Decimal("12.34")``.

    Exact, with two places (``0`` -> ``Decimal("0.00")``).
    """
    return Decimal(minor).scaleb(-2)


def round_to_cent(value: float | Decimal) -> Decimal:
    """Round a legacy (floating point) amount to the cent, half up, for imports."""
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
