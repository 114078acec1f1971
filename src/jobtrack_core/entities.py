"""The records jobtrack keeps. Immutable; change one with :func:`attrs.evolve`.

A record cannot be built holding a value the rules forbid: every field follows
its rule from :mod:`jobtrack_core.fields` in its kept form (trimmed text, money
as a Decimal with two places, UTC datetimes, ids that are sane strings), and
each record keeps its own invariants (a job has ``completed_at`` exactly when it
is completed). Building or evolving a record that breaks them raises one
:class:`~jobtrack_core.errors.ValidationError` naming every bad field, so no store
is ever handed one, whoever calls it.

>>> from datetime import UTC, datetime
>>> now = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
>>> Customer(id="c-1", user_id="u-1", name=" Ada", email=None, phone=None, address=None,
...          business_name=None, notes=None, created_at=now, updated_at=now)
Traceback (most recent call last):
...
jobtrack_core.errors.ValidationError: name: must be trimmed text (None rather than empty)

Stores read back what they stored with :meth:`Record.from_store`, which skips the
checks: the values passed them on the way in.

Field names follow the original data model.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import attrs

from jobtrack_core import fields as f
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.fields import Problems, clean_fields, rule
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.status import OPEN, JobStatus


class Record:
    """What every record shares: its fields are checked when it is built. Subclasses
    are frozen attrs classes whose fields name their rules (:func:`~jobtrack_core.fields.rule`).
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        errors = [
            FieldError(name, of.why_not(value))
            for name, of in _rules(type(self))
            if not of.holds(value := getattr(self, name))
        ]
        if not errors:
            errors = list(self._invariants())
        if errors:
            raise ValidationError(errors)

    def _invariants(self) -> list[FieldError]:
        """Rules that join several fields; checked once every field is valid."""
        return []

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Self:
        """Build the record from untrusted data (an import, a JSON document): every
        field is cleaned by its rule (text trimmed, money made exact), then checked.
        Unknown, missing and bad fields are reported together."""
        problems = Problems()
        cleaned = clean_fields(cls, raw, problems)
        problems.done()
        return cls(**cleaned)

    @classmethod
    def from_store(cls, *values: Any) -> Self:
        """Rebuild a record a store wrote earlier, from its field values in order,
        without checking them again (they passed the checks on the way in, and the
        store keeps them as they were). Stores only: anything else builds records
        the normal way."""
        build = _builders.get(cls) or _builder(cls)
        built: Self = build(*values)
        return built


_rule_cache: dict[type, tuple[tuple[str, f.Rule[Any]], ...]] = {}
_builders: dict[type, Callable[..., Any]] = {}


def _rules(cls: type) -> tuple[tuple[str, f.Rule[Any]], ...]:
    found = _rule_cache.get(cls)
    if found is None:
        found = _rule_cache[cls] = tuple(f.rules_of(cls).items())
    return found


def _builder(cls: type) -> Callable[..., Any]:
    """A plain constructor of ``cls`` from its field values, without checks."""
    names = [a.name for a in attrs.fields(cls)]
    source = (
        f"def build({', '.join(names)}):\n    built = new(cls)\n    put = setter(built)\n"
        + "".join(f"    put({n!r}, {n})\n" for n in names)
        + "    return built\n"
    )
    scope: dict[str, Any] = {
        "new": object.__new__,
        "setter": object.__setattr__.__get__,  # put(name, value): bound once per record
        "cls": cls,
    }
    exec(source, scope)
    built: Callable[..., Any] = scope["build"]
    _builders[cls] = built
    return built


def _stamp(*, optional: bool = False, default: object = attrs.NOTHING) -> Any:
    return rule(f.INSTANT.but(optional=optional), default=default)


