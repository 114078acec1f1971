"""The formats the importers read: ``jobtrack/4``, whose documents carry the ledger;
``jobtrack/3`` and ``jobtrack/2``, written before payments, whose account carries the
business's calendar; and ``jobtrack/1``, written before accounts had one. A paid job
with a cost of a document without payments gets one payment of its cost."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from jobtrack_core import ValidationError
from jobtrack_core.entities import Job
from jobtrack_core.ledger import opening_payment
from jobtrack_core.periods import BusinessCalendar
from jobtrack_interchange import (
    FORMAT,
    Counts,
    export_csv,
    import_csv,
    import_json,
    restore_csv,
    restore_json,
    unstructure,
)

from .interchange_helpers import export_text, new_account, without_time
from .interchange_legacy import OLD_EXPORT_CSV, OLD_EXPORT_JSON, OLD_EXPORT_PASSWORD

CALENDAR = ("Pacific/Auckland", 6)  # not the application's: UTC, weeks from Monday


def _with_calendar(make_app: Any) -> tuple[Any, str]:
    app = make_app()
    ws = new_account(app)
    ws.update_profile(timezone=CALENDAR[0], week_start=CALENDAR[1])
    ws.create_job(ws.add_customer("Ann").id, "Fix sink", due_date="2025-08-01")
    return app, ws.user_id


def _calendar(app: Any, user_id: str) -> tuple[str | None, int | None]:
    user = app.workspace(user_id).user
    return user.timezone, user.week_start


def test_the_calendar_round_trips_through_json(make_app: Any) -> None:
    app, user_id = _with_calendar(make_app)
    text = export_text(app, user_id)
    account = json.loads(text)["account"]
    assert (account["timezone"], account["week_start"]) == CALENDAR
    target = make_app()
    restore_json(target, io.StringIO(text))
    assert _calendar(target, user_id) == CALENDAR
    assert without_time(export_text(target, user_id)) == without_time(text)


def test_the_calendar_round_trips_through_csv(make_app: Any) -> None:
    app, user_id = _with_calendar(make_app)
    archive = io.BytesIO()
    export_csv(app, user_id, archive)
    with zipfile.ZipFile(archive) as zipped:
        assert ",Pacific/Auckland,6," in zipped.read("account.csv").decode()
    target = make_app()
    restore_csv(target, io.BytesIO(archive.getvalue()))
    assert _calendar(target, user_id) == CALENDAR
    assert without_time(export_text(target, user_id)) == without_time(export_text(app, user_id))


def test_importing_into_an_account_leaves_its_calendar_alone(make_app: Any) -> None:
    app, user_id = _with_calendar(make_app)
    text = export_text(app, user_id)
    me = new_account(make_app())
    mine = me.user
    import_json(me, io.StringIO(text))
    assert me.user == mine
    assert (mine.timezone, mine.week_start) != CALENDAR


def _old_archive() -> io.BytesIO:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        for name, text in OLD_EXPORT_CSV.items():
            out.writestr(name, text)
    archive.seek(0)
    return archive


OLD_DOCUMENT = json.loads(OLD_EXPORT_JSON)


def _opening(job: Job, calendar: BusinessCalendar, payment_id: str) -> dict[str, Any]:
    made = opening_payment(job, calendar, payment_id)
    assert made is not None
    return dict(unstructure(made))


@pytest.mark.parametrize("form", ["json", "csv"])
def test_a_jobtrack_1_export_restores_without_a_calendar(make_app: Any, form: str) -> None:
    app = make_app()
    if form == "json":
        report = restore_json(app, io.StringIO(OLD_EXPORT_JSON))
    else:
        report = restore_csv(app, _old_archive())
    assert report.created == Counts(users=1, customers=1, jobs=2, payments=1)
    assert report.alterations == ()
    assert _calendar(app, "u-old") == (None, None)  # the application's calendar
    assert app.login("ola@example.com", OLD_EXPORT_PASSWORD).user.id == "u-old"
    again = json.loads(export_text(app, "u-old"))
    assert again["format"] == FORMAT == "jobtrack/5"
    assert (again["account"]["timezone"], again["account"]["week_start"]) == (None, None)
    # Records have kept their shape: they come back exactly as the old file held them,
    # at version 1, each recorded as created by the import; the paid job with a cost
    # holds its cost, in one payment as the ledger's opening_payment makes it.
    assert again["customers"] == [c | {"version": 1} for c in OLD_DOCUMENT["customers"]]
    held = {"j-1": "84.50", "j-2": "0.00"}
    assert again["jobs"] == [
        job | {"version": 1, "amount_paid": held[job["id"]]} for job in OLD_DOCUMENT["jobs"]
    ]
    (payment,) = again["payments"]
    paid = app.workspace("u-old").get_job("j-1")
    assert payment == _opening(paid, app.calendar, payment["id"])
    assert (payment["amount"], payment["received_on"]) == ("84.50", "2025-06-11")
    created = {(e["kind"], e["record_id"], e["action"], e["source"]) for e in again["history"]}
    assert created == {("customer", "c-1", "created", "import")} | {
        ("job", job, "created", "import") for job in ("j-1", "j-2")
    } | {("payment", payment["id"], "created", "import")}
    if form == "json":
        report = restore_json(app, io.StringIO(OLD_EXPORT_JSON))
    else:
        report = restore_csv(app, _old_archive())
    # The job is unchanged and keeps the one payment it stands for.
    assert report.unchanged == Counts(users=1, customers=1, jobs=2, payments=1)
    assert report.created == Counts()
    assert json.loads(export_text(app, "u-old"))["payments"] == [payment]


def test_a_jobtrack_1_export_imports_into_an_account(make_app: Any) -> None:
    me = new_account(make_app())
    mine = me.user
    created = import_json(me, io.StringIO(OLD_EXPORT_JSON)).created
    assert created == Counts(customers=1, jobs=2, payments=1)
    assert import_csv(me, _old_archive()).unchanged == Counts(customers=1, jobs=2, payments=1)
    assert me.user == mine
    assert {(j.id, j.user_id) for j in me.list_jobs()} == {("j-1", mine.id), ("j-2", mine.id)}
    (payment,) = me.list_payments()
    assert payment == opening_payment(me.get_job("j-1"), me.app.calendar, payment.id)
    assert me.get_job("j-1").amount_paid == payment.amount


def test_an_old_document_s_payment_is_dated_in_the_account_s_calendar(make_app: Any) -> None:
    """Paid 2025-06-11 at 12:00 UTC: already the 12th in Auckland."""
    me = new_account(make_app())
    me.update_profile(timezone=CALENDAR[0], week_start=CALENDAR[1])
    import_json(me, io.StringIO(OLD_EXPORT_JSON))
    (payment,) = me.list_payments()
    assert payment.received_on.isoformat() == "2025-06-12"
    calendar = BusinessCalendar(*CALENDAR)
    assert payment == opening_payment(me.get_job("j-1"), calendar, payment.id)
    assert me.mark_unpaid("j-1").amount_paid == 0  # mark_unpaid undoes it, as it would


@pytest.mark.parametrize("old", ["jobtrack/2", "jobtrack/3"])
def test_documents_before_the_ledger_give_each_paid_job_one_payment(
    make_app: Any, old: str
) -> None:
    """A jobtrack/4 export, as a jobtrack/2 or /3 one held it (no payments, no
    amount_paid; /2 without versions or history either), imports with one payment per
    paid job with a cost, of its cost, and the same figures."""
    from jobtrack_core.testing import FakeClock

    from .interchange_helpers import populate

    clock = FakeClock()
    app = make_app(clock=clock)
    sam = populate(app, clock)
    document = json.loads(export_text(app, sam))
    document["format"] = old
    del document["payments"]
    for name in ("billing", "numbers", "quotes", "invoices"):
        del document[name]
    for job in document["jobs"]:
        del job["amount_paid"]
    if old == "jobtrack/2":
        for table in ("customers", "jobs"):
            for record in document[table]:
                del record["version"]
        del document["history"], document["kept_from"]
    me = new_account(make_app())
    report = import_json(me, io.StringIO(json.dumps(document)))
    paid = [j for j in app.workspace(sam).list_jobs() if j.paid and j.actual_cost]
    assert report.created == Counts(customers=2, jobs=7, payments=len(paid))
    payments = me.list_payments()
    assert sorted(p.job_id or "" for p in payments) == sorted(j.id for j in paid)
    for payment in payments:
        assert payment.job_id is not None
        job = me.get_job(payment.job_id)
        assert payment == opening_payment(job, me.app.calendar, payment.id)
        assert job.amount_paid == job.actual_cost == payment.amount
    assert me.balances() == app.workspace(sam).balances()


def test_an_old_document_may_not_carry_payments(make_app: Any) -> None:
    document = json.loads(OLD_EXPORT_JSON)
    document["payments"] = []
    with pytest.raises(ValidationError) as caught:
        restore_json(make_app(), io.StringIO(json.dumps(document)))
    assert caught.value.fields == ("payments",)


def test_a_format_of_neither_version_is_refused(make_app: Any) -> None:
    text = OLD_EXPORT_JSON.replace('"jobtrack/1"', '"jobtrack/9"')
    with pytest.raises(ValidationError) as caught:
        restore_json(make_app(), io.StringIO(text))
    assert caught.value.fields == ("format",)
    readable = "'jobtrack/1', 'jobtrack/2', 'jobtrack/3', 'jobtrack/4' or 'jobtrack/5'"
    assert readable in str(caught.value)
