"""Writing imported records into a store: ids, times, statuses and payment kept exactly.

Imports cannot go through the Workspace's methods (they would stamp new times
and enforce the status workflow step by step), so they write through the
repositories of one unit of work. Every record is valid by construction
(:mod:`jobtrack_core.entities`); the importers check the rest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from jobtrack_core.entities import Customer, Job
from jobtrack_core.errors import ConflictError
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_interchange.report import Conflict, OnConflict, ReportBuilder

#: Called as ``progress(stage, done)`` while long imports and exports run.
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 1000


def differences(stored: Any, incoming: Any, *, skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names of the fields whose values differ between two records of one class."""
    return tuple(
        a.name
        for a in attrs.fields(type(stored))
        if a.name not in skip and getattr(stored, a.name) != getattr(incoming, a.name)
    )


class _Rollback(Exception):
    """Raised to undo a dry run."""


@contextmanager
def import_transaction(store: Store, *, dry_run: bool) -> Iterator[UnitOfWork]:
    """One unit of work around a whole import; a dry run is rolled back at the end."""
    try:
        with store.transaction() as uow:
            yield uow
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass


class Writer:
    """Adds or compares one account's customers and jobs in one unit of work, counting
    what happened. Accounts themselves are never written here: see the importers."""

    def __init__(
        self,
        uow: UnitOfWork,
        report: ReportBuilder,
        on_conflict: OnConflict,
        *,
        progress: Progress | None = None,
    ) -> None:
        self.uow = uow
        self.report = report
        self.on_conflict = on_conflict
        self.progress = progress
        self._pending: list[Conflict] = []
        self._done = 0

    def _tick(self) -> None:
        self._done += 1
        if self.progress is not None and self._done % PROGRESS_EVERY == 0:
            self.progress("import", self._done)

    def customer(self, customer: Customer) -> None:
        stored = self.uow.customers.get(customer.user_id, customer.id)
        if stored is None:
            self._add("customer", customer.id, lambda: self.uow.customers.add(customer))
            return
        changed = differences(stored, customer)
        self._settle("customer", customer.id, changed, lambda: self.uow.customers.update(customer))

    def job(self, job: Job) -> None:
        stored = self.uow.jobs.get(job.user_id, job.id)
        if stored is None:
            self._add("job", job.id, lambda: self.uow.jobs.add(job))
            return
        self._settle("job", job.id, differences(stored, job), lambda: self.uow.jobs.update(job))

    def _add(self, kind: str, id: str, add: Callable[[], None]) -> None:
        try:
            add()
        except ConflictError as exc:
            raise ConflictError(exc.field, f"{kind} {id!r}: {exc.message}") from exc
        self.report.count("created", kind)
        self._tick()

    def _settle(
        self, kind: str, id: str, changed: tuple[str, ...], update: Callable[[], None]
    ) -> None:
        self._tick()
        if not changed:
            self.report.count("unchanged", kind)
            return
        if self.on_conflict is OnConflict.FAIL:
            self._pending.append(Conflict(kind, id, changed, "refused"))
            return
        if self.on_conflict is OnConflict.REPLACE:
            update()
            self.report.count("updated", kind)
            self.report.conflicts.append(Conflict(kind, id, changed, "replaced"))
        else:
            self.report.count("kept", kind)
            self.report.conflicts.append(Conflict(kind, id, changed, "kept"))

    def finish(self) -> None:
        """Raise ConflictError naming the differing records, if the policy is ``fail``."""
        if not self._pending:
            return
        shown = "; ".join(f"{c.kind} {c.id!r} ({', '.join(c.fields)})" for c in self._pending[:10])
        more = f"; and {len(self._pending) - 10} more" if len(self._pending) > 10 else ""
        raise ConflictError(
            "id",
            f"{len(self._pending)} records already exist with different content: {shown}{more}. "
            "Nothing was imported; choose on_conflict='replace' or 'keep'",
        )
