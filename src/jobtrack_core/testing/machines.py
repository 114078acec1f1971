"""Stateful tests: random operation sequences against a reference model, and two
stores side by side.

In a test module::

    TestMyStoreMachine = reference_machine(MyStore).TestCase
    TestMyStoreAgreesWithMemory = differential_machine(MemoryStore, MyStore).TestCase
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from jobtrack_core.entities import Job, PaymentKind, PaymentMethod, covered
from jobtrack_core.errors import InvalidTransitionError, JobtrackError, NotFoundError
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.ports import Store
from jobtrack_core.queries import JobFilter
from jobtrack_core.service import Jobtrack, Workspace
from jobtrack_core.status import TRANSITIONS, JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock

OWNERS = 2
owner_index = st.integers(0, OWNERS - 1)
moves = st.sampled_from([JobStatus.IN_PROGRESS, JobStatus.COMPLETED, JobStatus.CANCELLED])
names = js.text_field("name", required=True)
titles = js.text_field("title", required=True)


def new_app(make_store: Callable[[], Store], clock: FakeClock) -> tuple[Jobtrack, list[Workspace]]:
    app = Jobtrack(make_store(), clock=clock, ids=CountingIds(), hasher=Argon2Hasher.for_tests())
    owners = [
        app.workspace(app.register(email=f"o{i}@example.com", password=PASSWORD, name=f"O{i}").id)
        for i in range(OWNERS)
    ]
    return app, owners


def visible(ws: Workspace) -> tuple[Any, ...]:
    """What one owner can see of their data."""
    return (
        list(ws.list_customers()),
        list(ws.list_jobs()),
        ws.revenue(),
        list(ws.list_payments()),
        ws.balances(),
    )


def move(ws: Workspace, job_id: str, target: JobStatus, cost: Decimal | None) -> Job:
    if target is JobStatus.IN_PROGRESS:
        return ws.start_job(job_id)
    if target is JobStatus.COMPLETED:
        return ws.complete_job(job_id, actual_cost=cost)
    return ws.cancel_job(job_id)


@attrs.define
class ModelJob:
    owner: int
    customer_id: str
    title: str
    status: JobStatus = JobStatus.PENDING
    paid: bool = False
    actual_cost: Decimal | None = None
    amount_paid: Decimal = ZERO

    def settle(self) -> None:
        """The ledger's rule: with something due, paid when what it holds covers it."""
        verdict = covered(self.status, self.actual_cost, self.amount_paid)
        if verdict is not None:
            self.paid = verdict


