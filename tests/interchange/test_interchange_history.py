"""History and versions through the interchange: an export carries them, a restore puts
them back (so that a change feed's cursor holds), and every import records what it
created or replaced, in bulk, from the source ``import``.

Each test runs against every store the interchange tests use (memory, SQLite and,
when a server is there, PostgreSQL); where a test needs a second store, the first is
a memory store.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from jobtrack_core import ConflictError, Jobtrack, NotFoundError, ValidationError, Workspace
from jobtrack_core.entities import Action, FieldChange, HistoryEntry, RecordKind, Source
from jobtrack_core.errors import ResyncNeeded
from jobtrack_core.history import encode_place as encode
from jobtrack_core.ports import HistoryRepository, Store, UnitOfWork
from jobtrack_core.service import Committed
from jobtrack_core.testing import FakeClock
from jobtrack_core.testing.feed import Client
from jobtrack_interchange import (
    Counts,
    export_csv,
    import_json,
    import_myjobtrack_database,
    import_records,
    restore_csv,
    restore_json,
    unstructure,
)

from .interchange_helpers import export_text, new_account, populate, store_factory
from .interchange_legacy import OLD_EXPORT_JSON

KINDS = ["memory", "sqlite", "postgres"]
IMPORTED_USERS = ("u-sam", "u-lee", "u-lock")


@pytest.fixture(params=KINDS)
def app(request: pytest.FixtureRequest, make_app: Any) -> Iterator[Jobtrack]:
    """An app over a fresh store of each kind, with a fake clock (``app.clock``)."""
    store = store_factory(request.param, request)()
    try:
        yield make_app(store, clock=FakeClock())
    finally:
        store.close()


def history(ws: Workspace) -> list[HistoryEntry]:
    """Every change the business's history keeps, oldest first."""
    found: list[HistoryEntry] = []
    after = None
    while True:
        page = ws.activity(limit=100, after=after)
        found += page.items
        if page.next is None:
            return found[::-1]
        after = page.next


def catches_up(ws: Workspace) -> None:
    """A client starting from nothing ends with exactly the business's records."""
    client = Client(ws)
    client.catch_up()
    payments = {(RecordKind.PAYMENT, p.id): p for p in ws.list_payments()}
    assert client.copy == {**client.truth(), **payments}


def busy_account(app: Jobtrack) -> tuple[Workspace, str]:
    """A populated account that has deleted a customer (its jobs with it), and the
    feed cursor a client held before that."""
    assert isinstance(app.clock, FakeClock)
    ws = app.workspace(populate(app, app.clock))
    cursor = ws.changes(limit=5).next
    bob = next(c for c in ws.list_customers() if c.name == "Bob")
    app.clock.tick()
    ws.delete_customer(bob.id, with_payments=True)
    return ws, cursor


# -- export --------------------------------------------------------------------------------
def test_an_export_carries_versions_and_the_whole_history(app: Jobtrack) -> None:
    ws, _ = busy_account(app)
    document = json.loads(export_text(app, ws.user_id))
    assert document["format"] == "jobtrack/5" and document["kept_from"] == 0
    assert document["history"] == unstructure(history(ws)[::-1])  # newest first
    assert {j["id"]: j["version"] for j in document["jobs"]} == {
        j.id: j.version for j in ws.list_jobs()
    }
    assert any(j["version"] > 1 for j in document["jobs"])
    # The deleted customer's history is there, and its jobs' deletions name it.
    deleted = [e for e in document["history"] if e["action"] == "deleted"]
    (customer,) = [e for e in deleted if e["kind"] == "customer"]
    assert {e["cause"] for e in deleted if e["kind"] == "job"} == {customer["record_id"]}
    first = document["history"][-1]
    assert first["seq"] == 1 and first["action"] == "created"
    assert {"field": "name", "old": None, "new": 'Ann "the boss", Smith'} in first["changes"]


# -- restore -------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["json", "csv"])
def test_a_restore_puts_the_history_back_and_a_feed_cursor_still_holds(
    app: Jobtrack, make_app: Any, form: str
) -> None:
    clock = FakeClock()
    source = make_app(clock=clock)
    ws, cursor = busy_account(source)
    early = ws.create_job(ws.list_customers()[0].id, "Gone soon")
    ws.delete_job(early.id)
    clock.advance(days=2)
    ws.update_job(ws.list_jobs()[0].id, title="Renamed after the prune's moment")
    ws.prune_history(clock() - timedelta(days=1))  # drops the deletions: kept_from rises
    with source.store.transaction(write=False) as uow:
        kept_from = uow.history.kept_from(ws.user_id)
    assert kept_from > 0
    if form == "json":
        restore_json(app, io.StringIO(export_text(source, ws.user_id)))
    else:
        archive = io.BytesIO()
        export_csv(source, ws.user_id, archive)
        archive.seek(0)
        restore_csv(app, archive)
    there = app.workspace(ws.user_id)
    assert history(there) == history(ws)
    assert (there.list_customers(), there.list_jobs()) == (ws.list_customers(), ws.list_jobs())
    late = ws.changes(encode(kept_from), limit=100)
    assert there.changes(encode(kept_from), limit=100) == late
    for old in (cursor, encode(kept_from - 1)):  # older than what is kept: both say resync
        with pytest.raises(ResyncNeeded):
            there.changes(old)
    catches_up(there)
    # The next change takes the next number, as it would have in the source.
    made = there.add_customer("After the restore")
    assert history(there)[-1].seq == history(ws)[-1].seq + 1
    assert there.changes(late.next).changes[0].record == made


