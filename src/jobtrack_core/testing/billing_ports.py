"""The contract for quotes, invoices and billing at the port: the ``billing``, ``quotes``
and ``invoices`` repositories, payments made to invoices, and the invoice questions of
:class:`~jobtrack_core.ports.ReportQueries`, called directly.

Documents are random: lines with three-place quantities and rates, jobs or none, taxed
or not; quotes and invoices in every status, credit notes correcting invoices; numbers
that repeat across series and owners (which is allowed) but never within one series of
one owner. They must read back exactly (every Decimal with its places, the lines in
their order, None where None), list in their order under every filter, and stay their
owner's. The store rules of :mod:`jobtrack_core.ports` on documents are checked one by
one, the numbering counters against a plain model (gapless: a number taken by a unit of
work that rolls back is handed out again), and the invoice questions against
:class:`~jobtrack_core.kit.ReferenceReports` over the very invoices written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import attrs
from hypothesis import strategies as st

from jobtrack_core.documents import (
    STANDING,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
    Series,
    TaxRate,
    figures,
    settled_status,
)
from jobtrack_core.entities import (
    Customer,
    Deleted,
    Job,
    Payment,
    PaymentKind,
    PaymentMethod,
    User,
)
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.kit import ReferenceReports
from jobtrack_core.money import CENT, ZERO, from_minor
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.queries import InvoiceFilter, JobFilter, PaymentFilter, QuoteFilter
from jobtrack_core.status import JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.base import Contract, costly, prop

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
TODAY = T0.date()
MILLI = Decimal("0.001")
#: Days back from TODAY, with the aging buckets' edges likely.
days_back = st.sampled_from([0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91]) | st.integers(0, 200)
#: Ids two owners will often share.
shared = st.sampled_from(["1", "2", "3", "a", "b"])
#: Line text: several lines now and then, trimmed like every text.
descriptions = st.sampled_from(["Labour", "Parts & fittings", "Zoë's visit", "two\nlines"]) | (
    st.text(js._chars, min_size=1, max_size=30).map(str.strip).filter(bool)
)
tax_names = st.sampled_from(["VAT", "reduced", "GST 5%"])
#: Three-place decimals (quantities, rates), round and not.
quantities = st.sampled_from([1000, 2500, 1, 333]) | st.integers(1, 200_000)
rates = st.sampled_from([0, 20_000, 5_500, 8_875, 100_000]) | st.integers(0, 100_000)


def thousandths(value: int) -> Decimal:
    return Decimal(value).scaleb(-3)


@st.composite
def lines(draw: st.DrawFn, job_ids: Sequence[str] = ()) -> Line:
    """A valid line: any quantity and price, a discount up to its gross amount, a tax or
    none, a job of ``job_ids`` or none."""
    quantity = thousandths(draw(quantities))
    price = draw(js.amounts(Decimal("9999.99")))
    gross = (quantity * price).quantize(CENT)
    taxed = draw(st.booleans())
    return Line(
        description=draw(descriptions),
        quantity=quantity,
        unit=draw(st.none() | st.sampled_from(["h", "m²", "item"])),
        unit_price=price,
        discount=from_minor(draw(st.integers(0, int(gross * 100)) | st.just(0))),
        tax_name=draw(tax_names) if taxed else None,
        tax_rate=thousandths(draw(rates)) if taxed else Decimal("0.000"),
        job_id=draw(st.none() | st.sampled_from(list(job_ids))) if job_ids else None,
    )


def _later(draw: st.DrawFn, start: date, most: int = 60) -> date:
    return start + timedelta(days=draw(st.integers(0, most)))


@st.composite
def quotes(
    draw: st.DrawFn,
    owner_id: str,
    customer_ids: Sequence[str],
    job_ids: Sequence[str],
    id: str,
    number: str,
    job_id: str | None = None,
) -> Quote:
    """A valid quote in any status (numbered ``number`` unless a draft); ``job_id`` is
    its job if it comes out accepted."""
    status = draw(st.sampled_from(list(QuoteStatus)))
    include = draw(st.booleans())
    made_lines = tuple(draw(st.lists(lines(()), max_size=4)))  # a quote bills no job yet
    made = figures(made_lines, include)
    sent = status is not QuoteStatus.DRAFT
    issued = TODAY - timedelta(days=draw(days_back)) if sent else None
    valid_until = draw(st.none() | st.just(_later(draw, issued or TODAY)))
    created = draw(js.instants)
    return Quote(
        id=id,
        user_id=owner_id,
        customer_id=draw(st.sampled_from(list(customer_ids))),
        number=number if sent else None,
        status=status,
        title=draw(st.sampled_from(["Kitchen", "New roof", "Bathroom, tiles"])),
        notes=draw(st.none() | st.sampled_from(["Two\nlines of notes", "n"])),
        lines=made_lines,
        currency=draw(st.sampled_from(["USD", "EUR"])),
        prices_include_tax=include,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=issued,
        valid_until=valid_until,
        decided_at=draw(js.instants)
        if status not in (QuoteStatus.DRAFT, QuoteStatus.SENT)
        else None,
        job_id=job_id if status is QuoteStatus.ACCEPTED else None,
        created_at=created,
        updated_at=max(created, draw(js.instants)),
        version=draw(st.integers(1, 3)),
    )


@st.composite
def invoices(
    draw: st.DrawFn,
    owner_id: str,
    customer_ids: Sequence[str],
    job_ids: Sequence[str],
    id: str,
    number: str,
    corrects: str | None = None,
    draft: bool | None = None,
) -> Invoice:
    """A valid invoice in any status (a credit note, issued, when it ``corrects`` one),
    numbered ``number`` unless a draft; what it holds agreeing with its status.
    ``draft`` forces a draft (True) or an issued one (False)."""
    kind = InvoiceKind.INVOICE if corrects is None else InvoiceKind.CREDIT_NOTE
    if kind is InvoiceKind.CREDIT_NOTE:
        status = InvoiceStatus.ISSUED
    elif draft:
        status = InvoiceStatus.DRAFT
    else:
        choices = [s for s in InvoiceStatus if draft is None or s is not InvoiceStatus.DRAFT]
        status = draw(st.sampled_from(choices))
    include = draw(st.booleans())
    made_lines = tuple(draw(st.lists(lines(job_ids), max_size=4)))
    made = figures(made_lines, include)
    paid = credited = ZERO
    if kind is InvoiceKind.INVOICE and status in STANDING:
        paid = draw(st.sampled_from([ZERO, made.total]) | js.amounts(made.total + 50))
        credited = draw(st.just(ZERO) | js.amounts(made.total))
        status = settled_status(made.total, paid, credited)
    elif status is InvoiceStatus.VOID:
        paid = draw(st.just(ZERO) | js.amounts(made.total))
    issued = None
    due: date | None = draw(st.none() | st.just(TODAY))
    if status is not InvoiceStatus.DRAFT:
        issued = TODAY - timedelta(days=draw(days_back))
        due = _later(draw, issued, 90)
    created = draw(js.instants)
    void = status is InvoiceStatus.VOID
    return Invoice(
        id=id,
        user_id=owner_id,
        customer_id=draw(st.sampled_from(list(customer_ids))),
        kind=kind,
        number=None if status is InvoiceStatus.DRAFT else number,
        status=status,
        lines=made_lines,
        notes=draw(st.none() | st.sampled_from(["Thank you", "Due in\n30 days"])),
        currency=draw(st.sampled_from(["USD", "EUR"])),
        prices_include_tax=include,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=issued,
        due_on=due,
        amount_paid=paid,
        amount_credited=credited,
        corrects=corrects,
        voided_at=draw(js.instants) if void else None,
        void_reason="Raised twice" if void else None,
        created_at=created,
        updated_at=max(created, draw(js.instants)),
        version=draw(st.integers(1, 3)),
    )


def settings_of(
    owner_id: str, rates: Iterable[tuple[str, str]] = (), **more: Any
) -> BillingSettings:
    made = tuple(TaxRate(name=n, rate=Decimal(r).quantize(MILLI)) for n, r in rates)
    return BillingSettings(user_id=owner_id, tax_rates=made, **more)


@st.composite
def billing_settings(draw: st.DrawFn, owner_id: str) -> BillingSettings:
    """Valid settings: some tax rates (three places), a default among them or none."""
    made = draw(
        st.lists(
            st.builds(TaxRate, name=tax_names, rate=rates.map(thousandths)),
            max_size=3,
            unique_by=lambda r: r.name,
        )
    )
    return BillingSettings(
        user_id=owner_id,
        currency=draw(st.sampled_from(["USD", "EUR", "GBP"])),
        prices_include_tax=draw(st.booleans()),
        tax_rates=tuple(made),
        default_tax=draw(st.none() | st.sampled_from([r.name for r in made])) if made else None,
        invoice_format=draw(st.sampled_from(["INV-{year}-{number:04d}", "{number}"])),
        quote_format=draw(st.sampled_from(["Q-{year}-{number:04d}", "Q{number:06d}"])),
        payment_terms_days=draw(st.integers(0, 90)),
        quote_valid_days=draw(st.integers(0, 90)),
        address=draw(st.none() | st.just("1 High Street\nTown")),
        phone=draw(st.none() | st.just("+44 1234 567890")),
        email=draw(st.none() | st.just("billing@example.com")),
        tax_id=draw(st.none() | st.just("GB123456789")),
        payment_instructions=draw(st.none() | st.just("IBAN GB00 0000")),
        updated_at=draw(st.none() | js.instants),
        version=draw(st.integers(1, 5)),
    )


def exact(value: object) -> object:
    """``value`` with every Decimal as its digits and places, every type named: two
    records equal under this were given back exactly (``Decimal('1.5') ==
    Decimal('1.500')``, but not here)."""
    if attrs.has(type(value)):
        fields = attrs.fields(cast(Any, type(value)))
        return (type(value).__name__, tuple(exact(getattr(value, a.name)) for a in fields))
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(exact(item) for item in value))
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    return (type(value).__name__, value)


def _some_customers(owner_id: str) -> st.SearchStrategy[list[Customer]]:
    """One to three customers of the owner, with ids other owners often share."""
    return st.lists(
        js.customers(owner_id, shared), min_size=1, max_size=3, unique_by=lambda c: c.id
    )


def _newest(docs: Iterable[Any]) -> list[Any]:
    return sorted(docs, key=lambda d: (d.created_at, d.id), reverse=True)


class _Listed:
    """Records as a repository's ``list`` gives them, for the kit's reference answers."""

    def __init__(self, by_owner: dict[str, list[Any]], order: Callable[[Any], Any]) -> None:
        self.by_owner, self.order = by_owner, order

    def list(self, owner_id: str, where: Any = None) -> Sequence[Any]:
        found = self.by_owner.get(owner_id, [])
        return sorted((r for r in found if where is None or where.matches(r)), key=self.order)


def _owner(n: int) -> User:
    return User(
        id=f"o{n}",
        email=f"o{n}@example.com",
        name=f"Owner {n}",
        business_name=None,
        password_hash="x" * 20,
        created_at=T0,
        updated_at=T0,
    )


def _owners(store: Store, count: int = 2) -> list[User]:
    owners = [_owner(n) for n in range(count)]
    with store.transaction() as uow:
        for owner in owners:
            uow.users.add(owner)
    return owners


# -- plain records for the rules' tests ---------------------------------------------------
def line(amount: str, job_id: str | None = None, tax: str | None = None) -> Line:
    return Line(
        description="Work",
        quantity=Decimal("1.000"),
        unit=None,
        unit_price=Decimal(amount).quantize(CENT),
        tax_name="VAT" if tax else None,
        tax_rate=Decimal(tax or "0").quantize(MILLI),
        job_id=job_id,
    )


def quote(
    owner_id: str,
    id: str,
    customer_id: str,
    *,
    status: QuoteStatus = QuoteStatus.DRAFT,
    number: str | None = None,
    job_id: str | None = None,
    lines: Sequence[Line] = (),
) -> Quote:
    """A quote for the rules' tests; numbered ``Q-<id>`` once sent, unless ``number``."""
    made = figures(lines, False)
    sent = status is not QuoteStatus.DRAFT
    return Quote(
        id=id,
        user_id=owner_id,
        customer_id=customer_id,
        number=(number or f"Q-{id}") if sent else None,
        status=status,
        title="Work",
        notes=None,
        lines=tuple(lines),
        currency="USD",
        prices_include_tax=False,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=TODAY if sent else None,
        valid_until=None,
        decided_at=T0 if status not in (QuoteStatus.DRAFT, QuoteStatus.SENT) else None,
        job_id=job_id,
        created_at=T0,
        updated_at=T0,
    )


