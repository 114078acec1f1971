"""An in-memory store with the semantics of a database.

Ids and emails are unique, cascades and tenancy are enforced, and a unit of
work that raises is rolled back through an undo log, savepoint by savepoint.
Data is kept per owner, so an operation costs in proportion to the acting
owner's data, never to the whole store; each owner also has an index of running
totals and sorted keys (:mod:`jobtrack_memory.indexes`) that the reports read.
One lock serialises units of work, so a store may be shared by threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping, MutableSet, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Generic, TypeVar

import attrs

from jobtrack_core.documents import BillingSettings, Invoice, InvoiceStatus, Quote, Series
from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, Payment, User
from jobtrack_core.errors import ConflictError, NotFoundError, StoreError, quoted
from jobtrack_core.kit import LogHistory, OwnerLog, add_each
from jobtrack_core.queries import InvoiceFilter, JobFilter, PaymentFilter, QuoteFilter
from jobtrack_memory.indexes import Keys, OwnerIndex
from jobtrack_memory.reports import MemoryReports

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D", Quote, Invoice)


class _Data:
    """Every table and index of the store; mutated only through :class:`_Writer`."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.user_by_email: dict[str, str] = {}
        self.customers: dict[str, dict[str, Customer]] = {}  # owner -> id -> customer
        self.jobs: dict[str, dict[str, Job]] = {}  # owner -> id -> job
        self.payments: dict[str, dict[str, Payment]] = {}  # owner -> id -> payment
        self.payments_of_job: dict[tuple[str, str], set[str]] = {}  # (owner, job) -> ids
        self.payments_by_day: dict[str, Keys[tuple[int, str]]] = {}  # owner -> (day, id)
        self.indexes: dict[str, OwnerIndex] = {}  # owner -> sorted keys and totals
        self.sessions: dict[str, LoginSession] = {}
        self.session_by_token: dict[str, str] = {}
        self.sessions_of_user: dict[str, set[str]] = {}
        self.history: dict[str, OwnerLog] = {}
        self.billing: dict[str, BillingSettings] = {}
        self.counters: dict[tuple[str, Series, int], int] = {}  # (owner, series, period)
        self.quotes: dict[str, dict[str, Quote]] = {}  # owner -> id -> quote
        self.invoices: dict[str, dict[str, Invoice]] = {}  # owner -> id -> invoice


class _Writer:
    """Applies changes and records how to undo each of them."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []

    def put(self, mapping: MutableMapping[K, V], key: K, value: V) -> None:
        if key in mapping:
            old = mapping[key]
            self.undo.append(lambda: mapping.__setitem__(key, old))
        else:
            self.undo.append(lambda: self._forget(mapping, key))
        mapping[key] = value

    @staticmethod
    def _forget(mapping: MutableMapping[K, V], key: K) -> None:
        del mapping[key]

    def pop(self, mapping: MutableMapping[K, V], key: K) -> V:
        old = mapping.pop(key)
        self.undo.append(lambda: mapping.__setitem__(key, old))
        return old

    def add(self, members: MutableSet[K], item: K) -> None:
        if item not in members:
            members.add(item)
            self.undo.append(lambda: members.discard(item))

    def discard(self, members: MutableSet[K], item: K) -> None:
        if item in members:
            members.discard(item)
            self.undo.append(lambda: members.add(item))

    def job(self, index: OwnerIndex, old: Job | None, new: Job | None) -> None:
        """Account for a job change in an owner's index; undone by the inverse change."""
        index.change(old, new)
        self.undo.append(lambda: index.change(new, old))

    def new_jobs(self, data: _Data, index: OwnerIndex, added: list[Job]) -> None:
        """Index many jobs just stored (by ``add_many``); undone all together."""
        index.add_many(added)

        def undo() -> None:
            for job in reversed(added):
                index.change(job, None)
                del data.jobs[job.user_id][job.id]

        self.undo.append(undo)

    def key(
        self, keys: Keys[tuple[int, str]], old: tuple[int, str] | None, new: tuple[int, str] | None
    ) -> None:
        """Move a key of a sorted index; undone by the move back."""

        def swap(out: tuple[int, str] | None, into: tuple[int, str] | None) -> None:
            if out is not None:
                keys.remove(out)
            if into is not None:
                keys.add(into)

        swap(old, new)
        self.undo.append(lambda: swap(new, old))

    def customer(self, index: OwnerIndex, old: Customer | None, new: Customer | None) -> None:
        index.change_customer(old, new)
        self.undo.append(lambda: index.change_customer(new, old))

    def rollback_to(self, mark: int) -> None:
        while len(self.undo) > mark:
            self.undo.pop()()


