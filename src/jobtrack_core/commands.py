"""What callers ask for: each request is a small frozen value, checked once, here.

A command cleans every field by the rule it names (:mod:`jobtrack_core.fields`)
when it is built, and refuses bad input with one
:class:`~jobtrack_core.errors.ValidationError` that lists every bad field. The
same commands serve every way in: :class:`~jobtrack_core.workspace.Workspace`'s
methods build them from their keyword arguments, the interchange structures JSON
into them, the importers and the command line build them from what they read.

>>> job = NewJob(customer_id="c-1", title="  Fix the sink ", estimated_cost=Decimal("120"))
>>> job.title, job.estimated_cost
('Fix the sink', Decimal('120.00'))
>>> try:
...     NewJob.parse({"customer_id": "c-1", "title": "", "estimated_cost": "1.999", "x": 1})
... except ValidationError as exc:
...     for error in exc.errors:
...         print(error)
title: must not be empty
estimated_cost: must have at most 2 decimal places
x: is not a field that can be set

A change request holds only the fields it changes; ``None`` clears an optional field:

>>> JobChanges(title="Fix the tap", description=None).given()
{'title': 'Fix the tap', 'description': None}

To add a field to jobtrack's jobs, add it to :class:`~jobtrack_core.entities.Job` and to
:class:`NewJob`; the change request, the interchange's JSON and the command line
follow from here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar, cast

import attrs

from jobtrack_core import fields as f
from jobtrack_core.documents import MAX_LINES, BillingSettings, Line
from jobtrack_core.entities import PaymentKind, PaymentMethod
from jobtrack_core.errors import ValidationError
from jobtrack_core.fields import Problem, Problems, json_type, known_fields, rule, rules_of
from jobtrack_core.money import MAX_AMOUNT, ZERO
from jobtrack_core.tax import cents

T = TypeVar("T")


class Unset(enum.Enum):
    """Marks an argument that was not given, so that ``None`` can mean "clear this field"."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


def _unknown(problems: Problems, raw: Mapping[Any, object], names: Any) -> dict[str, object]:
    """The entries of ``raw`` named in ``names``; every other key is a problem."""
    known: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(key, str) and key in names:
            known[key] = value
        else:
            problems.fail(str(key)[:60], "is not a field that can be set")
    return known


def _built(problems: Problems, build: Callable[[], T]) -> T:
    """``build()``, reporting its field problems together with those already found."""
    try:
        made = build()
    except ValidationError as exc:
        raise ValidationError([*exc.errors, *problems.errors]) from None
    problems.done()
    return made


class Command:
    """What every command shares: its fields are cleaned, all at once, when it is built."""

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for name, of in rules_of(type(self)).items():
            object.__setattr__(self, name, problems.clean(name, of, getattr(self, name)))
        problems.done()

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Self:
        """Build the command from untrusted input (a JSON object, a form), reporting
        unknown and missing fields together with bad values."""
        problems = Problems()
        known = known_fields(cls, raw, problems)
        return _built(problems, lambda: cls(**known))

    def values(self) -> dict[str, Any]:
        """The command's fields and their cleaned values."""
        return {name: getattr(self, name) for name in rules_of(type(self))}