def invoice(
    owner_id: str,
    id: str,
    customer_id: str,
    *,
    status: InvoiceStatus = InvoiceStatus.DRAFT,
    number: str | None = None,
    lines: Sequence[Line] = (),
    corrects: str | None = None,
    paid: str = "0",
    issued_on: date = TODAY,
    due_on: date | None = None,
    created_at: datetime = T0,
) -> Invoice:
    """An invoice (a credit note when it ``corrects`` one) for the rules' tests;
    numbered ``I-<id>`` once issued, unless ``number``; a standing invoice's status
    follows from ``paid``."""
    made = figures(lines, False)
    kind = InvoiceKind.INVOICE if corrects is None else InvoiceKind.CREDIT_NOTE
    amount_paid = Decimal(paid).quantize(CENT)
    if kind is InvoiceKind.CREDIT_NOTE:
        status = InvoiceStatus.ISSUED
    elif status in STANDING:
        status = settled_status(made.total, amount_paid, ZERO)
    draft, void = status is InvoiceStatus.DRAFT, status is InvoiceStatus.VOID
    return Invoice(
        id=id,
        user_id=owner_id,
        customer_id=customer_id,
        kind=kind,
        number=None if draft else (number or f"I-{id}"),
        status=status,
        lines=tuple(lines),
        notes=None,
        currency="USD",
        prices_include_tax=False,
        subtotal=made.subtotal,
        tax=made.tax,
        total=made.total,
        issued_on=None if draft else issued_on,
        due_on=None if draft else (due_on or issued_on),
        amount_paid=amount_paid,
        amount_credited=ZERO,
        corrects=corrects,
        voided_at=T0 if void else None,
        void_reason="Raised twice" if void else None,
        created_at=created_at,
        updated_at=created_at,
    )


