"""Billing in exports and imports (format ``jobtrack/5``): settings, number counters,
quotes, invoices, credit notes and payments to invoices come back exactly; a document
whose figures do not add up is refused whole, naming the row; an import never replaces
an issued invoice but for its money, and never deletes an invoice or a payment."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from jobtrack_core import Argon2Hasher, ConflictError, Jobtrack, ValidationError, Workspace
from jobtrack_core.documents import InvoiceKind, InvoiceStatus, Series
from jobtrack_core.entities import Action, RecordKind, Source
from jobtrack_core.queries import InvoiceFilter, QuoteFilter
from jobtrack_core.testing import CountingIds, FakeClock
from jobtrack_interchange import (
    Counts,
    export_csv,
    import_csv,
    import_json,
    restore_csv,
    restore_json,
)
from jobtrack_memory import MemoryStore

from .interchange_billing import (
    bill,
    bill_randomly,
    bill_through_workspace,
    billings,
    workspace_billings,
)
from .interchange_helpers import export_text, new_account, store_factory

#: The stores that keep billing (the SQL stores join once their repositories are there).
KINDS = ["memory"]
BILLED = Counts(users=1, customers=2, jobs=2, payments=3, quotes=3, invoices=5)


@pytest.fixture(params=KINDS)
def app(request: pytest.FixtureRequest, make_app: Any) -> Iterator[Jobtrack]:
    store = store_factory(request.param, request)()
    try:
        yield make_app(store, clock=FakeClock())
    finally:
        store.close()


_accounts = itertools.count(1)


def billed(app: Jobtrack) -> Workspace:
    ws = new_account(app, email=f"pat{next(_accounts)}@example.com", name="Pat")
    bill(app, ws)
    return ws


def _without_history(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    for name in ("exported_at", "history", "kept_from"):
        document.pop(name)
    return document


def _billing(app: Jobtrack, user_id: str) -> tuple[Any, ...]:
    """Everything the account bills with, as the store holds it."""
    with app.store.transaction(write=False) as uow:
        return (
            uow.billing.get(user_id),
            tuple(uow.billing.last_numbers(user_id)),
            tuple(uow.quotes.list(user_id, QuoteFilter())),
            tuple(uow.invoices.list(user_id, InvoiceFilter())),
        )


# -- export -----------------------------------------------------------------------------------
def test_an_export_carries_settings_numbers_quotes_invoices_and_their_payments(
    app: Jobtrack,
) -> None:
    ws = billed(app)
    document = json.loads(export_text(app, ws.user_id))
    assert document["format"] == "jobtrack/5"
    billing = document["billing"]
    assert (billing["currency"], billing["prices_include_tax"]) == ("GBP", False)
    assert billing["tax_rates"] == [
        {"name": "VAT", "rate": "20.000"},
        {"name": "zero", "rate": "0.000"},
    ]
    assert document["numbers"] == [
        {"series": "credit_note", "period": 2025, "last": 1},
        {"series": "invoice", "period": 2025, "last": 3},
        {"series": "quote", "period": 2025, "last": 2},
    ]
    invoices = {i["id"]: i for i in document["invoices"]}
    part = invoices["inv-part"]
    assert (part["number"], part["status"], part["currency"]) == (
        "INV-2025-0001",
        "partly_paid",
        "GBP",
    )
    assert (part["subtotal"], part["tax"], part["total"], part["amount_paid"]) == (
        "485.50",
        "80.00",
        "565.50",
        "320.00",
    )
    assert part["lines"][0] == {
        "description": "Roof",
        "quantity": "1.000",
        "unit": None,
        "unit_price": "400.00",
        "discount": "0.00",
        "tax_name": "VAT",
        "tax_rate": "20.000",
        "job_id": part["lines"][0]["job_id"],
    }
    assert invoices["cn-1"]["corrects"] == "inv-credited"
    assert invoices["inv-credited"]["amount_credited"] == invoices["cn-1"]["total"] == "72.00"
    assert all(d["currency"] == "GBP" for d in document["quotes"] + document["invoices"])
    paid = {p["id"]: (p["invoice_id"], p["job_id"]) for p in document["payments"]}
    roof = part["lines"][0]["job_id"]
    assert paid == {
        "pay-job": ("inv-part", roof),
        "pay-rest": ("inv-part", None),
        "pay-void": ("inv-part", None),
    }


def test_the_csv_archive_has_invoices_with_their_balance_and_their_lines(app: Jobtrack) -> None:
    ws = billed(app)
    archive = io.BytesIO()
    assert export_csv(app, ws.user_id, archive) == BILLED
    with zipfile.ZipFile(archive) as zipped:
        invoices = list(csv.DictReader(io.StringIO(zipped.read("invoices.csv").decode())))
        lines = list(csv.DictReader(io.StringIO(zipped.read("invoice_lines.csv").decode())))
        settings = zipped.read("billing.csv").decode()
    by_id = {row["id"]: row for row in invoices}
    part = by_id["inv-part"]
    shown = ("number", "status", "customer_id", "issued_on", "due_on", "currency")
    assert [part[c] for c in shown] == [
        "INV-2025-0001",
        "partly_paid",
        part["customer_id"],
        "2025-07-06",
        "2025-08-05",
        "GBP",
    ]
    money = ("subtotal", "tax", "total", "amount_paid", "amount_credited", "balance")
    assert [part[c] for c in money] == ["485.50", "80.00", "565.50", "320.00", "0.00", "245.50"]
    assert by_id["inv-credited"]["balance"] == by_id["inv-draft"]["balance"] == "0.00"
    placed = [(r["invoice_id"], r["position"], r["description"]) for r in lines]
    assert len(placed) == sum(len(i.lines) for i in _billing(app, ws.user_id)[3])
    assert {
        ("inv-draft", "1", "Later"),
        ("inv-part", "1", "Roof"),
        ("inv-part", "2", "Skip hire"),
    } <= set(placed)
    assert "'=account 1234" in settings  # a spreadsheet would run it: escaped


# -- restore and import ---------------------------------------------------------------------------
def test_a_restore_puts_billing_back_exactly_and_numbers_follow_on(
    app: Jobtrack, make_app: Any
) -> None:
    source = make_app(clock=FakeClock())
    theirs = billed(source)
    text = export_text(source, theirs.user_id)
    assert restore_json(app, io.StringIO(text)).created == BILLED
    assert _billing(app, theirs.user_id) == _billing(source, theirs.user_id)
    again = export_text(app, theirs.user_id)
    assert _without_history(again) == _without_history(text)
    # the file's records had no history: the restore recorded them, and a second round
    # trip gives the very same document
    third = make_app(clock=FakeClock())
    assert restore_json(third, io.StringIO(again)).created == BILLED
    assert json.loads(export_text(third, theirs.user_id)) | {"exported_at": None} == json.loads(
        again
    ) | {"exported_at": None}
    assert restore_json(app, io.StringIO(text)).unchanged == BILLED
    with app.unit() as uow:  # the next invoice number follows on from the file's last
        assert uow.billing.next_number(theirs.user_id, Series.INVOICE, 2025) == 4
        assert uow.billing.next_number(theirs.user_id, Series.QUOTE, 2025) == 3


def test_the_csv_archive_restores_the_same(app: Jobtrack, make_app: Any) -> None:
    source = make_app(clock=FakeClock())
    theirs = billed(source)
    archive = io.BytesIO()
    export_csv(source, theirs.user_id, archive)
    archive.seek(0)
    assert restore_csv(app, archive).created == BILLED
    assert _billing(app, theirs.user_id) == _billing(source, theirs.user_id)
    assert _without_history(export_text(app, theirs.user_id)) == _without_history(
        export_text(source, theirs.user_id)
    )


def test_an_import_into_my_account_makes_them_mine_and_records_them(app: Jobtrack) -> None:
    theirs = billed(app)
    text = export_text(app, theirs.user_id)
    me = new_account(app, email="me@example.com")
    report = import_json(me, io.StringIO(text))
    assert report.created == Counts(customers=2, jobs=2, payments=3, quotes=3, invoices=5)
    settings, numbers, quotes, invoices = _billing(app, me.user_id)
    assert settings is not None and settings.user_id == me.user_id
    assert settings.currency == "GBP"
    assert numbers == _billing(app, theirs.user_id)[1]
    assert {q.user_id for q in quotes} == {i.user_id for i in invoices} == {me.user_id}
    assert [i.number for i in invoices] == [i.number for i in _billing(app, theirs.user_id)[3]]
    made = {(e.kind, e.action, e.source) for e in me.activity(limit=100).items}
    assert {
        (RecordKind.QUOTE, Action.CREATED, Source.IMPORT),
        (RecordKind.INVOICE, Action.CREATED, Source.IMPORT),
    } <= made
    again = import_json(me, io.StringIO(text))
    assert again.created == Counts() and again.unchanged == report.created


# -- refused whole, naming the row -------------------------------------------------------------
def _refused(app: Jobtrack, document: dict[str, Any]) -> ValidationError:
    me = new_account(app, email=f"me{next(_accounts)}@example.com")
    before = _billing(app, me.user_id)
    with pytest.raises(ValidationError) as caught:
        import_json(me, io.StringIO(json.dumps(document)))
    assert _billing(app, me.user_id) == before  # nothing of it written
    assert me.list_customers() == []
    return caught.value


def _document(app: Jobtrack) -> dict[str, Any]:
    ws = billed(app)
    document: dict[str, Any] = json.loads(export_text(app, ws.user_id))
    return document


def _at(document: dict[str, Any], table: str, id: str) -> tuple[int, dict[str, Any]]:
    return next((i, r) for i, r in enumerate(document[table]) if r["id"] == id)


def test_an_invoice_whose_totals_do_not_add_up_is_refused_whole(app: Jobtrack) -> None:
    document = _document(app)
    i, part = _at(document, "invoices", "inv-part")
    part["lines"][1]["unit_price"] = "85.51"  # the totals no longer what the lines make
    error = _refused(app, document)
    assert error.fields == (f"invoices[{i}].total",)
    j, quote = _at(document, "quotes", "q-sent")
    part["lines"][1]["unit_price"] = "85.50"
    quote["tax"] = "0.00"
    assert _refused(app, document).fields == (f"quotes[{j}].total",)


def test_an_invoice_holding_other_than_its_payments_is_refused_whole(app: Jobtrack) -> None:
    document = _document(app)
    original = copy.deepcopy(document)
    i, _part = _at(document, "invoices", "inv-part")
    rest = next(p for p in document["payments"] if p["id"] == "pay-rest")
    document["payments"].remove(rest)
    error = _refused(app, document)
    assert error.fields == (f"invoices[{i}].amount_paid",)
    assert "come to 300.00" in str(error)
    document = copy.deepcopy(original)
    voided = next(p for p in document["payments"] if p["id"] == "pay-void")
    voided["voided_at"] = voided["void_reason"] = None  # as if it stood
    assert _refused(app, document).fields == (f"invoices[{i}].amount_paid",)


def test_credit_notes_and_references_must_hold_together(app: Jobtrack) -> None:
    document = _document(app)
    i, credited = _at(document, "invoices", "inv-credited")
    credited["amount_credited"], credited["status"] = "0.00", "issued"
    assert _refused(app, document).fields == (f"invoices[{i}].amount_credited",)
    document = _document(app)
    n, note = _at(document, "invoices", "cn-1")
    note["corrects"] = "nowhere"
    p, payment = _at(document, "payments", "pay-rest")
    payment["invoice_id"] = "elsewhere"
    v, void = _at(document, "invoices", "inv-void")
    void["number"] = "INV-2025-0001"  # taken by inv-part
    document["billing"]["user_id"] = "someone-else"
    fields = set(_refused(app, document).fields)
    assert {
        f"invoices[{n}].corrects",
        f"payments[{p}].invoice_id",
        "billing.user_id",
    } <= fields
    assert (
        f"invoices[{v}].number" in fields
        or f"invoices[{_at(document, 'invoices', 'inv-part')[0]}].number" in fields
    )


def test_a_bad_line_is_named_by_its_document_and_csv_row(app: Jobtrack) -> None:
    ws = billed(app)
    archive = io.BytesIO()
    export_csv(app, ws.user_id, archive)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(archive) as zipped, zipfile.ZipFile(rewritten, "w") as out:
        for name in zipped.namelist():
            data = zipped.read(name).decode()
            if name == "invoice_lines.csv":
                data = data.replace("Skip hire,1.000", "Skip hire,1.0001")
            out.writestr(name, data)
    rewritten.seek(0)
    me = new_account(app, email="csv@example.com")
    with pytest.raises(ValidationError) as caught:
        import_csv(me, rewritten)
    (field,) = caught.value.fields
    assert field.startswith("invoices.csv row ") and field.endswith(".lines")
    assert "quantity" in str(caught.value)


def test_a_document_before_jobtrack_5_may_not_carry_billing(app: Jobtrack) -> None:
    document = _document(app)
    document["format"] = "jobtrack/4"
    with pytest.raises(ValidationError) as caught:
        import_json(new_account(app, email="old@example.com"), io.StringIO(json.dumps(document)))
    assert caught.value.fields == ("billing",)


# -- conflicts: an issued invoice never changes but for its money --------------------------------
def _imported(app: Jobtrack) -> tuple[Workspace, Workspace, dict[str, Any]]:
    theirs = billed(app)
    document: dict[str, Any] = json.loads(export_text(app, theirs.user_id))
    me = new_account(app, email=f"mine{next(_accounts)}@example.com")
    import_json(me, io.StringIO(json.dumps(document)))
    return theirs, me, document


def test_an_issued_invoice_differing_but_in_money_is_never_replaced(app: Jobtrack) -> None:
    _, me, document = _imported(app)
    before = _billing(app, me.user_id)
    _, part = _at(document, "invoices", "inv-part")
    part["notes"] = "changed since"
    text = json.dumps(document)
    with pytest.raises(ConflictError, match="already exist"):
        import_json(me, io.StringIO(text))
    kept = import_json(me, io.StringIO(text), on_conflict="keep")
    assert kept.kept == Counts(invoices=1)
    (conflict,) = kept.conflicts
    assert (conflict.kind, conflict.id, conflict.fields) == ("invoice", "inv-part", ("notes",))
    with pytest.raises(ConflictError) as caught:
        import_json(me, io.StringIO(text), on_conflict="replace")
    assert caught.value.field == "invoices" and "never changes" in str(caught.value)
    assert _billing(app, me.user_id) == before


def test_replace_takes_an_issued_invoice_s_new_money_and_a_draft_whole(app: Jobtrack) -> None:
    _, me, document = _imported(app)
    _, part = _at(document, "invoices", "inv-part")
    more = copy.deepcopy(next(p for p in document["payments"] if p["id"] == "pay-rest"))
    more.update(id="pay-more", amount="245.50", reference="the rest")
    document["payments"].append(more)
    part.update(amount_paid="565.50", status="paid")
    _, draft = _at(document, "invoices", "inv-draft")
    draft["notes"] = "a draft may change"
    report = import_json(me, io.StringIO(json.dumps(document)), on_conflict="replace")
    assert report.created == Counts(payments=1)
    assert report.updated == Counts(invoices=2)
    with app.store.transaction(write=False) as uow:
        stored = uow.invoices.get(me.user_id, "inv-part")
        assert stored is not None
        assert (stored.status, stored.amount_paid, stored.version) == (
            InvoiceStatus.PAID,
            Decimal("565.50"),
            part["version"] + 1,
        )
        assert stored.kind is InvoiceKind.INVOICE
        changed = uow.invoices.get(me.user_id, "inv-draft")
        assert changed is not None and changed.notes == "a draft may change"
    again = import_json(me, io.StringIO(json.dumps(document)))
    assert again.unchanged.invoices == 5 and again.unchanged.payments == 4


def test_an_import_never_deletes_a_payment_to_an_invoice(app: Jobtrack) -> None:
    _, me, document = _imported(app)
    rest = next(p for p in document["payments"] if p["id"] == "pay-rest")
    document["payments"].remove(rest)
    _i, part = _at(document, "invoices", "inv-part")
    part.update(amount_paid="300.00")
    with pytest.raises(ConflictError) as caught:
        import_json(me, io.StringIO(json.dumps(document)), on_conflict="replace")
    assert caught.value.field == "payments" and "never deletes" in str(caught.value)
    assert "invoice 'inv-part'" in str(caught.value)


# -- the round-trip property ----------------------------------------------------------------------
def _opened(clock: FakeClock, prefix: str) -> Jobtrack:
    return Jobtrack(
        MemoryStore(), clock=clock, ids=CountingIds(prefix), hasher=Argon2Hasher.for_tests()
    )


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(billings)
def test_billing_round_trips_exactly_through_json_and_csv(spec: Any) -> None:
    """Export, restore into a new store, export again: the same billing, to the byte; the
    document restored again changes nothing; the numbers follow on from the file's."""
    clock = FakeClock()
    first = _opened(clock, "a")
    ws = new_account(first, email="owner@example.com", name="Owner")
    bill_randomly(first, ws, spec)
    exported = export_text(first, ws.user_id)
    archive = io.BytesIO()
    export_csv(first, ws.user_id, archive)
    document = json.loads(exported)
    second = _opened(clock, "b")
    created = restore_json(second, io.StringIO(exported)).created
    assert (created.quotes, created.invoices) == (len(spec[3]), len(document["invoices"]))
    assert _billing(second, ws.user_id) == _billing(first, ws.user_id)
    again = export_text(second, ws.user_id)
    assert _without_history(again) == _without_history(exported)
    assert restore_json(second, io.StringIO(exported)).unchanged == created
    third = _opened(clock, "c")
    restore_json(third, io.StringIO(again))
    assert export_text(third, ws.user_id).split("\n", 2)[2] == again.split("\n", 2)[2]
    fourth = _opened(clock, "d")
    archive.seek(0)
    assert restore_csv(fourth, archive).created == created
    assert _without_history(export_text(fourth, ws.user_id)) == _without_history(exported)
    with second.unit() as uow:
        for series, period, last in uow.billing.last_numbers(ws.user_id):
            assert uow.billing.next_number(ws.user_id, series, period) == last + 1


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workspace_billings)
def test_billing_made_through_the_workspace_round_trips_with_its_history(spec: Any) -> None:
    """Quotes, invoices, credit notes and invoice payments made through the workspace:
    export, restore into a new store, export again gives the same document, history
    included; restoring it again changes nothing; the CSV archive restores the same; the
    restored account issues the next number."""
    clock = FakeClock()
    first = _opened(clock, "a")
    ws = new_account(first, email="owner@example.com", name="Owner")
    bill_through_workspace(ws, clock, spec)
    exported = export_text(first, ws.user_id)
    archive = io.BytesIO()
    export_csv(first, ws.user_id, archive)
    second = _opened(clock, "b")
    created = restore_json(second, io.StringIO(exported)).created
    there = second.workspace(ws.user_id)
    assert export_text(second, ws.user_id) == exported  # the clock stood still
    assert restore_json(second, io.StringIO(exported)).unchanged == created
    assert there.list_invoices() == ws.list_invoices()
    assert there.list_payments() == ws.list_payments()
    assert there.billing_settings() == ws.billing_settings()
    document = json.loads(exported)
    kinds = {e["kind"] for e in document["history"]}
    assert "invoice" in kinds or not document["invoices"]  # deleted drafts keep theirs
    third = _opened(clock, "c")
    archive.seek(0)
    assert restore_csv(third, archive).created == created
    assert export_text(third, ws.user_id) == exported
    customer = there.list_customers()[0].id
    draft = there.create_invoice(
        customer, lines=[{"description": "More", "quantity": "1", "unit_price": "5"}]
    )
    mine = ws.create_invoice(
        customer, lines=[{"description": "More", "quantity": "1", "unit_price": "5"}]
    )
    assert there.issue_invoice(draft.id).number == ws.issue_invoice(mine.id).number


