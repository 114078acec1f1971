"""Payments in exports and imports (format ``jobtrack/4`` on): they travel with their jobs,
a document whose jobs do not hold what their payments add up to is refused whole, and
the conflict policies treat a job and its payments as one. Run on every store."""

from __future__ import annotations

import copy
import io
import itertools
import json
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from jobtrack_core import ConflictError, Jobtrack, ValidationError, Workspace
from jobtrack_core.entities import Action, RecordKind, Source
from jobtrack_core.testing import FakeClock
from jobtrack_interchange import (
    Counts,
    export_csv,
    import_csv,
    import_json,
    import_records,
    restore_json,
)

from .interchange_helpers import export_text, new_account, state, store_factory

KINDS = ["memory", "sqlite", "postgres"]


@pytest.fixture(params=KINDS)
def app(request: pytest.FixtureRequest, make_app: Any) -> Iterator[Jobtrack]:
    store = store_factory(request.param, request)()
    try:
        yield make_app(store, clock=FakeClock())
    finally:
        store.close()


def ledger(app: Jobtrack) -> Workspace:
    """An account whose jobs hold money every way: a deposit on an open job, a job paid
    in two parts by card and check, a refund, a voided payment, a job marked paid, and a
    cancelled job holding money."""
    assert isinstance(app.clock, FakeClock)
    clock = app.clock
    ws = new_account(app, email="pat@example.com", name="Pat")
    ann = ws.add_customer("Ann")
    deposit = ws.create_job(ann.id, "Deck", estimated_cost="900.00")
    ws.add_payment(deposit.id, "300", kind="deposit", method="bank_transfer", note="a third")
    clock.tick()
    parts = ws.create_job(ann.id, "Roof")
    ws.start_job(parts.id)
    ws.complete_job(parts.id, actual_cost="250.00")
    clock.tick()
    ws.add_payment(parts.id, "100", method="card", reference="slip 7")
    clock.tick()
    wrong = ws.add_payment(parts.id, "1000", method="cash")
    ws.void_payment(wrong.id, "typed a zero too many")
    ws.add_payment(parts.id, "160", method="check", reference="=chk 1001")
    ws.add_payment(parts.id, "10", kind="refund", method="card", note="over by ten")
    clock.tick()
    marked = ws.create_job(ann.id, "Gutters")
    ws.start_job(marked.id)
    ws.complete_job(marked.id, actual_cost="80.00")
    ws.mark_paid(marked.id, method="cash")
    cancelled = ws.create_job(ann.id, "Shed")
    ws.add_payment(cancelled.id, "40", kind="deposit", method="other")
    ws.cancel_job(cancelled.id)
    return ws


def test_an_export_carries_the_ledger_and_jobs_hold_its_sums(app: Jobtrack) -> None:
    ws = ledger(app)
    document = json.loads(export_text(app, ws.user_id))
    assert document["format"] == "jobtrack/5"
    payments = document["payments"]
    assert len(payments) == len(ws.list_payments()) == 7
    assert payments == [json.loads(json.dumps(p)) for p in _plain(ws.list_payments())]
    roof = next(j for j in document["jobs"] if j["title"] == "Roof")
    assert (roof["amount_paid"], roof["paid"]) == ("250.00", True)
    voided = [p for p in payments if p["voided_at"] is not None]
    assert [(p["amount"], p["void_reason"]) for p in voided] == [
        ("1000.00", "typed a zero too many")
    ]
    kinds = {p["kind"] for p in payments}
    assert kinds == {"deposit", "payment", "refund"}
    history = {(e["kind"], e["action"]) for e in document["history"]}
    assert {("payment", "created"), ("payment", "voided")} <= history


def _plain(payments: Any) -> Any:
    from jobtrack_interchange import unstructure

    return unstructure(list(payments))


