"""Writing imported records into a store: ids, times, statuses and payment kept exactly.

Imports cannot go through the Workspace's methods (they would stamp new times
and enforce the status workflow step by step), so they write through the
repositories of one unit of work. Every record is valid by construction
(:mod:`jobtrack_core.entities`); the importers check the rest first.

Every record an import creates or replaces is recorded in its owner's history
(:class:`~jobtrack_core.history.Recorder`, source ``import``), in bulk: the
whole import's changes of one owner are numbered and added at once, in the
import's unit of work. A replaced record moves one version on from the stored
one; a record left as it was records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from jobtrack_core.entities import Action, Customer, Job, RecordKind, Source
from jobtrack_core.errors import ConflictError
from jobtrack_core.history import Recorder, kind_of
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.service import Jobtrack
from jobtrack_interchange.report import Conflict, OnConflict, ReportBuilder

#: Called as ``progress(stage, done)`` while long imports and exports run.
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 1000


#: Fields an import does not compare: a record's version is the store's count of its
#: changes, not part of its content.
NOT_COMPARED = ("version",)


def differences(
    stored: Any, incoming: Any, *, skip: tuple[str, ...] = NOT_COMPARED
) -> tuple[str, ...]:
    """The names of the fields whose values differ between two records of one class."""
    return tuple(
        a.name
        for a in attrs.fields(type(stored))
        if a.name not in skip and getattr(stored, a.name) != getattr(incoming, a.name)
    )


class _Rollback(Exception):
    """Raised to undo a dry run."""


@contextmanager
def import_transaction(app: Jobtrack, *, dry_run: bool) -> Iterator[UnitOfWork]:
    """One unit of work around a whole import; a dry run is rolled back at the end.
    Once it commits, ``app``'s subscribers hear of the changes recorded."""
    try:
        with app.unit() as uow:
            yield uow
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass


class Writer:
    """Adds or compares customers and jobs in one unit of work of ``app``, counting what
    happened and recording it in each owner's history. Accounts themselves are never
    written here: see the importers. A record in ``known`` (its kind and id) already
    has its history (a restore put it back), so adding it records nothing."""

    def __init__(
        self,
        app: Jobtrack,
        uow: UnitOfWork,
        report: ReportBuilder,
        on_conflict: OnConflict,
        *,
        progress: Progress | None = None,
        known: Collection[tuple[RecordKind, str]] = (),
    ) -> None:
        self.app = app
        self.uow = uow
        self.report = report
        self.on_conflict = on_conflict
        self.progress = progress
        self.known = known
        self._pending: list[Conflict] = []
        self._done = 0
        self._at = app.now()
        self._recorders: dict[str, Recorder] = {}

    def _recorder(self, owner_id: str) -> Recorder:
        found = self._recorders.get(owner_id)
        if found is None:
            found = Recorder(self.uow, owner_id, owner_id, Source.IMPORT, self._at)
            self._recorders[owner_id] = found
        return found

    def _tick(self) -> None:
        self._done += 1
        if self.progress is not None and self._done % PROGRESS_EVERY == 0:
            self.progress("import", self._done)

    def customer(self, customer: Customer) -> None:
        self._write(customer, self.uow.customers.get(customer.user_id, customer.id))

    def job(self, job: Job) -> None:
        self._write(job, self.uow.jobs.get(job.user_id, job.id))

    def _write(self, record: Customer | Job, stored: Customer | Job | None) -> None:
        if stored is None:
            self._add(record)
        else:
            self._settle(record, stored)

    def _store(self, record: Customer | Job, *, new: bool) -> None:
        if isinstance(record, Customer):
            (self.uow.customers.add if new else self.uow.customers.update)(record)
        else:
            (self.uow.jobs.add if new else self.uow.jobs.update)(record)

    def _add(self, record: Customer | Job) -> None:
        kind = kind_of(record)
        try:
            self._store(record, new=True)
        except ConflictError as exc:
            raise ConflictError(exc.field, f"{kind.value} {record.id!r}: {exc.message}") from exc
        if (kind, record.id) not in self.known:
            self._recorder(record.user_id).created(record)
        self.report.count("created", kind.value)
        self._tick()

    def _settle(self, record: Customer | Job, stored: Customer | Job) -> None:
        kind, id = kind_of(record).value, record.id
        changed = differences(stored, record)
        self._tick()
        if not changed:
            self.report.count("unchanged", kind)
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict(kind, id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.REPLACE:
            replaced = attrs.evolve(record, version=stored.version + 1)
            self._store(replaced, new=False)
            self._recorder(record.user_id).changed(stored, replaced, Action.UPDATED)
            self.report.count("updated", kind)
            self.report.conflicts.append(Conflict(kind, id, changed, "replaced"))
        else:
            self.report.count("kept", kind)
            self.report.conflicts.append(Conflict(kind, id, changed, "kept"))

    def finish(self) -> None:
        """Raise ConflictError naming the differing records, if the policy is ``fail``;
        else add what was recorded to the history (one batch per owner)."""
        if not self._pending:
            for recorder in self._recorders.values():
                self.app.announce(recorder.save())
            return
        shown = "; ".join(f"{c.kind} {c.id!r} ({', '.join(c.fields)})" for c in self._pending[:10])
        more = f"; and {len(self._pending) - 10} more" if len(self._pending) > 10 else ""
        raise ConflictError(
            "id",
            f"{len(self._pending)} records already exist with different content: {shown}{more}. "
            "Nothing was imported; choose on_conflict='replace' or 'keep'",
        )
