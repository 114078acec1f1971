"""The contract for quotes, invoices, credit notes and payments made to invoices, through
the service (:class:`BillingContract`): the lifecycles, gapless numbering, tenancy,
retries, versions, validation, deletes, the history and the change feed; and two
properties over random input: a document's figures always add up, and the money a
random sequence of invoice payments and voids leaves on each invoice and job is what
their standing payments add up to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core.documents import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
)
from jobtrack_core.entities import (
    Action,
    Customer,
    Deleted,
    Job,
    Payment,
    PaymentKind,
    RecordKind,
)
from jobtrack_core.errors import ConflictError, NotFoundError, ValidationError, VersionConflict
from jobtrack_core.money import ZERO
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.service import Workspace
from jobtrack_core.status import JobStatus
from jobtrack_core.tax import cents, line_amount
from jobtrack_core.testing.base import Contract, business, costly, prop
from jobtrack_core.testing.fakes import PASSWORD, FakeClock
from jobtrack_core.testing.ledger_contract import check_ledger

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
TODAY = T0.date()
CENTS = Decimal("0.01")

#: The business's tax rates in the contract's tests.
RATES = [{"name": "VAT", "rate": "20"}, {"name": "reduced", "rate": "5"}]


def _labour(hours: str = "2.5", price: object = "40", **more: Any) -> dict[str, Any]:
    return {"description": "Labour", "quantity": hours, "unit": "h", "unit_price": price} | more


def _raises(
    call: Callable[[], object], kind: type[Exception], check: Callable[[Any], bool]
) -> None:
    """``call()`` raises ``kind`` and ``check`` holds of the error."""
    try:
        call()
    except kind as exc:
        assert check(exc), exc
    else:
        raise AssertionError(f"no {kind.__name__} was raised")


def _conflict(call: Callable[[], object], field: str) -> None:
    _raises(call, ConflictError, lambda e: e.field == field)


def _invalid(call: Callable[[], object], *fields: str) -> None:
    _raises(call, ValidationError, lambda e: set(e.fields) == set(fields))


def _missing(call: Callable[[], object], kind: str) -> None:
    _raises(call, NotFoundError, lambda e: e.kind == kind)


class BillingContract(Contract):
    """Quotes, invoices and payments made to invoices, through the service."""

    def make_store(self) -> Store:
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------------
    def _billing(
        self, zone: str = "UTC", *, inclusive: bool = False, **settings: Any
    ) -> tuple[Workspace, FakeClock, Customer]:
        ws, clock = business(self.make_store(), T0, zone, "b@example.com", "B")
        ws.update_billing(
            tax_rates=RATES, default_tax="VAT", prices_include_tax=inclusive, **settings
        )
        return ws, clock, ws.add_customer("Ada")

    def _completed(self, ws: Workspace, customer: Customer, cost: str = "100.00") -> Job:
        job = ws.create_job(customer.id, f"Job costing {cost}")
        ws.start_job(job.id)
        return ws.complete_job(job.id, actual_cost=cost)

    def _issued(self, ws: Workspace, customer: Customer, *costs: str, **issue: Any) -> Invoice:
        """An issued invoice billing a new completed job of each cost."""
        jobs = [self._completed(ws, customer, cost) for cost in costs]
        draft = ws.create_invoice(customer.id, job_ids=[j.id for j in jobs])
        return ws.issue_invoice(draft.id, **issue)

    # -- quotes -------------------------------------------------------------------------
    def test_a_quote_sent_and_accepted_makes_its_job(self) -> None:
        ws, clock, customer = self._billing()
        quote = ws.create_quote(
            customer.id,
            "New fence",
            lines=[_labour(), {"description": "Posts", "quantity": "4", "unit_price": "12.5"}],
            notes="Cedar posts",
        )
        assert (quote.status, quote.number, quote.issued_on, quote.version) == (
            QuoteStatus.DRAFT,
            None,
            None,
            1,
        )
        assert (quote.subtotal, quote.tax, quote.total) == (
            Decimal("150.00"),
            Decimal("30.00"),
            Decimal("180.00"),
        )
        assert quote.lines[0].tax_name == "VAT" and quote.currency == "USD"
        clock.tick()
        quote = ws.update_quote(
            quote.id, lines=[_labour("3"), _labour("1", "10", tax=None)], if_version=1
        )
        assert (quote.version, quote.total) == (2, Decimal("154.00"))  # 120 + 24 tax + 10
        assert ws.get_quote(quote.id) == quote
        sent = ws.send_quote(quote.id, if_version=2)
        assert (sent.status, sent.number, sent.issued_on, sent.valid_until) == (
            QuoteStatus.SENT,
            "Q-2025-0001",
            TODAY,
            TODAY + timedelta(days=30),
        )
        _conflict(lambda: ws.update_quote(quote.id, title="Another"), "status")
        _conflict(lambda: ws.send_quote(quote.id), "status")
        _conflict(lambda: ws.delete_quote(quote.id), "status")
        accepted = ws.accept_quote(quote.id)
        assert accepted.status is QuoteStatus.ACCEPTED and accepted.decided_at == clock()
        assert accepted.job_id is not None
        job = ws.get_job(accepted.job_id)
        assert (
            job.title,
            job.customer_id,
            job.description,
            job.status,
            job.estimated_cost,
            job.estimated_hours,
        ) == (
            "New fence",
            customer.id,
            "Cedar posts",
            JobStatus.PENDING,
            Decimal("154.00"),
            Decimal("4.00"),
        )
        assert ws.quote_of_job(job.id) == accepted
        assert ws.list_quotes(status="accepted") == [accepted]
        assert ws.list_quotes(customer_id="nobody") == []
        actions = [e.action for e in ws.history(RecordKind.QUOTE, quote.id)]
        assert actions == [Action.ACCEPTED, Action.SENT, Action.UPDATED, Action.CREATED]
        _conflict(lambda: ws.decline_quote(quote.id), "status")

    def test_a_quote_is_declined_or_expires(self) -> None:
        ws, clock, customer = self._billing(quote_valid_days=10)
        empty = ws.create_quote(customer.id, "Nothing yet")
        _invalid(lambda: ws.send_quote(empty.id), "lines")
        assert ws.delete_quote(empty.id) == Deleted(quotes=1)
        _missing(lambda: ws.get_quote(empty.id), "quote")
        declined = ws.create_quote(customer.id, "Shed", lines=[_labour()])
        ws.send_quote(declined.id)
        declined = ws.decline_quote(declined.id)
        assert declined.status is QuoteStatus.DECLINED and declined.job_id is None
        _conflict(lambda: ws.accept_quote(declined.id), "status")
        early = ws.create_quote(customer.id, "Gate", lines=[_labour()])
        late = ws.create_quote(
            customer.id, "Roof", lines=[_labour()], valid_until=TODAY + timedelta(days=40)
        )
        early = ws.send_quote(early.id)
        late = ws.send_quote(late.id)
        assert (early.number, late.number) == ("Q-2025-0002", "Q-2025-0003")
        assert early.valid_until == TODAY + timedelta(days=10)
        assert late.valid_until == TODAY + timedelta(days=40)
        clock.now = T0 + timedelta(days=10)
        assert ws.expire_quotes() == ()  # valid through its last day
        clock.now = T0 + timedelta(days=11)
        _conflict(lambda: ws.accept_quote(early.id), "valid_until")
        (expired,) = ws.expire_quotes()
        assert (expired.id, expired.status) == (early.id, QuoteStatus.EXPIRED)
        assert expired.decided_at == clock()
        assert ws.expire_quotes() == ()
        assert ws.accept_quote(late.id).status is QuoteStatus.ACCEPTED
        assert [e.action for e in ws.history(RecordKind.QUOTE, early.id)][:1] == [Action.EXPIRED]

    # -- invoices -----------------------------------------------------------------------
    def test_an_invoice_is_issued_then_paid_in_parts(self) -> None:
        ws, clock, customer = self._billing()
        job = self._completed(ws, customer, "150.00")
        draft = ws.create_invoice(
            customer.id,
            job_ids=[job.id],
            lines=[{"description": "Call-out", "quantity": "1", "unit_price": "25"}],
            notes="Thanks",
        )
        assert (draft.status, draft.number, draft.total) == (
            InvoiceStatus.DRAFT,
            None,
            Decimal("210.00"),
        )
        assert draft.lines[0] == Line(
            description=job.title,
            quantity=Decimal("1.000"),
            unit=None,
            unit_price=Decimal("150.00"),
            tax_name="VAT",
            tax_rate=Decimal("20.000"),
            job_id=job.id,
        )
        assert ws.invoices_of_job(job.id) == [draft] and draft.balance == ZERO
        draft = ws.update_invoice(draft.id, notes="Thank you", if_version=1)
        clock.tick()
        issued = ws.issue_invoice(draft.id, if_version=2)
        assert (issued.status, issued.number, issued.issued_on, issued.due_on) == (
            InvoiceStatus.ISSUED,
            "INV-2025-0001",
            TODAY,
            TODAY + timedelta(days=30),
        )
        assert (issued.balance, issued.version, issued.updated_at) == (
            Decimal("210.00"),
            3,
            clock(),
        )
        _conflict(lambda: ws.update_invoice(issued.id, notes="Changed"), "status")
        _conflict(lambda: ws.issue_invoice(issued.id), "status")
        _conflict(lambda: ws.delete_invoice(issued.id), "status")
        _invalid(lambda: ws.pay_invoice(issued.id, "210.01", method="card"), "amount")
        first = ws.pay_invoice(issued.id, "100", method="card")
        assert [(p.job_id, p.invoice_id, p.amount) for p in first] == [
            (job.id, issued.id, Decimal("100.00"))
        ]
        part = ws.get_invoice(issued.id)
        assert (part.status, part.amount_paid, part.balance) == (
            InvoiceStatus.PARTLY_PAID,
            Decimal("100.00"),
            Decimal("110.00"),
        )
        rest = ws.pay_invoice(issued.id, "110", method="cash", reference="R-1")
        assert [(p.job_id, p.amount) for p in rest] == [
            (job.id, Decimal("50.00")),
            (None, Decimal("60.00")),
        ]
        paid = ws.get_invoice(issued.id)
        assert (paid.status, paid.balance) == (InvoiceStatus.PAID, ZERO)
        assert ws.get_job(job.id).paid and ws.get_job(job.id).amount_paid == Decimal("150.00")
        _invalid(lambda: ws.pay_invoice(issued.id, "1", method="card"), "amount")
        assert [p.id for p in ws.payments_of_invoice(issued.id)] == [
            p.id
            for p in sorted((*first, *rest), key=lambda p: (p.received_on, p.recorded_at, p.id))
        ]
        assert ws.list_invoices(status="paid") == [paid]
        assert ws.list_invoices(kind="credit_note") == []
        actions = [e.action for e in ws.history(RecordKind.INVOICE, issued.id)]
        assert actions == [
            Action.UPDATED,
            Action.UPDATED,
            Action.ISSUED,
            Action.UPDATED,
            Action.CREATED,
        ]

    def test_a_void_invoice_keeps_its_number_and_it_is_never_given_again(self) -> None:
        ws, clock, customer = self._billing()
        wrong = self._issued(ws, customer, "60.00")
        (payment,) = ws.pay_invoice(wrong.id, "10", method="cash")
        _conflict(lambda: ws.void_invoice(wrong.id, "wrong address"), "payments")
        ws.void_payment(payment.id, "returned")
        assert ws.get_invoice(wrong.id).status is InvoiceStatus.ISSUED
        _invalid(lambda: ws.void_invoice(wrong.id, ""), "reason")
        clock.tick()
        voided = ws.void_invoice(wrong.id, "wrong address")
        assert (voided.status, voided.number, voided.void_reason, voided.voided_at) == (
            InvoiceStatus.VOID,
            "INV-2025-0001",
            "wrong address",
            clock(),
        )
        assert voided.balance == ZERO
        _conflict(lambda: ws.void_invoice(wrong.id, "again"), "status")
        _conflict(lambda: ws.pay_invoice(wrong.id, "1", method="cash"), "status")
        _conflict(lambda: ws.credit_invoice(wrong.id), "status")
        (job_id,) = voided.job_ids
        again = ws.issue_invoice(ws.create_invoice(customer.id, job_ids=[job_id]).id)
        assert again.number == "INV-2025-0002"
        _conflict(lambda: ws.create_invoice(customer.id, job_ids=[job_id]), "job_ids")
        (last, *_) = ws.history(RecordKind.INVOICE, wrong.id)
        assert last.action is Action.VOIDED

    def test_a_credit_note_lowers_what_the_invoice_asks(self) -> None:
        ws, _, customer = self._billing()
        invoice = self._issued(ws, customer, "100.00", "50.00")  # 150 + 30 tax = 180
        note = ws.credit_invoice(
            invoice.id, lines=[{"description": "Goodwill", "quantity": "1", "unit_price": "10"}]
        )
        assert (note.kind, note.status, note.number, note.corrects, note.total) == (
            InvoiceKind.CREDIT_NOTE,
            InvoiceStatus.ISSUED,
            "CN-2025-0001",
            invoice.id,
            Decimal("12.00"),
        )
        assert (note.amount_paid, note.balance, note.currency) == (ZERO, ZERO, invoice.currency)
        after = ws.get_invoice(invoice.id)
        assert (after.amount_credited, after.balance, after.status) == (
            Decimal("12.00"),
            Decimal("168.00"),
            InvoiceStatus.PARTLY_PAID,
        )
        _invalid(
            lambda: ws.credit_invoice(
                invoice.id,
                lines=[{"description": "Too much", "quantity": "1", "unit_price": "140.01"}],
            ),
            "lines",
        )
        _conflict(lambda: ws.void_invoice(invoice.id, "no"), "credit_notes")
        _conflict(lambda: ws.credit_invoice(note.id), "status")
        _conflict(lambda: ws.pay_invoice(note.id, "1", method="cash"), "status")
        _conflict(lambda: ws.void_invoice(note.id, "no"), "status")
        ws.pay_invoice(invoice.id, "100", method="card")
        rest = ws.credit_invoice(
            invoice.id,
            lines=[{"description": "Rest", "quantity": "1", "unit_price": "56.67"}],
        )
        assert rest.total == Decimal("68.00")  # 56.67 + 11.33 tax (11.334 rounded)
        settled = ws.get_invoice(invoice.id)
        assert (settled.status, settled.balance) == (InvoiceStatus.PAID, ZERO)
        assert [e.action for e in ws.history(RecordKind.INVOICE, note.id)] == [Action.ISSUED]
        assert ws.list_invoices(kind="credit_note") == [rest, note]
        _invalid(lambda: ws.credit_invoice(invoice.id), "lines")  # the full credit: too much
        _conflict(lambda: ws.delete_invoice(note.id), "status")

    def test_numbers_are_gapless_per_series_and_restart_each_year(self) -> None:
        ws, clock, customer = self._billing()
        first = self._issued(ws, customer, "10.00")
        second = self._issued(ws, customer, "20.00")
        quote = ws.send_quote(ws.create_quote(customer.id, "Q", lines=[_labour()]).id)
        assert (first.number, second.number, quote.number) == (
            "INV-2025-0001",
            "INV-2025-0002",
            "Q-2025-0001",
        )
        backdated = self._issued(ws, customer, "5.00", issued_on="2024-12-31")
        assert backdated.number == "INV-2024-0001"  # the year of the issue date
        clock.now = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
        assert self._issued(ws, customer, "30.00").number == "INV-2026-0001"
        ws.update_billing(invoice_format="F{number:05d}")  # numbers that never restart
        assert self._issued(ws, customer, "1.00").number == "F00001"
        clock.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
        assert self._issued(ws, customer, "2.00").number == "F00002"
        _invalid(lambda: self._issued(ws, customer, "3.00", issued_on="2027-03-02"), "issued_on")
        _invalid(
            lambda: self._issued(ws, customer, "3.00", due_on="2027-02-28"),
            "due_on",
        )
        assert self._issued(ws, customer, "3.00").number == "F00003"  # no gap was left

    def test_a_rolled_back_issue_gives_its_number_back(self) -> None:
        ws, _, customer = self._billing()
        job = self._completed(ws, customer)
        draft = ws.create_invoice(customer.id, job_ids=[job.id])

        class Abort(Exception):
            pass

        try:
            with ws.atomic():
                assert ws.issue_invoice(draft.id).number == "INV-2025-0001"
                raise Abort
        except Abort:
            pass
        assert ws.get_invoice(draft.id).status is InvoiceStatus.DRAFT
        assert ws.issue_invoice(draft.id).number == "INV-2025-0001"
        assert self._issued(ws, customer, "9.00").number == "INV-2025-0002"

    # -- tenancy, retries, versions, validation -------------------------------------------
    def test_another_business_finds_no_quote_or_invoice_of_this_one(self) -> None:
        ws, _, customer = self._billing()
        quote = ws.create_quote(customer.id, "Mine", lines=[_labour()])
        invoice = self._issued(ws, customer, "80.00")
        draft = ws.create_invoice(customer.id, lines=[_labour()])
        other = ws.app.workspace(
            ws.app.register(email="o@example.com", password=PASSWORD, name="O").id
        )
        theirs = other.add_customer("Bob")
        for record_id in (quote.id, "no-such-quote"):
            calls: list[Callable[[], object]] = [
                partial(other.get_quote, record_id),
                partial(other.update_quote, record_id, title="Taken"),
                partial(other.send_quote, record_id),
                partial(other.accept_quote, record_id),
                partial(other.decline_quote, record_id),
                partial(other.delete_quote, record_id),
            ]
            for call in calls:
                _missing(call, "quote")
        for record_id in (invoice.id, draft.id, "no-such-invoice"):
            calls = [
                partial(other.get_invoice, record_id),
                partial(other.update_invoice, record_id, notes="Taken"),
                partial(other.issue_invoice, record_id),
                partial(other.void_invoice, record_id, "mine"),
                partial(other.credit_invoice, record_id),
                partial(other.delete_invoice, record_id),
                partial(other.pay_invoice, record_id, "1", method="cash"),
                partial(other.payments_of_invoice, record_id),
            ]
            for call in calls:
                _missing(call, "invoice")
        _missing(lambda: other.create_quote(customer.id, "Theirs"), "customer")
        _missing(lambda: other.create_invoice(customer.id), "customer")
        _missing(lambda: other.create_invoice(theirs.id, job_ids=invoice.job_ids), "job")
        _missing(lambda: other.invoices_of_job(invoice.job_ids[0]), "job")
        assert other.list_quotes() == [] and other.list_invoices() == []
        assert other.invoice_aging().customers == () and other.overdue_invoices() == ()
        assert other.billing_settings().tax_rates == ()
        assert ws.get_invoice(invoice.id) == invoice and ws.get_quote(quote.id) == quote

    def test_a_create_sent_again_with_its_id_is_done_once(self) -> None:
        ws, _, customer = self._billing()
        quote = ws.create_quote(customer.id, "Fence", lines=[_labour()], id="q-1")
        assert ws.create_quote(customer.id, "Fence", lines=[_labour()], id="q-1") == quote
        _conflict(lambda: ws.create_quote(customer.id, "Other", id="q-1"), "id")
        sent = ws.send_quote(quote.id)
        assert ws.create_quote(customer.id, "Fence", lines=[_labour()], id="q-1") == sent
        job = self._completed(ws, customer)
        invoice = ws.create_invoice(customer.id, job_ids=[job.id], id="i-1")
        assert ws.create_invoice(customer.id, job_ids=[job.id], id="i-1") == invoice
        _conflict(lambda: ws.create_invoice(customer.id, lines=[_labour()], id="i-1"), "id")
        assert len(ws.list_quotes()) == 1 and len(ws.list_invoices()) == 1
        ws.issue_invoice(invoice.id)
        paid = ws.pay_invoice(invoice.id, "120", method="card", id="pay-1")
        assert [p.id for p in paid] == ["pay-1", "pay-1-2"]
        assert ws.pay_invoice(invoice.id, "120", method="card", id="pay-1") == paid
        _conflict(lambda: ws.pay_invoice(invoice.id, "5", method="card", id="pay-1"), "id")
        assert ws.get_invoice(invoice.id).amount_paid == Decimal("120.00")
        assert ws.get_job(job.id).amount_paid == Decimal("100.00")

    def test_a_stale_version_changes_nothing(self) -> None:
        ws, _, customer = self._billing()
        quote = ws.create_quote(customer.id, "Fence", lines=[_labour()])
        ws.update_quote(quote.id, title="Fence and gate")
        calls: list[Callable[[], object]] = [
            lambda: ws.update_quote(quote.id, title="Stale", if_version=1),
            lambda: ws.send_quote(quote.id, if_version=1),
            lambda: ws.delete_quote(quote.id, if_version=1),
        ]
        for call in calls:
            _raises(call, VersionConflict, lambda e: e.current == ws.get_quote(quote.id))
        draft = ws.create_invoice(customer.id, lines=[_labour()])
        ws.update_invoice(draft.id, notes="Now")
        calls = [
            lambda: ws.update_invoice(draft.id, notes="Stale", if_version=1),
            lambda: ws.issue_invoice(draft.id, if_version=1),
        ]
        for call in calls:
            _raises(call, VersionConflict, lambda e: e.field == "version")
        issued = ws.issue_invoice(draft.id, if_version=2)
        _raises(lambda: ws.void_invoice(issued.id, "late", if_version=2), VersionConflict, bool)
        _raises(lambda: ws.credit_invoice(issued.id, if_version=2), VersionConflict, bool)
        _raises(lambda: ws.pay_invoice(issued.id, "1", if_version=2), VersionConflict, bool)
        assert ws.get_invoice(issued.id) == issued  # nothing credited, nothing paid
        paid = ws.pay_invoice(issued.id, "1", id="p-1", if_version=issued.version)
        assert ws.pay_invoice(issued.id, "1", id="p-1", if_version=issued.version) == paid
        moved = ws.get_invoice(issued.id)
        assert ws.credit_invoice(issued.id, lines=[_labour("1", "1")], if_version=moved.version)
        settings = ws.billing_settings()
        _raises(
            lambda: ws.update_billing(payment_terms_days=14, if_version=settings.version - 1),
            VersionConflict,
            bool,
        )
        assert ws.update_billing(payment_terms_days=14, if_version=settings.version).version == (
            settings.version + 1
        )
        assert ws.get_quote(quote.id).title == "Fence and gate"

    def test_bad_requests_are_refused_naming_each_field(self) -> None:
        ws, _, customer = self._billing()
        pending = ws.create_job(customer.id, "Not done")
        cases: list[tuple[Mapping[str, Any], set[str]]] = [
            ({"title": ""}, {"title"}),
            ({"lines": [_labour("1.0001")]}, {"lines"}),
            ({"lines": [_labour(price=1.5)]}, {"lines"}),
            ({"lines": [_labour(tax="GST")]}, {"lines"}),
            ({"lines": [_labour("1", "10", discount="10.01")]}, {"lines"}),
            ({"lines": [_labour(colour="red")]}, {"lines"}),
            ({"lines": "Labour"}, {"lines"}),
            ({"valid_until": "soon", "notes": 7}, {"valid_until", "notes"}),
            ({"colour": "red"}, {"colour"}),
        ]
        for fields, names in cases:
            _invalid(partial(ws.create_quote, customer.id, **{"title": "Fence", **fields}), *names)
        _invalid(lambda: ws.create_invoice(customer.id, job_ids="j"), "job_ids")
        _invalid(lambda: ws.create_invoice(customer.id, job_ids=[pending.id]), "job_ids")
        _missing(lambda: ws.create_invoice(customer.id, job_ids=["nothing"]), "job")
        other = ws.add_customer("Bob")
        done = self._completed(ws, other)
        _invalid(lambda: ws.create_invoice(customer.id, job_ids=[done.id]), "job_ids")
        for settings, names in (
            ({"currency": "JPY"}, {"currency"}),
            ({"currency": "XYZ"}, {"currency"}),
            ({"default_tax": "GST"}, {"default_tax"}),
            ({"tax_rates": [{"name": "VAT", "rate": "101"}]}, {"tax_rates"}),
            ({"invoice_format": "INV-{year}"}, {"invoice_format"}),
            ({"payment_terms_days": -1, "user_id": "x"}, {"payment_terms_days", "user_id"}),
        ):
            _invalid(partial(ws.update_billing, **settings), *names)
        assert ws.list_quotes() == [] and ws.list_invoices() == []
        draft = ws.create_invoice(customer.id, lines=[_labour()])
        _invalid(lambda: ws.issue_invoice(draft.id, issued_on="2025-13-01"), "issued_on")
        _invalid(lambda: ws.issue_invoice(ws.create_invoice(customer.id).id), "lines")
        issued = ws.issue_invoice(draft.id)
        for amount, method in (("0", "cash"), ("1.001", "cash"), (1.5, "cash"), ("5", "gold")):
            _invalid(
                partial(ws.pay_invoice, issued.id, amount, method=method),
                "amount" if method == "cash" else "method",
            )
        assert ws.list_payments() == []

    # -- payments made to invoices -------------------------------------------------------
    def test_a_payment_pays_the_jobs_in_line_order_then_the_rest(self) -> None:
        ws, _, customer = self._billing()
        a = self._completed(ws, customer, "100.00")
        b = self._completed(ws, customer, "50.00")
        ws.add_payment(b.id, "20", method="cash")  # b owes 30 before it is invoiced
        invoice = ws.issue_invoice(
            ws.create_invoice(
                customer.id,
                job_ids=[a.id, b.id],
                lines=[{"description": "Skip hire", "quantity": "1", "unit_price": "15"}],
            ).id
        )
        assert invoice.total == Decimal("198.00")  # 165 + 33 tax
        first = ws.pay_invoice(invoice.id, "60", method="card")
        assert [(p.job_id, p.amount) for p in first] == [(a.id, Decimal("60.00"))]
        second = ws.pay_invoice(invoice.id, "80", method="card")
        assert [(p.job_id, p.amount) for p in second] == [
            (a.id, Decimal("40.00")),
            (b.id, Decimal("30.00")),
            (None, Decimal("10.00")),
        ]
        assert (ws.get_job(a.id).paid, ws.get_job(b.id).paid) == (True, True)
        assert ws.get_invoice(invoice.id).balance == Decimal("58.00")
        ws.void_payment(second[1].id, "bounced")
        back = ws.get_invoice(invoice.id)
        assert (back.amount_paid, back.balance, back.status) == (
            Decimal("110.00"),
            Decimal("88.00"),
            InvoiceStatus.PARTLY_PAID,
        )
        assert (ws.get_job(b.id).amount_paid, ws.get_job(b.id).paid) == (Decimal("20.00"), False)
        ws.void_payment(second[2].id, "bounced")
        assert ws.get_invoice(invoice.id).amount_paid == Decimal("100.00")
        again = ws.pay_invoice(invoice.id, "98", method="cash")
        assert [(p.job_id, p.amount) for p in again] == [
            (b.id, Decimal("30.00")),
            (None, Decimal("68.00")),
        ]
        assert ws.get_invoice(invoice.id).status is InvoiceStatus.PAID
        assert ws.balances().owed.amount == ZERO
        months = ws.cash_received(TODAY, TODAY + timedelta(days=1), by="day")
        assert months[0].cash.received == Decimal("20.00") + Decimal("198.00")
        # a payment of no job is its invoice's customer's
        assert ws.list_payments(customer_id=customer.id) == ws.list_payments()
        assert sum(1 for p in ws.list_payments() if p.job_id is None) == 2

    # -- deletes ------------------------------------------------------------------------
    def test_what_an_invoice_bills_is_not_deleted(self) -> None:
        ws, _, customer = self._billing()
        job = self._completed(ws, customer)
        draft = ws.create_invoice(customer.id, job_ids=[job.id])
        _conflict(lambda: ws.delete_job(job.id), "invoices")
        issued = ws.issue_invoice(draft.id)
        _conflict(lambda: ws.delete_job(job.id, with_payments=True), "invoices")
        _conflict(lambda: ws.delete_customer(customer.id, with_payments=True), "invoices")
        ws.void_invoice(issued.id, "wrong")
        _conflict(lambda: ws.delete_customer(customer.id), "invoices")  # void ones are kept
        assert ws.get_job(job.id) == job and ws.get_customer(customer.id) == customer

    def test_deleting_a_customer_deletes_its_quotes_and_drafts_with_history(self) -> None:
        ws, _, customer = self._billing()
        sent = ws.send_quote(ws.create_quote(customer.id, "Sent", lines=[_labour()]).id)
        accepted = ws.accept_quote(sent.id)
        draft_quote = ws.create_quote(customer.id, "Draft")
        assert accepted.job_id is not None
        done = self._completed(ws, customer)
        draft = ws.create_invoice(customer.id, job_ids=[done.id])
        gone = ws.delete_customer(customer.id)
        assert gone == Deleted(customers=1, jobs=2, quotes=2, invoices=1)
        for call, kind in (
            (lambda: ws.get_quote(sent.id), "quote"),
            (lambda: ws.get_quote(draft_quote.id), "quote"),
            (lambda: ws.get_invoice(draft.id), "invoice"),
        ):
            _missing(call, kind)
        deleted = ws.activity(actions=[Action.DELETED], kinds=["quote", "invoice"]).items
        assert {(e.kind, e.record_id, e.cause) for e in deleted} == {
            (RecordKind.QUOTE, sent.id, customer.id),
            (RecordKind.QUOTE, draft_quote.id, customer.id),
            (RecordKind.INVOICE, draft.id, customer.id),
        }
        tombstones = {(c.kind, c.id) for c in ws.changes().changes if c.deleted}
        assert (RecordKind.QUOTE, sent.id) in tombstones
        assert (RecordKind.INVOICE, draft.id) in tombstones

    def test_deleting_an_accepted_quotes_job_unlinks_the_quote(self) -> None:
        ws, _, customer = self._billing()
        quote = ws.accept_quote(
            ws.send_quote(ws.create_quote(customer.id, "Fence", lines=[_labour()]).id).id
        )
        assert quote.job_id is not None
        assert ws.delete_job(quote.job_id) == Deleted(jobs=1)
        unlinked = ws.get_quote(quote.id)
        assert (unlinked.job_id, unlinked.status, unlinked.version) == (
            None,
            QuoteStatus.ACCEPTED,
            quote.version + 1,
        )
        (entry, *_) = ws.history(RecordKind.QUOTE, quote.id)
        assert [(c.field, c.old, c.new) for c in entry.changes] == [("job_id", quote.job_id, None)]
        draft = ws.create_invoice(customer.id, lines=[_labour()])
        assert ws.delete_invoice(draft.id) == Deleted(invoices=1)

    # -- history, the feed, reports ------------------------------------------------------
    def test_the_history_keeps_lines_as_one_json_text_and_the_feed_carries_documents(
        self,
    ) -> None:
        ws, _, customer = self._billing()
        quote = ws.create_quote(customer.id, "Fence", lines=[_labour(discount="1.50")])
        (created,) = ws.history(RecordKind.QUOTE, quote.id)
        changes = {c.field: c.new for c in created.changes}
        assert changes["total"] == "118.20" and changes["status"] == "draft"
        assert isinstance(changes["lines"], str)
        assert json.loads(changes["lines"]) == [
            {
                "description": "Labour",
                "quantity": "2.500",
                "unit": "h",
                "unit_price": "40.00",
                "discount": "1.50",
                "tax_name": "VAT",
                "tax_rate": "20.000",
                "job_id": None,
            }
        ]
        batch = ws.changes()
        quote = ws.update_quote(quote.id, lines=[_labour("1")])
        (entry, *_) = ws.history(RecordKind.QUOTE, quote.id)
        assert {c.field for c in entry.changes} == {"lines", "subtotal", "tax", "total"}
        invoice = self._issued(ws, customer, "10.00")
        later = {(c.kind, c.id): c.record for c in ws.changes(batch.next).changes}
        assert later[(RecordKind.QUOTE, quote.id)] == quote
        assert later[(RecordKind.INVOICE, invoice.id)] == invoice
        kinds = {e.kind for e in ws.activity(kinds="invoice").items}
        assert kinds == {RecordKind.INVOICE}
        issued = ws.activity(kinds=["invoice"], actions=["issued"]).items
        assert [e.record_id for e in issued] == [invoice.id]

    def test_invoice_aging_counts_what_is_owed_by_days_past_due(self) -> None:
        ws, clock, customer = self._billing("Pacific/Auckland")
        cal = BusinessCalendar("Pacific/Auckland")
        today = cal.local_date(T0)
        due = [today - timedelta(days=n) for n in (-5, 0, 1, 30, 31, 60, 61, 90, 91)]
        made = []
        for n, day in enumerate(due):
            cost = f"{n + 1}0.00"
            issued_on = min(day, today) - timedelta(days=1)
            made.append(self._issued(ws, customer, cost, issued_on=issued_on, due_on=day))
        ws.pay_invoice(made[0].id, "5", method="cash")
        report = ws.invoice_aging()
        assert report.as_of == today
        assert [t.jobs for t in report.total.buckets] == [2, 2, 2, 2, 1]
        assert report.total.not_due.amount == Decimal("7.00") + Decimal("24.00")  # 12 - 5; 24
        assert report.total.total.amount == sum((i.total for i in made), ZERO) - Decimal("5")
        assert [row.customer.id for row in report.customers] == [customer.id]
        late = ws.overdue_invoices()
        assert [i.id for i in late] == [i.id for i in reversed(made[2:])]
        assert [i.id for i in ws.overdue_invoices(limit=2)] == [made[-1].id, made[-2].id]
        assert ws.overdue_invoices(limit=0) == ()
        assert tuple(i.id for i in ws.reminders().overdue_invoices) == tuple(i.id for i in late)
        earlier = ws.invoice_aging(today - timedelta(days=31))
        assert earlier.as_of == today - timedelta(days=31)
        clock.now = T0 + timedelta(days=400)
        assert [t.jobs for t in ws.invoice_aging().total.buckets] == [0, 0, 0, 0, 9]
        _invalid(lambda: ws.invoice_aging("someday"), "as_of")
        _invalid(lambda: ws.overdue_invoices(limit=-1), "limit")

    # -- properties ---------------------------------------------------------------------
    @prop(data=st.data())
    def test_figures_always_add_up(self, data: st.DataObject) -> None:
        rates = data.draw(
            st.lists(
                st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-3)),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        inclusive = data.draw(st.booleans())
        ws, _, customer = self._billing(inclusive=inclusive)
        ws.update_billing(
            tax_rates=[{"name": f"R{n}", "rate": r} for n, r in enumerate(rates)],
            default_tax="R0",
        )
        lines = data.draw(st.lists(_random_lines(len(rates)), min_size=1, max_size=8))
        quote = ws.create_quote(customer.id, "Random", lines=lines)
        assert ws.get_quote(quote.id) == quote
        check_figures(quote, inclusive)
        invoice = ws.create_invoice(customer.id, lines=lines)
        check_figures(ws.get_invoice(invoice.id), inclusive)

    @costly
    @prop(data=st.data())
    def test_money_on_invoices_and_jobs_is_what_their_payments_add_up_to(
        self, data: st.DataObject
    ) -> None:
        ws, _, customer = self._billing()
        costs = data.draw(st.lists(st.integers(1, 30_000), min_size=1, max_size=3))
        jobs = [self._completed(ws, customer, str(Decimal(c).scaleb(-2))) for c in costs]
        extra = data.draw(st.sampled_from([[], [_labour("1", "7.77", tax=None)]]))
        groups = data.draw(st.sampled_from([[jobs], [jobs[:1], jobs[1:]]]))
        invoices = [
            ws.issue_invoice(
                ws.create_invoice(customer.id, job_ids=[j.id for j in group], lines=extra).id
            )
            for group in groups
            if group
        ]
        for _ in range(data.draw(st.integers(1, 10))):
            invoice = ws.get_invoice(data.draw(st.sampled_from(invoices)).id)
            standing = ws.list_payments(PaymentFilter(invoice_id=invoice.id, voided=False))
            step = data.draw(st.sampled_from(["pay", "pay", "void", "credit"]))
            if step == "void" and standing:
                ws.void_payment(data.draw(st.sampled_from(standing)).id, "random void")
            elif step == "credit" and invoice.total > invoice.amount_credited:
                room = int((invoice.total - invoice.amount_credited) * 100)
                price = Decimal(data.draw(st.integers(1, room))).scaleb(-2)
                line = {"description": "Credit", "quantity": "1", "unit_price": price}
                note = ws.credit_invoice(invoice.id, lines=[line | {"tax": None}])
                assert note.total == price
            elif invoice.balance > ZERO:
                cents_owed = int(invoice.balance * 100)
                amount = Decimal(data.draw(st.integers(1, cents_owed))).scaleb(-2)
                made = ws.pay_invoice(invoice.id, amount, method="cash")
                assert sum((p.amount for p in made), ZERO) == amount
            check_invoice_money(ws)


@st.composite
def _random_lines(draw: st.DrawFn, rates: int) -> dict[str, Any]:
    """A line request: a quantity with up to 3 places, a price, a discount up to the
    line, and one of ``rates`` rates (or the default, or none)."""
    quantity = Decimal(draw(st.integers(1, 100_000))).scaleb(-3)
    price = Decimal(draw(st.integers(0, 500_000))).scaleb(-2)
    gross = cents(quantity * price)
    discount = Decimal(draw(st.integers(0, int(gross * 100)))).scaleb(-2)
    line: dict[str, Any] = {
        "description": "Line",
        "quantity": str(quantity),
        "unit_price": str(price),
        "discount": str(draw(st.sampled_from([ZERO, discount]))),
    }
    tax = draw(st.sampled_from(["default", "none", *range(rates)]))
    if tax == "none":
        line["tax"] = None
    elif tax != "default":
        line["tax"] = f"R{tax}"
    return line


def _two_places(value: object) -> bool:
    return type(value) is Decimal and value.as_tuple().exponent == -2


def check_figures(doc: Quote | Invoice, inclusive: bool) -> None:
    """A document's figures: subtotal + tax is the total, the tax by rate adds up to the
    tax, each rate's lines make its base (and tax, prices including it), every amount a
    Decimal with two places."""
    made = doc.totals
    assert doc.subtotal + doc.tax == doc.total
    assert (made.subtotal, made.tax, made.total) == (doc.subtotal, doc.tax, doc.total)
    assert sum((r.tax for r in made.by_rate), ZERO) == doc.tax
    assert sum((r.base for r in made.by_rate), ZERO) == doc.subtotal
    for at in made.by_rate:
        amounts = sum(
            (
                line_amount(line.quantity, line.unit_price, line.discount)
                for line in doc.lines
                if line.tax_rate == at.rate
            ),
            ZERO,
        )
        # the tax of a rate is reckoned once, on the sum of its lines, rounded half up
        if inclusive:
            assert at.base + at.tax == amounts
            assert at.base == cents(amounts * 100 / (100 + at.rate))
        else:
            assert at.base == amounts
            assert at.tax == cents(amounts * at.rate / 100)
        assert all(_two_places(v) for v in (at.base, at.tax))
    values = [doc.subtotal, doc.tax, doc.total, *(line.amount for line in doc.lines)]
    assert all(_two_places(v) for v in values), values
    for line in doc.lines:
        assert not any(isinstance(v, float) for v in attrs.astuple(line, recurse=False))


def check_invoice_money(ws: Workspace) -> None:
    """Each invoice holds what its standing payments add up to and is credited what its
    credit notes do, each job holds what its own standing payments add up to, and
    payments of no job count for no job."""
    payments = ws.list_payments()
    notes = ws.list_invoices(kind="credit_note")
    for invoice in ws.list_invoices(kind="invoice"):
        mine = [p for p in payments if p.invoice_id == invoice.id]
        assert invoice.amount_paid == sum((_signed(p) for p in mine), ZERO), invoice
        credited = sum((n.total for n in notes if n.corrects == invoice.id), ZERO)
        assert invoice.amount_credited == credited <= invoice.total, invoice
        assert invoice.balance == invoice.total - invoice.amount_paid - credited
    jobs = ws.list_jobs()
    for job in jobs:
        mine = [p for p in payments if p.job_id == job.id]
        assert job.amount_paid == sum((_signed(p) for p in mine), ZERO), job
    check_ledger(jobs, payments)


def _signed(payment: Payment) -> Decimal:
    if payment.voided:
        return ZERO
    return -payment.amount if payment.kind is PaymentKind.REFUND else payment.amount


__all__ = ["BillingContract", "check_figures", "check_invoice_money"]