def test_customers_and_jobs_named_must_be_in_the_file_or_the_account(app: Jobtrack) -> None:
    document = _document(app)
    i, part = _at(document, "invoices", "inv-part")
    roof = part["lines"][0]["job_id"]
    j, accepted = _at(document, "quotes", "q-accepted")
    accepted["job_id"] = "gone"
    k, draft = _at(document, "invoices", "inv-draft")
    draft["customer_id"] = "nobody"
    p, paid = _at(document, "payments", "pay-rest")
    paid["job_id"] = next(job["id"] for job in document["jobs"] if job["id"] != roof)
    error = _refused(app, document)
    assert f"payments[{p}].job_id" in error.fields  # not a job the invoice bills
    paid["job_id"] = None
    error = _refused(app, document)
    assert set(error.fields) == {f"quotes[{j}].job_id", f"invoices[{k}].customer_id"}
    assert i != k


def test_billing_settings_differing_are_a_conflict_like_a_record(app: Jobtrack) -> None:
    theirs, me, document = _imported(app)
    assert me.billing_settings() == attrs.evolve(theirs.billing_settings(), user_id=me.user_id)
    me.update_billing(currency="EUR")
    text = json.dumps(document)
    with pytest.raises(ConflictError, match="billing"):
        import_json(me, io.StringIO(text))
    kept = import_json(me, io.StringIO(text), on_conflict="keep")
    (conflict,) = kept.conflicts
    assert (conflict.kind, conflict.fields, conflict.resolution) == (
        "billing",
        ("currency",),
        "kept",
    )
    assert me.billing_settings().currency == "EUR"
    version = me.billing_settings().version
    import_json(me, io.StringIO(text), on_conflict="replace")
    assert me.billing_settings().currency == "GBP"
    assert me.billing_settings().version == version + 1


def test_a_jobtrack_4_document_leaves_the_account_s_billing_alone(app: Jobtrack) -> None:
    _, me, document = _imported(app)
    before = _billing(app, me.user_id)
    document["format"] = "jobtrack/4"
    for name in ("billing", "numbers", "quotes", "invoices"):
        del document[name]
    document["payments"] = [p for p in document["payments"] if p["invoice_id"] is None]
    for payment in document["payments"]:
        del payment["invoice_id"]
    for job in document["jobs"]:
        job["amount_paid"], job["paid"] = "0.00", False
    document["history"] = []
    report = import_json(me, io.StringIO(json.dumps(document)), on_conflict="keep")
    assert report.created == Counts() and report.kept.jobs == 1
    assert _billing(app, me.user_id) == before
