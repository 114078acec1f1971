"""What a store must implement: repository protocols and the unit of work.

Stores persist and query; the service layer (:mod:`jobtrack_core.service`)
validates and decides. A store still guards what a database can guard, with
the same behaviour everywhere:

- ids are unique per kind (:class:`ConflictError` on ``field="id"``), user
  emails are unique (``field="email"``);
- every customer and job method is scoped by ``owner_id``; another owner's
  record is ``None`` / :class:`NotFoundError`, exactly as if it did not exist;
- a job must reference a customer of its own owner (:class:`NotFoundError`
  ``("customer", id)`` otherwise);
- deleting a customer deletes its jobs, deleting a user deletes everything of
  theirs, and both report what they removed;
- a unit of work commits when its ``with`` block ends normally and rolls back
  completely when it raises; units of work nest (the inner one is a savepoint);
- only :mod:`jobtrack_core.errors` types escape.

The contract suite in :mod:`jobtrack_core.testing` checks all of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, User
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.queries import JobFilter
from jobtrack_core.reports import (
    CustomerAccuracy,
    CustomerRevenue,
    CustomerSummary,
    OwnerTotals,
    Tally,
)


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, user_id: str) -> User | None: ...
    def get_by_email(self, email: str) -> User | None: ...
    def update(self, user: User) -> None: ...
    def delete(self, user_id: str) -> Deleted: ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, owner_id: str, customer_id: str) -> Customer | None: ...
    def list(self, owner_id: str) -> Sequence[Customer]:
        """The owner's customers sorted by name, then id."""
        ...

    def update(self, customer: Customer) -> None: ...
    def delete(self, owner_id: str, customer_id: str) -> Deleted: ...


class JobRepository(Protocol):
    def add(self, job: Job) -> None: ...
    def add_many(self, jobs: Iterable[Job]) -> int:
        """Add many jobs with the same checks as :meth:`add` (the fast path for imports);
        return how many. A failure part-way leaves the unit of work to be rolled back."""
        ...

    def get(self, owner_id: str, job_id: str) -> Job | None: ...
    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        """The owner's jobs matching ``where``, newest first (created_at, then id, descending)."""
        ...

    def update(self, job: Job) -> None: ...
    def delete(self, owner_id: str, job_id: str) -> Deleted: ...
    def revenue(self, owner_id: str) -> Decimal:
        """Sum of ``actual_cost`` over the owner's paid jobs (a missing cost counts as 0)."""
        ...


class SessionRepository(Protocol):
    def add(self, session: LoginSession) -> None: ...
    def get_by_token_hash(self, token_hash: str) -> LoginSession | None: ...
    def update(self, session: LoginSession) -> None: ...
    def revoke_all(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        """Revoke every live session of ``user_id`` except ``keep``; return how many."""
        ...

    def purge_expired(self, now: datetime) -> int:
        """Delete every session whose ``expires_at`` is not after ``now``; return how many."""
        ...


class ReportRepository(Protocol):
    """Figures, pages and searches over one owner's data, computed by the store.

    Every method is scoped by ``owner_id`` and reads only. The service layer
    turns local periods into UTC instants before it asks, so a store needs no
    time zone logic; :mod:`jobtrack_core.reference` states what each answer
    must be, and the contract suite checks it on random data. A store answers
    from its own indexes and aggregates: the dashboard's figures should not
    cost in proportion to the owner's number of jobs.
    """

    def totals(self, owner_id: str) -> OwnerTotals:
        """Customers, jobs per status, revenue, receivables and pipeline."""
        ...

    def paid_between(self, owner_id: str, bounds: Sequence[datetime]) -> Sequence[Tally]:
        """For each pair of neighbours ``bounds[i] <= paid_at < bounds[i + 1]`` (UTC,
        increasing), the actual cost and number of the paid jobs paid then."""
        ...

    def jobs_page(
        self,
        owner_id: str,
        where: JobFilter,
        sort: JobSort,
        after: JobPosition | None,
        limit: int,
    ) -> Sequence[Job]:
        """Up to ``limit`` jobs matching ``where``, in ``sort`` order, that come after
        ``after`` (from the start if None); see :mod:`jobtrack_core.pagination`."""
        ...

    def count_jobs(self, owner_id: str, where: JobFilter) -> int:
        """How many of the owner's jobs match ``where``."""
        ...

    def unpaid_completed(
        self, owner_id: str, completed_before: datetime, limit: int
    ) -> Sequence[Job]:
        """Completed, unpaid jobs with ``completed_at`` before the given instant or
        unknown, unknown first, then oldest completion first, then id; at most ``limit``."""
        ...

    def customer_summaries(
        self, owner_id: str, customer_id: str | None = None
    ) -> Sequence[CustomerSummary]:
        """Every customer (or just ``customer_id``) with the figures of their jobs,
        by name then id."""
        ...

    def revenue_by_customer(
        self, owner_id: str, paid_from: datetime | None = None, paid_to: datetime | None = None
    ) -> Sequence[CustomerRevenue]:
        """Per customer with at least one paid job (paid ``paid_from <= paid_at < paid_to``
        when the bounds are given; a paid job without ``paid_at`` counts only when no
        bound is): the actual cost of those jobs. Largest amount first, then name, id."""
        ...

    def estimate_accuracy(self, owner_id: str) -> Sequence[CustomerAccuracy]:
        """Per customer with at least one completed job having an estimated and an
        actual cost or hours: the comparisons, by customer name then id."""
        ...

    def search_customers(self, owner_id: str, text: str) -> Sequence[Customer]:
        """Customers with ``text`` in name, email, phone or address (ASCII letters
        matched ignoring case, as :attr:`JobFilter.text`), by name then id; empty text
        matches every customer."""
        ...


class UnitOfWork(Protocol):
    @property
    def users(self) -> UserRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def jobs(self) -> JobRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def reports(self) -> ReportRepository: ...


class Store(Protocol):
    def transaction(self, *, write: bool = True) -> AbstractContextManager[UnitOfWork]:
        """Open a unit of work, nested inside this thread's current one if there is one.

        ``write=False`` promises that the block only reads, which lets a database
        run it without taking the write lock.
        """
        ...

    def close(self) -> None: ...