def _index(data: _Data, owner_id: str) -> OwnerIndex:
    """The owner's index, made empty on first use (an index never holds another owner)."""
    index = data.indexes.get(owner_id)
    if index is None:
        index = data.indexes[owner_id] = OwnerIndex()
    return index


class _Users:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def add(self, user: User) -> None:
        if user.id in self.d.users:
            raise ConflictError("id", f"a user with id {quoted(user.id)} already exists")
        self._claim_email(user)
        self.w.put(self.d.users, user.id, user)

    def _claim_email(self, user: User) -> None:
        holder = self.d.user_by_email.get(user.email)
        if holder is not None and holder != user.id:
            raise ConflictError("email", "this email is already registered")
        self.w.put(self.d.user_by_email, user.email, user.id)

    def get(self, user_id: str) -> User | None:
        return self.d.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        user_id = self.d.user_by_email.get(email)
        return None if user_id is None else self.d.users[user_id]

    def update(self, user: User) -> None:
        old = self.d.users.get(user.id)
        if old is None:
            raise NotFoundError("user", user.id)
        if old.email != user.email:
            self._claim_email(user)
            self.w.pop(self.d.user_by_email, old.email)
        self.w.put(self.d.users, user.id, user)

    def delete(self, user_id: str) -> Deleted:
        user = self.d.users.get(user_id)
        if user is None:
            return Deleted()
        customers = _Customers(self.d, self.w)
        removed = Deleted(users=1)
        invoices = self.d.invoices.get(user_id, {})
        removed += Deleted(invoices=len(invoices))
        for payment in list(self.d.payments.get(user_id, {}).values()):
            if payment.job_id is None:
                removed += _Payments(self.d, self.w).delete(user_id, payment.id)
        for invoice_id in list(invoices):
            self.w.pop(invoices, invoice_id)
        for customer_id in list(self.d.customers.get(user_id, {})):
            removed += customers.delete(user_id, customer_id)
        if user_id in self.d.billing:
            self.w.pop(self.d.billing, user_id)
        for key in [k for k in self.d.counters if k[0] == user_id]:
            self.w.pop(self.d.counters, key)
        for session_id in list(self.d.sessions_of_user.get(user_id, ())):
            _Sessions(self.d, self.w).delete(session_id)
            removed += Deleted(sessions=1)
        if user_id in self.d.history:
            self.w.pop(self.d.history, user_id)
        self.w.pop(self.d.user_by_email, user.email)
        self.w.pop(self.d.users, user_id)
        return removed