class Changes:
    """A change request: some of a command's fields, each cleaned by the same rule.

    Subclass it naming the command whose fields may change::

        class JobChanges(Changes, of=NewJob, exclude=("id",)): ...

    Fields left out are not changed; ``None`` clears an optional field (a required
    one refuses it).
    """

    __slots__ = ("_given",)
    #: The fields that may change and the rule of each, taken from the command.
    rules: ClassVar[Mapping[str, f.Rule[Any]]] = {}

    def __init_subclass__(
        cls,
        *,
        of: type,
        exclude: tuple[str, ...] = (),
        only: tuple[str, ...] | None = None,
    ) -> None:
        super().__init_subclass__()
        cls.rules = {
            name: of
            for name, of in rules_of(of).items()
            if name not in exclude and (only is None or name in only)
        }

    def __init__(self, **values: object) -> None:
        problems = Problems()
        given: dict[str, object] = {}
        for name, value in _unknown(problems, values, self.rules).items():
            if value is not UNSET:
                given[name] = problems.clean(name, self.rules[name], value)
        problems.done()
        object.__setattr__(self, "_given", given)

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Self:
        """Build the change request from untrusted input."""
        problems = Problems()
        known = _unknown(problems, raw, cls.rules)
        return _built(problems, lambda: cls(**known))

    def given(self) -> dict[str, Any]:
        """The fields to change and their new, cleaned values."""
        return dict(self._given)

    def __getattr__(self, name: str) -> Any:
        if name in type(self).rules:
            return self._given.get(name, UNSET)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __bool__(self) -> bool:
        return bool(self._given)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and getattr(other, "_given", None) == self._given

    def __hash__(self) -> int:
        return hash((type(self), tuple(self._given.items())))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._given.items())
        return f"{type(self).__name__}({shown})"


# -- the commands ------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class NewCustomer(Command):
    """Add a customer. ``id`` is optional: a client may choose it (offline use)."""

    name: str = rule(f.NAME, help="the customer's name")
    email: str | None = rule(f.EMAIL, default=None, help="email address")
    phone: str | None = rule(f.PHONE, default=None, help="phone number")
    address: str | None = rule(f.ADDRESS, default=None, help="postal address (may span lines)")
    business_name: str | None = rule(f.BUSINESS_NAME, default=None, help="the customer's business")
    notes: str | None = rule(f.NOTES, default=None, help="anything worth remembering")
    id: str | None = rule(f.ID.but(optional=True), default=None, help="an id chosen by the client")


class CustomerChanges(Changes, of=NewCustomer, exclude=("id",)):
    """Change some of a customer's fields."""

    __slots__ = ()


@attrs.frozen(kw_only=True)
class NewJob(Command):
    """Create a job for a customer. Money and hours are exact: a Decimal, an int or a
    decimal string such as ``"12.50"``, never a float."""

    customer_id: str = rule(f.ID, help="the customer the job is for")
    title: str = rule(f.TITLE, help="what the job is called")
    description: str | None = rule(f.DESCRIPTION, default=None, help="what is to be done")
    estimated_cost: Decimal | None = rule(
        f.MONEY, default=None, help="the quoted price, e.g. 180.00"
    )
    estimated_hours: Decimal | None = rule(
        f.HOURS, default=None, help="the expected hours, e.g. 3.5"
    )
    actual_cost: Decimal | None = rule(f.MONEY, default=None, help="what it cost, e.g. 135.50")
    actual_hours: Decimal | None = rule(f.HOURS, default=None, help="hours spent, e.g. 2.75")
    due_date: date | None = rule(f.DAY, default=None, help="when it is due (YYYY-MM-DD)")
    id: str | None = rule(f.ID.but(optional=True), default=None, help="an id chosen by the client")


class JobChanges(Changes, of=NewJob, exclude=("id",)):
    """Change some of a job's fields. Status and payment have their own requests."""

    __slots__ = ()


class JobCompletion(Changes, of=NewJob, only=("actual_cost", "actual_hours")):
    """Complete a job, optionally with what it really cost and took."""

    __slots__ = ()


@attrs.frozen(kw_only=True)
class NewPayment(Command):
    """Record money received for a job, or given back. ``received_on`` is the business's
    local date (today if left out; never a day to come)."""

    job_id: str = rule(f.ID, help="the job the money is for")
    amount: Decimal = rule(f.AMOUNT, help="how much, more than 0, e.g. 50.00")
    method: PaymentMethod = rule(
        f.Choice(PaymentMethod), help="cash, card, check, bank_transfer or other"
    )
    kind: PaymentKind = rule(
        f.Choice(PaymentKind), default=PaymentKind.PAYMENT, help="deposit, payment or refund"
    )
    received_on: date | None = rule(
        f.DAY, default=None, help="when (YYYY-MM-DD; today if left out)"
    )
    reference: str | None = rule(f.REFERENCE, default=None, help="a check number, a card slip")
    note: str | None = rule(f.NOTES, default=None, help="anything worth remembering")
    id: str | None = rule(f.ID.but(optional=True), default=None, help="an id chosen by the client")


