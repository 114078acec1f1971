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

from collections.abc import Sequence
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.billing import Billing
from jobtrack_core.commands import (
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
    request,
)
from jobtrack_core.documents import InvoiceStatus, QuoteStatus
from jobtrack_core.entities import Action, Customer, Deleted, Job, User
from jobtrack_core.errors import AuthenticationError, ConflictError, ValidationError, quoted
from jobtrack_core.ledger import settled
from jobtrack_core.ledger_reports import LedgerReporting
from jobtrack_core.passwords import verify_stored
from jobtrack_core.queries import InvoiceFilter, JobFilter, PaymentFilter, QuoteFilter
from jobtrack_core.reporting import Amount, Reporting
from jobtrack_core.status import JobStatus, check_transition
from jobtrack_core.sync import Syncing
from jobtrack_core.writing import expect


class Workspace(Syncing, Reporting, LedgerReporting, Billing):
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
            expect(customer, if_version)
            return self._change(uow, customer, attrs.evolve(customer, **given), Action.UPDATED)

    def delete_customer(
        self, customer_id: str, *, if_version: int | None = None, with_payments: bool = False
    ) -> Deleted:
        """Delete a customer and all of its jobs, quotes and draft invoices; the result
        says how many went too. Refused (:class:`ConflictError` on ``invoices``) if an
        issued invoice bills the customer: those are kept. Refused (on ``payments``) if
        its jobs hold payments, unless ``with_payments=True``: then they go too, and the
        history says so."""
        with self._tx() as uow:
            customer = self._customer(uow, customer_id)
            expect(customer, if_version)
            invoices = uow.invoices.list(self.user_id, InvoiceFilter(customer_id=customer.id))
            issued = [i for i in invoices if i.status is not InvoiceStatus.DRAFT]
            if issued:
                raise ConflictError(
                    "invoices",
                    f"customer {quoted(customer.id)} is billed by {len(issued)} issued "
                    "invoice(s) and credit note(s), which are kept",
                )
            payments = uow.payments.list(self.user_id, PaymentFilter(customer_id=customer.id))
            self._check_payments_go("customer", customer.id, payments, with_payments)
            record = self._recorder(uow)
            for payment in payments:
                record.deleted(payment, cause=customer.id)
            for invoice in invoices:
                record.deleted(invoice, cause=customer.id)
            for quote in uow.quotes.list(self.user_id, QuoteFilter(customer_id=customer.id)):
                record.deleted(quote, cause=customer.id)
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
            expect(job, if_version)
            updated = settled(job, self._now(), given)
            if updated.customer_id != job.customer_id:
                self._customer(uow, updated.customer_id)
            return self._change(uow, job, updated, Action.UPDATED)

    def delete_job(
        self, job_id: str, *, if_version: int | None = None, with_payments: bool = False
    ) -> Deleted:
        """Delete a job. Refused (:class:`ConflictError` on ``invoices``) if an invoice
        bills it, a draft included (delete the draft or take its line out first); refused
        (on ``payments``) if it holds payments, voided ones included, unless
        ``with_payments=True``. The quote it was made from, if any, forgets it."""
        with self._tx() as uow:
            job = self._job(uow, job_id)
            expect(job, if_version)
            billing = uow.invoices.list(self.user_id, InvoiceFilter(job_id=job.id))
            if billing:
                names = ", ".join(quoted(i.number or i.id) for i in billing[:3])
                raise ConflictError(
                    "invoices", f"job {quoted(job.id)} is billed by invoice(s) {names}"
                )
            quote = uow.quotes.of_job(self.user_id, job.id)
            if quote is not None and quote.status is QuoteStatus.ACCEPTED:
                self._change(uow, quote, attrs.evolve(quote, job_id=None), Action.UPDATED)
            payments = uow.payments.list(self.user_id, PaymentFilter(job_id=job.id))
            self._check_payments_go("job", job.id, payments, with_payments)
            record = self._recorder(uow)
            for payment in payments:
                record.deleted(payment, cause=job.id)
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
        changes afterwards. From now on the job's actual cost is due: it is paid when its
        payments cover it."""
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
            expect(job, if_version)
            check_transition(job.id, job.status, target)
            if target is JobStatus.COMPLETED:
                changes["completed_at"] = self._now()
            moved = settled(job, self._now(), changes | {"status": target})
            return self._change(uow, job, moved, Action.MOVED)


def _calendar_change(user: User, given: dict[str, Any], default_zone: str) -> dict[str, Any]:
    """A change of calendar keeps both fields set or both empty: a new week start alone
    keeps (or takes on) a time zone, and clearing the time zone clears the week start."""
    if "timezone" in given and given["timezone"] is None:
        return given | {"week_start": None}
    zone = given.get("timezone", user.timezone) or default_zone
    start = given.get("week_start", user.week_start)
    return given | {"timezone": zone, "week_start": 0 if start is None else start}


__all__ = ["Amount", "Workspace", "request"]