class _Customers:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def add(self, customer: Customer) -> None:
        if customer.user_id not in self.d.users:
            raise NotFoundError("user", customer.user_id)
        mine = self.d.customers.setdefault(customer.user_id, {})
        if customer.id in mine:
            raise ConflictError("id", f"a customer with id {quoted(customer.id)} already exists")
        self.w.put(mine, customer.id, customer)
        self.w.customer(_index(self.d, customer.user_id), None, customer)

    def get(self, owner_id: str, customer_id: str) -> Customer | None:
        return self.d.customers.get(owner_id, {}).get(customer_id)

    def list(self, owner_id: str) -> Sequence[Customer]:
        mine = self.d.customers.get(owner_id, {})
        return [mine[i] for i in _index(self.d, owner_id).customers_by_name.ids()]

    def update(self, customer: Customer) -> None:
        mine = self.d.customers.get(customer.user_id, {})
        old = mine.get(customer.id)
        if old is None:
            raise NotFoundError("customer", customer.id)
        self.w.put(mine, customer.id, customer)
        self.w.customer(_index(self.d, customer.user_id), old, customer)

    def delete(self, owner_id: str, customer_id: str) -> Deleted:
        mine = self.d.customers.get(owner_id, {})
        if customer_id not in mine:
            return Deleted()
        invoices = self.d.invoices.get(owner_id, {})
        billed = [i for i in invoices.values() if i.customer_id == customer_id]
        if any(i.status is not InvoiceStatus.DRAFT for i in billed):
            raise ConflictError(
                "invoices",
                f"customer {quoted(customer_id)} has issued invoices, which are kept",
            )
        jobs = _Jobs(self.d, self.w)
        removed = Deleted(customers=1, invoices=len(billed))
        for invoice in billed:
            self.w.pop(invoices, invoice.id)
        quotes = self.d.quotes.get(owner_id, {})
        for quote in [q for q in quotes.values() if q.customer_id == customer_id]:
            removed += _Quotes(self.d, self.w).delete(owner_id, quote.id)
        index = _index(self.d, owner_id)
        for job_id in list(index.customer_totals[customer_id].history.ids()):
            removed += jobs.delete(owner_id, job_id)
        old = self.w.pop(mine, customer_id)
        self.w.customer(index, old, None)
        return removed


class _Jobs:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def _check_customer(self, job: Job) -> None:
        if job.customer_id not in self.d.customers.get(job.user_id, {}):
            raise NotFoundError("customer", job.customer_id)

    def add(self, job: Job) -> None:
        self._check_customer(job)
        mine = self.d.jobs.setdefault(job.user_id, {})
        if job.id in mine:
            raise _taken(job)
        self.w.put(mine, job.id, job)
        self.w.job(_index(self.d, job.user_id), None, job)

    def add_many(self, jobs: Iterable[Job]) -> int:
        added: dict[str, list[Job]] = {}  # owner -> new jobs, indexed together at the end
        count = 0
        try:
            for job in jobs:
                self._check_customer(job)
                owned = self.d.jobs.setdefault(job.user_id, {})
                if job.id in owned:
                    raise _taken(job)
                owned[job.id] = job
                added.setdefault(job.user_id, []).append(job)
                count += 1
        finally:
            for owner_id, new in added.items():
                self.w.new_jobs(self.d, _index(self.d, owner_id), new)
        return count

    def get(self, owner_id: str, job_id: str) -> Job | None:
        return self.d.jobs.get(owner_id, {}).get(job_id)

    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        mine = self.d.jobs.get(owner_id, {})
        index = _index(self.d, owner_id)
        if where.customer_id is not None:
            totals = index.customer_totals.get(where.customer_id)
            ids = totals.history.ids(reverse=True) if totals else iter(())
        else:
            ids = index.sorted["newest"].ids(reverse=True)
        return [job for job in (mine[i] for i in ids) if where.matches(job)]

    def update(self, job: Job) -> None:
        mine = self.d.jobs.get(job.user_id, {})
        old = mine.get(job.id)
        if old is None:
            raise NotFoundError("job", job.id)
        self._check_customer(job)
        self.w.put(mine, job.id, job)
        self.w.job(_index(self.d, job.user_id), old, job)

    def delete(self, owner_id: str, job_id: str) -> Deleted:
        mine = self.d.jobs.get(owner_id, {})
        job = mine.get(job_id)
        if job is None:
            return Deleted()
        if any(job_id in i.job_ids for i in self.d.invoices.get(owner_id, {}).values()):
            raise ConflictError("invoices", f"job {quoted(job_id)} is billed by an invoice")
        for quote in list(self.d.quotes.get(owner_id, {}).values()):
            if quote.job_id == job_id:
                self.w.put(self.d.quotes[owner_id], quote.id, attrs.evolve(quote, job_id=None))
        payments = _Payments(self.d, self.w)
        removed = Deleted(jobs=1)
        for payment_id in sorted(self.d.payments_of_job.get((owner_id, job_id), ())):
            removed += payments.delete(owner_id, payment_id)
        self.w.pop(mine, job_id)
        self.w.job(_index(self.d, owner_id), job, None)
        return removed


def _taken(job: Job) -> ConflictError:
    return ConflictError("id", f"a job with id {quoted(job.id)} already exists")


