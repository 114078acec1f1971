"""A jobtrack store in plain dictionaries, written from scratch with the store kit.

Every obligation of :mod:`jobtrack_core.ports` is met here in a few lines each:
records keyed per owner, owner-scoped reads, a job only for its owner's
customer and a payment only for its owner's job, cascading deletes (a customer
takes its jobs, a job its payments) that say what went, unique emails and
session tokens, units of work that roll back and nest; the reports come from the kit's
:class:`~jobtrack_core.kit.ReferenceReports` and the history from its
:class:`~jobtrack_core.kit.LogHistory`, correct and slow.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, Payment, User
from jobtrack_core.errors import ConflictError, NotFoundError, StoreError
from jobtrack_core.kit import LogHistory, ReferenceReports, add_each
from jobtrack_core.queries import JobFilter, PaymentFilter

Tables = dict[str, dict[Any, Any]]


class Users:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def add(self, user: User) -> None:
        if user.id in self.t["users"]:
            raise ConflictError("id", "a user with this id already exists")
        self._email_free(user)
        self.t["users"][user.id] = user

    def _email_free(self, user: User) -> None:
        if any(u.email == user.email and u.id != user.id for u in self.t["users"].values()):
            raise ConflictError("email", "this email is already registered")

    def get(self, user_id: str) -> User | None:
        found: User | None = self.t["users"].get(user_id)
        return found

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.t["users"].values() if u.email == email), None)

    def update(self, user: User) -> None:
        if user.id not in self.t["users"]:
            raise NotFoundError("user", user.id)
        self._email_free(user)
        self.t["users"][user.id] = user

    def delete(self, user_id: str) -> Deleted:
        if self.t["users"].pop(user_id, None) is None:
            return Deleted()
        gone = Deleted(users=1)
        for owner, customer_id in [k for k in self.t["customers"] if k[0] == user_id]:
            gone += Customers(self.t).delete(owner, customer_id)
        sessions = [k for k, s in self.t["sessions"].items() if s.user_id == user_id]
        for session_id in sessions:
            del self.t["sessions"][session_id]
        self.t["history"].pop(user_id, None)
        return gone + Deleted(sessions=len(sessions))


class Customers:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def add(self, customer: Customer) -> None:
        if customer.user_id not in self.t["users"]:
            raise NotFoundError("user", customer.user_id)
        key = (customer.user_id, customer.id)
        if key in self.t["customers"]:
            raise ConflictError("id", "a customer with this id already exists")
        self.t["customers"][key] = customer

    def get(self, owner_id: str, customer_id: str) -> Customer | None:
        found: Customer | None = self.t["customers"].get((owner_id, customer_id))
        return found

    def list(self, owner_id: str) -> Sequence[Customer]:
        mine = [c for (owner, _), c in self.t["customers"].items() if owner == owner_id]
        return sorted(mine, key=lambda c: (c.name, c.id))

    def update(self, customer: Customer) -> None:
        key = (customer.user_id, customer.id)
        if key not in self.t["customers"]:
            raise NotFoundError("customer", customer.id)
        self.t["customers"][key] = customer

    def delete(self, owner_id: str, customer_id: str) -> Deleted:
        if self.t["customers"].pop((owner_id, customer_id), None) is None:
            return Deleted()
        jobs = [
            key
            for key, job in self.t["jobs"].items()
            if key[0] == owner_id and job.customer_id == customer_id
        ]
        gone = Deleted(customers=1)
        for owner, job_id in jobs:
            gone += Jobs(self.t).delete(owner, job_id)
        return gone


class Jobs:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def _customer_is_mine(self, job: Job) -> None:
        if (job.user_id, job.customer_id) not in self.t["customers"]:
            raise NotFoundError("customer", job.customer_id)

    def add(self, job: Job) -> None:
        self._customer_is_mine(job)
        if (job.user_id, job.id) in self.t["jobs"]:
            raise ConflictError("id", "a job with this id already exists")
        self.t["jobs"][(job.user_id, job.id)] = job

    def add_many(self, jobs: Iterable[Job]) -> int:
        return add_each(self.add, jobs)

    def get(self, owner_id: str, job_id: str) -> Job | None:
        found: Job | None = self.t["jobs"].get((owner_id, job_id))
        return found

    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        mine = [j for (owner, _), j in self.t["jobs"].items() if owner == owner_id]
        chosen = [j for j in mine if where.matches(j)]
        return sorted(chosen, key=lambda j: (j.created_at, j.id), reverse=True)

    def update(self, job: Job) -> None:
        if (job.user_id, job.id) not in self.t["jobs"]:
            raise NotFoundError("job", job.id)
        self._customer_is_mine(job)
        self.t["jobs"][(job.user_id, job.id)] = job

    def delete(self, owner_id: str, job_id: str) -> Deleted:
        if self.t["jobs"].pop((owner_id, job_id), None) is None:
            return Deleted()
        held = [
            key
            for key, payment in self.t["payments"].items()
            if key[0] == owner_id and payment.job_id == job_id
        ]
        for key in held:  # a job's payments go with it
            del self.t["payments"][key]
        return Deleted(jobs=1, payments=len(held))


class Payments:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def add(self, payment: Payment) -> None:
        if (payment.user_id, payment.job_id) not in self.t["jobs"]:
            raise NotFoundError("job", payment.job_id)
        key = (payment.user_id, payment.id)
        if key in self.t["payments"]:
            raise ConflictError("id", "a payment with this id already exists")
        self.t["payments"][key] = payment

    def add_many(self, payments: Iterable[Payment]) -> int:
        return add_each(self.add, payments)

    def get(self, owner_id: str, payment_id: str) -> Payment | None:
        found: Payment | None = self.t["payments"].get((owner_id, payment_id))
        return found

    def list(self, owner_id: str, where: PaymentFilter) -> Sequence[Payment]:
        def customer_of(payment: Payment) -> str:
            job: Job = self.t["jobs"][(owner_id, payment.job_id)]
            return job.customer_id

        mine = [p for (owner, _), p in self.t["payments"].items() if owner == owner_id]
        chosen = [p for p in mine if where.matches(p, customer_of(p))]
        return sorted(chosen, key=lambda p: (p.received_on, p.recorded_at, p.id))

    def update(self, payment: Payment) -> None:
        key = (payment.user_id, payment.id)
        stored: Payment | None = self.t["payments"].get(key)
        if stored is None:
            raise NotFoundError("payment", payment.id)
        if stored.job_id != payment.job_id:
            raise ConflictError("job_id", "a payment stays with its job")
        self.t["payments"][key] = payment


class Sessions:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def add(self, session: LoginSession) -> None:
        if session.user_id not in self.t["users"]:
            raise NotFoundError("user", session.user_id)
        taken = session.id in self.t["sessions"] or self.get_by_token_hash(session.token_hash)
        if taken:
            raise ConflictError("id", "this session already exists")
        self.t["sessions"][session.id] = session

    def get_by_token_hash(self, token_hash: str) -> LoginSession | None:
        found = (s for s in self.t["sessions"].values() if s.token_hash == token_hash)
        return next(found, None)

    def update(self, session: LoginSession) -> None:
        if session.id not in self.t["sessions"]:
            raise NotFoundError("session", session.id)
        self.t["sessions"][session.id] = session

    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        live = [
            s
            for s in self.t["sessions"].values()
            if s.user_id == user_id and s.id != keep and s.revoked_at is None
        ]
        for session in live:
            self.t["sessions"][session.id] = attrs.evolve(session, revoked_at=at)
        return len(live)

    def purge_expired(self, now: datetime) -> int:
        expired = [k for k, s in self.t["sessions"].items() if s.expires_at <= now]
        for session_id in expired:
            del self.t["sessions"][session_id]
        return len(expired)


class UnitOfWork:
    def __init__(self, tables: Tables) -> None:
        self.users = Users(tables)
        self.customers = Customers(tables)
        self.jobs = Jobs(tables)
        self.payments = Payments(tables)
        self.sessions = Sessions(tables)
        self.history = LogHistory(tables["history"], tables["users"].__contains__)
        self.reports = ReferenceReports(self.customers, self.jobs, self.payments)


class DictStore:
    """Every record in dictionaries; a unit of work keeps a copy of each table (records
    are immutable, so a shallow copy is a snapshot) and puts it back if it fails."""

    def __init__(self) -> None:
        self._tables: Tables = {
            name: {} for name in ("users", "customers", "jobs", "payments", "sessions", "history")
        }
        self._lock = threading.RLock()
        self._closed = False

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[UnitOfWork]:
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            saved = {name: dict(table) for name, table in self._tables.items()}
            try:
                yield UnitOfWork(self._tables)
            except BaseException:
                for name, table in saved.items():
                    self._tables[name].clear()
                    self._tables[name].update(table)
                raise

    def close(self) -> None:
        self._closed = True


__all__ = ["DictStore"]