def test_a_restore_and_an_import_put_the_ledger_back(app: Jobtrack, make_app: Any) -> None:
    source = make_app(clock=FakeClock())
    theirs = ledger(source)
    text = export_text(source, theirs.user_id)
    restored = restore_json(app, io.StringIO(text))
    assert restored.created == Counts(users=1, customers=1, jobs=4, payments=7)
    there = app.workspace(theirs.user_id)
    assert there.list_payments() == theirs.list_payments()  # versions too
    assert there.history("payment", theirs.list_payments()[1].id) == theirs.history(
        "payment", theirs.list_payments()[1].id
    )
    assert there.balances() == theirs.balances()
    assert there.aging() == theirs.aging()
    assert json.loads(export_text(app, theirs.user_id)) | {"exported_at": None} == json.loads(
        text
    ) | {"exported_at": None}
    # into another account: the payments are its own, recorded as imported
    me = new_account(app)
    report = import_json(me, io.StringIO(text))
    assert report.created == Counts(customers=1, jobs=4, payments=7)
    assert [p.user_id for p in me.list_payments()] == [me.user_id] * 7
    entries = me.activity(limit=100).items
    made = {(e.kind, e.action, e.source) for e in entries}
    assert made == {
        (RecordKind.CUSTOMER, Action.CREATED, Source.IMPORT),
        (RecordKind.JOB, Action.CREATED, Source.IMPORT),
        (RecordKind.PAYMENT, Action.CREATED, Source.IMPORT),
    }
    assert me.balances() == theirs.balances()
    again = import_json(me, io.StringIO(text))
    assert again.created == Counts() and again.unchanged == report.created
    assert len(me.activity(limit=100).items) == len(entries)


def test_the_csv_archive_carries_the_ledger(app: Jobtrack, make_app: Any) -> None:
    ws = ledger(app)
    archive = io.BytesIO()
    assert export_csv(app, ws.user_id, archive).payments == 7
    with zipfile.ZipFile(archive) as zipped:
        table = zipped.read("payments.csv").decode()
    header = table.splitlines()[0]
    assert header == (
        "id,user_id,job_id,kind,method,amount,received_on,reference,note,recorded_at,"
        "by_mark_paid,voided_at,void_reason,version,invoice_id"
    )
    assert "'=chk 1001" in table  # a spreadsheet would run it: escaped
    me = new_account(make_app())
    archive.seek(0)
    assert import_csv(me, archive).created == Counts(customers=1, jobs=4, payments=7)
    mine = [p.reference for p in me.list_payments()]
    assert mine == [p.reference for p in ws.list_payments()]


# -- refused whole --------------------------------------------------------------------------
def _document(app: Jobtrack) -> tuple[Workspace, dict[str, Any]]:
    ws = ledger(app)
    return ws, json.loads(export_text(app, ws.user_id))


_accounts = itertools.count(1)


def _refused(app: Jobtrack, document: dict[str, Any]) -> ValidationError:
    me = new_account(app, email=f"me{next(_accounts)}@example.com")
    before = state(app, me.user_id)
    with pytest.raises(ValidationError) as caught:
        import_json(me, io.StringIO(json.dumps(document)))
    assert state(app, me.user_id) == before  # nothing of it written
    return caught.value


def test_a_job_holding_other_than_its_payments_add_up_to_is_refused_whole(app: Jobtrack) -> None:
    _, document = _document(app)
    i, roof = next((i, j) for i, j in enumerate(document["jobs"]) if j["title"] == "Roof")
    roof["amount_paid"] = "260.00"  # as if the refund were not there
    error = _refused(app, document)
    assert error.fields == (f"jobs[{i}].amount_paid",)
    assert "come to 250.00" in str(error)


def test_a_payment_left_out_or_voided_in_the_file_is_refused(app: Jobtrack) -> None:
    _, document = _document(app)
    original = copy.deepcopy(document)
    check = next(p for p in document["payments"] if p["method"] == "check")
    document["payments"].remove(check)
    i = next(i for i, j in enumerate(document["jobs"]) if j["id"] == check["job_id"])
    assert _refused(app, document).fields == (f"jobs[{i}].amount_paid",)
    document = original
    check = next(p for p in document["payments"] if p["method"] == "check")
    check.update(voided_at=check["recorded_at"], void_reason="bounced")
    assert _refused(app, document).fields == (f"jobs[{i}].amount_paid",)


def test_paid_must_agree_with_the_ledger_s_rule(app: Jobtrack) -> None:
    _, document = _document(app)
    i, roof = next((i, j) for i, j in enumerate(document["jobs"]) if j["title"] == "Roof")
    roof["paid"], roof["paid_at"] = False, None
    assert _refused(app, document).fields == (f"jobs[{i}].paid",)


def test_payments_of_no_job_of_the_file_or_of_another_account_are_refused(app: Jobtrack) -> None:
    _, document = _document(app)
    document["payments"][0]["job_id"] = "nowhere"
    document["payments"][1]["user_id"] = "someone-else"
    document["payments"][2]["id"] = document["payments"][3]["id"]
    fields = set(_refused(app, document).fields)
    assert {"payments[0].job_id", "payments[1].user_id", "payments[3].id"} <= fields