@attrs.frozen
class User(Record):
    """An account: one service business. ``email`` is kept trimmed and lower-cased.

    ``timezone`` and ``week_start`` are the business's calendar, which every report
    uses; ``None`` (accounts made before accounts had calendars) means the
    application's calendar.
    """

    id: str = rule(f.ID)
    email: str = rule(f.ACCOUNT_EMAIL)
    name: str = rule(f.NAME)
    business_name: str | None = rule(f.BUSINESS_NAME)
    password_hash: str = rule(f.PASSWORD_HASH, repr=False)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    timezone: str | None = rule(f.TIMEZONE, default=None)
    week_start: int | None = rule(f.WEEK_START, default=None)

    def _invariants(self) -> list[FieldError]:
        if (self.timezone is None) != (self.week_start is None):
            return [FieldError("week_start", "is set exactly when timezone is")]
        return []

    def calendar(self, default: BusinessCalendar) -> BusinessCalendar:
        """The account's calendar, or ``default`` if it has none of its own."""
        if self.timezone is None or self.week_start is None:
            return default
        return BusinessCalendar(self.timezone, self.week_start)


@attrs.frozen
class Customer(Record):
    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    name: str = rule(f.NAME)
    email: str | None = rule(f.EMAIL)
    phone: str | None = rule(f.PHONE)
    address: str | None = rule(f.ADDRESS)
    business_name: str | None = rule(f.BUSINESS_NAME)
    notes: str | None = rule(f.NOTES)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    version: int = rule(f.VERSION, default=1)