@attrs.frozen(kw_only=True)
class Registration(Command):
    """Open an account. ``timezone`` and ``week_start`` (0 is Monday) are the business's
    calendar; left out, the application's calendar is used."""

    email: str = rule(f.ACCOUNT_EMAIL, help="the email to log in with (it must be unused)")
    password: str = rule(f.PASSWORD, repr=False, help="8 characters or more")
    name: str = rule(f.NAME, help="your name")
    business_name: str | None = rule(f.BUSINESS_NAME, default=None, help="your business's name")
    timezone: str | None = rule(
        f.TIMEZONE, default=None, help="your business's IANA time zone, e.g. Europe/Berlin"
    )
    week_start: int | None = rule(
        f.WEEK_START, default=None, help="the first day of your week: 0 (Monday) to 6 (Sunday)"
    )


class ProfileChanges(Changes, of=Registration, exclude=("password",)):
    """Change an account's profile or calendar (``timezone=None`` goes back to the
    application's calendar)."""

    __slots__ = ()


@attrs.frozen(kw_only=True)
class Credentials(Command):
    """Log in."""

    email: str = rule(f.Text(254))
    password: str = rule(f.Raw(f.MAX_PASSWORD_LENGTH), repr=False)


# -- quotes and invoices ------------------------------------------------------------------
class _TaxChoice(f.Rule[Any]):
    """The name of one of the business's tax rates, None for no tax, or :data:`UNSET`
    (left out): the business's default tax."""

    form = "a tax name, None or UNSET"

    def __init__(self) -> None:
        super().__init__(optional=True)

    def clean(self, value: object) -> Any:
        if value is UNSET:
            return UNSET
        return f.TAX_NAME.but(optional=True).clean(value)


@attrs.frozen(kw_only=True)
class LineRequest(Command):
    """One line of a quote or an invoice as a caller gives it: ``tax`` names one of the
    business's tax rates (resolved when the document is written), None for no tax;
    left out, the business's default tax."""

    description: str = rule(f.LINE_TEXT, help="what the line bills")
    quantity: Decimal = rule(f.QUANTITY, help="how many, up to 3 places, e.g. 2.5")
    unit: str | None = rule(f.UNIT, default=None, help="the unit, e.g. h")
    unit_price: Decimal = rule(f.PAID_AMOUNT, help="the price of one unit, e.g. 40.00")
    discount: Decimal = rule(f.PAID_AMOUNT, default=ZERO, help="an amount off the line")
    tax: str | Unset | None = rule(_TaxChoice(), default=UNSET, help="the tax rate's name")
    job_id: str | None = rule(f.ID.but(optional=True), default=None, help="the job it bills")


def _line_problem(line: LineRequest) -> str | None:
    gross = cents(line.quantity * line.unit_price)
    if gross > MAX_AMOUNT:
        return f"unit_price: quantity times price exceeds {MAX_AMOUNT}"
    if line.discount > gross:
        return f"discount: must not exceed the line's {gross}"
    return None


class LineRequests(f.Rule[tuple[Line | LineRequest, ...]]):
    """The lines of a document as a caller gives them: each a :class:`Line` (kept as it
    is), a :class:`LineRequest`, or a mapping of a line request's fields."""

    form = "a tuple of Line or LineRequest"

    def _clean(self, value: object) -> tuple[Line | LineRequest, ...]:
        if not isinstance(value, list | tuple):
            raise Problem(f"must be a list, not {json_type(value)}")
        if len(value) > MAX_LINES:
            raise Problem(f"must hold at most {MAX_LINES} items")
        made: list[Line | LineRequest] = []
        for number, item in enumerate(value, 1):
            if isinstance(item, Line):
                made.append(item)
                continue
            if isinstance(item, Mapping):
                try:
                    item = LineRequest.parse(item)
                except ValidationError as exc:
                    first = exc.errors[0]
                    raise Problem(f"item {number}: {first.field}: {first.message}") from None
            if not isinstance(item, LineRequest):
                raise Problem(f"item {number} must be a Line or an object")
            problem = _line_problem(item)
            if problem:
                raise Problem(f"item {number}: {problem}")
            made.append(item)
        return tuple(made)


