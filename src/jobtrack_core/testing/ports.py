"""The contract at the port: a store's repositories and report questions, called directly.

Records go in already valid (see :mod:`jobtrack_core.entities`); these tests
check what a store itself must keep, with no service in between:

- :class:`RecordsContract`: records read back exactly as written; ids unique per
  owner and kind; another owner's records invisible; cascades; unique emails and
  sessions; all-or-nothing units of work;
- :class:`ReportsContract`: every question of
  :class:`~jobtrack_core.ports.ReportQueries`, asked of the store, equals the
  answer :class:`~jobtrack_core.kit.ReferenceReports` gives over the very records
  written, on random data for two owners who share ids;
- :class:`~jobtrack_core.testing.billing_ports.BillingPortContract` (in its own
  module): quotes, invoices and credit notes, billing settings and the numbering
  counters, payments made to invoices, and the invoice questions.

Subclass them (or :class:`~jobtrack_core.testing.contract.StoreContract`, which
holds them) and give ``make_store()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, User
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.queries import JobFilter
from jobtrack_core.status import JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.base import Contract, costly, prop

TODAY = js.T0.date()
#: Due dates around TODAY, or none.
near_due = st.none() | st.integers(-10, 10).map(lambda days: TODAY + timedelta(days=days))
#: Names and titles from a small alphabet, so that sorting ties and case variants happen.
few_names = st.sampled_from(["Ada", "ada", "Bob", "Bea", "Zoë", "b"])
few_titles = st.text("aAbB é%_", min_size=1, max_size=4).map(str.strip).filter(bool)
#: Ids that two owners will often share.
shared_ids = st.sampled_from(["17", "18", "a", "b", "c", "d", "e", "f"])


def _id(record: Customer | Job) -> str:
    return record.id


def _expect(kind: type[Exception], attempt: Callable[[], object]) -> Exception:
    try:
        attempt()
    except kind as exc:
        return exc
    raise AssertionError(f"expected {kind.__name__}")


def _customer_order(customers: Iterable[Customer]) -> list[Customer]:
    return sorted(customers, key=lambda c: (c.name, c.id))


def _newest_first(jobs: Iterable[Job]) -> list[Job]:
    return sorted(jobs, key=lambda j: (j.created_at, j.id), reverse=True)


def _recheck(record: Any) -> Any:
    """The record built again through its checks: a store must give back values in
    their kept form (two-place Decimals, UTC datetimes, trimmed text)."""
    return attrs.evolve(record)


def _session(user: User, number: int, *, expires: datetime | None = None) -> LoginSession:
    return LoginSession(
        id=f"session-{user.id}-{number}",
        user_id=user.id,
        token_hash=f"{number:064x}",
        created_at=js.T0,
        expires_at=expires or js.T0 + timedelta(days=1),
        last_used_at=js.T0,
    )


class RecordsContract(Contract):
    """The repositories, called directly (the first tier of the contract)."""

    def make_store(self) -> Store:
        """A new, empty store. Override this."""
        raise NotImplementedError

    def _owners(self, store: Store, data: st.DataObject, count: int = 2) -> list[User]:
        owners = [data.draw(js.users(n)) for n in range(count)]
        with store.transaction() as uow:
            for owner in owners:
                uow.users.add(owner)
        return owners

    @costly
    @prop(data=st.data())
    def test_records_read_back_exactly_as_written(self, data: st.DataObject) -> None:
        store = self.make_store()
        (owner,) = self._owners(store, data, 1)
        customers = data.draw(
            st.lists(js.customers(owner.id), min_size=1, max_size=5, unique_by=_id)
        )
        ids = [c.id for c in customers]
        jobs = data.draw(st.lists(js.jobs(owner.id, ids), max_size=8, unique_by=_id))
        with store.transaction() as uow:
            for customer in customers:
                uow.customers.add(customer)
            for job in jobs:
                uow.jobs.add(job)
        self._reads_back(store, owner, customers, jobs)
        changed_customers = [
            attrs.evolve(data.draw(js.customers(owner.id, st.just(c.id))), created_at=c.created_at)
            for c in customers
        ]
        changed_jobs = [data.draw(js.jobs(owner.id, ids, st.just(j.id))) for j in jobs]
        changed_owner = attrs.evolve(
            data.draw(js.users(1)), id=owner.id, created_at=owner.created_at
        )
        with store.transaction() as uow:
            uow.users.update(changed_owner)
            for customer in changed_customers:
                uow.customers.update(customer)
            for job in changed_jobs:
                uow.jobs.update(job)
        self._reads_back(store, changed_owner, changed_customers, changed_jobs)
        with store.transaction(write=False) as uow:
            assert uow.users.get_by_email(owner.email) is None or owner.email == changed_owner.email

    def _reads_back(
        self, store: Store, owner: User, customers: list[Customer], jobs: list[Job]
    ) -> None:
        with store.transaction(write=False) as uow:
            assert _recheck(uow.users.get(owner.id)) == owner
            assert uow.users.get_by_email(owner.email) == owner
            assert [_recheck(uow.customers.get(owner.id, c.id)) for c in customers] == customers
            assert list(uow.customers.list(owner.id)) == _customer_order(customers)
            assert [_recheck(uow.jobs.get(owner.id, j.id)) for j in jobs] == jobs
            assert list(uow.jobs.list(owner.id, JobFilter())) == _newest_first(jobs)

    @costly
    @prop(data=st.data())
    def test_ids_are_unique_per_owner_and_kind(self, data: st.DataObject) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        made: dict[str, tuple[Customer, Job]] = {}
        with store.transaction() as uow:
            for owner in (alice, bob):
                customer = data.draw(js.customers(owner.id, st.just("17")))
                job = data.draw(js.jobs(owner.id, ["17"], st.just("17")))
                uow.customers.add(customer)
                uow.jobs.add(job)
                made[owner.id] = (customer, job)
        again_customer = data.draw(js.customers(alice.id, st.just("17")))
        again_job = data.draw(js.jobs(alice.id, ["17"], st.just("17")))
        for attempt in (
            lambda uow: uow.customers.add(again_customer),
            lambda uow: uow.jobs.add(again_job),
            lambda uow: uow.jobs.add_many([again_job]),
            lambda uow: uow.users.add(attrs.evolve(alice, email="new@example.com")),
        ):
            exc = _expect(ConflictError, functools.partial(self._in_unit, store, attempt))
            assert isinstance(exc, ConflictError) and exc.field == "id"
            assert bob.id not in str(exc) and bob.email not in str(exc)
        with store.transaction() as uow:
            for owner in (alice, bob):
                customer, job = made[owner.id]
                assert uow.customers.get(owner.id, "17") == customer
                assert uow.jobs.get(owner.id, "17") == job
            assert uow.customers.delete(alice.id, "17") == Deleted(customers=1, jobs=1)
        with store.transaction(write=False) as uow:
            assert uow.customers.get(alice.id, "17") is None
            assert uow.jobs.get(alice.id, "17") is None
            assert (uow.customers.get(bob.id, "17"), uow.jobs.get(bob.id, "17")) == made[bob.id]

    @staticmethod
    def _in_unit(store: Store, action: Callable[[UnitOfWork], object]) -> None:
        with store.transaction() as uow:
            action(uow)

    @prop(data=st.data())
    def test_another_owners_records_do_not_exist_at_the_port(self, data: st.DataObject) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        theirs = data.draw(js.customers(alice.id, st.just("alice-c")))
        their_job = data.draw(js.jobs(alice.id, [theirs.id], st.just("alice-j")))
        mine = data.draw(js.customers(bob.id, st.just("bob-c")))
        with store.transaction() as uow:
            uow.customers.add(theirs)
            uow.jobs.add(their_job)
            uow.customers.add(mine)
        sneaky_job = data.draw(js.jobs(bob.id, [theirs.id], st.just("bob-j")))
        attempts: list[tuple[Callable[[UnitOfWork], object], str]] = [
            (lambda uow: uow.jobs.add(sneaky_job), "customer"),
            (lambda uow: uow.jobs.add_many([sneaky_job]), "customer"),
            (lambda uow: uow.jobs.update(attrs.evolve(their_job, customer_id=mine.id)), "customer"),
            (lambda uow: uow.customers.update(attrs.evolve(theirs, user_id=bob.id)), "customer"),
            (lambda uow: uow.jobs.update(attrs.evolve(their_job, user_id=bob.id)), "job"),
        ]
        for attempt, kind in attempts:
            exc = _expect(NotFoundError, functools.partial(self._in_unit, store, attempt))
            assert isinstance(exc, NotFoundError) and exc.kind == kind, exc
        with store.transaction() as uow:
            assert uow.customers.get(bob.id, theirs.id) is None
            assert uow.jobs.get(bob.id, their_job.id) is None
            assert uow.customers.delete(bob.id, theirs.id) == Deleted()
            assert uow.jobs.delete(bob.id, their_job.id) == Deleted()
            assert list(uow.jobs.list(bob.id, JobFilter())) == []
            assert list(uow.customers.list(bob.id)) == [mine]
        with store.transaction(write=False) as uow:
            assert uow.customers.get(alice.id, theirs.id) == theirs
            assert uow.jobs.get(alice.id, their_job.id) == their_job

    @prop(data=st.data(), counts=st.lists(st.integers(0, 3), min_size=1, max_size=3))
    def test_deletes_cascade_and_say_what_went(
        self, data: st.DataObject, counts: list[int]
    ) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        kept = data.draw(js.customers(bob.id, st.just("c0")))
        kept_job = data.draw(js.jobs(bob.id, ["c0"], st.just("j0")))
        with store.transaction() as uow:
            uow.customers.add(kept)
            uow.jobs.add(kept_job)
            uow.sessions.add(_session(bob, 1))
            for number, count in enumerate(counts):
                uow.customers.add(data.draw(js.customers(alice.id, st.just(f"c{number}"))))
                for j in range(count):
                    job_id = st.just(f"j{number}-{j}")
                    uow.jobs.add(data.draw(js.jobs(alice.id, [f"c{number}"], job_id)))
            for number in range(2):
                uow.sessions.add(_session(alice, number + 2))
        with store.transaction() as uow:
            assert uow.customers.delete(alice.id, "c0") == Deleted(customers=1, jobs=counts[0])
            assert uow.customers.delete(alice.id, "c0") == Deleted()
            assert uow.users.delete(alice.id) == Deleted(
                users=1, customers=len(counts) - 1, jobs=sum(counts[1:]), sessions=2
            )
            assert uow.users.delete(alice.id) == Deleted()
        with store.transaction(write=False) as uow:
            assert uow.users.get(alice.id) is None and uow.users.get_by_email(alice.email) is None
            assert list(uow.customers.list(alice.id)) == []
            assert list(uow.jobs.list(alice.id, JobFilter())) == []
            assert uow.sessions.get_by_token_hash(_session(alice, 2).token_hash) is None
            assert list(uow.customers.list(bob.id)) == [kept]
            assert list(uow.jobs.list(bob.id, JobFilter())) == [kept_job]
            assert uow.sessions.get_by_token_hash(_session(bob, 1).token_hash) == _session(bob, 1)

    @prop(data=st.data())
    def test_emails_are_unique_at_the_port(self, data: st.DataObject) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        for attempt in (
            lambda uow: uow.users.add(attrs.evolve(bob, id="someone-else")),
            lambda uow: uow.users.update(attrs.evolve(bob, email=alice.email)),
        ):
            exc = _expect(ConflictError, functools.partial(self._in_unit, store, attempt))
            assert isinstance(exc, ConflictError) and exc.field == "email"
        missing = attrs.evolve(bob, id="nobody", email="nobody@example.com")
        _expect(NotFoundError, lambda: self._in_unit(store, lambda uow: uow.users.update(missing)))
        moved = attrs.evolve(bob, email="bob.new@example.com")
        with store.transaction() as uow:
            uow.users.update(moved)
            uow.users.add(attrs.evolve(alice, id="third", email=bob.email))
        with store.transaction(write=False) as uow:
            assert uow.users.get_by_email("bob.new@example.com") == moved
            third = uow.users.get_by_email(bob.email)
            assert third is not None and third.id == "third"
            assert uow.users.get(alice.id) == alice

    @prop(data=st.data(), expiring=st.lists(st.integers(-3, 3), min_size=1, max_size=5))
    def test_sessions_at_the_port(self, data: st.DataObject, expiring: list[int]) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        sessions = [
            _session(alice, n, expires=js.T0 + timedelta(hours=h)) for n, h in enumerate(expiring)
        ]
        theirs = _session(bob, 99)
        with store.transaction() as uow:
            for session in [*sessions, theirs]:
                uow.sessions.add(session)
        first = sessions[0]
        for clash in (
            attrs.evolve(first, token_hash=f"{1000:064x}"),
            attrs.evolve(first, id="another-session"),
            attrs.evolve(first, user_id=bob.id, token_hash=f"{3000:064x}"),  # ids: store-wide
        ):
            add = functools.partial(self._in_unit, store, _adding(clash))
            assert isinstance(_expect(ConflictError, add), ConflictError)
        missing = attrs.evolve(first, id="no-such-session", token_hash=f"{2000:064x}")
        _expect(NotFoundError, lambda: self._in_unit(store, lambda u: u.sessions.update(missing)))
        now = js.T0
        with store.transaction() as uow:
            assert uow.sessions.get_by_token_hash(first.token_hash) == first
            assert uow.sessions.purge_expired(now) == sum(1 for h in expiring if h <= 0)
            live = [s for s in sessions if s.expires_at > now]
            for session in sessions:
                found = uow.sessions.get_by_token_hash(session.token_hash)
                assert found == (session if session in live else None)
            keep = live[0].id if live else None
            revoked = uow.sessions.revoke_all(alice.id, now, keep=keep)
            assert revoked == len(live) - (1 if live else 0)
            assert uow.sessions.revoke_all(alice.id, now) == (1 if live else 0)
            assert uow.sessions.revoke_all(alice.id, now) == 0
            for session in live:
                found = uow.sessions.get_by_token_hash(session.token_hash)
                assert found == attrs.evolve(session, revoked_at=now)
            assert uow.sessions.get_by_token_hash(theirs.token_hash) == theirs
            used = attrs.evolve(theirs, last_used_at=now + timedelta(minutes=1))
            uow.sessions.update(used)
            assert uow.sessions.get_by_token_hash(theirs.token_hash) == used

    @prop(data=st.data())
    def test_a_unit_of_work_is_all_or_nothing_at_the_port(self, data: st.DataObject) -> None:
        store = self.make_store()
        (owner,) = self._owners(store, data, 1)
        kept = data.draw(js.customers(owner.id, st.just("kept")))
        dropped = data.draw(js.customers(owner.id, st.just("dropped")))
        lost = data.draw(js.customers(owner.id, st.just("lost")))
        with store.transaction() as uow:
            uow.customers.add(kept)
            try:
                with store.transaction() as inner:
                    inner.customers.add(dropped)
                    inner.jobs.add(data.draw(js.jobs(owner.id, ["dropped"])))
                    raise _Undo
            except _Undo:
                pass
        try:
            with store.transaction() as uow:
                uow.customers.add(lost)
                uow.customers.delete(owner.id, "kept")
                raise _Undo
        except _Undo:
            pass
        with store.transaction(write=False) as uow:
            assert list(uow.customers.list(owner.id)) == [kept]
            assert list(uow.jobs.list(owner.id, JobFilter())) == []

    @prop(data=st.data(), count=st.integers(0, 12), bad_at=st.none() | st.integers(0, 11))
    def test_add_many_checks_every_job_like_add(
        self, data: st.DataObject, count: int, bad_at: int | None
    ) -> None:
        store = self.make_store()
        alice, bob = self._owners(store, data)
        with store.transaction() as uow:
            uow.customers.add(data.draw(js.customers(alice.id, st.just("mine"))))
            uow.customers.add(data.draw(js.customers(bob.id, st.just("theirs"))))
        jobs = [
            data.draw(js.jobs(alice.id, ["theirs" if i == bad_at else "mine"], st.just(f"j{i}")))
            for i in range(count)
        ]
        failing = bad_at is not None and bad_at < count
        try:
            with store.transaction() as uow:
                assert uow.jobs.add_many(iter(jobs)) == count
        except NotFoundError as exc:
            assert failing and exc.kind == "customer"
        else:
            assert not failing
        with store.transaction(write=False) as uow:
            expected = [] if failing else _newest_first(jobs)
            assert list(uow.jobs.list(alice.id, JobFilter())) == expected


def _adding(session: LoginSession) -> Callable[[UnitOfWork], object]:
    return lambda uow: uow.sessions.add(session)


class _Undo(Exception):
    pass


# -- reports at the port ------------------------------------------------------------------
class _Customers:
    """The repository semantics of customers, over plain lists: the reference's input."""

    def __init__(self, by_owner: dict[str, list[Customer]]) -> None:
        self.by_owner = by_owner

    def list(self, owner_id: str) -> Sequence[Customer]:
        return _customer_order(self.by_owner.get(owner_id, []))