def test_restoring_again_records_nothing_and_a_file_without_history_records_creations(
    app: Jobtrack,
) -> None:
    report = restore_json(app, io.StringIO(OLD_EXPORT_JSON))
    ws = app.workspace("u-old")
    made = history(ws)
    (payment,) = ws.list_payments()
    assert {(e.kind, e.record_id) for e in made} == {
        (RecordKind.CUSTOMER, "c-1"),
        (RecordKind.JOB, "j-1"),
        (RecordKind.JOB, "j-2"),
        (RecordKind.PAYMENT, payment.id),  # the paid job's opening payment
    }
    assert {(e.action, e.source, e.actor_id) for e in made} == {
        (Action.CREATED, Source.IMPORT, "u-old")
    }
    assert report.created == Counts(users=1, customers=1, jobs=2, payments=1)
    again = restore_json(app, io.StringIO(export_text(app, "u-old")))
    assert again.unchanged == Counts(users=1, customers=1, jobs=2, payments=1)
    assert history(ws) == made
    catches_up(ws)


def test_a_restored_record_the_history_does_not_speak_of_is_recorded_as_created(
    app: Jobtrack, make_app: Any
) -> None:
    source = make_app(clock=FakeClock())
    ws, _ = busy_account(source)
    document = json.loads(export_text(source, ws.user_id))
    lost = document["jobs"][0]["id"]
    document["history"] = [e for e in document["history"] if e["record_id"] != lost]
    restore_json(app, io.StringIO(json.dumps(document)))
    there = app.workspace(ws.user_id)
    (entry,) = there.history("job", lost).items
    assert (entry.action, entry.source) == (Action.CREATED, Source.IMPORT)
    assert entry.seq == document["history"][0]["seq"] + 1
    catches_up(there)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["history"][0].update(owner_id="someone-else"), "history[0].owner_id"),
        (lambda d: d["history"][1].update(seq=d["history"][0]["seq"]), "history[1].seq"),
        (
            lambda d: d["history"][0].update(changes=[{"field": "x", "old": 1.5}]),
            "history[0].changes",
        ),
        (lambda d: d["history"][2].update(source="fax"), "history[2].source"),
        (lambda d: d.update(kept_from=-1), "kept_from"),
    ],
)
def test_a_bad_history_is_refused_by_its_path_and_nothing_is_written(
    make_app: Any, change: Any, field: str
) -> None:
    source = make_app(clock=FakeClock())
    ws, _ = busy_account(source)
    document = json.loads(export_text(source, ws.user_id))
    change(document)
    target = make_app()
    with pytest.raises(ValidationError) as caught:
        restore_json(target, io.StringIO(json.dumps(document)))
    assert field in caught.value.fields
    with pytest.raises(NotFoundError):
        target.workspace(ws.user_id)


def test_a_bad_history_row_of_a_csv_archive_is_named_by_its_row(
    make_app: Any, tmp_path: Path
) -> None:
    source = make_app(clock=FakeClock())
    ws, _ = busy_account(source)
    archive = tmp_path / "export.zip"
    export_csv(source, ws.user_id, archive)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(broken, "w") as new:
        for name in old.namelist():
            data = old.read(name).decode()
            if name == "history.csv":
                rows = list(csv.reader(io.StringIO(data, newline="")))
                rows[1][rows[0].index("action")] = "made"
                out = io.StringIO()
                csv.writer(out, lineterminator="\r\n").writerows(rows)
                data = out.getvalue()
            new.writestr(name, data)
    with pytest.raises(ValidationError) as caught:
        restore_csv(make_app(), broken)
    assert caught.value.fields == ("history.csv row 1.action",)


# -- import into an account ----------------------------------------------------------------
@contextmanager
def counting_history(app: Jobtrack) -> Iterator[dict[str, int]]:
    """Count the calls of the history's ``reserve`` and ``add`` made through ``app``."""
    calls = {"reserve": 0, "add": 0}
    real = app.store
    app.store = _CountingStore(real, calls)
    try:
        yield calls
    finally:
        app.store = real


@attrs.define
class _CountingHistory:
    inner: HistoryRepository
    calls: dict[str, int]

    def reserve(self, owner_id: str, count: int) -> int:
        self.calls["reserve"] += 1
        return self.inner.reserve(owner_id, count)

    def add(self, entries: Any) -> None:
        self.calls["add"] += 1
        self.inner.add(entries)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@attrs.define
class _CountingUnit:
    inner: UnitOfWork
    calls: dict[str, int]

    @property
    def history(self) -> _CountingHistory:
        return _CountingHistory(self.inner.history, self.calls)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@attrs.define