class _Ids(f.Rule[tuple[str, ...]]):
    """Ids, each once, in the order given."""

    form = "a tuple of ids"

    def _clean(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise Problem(f"must be a list of ids, not {json_type(value)}")
        if len(value) > MAX_LINES:
            raise Problem(f"must hold at most {MAX_LINES} ids")
        found: list[str] = []
        for number, item in enumerate(value, 1):
            try:
                found.append(f.ID.clean(item) or "")
            except Problem as problem:
                raise Problem(f"item {number}: {problem}") from None
        return tuple(dict.fromkeys(found))


LINE_REQUESTS = LineRequests()


@attrs.frozen(kw_only=True)
class NewQuote(Command):
    """Write a draft quote for a customer."""

    customer_id: str = rule(f.ID, help="the customer the quote is for")
    title: str = rule(f.TITLE, help="what the work is called (the job's title once accepted)")
    lines: tuple[Line | LineRequest, ...] = rule(LINE_REQUESTS, default=(), help="the lines")
    notes: str | None = rule(f.NOTES, default=None, help="anything the customer should read")
    valid_until: date | None = rule(f.DAY, default=None, help="the last day it may be accepted")
    id: str | None = rule(f.ID.but(optional=True), default=None, help="an id chosen by the client")


class QuoteChanges(Changes, of=NewQuote, only=("title", "lines", "notes", "valid_until")):
    """Change a draft quote."""

    __slots__ = ()


@attrs.frozen(kw_only=True)
class NewInvoice(Command):
    """Write a draft invoice for a customer: lines for some of its completed jobs
    (``job_ids``), and lines given as they are."""

    customer_id: str = rule(f.ID, help="the customer billed")
    job_ids: tuple[str, ...] = rule(_Ids(), default=(), help="completed jobs to bill")
    lines: tuple[Line | LineRequest, ...] = rule(LINE_REQUESTS, default=(), help="the lines")
    notes: str | None = rule(f.NOTES, default=None, help="anything the customer should read")
    id: str | None = rule(f.ID.but(optional=True), default=None, help="an id chosen by the client")


class InvoiceChanges(Changes, of=NewInvoice, only=("lines", "notes")):
    """Change a draft invoice."""

    __slots__ = ()


class BillingChanges(Changes, of=BillingSettings, exclude=("user_id", "updated_at", "version")):
    """Change the business's billing settings (``tax_rates`` as TaxRate records or
    mappings such as ``{"name": "VAT", "rate": "20"}``)."""

    __slots__ = ()


R = TypeVar("R", bound="Command | Changes")


def request(kind: type[R], given: object, fields: Mapping[str, Any]) -> R:
    """The request ``given`` if it is a ``kind``, else one built from ``fields``."""
    if given is None:
        return cast(R, kind.parse(fields))
    if not isinstance(given, kind):
        raise ValidationError.single("request", f"must be a {kind.__name__}")
    if fields:
        raise ValidationError.single(
            next(iter(fields)), f"give a {kind.__name__} or keyword arguments, not both"
        )
    return given


__all__ = [
    "LINE_REQUESTS",
    "UNSET",
    "BillingChanges",
    "Changes",
    "Command",
    "Credentials",
    "CustomerChanges",
    "InvoiceChanges",
    "JobChanges",
    "JobCompletion",
    "LineRequest",
    "LineRequests",
    "NewCustomer",
    "NewInvoice",
    "NewJob",
    "NewPayment",
    "NewQuote",
    "ProfileChanges",
    "QuoteChanges",
    "Registration",
    "Unset",
    "request",
]