class PaymentState(enum.StrEnum):
    """Where a job stands with its money (:attr:`Job.payment_state`)."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"  # some money taken: a deposit, or part of what is due
    PAID = "paid"
    OVERPAID = "overpaid"  # more than is due, or money on a cancelled job: to give back or keep


@attrs.frozen
class Job(Record):
    """A piece of work for a customer.

    Money fields are Decimal with two places, hours likewise; ``paid_at`` is
    when the job was (last) marked paid, ``completed_at`` when it completed. A job
    has ``completed_at`` exactly when it is completed, and ``paid_at`` only when it
    is paid (a paid job may lack it: the original system never recorded it).

    ``amount_paid`` is what its payments add up to (receipts less refunds, voided ones
    left out); the workspace keeps it, and ``paid``, in step with the ledger. Once
    completed, a job's :attr:`amount_due` is its actual cost, and a job with something
    due is paid exactly when ``amount_paid`` covers it. A job with nothing due (not yet
    completed, or completed without a cost) is paid when it was marked so, as in the
    original system.
    """

    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    customer_id: str = rule(f.ID)
    title: str = rule(f.TITLE)
    description: str | None = rule(f.DESCRIPTION)
    status: JobStatus = rule(f.STATUS)
    estimated_cost: Decimal | None = rule(f.MONEY)
    actual_cost: Decimal | None = rule(f.MONEY)
    estimated_hours: Decimal | None = rule(f.HOURS)
    actual_hours: Decimal | None = rule(f.HOURS)
    due_date: date | None = rule(f.DAY)
    paid: bool = rule(f.FLAG)
    paid_at: datetime | None = _stamp(optional=True)
    completed_at: datetime | None = _stamp(optional=True)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    version: int = rule(f.VERSION, default=1)
    amount_paid: Decimal = rule(f.PAID_AMOUNT, default=ZERO)

    def _invariants(self) -> list[FieldError]:
        errors = []
        if (self.status is JobStatus.COMPLETED) != (self.completed_at is not None):
            errors.append(FieldError("completed_at", "is set exactly when the job is completed"))
        if self.paid_at is not None and not self.paid:
            errors.append(FieldError("paid_at", "must be empty unless the job is paid"))
        if self.settles() is not None and self.paid != self.settles():
            errors.append(FieldError("paid", "must say whether amount_paid covers the amount due"))
        return errors

    # -- money: each rule stated once, here ------------------------------------------
    @property
    def amount_due(self) -> Decimal | None:
        """What the customer owes for the job in all: its actual cost (0 without one)
        once completed; None before (nothing is due yet, though a deposit may be taken)
        and once cancelled."""
        if self.status is not JobStatus.COMPLETED:
            return None
        return self.actual_cost or ZERO

    def settles(self) -> bool | None:
        """Whether the payments cover what is due, when something is due; None when
        nothing is (then ``paid`` is the job's own mark)."""
        return covered(self.status, self.actual_cost, self.amount_paid)

    @property
    def balance(self) -> Decimal:
        """Amount due (0 when nothing is due) less ``amount_paid``: what is still owed
        when positive, money held for the customer when negative."""
        return (self.amount_due or ZERO) - self.amount_paid

    @property
    def owed(self) -> Decimal:
        """What the customer still owes: the positive balance of a completed job."""
        return max(self.balance, ZERO) if self.amount_due is not None else ZERO

    @property
    def deposit(self) -> Decimal:
        """Money taken ahead of the work: ``amount_paid`` of a pending or in-progress job."""
        return self.amount_paid if self.status in OPEN else ZERO

    @property
    def credit(self) -> Decimal:
        """Money to give back or keep as credit: what a completed job holds beyond its
        amount due, and all that a cancelled job holds."""
        if self.status is JobStatus.CANCELLED:
            return self.amount_paid
        return max(-self.balance, ZERO) if self.amount_due is not None else ZERO

    @property
    def payment_state(self) -> PaymentState:
        if self.credit > ZERO:
            return PaymentState.OVERPAID
        if self.paid:
            return PaymentState.PAID
        return PaymentState.PARTLY_PAID if self.amount_paid > ZERO else PaymentState.UNPAID


def covered(status: JobStatus, actual_cost: Decimal | None, amount_paid: Decimal) -> bool | None:
    """The ledger's rule for ``paid``: whether ``amount_paid`` covers what a job in
    ``status`` costing ``actual_cost`` has due, when it has something due (a completed
    job with a cost); None when it has nothing due."""
    if status is not JobStatus.COMPLETED or not actual_cost:
        return None
    return amount_paid >= actual_cost


class PaymentKind(enum.StrEnum):
    """What a payment is: money in before the work (a deposit) or for it (a payment),
    or money given back (a refund)."""

    DEPOSIT = "deposit"
    PAYMENT = "payment"
    REFUND = "refund"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    CHECK = "check"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


@attrs.frozen
class Payment(Record):
    """Money received for a job, or given back: one line of the ledger.

    A payment is never edited: a mistake is voided (``voided_at`` and ``void_reason``
    set, the payment kept) or set right by a refund. ``received_on`` is the business's
    local date the money changed hands, ``recorded_at`` when it was written down.
    ``by_mark_paid`` marks the payments :meth:`~jobtrack_core.workspace.Workspace.mark_paid`
    recorded, which ``mark_unpaid`` voids again.

    A payment made to an invoice names it (``invoice_id``): the part of it that pays one
    of the invoice's jobs names that job too, and the part that pays the rest of the
    invoice (its tax, lines of no job) names no job.
    """

    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    job_id: str | None = rule(f.ID.but(optional=True))
    kind: PaymentKind = rule(f.Choice(PaymentKind))
    method: PaymentMethod = rule(f.Choice(PaymentMethod))
    amount: Decimal = rule(f.AMOUNT)
    received_on: date = rule(f.DAY.but(optional=False))
    reference: str | None = rule(f.REFERENCE)
    note: str | None = rule(f.NOTES)
    recorded_at: datetime = _stamp()
    by_mark_paid: bool = rule(f.FLAG, default=False)
    voided_at: datetime | None = _stamp(optional=True, default=None)
    void_reason: str | None = rule(f.REASON.but(optional=True), default=None)
    version: int = rule(f.VERSION, default=1)
    invoice_id: str | None = rule(f.ID.but(optional=True), default=None)

    def _invariants(self) -> list[FieldError]:
        if (self.voided_at is None) != (self.void_reason is None):
            return [FieldError("void_reason", "is given exactly when the payment is voided")]
        if self.job_id is None and self.invoice_id is None:
            return [FieldError("job_id", "is required for a payment not made to an invoice")]
        return []

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def signed(self) -> Decimal:
        """What the payment adds to the job's ``amount_paid``: its amount, less for a
        refund, nothing once voided."""
        if self.voided_at is not None:
            return ZERO
        return -self.amount if self.kind is PaymentKind.REFUND else self.amount


@attrs.frozen
class LoginSession(Record):
    """A login. Only a hash of its token is kept; the token itself is shown once."""

    id: str = rule(f.ID)
    user_id: str = rule(f.ID)
    token_hash: str = rule(f.TOKEN_HASH, repr=False)
    created_at: datetime = _stamp()
    expires_at: datetime = _stamp()
    last_used_at: datetime = _stamp()
    revoked_at: datetime | None = _stamp(optional=True, default=None)


class Action(enum.StrEnum):
    """What a change did to a record."""

    CREATED = "created"
    UPDATED = "updated"
    MOVED = "moved"  # its status
    PAID = "paid"
    UNPAID = "unpaid"
    VOIDED = "voided"  # a payment, an invoice
    SENT = "sent"  # a quote
    ACCEPTED = "accepted"  # a quote
    DECLINED = "declined"  # a quote
    EXPIRED = "expired"  # a quote
    ISSUED = "issued"  # an invoice, a credit note
    DELETED = "deleted"


class Source(enum.StrEnum):
    """Where a change came from."""

    LIBRARY = "library"
    CLI = "cli"
    IMPORT = "import"
    API = "api"


class RecordKind(enum.StrEnum):
    """The kinds of record whose changes are kept."""

    CUSTOMER = "customer"
    JOB = "job"
    PAYMENT = "payment"
    QUOTE = "quote"
    INVOICE = "invoice"


#: A value as a change keeps it: text, a whole number, true or false, or nothing.
Plain = str | int | bool | None


_PLAIN = (str, int, bool, type(None))


def _changes(value: object) -> tuple[FieldChange, ...]:
    """Field changes from a tuple of them, or from a list of ``[field, old, new]`` or of
    objects with those keys (as JSON holds them)."""
    if not isinstance(value, list | tuple):
        raise ValidationError.single("changes", "must be a list of field changes")
    made = []
    for item in value:
        if isinstance(item, Mapping):
            item = (item.get("field"), item.get("old"), item.get("new"))
        if isinstance(item, FieldChange):
            item = (item.field, item.old, item.new)
        if (
            not isinstance(item, list | tuple)
            or len(item) != 3
            or not isinstance(item[0], str)
            or not all(isinstance(v, _PLAIN) for v in item[1:])
        ):
            raise ValidationError.single("changes", "must hold [field, old, new], values plain")
        made.append(FieldChange(*item))
    return tuple(made)


@attrs.frozen
class FieldChange:
    """One field's value before and after a change (``None``: it had none, or the
    record did not exist). Values are kept plain: money and dates as text, as JSON."""

    field: str
    old: Plain
    new: Plain


@attrs.frozen
class HistoryEntry(Record):
    """One change to a customer or a job: who made it (``actor_id``), when, from where,
    what it did, and the fields it changed. ``seq`` orders one business's changes: each
    is one more than the one before, in the order they were committed. ``cause`` names
    the customer whose deletion took a job with it."""

    owner_id: str = rule(f.ID)
    seq: int = rule(f.SEQ)
    at: datetime = _stamp()
    actor_id: str = rule(f.ID)
    source: Source = rule(f.Choice(Source))
    action: Action = rule(f.Choice(Action))
    kind: RecordKind = rule(f.Choice(RecordKind))
    record_id: str = rule(f.ID)
    changes: tuple[FieldChange, ...] = attrs.field(default=(), converter=_changes)
    cause: str | None = rule(f.ID.but(optional=True), default=None)


@attrs.frozen
class Deleted:
    """What a delete removed, counted by kind."""

    users: int = 0
    customers: int = 0
    jobs: int = 0
    sessions: int = 0
    payments: int = 0
    quotes: int = 0
    invoices: int = 0

    def __add__(self, other: Deleted) -> Deleted:
        return Deleted(
            *(getattr(self, a.name) + getattr(other, a.name) for a in attrs.fields(Deleted))
        )


__all__ = [
    "Action",
    "Customer",
    "Deleted",
    "FieldChange",
    "HistoryEntry",
    "Job",
    "LoginSession",
    "Payment",
    "PaymentKind",
    "PaymentMethod",
    "PaymentState",
    "Plain",
    "Record",
    "RecordKind",
    "Source",
    "User",
    "covered",
]