def test_a_bad_payment_is_named_by_its_path_and_csv_row(app: Jobtrack) -> None:
    ws, document = _document(app)
    document["payments"][2]["amount"] = 12.5  # a float: inexact
    document["payments"][4]["kind"] = "gift"
    assert set(_refused(app, document).fields) == {"payments[2].amount", "payments[4].kind"}
    archive = io.BytesIO()
    export_csv(app, ws.user_id, archive)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(archive) as zipped, zipfile.ZipFile(rewritten, "w") as out:
        for name in zipped.namelist():
            data = zipped.read(name).decode()
            if name == "payments.csv":
                data = data.replace("bank_transfer", "barter")
            out.writestr(name, data)
    rewritten.seek(0)
    me = new_account(app, email="csv@example.com")
    with pytest.raises(ValidationError) as caught:
        import_csv(me, rewritten)
    assert caught.value.fields == ("payments.csv row 1.method",)


# -- conflicts ---------------------------------------------------------------------------------
def _imported(app: Jobtrack) -> tuple[Workspace, Workspace, str]:
    """Their ledger, imported into my account; returns both and their export."""
    assert isinstance(app.clock, FakeClock)
    theirs = ledger(app)
    text = export_text(app, theirs.user_id)
    me = new_account(app, email="me@example.com")
    import_json(me, io.StringIO(text))
    return theirs, me, text


def test_a_payment_recorded_since_is_a_conflict_on_its_job(app: Jobtrack) -> None:
    _, me, text = _imported(app)
    deck = next(j for j in me.list_jobs() if j.title == "Deck")
    me.add_payment(deck.id, "50", kind="deposit", method="cash")
    before = state(app, me.user_id)
    with pytest.raises(ConflictError, match="already exist"):
        import_json(me, io.StringIO(text))
    kept = import_json(me, io.StringIO(text), on_conflict="keep")
    assert kept.kept == Counts(jobs=1)
    (conflict,) = kept.conflicts
    assert conflict.id == deck.id and {"amount_paid", "payments"} <= set(conflict.fields)
    assert state(app, me.user_id) == before
    # replace would delete the payment recorded since: an import never deletes money
    with pytest.raises(ConflictError) as caught:
        import_json(me, io.StringIO(text), on_conflict="replace")
    assert caught.value.field == "payments" and "never deletes" in str(caught.value)
    assert state(app, me.user_id) == before


def test_replace_adds_the_file_s_new_payments_and_its_voids(app: Jobtrack) -> None:
    theirs, me, _ = _imported(app)
    deck = next(j for j in theirs.list_jobs() if j.title == "Deck")
    (first,) = theirs.list_payments(job_id=deck.id)
    theirs.void_payment(first.id, "paid back in cash")
    theirs.add_payment(deck.id, "350", kind="deposit", method="card")
    text = export_text(app, theirs.user_id)
    report = import_json(me, io.StringIO(text), on_conflict="replace")
    assert report.created == Counts(payments=1) and report.updated == Counts(jobs=1, payments=1)
    mine = me.list_payments(job_id=deck.id)
    assert [(p.amount, p.voided) for p in mine] == [
        (p.amount, p.voided) for p in theirs.list_payments(job_id=deck.id)
    ]
    voided = me.get_payment(first.id)
    assert voided.version == 2 and voided.void_reason == "paid back in cash"
    assert me.get_job(deck.id).amount_paid == 350
    (entry,) = me.history("payment", first.id, limit=1).items
    assert (entry.action, entry.source) == (Action.VOIDED, Source.IMPORT)
    assert import_json(me, io.StringIO(text)).unchanged.payments == 8


def test_records_made_in_code_carry_their_payments(app: Jobtrack) -> None:
    theirs = ledger(app)
    me = new_account(app, email="me@example.com")
    jobs = theirs.list_jobs()
    customers = theirs.list_customers()
    import attrs

    def mine(records: Sequence[Any]) -> list[Any]:
        return [attrs.evolve(r, user_id=me.user_id) for r in records]

    with pytest.raises(ValidationError, match="amount_paid"):
        import_records(me, mine(customers), mine(jobs))  # their money, without its payments
    assert me.list_jobs() == []
    report = import_records(me, mine(customers), mine(jobs), mine(theirs.list_payments()))
    assert report.created == Counts(customers=1, jobs=4, payments=7)
    assert me.balances() == theirs.balances()
