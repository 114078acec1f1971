"""Keeping the history: what each change did, stated once for every way a change is made.

A :class:`Recorder` collects the changes of one request (a workspace call, an import)
and writes them, numbered, into the store's history in the same unit of work, so that
a change and its entry are committed together or not at all. The workspace and the
importers both record through it.

>>> plain(Decimal("12.50")), plain(date(2025, 7, 6)), plain(None)
('12.50', '2025-07-06', None)
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from jobtrack_core.documents import Invoice, Line, Quote
from jobtrack_core.entities import (
    Action,
    Customer,
    FieldChange,
    HistoryEntry,
    Job,
    Payment,
    Plain,
    RecordKind,
    Source,
)
from jobtrack_core.errors import ValidationError
from jobtrack_core.ports import UnitOfWork

#: Fields every record has that a change never lists: who it is and its bookkeeping.
UNLISTED = frozenset({"id", "user_id", "created_at", "updated_at", "version"})


def plain(value: object) -> Plain:
    """A field's value as history keeps it: text, a whole number, a boolean or None."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    raise TypeError(f"no plain form for {type(value).__name__}")


#: A record whose changes the history keeps.
Kept = Customer | Job | Payment | Quote | Invoice

_KINDS = {
    Customer: RecordKind.CUSTOMER,
    Job: RecordKind.JOB,
    Payment: RecordKind.PAYMENT,
    Quote: RecordKind.QUOTE,
    Invoice: RecordKind.INVOICE,
}


def kind_of(record: Kept) -> RecordKind:
    return _KINDS[type(record)]


def stored(uow: UnitOfWork, owner_id: str, kind: RecordKind, record_id: str) -> Kept | None:
    """The owner's record of this kind and id, if there is one."""
    if kind is RecordKind.CUSTOMER:
        return uow.customers.get(owner_id, record_id)
    if kind is RecordKind.JOB:
        return uow.jobs.get(owner_id, record_id)
    if kind is RecordKind.QUOTE:
        return uow.quotes.get(owner_id, record_id)
    if kind is RecordKind.INVOICE:
        return uow.invoices.get(owner_id, record_id)
    return uow.payments.get(owner_id, record_id)


def plain_lines(lines: Sequence[Line]) -> str:
    """A document's lines as history keeps them: one JSON text, a list of objects of the
    lines' fields (money and quantities as text).

    >>> line = Line(description="Labour", quantity=Decimal("2.000"), unit="h",
    ...             unit_price=Decimal("40.00"))
    >>> json.loads(plain_lines([line]))[0]["quantity"]
    '2.000'
    """
    return json.dumps(
        [{a.name: plain(getattr(line, a.name)) for a in attrs.fields(Line)} for line in lines],
        ensure_ascii=False,
    )


def listed(record: Kept) -> dict[str, Plain]:
    """The record's fields a change lists, in plain form (a document's lines as one
    JSON text, :func:`plain_lines`)."""
    made: dict[str, Plain] = {}
    for a in attrs.fields(type(record)):
        if a.name in UNLISTED:
            continue
        value = getattr(record, a.name)
        made[a.name] = plain_lines(value) if a.name == "lines" else plain(value)
    return made


def differences(old: Kept, new: Kept) -> tuple[FieldChange, ...]:
    """The listed fields whose values differ, before and after."""
    before, after = listed(old), listed(new)
    return tuple(FieldChange(k, before[k], after[k]) for k in before if before[k] != after[k])


@attrs.define
class Recorder:
    """The changes of one request by ``actor_id`` (of the owner's business), from
    ``source``, made ``at``."""

    uow: UnitOfWork
    owner_id: str
    actor_id: str
    source: Source
    at: datetime
    entries: list[HistoryEntry] = attrs.field(factory=list)
    _drafts: list[tuple[Action, RecordKind, str, tuple[FieldChange, ...], str | None]] = (
        attrs.field(factory=list)
    )

    def created(self, record: Kept, action: Action = Action.CREATED) -> None:
        changes = tuple(FieldChange(k, None, v) for k, v in listed(record).items())
        self._drafts.append((action, kind_of(record), record.id, changes, None))

    def changed(self, old: Kept, new: Kept, action: Action) -> None:
        self._drafts.append((action, kind_of(new), new.id, differences(old, new), None))

    def deleted(self, record: Kept, cause: str | None = None) -> None:
        self._drafts.append((Action.DELETED, kind_of(record), record.id, (), cause))

    def save(self) -> Sequence[HistoryEntry]:
        """Number the changes collected since the last save and add them to the history."""
        if not self._drafts:
            return ()
        first = self.uow.history.reserve(self.owner_id, len(self._drafts))
        made = [
            HistoryEntry(
                owner_id=self.owner_id,
                seq=first + n,
                at=self.at,
                actor_id=self.actor_id,
                source=self.source,
                action=action,
                kind=kind,
                record_id=record_id,
                changes=changes,
                cause=cause,
            )
            for n, (action, kind, record_id, changes, cause) in enumerate(self._drafts)
        ]
        self._drafts.clear()
        self.uow.history.add(made)
        self.entries.extend(made)
        return made


# -- cursors: places in the history -------------------------------------------------------
_PREFIX = "jh1:"


def encode_place(seq: int, floor: int = 0) -> str:
    """A place in a business's history (just after change ``seq``) as an opaque cursor.
    A change feed's cursor also carries ``floor``, the history's
    :meth:`~jobtrack_core.ports.HistoryRepository.kept_from` when it was given."""
    text = f"{_PREFIX}{seq}" if floor <= seq else f"{_PREFIX}{seq}.{floor}"
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")


def decode_place(cursor: object, field: str) -> int:
    """The change number a cursor from :func:`encode_place` stands for."""
    return decode_feed_place(cursor, field)[0]


def decode_feed_place(cursor: object, field: str) -> tuple[int, int]:
    """The change number and the floor a cursor from :func:`encode_place` stands for."""
    try:
        if not isinstance(cursor, str) or len(cursor) > 64:
            raise ValueError
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError
        seq, _, floor = text[len(_PREFIX) :].partition(".")
        place = (int(seq), int(floor) if floor else 0)
        if min(place) < 0 or not seq.isdigit() or not (floor.isdigit() or not floor):
            raise ValueError
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationError.single(field, "is not a cursor given by jobtrack") from None
    return place


__all__ = [
    "UNLISTED",
    "Kept",
    "Recorder",
    "decode_feed_place",
    "decode_place",
    "differences",
    "encode_place",
    "kind_of",
    "listed",
    "plain",
    "plain_lines",
    "stored",
]