class _Jobs:
    def __init__(self, by_owner: dict[str, list[Job]]) -> None:
        self.by_owner = by_owner

    def list(self, owner_id: str, where: JobFilter) -> Sequence[Job]:
        return _newest_first(j for j in self.by_owner.get(owner_id, []) if where.matches(j))


class _NoPayments:
    def list(self, owner_id: str, where: object) -> Sequence[object]:
        return []


filters = st.builds(
    JobFilter,
    statuses=st.none() | st.frozensets(st.sampled_from(list(JobStatus)), min_size=1),
    customer_id=st.none() | shared_ids,
    paid=st.none() | st.booleans(),
    due_from=st.none() | near_due,
    due_to=st.none() | near_due,
    text=st.none() | st.sampled_from(["a", "A", "b", "é", "%", "_", ""]),
)
search_texts = st.sampled_from(["", "a", "A", "ADA", "b", "ë", "Zo", "@", "555", "%", "_"])


class ReportsContract(Contract):
    """Every report question at the port equals the reference over the same records
    (the second tier of the contract)."""

    def make_store(self) -> Store:
        raise NotImplementedError

    @costly
    @prop(data=st.data())
    def test_every_report_question_agrees_with_the_reference(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = [data.draw(js.users(n)) for n in range(2)]
        customers: dict[str, list[Customer]] = {}
        jobs: dict[str, list[Job]] = {}
        for owner in owners:
            mine = data.draw(
                st.lists(
                    js.customers(owner.id, shared_ids).map(
                        lambda c: attrs.evolve(c, name=data.draw(few_names))
                    ),
                    min_size=1,
                    max_size=4,
                    unique_by=lambda c: c.id,
                )
            )
            customers[owner.id] = mine
            jobs[owner.id] = data.draw(
                st.lists(
                    js.jobs(owner.id, [c.id for c in mine], shared_ids, near_due, few_titles),
                    max_size=10,
                    unique_by=lambda j: j.id,
                )
            )
        with store.transaction() as uow:
            for owner in owners:
                uow.users.add(owner)
                for customer in customers[owner.id]:
                    uow.customers.add(customer)
                uow.jobs.add_many(jobs[owner.id])
        expected = ReferenceReports(_Customers(customers), _Jobs(jobs), _NoPayments())  # type: ignore[arg-type]
        with store.transaction(write=False) as uow:
            for owner in owners:
                self._ask(data, uow, expected, owner.id, customers[owner.id])

    def _ask(
        self,
        data: st.DataObject,
        uow: UnitOfWork,
        expected: ReferenceReports,
        owner: str,
        customers: list[Customer],
    ) -> None:
        got = uow.reports

        def same(question: str, *args: Any) -> None:
            answer = getattr(got, question)(owner, *args)
            reference = getattr(expected, question)(owner, *args)
            assert (
                list(answer) == list(reference)
                if isinstance(answer, Sequence)
                else (answer == reference)
            ), (question, args)

        same("totals")
        bounds = sorted(data.draw(st.lists(js.instants, max_size=5)))
        same("paid_between", bounds)
        day = TODAY + timedelta(days=data.draw(st.integers(-8, 8)))
        limit = data.draw(st.sampled_from([0, 1, 2, 50]))
        same("due_on", day, limit)
        same("open_due", day, day + timedelta(days=data.draw(st.integers(0, 5))), limit)
        same("overdue", day, limit)
        same("count_overdue", day)
        same("recently_changed", limit)
        same("unpaid_completed", data.draw(js.instants), limit)
        same("customer_summaries")
        for customer in customers:
            same("customer_summaries", customer.id)
        same("customer_summaries", "no-such-customer")
        low, high = sorted(data.draw(st.tuples(js.instants, js.instants)))
        for bounds_ in ((), (low,), (None, high), (low, high)):
            same("revenue_by_customer", *bounds_)
        same("estimate_accuracy")
        same("search_customers", data.draw(search_texts))
        where = data.draw(filters)
        sort = data.draw(st.sampled_from(list(JobSort)))
        size = data.draw(st.integers(1, 4))
        self._walk(
            functools.partial(got.jobs_page, owner, where, sort, limit=size),
            functools.partial(expected.jobs_page, owner, where, sort, limit=size),
            sort,
        )
        for customer in customers:
            self._walk(
                functools.partial(got.customer_jobs, owner, customer.id, limit=size),
                functools.partial(expected.customer_jobs, owner, customer.id, limit=size),
                JobSort.NEWEST,
            )

    @staticmethod
    def _walk(
        page: Callable[[JobPosition | None], Sequence[Job]],
        reference: Callable[[JobPosition | None], Sequence[Job]],
        sort: JobSort,
    ) -> None:
        """Walk a listing page by page from the store and from the reference, together."""
        after: JobPosition | None = None
        for _ in range(50):
            found = list(page(after))
            assert found == list(reference(after))
            if not found:
                return
            after = JobPosition.of(sort, found[-1])
        raise AssertionError("a listing did not end")


__all__ = ["RecordsContract", "ReportsContract"]
