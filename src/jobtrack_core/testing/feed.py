"""The change feed's promise, as a state machine: a client that starts from nothing and
applies the feed ends with exactly the store's data, whatever was done in between.

Two businesses are changed at random (every kind of change, cascades, retried
creates, failed units of work, bulk imports when an importer is given, pruning),
and each has a client that polls its feed at random with random batch sizes and,
from time to time and at the end, catches up: it must then hold exactly its
business's customers and jobs, field for field. After every step a new client,
starting from nothing, must do the same; it then sleeps, and catches up at the
end, so that every place in the feed is tried against everything done later. A
client told to resync starts again from nothing. In a
test module::

    TestMyStoreFeed = feed_machine(MyStore).TestCase
    TestMyStoreFeedWithImports = feed_machine(MyStore, importer=my_importer).TestCase

An importer takes a workspace and the customers and jobs to bring into it
(replacing those with the same id), and imports them the way the program under
test does (jobtrack's tests use :mod:`jobtrack_interchange`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from jobtrack_core.entities import Customer, Job, PaymentKind, RecordKind
from jobtrack_core.errors import JobtrackError, ResyncNeeded
from jobtrack_core.history import Kept
from jobtrack_core.ports import Store
from jobtrack_core.service import Workspace
from jobtrack_core.status import JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.fakes import FakeClock
from jobtrack_core.testing.machines import OWNERS, move, moves, new_app, owner_index

#: Ids chosen by clients, from a small pool so that retries and reuse happen.
client_ids = st.none() | st.sampled_from(["k1", "k2", "k3"])
Importer = Callable[[Workspace, Sequence[Customer], Sequence[Job]], object]


class Client:
    """A second copy of one business's customers and jobs, kept in step by the feed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.cursor: str | None = None
        self.copy: dict[tuple[RecordKind, str], Kept] = {}
        self.resyncs = 0

    def poll(self, limit: int) -> int:
        """Apply one batch; return how many changes it held."""
        try:
            batch = self.ws.changes(self.cursor, limit=limit)
        except ResyncNeeded:
            self.cursor, self.copy = None, {}
            self.resyncs += 1
            return -1
        seqs = [c.seq for c in batch]
        assert seqs == sorted(set(seqs)), seqs  # in order, each once
        assert len(batch) <= limit
        for change in batch:
            if change.record is None:
                self.copy.pop((change.kind, change.id), None)
            else:
                self.copy[(change.kind, change.id)] = change.record
        self.cursor = batch.next
        return len(batch)

    def catch_up(self) -> None:
        """Poll until nothing is new. Only a prune made since can send a client back to
        the start, so one resync may happen, and then never again while nobody writes."""
        resyncs = self.resyncs
        while self.poll(7) != 0:
            assert self.resyncs <= resyncs + 1, "the feed sent a client back to the start twice"

    def truth(self) -> dict[tuple[RecordKind, str], Kept]:
        found: dict[tuple[RecordKind, str], Kept] = {
            (RecordKind.CUSTOMER, c.id): c for c in self.ws.list_customers()
        }
        found.update({(RecordKind.JOB, j.id): j for j in self.ws.list_jobs()})
        found.update({(RecordKind.PAYMENT, p.id): p for p in self.ws.list_payments()})
        return found