def payment(
    owner_id: str,
    id: str,
    amount: str,
    *,
    job_id: str | None = None,
    invoice_id: str | None = None,
    days_ago: int = 0,
) -> Payment:
    return Payment(
        id=id,
        user_id=owner_id,
        job_id=job_id,
        invoice_id=invoice_id,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.BANK_TRANSFER,
        amount=Decimal(amount).quantize(CENT),
        received_on=TODAY - timedelta(days=days_ago),
        reference=None,
        note=None,
        recorded_at=T0 - timedelta(days=days_ago),
    )


def _customer(owner_id: str, id: str, name: str = "Customer") -> Customer:
    return Customer(
        id=id,
        user_id=owner_id,
        name=name,
        business_name=None,
        email=None,
        phone=None,
        address=None,
        notes=None,
        created_at=T0,
        updated_at=T0,
    )


def _job(owner_id: str, id: str, customer_id: str) -> Job:
    return Job(
        id=id,
        user_id=owner_id,
        customer_id=customer_id,
        title=f"Job {id}",
        description=None,
        status=JobStatus.COMPLETED,
        estimated_cost=None,
        actual_cost=Decimal("100.00"),
        estimated_hours=None,
        actual_hours=None,
        due_date=None,
        paid=False,
        paid_at=None,
        completed_at=T0,
        created_at=T0,
        updated_at=T0,
    )


def _delete_invoice(invoice_id: str, uow: UnitOfWork) -> Deleted:
    return uow.invoices.delete("o0", invoice_id)


def _refused(store: Store, kind: type[Exception], attempt: Callable[[UnitOfWork], object]) -> Any:
    """The error ``attempt`` raises in a unit of work (which then rolls back)."""
    try:
        with store.transaction() as uow:
            attempt(uow)
    except kind as exc:
        return exc
    raise AssertionError(f"expected {kind.__name__}")


