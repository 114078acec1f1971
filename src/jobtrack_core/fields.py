"""The rule of every kind of value, stated once.

Each field of a record (:mod:`jobtrack_core.entities`) and of a command
(:mod:`jobtrack_core.commands`) names one :class:`Rule`. A rule does two things:

- :meth:`Rule.clean` turns what a caller sent into the value jobtrack keeps (text
  trimmed, ``"12.5"`` into ``Decimal("12.50")``, an ISO date into a
  :class:`~datetime.date`), or raises :class:`Problem` saying what is wrong;
- :meth:`Rule.holds` says whether a value is already in that kept form. Records
  accept nothing else, so no store is ever handed a value the rules forbid.

Text is trimmed, and optional text given as empty text becomes ``None``. No text
may hold NUL or other control characters (tabs and line breaks are allowed in
multi-line fields only), lone surrogates, or the bidirectional embedding,
override and isolate controls (U+202A to U+202E, U+2066 to U+2069), which can
make a name display as something else. One-line text also refuses the Unicode
line and paragraph separators.

>>> TITLE.clean("  Fix the sink ")
'Fix the sink'
>>> MONEY.clean("12.5"), MONEY.holds(Decimal("12.5")), MONEY.holds(Decimal("12.50"))
(Decimal('12.50'), False, True)
>>> DAY.clean("2025-02-30")
Traceback (most recent call last):
...
jobtrack_core.fields.Problem: '2025-02-30' is not a calendar date (YYYY-MM-DD)
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from jobtrack_core.errors import FieldError, ValidationError, quoted
from jobtrack_core.money import MoneyError, parse_amount
from jobtrack_core.status import JobStatus

T = TypeVar("T")

#: The longest id, in characters.
MAX_ID_LENGTH = 128
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_MULTI_LINE_BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
_ONE_LINE_BAD = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
_ID_BAD = re.compile(f"[\\s\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
_LONE_SURROGATE = re.compile(f"[{_SURROGATES}]")
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Problem(ValueError):
    """Why a value breaks its rule; becomes a :class:`FieldError` naming the field."""


def json_type(value: object) -> str:
    """What kind of value was sent, in words a JSON or Python caller understands."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return f"a number ({type(value).__name__})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def bad_character(text: str, pattern: re.Pattern[str]) -> str | None:
    """Why ``text`` holds a character ``pattern`` refuses, or None."""
    found = pattern.search(text)
    if found is None:
        return None
    char = found.group()
    return f"contains the character U+{ord(char):04X} at position {found.start() + 1}, " + (
        "which is not allowed (control, separator, bidirectional override or surrogate)"
    )