def reference_machine(make_store: Callable[[], Store]) -> type[RuleBasedStateMachine]:
    """A state machine that checks a store against a plain model after every step."""

    class ReferenceMachine(RuleBasedStateMachine):
        customers = Bundle("customers")
        jobs = Bundle("jobs")

        def __init__(self) -> None:
            super().__init__()
            self.clock = FakeClock()
            self.app, self.owners = new_app(make_store, self.clock)
            self.model_customers: dict[str, tuple[int, str]] = {}
            self.model_jobs: dict[str, ModelJob] = {}

        def owns_customer(self, who: int, customer_id: str) -> bool:
            return self.model_customers.get(customer_id, (None, ""))[0] == who

        def owns_job(self, who: int, job_id: str) -> ModelJob | None:
            job = self.model_jobs.get(job_id)
            return job if job is not None and job.owner == who else None

        @rule(target=customers, who=owner_index, name=names)
        def add_customer(self, who: int, name: str) -> str:
            self.clock.tick()
            customer = self.owners[who].add_customer(name)
            self.model_customers[customer.id] = (who, name)
            return customer.id

        @rule(target=jobs, who=owner_index, customer_id=customers, title=titles)
        def create_job(self, who: int, customer_id: str, title: str) -> Any:
            self.clock.tick()
            try:
                job = self.owners[who].create_job(customer_id, title)
            except NotFoundError:
                assert not self.owns_customer(who, customer_id)
                return multiple()
            assert self.owns_customer(who, customer_id)
            self.model_jobs[job.id] = ModelJob(who, customer_id, title)
            return job.id

        @rule(who=owner_index, job_id=jobs, to=moves, cost=js.optional_amounts())
        def move_job(self, who: int, job_id: str, to: JobStatus, cost: Decimal | None) -> None:
            self.clock.tick()
            mine = self.owns_job(who, job_id)
            try:
                move(self.owners[who], job_id, to, cost)
            except NotFoundError:
                assert mine is None
                return
            except InvalidTransitionError:
                assert mine is not None and to not in TRANSITIONS[mine.status]
                return
            assert mine is not None and to in TRANSITIONS[mine.status]
            mine.status = to
            if to is JobStatus.COMPLETED:
                mine.actual_cost = cost
            mine.settle()

        @rule(who=owner_index, job_id=jobs, paid=st.booleans())
        def pay(self, who: int, job_id: str, paid: bool) -> None:
            self.clock.tick()
            mine = self.owns_job(who, job_id)
            ws = self.owners[who]
            try:
                (ws.mark_paid if paid else ws.mark_unpaid)(job_id)
            except NotFoundError:
                assert mine is None
                return
            assert mine is not None
            if paid and not mine.paid:  # a payment of what is outstanding is recorded
                mine.amount_paid = max(mine.amount_paid, mine.actual_cost or ZERO)
            elif not paid and mine.paid:  # the payments mark_paid recorded are voided
                mine.amount_paid = ZERO
            mine.paid = paid

        @rule(who=owner_index, job_id=jobs, customer_id=customers, cost=js.optional_amounts())
        def edit_job(self, who: int, job_id: str, customer_id: str, cost: Decimal | None) -> None:
            self.clock.tick()
            mine = self.owns_job(who, job_id)
            try:
                self.owners[who].update_job(job_id, customer_id=customer_id, actual_cost=cost)
            except NotFoundError as exc:
                assert mine is None or not self.owns_customer(who, customer_id), exc
                return
            assert mine is not None and self.owns_customer(who, customer_id)
            mine.customer_id, mine.actual_cost = customer_id, cost
            mine.settle()

        @rule(who=owner_index, customer_id=customers)
        def delete_customer(self, who: int, customer_id: str) -> None:
            try:
                removed = self.owners[who].delete_customer(customer_id, with_payments=True)
            except NotFoundError:
                assert not self.owns_customer(who, customer_id)
                return
            assert self.owns_customer(who, customer_id)
            gone = [k for k, j in self.model_jobs.items() if j.customer_id == customer_id]
            assert (removed.customers, removed.jobs) == (1, len(gone))
            for job_id in gone:
                del self.model_jobs[job_id]
            del self.model_customers[customer_id]

        @rule(who=owner_index, job_id=jobs)
        def delete_job(self, who: int, job_id: str) -> None:
            try:
                self.owners[who].delete_job(job_id, with_payments=True)
            except NotFoundError:
                assert self.owns_job(who, job_id) is None
                return
            assert self.owns_job(who, job_id) is not None
            del self.model_jobs[job_id]

        @rule(who=owner_index, customer_id=customers, title=titles)
        def failed_batch(self, who: int, customer_id: str, title: str) -> None:
            ws = self.owners[who]
            try:
                with ws.atomic():
                    if self.owns_customer(who, customer_id):
                        ws.create_job(customer_id, title)
                        ws.update_customer(customer_id, name="renamed in a failed batch")
                    ws.add_customer("added in a failed batch")
                    raise _Abort
            except _Abort:
                pass

        @invariant()
        def store_agrees_with_model(self) -> None:
            for who, ws in enumerate(self.owners):
                customers, jobs, revenue, _, _ = visible(ws)
                assert {c.id: (who, c.name) for c in customers} == {
                    k: v for k, v in self.model_customers.items() if v[0] == who
                }
                seen = {
                    j.id: ModelJob(
                        who, j.customer_id, j.title, j.status, j.paid, j.actual_cost, j.amount_paid
                    )
                    for j in jobs
                }
                assert seen == {k: j for k, j in self.model_jobs.items() if j.owner == who}
                assert [j.created_at for j in jobs] == sorted(
                    (j.created_at for j in jobs), reverse=True
                )
                paid = (j for j in self.model_jobs.values() if j.owner == who and j.paid)
                expected = sum((j.actual_cost or ZERO for j in paid), ZERO)
                assert revenue == expected

    return ReferenceMachine


class _Abort(Exception):
    pass