class BillingPortContract(Contract):
    """Quotes, invoices, credit notes, billing settings and numbering, payments to
    invoices and the invoice questions, at the port."""

    def make_store(self) -> Store:
        raise NotImplementedError

    # -- a small world for the rules ----------------------------------------------------
    def _world(self, store: Store) -> list[User]:
        """Two owners, each with customers c1 (jobs j1, j2) and c2 (job j3); owner o1 also
        with customer x and job xj that o0 does not have."""
        owners = _owners(store)
        with store.transaction() as uow:
            for owner in owners:
                o = owner.id
                uow.customers.add(_customer(o, "c1", "Ada"))
                uow.customers.add(_customer(o, "c2", "Bob"))
                uow.jobs.add_many([_job(o, "j1", "c1"), _job(o, "j2", "c1"), _job(o, "j3", "c2")])
            uow.customers.add(_customer("o1", "x"))
            uow.jobs.add(_job("o1", "xj", "x"))
        return owners

    # -- documents read back, list and stay their owner's -------------------------------
    @costly
    @prop(data=st.data())
    def test_documents_read_back_exactly_and_list_in_order(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = _owners(store)
        customers: dict[str, list[Customer]] = {}
        jobs: dict[str, list[Job]] = {}
        made_quotes: dict[str, list[Quote]] = {}
        made_invoices: dict[str, list[Invoice]] = {}
        for owner in owners:
            o = owner.id
            customers[o] = data.draw(_some_customers(o))
            cids = [c.id for c in customers[o]]
            jobs[o] = data.draw(
                st.lists(js.jobs(o, cids, shared), max_size=4, unique_by=lambda j: j.id)
            )
            jids = [j.id for j in jobs[o]]
            free = list(jids)  # each job made by one accepted quote at most
            made_quotes[o] = []
            quote_ids: list[str] = data.draw(st.lists(shared, max_size=4, unique=True))
            for n, qid in enumerate(quote_ids, 1):
                linked: bool = data.draw(st.booleans())
                job_id = free.pop() if free and linked else None
                made_quotes[o].append(data.draw(quotes(o, cids, jids, qid, f"N-{n}", job_id)))
            made_invoices[o] = []
            ids = data.draw(
                st.lists(
                    st.sampled_from(["1", "2", "3", "a", "b", "c", "d"]), max_size=6, unique=True
                )
            )
            for n, iid in enumerate(ids, 1):
                issued = [
                    i
                    for i in made_invoices[o]
                    if i.status is not InvoiceStatus.DRAFT and i.kind is InvoiceKind.INVOICE
                ]
                corrects = (
                    data.draw(st.none() | st.sampled_from([i.id for i in issued]))
                    if issued
                    else None
                )
                number = f"N-{n}"  # the same numbers in every series and for both owners
                made_invoices[o].append(data.draw(invoices(o, cids, jids, iid, number, corrects)))
        with store.transaction() as uow:
            for owner in owners:
                o = owner.id
                for customer in customers[o]:
                    uow.customers.add(customer)
                uow.jobs.add_many(jobs[o])
                for q in made_quotes[o]:
                    uow.quotes.add(q)
                for i in made_invoices[o]:
                    uow.invoices.add(i)
        self._read_back(store, data, made_quotes, made_invoices, jobs)
        # every document changed: new lines, customer, status, money; read back again
        for owner in owners:
            o = owner.id
            cids = [c.id for c in customers[o]]
            jids = [j.id for j in jobs[o]]
            changed = []
            for q in made_quotes[o]:
                new = data.draw(quotes(o, cids, jids, q.id, q.number or f"M-{q.id}", q.job_id))
                changed.append(attrs.evolve(new, created_at=q.created_at))
            made_quotes[o] = changed
            changed_invoices = []
            for i in made_invoices[o]:
                again = data.draw(
                    invoices(o, cids, jids, i.id, i.number or f"M-{i.id}", i.corrects)
                )
                changed_invoices.append(attrs.evolve(again, created_at=i.created_at))
            made_invoices[o] = changed_invoices
        with store.transaction() as uow:
            for owner in owners:
                for q in made_quotes[owner.id]:
                    uow.quotes.update(q)
                for i in made_invoices[owner.id]:
                    uow.invoices.update(i)
        self._read_back(store, data, made_quotes, made_invoices, jobs)

    def _read_back(
        self,
        store: Store,
        data: st.DataObject,
        made_quotes: dict[str, list[Quote]],
        made_invoices: dict[str, list[Invoice]],
        jobs: dict[str, list[Job]],
    ) -> None:
        every_id = ["1", "2", "3", "a", "b", "c", "d", "zz"]
        with store.transaction(write=False) as uow:
            for o, mine in made_quotes.items():
                by_id = {q.id: q for q in mine}
                for qid in every_id:
                    got = uow.quotes.get(o, qid)
                    assert exact(got) == exact(by_id.get(qid)), f"quote {qid} of {o}"
                customer_ids = sorted({q.customer_id for q in mine} | {"zz"})
                filters = [QuoteFilter()]
                filters += [QuoteFilter(customer_id=c) for c in customer_ids]
                filters += [QuoteFilter(status=s) for s in QuoteStatus]
                filters.append(
                    data.draw(
                        st.builds(
                            QuoteFilter,
                            customer_id=st.none() | st.sampled_from(customer_ids),
                            status=st.none() | st.sampled_from(list(QuoteStatus)),
                        )
                    )
                )
                for where in filters:
                    got_list = list(uow.quotes.list(o, where))
                    want = _newest(q for q in mine if where.matches(q))
                    assert [exact(q) for q in got_list] == [exact(q) for q in want], where
                for job in [*jobs[o], None]:
                    job_id = job.id if job else "zz"
                    made = [q for q in mine if q.job_id == job_id]
                    assert exact(uow.quotes.of_job(o, job_id)) == exact(made[0] if made else None)
            for o, mine_i in made_invoices.items():
                by_iid = {i.id: i for i in mine_i}
                for iid in every_id:
                    assert exact(uow.invoices.get(o, iid)) == exact(by_iid.get(iid)), iid
                customer_ids = sorted({i.customer_id for i in mine_i} | {"zz"})
                job_ids = sorted({j.id for j in jobs[o]} | {"zz"})
                ifilters = [InvoiceFilter()]
                ifilters += [InvoiceFilter(customer_id=c) for c in customer_ids]
                ifilters += [InvoiceFilter(status=s) for s in InvoiceStatus]
                ifilters += [InvoiceFilter(kind=k) for k in InvoiceKind]
                ifilters += [InvoiceFilter(job_id=j) for j in job_ids]
                ifilters.append(
                    data.draw(
                        st.builds(
                            InvoiceFilter,
                            customer_id=st.none() | st.sampled_from(customer_ids),
                            status=st.none() | st.sampled_from(list(InvoiceStatus)),
                            kind=st.none() | st.sampled_from(list(InvoiceKind)),
                            job_id=st.none() | st.sampled_from(job_ids),
                        )
                    )
                )
                for iwhere in ifilters:
                    got_invoices = list(uow.invoices.list(o, iwhere))
                    wanted = _newest(i for i in mine_i if iwhere.matches(i))
                    assert [exact(i) for i in got_invoices] == [exact(i) for i in wanted], iwhere

    def test_updates_and_deletes_are_scoped_to_the_owner(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.quotes.add(quote("o1", "q-x", "x"))
            uow.invoices.add(invoice("o1", "i-x", "x"))
        theirs_q, theirs_i = quote("o1", "q-x", "x"), invoice("o1", "i-x", "x")
        with store.transaction(write=False) as uow:
            assert uow.quotes.get("o0", "q-x") is None
            assert uow.invoices.get("o0", "i-x") is None
            assert list(uow.quotes.list("o0", QuoteFilter())) == []
            assert list(uow.invoices.list("o0", InvoiceFilter())) == []
        for attempt, kind in (
            (lambda uow: uow.quotes.update(attrs.evolve(theirs_q, user_id="o0")), NotFoundError),
            (lambda uow: uow.invoices.update(attrs.evolve(theirs_i, user_id="o0")), NotFoundError),
            (lambda uow: uow.quotes.update(quote("o0", "nothing", "c1")), NotFoundError),
            (lambda uow: uow.invoices.update(invoice("o0", "nothing", "c1")), NotFoundError),
        ):
            _refused(store, kind, attempt)
        with store.transaction() as uow:
            assert uow.quotes.delete("o0", "q-x") == Deleted()
            assert uow.invoices.delete("o0", "i-x") == Deleted()
            assert uow.quotes.delete("o0", "nothing") == Deleted()
        with store.transaction(write=False) as uow:
            assert uow.quotes.get("o1", "q-x") == theirs_q
            assert uow.invoices.get("o1", "i-x") == theirs_i

    def test_document_ids_are_unique_per_owner_and_kind(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            for o in ("o0", "o1"):
                uow.quotes.add(quote(o, "17", "c1"))
                uow.invoices.add(invoice(o, "17", "c1"))  # a quote's id is no invoice's
        for attempt in (
            lambda uow: uow.quotes.add(quote("o0", "17", "c2")),
            lambda uow: uow.invoices.add(invoice("o0", "17", "c2")),
        ):
            assert _refused(store, ConflictError, attempt).field == "id"

    # -- the store rules ----------------------------------------------------------------
    def test_documents_name_records_of_their_owner(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.invoices.add(
                invoice("o1", "theirs", "x", status=InvoiceStatus.ISSUED, lines=[line("5")])
            )
            uow.invoices.add(
                invoice("o0", "mine", "c1", status=InvoiceStatus.ISSUED, lines=[line("5")])
            )
            uow.quotes.add(quote("o0", "q", "c1"))
        accepted = QuoteStatus.ACCEPTED
        attempts: list[tuple[Callable[[UnitOfWork], object], str, str]] = [
            (lambda uow: uow.quotes.add(quote("o0", "n", "x")), "customer", "x"),
            (lambda uow: uow.quotes.add(quote("o0", "n", "nobody")), "customer", "nobody"),
            (
                lambda uow: uow.quotes.add(quote("o0", "n", "c1", status=accepted, job_id="xj")),
                "job",
                "xj",
            ),
            (lambda uow: uow.quotes.update(quote("o0", "q", "x")), "customer", "x"),
            (lambda uow: uow.invoices.add(invoice("o0", "n", "x")), "customer", "x"),
            (
                lambda uow: uow.invoices.add(invoice("o0", "n", "c1", lines=[line("1", "xj")])),
                "job",
                "xj",
            ),
            (
                lambda uow: uow.invoices.add(invoice("o0", "n", "c1", corrects="theirs")),
                "invoice",
                "theirs",
            ),
            (
                lambda uow: uow.invoices.add(invoice("o0", "n", "c1", corrects="none")),
                "invoice",
                "none",
            ),
            (
                lambda uow: uow.invoices.update(
                    attrs.evolve(
                        invoice("o0", "mine", "c1", status=InvoiceStatus.ISSUED, lines=[line("5")]),
                        customer_id="x",
                    )
                ),
                "customer",
                "x",
            ),
            (
                lambda uow: uow.payments.add(payment("o0", "p", "1", invoice_id="theirs")),
                "invoice",
                "theirs",
            ),
            (
                lambda uow: uow.payments.add(
                    payment("o0", "p", "1", job_id="j1", invoice_id="theirs")
                ),
                "invoice",
                "theirs",
            ),
            (
                lambda uow: uow.payments.add(payment("o0", "p", "1", invoice_id="none")),
                "invoice",
                "none",
            ),
        ]
        for attempt, kind, id in attempts:
            exc = _refused(store, NotFoundError, attempt)
            assert (exc.kind, exc.id) == (kind, id)
        with store.transaction(write=False) as uow:
            assert uow.quotes.get("o0", "n") is None
            assert uow.invoices.get("o0", "n") is None
            assert uow.payments.get("o0", "p") is None
            assert uow.quotes.get("o0", "q") == quote("o0", "q", "c1")

    def test_a_number_is_unique_per_owner_and_series(self) -> None:
        store = self.make_store()
        self._world(store)
        issued, sent = InvoiceStatus.ISSUED, QuoteStatus.SENT
        with store.transaction() as uow:
            for o in ("o0", "o1"):  # the same number in each series and for each owner
                uow.quotes.add(quote(o, "q1", "c1", status=sent, number="7"))
                uow.invoices.add(invoice(o, "i1", "c1", status=issued, number="7"))
                uow.invoices.add(invoice(o, "cn1", "c1", corrects="i1", number="7"))
                uow.quotes.add(quote(o, "q2", "c1"))  # drafts have no number, all of them
                uow.invoices.add(invoice(o, "i2", "c1"))
                uow.invoices.add(invoice(o, "i3", "c2"))
        for attempt in (
            lambda uow: uow.quotes.add(quote("o0", "q3", "c2", status=sent, number="7")),
            lambda uow: uow.quotes.update(quote("o0", "q2", "c2", status=sent, number="7")),
            lambda uow: uow.invoices.add(invoice("o0", "i4", "c2", status=issued, number="7")),
            lambda uow: uow.invoices.add(
                invoice("o0", "i4", "c2", status=InvoiceStatus.VOID, number="7")
            ),
            lambda uow: uow.invoices.update(invoice("o0", "i2", "c1", status=issued, number="7")),
            lambda uow: uow.invoices.add(invoice("o0", "cn2", "c2", corrects="i1", number="7")),
        ):
            assert _refused(store, ConflictError, attempt).field == "number"
        with store.transaction() as uow:  # a number given up is free again
            uow.invoices.update(invoice("o0", "i2", "c1", status=issued, number="8"))
            uow.invoices.update(invoice("o0", "i3", "c2", status=issued, number="9"))
        with store.transaction(write=False) as uow:
            got = uow.invoices.get("o0", "i3")
            assert got is not None and got.number == "9"

    def test_only_drafts_are_deleted(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.invoices.add(invoice("o0", "draft", "c1", lines=[line("10", "j1")]))
            for status in (InvoiceStatus.ISSUED, InvoiceStatus.VOID):
                uow.invoices.add(
                    invoice("o0", status.value, "c1", status=status, lines=[line("5")])
                )
            uow.invoices.add(invoice("o0", "cn", "c1", corrects="issued", lines=[line("1")]))
            uow.quotes.add(quote("o0", "q", "c1", status=QuoteStatus.SENT))
        for kept in ("issued", "void", "cn"):
            exc = _refused(store, ConflictError, functools.partial(_delete_invoice, kept))
            assert exc.field == "status"
        with store.transaction() as uow:  # a draft that payments name keeps them
            uow.invoices.add(invoice("o0", "named", "c1", lines=[line("3")]))
            uow.payments.add(payment("o0", "p-named", "3.00", invoice_id="named"))
        exc = _refused(store, ConflictError, functools.partial(_delete_invoice, "named"))
        assert exc.field == "payments"
        with store.transaction() as uow:
            assert uow.invoices.delete("o0", "draft") == Deleted(invoices=1)
            assert uow.invoices.delete("o0", "draft") == Deleted()
            assert uow.quotes.delete("o0", "q") == Deleted(quotes=1)
        with store.transaction(write=False) as uow:
            assert uow.invoices.get("o0", "draft") is None and uow.quotes.get("o0", "q") is None
            assert {i.id for i in uow.invoices.list("o0", InvoiceFilter())} == {
                "issued",
                "void",
                "cn",
                "named",
            }

    def test_a_customer_goes_with_its_quotes_and_draft_invoices(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.quotes.add(quote("o0", "q1", "c1", lines=[line("3")]))
            uow.quotes.add(quote("o0", "q2", "c1", status=QuoteStatus.ACCEPTED, job_id="j2"))
            uow.quotes.add(quote("o0", "q3", "c2"))
            uow.invoices.add(invoice("o0", "d1", "c1", lines=[line("10", "j1"), line("2")]))
            uow.invoices.add(invoice("o0", "d2", "c1"))
            uow.invoices.add(invoice("o0", "d3", "c2", lines=[line("10", "j3")]))
            uow.payments.add(payment("o0", "p1", "4", job_id="j1"))
        with store.transaction() as uow:
            gone = uow.customers.delete("o0", "c1")
        assert gone == Deleted(customers=1, jobs=2, payments=1, quotes=2, invoices=2)
        with store.transaction(write=False) as uow:
            assert [q.id for q in uow.quotes.list("o0", QuoteFilter())] == ["q3"]
            assert [i.id for i in uow.invoices.list("o0", InvoiceFilter())] == ["d3"]
            assert uow.jobs.get("o0", "j1") is None and uow.payments.get("o0", "p1") is None
            assert len(uow.quotes.list("o1", QuoteFilter())) == 0
            assert uow.customers.get("o1", "c1") is not None

    def test_billed_customers_and_jobs_are_kept(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.invoices.add(invoice("o0", "d", "c1", lines=[line("10", "j2")]))
            uow.invoices.add(
                invoice("o0", "i", "c2", status=InvoiceStatus.VOID, lines=[line("5", "j3")])
            )
        refusals: list[Callable[[UnitOfWork], object]] = [
            lambda uow: uow.jobs.delete("o0", "j2"),  # a draft bills it
            lambda uow: uow.jobs.delete("o0", "j3"),  # a void invoice bills it
            lambda uow: uow.customers.delete("o0", "c2"),  # a void invoice is kept
        ]
        for attempt in refusals:
            assert _refused(store, ConflictError, attempt).field == "invoices"
        with store.transaction() as uow:  # a draft naming another customer's job
            uow.invoices.add(invoice("o0", "d2", "c2", lines=[line("1", "j1")]))
        assert (
            _refused(store, ConflictError, lambda uow: uow.customers.delete("o0", "c1")).field
            == "invoices"
        )
        with store.transaction() as uow:
            assert uow.invoices.delete("o0", "d2") == Deleted(invoices=1)
            uow.invoices.add(
                invoice("o0", "i2", "c1", status=InvoiceStatus.ISSUED, lines=[line("5")])
            )
            uow.invoices.add(invoice("o0", "cn", "c1", corrects="i2", lines=[line("5")]))
        for attempt in (
            lambda uow: uow.customers.delete("o0", "c1"),
            lambda uow: uow.jobs.delete("o0", "j2"),
        ):
            assert _refused(store, ConflictError, attempt).field == "invoices"
        with store.transaction(write=False) as uow:
            assert {i.id for i in uow.invoices.list("o0", InvoiceFilter())} == {
                "d",
                "i",
                "i2",
                "cn",
            }
            assert len(uow.jobs.list("o0", JobFilter())) == 3
            assert len(uow.customers.list("o0")) == 2
        with store.transaction() as uow:  # a job no invoice bills goes
            assert uow.jobs.delete("o0", "j1") == Deleted(jobs=1)

    def test_deleting_an_accepted_quotes_job_unlinks_it(self) -> None:
        store = self.make_store()
        self._world(store)
        accepted = quote("o0", "q", "c1", status=QuoteStatus.ACCEPTED, job_id="j1")
        with store.transaction() as uow:
            uow.quotes.add(accepted)
            uow.quotes.add(quote("o1", "q", "c1", status=QuoteStatus.ACCEPTED, job_id="j1"))
            assert uow.quotes.of_job("o0", "j1") == accepted
            assert uow.jobs.delete("o0", "j1") == Deleted(jobs=1)
        with store.transaction(write=False) as uow:
            assert uow.quotes.get("o0", "q") == attrs.evolve(accepted, job_id=None)
            assert uow.quotes.of_job("o0", "j1") is None
            other = uow.quotes.get("o1", "q")
            assert other is not None and other.job_id == "j1"

    def test_deleting_a_user_removes_everything_of_theirs(self) -> None:
        store = self.make_store()
        self._world(store)
        for o in ("o0", "o1"):
            with store.transaction() as uow:
                uow.billing.put(settings_of(o, [("VAT", "20")]))
                uow.billing.next_number(o, Series.INVOICE, 2025)
                uow.quotes.add(quote(o, "q", "c1", status=QuoteStatus.ACCEPTED, job_id="j1"))
                uow.quotes.add(quote(o, "q2", "c2"))
                uow.invoices.add(
                    invoice(
                        o,
                        "i",
                        "c1",
                        status=InvoiceStatus.ISSUED,
                        lines=[line("100", "j1"), line("20")],
                    )
                )
                uow.invoices.add(invoice(o, "cn", "c1", corrects="i", lines=[line("5")]))
                uow.invoices.add(invoice(o, "d", "c2", lines=[line("5", "j3")]))
                uow.payments.add(payment(o, "p1", "100", job_id="j1", invoice_id="i"))
                uow.payments.add(payment(o, "p2", "10", invoice_id="i"))
                uow.payments.add(payment(o, "p3", "1", job_id="j2"))
        with store.transaction() as uow:
            gone = uow.users.delete("o0")
        assert gone == Deleted(users=1, customers=2, jobs=3, payments=3, quotes=2, invoices=3)
        with store.transaction(write=False) as uow:
            assert uow.billing.get("o0") is None
            assert list(uow.billing.last_numbers("o0")) == []
            assert list(uow.quotes.list("o0", QuoteFilter())) == []
            assert list(uow.invoices.list("o0", InvoiceFilter())) == []
            assert list(uow.payments.list("o0", PaymentFilter())) == []
            assert len(uow.invoices.list("o1", InvoiceFilter())) == 3
            assert len(uow.payments.list("o1", PaymentFilter())) == 3
            assert list(uow.billing.last_numbers("o1")) == [(Series.INVOICE, 2025, 1)]
        with store.transaction() as uow:  # an account made again starts from nothing
            uow.users.add(_owner(0))
            assert uow.billing.next_number("o0", Series.INVOICE, 2025) == 1

    # -- payments made to invoices -------------------------------------------------------
    def test_payments_to_invoices_with_and_without_a_job(self) -> None:
        store = self.make_store()
        self._world(store)
        with store.transaction() as uow:
            uow.invoices.add(
                invoice(
                    "o0",
                    "i",
                    "c2",
                    status=InvoiceStatus.ISSUED,
                    lines=[line("100", "j3"), line("20")],
                )
            )
            uow.invoices.add(
                invoice("o1", "i", "c1", status=InvoiceStatus.ISSUED, lines=[line("9")])
            )
        made = [
            payment("o0", "p1", "100.00", job_id="j3", invoice_id="i", days_ago=2),
            payment("o0", "p2", "20.00", invoice_id="i", days_ago=1),
            payment("o0", "p3", "5.00", job_id="j1", days_ago=3),
        ]
        with store.transaction() as uow:
            for p in made:
                uow.payments.add(p)
            uow.payments.add(payment("o1", "p2", "9.00", invoice_id="i"))
        with store.transaction(write=False) as uow:
            for p in made:
                assert exact(uow.payments.get("o0", p.id)) == exact(p)
            listed = uow.payments.list
            assert [p.id for p in listed("o0", PaymentFilter())] == ["p3", "p1", "p2"]
            assert [p.id for p in listed("o0", PaymentFilter(invoice_id="i"))] == ["p1", "p2"]
            # a payment of no job is its invoice's customer's
            assert [p.id for p in listed("o0", PaymentFilter(customer_id="c2"))] == ["p1", "p2"]
            assert [p.id for p in listed("o0", PaymentFilter(customer_id="c1"))] == ["p3"]
            assert [p.id for p in listed("o0", PaymentFilter(job_id="j3"))] == ["p1"]
            assert list(listed("o0", PaymentFilter(invoice_id="none"))) == []
            assert [p.id for p in listed("o1", PaymentFilter())] == ["p2"]
        voided = attrs.evolve(made[1], voided_at=T0, void_reason="bounced", version=2)
        with store.transaction() as uow:
            uow.payments.update(voided)
        with store.transaction(write=False) as uow:
            assert exact(uow.payments.get("o0", "p2")) == exact(voided)
            assert [p.id for p in uow.payments.list("o0", PaymentFilter(voided=True))] == ["p2"]
            assert uow.payments.get("o1", "p2") == payment("o1", "p2", "9.00", invoice_id="i")

    # -- settings and numbering ----------------------------------------------------------
    @prop(data=st.data())
    def test_settings_read_back_exactly_per_owner(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = _owners(store)
        with store.transaction(write=False) as uow:
            assert [uow.billing.get(o.id) for o in owners] == [None, None]
        first = data.draw(billing_settings("o0"))
        with store.transaction() as uow:
            uow.billing.put(first)
        with store.transaction(write=False) as uow:
            assert exact(uow.billing.get("o0")) == exact(first)
            assert uow.billing.get("o1") is None
        second, theirs = data.draw(billing_settings("o0")), data.draw(billing_settings("o1"))
        with store.transaction() as uow:
            uow.billing.put(second)
            uow.billing.put(theirs)
        with store.transaction(write=False) as uow:
            assert exact(uow.billing.get("o0")) == exact(second)
            assert exact(uow.billing.get("o1")) == exact(theirs)

    @prop(
        steps=st.lists(
            st.tuples(
                st.sampled_from(["next", "rollback", "nested", "set"]),
                st.sampled_from(["o0", "o1"]),
                st.sampled_from(list(Series)),
                st.sampled_from([0, 2025, 2026]),
                st.integers(1, 30),
            ),
            max_size=25,
        )
    )
    def test_numbers_are_gapless_per_owner_series_and_period(
        self, steps: list[tuple[str, str, Series, int, int]]
    ) -> None:
        store = self.make_store()
        _owners(store)
        model: dict[tuple[str, Series, int], int] = {}

        class Undo(Exception):
            pass

        for step, owner, series, period, last in steps:
            key = (owner, series, period)
            expected = model.get(key, 0) + 1
            if step == "next":
                with store.transaction() as uow:
                    assert uow.billing.next_number(owner, series, period) == expected
                model[key] = expected
            elif step == "rollback":  # taken, then the unit of work fails: not used up
                try:
                    with store.transaction() as uow:
                        assert uow.billing.next_number(owner, series, period) == expected
                        raise Undo
                except Undo:
                    pass
            elif step == "nested":  # a savepoint rolled back gives its number back
                with store.transaction() as uow:
                    try:
                        with store.transaction() as inner:
                            assert inner.billing.next_number(owner, series, period) == expected
                            raise Undo
                    except Undo:
                        pass
                    assert uow.billing.next_number(owner, series, period) == expected
                    assert uow.billing.next_number(owner, series, period) == expected + 1
                model[key] = expected + 1
            else:  # a restore: never down
                with store.transaction() as uow:
                    uow.billing.set_number(owner, series, period, last)
                model[key] = max(model.get(key, 0), last)
        with store.transaction(write=False) as uow:
            for o in ("o0", "o1"):
                want = sorted((k[1], k[2], n) for k, n in model.items() if k[0] == o)
                assert sorted(uow.billing.last_numbers(o)) == want

    # -- the invoice questions -----------------------------------------------------------
    @costly
    @prop(data=st.data())
    def test_invoice_questions_equal_the_kits_answers(self, data: st.DataObject) -> None:
        store = self.make_store()
        owners = _owners(store)
        customers: dict[str, list[Customer]] = {}
        made: dict[str, list[Invoice]] = {}
        for owner in owners:
            o = owner.id
            customers[o] = data.draw(_some_customers(o))
            cids = [c.id for c in customers[o]]
            made[o] = []
            ids = data.draw(
                st.lists(st.text("ijk0123", min_size=1, max_size=3), max_size=10, unique=True)
            )
            for n, iid in enumerate(ids, 1):
                issued = [i for i in made[o] if i.kind is InvoiceKind.INVOICE and i.number]
                corrects = (
                    data.draw(st.none() | st.sampled_from([i.id for i in issued]))
                    if issued and data.draw(st.integers(0, 4)) == 0
                    else None
                )
                # numbers with ties in their text order, so that the order by number shows
                number = data.draw(st.sampled_from(["A-{}", "{}", "B{:03d}"])).format(n)
                made[o].append(data.draw(invoices(o, cids, (), iid, number, corrects)))
        with store.transaction() as uow:
            for owner in owners:
                for customer in customers[owner.id]:
                    uow.customers.add(customer)
                for i in made[owner.id]:
                    uow.invoices.add(i)
        expected = ReferenceReports(
            _Listed(customers, lambda c: (c.name, c.id)),  # type: ignore[arg-type]
            _Listed({}, lambda j: j.id),  # type: ignore[arg-type]
            _Listed({}, lambda p: p.id),  # type: ignore[arg-type]
            _Listed(made, lambda i: (i.created_at, i.id)),  # type: ignore[arg-type]
        )
        with store.transaction(write=False) as uow:
            got = uow.reports
            for owner in owners:
                o = owner.id
                # report days on the edges: an invoice due that day, or 30, 60, 90 days
                # before (and the days after), as well as any day
                dues = sorted({i.due_on for i in made[o] if i.due_on is not None})
                edges = st.builds(
                    lambda due, late: due + timedelta(days=late),
                    st.sampled_from(dues),
                    st.sampled_from([0, 1, 30, 31, 60, 61, 90, 91]),
                )
                days = data.draw(st.lists(edges, min_size=1, max_size=4)) if dues else []
                days += [
                    TODAY - timedelta(days=back - 30)
                    for back in data.draw(st.lists(days_back, max_size=2))
                ]
                for day in [TODAY, *days]:
                    bounds = [day - timedelta(days=n) for n in (0, 30, 60, 90)]
                    assert list(got.invoice_aging(o, bounds)) == list(
                        expected.invoice_aging(o, bounds)
                    )
                    for limit in (0, 1, 3, 50):
                        want = list(expected.overdue_invoices(o, day, limit))
                        assert [exact(i) for i in got.overdue_invoices(o, day, limit)] == [
                            exact(i) for i in want
                        ]


__all__ = ["BillingPortContract", "billing_settings", "exact", "invoices", "lines", "quotes"]
