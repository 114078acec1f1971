"""One user's business: :class:`Workspace`, with their account, customers, jobs and
figures (:mod:`jobtrack_core.reporting`). Everything here is scoped to that user.

Each public method runs in one unit of work, so a call that raises has written
nothing. Wrap several calls in :meth:`Workspace.atomic` to make them one.

Every request is a command of :mod:`jobtrack_core.commands`; a method takes the
command itself, or builds it from its keyword arguments::

    ws.create_job(customer.id, "Fix the sink", estimated_cost="120")
    ws.create_job(NewJob(customer_id=customer.id, title="Fix the sink"))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from jobtrack_core import fields as f
from jobtrack_core.commands import (
    Changes,
    Command,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
)
from jobtrack_core.entities import Action, Customer, Deleted, Job, Plain, User
from jobtrack_core.errors import (
    AuthenticationError,
    ConflictError,
    ValidationError,
    VersionConflict,
    quoted,
)
from jobtrack_core.history import kind_of, listed
from jobtrack_core.passwords import verify_stored
from jobtrack_core.ports import UnitOfWork
from jobtrack_core.queries import JobFilter
from jobtrack_core.reporting import Amount, Reporting
from jobtrack_core.status import JobStatus, check_transition
from jobtrack_core.sync import Syncing

R = TypeVar("R", bound=Command | Changes)


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


class Workspace(Syncing, Reporting):
    """One user's view of the store. Everything here is scoped to ``user_id``:
    another user's records behave exactly as if they did not exist."""

    # -- the account -----------------------------------------------------------
    def update_profile(self, changes: ProfileChanges | None = None, /, **fields: Any) -> User:
        """Change name, business name, email (unique, case-insensitively) or the
        business's calendar (``timezone``, ``week_start``; ``timezone=None`` goes back
        to the application's calendar)."""
        given = request(ProfileChanges, changes, fields).given()
        with self._tx() as uow:
            user = self._user(uow)
            if "timezone" in given or "week_start" in given:
                given = _calendar_change(user, given, self._app.calendar.timezone)
            updated = attrs.evolve(user, **given)
            if updated == user:
                return user
            updated = attrs.evolve(updated, updated_at=self._now())
            uow.users.update(updated)
            return updated

    def change_password(self, current_password: str, new_password: str) -> None:
        """Set a new password. Every other session of this user is revoked."""
        f.check("new_password", f.PASSWORD, new_password)
        hasher = self._app.hasher
        user = self.user
        if not isinstance(current_password, str) or not verify_stored(
            hasher, user.password_hash, current_password
        ):
            raise AuthenticationError("current password is wrong")
        new_hash = hasher.hash(new_password)
        with self._tx() as uow:
            now = self._now()
            uow.users.update(attrs.evolve(self._user(uow), password_hash=new_hash, updated_at=now))
            uow.sessions.revoke_all(self.user_id, now, keep=self.session_id)

    def logout_everywhere(self) -> int:
        """Revoke every session of this user, this one included; return how many."""
        with self._tx() as uow:
            return uow.sessions.revoke_all(self.user_id, self._now())

    def delete_account(self, password: str) -> Deleted:
        """Delete this user and everything of theirs. Asks for the password again."""
        if not isinstance(password, str) or not verify_stored(
            self._app.hasher, self.user.password_hash, password
        ):
            raise AuthenticationError("password is wrong")
        with self._tx() as uow:
            return uow.users.delete(self.user_id)

    # -- customers -------------------------------------------------------------
    def add_customer(self, name: str | NewCustomer, **fields: Any) -> Customer:
        """Add a customer: ``add_customer("Ada", phone="555-0100")``, or a
        :class:`NewCustomer`. The fields are those of :class:`NewCustomer`.

        A request that chooses its ``id`` is safe to send again (after a lost reply,
        say): finding the same request already done, it returns the customer it made;
        a different request under the same id raises :class:`ConflictError`."""
        new = (
            request(NewCustomer, name, fields)
            if isinstance(name, NewCustomer)
            else NewCustomer.parse({"name": name, **fields})
        )
        now = self._now()
        customer = Customer(
            **new.values()
            | {"id": new.id or self._app.ids(), "user_id": self.user_id}
            | {"created_at": now, "updated_at": now}
        )
        with self._tx() as uow:
            self._user(uow)
            return self._create(uow, customer, new.id is not None)

    def get_customer(self, customer_id: str) -> Customer:
        with self._tx(write=False) as uow:
            return self._customer(uow, customer_id)

    def list_customers(self) -> Sequence[Customer]:
        """Every customer of this user, sorted by name."""
        with self._tx(write=False) as uow:
            return uow.customers.list(self.user_id)

    def update_customer(
        self,
        customer_id: str,
        changes: CustomerChanges | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> Customer:
        """Change some fields (see :class:`CustomerChanges`); ``None`` clears an optional
        one. With ``if_version``, only if the customer is still at that version
        (:class:`VersionConflict` otherwise)."""
        given = request(CustomerChanges, changes, fields).given()
        with self._tx() as uow:
            customer = self._customer(uow, customer_id)
            _expect(customer, if_version)
            return self._change(uow, customer, attrs.evolve(customer, **given), Action.UPDATED)

    def delete_customer(self, customer_id: str, *, if_version: int | None = None) -> Deleted:
        """Delete a customer and all of its jobs; the result says how many jobs went too."""
        with self._tx() as uow:
            customer = self._customer(uow, customer_id)
            _expect(customer, if_version)
            record = self._recorder(uow)
            for job in uow.jobs.list(self.user_id, JobFilter(customer_id=customer.id)):
                record.deleted(job, cause=customer.id)
            record.deleted(customer)
            gone = uow.customers.delete(self.user_id, customer.id)
            self._saved(record)
            return gone

    # -- jobs --------------------------------------------------------------------
    def create_job(self, customer_id: str | NewJob, title: str | None = None, **fields: Any) -> Job:
        """A new, pending, unpaid job for one of this user's customers:
        ``create_job(customer.id, "Fix the sink", estimated_cost="120")``, or a
        :class:`NewJob`. The fields are those of :class:`NewJob`. Safe to send again
        with its ``id``, as :meth:`add_customer`."""
        new = (
            request(NewJob, customer_id, {"title": title} if title is not None else fields)
            if isinstance(customer_id, NewJob)
            else NewJob.parse({"customer_id": customer_id, "title": title, **fields})
        )
        now = self._now()
        job = Job(
            **new.values()
            | {"id": new.id or self._app.ids(), "user_id": self.user_id}
            | {"status": JobStatus.PENDING, "paid": False, "paid_at": None}
            | {"completed_at": None, "created_at": now, "updated_at": now}
        )
        with self._tx() as uow:
            # NotFoundError("customer") unless it is this user's customer
            return self._create(uow, job, new.id is not None)

    def get_job(self, job_id: str) -> Job:
        with self._tx(write=False) as uow:
            return self._job(uow, job_id)

    def list_jobs(
        self,
        where: JobFilter | None = None,
        *,
        status: object = None,
        customer_id: str | None = None,
    ) -> Sequence[Job]:
        """This user's jobs, newest first. Filter with ``status`` (a status, its name, or
        several) and ``customer_id``, or pass a :class:`JobFilter` for every condition."""
        if where is None:
            where = JobFilter.parse({"statuses": status, "customer_id": customer_id})
        elif not isinstance(where, JobFilter):
            raise ValidationError.single("where", "must be a JobFilter")
        with self._tx(write=False) as uow:
            return uow.jobs.list(self.user_id, where)

    def update_job(
        self,
        job_id: str,
        changes: JobChanges | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> Job:
        """Change some fields (see :class:`JobChanges`), validated like a new job. The
        customer may change only to another customer of this user. Status and payment
        have their own calls. With ``if_version``, only if the job is still at that
        version (:class:`VersionConflict` otherwise)."""
        given = request(JobChanges, changes, fields).given()
        with self._tx() as uow:
            job = self._job(uow, job_id)
            _expect(job, if_version)
            updated = attrs.evolve(job, **given)
            if updated.customer_id != job.customer_id:
                self._customer(uow, updated.customer_id)
            return self._change(uow, job, updated, Action.UPDATED)

    def delete_job(self, job_id: str, *, if_version: int | None = None) -> Deleted:
        with self._tx() as uow:
            job = self._job(uow, job_id)
            _expect(job, if_version)
            record = self._recorder(uow)
            record.deleted(job)
            gone = uow.jobs.delete(self.user_id, job.id)
            self._saved(record)
            return gone

    def start_job(self, job_id: str, *, if_version: int | None = None) -> Job:
        """pending -> in_progress."""
        return self._move(job_id, JobStatus.IN_PROGRESS, {}, if_version)

    def complete_job(
        self,
        job_id: str,
        completion: JobCompletion | None = None,
        /,
        *,
        if_version: int | None = None,
        **fields: Any,
    ) -> Job:
        """in_progress -> completed, optionally recording what it really cost and took
        (``actual_cost``, ``actual_hours``). ``completed_at`` is set now and never
        changes afterwards."""
        given = request(JobCompletion, completion, fields).given()
        return self._move(job_id, JobStatus.COMPLETED, given, if_version)

    def cancel_job(self, job_id: str, *, if_version: int | None = None) -> Job:
        """pending or in_progress -> cancelled."""
        return self._move(job_id, JobStatus.CANCELLED, {}, if_version)

    def _move(
        self, job_id: str, target: JobStatus, changes: dict[str, Any], if_version: int | None
    ) -> Job:
        with self._tx() as uow:
            job = self._job(uow, job_id)
            _expect(job, if_version)
            check_transition(job.id, job.status, target)
            if target is JobStatus.COMPLETED:
                changes["completed_at"] = self._now()
            moved = attrs.evolve(job, status=target, **changes)
            return self._change(uow, job, moved, Action.MOVED)

    def mark_paid(self, job_id: str, *, if_version: int | None = None) -> Job:
        """Record payment, in any status. Marking a paid job paid again changes nothing."""
        return self._pay(job_id, True, if_version)

    def mark_unpaid(self, job_id: str, *, if_version: int | None = None) -> Job:
        """Undo a payment record, in any status."""
        return self._pay(job_id, False, if_version)

    def _pay(self, job_id: str, paid: bool, if_version: int | None) -> Job:
        with self._tx() as uow:
            job = self._job(uow, job_id)
            _expect(job, if_version)
            if job.paid == paid:
                return job
            updated = attrs.evolve(job, paid=paid, paid_at=self._now() if paid else None)
            return self._change(uow, job, updated, Action.PAID if paid else Action.UNPAID)

    # -- writing, with the history ---------------------------------------------------
    def _create(self, uow: UnitOfWork, record: R_, chose_id: bool) -> R_:
        """Add ``record`` and its history entry; if the client chose its id and the same
        request was done before, the record it made."""
        if chose_id:
            found = _stored(uow, record)
            if found is not None:
                return cast(R_, self._same_request(uow, found, record))
        try:
            with self._app.store.transaction():  # a savepoint: a twin's insert may win
                if isinstance(record, Customer):
                    uow.customers.add(record)
                else:
                    uow.jobs.add(record)
        except ConflictError as exc:
            again = _stored(uow, record) if exc.field == "id" and chose_id else None
            if again is None:
                raise
            return cast(R_, self._same_request(uow, again, record))
        recorder = self._recorder(uow)
        recorder.created(record)
        self._saved(recorder)
        return record

    def _same_request(
        self, uow: UnitOfWork, found: Customer | Job, asked: Customer | Job
    ) -> Customer | Job:
        made = _as_made(uow, self.user_id, found)
        if made is None or made != listed(asked):
            raise ConflictError(
                "id",
                f"a {kind_of(found).value} with id {quoted(found.id)} was made by another "
                "request; choose another id",
            )
        return found

    def _change(self, uow: UnitOfWork, old: R_, new: R_, action: Action) -> R_:
        """Store ``new`` (one version on from ``old``) with its history entry, unless it
        changes nothing."""
        if new == old:
            return old
        stamped = attrs.evolve(new, updated_at=self._now(), version=old.version + 1)
        if isinstance(stamped, Customer):
            uow.customers.update(stamped)
        else:
            uow.jobs.update(stamped)
        recorder = self._recorder(uow)
        recorder.changed(old, stamped, action)
        self._saved(recorder)
        return stamped


R_ = TypeVar("R_", Customer, Job)


def _stored(uow: UnitOfWork, record: Customer | Job) -> Customer | Job | None:
    """The stored record of the same owner, kind and id, if there is one."""
    if isinstance(record, Customer):
        return uow.customers.get(record.user_id, record.id)
    return uow.jobs.get(record.user_id, record.id)


def _expect(record: Customer | Job, version: int | None) -> None:
    """Refuse a change made against a version the record has moved on from."""
    if version is not None and record.version != version:
        raise VersionConflict(kind_of(record).value, record.id, version, record)


def _as_made(uow: UnitOfWork, owner_id: str, record: Customer | Job) -> dict[str, Plain] | None:
    """The listed fields of ``record`` as it was made: itself if it never changed, else
    from its history's first entry (None if that was pruned)."""
    if record.version == 1:
        return listed(record)
    before: int | None = None
    while True:
        page = uow.history.of_record(owner_id, kind_of(record), record.id, before, 100)
        for entry in page:
            if entry.action is Action.CREATED:
                return {c.field: c.new for c in entry.changes}
        if len(page) < 100:
            return None
        before = page[-1].seq


def _calendar_change(user: User, given: dict[str, Any], default_zone: str) -> dict[str, Any]:
    """A change of calendar keeps both fields set or both empty: a new week start alone
    keeps (or takes on) a time zone, and clearing the time zone clears the week start."""
    if "timezone" in given and given["timezone"] is None:
        return given | {"week_start": None}
    zone = given.get("timezone", user.timezone) or default_zone
    start = given.get("week_start", user.week_start)
    return given | {"timezone": zone, "week_start": 0 if start is None else start}


__all__ = ["Amount", "Workspace", "request"]