class _CountingStore:
    inner: Store
    calls: dict[str, int]

    @contextmanager
    def _counted(self, opened: AbstractContextManager[UnitOfWork]) -> Iterator[Any]:
        with opened as uow:
            yield _CountingUnit(uow, self.calls)

    def transaction(self, *, write: bool = True) -> AbstractContextManager[Any]:
        return self._counted(self.inner.transaction(write=write))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_an_import_records_what_it_creates_in_one_batch_and_nothing_when_run_again(
    app: Jobtrack, make_app: Any
) -> None:
    source = make_app(clock=FakeClock())
    theirs, _ = busy_account(source)
    text = export_text(source, theirs.user_id)
    me = new_account(app)
    heard: list[Committed] = []
    app.subscribe(heard.append)
    with counting_history(app) as calls:
        report = import_json(me, io.StringIO(text))
    assert calls == {"reserve": 1, "add": 1}
    made = history(me)
    assert len(made) == report.created.customers + report.created.jobs == 5
    assert [e.seq for e in made] == [1, 2, 3, 4, 5]
    assert {(e.action, e.source, e.actor_id, e.at) for e in made} == {
        (Action.CREATED, Source.IMPORT, me.user_id, app.now())
    }
    assert [(c.owner_id, c.entries) for c in heard] == [(me.user_id, tuple(made))]
    # Versions come as the file has them.
    assert {j.id: j.version for j in me.list_jobs()} == {
        j.id: j.version for j in theirs.list_jobs()
    }
    catches_up(me)
    with counting_history(app) as calls:
        assert import_json(me, io.StringIO(text)).unchanged == report.created
    assert calls == {"reserve": 0, "add": 0} and history(me) == made and len(heard) == 1


def test_replacing_a_record_records_its_differences_one_version_on(
    app: Jobtrack, make_app: Any
) -> None:
    source = make_app(clock=FakeClock())
    theirs, _ = busy_account(source)
    text = export_text(source, theirs.user_id)
    me = new_account(app)
    import_json(me, io.StringIO(text))
    ann = next(c for c in me.list_customers() if c.name.startswith("Ann"))
    mine = me.update_customer(ann.id, notes="changed here", phone=None)
    recorded = history(me)
    heard: list[Committed] = []
    app.subscribe(heard.append)
    for quiet in ({"on_conflict": "keep"}, {"on_conflict": "replace", "dry_run": True}):
        import_json(me, io.StringIO(text), **quiet)
    with pytest.raises(ConflictError, match="already exist"):
        import_json(me, io.StringIO(text))
    assert history(me) == recorded and heard == []

    report = import_json(me, io.StringIO(text), on_conflict="replace")
    assert report.updated == Counts(customers=1)
    now = me.get_customer(ann.id)
    assert now == attrs.evolve(ann, version=mine.version + 1)
    (entry,) = history(me)[len(recorded) :]
    assert (entry.action, entry.source, entry.kind, entry.record_id) == (
        Action.UPDATED,
        Source.IMPORT,
        RecordKind.CUSTOMER,
        ann.id,
    )
    assert set(entry.changes) == {
        FieldChange("notes", "changed here", ann.notes),
        FieldChange("phone", None, ann.phone),
    }
    assert [c.entries for c in heard] == [(entry,)]
    catches_up(me)


def test_records_made_in_code_are_imported_and_recorded(app: Jobtrack) -> None:
    me = new_account(app)
    customer = me.add_customer("Ada")
    moved = attrs.evolve(customer, name="Ada Lovelace")
    job = me.create_job(customer.id, "Engine")
    new = attrs.evolve(job, id="imported-job", title="Another engine")
    report = import_records(me, [moved], [job, new], on_conflict="replace")
    assert (report.created, report.updated, report.unchanged) == (
        Counts(jobs=1),
        Counts(customers=1),
        Counts(jobs=1),
    )
    assert [(e.action, e.record_id) for e in history(me)[2:]] == [
        (Action.UPDATED, customer.id),
        (Action.CREATED, "imported-job"),
    ]
    assert me.get_customer(customer.id).version == 2
    catches_up(me)


def test_a_myjobtrack_import_records_each_record_it_creates(app: Jobtrack, legacy_db: Path) -> None:
    import_myjobtrack_database(app, legacy_db)
    for user_id in IMPORTED_USERS:
        ws = app.workspace(user_id)
        made = history(ws)
        records = {(RecordKind.CUSTOMER, c.id) for c in ws.list_customers()}
        records |= {(RecordKind.JOB, j.id) for j in ws.list_jobs()}
        records |= {(RecordKind.PAYMENT, p.id) for p in ws.list_payments()}
        assert sorted((e.kind, e.record_id) for e in made) == sorted(records)
        assert {(e.action, e.source, e.actor_id) for e in made} <= {
            (Action.CREATED, Source.IMPORT, user_id)
        }
        assert [e.seq for e in made] == list(range(1, len(made) + 1))
        catches_up(ws)
    before = [history(app.workspace(u)) for u in IMPORTED_USERS]
    import_myjobtrack_database(app, legacy_db)
    assert [history(app.workspace(u)) for u in IMPORTED_USERS] == before