def differential_machine(
    make_a: Callable[[], Store], make_b: Callable[[], Store]
) -> type[RuleBasedStateMachine]:
    """A state machine that runs every operation on two stores and demands equal results."""

    class DifferentialMachine(RuleBasedStateMachine):
        customers = Bundle("customers")
        jobs = Bundle("jobs")
        payments = Bundle("payments")

        def __init__(self) -> None:
            super().__init__()
            self.clock = FakeClock()
            self.sides = [new_app(make, self.clock)[1] for make in (make_a, make_b)]

        def both(self, who: int, op: Callable[[Workspace], Any]) -> Any:
            self.clock.tick()
            outcomes: list[Any] = []
            for owners in self.sides:
                try:
                    outcomes.append(("ok", op(owners[who])))
                except JobtrackError as exc:
                    outcomes.append(("error", type(exc), str(exc)))
            assert outcomes[0] == outcomes[1], outcomes
            return outcomes[0]

        def returned_id(self, outcome: Any) -> Any:
            return outcome[1].id if outcome[0] == "ok" else multiple()

        @rule(target=customers, who=owner_index, fields=js.customer_fields())
        def add_customer(self, who: int, fields: dict[str, Any]) -> Any:
            return self.returned_id(self.both(who, lambda ws: ws.add_customer(**fields)))

        @rule(target=jobs, who=owner_index, customer_id=customers, fields=js.job_fields())
        def create_job(self, who: int, customer_id: str, fields: dict[str, Any]) -> Any:
            return self.returned_id(self.both(who, lambda ws: ws.create_job(customer_id, **fields)))

        @rule(who=owner_index, job_id=jobs, to=moves, cost=js.optional_amounts())
        def move_job(self, who: int, job_id: str, to: JobStatus, cost: Decimal | None) -> None:
            self.both(who, lambda ws: move(ws, job_id, to, cost))

        @rule(who=owner_index, job_id=jobs, paid=st.booleans())
        def pay(self, who: int, job_id: str, paid: bool) -> None:
            self.both(who, lambda ws: (ws.mark_paid if paid else ws.mark_unpaid)(job_id))

        @rule(who=owner_index, job_id=jobs, customer_id=customers, fields=js.job_fields())
        def edit_job(self, who: int, job_id: str, customer_id: str, fields: dict[str, Any]) -> None:
            self.both(who, lambda ws: ws.update_job(job_id, customer_id=customer_id, **fields))

        @rule(who=owner_index, customer_id=customers, fields=js.customer_fields())
        def edit_customer(self, who: int, customer_id: str, fields: dict[str, Any]) -> None:
            self.both(who, lambda ws: ws.update_customer(customer_id, **fields))

        @rule(who=owner_index, customer_id=customers, with_payments=st.booleans())
        def delete_customer(self, who: int, customer_id: str, with_payments: bool) -> None:
            self.both(who, lambda ws: ws.delete_customer(customer_id, with_payments=with_payments))

        @rule(who=owner_index, job_id=jobs, with_payments=st.booleans())
        def delete_job(self, who: int, job_id: str, with_payments: bool) -> None:
            self.both(who, lambda ws: ws.delete_job(job_id, with_payments=with_payments))

        @rule(
            target=payments,
            who=owner_index,
            job_id=jobs,
            amount=st.integers(1, 30_000).map(lambda cents: Decimal(cents).scaleb(-2)),
            kind=st.sampled_from(list(PaymentKind)),
            method=st.sampled_from(list(PaymentMethod)),
            back=st.integers(0, 100),
        )
        def add_payment(
            self,
            who: int,
            job_id: str,
            amount: Decimal,
            kind: PaymentKind,
            method: PaymentMethod,
            back: int,
        ) -> Any:
            return self.returned_id(
                self.both(
                    who,
                    lambda ws: ws.add_payment(
                        job_id,
                        amount,
                        kind=kind,
                        method=method,
                        received_on=ws.today() - timedelta(days=back),
                    ),
                )
            )

        @rule(who=owner_index, payment_id=payments)
        def void_payment(self, who: int, payment_id: str) -> None:
            self.both(who, lambda ws: ws.void_payment(payment_id, "a mistake"))

        @rule(
            who=owner_index,
            statuses=st.none() | st.frozensets(st.sampled_from(list(JobStatus)), min_size=1),
            paid=st.none() | st.booleans(),
            text=st.none() | st.sampled_from(["a", "E", "%", "_"]),
        )
        def list_jobs(
            self,
            who: int,
            statuses: frozenset[JobStatus] | None,
            paid: bool | None,
            text: str | None,
        ) -> None:
            where = JobFilter(statuses=statuses, paid=paid, text=text)
            self.both(who, lambda ws: list(ws.list_jobs(where)))

        @invariant()
        def stores_agree(self) -> None:
            for who in range(OWNERS):
                assert visible(self.sides[0][who]) == visible(self.sides[1][who])

    return DifferentialMachine