class _Payments:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def add(self, payment: Payment) -> None:
        if payment.job_id is not None and payment.job_id not in self.d.jobs.get(
            payment.user_id, {}
        ):
            raise NotFoundError("job", payment.job_id)
        if payment.invoice_id is not None and payment.invoice_id not in self.d.invoices.get(
            payment.user_id, {}
        ):
            raise NotFoundError("invoice", payment.invoice_id)
        mine = self.d.payments.setdefault(payment.user_id, {})
        if payment.id in mine:
            raise ConflictError("id", f"a payment with id {quoted(payment.id)} already exists")
        self.w.put(mine, payment.id, payment)
        if payment.job_id is not None:
            key = (payment.user_id, payment.job_id)
            self.w.add(self.d.payments_of_job.setdefault(key, set()), payment.id)
        self.w.key(self._by_day(payment.user_id), None, _day_key(payment))

    def _by_day(self, owner_id: str) -> Keys[tuple[int, str]]:
        return self.d.payments_by_day.setdefault(owner_id, Keys())

    def add_many(self, payments: Iterable[Payment]) -> int:
        return add_each(self.add, payments)

    def get(self, owner_id: str, payment_id: str) -> Payment | None:
        return self.d.payments.get(owner_id, {}).get(payment_id)

    def list(self, owner_id: str, where: PaymentFilter) -> Sequence[Payment]:
        mine = self.d.payments.get(owner_id, {})
        if where.job_id is not None:
            chosen = [mine[i] for i in self.d.payments_of_job.get((owner_id, where.job_id), ())]
        else:
            chosen = list(mine.values())
        found = [p for p in chosen if where.matches(p, self._customer_of(owner_id, p))]
        return sorted(found, key=lambda p: (p.received_on, p.recorded_at, p.id))

    def _customer_of(self, owner_id: str, payment: Payment) -> str:
        if payment.job_id is not None:
            return self.d.jobs[owner_id][payment.job_id].customer_id
        assert payment.invoice_id is not None
        return self.d.invoices[owner_id][payment.invoice_id].customer_id

    def update(self, payment: Payment) -> None:
        mine = self.d.payments.get(payment.user_id, {})
        old = mine.get(payment.id)
        if old is None:
            raise NotFoundError("payment", payment.id)
        if (old.job_id, old.invoice_id) != (payment.job_id, payment.invoice_id):
            raise ConflictError("job_id", "a payment stays with its job and invoice")
        self.w.put(mine, payment.id, payment)
        if old.received_on != payment.received_on:
            self.w.key(self._by_day(payment.user_id), _day_key(old), _day_key(payment))

    def delete(self, owner_id: str, payment_id: str) -> Deleted:
        payment = self.w.pop(self.d.payments[owner_id], payment_id)
        if payment.job_id is not None:
            self.w.discard(self.d.payments_of_job[(owner_id, payment.job_id)], payment_id)
        self.w.key(self._by_day(owner_id), _day_key(payment), None)
        return Deleted(payments=1)

    def received_between(self, owner_id: str, first: date, end: date) -> Iterator[Payment]:
        """The owner's payments received from ``first`` up to ``end`` (excluded)."""
        mine = self.d.payments.get(owner_id, {})
        keys = self.d.payments_by_day.get(owner_id)
        if keys is None:
            return iter(())
        low, high = (first.toordinal(), ""), (end.toordinal(), "")
        return (mine[key[-1]] for key in keys.between(low, high))


def _day_key(payment: Payment) -> tuple[int, str]:
    return (payment.received_on.toordinal(), payment.id)


class _Billing:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def get(self, owner_id: str) -> BillingSettings | None:
        return self.d.billing.get(owner_id)

    def put(self, settings: BillingSettings) -> None:
        if settings.user_id not in self.d.users:
            raise NotFoundError("user", settings.user_id)
        self.w.put(self.d.billing, settings.user_id, settings)

    def next_number(self, owner_id: str, series: Series, period: int) -> int:
        key = (owner_id, series, period)
        number = self.d.counters.get(key, 0) + 1
        self.w.put(self.d.counters, key, number)
        return number

    def last_numbers(self, owner_id: str) -> Sequence[tuple[Series, int, int]]:
        return sorted((k[1], k[2], n) for k, n in self.d.counters.items() if k[0] == owner_id)

    def set_number(self, owner_id: str, series: Series, period: int, last: int) -> None:
        key = (owner_id, series, period)
        self.w.put(self.d.counters, key, max(last, self.d.counters.get(key, 0)))


