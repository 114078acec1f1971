"""Quotes, invoices, billing settings and document numbers in the PostgreSQL store (schema
version 7): the repositories at the port, the store rules, the schema's own guards, and the
invoice reports against the reference store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import psycopg
import pytest
from psycopg_pool import ConnectionPool

from jobtrack_core.documents import (
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
from jobtrack_core.money import ZERO
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.queries import InvoiceFilter, PaymentFilter, QuoteFilter
from jobtrack_core.testing import strategies as js
from jobtrack_memory import MemoryStore
from jobtrack_postgres import PostgresStore
from jobtrack_postgres.errors import translate

T = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
D = Decimal


def user(n: int) -> User:
    return User(
        id=f"u{n}",
        email=f"u{n}@example.com",
        name=f"User {n}",
        business_name=None,
        password_hash=js.TEST_HASH,
        created_at=T,
        updated_at=T,
    )


def customer(owner: str, id: str, name: str | None = None) -> Customer:
    return Customer.parse(
        {"id": id, "user_id": owner, "name": name or f"Customer {id}"}
        | {"created_at": T, "updated_at": T}
    )


def job(owner: str, customer_id: str, id: str, cost: str | None = "100") -> Job:
    status = "completed" if cost else "pending"
    return Job.parse(
        {"id": id, "user_id": owner, "customer_id": customer_id, "title": f"Job {id}"}
        | {"status": status, "actual_cost": cost, "paid": False}
        | {"completed_at": T if cost else None, "created_at": T, "updated_at": T}
    )


def line(
    description: str = "Labour",
    quantity: str = "2.5",
    price: str = "40",
    *,
    discount: str = "0",
    tax: tuple[str, str] | None = ("VAT", "20"),
    job_id: str | None = None,
    unit: str | None = "h",
) -> Line:
    return Line.parse(
        {"description": description, "quantity": quantity, "unit": unit, "unit_price": price}
        | {"discount": discount, "job_id": job_id}
        | ({"tax_name": tax[0], "tax_rate": tax[1]} if tax else {})
    )


def quote(
    owner: str, customer_id: str, id: str, lines: tuple[Line, ...] = (), **fields: Any
) -> Quote:
    made = figures(lines, False)
    values: dict[str, Any] = {
        "id": id,
        "user_id": owner,
        "customer_id": customer_id,
        "number": None,
        "status": "draft",
        "title": f"Quote {id}",
        "notes": None,
        "lines": lines,
        "currency": "EUR",
        "prices_include_tax": False,
        "subtotal": made.subtotal,
        "tax": made.tax,
        "total": made.total,
        "issued_on": None,
        "valid_until": None,
        "decided_at": None,
        "job_id": None,
        "created_at": T,
        "updated_at": T,
    }
    return Quote.parse(values | fields)


def invoice(
    owner: str,
    customer_id: str,
    id: str,
    lines: tuple[Line, ...] = (line(),),
    *,
    number: str | None = None,
    due_on: date | None = None,
    paid: str = "0",
    **fields: Any,
) -> Invoice:
    made = figures(lines, False)
    issued = number is not None
    values: dict[str, Any] = {
        "id": id,
        "user_id": owner,
        "customer_id": customer_id,
        "kind": "invoice",
        "number": number,
        "status": "draft",
        "lines": lines,
        "notes": None,
        "currency": "EUR",
        "prices_include_tax": False,
        "subtotal": made.subtotal,
        "tax": made.tax,
        "total": made.total,
        "issued_on": min(date(2025, 1, 10), due_on or date.max) if issued else None,
        "due_on": (due_on or date(2025, 2, 9)) if issued else None,
        "amount_paid": paid,
        "amount_credited": "0",
        "corrects": None,
        "voided_at": None,
        "void_reason": None,
        "created_at": T,
        "updated_at": T,
    }
    if issued:
        values["status"] = settled_status(made.total, D(paid), ZERO).value
    return Invoice.parse(values | fields)


def payment(owner: str, id: str, amount: str, **fields: Any) -> Payment:
    values: dict[str, Any] = {
        "id": id,
        "user_id": owner,
        "job_id": None,
        "kind": "payment",
        "method": "card",
        "amount": amount,
        "received_on": date(2025, 2, 1),
        "reference": None,
        "note": None,
        "recorded_at": T,
    }
    return Payment.parse(values | fields)


@pytest.fixture
def world(store: PostgresStore) -> Iterator[PostgresStore]:
    """Two businesses, each with customers c1, c2 and jobs j1 (c1, completed), j2 (c2)."""
    with store.transaction() as uow:
        for n in (1, 2):
            uow.users.add(user(n))
            for c in ("c1", "c2"):
                uow.customers.add(customer(f"u{n}", c))
            uow.jobs.add(job(f"u{n}", "c1", "j1"))
            uow.jobs.add(job(f"u{n}", "c2", "j2"))
    yield store


# -- settings and numbers -----------------------------------------------------------------


def test_settings_round_trip_with_their_rates_in_order(world: PostgresStore) -> None:
    settings = BillingSettings.parse(
        {"user_id": "u1", "currency": "eur", "prices_include_tax": True}
        | {"tax_rates": [{"name": "VAT", "rate": "20"}, {"name": "reduced", "rate": "5.5"}]}
        | {"default_tax": "reduced", "invoice_format": "F{number:05d}", "tax_id": "FR1"}
        | {"updated_at": T, "version": 3}
    )
    with world.transaction() as uow:
        assert uow.billing.get("u1") is None
        uow.billing.put(settings)
        assert uow.billing.get("u1") == settings
        assert uow.billing.get("u2") is None
        changed = attrs.evolve(
            settings, tax_rates=(TaxRate(name="zero", rate=D("0.000")),), default_tax=None
        )
        uow.billing.put(changed)  # replaces: the old default rate goes with its row
        assert uow.billing.get("u1") == changed
    with world.transaction(write=False) as uow:
        found = uow.billing.get("u1")
        assert found == changed and found.tax_rates[0].rate.as_tuple().exponent == -3
    with pytest.raises(NotFoundError), world.transaction() as uow:
        uow.billing.put(attrs.evolve(settings, user_id="nobody"))


def test_numbers_count_per_owner_series_and_period(world: PostgresStore) -> None:
    with world.transaction() as uow:
        assert [uow.billing.next_number("u1", Series.INVOICE, 2025) for _ in range(3)] == [1, 2, 3]
        assert uow.billing.next_number("u1", Series.INVOICE, 2026) == 1
        assert uow.billing.next_number("u1", Series.QUOTE, 0) == 1
        assert uow.billing.next_number("u2", Series.INVOICE, 2025) == 1
        uow.billing.set_number("u1", Series.CREDIT_NOTE, 2025, 41)
        uow.billing.set_number("u1", Series.INVOICE, 2025, 1)  # never goes down
        assert uow.billing.last_numbers("u1") == [
            (Series.CREDIT_NOTE, 2025, 41),
            (Series.INVOICE, 2025, 3),
            (Series.INVOICE, 2026, 1),
            (Series.QUOTE, 0, 1),
        ]
        assert uow.billing.next_number("u1", Series.CREDIT_NOTE, 2025) == 42
    with pytest.raises(NotFoundError), world.transaction() as uow:
        uow.billing.next_number("nobody", Series.INVOICE, 2025)


class _Undo(Exception):
    pass


def test_a_number_taken_by_a_unit_of_work_that_rolls_back_is_handed_out_again(
    world: PostgresStore,
) -> None:
    with world.transaction() as uow:
        assert uow.billing.next_number("u1", Series.INVOICE, 2025) == 1
    with pytest.raises(_Undo), world.transaction() as uow:
        assert uow.billing.next_number("u1", Series.INVOICE, 2025) == 2
        raise _Undo
    with world.transaction() as uow:
        with pytest.raises(_Undo), world.transaction() as inner:  # a savepoint
            assert inner.billing.next_number("u1", Series.INVOICE, 2025) == 2
            raise _Undo
        assert uow.billing.next_number("u1", Series.INVOICE, 2025) == 2
    with world.transaction(write=False) as uow:
        assert uow.billing.last_numbers("u1") == [(Series.INVOICE, 2025, 2)]


# -- quotes -------------------------------------------------------------------------------


def test_a_quote_round_trips_with_its_lines_exactly(world: PostgresStore) -> None:
    lines = (
        line(),
        line("Parts", "3", "0.05", tax=None, unit=None),
        line("Odd", "0.333", "9.99", discount="0.50", tax=("reduced", "8.875")),
    )
    made = quote("u1", "c1", "q1", lines, notes="a\nb")
    with world.transaction() as uow:
        uow.quotes.add(made)
        assert uow.quotes.get("u1", "q1") == made
        assert uow.quotes.get("u2", "q1") is None
    with world.transaction(write=False) as uow:
        found = uow.quotes.get("u1", "q1")
        assert found == made
        assert found is not None
        assert [ln.quantity.as_tuple() for ln in found.lines] == [
            ln.quantity.as_tuple() for ln in lines
        ]
        assert found.lines[2].amount == lines[2].amount


def test_quotes_are_listed_updated_and_deleted(world: PostgresStore) -> None:
    q1 = quote("u1", "c1", "q1", (line(),))
    q2 = quote("u1", "c2", "q2", created_at=T + timedelta(hours=1))
    with world.transaction() as uow:
        uow.quotes.add(q1)
        uow.quotes.add(q2)
        assert uow.quotes.list("u1", QuoteFilter()) == [q2, q1]
        assert uow.quotes.list("u1", QuoteFilter(customer_id="c1")) == [q1]
        sent = quote(
            "u1",
            "c1",
            "q1",
            (line(), line("More", "1", "10")),
            number="Q-1",
            status="sent",
            issued_on=date(2025, 3, 1),
            valid_until=date(2025, 3, 31),
            version=2,
        )
        uow.quotes.update(sent)
        assert uow.quotes.get("u1", "q1") == sent
        assert uow.quotes.list("u1", QuoteFilter(status=QuoteStatus.SENT)) == [sent]
        with pytest.raises(NotFoundError):
            uow.quotes.update(attrs.evolve(sent, id="nope"))
        assert uow.quotes.delete("u1", "q2") == Deleted(quotes=1)
        assert uow.quotes.delete("u1", "q2") == Deleted()
        assert uow.quotes.list("u1", QuoteFilter()) == [sent]


def test_quote_rules_are_refused_without_spoiling_the_unit_of_work(world: PostgresStore) -> None:
    with world.transaction() as uow:
        sent = quote(
            "u1", "c1", "q1", (line(),), number="Q-1", status="sent", issued_on=date(2025, 3, 1)
        )
        uow.quotes.add(sent)
        with pytest.raises(NotFoundError) as caught:
            uow.quotes.add(quote("u1", "elsewhere", "q2"))
        assert caught.value.kind == "customer"
        with pytest.raises(ConflictError) as conflict:
            uow.quotes.add(attrs.evolve(sent, id="q2"))
        assert conflict.value.field == "number"
        with pytest.raises(ConflictError) as conflict:
            uow.quotes.add(attrs.evolve(sent, number="Q-2"))
        assert conflict.value.field == "id"
        with pytest.raises(NotFoundError) as caught:
            uow.invoices.add(invoice("u1", "c1", "i3", (line(job_id="ghost"),)))
        assert (caught.value.kind, caught.value.id) == ("job", "ghost")
        with pytest.raises(NotFoundError) as caught:
            uow.invoices.add(invoice("u1", "c9", "i3", (line(job_id="j1"),)))
        assert caught.value.kind == "customer"
        other = quote("u1", "c1", "q4", number="Q-2", status="sent", issued_on=date(2025, 3, 1))
        uow.quotes.add(other)
        with pytest.raises(ConflictError) as conflict:
            uow.quotes.update(attrs.evolve(other, number="Q-1"))
        assert conflict.value.field == "number"
        # another owner's customer is absent; the same number is free for another owner
        uow.quotes.add(attrs.evolve(sent, user_id="u2"))
        assert uow.quotes.get("u2", "q1") is not None
        assert {q.id for q in uow.quotes.list("u1", QuoteFilter())} == {"q1", "q4"}


def test_an_accepted_quotes_job_is_unlinked_when_the_job_is_deleted(world: PostgresStore) -> None:
    accepted = quote(
        "u1",
        "c1",
        "q1",
        (line(),),
        number="Q-1",
        status="accepted",
        issued_on=date(2025, 3, 1),
        decided_at=T,
        job_id="j1",
    )
    with world.transaction() as uow:
        uow.quotes.add(accepted)
        assert uow.quotes.of_job("u1", "j1") == accepted
        assert uow.quotes.of_job("u2", "j1") is None
        assert uow.jobs.delete("u1", "j1") == Deleted(jobs=1)
        assert uow.quotes.get("u1", "q1") == attrs.evolve(accepted, job_id=None)
        assert uow.quotes.of_job("u1", "j1") is None
        with pytest.raises(NotFoundError):
            uow.quotes.update(attrs.evolve(accepted, job_id="j1"))


# -- invoices -------------------------------------------------------------------------------


def test_invoices_round_trip_and_are_listed_by_job(world: PostgresStore) -> None:
    draft = invoice("u1", "c1", "i1", (line("Job", "1", "100", job_id="j1"), line()))
    issued = invoice("u1", "c2", "i2", (line(job_id="j2"),), number="INV-1", paid="20")
    with world.transaction() as uow:
        uow.invoices.add(draft)
        uow.invoices.add(issued)
        assert uow.invoices.get("u1", "i1") == draft
        assert uow.invoices.get("u1", "i2") == issued
        assert issued.status is InvoiceStatus.PARTLY_PAID
        assert uow.invoices.list("u1", InvoiceFilter(job_id="j1")) == [draft]
        assert uow.invoices.list("u1", InvoiceFilter(status=InvoiceStatus.DRAFT)) == [draft]
        assert uow.invoices.list("u1", InvoiceFilter(kind=InvoiceKind.CREDIT_NOTE)) == []
        assert uow.invoices.list("u2", InvoiceFilter()) == []


def test_an_invoice_is_written_again_whole_and_only_drafts_are_deleted(
    world: PostgresStore,
) -> None:
    draft = invoice("u1", "c1", "i1")
    with world.transaction() as uow:
        uow.invoices.add(draft)
        edited = invoice("u1", "c1", "i1", (line(), line("More", "1", "5")), version=2)
        uow.invoices.update(edited)
        assert uow.invoices.get("u1", "i1") == edited
        issued = invoice("u1", "c1", "i1", edited.lines, number="INV-1", version=3)
        uow.invoices.update(issued)
        paid = attrs.evolve(issued, amount_paid=issued.total, status=InvoiceStatus.PAID)
        uow.invoices.update(paid)
        assert uow.invoices.get("u1", "i1") == paid
        reordered = invoice("u1", "c2", "i1", edited.lines[::-1], number="INV-1", version=4)
        uow.invoices.update(reordered)
        assert uow.invoices.get("u1", "i1") == reordered
        with pytest.raises(NotFoundError) as missing:
            uow.invoices.update(attrs.evolve(reordered, customer_id="ghost"))
        assert missing.value.kind == "customer"
        with pytest.raises(NotFoundError) as missing:
            uow.invoices.update(invoice("u1", "c1", "i9"))
        assert missing.value.kind == "invoice"
        with pytest.raises(ConflictError) as caught:
            uow.invoices.delete("u1", "i1")
        assert caught.value.field == "status"
        uow.invoices.add(invoice("u1", "c1", "i2"))
        assert uow.invoices.delete("u1", "i2") == Deleted(invoices=1)
        assert uow.invoices.delete("u1", "i2") == Deleted()
        assert uow.invoices.get("u1", "i1") == reordered
        uow.invoices.add(invoice("u1", "c1", "named"))  # a draft that a payment names
        uow.payments.add(payment("u1", "p1", "1", invoice_id="named"))
        with pytest.raises(ConflictError) as caught:
            uow.invoices.delete("u1", "named")
        assert caught.value.field == "payments"
        # its customer goes with it, and with the payment
        assert uow.customers.delete("u1", "c1") == Deleted(
            customers=1, jobs=1, invoices=1, payments=1
        )


def test_numbers_are_unique_per_series_and_credit_notes_name_their_invoice(
    world: PostgresStore,
) -> None:
    with world.transaction() as uow:
        uow.invoices.add(invoice("u1", "c1", "i1", number="N-1"))
        with pytest.raises(ConflictError) as caught:
            uow.invoices.add(invoice("u1", "c1", "i2", number="N-1"))
        assert caught.value.field == "number"
        note = invoice(
            "u1", "c1", "cn1", number="N-1", kind="credit_note", corrects="i1", status="issued"
        )
        uow.invoices.add(note)  # another series: the same text is free
        assert uow.invoices.list("u1", InvoiceFilter(kind=InvoiceKind.CREDIT_NOTE)) == [note]
        with pytest.raises(NotFoundError) as missing:
            uow.invoices.add(attrs.evolve(note, id="cn2", number="N-2", corrects="ghost"))
        assert (missing.value.kind, missing.value.id) == ("invoice", "ghost")
        uow.invoices.add(invoice("u2", "c1", "i1", number="N-1"))  # another owner


def test_customers_and_jobs_billed_by_kept_invoices_are_not_deleted(
    world: PostgresStore,
) -> None:
    with world.transaction() as uow:
        uow.invoices.add(invoice("u1", "c1", "i1", (line(job_id="j1"),), number="N-1"))
        uow.invoices.add(invoice("u1", "c2", "i2", (line(job_id="j2"),)))  # a draft
        uow.quotes.add(quote("u1", "c2", "q1", (line(),)))
        refused: list[tuple[Callable[[str, str], Deleted], str]] = [
            (uow.customers.delete, "c1"),
            (uow.jobs.delete, "j1"),
            (uow.jobs.delete, "j2"),  # a draft bills it
        ]
        for delete, record_id in refused:
            with pytest.raises(ConflictError) as caught:
                delete("u1", record_id)
            assert caught.value.field == "invoices"
        # the unit of work goes on: the customer of only drafts and quotes goes with them
        assert uow.customers.delete("u1", "c2") == Deleted(
            customers=1, jobs=1, quotes=1, invoices=1
        )
        assert uow.invoices.get("u1", "i2") is None
        assert uow.invoices.get("u1", "i1") is not None
    with world.transaction() as uow:
        assert uow.users.delete("u1") == Deleted(
            users=1, customers=1, jobs=1, invoices=1, payments=0
        )
        assert uow.invoices.get("u1", "i1") is None
        assert uow.billing.last_numbers("u1") == []
        assert uow.invoices.get("u2", "i1") is None  # never was


def test_the_schema_refuses_what_the_store_would(
    world: PostgresStore, postgres_pool: ConnectionPool[Any]
) -> None:
    with world.transaction() as uow:
        uow.invoices.add(invoice("u1", "c1", "i1", (line(job_id="j1"),), number="N-1"))
    refused = (
        ("UPDATE invoices SET total_cents = total_cents + 1", psycopg.errors.CheckViolation),
        ("UPDATE invoices SET status = 'paid'", psycopg.errors.CheckViolation),
        ("UPDATE invoices SET number = NULL", psycopg.errors.CheckViolation),
        ("UPDATE invoices SET due_on = issued_on - 1", psycopg.errors.CheckViolation),
        ("UPDATE invoice_lines SET discount_cents = 1000000", psycopg.errors.CheckViolation),
        ("UPDATE invoice_lines SET tax_name = NULL", psycopg.errors.CheckViolation),
        (
            "INSERT INTO quotes (id, user_id, customer_id, status, title, currency, "
            "prices_include_tax, created_at, updated_at) "
            "VALUES ('q', 'u1', 'c1', 'draft', 'Q', 'EUR', false, now(), now()); "
            "INSERT INTO quote_lines (user_id, quote_id, position, description, "
            "quantity_thousandths, unit_price_cents, job_id) "
            "VALUES ('u1', 'q', 1, 'Work', 1000, 100, 'j1')",
            psycopg.errors.CheckViolation,  # a quote's lines bill no job
        ),
        (
            "INSERT INTO invoices (id, user_id, customer_id, kind, status, currency, "
            "prices_include_tax, created_at, updated_at) "
            "VALUES ('d', 'u1', 'c1', 'invoice', 'draft', 'EUR', false, now(), now()); "
            "INSERT INTO payments (id, user_id, invoice_id, kind, method, amount_cents, "
            "received_on, recorded_at) "
            "VALUES ('p', 'u1', 'd', 'payment', 'cash', 1, '2025-01-01', now()); "
            "DELETE FROM invoices WHERE id = 'd'",
            psycopg.errors.ForeignKeyViolation,
        ),
        ("DELETE FROM customers WHERE id = 'c1'", psycopg.errors.ForeignKeyViolation),
        ("DELETE FROM jobs WHERE id = 'j1'", psycopg.errors.ForeignKeyViolation),
        (
            "INSERT INTO payments (id, user_id, kind, method, amount_cents, received_on, "
            "recorded_at) VALUES ('p', 'u1', 'payment', 'cash', 1, '2025-01-01', now())",
            psycopg.errors.CheckViolation,
        ),
        (
            "INSERT INTO payments (id, user_id, invoice_id, kind, method, amount_cents, "
            "received_on, recorded_at) "
            "VALUES ('p', 'u2', 'i1', 'payment', 'cash', 1, '2025-01-01', now())",
            psycopg.errors.ForeignKeyViolation,
        ),
        (
            "INSERT INTO number_counters VALUES ('u1', 'receipt', 0, 1)",
            psycopg.errors.CheckViolation,
        ),
    )
    with postgres_pool.connection() as conn:
        for statement, error in refused:
            with pytest.raises(error), conn.transaction():
                conn.execute(statement)
        (amount,) = conn.execute("SELECT amount_cents FROM invoice_lines").fetchone() or (0,)
        assert amount == 10000  # 2.5 h at 40.00


# -- payments of no job --------------------------------------------------------------------


def test_a_payment_of_no_job_is_cash_and_no_jobs_money(world: PostgresStore) -> None:
    issued = invoice("u1", "c1", "i1", (line("Job", "1", "100", job_id="j1"),), number="N-1")
    with world.transaction() as uow:
        uow.invoices.add(issued)
        before = uow.reports.balances("u1")
        part = payment("u1", "p1", "100", job_id="j1", invoice_id="i1")
        rest = payment("u1", "p2", "20", invoice_id="i1")
        uow.payments.add(part)
        uow.payments.add(rest)
        with pytest.raises(NotFoundError) as caught:
            uow.payments.add(payment("u1", "p3", "1", invoice_id="ghost"))
        assert (caught.value.kind, caught.value.id) == ("invoice", "ghost")
        with pytest.raises(NotFoundError):
            uow.payments.add(payment("u2", "p3", "1", invoice_id="i1"))  # another owner's
        assert uow.payments.get("u1", "p2") == rest
        assert uow.payments.list("u1", PaymentFilter(invoice_id="i1")) == [part, rest]
        assert uow.payments.list("u1", PaymentFilter(customer_id="c1")) == [part, rest]
        assert uow.payments.list("u1", PaymentFilter(customer_id="c2")) == []
        assert uow.payments.list("u1", PaymentFilter(job_id="j1")) == [part]
        # the jobs' running totals read the jobs, not the payments
        assert uow.reports.balances("u1") == before
        (row,) = uow.reports.cash_between("u1", [date(2025, 1, 1), date(2026, 1, 1)])
        assert (row.method, row.cash.received, row.cash.receipts) == (
            PaymentMethod.CARD,
            D("120.00"),
            2,
        )
        voided = attrs.evolve(rest, voided_at=T, void_reason="typo", version=2)
        uow.payments.update(voided)
        assert uow.payments.get("u1", "p2") == voided
        with pytest.raises(ConflictError):
            uow.payments.update(attrs.evolve(voided, job_id="j1"))
        with pytest.raises(ConflictError):
            uow.payments.update(attrs.evolve(part, invoice_id=None))
        (row,) = uow.reports.cash_between("u1", [date(2025, 1, 1), date(2026, 1, 1)])
        assert row.cash.received == D("100.00")
        refund = payment("u1", "p4", "5", invoice_id="i1", kind=PaymentKind.REFUND)
        assert uow.payments.add_many([refund]) == 1
        with pytest.raises(NotFoundError):
            uow.payments.add_many([payment("u1", "p5", "1", invoice_id="ghost")])
    with world.transaction() as uow:
        assert uow.users.delete("u1") == Deleted(
            users=1, customers=2, jobs=2, payments=3, invoices=1
        )


# -- the invoice reports, against the reference ---------------------------------------------


def _load(stores: tuple[Store, ...], records: list[tuple[str, Any]]) -> None:
    for made in stores:
        with made.transaction() as uow:
            for kind, record in records:
                getattr(uow, kind).add(record)


def _ask(uow: UnitOfWork, owner: str, day: date) -> list[Any]:
    bounds = [day - timedelta(days=n) for n in (0, 30, 60, 90)]
    return [
        uow.reports.invoice_aging(owner, bounds),
        uow.reports.overdue_invoices(owner, day, 50),
        uow.reports.overdue_invoices(owner, day, 2),
        uow.reports.overdue_invoices(owner, day, 0),
    ]


def test_invoice_aging_and_overdue_invoices_agree_with_the_reference(
    world: PostgresStore,
) -> None:
    reference = MemoryStore()
    records: list[tuple[str, Any]] = []
    with world.transaction(write=False) as uow:
        for n in (1, 2):
            owner = f"u{n}"
            records.append(("users", uow.users.get(owner)))
            records += [("customers", c) for c in uow.customers.list(owner)]
    day = date(2025, 6, 30)
    days = (5, 0, -1, -30, -31, -60, -61, -90, -91, -400, 0, -1, -30, -31, -60, -61, -90, -91)
    dues = [day + timedelta(days=d) for d in days]
    for n, due in enumerate(dues):
        owner, cust = f"u{1 + n % 2}", ("c1", "c2")[n % 3 % 2]
        lines = (line("Work", str(1 + n), "33.33"),)
        total = figures(lines, False).total
        paid = ("0.00", "10.00", str(total))[n // 2 % 3]  # owing, partly, fully paid
        records.append(
            ("invoices", invoice(owner, cust, f"i{n}", lines, number=f"N-{n:02d}", due_on=due))
        )
        records[-1] = ("invoices", _paid(records[-1][1], D(paid)))
    # kept out: a draft, a void invoice, a credit note, an invoice paid more than its total
    records += [
        ("invoices", invoice("u1", "c1", "d1")),
        (
            "invoices",
            invoice(
                "u1",
                "c1",
                "v1",
                number="V-1",
                due_on=date(2025, 1, 1),
                status="void",
                voided_at=T,
                void_reason="wrong",
            ),
        ),
        (
            "invoices",
            invoice(
                "u1",
                "c1",
                "cn1",
                number="N-00",
                kind="credit_note",
                corrects="i0",
                status="issued",
                due_on=date(2025, 1, 1),
            ),
        ),
    ]
    # the same due date: by number
    for id, number in (("x", "M-1"), ("y", "A-1"), ("z", "Z-1")):
        records.append(("invoices", invoice("u1", "c2", id, number=number, due_on=dues[4])))
    over = invoice("u2", "c1", "o1", number="O-1", due_on=date(2025, 1, 1))
    records.append(("invoices", _paid(over, over.total + D("1.00"))))
    _load((reference,), [r for r in records if r[0] != "invoices"])
    _load((world, reference), [r for r in records if r[0] == "invoices"])
    for when in (day, day + timedelta(days=1), date(2024, 1, 1)):
        for owner in ("u1", "u2"):
            with reference.transaction(write=False) as mine:
                expected = _ask(mine, owner, when)
            with world.transaction(write=False) as theirs:
                assert _ask(theirs, owner, when) == expected
            assert expected[0] or when == date(2024, 1, 1)


def _paid(made: Invoice, amount: Decimal) -> Invoice:
    return attrs.evolve(
        made,
        amount_paid=amount,
        status=settled_status(made.total, amount, ZERO),
    )


def test_what_the_database_refuses_is_said_as_the_store_rules_say_it(
    world: PostgresStore, postgres_pool: ConnectionPool[Any]
) -> None:
    """A race that reaches the database's own guard gets the store's error all the same."""
    with world.transaction() as uow:
        uow.invoices.add(invoice("u1", "c1", "i1", (line(job_id="j1"),), number="N-1"))
        uow.invoices.add(invoice("u1", "c1", "d1"))
        uow.payments.add(payment("u1", "p1", "1", invoice_id="d1"))
        uow.quotes.add(quote("u1", "c1", "q1", number="Q-1", status="sent", issued_on=T.date()))
    said = {
        "DELETE FROM customers WHERE id = 'c1'": ("invoices", ConflictError),
        "DELETE FROM jobs WHERE id = 'j1'": ("invoices", ConflictError),
        "DELETE FROM invoices WHERE id = 'd1'": ("payments", ConflictError),
        "INSERT INTO invoices (id, user_id, customer_id, kind, number, status, currency, "
        "prices_include_tax, issued_on, due_on, created_at, updated_at) "
        "SELECT 'i9', user_id, customer_id, kind, number, 'paid', currency, "
        "prices_include_tax, issued_on, due_on, created_at, updated_at "
        "FROM invoices WHERE id = 'i1'": ("number", ConflictError),
        "UPDATE quotes SET number = 'Q-1' WHERE id <> 'q1'": ("number", ConflictError),
    }
    with postgres_pool.connection() as conn:
        conn.execute(
            "INSERT INTO quotes SELECT 'q2', user_id, customer_id, 'Q-2', "
            "status, title, notes, currency, prices_include_tax, subtotal_cents, "
            "tax_cents, total_cents, issued_on, valid_until, decided_at, job_id, "
            "created_at, updated_at, version FROM quotes WHERE id = 'q1'"
        )
        for statement, (field, error) in said.items():
            with pytest.raises(psycopg.Error) as raised, conn.transaction():
                conn.execute(statement)
            made = translate(raised.value)
            assert isinstance(made, error) and made.field == field, statement


def test_the_invoice_questions_read_the_owing_invoices_index(
    store: PostgresStore, postgres_url: str
) -> None:
    """Forty businesses of three hundred invoices each, most of them paid or drafts: the
    aging report and the overdue invoices read the partial index of owing invoices only."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users SELECT 'u' || o, o || '@x.com', 'U', NULL, 'h', now(), now() "
            "FROM generate_series(1, 40) o"
        )
        conn.execute(
            "INSERT INTO customers (id, user_id, name, created_at, updated_at) "
            "SELECT 'c', 'u' || o, 'C', now(), now() FROM generate_series(1, 40) o"
        )
        conn.execute(
            "INSERT INTO invoices (id, user_id, customer_id, kind, number, status, currency, "
            "prices_include_tax, subtotal_cents, total_cents, amount_paid_cents, issued_on, "
            "due_on, created_at, updated_at) "
            "SELECT 'i' || n, 'u' || o, 'c', 'invoice', CASE WHEN n % 10 = 0 THEN NULL "
            "ELSE 'N-' || n END, CASE WHEN n % 10 = 0 THEN 'draft' WHEN n % 10 = 1 "
            "THEN 'issued' ELSE 'paid' END, 'EUR', false, 1000, 1000, CASE WHEN n % 10 "
            "IN (0, 1) THEN 0 ELSE 1000 END, CASE WHEN n % 10 = 0 THEN NULL ELSE "
            "date '2024-01-01' + n END, CASE WHEN n % 10 = 0 THEN NULL ELSE "
            "date '2024-01-01' + n + 30 END, now(), now() "
            "FROM generate_series(1, 40) o, generate_series(1, 300) n"
        )
        conn.execute("ANALYZE invoices")
        day = date(2024, 6, 1)
        bounds = [day - timedelta(days=n) for n in (0, 30, 60, 90)]
        with store.transaction(write=False) as uow:
            assert len(uow.reports.overdue_invoices("u7", day, 5)) == 5
            (aging,) = uow.reports.invoice_aging("u7", bounds)
            assert aging.aging.total.jobs == 30  # one in ten owes
        seen: list[str] = []
        traced = PostgresStore(postgres_url, tracer=lambda sql, params: seen.append(sql))
        try:
            with traced.transaction(write=False) as uow:
                seen.clear()
                uow.reports.overdue_invoices("u7", day, 5)
                uow.reports.invoice_aging("u7", bounds)
        finally:
            traced.close()
        assert len(seen) == 2
        overdue = seen[0].replace("%s", "{}").format("'u7'", "'2024-06-01'", 5)
        aging_sql = seen[1] % {
            "owner": "'u7'",
            **{f"b{n}": f"'{b.isoformat()}'" for n, b in enumerate(bounds)},
        }
        for query in (overdue, aging_sql):
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {query}").fetchall())
            assert "invoices_owing_idx" in plan, plan
            assert "Seq Scan on invoices" not in plan, plan
