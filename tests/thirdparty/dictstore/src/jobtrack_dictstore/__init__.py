"""A jobtrack store in plain dictionaries, written from scratch with the store kit.

Every obligation of :mod:`jobtrack_core.ports` is met here in a few lines each:
records keyed per owner, owner-scoped reads, a job only for its owner's
customer and a payment only for its owner's job (or invoice), cascading deletes (a
customer takes its jobs, quotes and draft invoices, a job its payments) that say what
went, billed customers and jobs kept, document numbers unique per series, gapless
counters, unique emails and session tokens, units of work that roll back and nest; the
reports come from the kit's
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

from jobtrack_core.documents import BillingSettings, Invoice, InvoiceStatus, Quote, Series
from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, Payment, User
from jobtrack_core.errors import ConflictError, NotFoundError, StoreError
from jobtrack_core.kit import LogHistory, ReferenceReports, add_each
from jobtrack_core.queries import InvoiceFilter, JobFilter, PaymentFilter, QuoteFilter

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
        # the account's invoices (issued ones too) and the payments of no job go first
        invoices = [k for k in self.t["invoices"] if k[0] == user_id]
        for key in invoices:
            del self.t["invoices"][key]
        loose = [k for k, p in self.t["payments"].items() if k[0] == user_id and not p.job_id]
        for key in loose:
            del self.t["payments"][key]
        gone += Deleted(invoices=len(invoices), payments=len(loose))
        for owner, customer_id in [k for k in self.t["customers"] if k[0] == user_id]:
            gone += Customers(self.t).delete(owner, customer_id)
        self.t["billing"].pop(user_id, None)
        for key in [k for k in self.t["counters"] if k[0] == user_id]:
            del self.t["counters"][key]
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
        if (owner_id, customer_id) not in self.t["customers"]:
            return Deleted()
        billed = {
            key: i
            for key, i in self.t["invoices"].items()
            if key[0] == owner_id and i.customer_id == customer_id
        }
        if any(i.status is not InvoiceStatus.DRAFT for i in billed.values()):
            raise ConflictError("invoices", "this customer has issued invoices, which are kept")
        for key in billed:  # its drafts go
            del self.t["invoices"][key]
        quotes = [
            key
            for key, q in self.t["quotes"].items()
            if key[0] == owner_id and q.customer_id == customer_id
        ]
        for key in quotes:
            del self.t["quotes"][key]
        del self.t["customers"][(owner_id, customer_id)]
        jobs = [
            key
            for key, job in self.t["jobs"].items()
            if key[0] == owner_id and job.customer_id == customer_id
        ]
        gone = Deleted(customers=1, quotes=len(quotes), invoices=len(billed))
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
        if (owner_id, job_id) not in self.t["jobs"]:
            return Deleted()
        if any(key[0] == owner_id and job_id in i.job_ids for key, i in self.t["invoices"].items()):
            raise ConflictError("invoices", "this job is billed by an invoice")
        for key, quote in list(self.t["quotes"].items()):  # a quote forgets the job it made
            if key[0] == owner_id and quote.job_id == job_id:
                self.t["quotes"][key] = attrs.evolve(quote, job_id=None)
        del self.t["jobs"][(owner_id, job_id)]
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
        if payment.job_id and (payment.user_id, payment.job_id) not in self.t["jobs"]:
            raise NotFoundError("job", payment.job_id)
        if payment.invoice_id and (payment.user_id, payment.invoice_id) not in self.t["invoices"]:
            raise NotFoundError("invoice", payment.invoice_id)
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
            # the customer of its job, or of its invoice for a payment of no job
            table, key = (
                ("jobs", payment.job_id) if payment.job_id else ("invoices", payment.invoice_id)
            )
            found: Job | Invoice = self.t[table][(owner_id, key)]
            return found.customer_id

        mine = [p for (owner, _), p in self.t["payments"].items() if owner == owner_id]
        chosen = [p for p in mine if where.matches(p, customer_of(p))]
        return sorted(chosen, key=lambda p: (p.received_on, p.recorded_at, p.id))

    def update(self, payment: Payment) -> None:
        key = (payment.user_id, payment.id)
        stored: Payment | None = self.t["payments"].get(key)
        if stored is None:
            raise NotFoundError("payment", payment.id)
        if (stored.job_id, stored.invoice_id) != (payment.job_id, payment.invoice_id):
            raise ConflictError("job_id", "a payment stays with its job and invoice")
        self.t["payments"][key] = payment


class Billing:
    """Settings by owner; counters by (owner, series, period), rolled back with the rest."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def get(self, owner_id: str) -> BillingSettings | None:
        found: BillingSettings | None = self.t["billing"].get(owner_id)
        return found

    def put(self, settings: BillingSettings) -> None:
        if settings.user_id not in self.t["users"]:
            raise NotFoundError("user", settings.user_id)
        self.t["billing"][settings.user_id] = settings

    def next_number(self, owner_id: str, series: Series, period: int) -> int:
        key = (owner_id, series, period)
        number: int = self.t["counters"].get(key, 0) + 1
        self.t["counters"][key] = number
        return number

    def last_numbers(self, owner_id: str) -> Sequence[tuple[Series, int, int]]:
        return sorted((k[1], k[2], n) for k, n in self.t["counters"].items() if k[0] == owner_id)

    def set_number(self, owner_id: str, series: Series, period: int, last: int) -> None:
        key = (owner_id, series, period)
        self.t["counters"][key] = max(last, self.t["counters"].get(key, 0))


