"""The contract for the payments ledger: at the port (:class:`LedgerPortContract`, the
``payments`` repository and the money questions, called directly) and through the
service (:class:`LedgerContract`: the rules a business relies on).

At the port, the data is random: owners, customers, jobs holding money, and ledgers
that add up to what each job holds, with voided payments and refunds among them. Every
money question a store answers is compared with the kit's plain answer
(:class:`~jobtrack_core.kit.ReferenceReports`) over the same records. The reports
contract (:mod:`jobtrack_core.testing.reports_contract`) checks the same questions
through the service, on ledgers made by random deposits, payments, refunds and voids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core import reference
from jobtrack_core.entities import (
    Action,
    Customer,
    Deleted,
    Job,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentState,
    RecordKind,
    User,
    covered,
)
from jobtrack_core.errors import ConflictError, NotFoundError, ValidationError, VersionConflict
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.service import Workspace
from jobtrack_core.status import JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.base import Contract, business, costly, prop
from jobtrack_core.testing.fakes import PASSWORD, FakeClock

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
TODAY = T0.date()
days_back = st.sampled_from([0, 1, 30, 31, 60, 61, 90, 91]) | st.integers(0, 200)
methods = st.sampled_from(list(PaymentMethod))


def _fresh(ids: st.SearchStrategy[str], taken: set[str]) -> st.SearchStrategy[str]:
    """Ids not among ``taken``."""
    return ids.filter(lambda i: i not in taken)


@st.composite
def ledgers(draw: st.DrawFn, job: Job, ids: st.SearchStrategy[str]) -> list[Payment]:
    """Payments whose standing ones add up to what ``job`` holds: a few receipts, now
    and then a refund given back out of an extra receipt, and voided ones that count
    for nothing."""
    made: list[Payment] = []

    def add(kind: PaymentKind, amount: Decimal, voided: bool = False) -> None:
        when = T0 - timedelta(days=draw(days_back), seconds=draw(st.integers(0, 3)))
        made.append(
            Payment(
                id=draw(ids.filter(lambda i: i not in {p.id for p in made})),
                user_id=job.user_id,
                job_id=job.id,
                kind=kind,
                method=draw(methods),
                amount=amount,
                received_on=when.date(),
                reference=draw(st.none() | st.sampled_from(["chk 101", "slip 7"])),
                note=None,
                recorded_at=when,
                by_mark_paid=draw(st.booleans()),
                voided_at=T0 if voided else None,
                void_reason="a mistake" if voided else None,
            )
        )

    left = job.amount_paid
    while left > ZERO:
        part = draw(st.sampled_from([left, left, (left / 2).quantize(Decimal("0.01"))]))
        part = part if part > ZERO else left
        add(draw(st.sampled_from([PaymentKind.DEPOSIT, PaymentKind.PAYMENT])), part)
        left -= part
    if draw(st.booleans()):
        back = Decimal(draw(st.integers(1, 5000))).scaleb(-2)
        add(PaymentKind.PAYMENT, back)
        add(PaymentKind.REFUND, back)
    if draw(st.booleans()):
        add(draw(st.sampled_from(list(PaymentKind))), Decimal("12.34"), voided=True)
    return made


class _Of:
    def __init__(self, by_owner: dict[str, list[Any]], kind: str) -> None:
        self.by_owner, self.kind = by_owner, kind

    def list(self, owner_id: str, where: Any = None) -> Sequence[Any]:
        found = self.by_owner.get(owner_id, [])
        if self.kind == "customers":
            return sorted(found, key=lambda c: (c.name, c.id))
        if self.kind == "jobs":
            return sorted(
                (j for j in found if where is None or where.matches(j)),
                key=lambda j: (j.created_at, j.id),
                reverse=True,
            )
        return sorted(found, key=lambda p: (p.received_on, p.recorded_at, p.id))


class LedgerPortContract(Contract):
    """The ``payments`` repository and the money questions, called directly."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def _ledger_owners(self, store: Store, count: int = 2) -> list[User]:
        owners = [
            User(
                id=f"o{n}",
                email=f"o{n}@example.com",
                name=f"Owner {n}",
                business_name=None,
                password_hash="x" * 20,
                created_at=T0,
                updated_at=T0,
            )
            for n in range(count)
        ]
        with store.transaction() as uow:
            for owner in owners:
                uow.users.add(owner)
        return owners

    @costly
    @prop(data=st.data())
    def test_money_questions_equal_the_kits_answers(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = self._ledger_owners(store)
        customers: dict[str, list[Customer]] = {}
        jobs: dict[str, list[Job]] = {}
        payments: dict[str, list[Payment]] = {}
        shared = st.sampled_from(["1", "2", "3", "a", "b"])  # the same ids in both businesses
        for owner in owners:
            mine = data.draw(
                st.lists(
                    js.customers(owner.id, shared), min_size=1, max_size=3, unique_by=lambda c: c.id
                )
            )
            customers[owner.id] = mine
            jobs[owner.id] = data.draw(
                st.lists(
                    js.jobs(owner.id, [c.id for c in mine], shared),
                    max_size=8,
                    unique_by=lambda j: j.id,
                )
            )
            ids = st.text("pqrs0123456789", min_size=1, max_size=6)
            payments[owner.id] = []
            for job in jobs[owner.id]:
                taken = {p.id for p in payments[owner.id]}
                payments[owner.id] += data.draw(ledgers(job, _fresh(ids, taken)))
        with store.transaction() as uow:
            for owner in owners:
                for customer in customers[owner.id]:
                    uow.customers.add(customer)
                uow.jobs.add_many(jobs[owner.id])
                assert uow.payments.add_many(payments[owner.id]) == len(payments[owner.id])
        expected = ReferenceReports(
            _Of(customers, "customers"),  # type: ignore[arg-type]
            _Of(jobs, "jobs"),  # type: ignore[arg-type]
            _Of(payments, "payments"),  # type: ignore[arg-type]
        )
        calendar = BusinessCalendar(data.draw(st.sampled_from(["UTC", "Pacific/Auckland"])))
        with store.transaction(write=False) as uow:
            got = uow.reports
            for owner in owners:
                o = owner.id
                assert got.totals(o).balances == reference.balances(jobs[o])
                assert list(got.balances(o)) == list(expected.balances(o))
                for customer in customers[o]:
                    assert list(got.balances(o, customer.id)) == list(
                        expected.balances(o, customer.id)
                    )
                for back in [0, *data.draw(st.lists(days_back, max_size=2))]:
                    day = TODAY - timedelta(days=back)
                    bounds = [calendar.start_of(day + timedelta(days=1))] + [
                        calendar.start_of(day - timedelta(days=n)) for n in (30, 60, 90)
                    ]
                    by = None if back == 0 else day
                    assert list(got.aging(o, bounds, by)) == list(expected.aging(o, bounds, by))
                edges = sorted(
                    {TODAY + timedelta(days=1)}
                    | {
                        TODAY - timedelta(days=d)
                        for d in data.draw(st.lists(days_back, max_size=4))
                    }
                )
                assert list(got.cash_between(o, edges)) == list(expected.cash_between(o, edges))
                for back in (0, 14, data.draw(days_back)):
                    day = TODAY - timedelta(days=back)
                    for limit in (0, 1, 50):
                        assert list(got.stalled(o, day, limit)) == list(
                            expected.stalled(o, day, limit)
                        )
                        assert list(got.deposits_waiting(o, day, limit)) == list(
                            expected.deposits_waiting(o, day, limit)
                        )

    @prop(data=st.data())
    def test_payments_are_kept_listed_and_voided_per_owner(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = self._ledger_owners(store)
        by_owner: dict[str, list[Payment]] = {}
        jobs: dict[str, Job] = {}
        with store.transaction() as uow:
            for owner in owners:
                customer = data.draw(js.customers(owner.id, st.just("c")))
                uow.customers.add(customer)
                mine = data.draw(
                    st.lists(
                        js.jobs(owner.id, ["c"], st.sampled_from(["j1", "j2"])),
                        max_size=2,
                        unique_by=lambda j: j.id,
                    )
                )
                uow.jobs.add_many(mine)
                by_owner[owner.id] = []
                for job in mine:
                    jobs[f"{owner.id}/{job.id}"] = job
                    taken = {p.id for p in by_owner[owner.id]}
                    ids = _fresh(st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p6", "p7"]), taken)
                    made = data.draw(ledgers(job, ids))
                    for payment in made:
                        uow.payments.add(payment)
                    by_owner[owner.id] += made
        first, second = owners[0].id, owners[1].id
        with store.transaction(write=False) as uow:
            for owner in owners:
                kept = by_owner[owner.id]
                assert list(uow.payments.list(owner.id, PaymentFilter())) == sorted(
                    kept, key=lambda p: (p.received_on, p.recorded_at, p.id)
                )
                for payment in kept:
                    assert uow.payments.get(owner.id, payment.id) == payment
                where = data.draw(
                    st.builds(
                        PaymentFilter,
                        job_id=st.none() | st.sampled_from(["j1", "j2", "j3"]),
                        customer_id=st.none() | st.sampled_from(["c", "d"]),
                        received_from=st.none() | st.dates(TODAY - timedelta(days=100), TODAY),
                        received_to=st.none() | st.dates(TODAY - timedelta(days=100), TODAY),
                        voided=st.none() | st.booleans(),
                    )
                )
                assert list(uow.payments.list(owner.id, where)) == sorted(
                    (p for p in kept if where.matches(p, "c")),
                    key=lambda p: (p.received_on, p.recorded_at, p.id),
                )
            for payment in by_owner[second]:
                if payment.id not in {p.id for p in by_owner[first]}:
                    assert uow.payments.get(first, payment.id) is None
        theirs = [p for p in by_owner[second]]
        if theirs:
            stranger = attrs.evolve(theirs[0], user_id=first, id="p-new")
            if f"{first}/{stranger.job_id}" not in jobs:
                with store.transaction() as uow:
                    try:
                        uow.payments.add(stranger)
                    except NotFoundError as exc:
                        assert exc.kind == "job"
                    else:
                        raise AssertionError("a payment for another owner's job was kept")
        kept = by_owner[first]
        if kept:
            with store.transaction() as uow:
                try:
                    uow.payments.add(attrs.evolve(kept[0], amount=Decimal("1.00")))
                except ConflictError as exc:
                    assert exc.field == "id"
                else:
                    raise AssertionError("a payment id was taken twice")
            live = next((p for p in kept if not p.voided), None)
            if live is not None:
                voided = attrs.evolve(live, voided_at=T0, void_reason="wrong job", version=2)
                with store.transaction() as uow:
                    uow.payments.update(voided)
                with store.transaction(write=False) as uow:
                    assert uow.payments.get(first, live.id) == voided

    @costly
    @prop(data=st.data())
    def test_payments_go_with_their_job_customer_and_owner(self, data: st.DataObject) -> None:
        store = self.make_store()
        (owner,) = self._ledger_owners(store, 1)
        customers = data.draw(
            st.lists(
                js.customers(owner.id, st.sampled_from(["c1", "c2"])),
                min_size=1,
                max_size=2,
                unique_by=lambda c: c.id,
            )
        )
        jobs = data.draw(
            st.lists(
                js.jobs(owner.id, [c.id for c in customers], st.sampled_from(["j1", "j2", "j3"])),
                min_size=1,
                max_size=3,
                unique_by=lambda j: j.id,
            )
        )
        payments: list[Payment] = []
        for job in jobs:
            taken = {p.id for p in payments}
            payments += data.draw(
                ledgers(
                    job,
                    _fresh(st.text("xyz", min_size=1, max_size=4), taken),
                )
            )
        with store.transaction() as uow:
            for customer in customers:
                uow.customers.add(customer)
            uow.jobs.add_many(jobs)
            uow.payments.add_many(payments)
        victim = jobs[0]
        with store.transaction() as uow:
            gone = uow.jobs.delete(owner.id, victim.id)
        held = [p for p in payments if p.job_id == victim.id]
        assert gone == Deleted(jobs=1, payments=len(held))
        rest = [p for p in payments if p.job_id != victim.id]
        with store.transaction(write=False) as uow:
            assert {p.id for p in uow.payments.list(owner.id, PaymentFilter())} == {
                p.id for p in rest
            }
        customer = customers[-1]
        with store.transaction() as uow:
            gone = uow.customers.delete(owner.id, customer.id)
        theirs = [j for j in jobs[1:] if j.customer_id == customer.id]
        paid = [p for p in rest if p.job_id in {j.id for j in theirs}]
        assert gone == Deleted(customers=1, jobs=len(theirs), payments=len(paid))
        left = [p for p in rest if p not in paid]
        with store.transaction() as uow:
            gone = uow.users.delete(owner.id)
        assert gone.payments == len(left) and gone.users == 1


class LedgerContract(Contract):
    """The ledger's rules, through the service."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def _business(self, zone: str = "UTC") -> tuple[Workspace, FakeClock, Customer]:
        ws, clock = business(self.make_store(), T0, zone, "l@example.com", "L")
        return ws, clock, ws.add_customer("Ada")

    def _done(self, ws: Workspace, customer: Customer, cost: str | None = "100.00") -> Job:
        job = ws.create_job(customer.id, "Fence", estimated_cost="90")
        ws.start_job(job.id)
        return ws.complete_job(job.id, actual_cost=cost)

    def test_a_job_paid_in_parts_is_paid_when_its_payments_cover_what_is_due(self) -> None:
        ws, clock, customer = self._business()
        job = ws.create_job(customer.id, "Deck", estimated_cost="300")
        deposit = ws.add_payment(job.id, "100", method="card", kind="deposit", reference="slip 7")
        assert (deposit.kind, deposit.method, deposit.received_on) == (
            PaymentKind.DEPOSIT,
            PaymentMethod.CARD,
            TODAY,
        )
        held = ws.get_job(job.id)
        assert (held.amount_paid, held.paid, held.payment_state) == (
            Decimal("100.00"),
            False,
            PaymentState.PARTLY_PAID,
        )
        assert held.deposit == Decimal("100.00") and held.amount_due is None
        ws.start_job(job.id)
        done = ws.complete_job(job.id, actual_cost="250.00")
        assert (done.balance, done.owed, done.paid) == (Decimal("150.00"), Decimal("150.00"), False)
        clock.tick()
        paid = ws.add_payment(
            job.id, "150.00", method="check", received_on=TODAY - timedelta(days=1)
        )
        now = ws.get_job(job.id)
        assert (now.paid, now.paid_at, now.balance, now.payment_state) == (
            True,
            clock(),
            ZERO,
            PaymentState.PAID,
        )
        assert ws.list_payments(job_id=job.id) == [paid, deposit]  # by the day received
        ws.add_payment(job.id, "20", method="cash")
        over = ws.get_job(job.id)
        assert (over.payment_state, over.credit, over.paid) == (
            PaymentState.OVERPAID,
            Decimal("20.00"),
            True,
        )
        ws.add_payment(job.id, "20", method="cash", kind="refund")
        assert ws.get_job(job.id).payment_state is PaymentState.PAID

    def test_refunds_never_exceed_what_a_job_holds(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        ws.add_payment(job.id, "30", method="cash")
        for amount in ("30.01", "100"):
            try:
                ws.add_payment(job.id, amount, method="cash", kind="refund")
            except ValidationError as exc:
                assert exc.fields == ("amount",)
            else:
                raise AssertionError("a refund took more than the job held")
        refund = ws.add_payment(job.id, "30", method="cash", kind="refund")
        assert ws.get_job(job.id).amount_paid == ZERO
        receipt = ws.list_payments(job_id=job.id)[0]
        try:  # voiding the receipt would leave the refund giving back money never taken
            ws.void_payment(receipt.id, "wrong job")
        except ConflictError as exc:
            assert exc.field == "payment"
        else:
            raise AssertionError("a receipt was voided under its refund")
        ws.void_payment(refund.id, "not given back after all")
        assert ws.get_job(job.id).amount_paid == Decimal("30.00")

    def test_payments_are_voided_never_edited_and_voiding_is_kept(self) -> None:
        ws, clock, customer = self._business()
        job = self._done(ws, customer)
        payment = ws.add_payment(job.id, "100", method="card")
        assert ws.get_job(job.id).paid
        clock.tick()
        voided = ws.void_payment(payment.id, "card declined", if_version=1)
        assert (voided.voided_at, voided.void_reason, voided.version) == (
            clock(),
            "card declined",
            2,
        )
        assert ws.void_payment(payment.id, "again") == voided  # nothing more happens
        after = ws.get_job(job.id)
        assert (after.paid, after.amount_paid, after.paid_at) == (False, ZERO, None)
        assert ws.list_payments(job_id=job.id) == [voided]  # kept
        try:
            ws.void_payment(payment.id, "stale", if_version=1)
        except VersionConflict as exc:
            assert exc.current == voided
        else:
            raise AssertionError("a stale void went through")
        for bad, field in (("", "reason"), ("x" * 501, "reason")):
            try:
                ws.void_payment(payment.id, bad)
            except ValidationError as exc:
                assert exc.fields == (field,)
            else:
                raise AssertionError(f"{bad!r} was accepted as a reason")
        actions = [e.action for e in ws.history(RecordKind.PAYMENT, payment.id)]
        assert actions == [Action.VOIDED, Action.CREATED]
        job_actions = [e.action for e in ws.history(RecordKind.JOB, job.id)][:2]
        assert job_actions == [Action.UNPAID, Action.PAID]

    def test_bad_payments_are_refused_naming_each_field(self) -> None:
        ws, _, customer = self._business()
        job = ws.create_job(customer.id, "Roof")
        cases: list[tuple[dict[str, Any], set[str]]] = [
            ({"amount": "0", "method": "cash"}, {"amount"}),
            ({"amount": "-5", "method": "cash"}, {"amount"}),
            ({"amount": 1.5, "method": "cash"}, {"amount"}),
            ({"amount": "1.001", "method": "cash"}, {"amount"}),
            ({"amount": "5", "method": "barter"}, {"method"}),
            ({"amount": "5"}, {"method"}),
            ({"amount": "5", "method": "cash", "kind": "gift"}, {"kind"}),
            (
                {"amount": "5", "method": "cash", "received_on": TODAY + timedelta(days=1)},
                {"received_on"},
            ),
            ({"amount": "5", "method": "cash", "reference": "x" * 101}, {"reference"}),
            ({"amount": "5", "method": "cash", "colour": "red"}, {"colour"}),
        ]
        for fields, names in cases:
            amount = fields.pop("amount")
            try:
                ws.add_payment(job.id, amount, **fields)
            except ValidationError as exc:
                assert set(exc.fields) == names, (fields, exc)
            else:
                raise AssertionError(f"{fields} was accepted")
        for missing in ("nothing", "c-1"):
            try:
                ws.add_payment(missing, "5", method="cash")
            except NotFoundError as exc:
                assert exc.kind == "job"
            else:
                raise AssertionError("a payment for a missing job was kept")
        assert ws.list_payments() == [] and ws.get_job(job.id).amount_paid == ZERO

    def test_another_business_never_sees_or_touches_a_payment(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        payment = ws.add_payment(job.id, "40", method="cash")
        other = ws.app.workspace(
            ws.app.register(email="o@example.com", password=PASSWORD, name="O").id
        )
        calls: list[Callable[[], object]] = [
            lambda: other.get_payment(payment.id),
            lambda: other.void_payment(payment.id, "mine now"),
        ]
        for call in calls:
            try:
                call()
            except NotFoundError as exc:
                assert exc.kind == "payment"
            else:
                raise AssertionError("another business reached a payment")
        try:
            other.add_payment(job.id, "5", method="cash")
        except NotFoundError as exc:
            assert exc.kind == "job"
        else:
            raise AssertionError("another business paid into a job not theirs")
        assert other.list_payments() == [] and other.aging().total.total.amount == ZERO
        assert ws.get_payment(payment.id) == payment

    def test_mark_paid_records_the_balance_and_mark_unpaid_voids_it(self) -> None:
        ws, clock, customer = self._business()
        job = self._done(ws, customer, "250.00")
        ws.add_payment(job.id, "50", method="cash", kind="deposit")
        clock.tick()
        paid = ws.mark_paid(job.id, method="bank_transfer", reference="TX-9")
        assert (paid.paid, paid.amount_paid, paid.paid_at) == (True, Decimal("250.00"), clock())
        recorded = ws.list_payments(job_id=job.id)[-1]
        assert (recorded.amount, recorded.method, recorded.reference, recorded.by_mark_paid) == (
            Decimal("200.00"),
            PaymentMethod.BANK_TRANSFER,
            "TX-9",
            True,
        )
        assert ws.mark_paid(job.id) == paid  # paid already: nothing happens
        unpaid = ws.mark_unpaid(job.id)
        assert (unpaid.paid, unpaid.amount_paid, unpaid.paid_at) == (False, Decimal("50.00"), None)
        assert ws.get_payment(recorded.id).void_reason == "marked unpaid"
        ws.add_payment(job.id, "200", method="cash")
        try:
            ws.mark_unpaid(job.id)
        except ConflictError as exc:
            assert exc.field == "paid"
        else:
            raise AssertionError("mark_unpaid took back payments it did not record")
        assert ws.get_job(job.id).paid

    def test_the_seed_marks_jobs_with_nothing_due_paid_as_before(self) -> None:
        ws, _, customer = self._business()
        pending = ws.create_job(customer.id, "Paid ahead", actual_cost="80")
        marked = ws.mark_paid(pending.id)
        assert (marked.paid, marked.amount_paid) == (True, Decimal("80.00"))
        free = self._done(ws, customer, None)
        assert ws.mark_paid(free.id).paid and ws.list_payments(job_id=free.id) == []
        assert ws.mark_unpaid(free.id).paid is False
        assert ws.revenue() == Decimal("80.00")
        ws.start_job(pending.id)
        more = ws.complete_job(pending.id, actual_cost="120")  # now 120 is due, 80 held
        assert (more.paid, more.paid_at, more.owed) == (False, None, Decimal("40.00"))
        ws.update_job(pending.id, actual_cost="80")
        assert ws.get_job(pending.id).paid

    def test_money_never_goes_silently_with_its_job_or_customer(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        payment = ws.add_payment(job.id, "10", method="cash")
        ws.void_payment(payment.id, "mistake")  # voided, yet still a record of money
        deletes: list[Callable[[], object]] = [
            lambda: ws.delete_job(job.id),
            lambda: ws.delete_customer(customer.id),
        ]
        for call in deletes:
            try:
                call()
            except ConflictError as exc:
                assert exc.field == "payments"
            else:
                raise AssertionError("a delete took payments without being told")
        assert ws.get_payment(payment.id).voided
        gone = ws.delete_customer(customer.id, with_payments=True)
        assert gone == Deleted(customers=1, jobs=1, payments=1)
        entries = list(ws.activity(kinds=[RecordKind.PAYMENT], actions=[Action.DELETED]))
        assert [(e.record_id, e.cause) for e in entries] == [(payment.id, customer.id)]

    def test_a_payment_sent_again_with_its_id_is_taken_once(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        first = ws.add_payment(job.id, "60", method="card", id="pay-1")
        again = ws.add_payment(job.id, "60", method="card", id="pay-1")
        assert again == first and ws.get_job(job.id).amount_paid == Decimal("60.00")
        try:
            ws.add_payment(job.id, "61", method="card", id="pay-1")
        except ConflictError as exc:
            assert exc.field == "id"
        else:
            raise AssertionError("a different payment reused an id")

    def test_the_feed_carries_payments(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        payment = ws.add_payment(job.id, "100", method="cash")
        batch = ws.changes()
        kinds = {(c.kind, c.id): c.record for c in batch.changes}
        assert kinds[(RecordKind.PAYMENT, payment.id)] == payment
        assert kinds[(RecordKind.JOB, job.id)] == ws.get_job(job.id)
        voided = ws.void_payment(payment.id, "wrong")
        (*_, last) = ws.changes(batch.next).changes
        assert {c.record for c in ws.changes(batch.next).changes} >= {voided}
        assert last.record == ws.get_job(job.id)

    def test_aging_counts_what_was_owed_on_the_day(self) -> None:
        ws, clock, customer = self._business("America/New_York")
        old = self._done(ws, customer, "300.00")
        clock.now = T0 + timedelta(days=45)
        recent = self._done(ws, customer, "100.00")
        ws.add_payment(old.id, "100", method="cash", received_on=clock().date() - timedelta(days=1))
        report = ws.aging()
        assert report.as_of == ws.today()
        assert report.total.current.amount == Decimal("100.00")
        assert report.total.days_31_60.amount == Decimal("200.00")
        before = ws.aging(ws.today() - timedelta(days=2))  # before the payment came
        assert before.total.days_31_60.amount == Decimal("300.00")
        assert before.total.current.jobs == 0  # the recent job was not done yet
        assert ws.aging(TODAY - timedelta(days=1)).customers == ()  # nothing completed yet
        clock.now = T0 + timedelta(days=200)
        late = ws.aging()
        assert (late.total.over_90.amount, late.total.over_90.jobs) == (Decimal("300.00"), 2)
        assert [row.customer.id for row in late.customers] == [customer.id]
        assert recent.id != old.id

    def test_aging_buckets_begin_on_the_31st_61st_and_91st_local_day(self) -> None:
        zone = "Pacific/Chatham"  # +12:45/+13:45: a UTC day is never a local day
        ws, clock, customer = self._business(zone)
        cal = BusinessCalendar(zone)
        as_of = date(2025, 12, 31)
        ages = (0, 30, 31, 60, 61, 90, 91, 400)
        for age in ages:
            for shift in (timedelta(0), -timedelta(microseconds=1)):
                clock.now = cal.start_of(as_of - timedelta(days=age)) + shift
                job = ws.create_job(customer.id, f"{age} {shift}")
                ws.start_job(job.id)
                ws.complete_job(job.id, actual_cost=f"{age + 1}.00")
        clock.now = cal.start_of(as_of + timedelta(days=1)) + timedelta(hours=1)
        report = ws.aging(as_of)
        jobs = list(ws.list_jobs())
        assert report == reference.aging([customer], jobs, [], as_of, cal)
        # a microsecond before a local midnight is the day before: one day older
        assert [t.jobs for t in report.total.buckets] == [3, 4, 4, 5]
        assert report.total.current.amount == Decimal("33.00")  # costs 1, 1 and 31

    def test_cash_is_counted_by_the_day_received_refunds_apart(self) -> None:
        ws, _, customer = self._business()
        job = self._done(ws, customer)
        ws.add_payment(job.id, "70", method="card", received_on="2025-06-30")
        ws.add_payment(job.id, "30", method="cash")
        ws.add_payment(job.id, "5", method="cash", kind="refund")
        voided = ws.add_payment(job.id, "9", method="check")
        ws.void_payment(voided.id, "bounced")
        months = ws.cash_received("2025-06-01", "2025-08-01", by="month")
        assert [m.period.start for m in months] == [date(2025, 6, 1), date(2025, 7, 1)]
        assert [m.cash.received for m in months] == [Decimal("70.00"), Decimal("30.00")]
        assert (months[1].cash.refunded, months[1].cash.net) == (Decimal("5.00"), Decimal("25.00"))
        assert dict(months[1].by_method)[PaymentMethod.CASH].refunds == 1
        days = ws.cash_received("2025-06-30", "2025-07-07", by="day")
        assert len(days) == 7 and days[0].cash.received == Decimal("70.00")
        board = ws.dashboard()
        assert (board.cash_this_month.received, board.cash_this_week.refunded) == (
            Decimal("30.00"),
            Decimal("5.00"),
        )
        assert ws.balances().credits.amount == ZERO and ws.balances().paid == Decimal("95.00")


def check_ledger(jobs: Sequence[Job], payments: Sequence[Payment]) -> None:
    """The ledger's invariants over one business's jobs and payments (a payment of no job,
    made to an invoice, counts for no job)."""
    ids = {j.id for j in jobs}
    assert all(p.job_id is None or p.job_id in ids for p in payments), "a payment outlived its job"
    for job in jobs:
        mine = [p for p in payments if p.job_id == job.id]
        assert job.amount_paid == reference.net_paid(job, mine)
        receipts = sum(
            (p.amount for p in mine if not p.voided and p.kind is not PaymentKind.REFUND), ZERO
        )
        refunds = sum(
            (p.amount for p in mine if not p.voided and p.kind is PaymentKind.REFUND), ZERO
        )
        assert refunds <= receipts
        verdict = covered(job.status, job.actual_cost, job.amount_paid)
        if verdict is not None:
            assert job.paid == verdict, job
        if job.status is not JobStatus.COMPLETED:
            assert job.owed == ZERO


__all__ = ["LedgerContract", "LedgerPortContract", "check_ledger", "ledgers"]
