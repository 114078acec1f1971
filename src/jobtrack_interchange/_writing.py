"""Writing imported records into a store: ids, times, statuses and payment kept exactly.

Imports cannot go through the Workspace's methods (they would stamp new times
and enforce the status workflow step by step), so they write through the
repositories of one unit of work. What the service would have checked is
checked here or before: every record is validated by the importer first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.errors import ConflictError, FieldError
from jobtrack_core.passwords import LEGACY_PREFIX
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.status import JobStatus
from jobtrack_interchange.report import Conflict, OnConflict, ReportBuilder

#: Called as ``progress(stage, done)`` while long imports and exports run.
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 1000

_PHC = re.compile(r"^\$[a-z0-9-]+(\$[^\s$]*)+$")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def password_hash_problem(value: str) -> str | None:
    """Why ``value`` is not a password hash jobtrack stores, or None.

    jobtrack stores PHC strings (``$argon2id$v=19$...``), possibly marked as a
    protected MyJobTrack hash (``legacy-sha256:$argon2id$...``); never a bare
    SHA-256 digest and never a plain password.
    """
    if _HEX64.match(value):
        return (
            "is a bare SHA-256 digest; MyJobTrack accounts come in through the MyJobTrack "
            "importers, which protect such digests"
        )
    bare = value[len(LEGACY_PREFIX) :] if value.startswith(LEGACY_PREFIX) else value
    if len(value) > 1024 or not _PHC.match(bare):
        return "is not a password hash in PHC format ($argon2id$...)"
    return None


def job_state_errors(job: Job) -> list[FieldError]:
    """The status and payment rules every stored job keeps.

    A completed job has ``completed_at``, other jobs have none; ``paid_at`` is
    set only on a paid job (a paid job may lack it: MyJobTrack never recorded
    when a job was paid).
    """
    errors: list[FieldError] = []
    if job.status is JobStatus.COMPLETED and job.completed_at is None:
        errors.append(FieldError("completed_at", "is required for a completed job"))
    if job.status is not JobStatus.COMPLETED and job.completed_at is not None:
        errors.append(FieldError("completed_at", "must be empty unless the job is completed"))
    if job.paid_at is not None and not job.paid:
        errors.append(FieldError("paid_at", "must be empty unless the job is paid"))
    return errors


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
    """Adds or compares records in one unit of work, counting what happened.

    ``same_password(stored_hash, incoming_user)`` decides whether an existing
    account's password already matches the incoming one (legacy imports compare
    protected digests, not strings).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        report: ReportBuilder,
        on_conflict: OnConflict,
        *,
        same_password: Callable[[str, User], bool] | None = None,
        compare_password: bool = True,
        progress: Progress | None = None,
    ) -> None:
        self.uow = uow
        self.report = report
        self.on_conflict = on_conflict
        self.same_password = same_password or (lambda stored, user: stored == user.password_hash)
        self.compare_password = compare_password
        self.progress = progress
        self._pending: list[Conflict] = []
        self._done = 0

    def _tick(self) -> None:
        self._done += 1
        if self.progress is not None and self._done % PROGRESS_EVERY == 0:
            self.progress("import", self._done)

    def user(self, user: User) -> None:
        self.report.user_ids.append(user.id)
        stored = self.uow.users.get(user.id)
        if stored is None:
            holder = self.uow.users.get_by_email(user.email)
            if holder is not None:
                raise ConflictError(
                    "email",
                    f"{user.email!r} is already registered to another account "
                    f"({holder.id!r}); the account {user.id!r} cannot be imported",
                )
            self._add("user", user.id, lambda: self.uow.users.add(user))
            return
        changed = differences(stored, user, skip=("password_hash",))
        if self.compare_password and not self.same_password(stored.password_hash, user):
            changed += ("password_hash",)
        if not self.compare_password:
            user = attrs.evolve(user, password_hash=stored.password_hash)
        self._settle("user", user.id, changed, lambda: self.uow.users.update(user))

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