class Rule(Generic[T]):
    """The rule of one kind of value. ``optional`` rules accept ``None`` (and, for
    text, empty text, which they keep as ``None``)."""

    #: What the kept form is, for messages about records.
    form = "a valid value"

    def __init__(self, *, optional: bool = False) -> None:
        self.optional = optional

    def clean(self, value: object) -> T | None:
        """The kept form of ``value``; raises :class:`Problem` if it breaks the rule."""
        if value is None:
            if self.optional:
                return None
            raise Problem("is required")
        return self._clean(value)

    def _clean(self, value: object) -> T | None:
        raise NotImplementedError

    def holds(self, value: object) -> bool:
        """Whether ``value`` is already in the kept form (what records require)."""
        if value is None:
            return self.optional
        try:
            cleaned = self._clean(value)
        except Problem:
            return False
        return cleaned is not None and self._same(value, cleaned)

    def _same(self, value: object, cleaned: T) -> bool:
        return type(value) is type(cleaned) and value == cleaned

    def why_not(self, value: object) -> str:
        """Why a record may not hold ``value``."""
        try:
            self.clean(value)
        except Problem as problem:
            return str(problem)
        return f"must be {self.form}"

    def but(self, *, optional: bool) -> Rule[T]:
        """The same rule, optional or required."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__, optional=optional)
        return clone


class Text(Rule[str]):
    """Text of at most ``limit`` characters, trimmed; ``multiline`` allows tabs and
    line breaks."""

    form = "trimmed text (None rather than empty)"

    def __init__(self, limit: int, *, multiline: bool = False, optional: bool = False) -> None:
        super().__init__(optional=optional)
        self.limit = limit
        self.multiline = multiline

    def _clean(self, value: object) -> str | None:
        if not isinstance(value, str):
            raise Problem(f"must be text, not {json_type(value)}")
        text = value.strip()
        if not text:
            if self.optional:
                return None
            raise Problem("must not be empty")
        if len(text) > self.limit:
            raise Problem(f"must be at most {self.limit} characters")
        problem = bad_character(text, _MULTI_LINE_BAD if self.multiline else _ONE_LINE_BAD)
        if problem:
            raise Problem(problem)
        return text

    def repair(self, value: str) -> tuple[str | None, list[str]]:
        """Make text that breaks this rule keep it, for importers of loosely typed data:
        trimmed, refused characters dropped (a one-line field's line breaks become
        spaces), lone surrogates replaced, cut to the limit. Returns the repaired text
        (None if nothing usable is left) and what was done, in words."""
        done: list[str] = []
        text = value.strip()
        if text != value:
            done.append("trimmed")
        pattern = _MULTI_LINE_BAD if self.multiline else _ONE_LINE_BAD
        cleaned = _LONE_SURROGATE.sub("\ufffd", text)
        if cleaned != text:
            done.append("unencodable characters replaced")
        spaced = _BREAKS.sub(" ", cleaned) if not self.multiline else cleaned
        kept = pattern.sub("", spaced).strip()
        if kept != cleaned:
            done.append("control characters removed")
        if len(kept) > self.limit:
            kept = kept[: self.limit].rstrip()
            done.append(f"cut to {self.limit} characters")
        return kept or None, done


class Email(Text):
    """An email address (``something@something.something``); ``lower`` keeps it in
    lower case, as account emails are."""

    form = "a trimmed email address"

    def __init__(self, *, lower: bool = False, optional: bool = False) -> None:
        super().__init__(254, optional=optional)
        self.lower = lower

    def _clean(self, value: object) -> str | None:
        text = super()._clean(value)
        if text is None:
            return None
        if not _EMAIL.match(text):
            raise Problem("is not a valid email address")
        return text.lower() if self.lower else text


class Id(Rule[str]):
    """An id: 1 to :data:`MAX_ID_LENGTH` characters, none of them white space or control
    characters. Ids are kept exactly as given (never trimmed)."""

    form = "an id"

    def _clean(self, value: object) -> str:
        if not isinstance(value, str):
            raise Problem(f"must be an id (text), not {json_type(value)}")
        if not value:
            raise Problem("must not be empty")
        if len(value) > MAX_ID_LENGTH:
            raise Problem(f"must be at most {MAX_ID_LENGTH} characters")
        problem = bad_character(value, _ID_BAD)
        if problem:
            raise Problem(problem.replace("(control,", "(white space, control,"))
        return value


class Money(Rule[Decimal]):
    """An exact amount with two places, from 0 to :data:`~jobtrack_core.money.MAX_AMOUNT`
    (see :func:`~jobtrack_core.money.parse_amount`). Hours follow the same rule."""

    form = "a Decimal with exactly two places"

    def _clean(self, value: object) -> Decimal:
        try:
            return parse_amount(value)
        except MoneyError as exc:
            raise Problem(str(exc)) from None

    def _same(self, value: object, cleaned: Decimal) -> bool:
        return type(value) is Decimal and value.as_tuple() == cleaned.as_tuple()


class Amount(Money):
    """A payment's amount: exact, two places, more than zero."""

    form = "a Decimal with exactly two places, more than 0"

    def _clean(self, value: object) -> Decimal:
        amount = super()._clean(value)
        if amount <= 0:
            raise Problem("must be more than 0")
        return amount


class Day(Rule[date]):
    """A calendar date: a :class:`datetime.date` (not a datetime) or ``YYYY-MM-DD``."""

    form = "a date"

    def _clean(self, value: object) -> date:
        if isinstance(value, datetime):
            raise Problem("must be a calendar date, not a datetime")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            if _ISO_DAY.match(text):
                try:
                    return date.fromisoformat(text)
                except ValueError:
                    pass
            raise Problem(f"{quoted(value)} is not a calendar date (YYYY-MM-DD)")
        raise Problem(f"must be a date (YYYY-MM-DD), not {json_type(value)}")