class Documents:
    """Quotes or invoices (``table``): for a customer of their owner, lines billing jobs of
    their owner, a number unique per owner and series."""

    table = ""
    kind = ""

    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def _check(self, doc: Any) -> None:
        owner = doc.user_id
        if (owner, doc.customer_id) not in self.t["customers"]:
            raise NotFoundError("customer", doc.customer_id)
        for line in doc.lines:
            if line.job_id and (owner, line.job_id) not in self.t["jobs"]:
                raise NotFoundError("job", line.job_id)
        series = getattr(doc, "kind", "quote")
        for (other_owner, _), other in self.t[self.table].items():
            same = (other_owner, getattr(other, "kind", "quote")) == (owner, series)
            if same and doc.number and other.number == doc.number and other.id != doc.id:
                raise ConflictError("number", "this number is taken")
        job_id = getattr(doc, "job_id", None)
        if job_id and (owner, job_id) not in self.t["jobs"]:
            raise NotFoundError("job", job_id)
        corrects = getattr(doc, "corrects", None)
        if corrects and (owner, corrects) not in self.t["invoices"]:
            raise NotFoundError("invoice", corrects)

    def add(self, doc: Any) -> None:
        if doc.user_id not in self.t["users"]:
            raise NotFoundError("user", doc.user_id)
        self._check(doc)
        if (doc.user_id, doc.id) in self.t[self.table]:
            raise ConflictError("id", f"a {self.kind} with this id already exists")
        self.t[self.table][(doc.user_id, doc.id)] = doc

    def get(self, owner_id: str, doc_id: str) -> Any:
        return self.t[self.table].get((owner_id, doc_id))

    def _list(self, owner_id: str, where: QuoteFilter | InvoiceFilter) -> list[Any]:
        mine = [d for (owner, _), d in self.t[self.table].items() if owner == owner_id]
        chosen = [d for d in mine if where.matches(d)]
        return sorted(chosen, key=lambda d: (d.created_at, d.id), reverse=True)

    def update(self, doc: Any) -> None:
        if (doc.user_id, doc.id) not in self.t[self.table]:
            raise NotFoundError(self.kind, doc.id)
        self._check(doc)
        self.t[self.table][(doc.user_id, doc.id)] = doc


class Quotes(Documents):
    table, kind = "quotes", "quote"

    def list(self, owner_id: str, where: QuoteFilter) -> Sequence[Quote]:
        return self._list(owner_id, where)

    def of_job(self, owner_id: str, job_id: str) -> Quote | None:
        return next((q for q in self._list(owner_id, QuoteFilter()) if q.job_id == job_id), None)

    def delete(self, owner_id: str, quote_id: str) -> Deleted:
        gone = self.t["quotes"].pop((owner_id, quote_id), None)
        return Deleted() if gone is None else Deleted(quotes=1)


class Invoices(Documents):
    table, kind = "invoices", "invoice"

    def list(self, owner_id: str, where: InvoiceFilter) -> Sequence[Invoice]:
        return self._list(owner_id, where)

    def delete(self, owner_id: str, invoice_id: str) -> Deleted:
        invoice: Invoice | None = self.t["invoices"].get((owner_id, invoice_id))
        if invoice is None:
            return Deleted()
        if invoice.status is not InvoiceStatus.DRAFT:
            raise ConflictError("status", "an issued invoice is kept")
        if any(
            k[0] == owner_id and p.invoice_id == invoice_id for k, p in self.t["payments"].items()
        ):
            raise ConflictError("payments", "payments name this invoice")
        del self.t["invoices"][(owner_id, invoice_id)]
        return Deleted(invoices=1)


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
        self.billing = Billing(tables)
        self.quotes = Quotes(tables)
        self.invoices = Invoices(tables)
        self.sessions = Sessions(tables)
        self.history = LogHistory(tables["history"], tables["users"].__contains__)
        self.reports = ReferenceReports(self.customers, self.jobs, self.payments, self.invoices)


class DictStore:
    """Every record in dictionaries; a unit of work keeps a copy of each table (records
    are immutable, so a shallow copy is a snapshot) and puts it back if it fails."""

    def __init__(self) -> None:
        self._tables: Tables = {
            name: {}
            for name in (
                "users",
                "customers",
                "jobs",
                "payments",
                "sessions",
                "history",
                "billing",
                "counters",
                "quotes",
                "invoices",
            )
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