class _Documents(Generic[D]):
    """Quotes or invoices: each for a customer of its owner, numbers unique per owner."""

    kind = "document"

    def __init__(self, data: _Data, w: _Writer, table: dict[str, dict[str, D]]) -> None:
        self.d, self.w = data, w
        self.table: dict[str, dict[str, D]] = table

    def _check(self, doc: D) -> None:
        if doc.customer_id not in self.d.customers.get(doc.user_id, {}):
            raise NotFoundError("customer", doc.customer_id)
        jobs = self.d.jobs.get(doc.user_id, {})
        for line in doc.lines:
            if line.job_id is not None and line.job_id not in jobs:
                raise NotFoundError("job", line.job_id)
        taken = doc.number is not None and any(
            other.number == doc.number
            and other.id != doc.id
            and self._series(other) == self._series(doc)
            for other in self.table.get(doc.user_id, {}).values()
        )
        if taken:
            raise ConflictError("number", f"number {quoted(doc.number)} is taken")

    def _series(self, doc: D) -> str:
        return getattr(doc, "kind", "quote")

    def add(self, doc: D) -> None:
        if doc.user_id not in self.d.users:
            raise NotFoundError("user", doc.user_id)
        self._check(doc)
        mine = self.table.setdefault(doc.user_id, {})
        if doc.id in mine:
            raise ConflictError("id", f"a {self.kind} with id {quoted(doc.id)} already exists")
        self.w.put(mine, doc.id, doc)

    def get(self, owner_id: str, doc_id: str) -> D | None:
        return self.table.get(owner_id, {}).get(doc_id)

    def _newest(self, docs: Iterable[D]) -> list[D]:
        return sorted(docs, key=lambda d: (d.created_at, d.id), reverse=True)

    def update(self, doc: D) -> None:
        mine = self.table.get(doc.user_id, {})
        if doc.id not in mine:
            raise NotFoundError(self.kind, doc.id)
        self._check(doc)
        self.w.put(mine, doc.id, doc)


class _Quotes(_Documents[Quote]):
    kind = "quote"

    def __init__(self, data: _Data, w: _Writer) -> None:
        super().__init__(data, w, data.quotes)

    def _check(self, doc: Quote) -> None:
        super()._check(doc)
        if doc.job_id is not None and doc.job_id not in self.d.jobs.get(doc.user_id, {}):
            raise NotFoundError("job", doc.job_id)

    def list(self, owner_id: str, where: QuoteFilter) -> Sequence[Quote]:
        return self._newest(q for q in self.table.get(owner_id, {}).values() if where.matches(q))

    def of_job(self, owner_id: str, job_id: str) -> Quote | None:
        found = [q for q in self.table.get(owner_id, {}).values() if q.job_id == job_id]
        return found[0] if found else None

    def delete(self, owner_id: str, quote_id: str) -> Deleted:
        mine = self.table.get(owner_id, {})
        if quote_id not in mine:
            return Deleted()
        self.w.pop(mine, quote_id)
        return Deleted(quotes=1)


class _Invoices(_Documents[Invoice]):
    kind = "invoice"

    def __init__(self, data: _Data, w: _Writer) -> None:
        super().__init__(data, w, data.invoices)

    def _check(self, doc: Invoice) -> None:
        super()._check(doc)
        if doc.corrects is not None and doc.corrects not in self.table.get(doc.user_id, {}):
            raise NotFoundError("invoice", doc.corrects)

    def list(self, owner_id: str, where: InvoiceFilter) -> Sequence[Invoice]:
        return self._newest(i for i in self.table.get(owner_id, {}).values() if where.matches(i))

    def delete(self, owner_id: str, invoice_id: str) -> Deleted:
        mine = self.table.get(owner_id, {})
        invoice = mine.get(invoice_id)
        if invoice is None:
            return Deleted()
        if invoice.status is not InvoiceStatus.DRAFT:
            raise ConflictError("status", f"invoice {quoted(invoice_id)} is issued: it is kept")
        if any(p.invoice_id == invoice_id for p in self.d.payments.get(owner_id, {}).values()):
            raise ConflictError("payments", f"payments name invoice {quoted(invoice_id)}")
        self.w.pop(mine, invoice_id)
        return Deleted(invoices=1)


