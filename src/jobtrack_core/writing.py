"""How a workspace writes a record: with its history entry, its version, and the rules
that make a request safe to send again. Every kind of record is written here."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar, cast

import attrs

from jobtrack_core.documents import Invoice, Quote
from jobtrack_core.entities import Action, Customer, Job, Payment, Plain
from jobtrack_core.errors import ConflictError, VersionConflict, quoted
from jobtrack_core.history import Kept, kind_of, listed, stored
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.scope import Scope

K = TypeVar("K", Customer, Job, Payment, Quote, Invoice)


class Writing(Scope):
    """Writing records with their history, for the parts of a workspace."""

    def _create(
        self, uow: UnitOfWork, record: K, chose_id: bool, action: Action = Action.CREATED
    ) -> K:
        """Add ``record`` and its history entry (``action``: created, or issued for a
        credit note); if the client chose its id and the same request was done before,
        the record it made."""
        if chose_id:
            found = _stored(uow, record)
            if found is not None:
                return cast(K, self._same_request(uow, found, record))
        try:
            with self._app.store.transaction():  # a savepoint: a twin's insert may win
                _add(uow, record)
        except ConflictError as exc:
            again = _stored(uow, record) if exc.field == "id" and chose_id else None
            if again is None:
                raise
            return cast(K, self._same_request(uow, again, record))
        recorder = self._recorder(uow)
        recorder.created(record, action)
        self._saved(recorder)
        return record

    def _same_request(self, uow: UnitOfWork, found: Kept, asked: Kept) -> Kept:
        made = _as_made(uow, self.user_id, found)
        if made is None or made != _request_fields(asked):
            raise ConflictError(
                "id",
                f"a {kind_of(found).value} with id {quoted(found.id)} was made by another "
                "request; choose another id",
            )
        return found

    def _change(self, uow: UnitOfWork, old: K, new: K, action: Action) -> K:
        """Store ``new`` (one version on from ``old``) with its history entry, unless it
        changes nothing."""
        if new == old:
            return old
        stamped = _stamped(new, old.version + 1, self._now())
        if isinstance(stamped, Customer):
            uow.customers.update(stamped)
        elif isinstance(stamped, Job):
            uow.jobs.update(stamped)
        elif isinstance(stamped, Quote):
            uow.quotes.update(stamped)
        elif isinstance(stamped, Invoice):
            uow.invoices.update(stamped)
        else:
            uow.payments.update(stamped)
        recorder = self._recorder(uow)
        recorder.changed(old, stamped, action)
        self._saved(recorder)
        return stamped


def _stamped(record: K, version: int, now: datetime) -> K:
    if isinstance(record, Payment):
        return attrs.evolve(record, version=version)
    return attrs.evolve(record, updated_at=now, version=version)


def _add(uow: UnitOfWork, record: Kept) -> None:
    if isinstance(record, Customer):
        uow.customers.add(record)
    elif isinstance(record, Job):
        uow.jobs.add(record)
    elif isinstance(record, Quote):
        uow.quotes.add(record)
    elif isinstance(record, Invoice):
        uow.invoices.add(record)
    else:
        uow.payments.add(record)


def _stored(uow: UnitOfWork, record: Kept) -> Kept | None:
    """The stored record of the same owner, kind and id, if there is one."""
    return stored(uow, record.user_id, kind_of(record), record.id)


#: Fields no create request chooses: when a payment was written down, and what a new job
#: holds (always nothing; entries made before the ledger do not list it).
_NOT_ASKED = ("recorded_at", "amount_paid")


def _request_fields(record: Kept) -> dict[str, Plain]:
    fields = listed(record)
    for name in _NOT_ASKED:
        fields.pop(name, None)
    return fields


def expect(record: Kept, version: int | None) -> None:
    """Refuse a change made against a version the record has moved on from."""
    if version is not None and record.version != version:
        raise VersionConflict(kind_of(record).value, record.id, version, record)


def _as_made(uow: UnitOfWork, owner_id: str, record: Kept) -> dict[str, Plain] | None:
    """The listed fields of ``record`` as it was made (less what a request does not
    choose): itself if it never changed, else from its history's first entry (None if
    that was pruned)."""
    if record.version == 1:
        return _request_fields(record)
    before: int | None = None
    while True:
        page = uow.history.of_record(owner_id, kind_of(record), record.id, before, 100)
        for entry in page:
            if entry.action is Action.CREATED:
                made = {c.field: c.new for c in entry.changes}
                for name in _NOT_ASKED:
                    made.pop(name, None)
                return made
        if len(page) < 100:
            return None
        before = page[-1].seq


__all__ = ["Writing", "expect"]
