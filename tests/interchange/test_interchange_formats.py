"""The formats the importers read: ``jobtrack/2``, whose account carries the business's
calendar, and ``jobtrack/1``, written before accounts had one."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from jobtrack_core import ValidationError
from jobtrack_interchange import (
    FORMAT,
    Counts,
    export_csv,
    import_csv,
    import_json,
    restore_csv,
    restore_json,
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


@pytest.mark.parametrize("form", ["json", "csv"])
def test_a_jobtrack_1_export_restores_without_a_calendar(make_app: Any, form: str) -> None:
    app = make_app()
    if form == "json":
        report = restore_json(app, io.StringIO(OLD_EXPORT_JSON))
    else:
        report = restore_csv(app, _old_archive())
    assert report.created == Counts(users=1, customers=1, jobs=2) and report.alterations == ()
    assert _calendar(app, "u-old") == (None, None)  # the application's calendar
    assert app.login("ola@example.com", OLD_EXPORT_PASSWORD).user.id == "u-old"
    again = json.loads(export_text(app, "u-old"))
    assert again["format"] == FORMAT == "jobtrack/3"
    assert (again["account"]["timezone"], again["account"]["week_start"]) == (None, None)
    # Records have kept their shape: they come back exactly as the old file held them,
    # at version 1, each recorded as created by the import.
    for table in ("customers", "jobs"):
        assert again[table] == [record | {"version": 1} for record in OLD_DOCUMENT[table]]
    created = {(e["kind"], e["record_id"], e["action"], e["source"]) for e in again["history"]}
    assert created == {("customer", "c-1", "created", "import")} | {
        ("job", job, "created", "import") for job in ("j-1", "j-2")
    }
    if form == "json":
        report = restore_json(app, io.StringIO(OLD_EXPORT_JSON))
    else:
        report = restore_csv(app, _old_archive())
    assert report.unchanged == Counts(users=1, customers=1, jobs=2)


def test_a_jobtrack_1_export_imports_into_an_account(make_app: Any) -> None:
    me = new_account(make_app())
    mine = me.user
    assert import_json(me, io.StringIO(OLD_EXPORT_JSON)).created == Counts(customers=1, jobs=2)
    assert import_csv(me, _old_archive()).unchanged == Counts(customers=1, jobs=2)
    assert me.user == mine
    assert {(j.id, j.user_id) for j in me.list_jobs()} == {("j-1", mine.id), ("j-2", mine.id)}


def test_a_format_of_neither_version_is_refused(make_app: Any) -> None:
    text = OLD_EXPORT_JSON.replace('"jobtrack/1"', '"jobtrack/9"')
    with pytest.raises(ValidationError) as caught:
        restore_json(make_app(), io.StringIO(text))
    assert caught.value.fields == ("format",)
    assert "'jobtrack/1', 'jobtrack/2' or 'jobtrack/3'" in str(caught.value)
