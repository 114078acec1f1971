"""What a frontend on many devices needs of one business: its history, and a feed of
changes to keep another copy in step.

- :meth:`Syncing.history`: one record's changes, newest first, a page at a time;
- :meth:`Syncing.activity`: the business's changes, filtered by kind, action and period;
- :meth:`Syncing.changes`: the change feed. Starting from nothing (``after=None``) and
  applying every batch, a client ends with exactly the store's customers, jobs,
  payments, quotes and invoices: each
  record changed since the cursor comes once, as it is now, or as a tombstone if it was
  deleted; ``next`` is where to continue. Changes become visible in the order of their
  numbers, so polling never skips one.
- :meth:`Syncing.prune_history`: forget old entries (never the latest of a record that
  exists); a cursor older than a dropped deletion gets :class:`ResyncNeeded`.

``docs/frontends.md`` walks through all of it, with an offline client kept in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.entities import Action, HistoryEntry, RecordKind
from jobtrack_core.errors import ResyncNeeded
from jobtrack_core.fields import Problems
from jobtrack_core.history import Kept, decode_feed_place, decode_place, encode_place, stored
from jobtrack_core.pagination import MAX_PAGE_SIZE, Page
from jobtrack_core.queries import ActivityFilter
from jobtrack_core.scope import Scope

PAGE_SIZE = f.Whole(1, MAX_PAGE_SIZE)


class _Choices(f.Rule[frozenset[Any]]):
    """One or several members of an enumeration (a member, its value, or a collection)."""

    def __init__(self, choices: type[Any], *, optional: bool = True) -> None:
        super().__init__(optional=optional)
        self.choices = choices
        self.member = f.Choice(choices)
        self.form = f"a frozenset of {choices.__name__}"

    def _clean(self, value: object) -> frozenset[Any]:
        items = [value] if isinstance(value, str | self.choices) else value
        if not isinstance(items, list | tuple | set | frozenset):
            raise f.Problem(f"must be one or a list of {self.choices.__name__}")
        return frozenset(self.member.clean(item) for item in items)


KINDS = _Choices(RecordKind)
ACTIONS = _Choices(Action)


@attrs.frozen
class Change:
    """One record changed since a cursor: its ``kind`` and ``id``, and the ``record`` as
    it is now, or None: a tombstone, the record was deleted. ``seq`` is the number of
    its latest change."""

    seq: int
    kind: RecordKind
    id: str
    record: Kept | None

    @property
    def deleted(self) -> bool:
        return self.record is None


@attrs.frozen
class ChangeBatch:
    """A batch of the change feed: ``changes`` in order, and ``next``, the cursor to ask
    from next time (the same as given when nothing changed)."""

    changes: tuple[Change, ...]
    next: str

    def __iter__(self) -> Any:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)


class Syncing(Scope):
    """History and the change feed of one business; part of
    :class:`~jobtrack_core.workspace.Workspace`."""

    def history(
        self, kind: RecordKind | str, record_id: str, *, limit: int = 50, after: str | None = None
    ) -> Page[HistoryEntry]:
        """One customer's or job's changes, newest first, a page at a time (pass
        ``page.next`` as ``after``). A deleted record's history stays."""
        problems = Problems()
        which = problems.clean("kind", f.Choice(RecordKind), kind)
        record = problems.clean("record_id", f.ID, record_id)
        size = problems.clean("limit", PAGE_SIZE, limit)
        problems.done()
        assert which is not None and record is not None and size is not None
        before = None if after is None else decode_place(after, "after")
        with self._tx(write=False) as uow:
            found = uow.history.of_record(self.user_id, which, record, before, size + 1)
        return _page(found, size)

    def activity(
        self,
        *,
        kinds: Iterable[RecordKind | str] | RecordKind | str | None = None,
        actions: Iterable[Action | str] | Action | str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        limit: int = 50,
        after: str | None = None,
    ) -> Page[HistoryEntry]:
        """The business's changes, newest first, a page at a time: of these record kinds
        and actions (all if None), made on the local days ``since`` (included) to
        ``until`` (excluded)."""
        problems = Problems()
        chosen_kinds = problems.clean("kinds", KINDS, kinds)
        chosen_actions = problems.clean("actions", ACTIONS, actions)
        first = problems.clean("since", f.DAY, since)
        last = problems.clean("until", f.DAY, until)
        size = problems.clean("limit", PAGE_SIZE, limit)
        problems.done()
        assert size is not None
        before = None if after is None else decode_place(after, "after")
        with self._tx(write=False) as uow:
            cal = self._calendar(uow)
            low = None if first is None else cal.start_of(first)
            high = None if last is None else cal.start_of(last)
            found = uow.history.activity(
                self.user_id,
                ActivityFilter(chosen_kinds, chosen_actions, low, high),
                before,
                size + 1,
            )
        return _page(found, size)

    def changes(self, after: str | None = None, *, limit: int = 100) -> ChangeBatch:
        """Every record (customer, job, payment, quote, invoice) changed since the cursor
        ``after`` (from nothing if None), each once, as it is now or as a tombstone, in
        the order of their latest change; and the cursor to continue from. Raises
        :class:`ResyncNeeded` if the cursor is older than the history kept."""
        size = f.check("limit", PAGE_SIZE, limit)
        assert size is not None
        since, floor = (0, -1) if after is None else decode_feed_place(after, "after")
        with self._tx(write=False) as uow:
            kept = uow.history.kept_from(self.user_id)
            # A deletion pruned since the cursor was given may be one the client needs.
            # From nothing (and on through that first pass, whose cursors carry the floor
            # it began with), no record the client holds can have been pruned away.
            if floor == -1:
                floor = kept
            elif kept > max(since, floor):
                raise ResyncNeeded(since, kept)
            latest = uow.history.latest_after(self.user_id, since, size)
            made = []
            for entry in latest:
                record = stored(uow, self.user_id, entry.kind, entry.record_id)
                made.append(Change(entry.seq, entry.kind, entry.record_id, record))
        last = made[-1].seq if made else since
        return ChangeBatch(tuple(made), encode_place(last, floor))

    def prune_history(self, before: datetime | date | str) -> int:
        """Forget the changes made before ``before`` (a moment, or a local day), except
        the latest change of each record that still exists; return how many went."""
        if isinstance(before, datetime):
            moment = f.check("before", f.INSTANT, before)
        else:
            day = f.check("before", f.DAY.but(optional=False), before)
            assert day is not None
            moment = self.calendar.start_of(day)
        assert moment is not None
        with self._tx() as uow:
            return uow.history.prune(self.user_id, moment)


def _page(found: Any, size: int) -> Page[HistoryEntry]:
    items = tuple(found[:size])
    more = len(found) > size and bool(items)
    return Page(items, encode_place(items[-1].seq) if more else None)


__all__ = ["Change", "ChangeBatch", "Syncing"]