class _Sessions:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def add(self, session: LoginSession) -> None:
        if session.user_id not in self.d.users:
            raise NotFoundError("user", session.user_id)
        if session.id in self.d.sessions or session.token_hash in self.d.session_by_token:
            raise ConflictError("id", "this session already exists")
        self.w.put(self.d.sessions, session.id, session)
        self.w.put(self.d.session_by_token, session.token_hash, session.id)
        self.w.add(self.d.sessions_of_user.setdefault(session.user_id, set()), session.id)

    def get_by_token_hash(self, token_hash: str) -> LoginSession | None:
        session_id = self.d.session_by_token.get(token_hash)
        return None if session_id is None else self.d.sessions[session_id]

    def update(self, session: LoginSession) -> None:
        if session.id not in self.d.sessions:
            raise NotFoundError("session", session.id)
        self.w.put(self.d.sessions, session.id, session)

    def delete(self, session_id: str) -> None:
        session = self.w.pop(self.d.sessions, session_id)
        self.w.pop(self.d.session_by_token, session.token_hash)
        self.w.discard(self.d.sessions_of_user[session.user_id], session_id)

    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        count = 0
        for session_id in self.d.sessions_of_user.get(user_id, ()):
            session = self.d.sessions[session_id]
            if session_id != keep and session.revoked_at is None:
                self.w.put(self.d.sessions, session_id, attrs.evolve(session, revoked_at=at))
                count += 1
        return count

    def purge_expired(self, now: datetime) -> int:
        expired = [s.id for s in self.d.sessions.values() if s.expires_at <= now]
        for session_id in expired:
            self.delete(session_id)
        return len(expired)


class _Logged(MutableMapping[str, OwnerLog]):
    """The owners' history logs, each change kept for undo by the unit of work."""

    def __init__(self, data: _Data, w: _Writer) -> None:
        self.d, self.w = data, w

    def __getitem__(self, owner_id: str) -> OwnerLog:
        return self.d.history[owner_id]

    def __setitem__(self, owner_id: str, log: OwnerLog) -> None:
        self.w.put(self.d.history, owner_id, log)

    def __delitem__(self, owner_id: str) -> None:
        self.w.pop(self.d.history, owner_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self.d.history)

    def __len__(self) -> int:
        return len(self.d.history)


class _UnitOfWork:
    def __init__(self, data: _Data, w: _Writer) -> None:
        self.users = _Users(data, w)
        self.customers = _Customers(data, w)
        self.jobs = _Jobs(data, w)
        self.payments = _Payments(data, w)
        self.billing = _Billing(data, w)
        self.quotes = _Quotes(data, w)
        self.invoices = _Invoices(data, w)
        self.sessions = _Sessions(data, w)
        self.history = LogHistory(_Logged(data, w), data.users.__contains__)
        self.reports = MemoryReports(
            data.jobs,
            data.customers,
            data.indexes,
            (self.customers, self.jobs, self.payments, self.invoices),
            self.payments.received_between,
        )


class MemoryStore:
    """Everything in this process's memory; gone when the process ends.

    >>> from jobtrack_core import Jobtrack
    >>> app = Jobtrack(MemoryStore())
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._writer = _Writer()
        self._uow = _UnitOfWork(_Data(), self._writer)
        self._depth = 0
        self._closed = False

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[_UnitOfWork]:
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            mark = len(self._writer.undo)
            self._depth += 1
            try:
                yield self._uow
            except BaseException:
                self._writer.rollback_to(mark)
                raise
            finally:
                self._depth -= 1
            if self._depth == 0:
                self._writer.undo.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True

    def __repr__(self) -> str:
        return "MemoryStore()"