class Instant(Rule[datetime]):
    """A moment: a timezone-aware datetime (or ISO 8601 text with its offset), kept in UTC."""

    form = "a UTC datetime"

    def _clean(self, value: object) -> datetime:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                raise Problem(f"{quoted(value)} is not an ISO 8601 date and time") from None
        if not isinstance(value, datetime):
            raise Problem(f"must be a date and time, not {json_type(value)}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise Problem("must be timezone-aware (carry its UTC offset)")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise Problem("is out of the supported range") from None

    def _same(self, value: object, cleaned: datetime) -> bool:
        return isinstance(value, datetime) and value.utcoffset() == cleaned.utcoffset()


class Flag(Rule[bool]):
    """``True`` or ``False``, nothing else."""

    form = "True or False"

    def _clean(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise Problem(f"must be true or false, not {json_type(value)}")
        return value


class Whole(Rule[int]):
    """A whole number from ``low`` to ``high``."""

    def __init__(self, low: int, high: int, *, optional: bool = False) -> None:
        super().__init__(optional=optional)
        self.low, self.high = low, high
        self.form = f"a whole number from {low} to {high}"

    def _clean(self, value: object) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (self.low <= value <= self.high)
        ):
            raise Problem(f"must be a whole number from {self.low} to {self.high}")
        return value


E = TypeVar("E", bound=enum.Enum)


class Choice(Rule[E]):
    """One member of an enumeration, given as the member or its value."""

    def __init__(self, choices: type[E], *, optional: bool = False) -> None:
        super().__init__(optional=optional)
        self.choices = choices
        self.form = f"a {choices.__name__}"

    def _clean(self, value: object) -> E:
        if isinstance(value, self.choices):
            return value
        try:
            return self.choices(value)
        except (ValueError, TypeError):
            names = ", ".join(repr(c.value) for c in self.choices)
            raise Problem(f"must be one of {names}, not {quoted(value)}") from None

    def _same(self, value: object, cleaned: E) -> bool:
        return value is cleaned


class TimeZone(Rule[str]):
    """An IANA time zone name, such as ``"Europe/Berlin"``."""

    form = "an IANA time zone name"

    def _clean(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Problem("must be an IANA time zone name (e.g. 'Europe/Berlin')")
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise Problem(
                f"{quoted(name)} is not a known IANA time zone (e.g. 'Europe/Berlin')"
            ) from None
        return name


class Password(Rule[str]):
    """A new password: NIST SP 800-63B's rule, length only, any characters (never trimmed)."""

    form = "a password"

    def _clean(self, value: object) -> str:
        if not isinstance(value, str):
            raise Problem("must be text")
        if len(value) < MIN_PASSWORD_LENGTH:
            raise Problem(f"must be at least {MIN_PASSWORD_LENGTH} characters")
        if len(value) > MAX_PASSWORD_LENGTH:
            raise Problem(f"must be at most {MAX_PASSWORD_LENGTH} characters")
        if _LONE_SURROGATE.search(value):
            raise Problem("contains characters that cannot be encoded")
        return value


class Raw(Rule[str]):
    """Text of at most ``limit`` characters, kept exactly as given (a password to check)."""

    form = "text"

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def _clean(self, value: object) -> str:
        if not isinstance(value, str):
            raise Problem(f"must be text, not {json_type(value)}")
        if len(value) > self.limit:
            raise Problem(f"must be at most {self.limit} characters")
        if _LONE_SURROGATE.search(value):
            raise Problem("contains characters that cannot be encoded (lone surrogates)")
        return value


class Secret(Rule[str]):
    """A stored secret's form (a password hash, a token hash): printable ASCII of at
    most ``limit`` characters, checked further by ``pattern`` if given."""

    form = "a stored hash"

    def __init__(self, limit: int, pattern: str | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.pattern = re.compile(pattern) if pattern else None

    def _clean(self, value: object) -> str:
        if not isinstance(value, str) or not value or len(value) > self.limit:
            raise Problem(f"must be text of 1 to {self.limit} characters")
        if not value.isascii() or not value.isprintable() or " " in value:
            raise Problem("must be printable ASCII without spaces")
        if self.pattern is not None and not self.pattern.match(value):
            raise Problem(f"must match {self.pattern.pattern}")
        return value


class Exact(Rule[Decimal]):
    """An exact decimal with at most ``places`` places, from ``low`` to ``high`` (``low``
    itself refused when ``above_low``), kept with exactly ``places`` places: quantities
    and tax rates. Like money, never a float."""

    def __init__(
        self,
        places: int,
        low: Decimal,
        high: Decimal,
        *,
        above_low: bool = False,
        optional: bool = False,
    ) -> None:
        super().__init__(optional=optional)
        self.places, self.low, self.high, self.above_low = places, low, high, above_low
        self.step = Decimal(1).scaleb(-places)
        self.form = f"a Decimal with exactly {places} places"

    def _clean(self, value: object) -> Decimal:
        if isinstance(value, bool | float):
            raise Problem(f"must be a Decimal, int or decimal string, not {type(value).__name__}")
        if isinstance(value, int | str):
            try:
                value = Decimal(value.strip() if isinstance(value, str) else value)
            except InvalidOperation:
                raise Problem(f"{quoted(value)} is not a decimal number") from None
        if not isinstance(value, Decimal):
            raise Problem(f"must be a Decimal, int or decimal string, not {json_type(value)}")
        if not value.is_finite():
            raise Problem("must be a finite number")
        too_low = value <= self.low if self.above_low else value < self.low
        if too_low or value > self.high:
            lowest = f"more than {self.low}" if self.above_low else f"at least {self.low}"
            raise Problem(f"must be {lowest} and at most {self.high}")
        if value != value.quantize(self.step, rounding=ROUND_DOWN):
            raise Problem(f"must have at most {self.places} decimal places")
        return value.quantize(self.step) + 0  # + 0: never -0

    def _same(self, value: object, cleaned: Decimal) -> bool:
        return type(value) is Decimal and value.as_tuple() == cleaned.as_tuple()


class Currency(Rule[str]):
    """An ISO 4217 currency code of a currency counted in hundredths (``"EUR"``, ``"USD"``),
    upper case. jobtrack keeps every amount in hundredths, so currencies with no minor
    unit (``"JPY"``) or with three (``"BHD"``) are refused, saying so."""

    form = "an ISO 4217 currency code"

    def _clean(self, value: object) -> str:
        from babel.numbers import get_currency_precision, list_currencies

        if not isinstance(value, str):
            raise Problem(f"must be a currency code (text), not {json_type(value)}")
        code = value.strip().upper()
        if code not in list_currencies():
            raise Problem(f"{quoted(value)} is not an ISO 4217 currency code")
        if get_currency_precision(code) != 2:
            raise Problem(
                f"{code} is not counted in hundredths, and jobtrack keeps amounts in hundredths"
            )
        return code


class NumberFormat(Text):
    """How a business numbers its documents: text holding ``{number}`` (or, padded,
    ``{number:04d}``) and, if numbers restart each year, ``{year}``; nothing else in braces
    (write ``{{`` for a brace). ``"INV-{year}-{number:04d}"`` makes ``INV-2025-0042``."""

    form = "a number format such as 'INV-{year}-{number:04d}'"

    def __init__(self) -> None:
        super().__init__(40)

    def _clean(self, value: object) -> str | None:
        text = super()._clean(value)
        assert text is not None
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise Problem(f"is not a number format: {exc}") from None
        names = [name for _, name, _, _ in parts if name is not None]
        if "number" not in names:
            raise Problem("must hold {number}, e.g. 'INV-{year}-{number:04d}'")
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in ("number", "year") or conversion:
                raise Problem(f"may hold only {{number}} and {{year}}, not {{{name}}}")
            if spec and not re.fullmatch(r"0?[1-9]d?", spec):
                raise Problem(f"{{{name}:{spec}}}: the only format is a width, such as :04d")
        return text


# -- the rules of jobtrack's fields -------------------------------------------------------
ID = Id()
NAME = Text(200)
BUSINESS_NAME = Text(200, optional=True)
EMAIL = Email(optional=True)
ACCOUNT_EMAIL = Email(lower=True)
PHONE = Text(50, optional=True)
ADDRESS = Text(500, multiline=True, optional=True)
NOTES = Text(10_000, multiline=True, optional=True)
TITLE = Text(200)
DESCRIPTION = Text(10_000, multiline=True, optional=True)
MONEY = Money(optional=True)
HOURS = Money(optional=True)
PAID_AMOUNT = Money()
AMOUNT = Amount()
REFERENCE = Text(100, optional=True)
REASON = Text(500)
DAY = Day(optional=True)
INSTANT = Instant()
FLAG = Flag()
STATUS = Choice(JobStatus)
#: A record's version: 1 when made, one more with every change (a 32-bit column holds it).
VERSION = Whole(1, 2**31 - 1)
#: A place in a business's history: 1 for its first change, then one more each.
SEQ = Whole(1, 2**62)
TIMEZONE = TimeZone(optional=True)
WEEK_START = Whole(0, 6, optional=True)
PASSWORD = Password()
PASSWORD_HASH = Secret(2048)
TOKEN_HASH = Secret(64, r"^[0-9a-f]{64}$")
# -- quotes and invoices
#: How much of something a document line bills: more than 0, at most 3 places (2.5 hours).
QUANTITY = Exact(3, Decimal(0), Decimal(1_000_000), above_low=True)
#: A tax rate in percent, 0 to 100, at most 3 places (20, 5.5, 8.875).
PERCENT = Exact(3, Decimal(0), Decimal(100))
CURRENCY = Currency()
NUMBER_FORMAT = NumberFormat()
LINE_TEXT = Text(1_000, multiline=True)
UNIT = Text(20, optional=True)
TAX_NAME = Text(50)
#: Days of payment terms or of a quote's validity.
DAYS = Whole(0, 3_650)


def rule(
    of: Rule[Any], *, default: object = attrs.NOTHING, repr: bool = True, help: str = ""
) -> Any:
    """An :func:`attrs.field` that follows ``of``; ``help`` says what the field holds, in
    a few words (the command line shows it). Both are kept in the field's metadata."""
    return attrs.field(default=default, repr=repr, metadata={"rule": of, "help": help})


def rule_of(field: attrs.Attribute[Any]) -> Rule[Any] | None:
    """The rule an attrs field follows, if it names one."""
    found = field.metadata.get("rule")
    return found if isinstance(found, Rule) else None


def rules_of(cls: type) -> dict[str, Rule[Any]]:
    """The rule of each field of an attrs class, by field name.

    >>> from jobtrack_core.commands import NewJob
    >>> rules_of(NewJob)["title"].limit
    200
    """
    return {a.name: r for a in attrs.fields(cls) if (r := rule_of(a)) is not None}


def known_fields(cls: type, raw: Mapping[Any, object], problems: Problems) -> dict[str, object]:
    """``raw``'s values for the fields of ``cls``, as they are; unknown keys are noted in
    ``problems``, and a missing field without a default is given as None (its rule then
    says "is required")."""
    fields = attrs.fields_dict(cls)
    known: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(key, str) and key in fields:
            known[key] = value
        else:
            problems.fail(str(key)[:60], "is not a field that can be set")
    for name, field in fields.items():
        if name not in known and field.default is attrs.NOTHING and field.init:
            known[name] = None
    return known


def clean_fields(cls: type, raw: Mapping[Any, object], problems: Problems) -> dict[str, object]:
    """:func:`known_fields`, each value cleaned by its field's rule (problems noted)."""
    rules = rules_of(cls)
    return {
        name: problems.clean(name, rules[name], value) if name in rules else value
        for name, value in known_fields(cls, raw, problems).items()
    }


class Problems:
    """Collects the problems of one record or request, to report every bad field at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def clean(self, field: str, of: Rule[T], value: object) -> T | None:
        """``of.clean(value)``, or None after noting the problem under ``field``."""
        try:
            return of.clean(value)
        except Problem as problem:
            self.fail(field, str(problem))
            return None

    def done(self) -> None:
        """Raise one :class:`ValidationError` listing every problem, if there is any."""
        if self.errors:
            raise ValidationError(self.errors)


def check(field: str, of: Rule[T], value: object) -> T | None:
    """``of.clean(value)``, with a problem raised as a :class:`ValidationError` on ``field``."""
    problems = Problems()
    cleaned = problems.clean(field, of, value)
    problems.done()
    return cleaned


__all__ = [
    "MAX_ID_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "Amount",
    "Choice",
    "Currency",
    "Day",
    "Email",
    "Exact",
    "Flag",
    "Id",
    "Instant",
    "Money",
    "NumberFormat",
    "Password",
    "Problem",
    "Problems",
    "Raw",
    "Rule",
    "Secret",
    "Text",
    "TimeZone",
    "Whole",
    "check",
    "clean_fields",
    "json_type",
    "known_fields",
    "rule",
    "rule_of",
    "rules_of",
]