def feed_machine(
    make_store: Callable[[], Store], importer: Importer | None = None
) -> type[RuleBasedStateMachine]:
    """The change feed's state machine for stores made by ``make_store``."""

    class FeedMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.clock = FakeClock()
            self.app, owners = new_app(make_store, self.clock)
            self.clients = [Client(ws) for ws in owners]
            self.sleepers: list[Client] = []
            self.customers: list[list[str]] = [[] for _ in range(OWNERS)]
            self.jobs: list[list[str]] = [[] for _ in range(OWNERS)]
            self.payments: list[list[str]] = [[] for _ in range(OWNERS)]

        def attempt(self, change: Callable[[], Any]) -> Any:
            """Make a change; a refusal (a bad move, a conflict) is part of the game."""
            self.clock.tick()
            try:
                return change()
            except JobtrackError:
                return None

        def pick(self, ids: list[str], data: st.DataObject) -> str:
            return data.draw(st.sampled_from(ids)) if ids else "missing"

        @rule(who=owner_index, fields=js.customer_fields(), id=client_ids)
        def add_customer(self, who: int, fields: dict[str, Any], id: str | None) -> None:
            ws = self.clients[who].ws
            made = self.attempt(lambda: ws.add_customer(**fields, id=id))
            if made is not None:
                self.customers[who].append(made.id)

        @rule(who=owner_index, fields=js.job_fields(), id=client_ids, data=st.data())
        def create_job(
            self, who: int, fields: dict[str, Any], id: str | None, data: st.DataObject
        ) -> None:
            ws = self.clients[who].ws
            customer_id = self.pick(self.customers[who], data)
            made = self.attempt(lambda: ws.create_job(customer_id, **fields, id=id))
            if made is not None:
                self.jobs[who].append(made.id)

        @rule(who=owner_index, fields=js.customer_fields(), data=st.data())
        def edit_customer(self, who: int, fields: dict[str, Any], data: st.DataObject) -> None:
            customer_id = self.pick(self.customers[who], data)
            self.attempt(lambda: self.clients[who].ws.update_customer(customer_id, **fields))

        @rule(who=owner_index, fields=js.job_fields(), data=st.data())
        def edit_job(self, who: int, fields: dict[str, Any], data: st.DataObject) -> None:
            job_id = self.pick(self.jobs[who], data)
            self.attempt(lambda: self.clients[who].ws.update_job(job_id, **fields))

        @rule(who=owner_index, to=moves, cost=js.optional_amounts(), data=st.data())
        def move_job(
            self, who: int, to: JobStatus, cost: Decimal | None, data: st.DataObject
        ) -> None:
            job_id = self.pick(self.jobs[who], data)
            self.attempt(lambda: move(self.clients[who].ws, job_id, to, cost))

        @rule(who=owner_index, paid=st.booleans(), data=st.data())
        def pay(self, who: int, paid: bool, data: st.DataObject) -> None:
            ws, job_id = self.clients[who].ws, self.pick(self.jobs[who], data)
            self.attempt(lambda: (ws.mark_paid if paid else ws.mark_unpaid)(job_id))

        @rule(
            who=owner_index,
            amount=st.integers(1, 20_000).map(lambda cents: Decimal(cents).scaleb(-2)),
            kind=st.sampled_from(list(PaymentKind)),
            id=client_ids,
            data=st.data(),
        )
        def add_payment(
            self, who: int, amount: Decimal, kind: PaymentKind, id: str | None, data: st.DataObject
        ) -> None:
            ws, job_id = self.clients[who].ws, self.pick(self.jobs[who], data)
            made = self.attempt(
                lambda: ws.add_payment(job_id, amount, kind=kind, method="cash", id=id)
            )
            if made is not None:
                self.payments[who].append(made.id)

        @rule(who=owner_index, data=st.data())
        def void_payment(self, who: int, data: st.DataObject) -> None:
            ws, payment_id = self.clients[who].ws, self.pick(self.payments[who], data)
            self.attempt(lambda: ws.void_payment(payment_id, "a mistake"))

        @rule(who=owner_index, data=st.data())
        def delete_customer(self, who: int, data: st.DataObject) -> None:
            customer_id = self.pick(self.customers[who], data)
            self.attempt(
                lambda: self.clients[who].ws.delete_customer(customer_id, with_payments=True)
            )

        @rule(who=owner_index, data=st.data())
        def delete_job(self, who: int, data: st.DataObject) -> None:
            job_id = self.pick(self.jobs[who], data)
            self.attempt(lambda: self.clients[who].ws.delete_job(job_id, with_payments=True))

        @rule(who=owner_index, data=st.data())
        def failed_unit(self, who: int, data: st.DataObject) -> None:
            ws = self.clients[who].ws
            customer_id = self.pick(self.customers[who], data)

            def doomed() -> None:
                try:
                    with ws.atomic():
                        ws.add_customer("added in a failed unit")
                        ws.update_customer(customer_id, name="renamed in a failed unit")
                        raise _Abort
                except _Abort:
                    pass

            self.attempt(doomed)

        @rule(who=owner_index, customers=st.integers(0, 3), jobs=st.integers(0, 3))
        def bulk_import(self, who: int, customers: int, jobs: int) -> None:
            if importer is None:
                return
            ws = self.clients[who].ws
            now = self.clock()
            made = [
                Customer.parse(
                    {"id": f"imp-{n}", "user_id": ws.user_id, "name": f"Imported {n} {now}"}
                    | {"created_at": now, "updated_at": now}
                )
                for n in range(customers)
            ]
            owned = [c.id for c in made] or self.customers[who][:1]
            brought = [
                Job.parse(
                    {"id": f"imp-job-{n}", "user_id": ws.user_id, "title": f"Imported {now}"}
                    | {"customer_id": owned[n % len(owned)], "status": "pending"}
                    | {"paid": False, "created_at": now, "updated_at": now}
                )
                for n in range(jobs if owned else 0)
            ]
            self.attempt(lambda: importer(ws, made, brought))
            self.customers[who] += [c.id for c in made]
            self.jobs[who] += [j.id for j in brought]

        @rule(who=owner_index, hours=st.integers(0, 48))
        def prune(self, who: int, hours: int) -> None:
            self.clock.advance(hours=hours)
            ws = self.clients[who].ws
            ws.prune_history(self.clock() - timedelta(hours=hours // 2))

        @rule(who=owner_index, limit=st.integers(1, 5))
        def poll(self, who: int, limit: int) -> None:
            self.clients[who].poll(limit)

        @rule(who=owner_index)
        def catch_up(self, who: int) -> None:
            """A client that has polled on and off all along catches up exactly."""
            client = self.clients[who]
            client.catch_up()
            assert client.copy == client.truth()

        @invariant()
        def a_new_client_catches_up_exactly(self) -> None:
            """A client from nothing catches up exactly; it then sleeps until the end,
            when it wakes to whatever happened since (pruning included)."""
            for client in self.clients:
                fresh = Client(client.ws)
                fresh.catch_up()
                assert fresh.copy == fresh.truth()
                self.sleepers.append(fresh)

        def teardown(self) -> None:
            for client in [*self.clients, *self.sleepers]:
                client.catch_up()
                assert client.copy == client.truth()

    return FeedMachine


class _Abort(Exception):
    pass


__all__ = ["Client", "Importer", "feed_machine"]
