"""Whose account an import writes to.

An import puts a file's records into my account; a restore creates the file's
account. Neither ever changes another account, whatever id, email or password
hash the file carries; a MyJobTrack database import creates its accounts and
never changes one that exists. Ids are per account, so two businesses import
files with the same ids side by side, and nothing an import says of one
account reveals another.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from jobtrack_core import AuthenticationError, ConflictError, Jobtrack, Workspace
from jobtrack_core.passwords import sha256_hex
from jobtrack_core.testing import FakeClock
from jobtrack_interchange import (
    Counts,
    ImportReport,
    OnConflict,
    import_csv,
    import_document,
    import_json,
    import_myjobtrack_backup,
    import_myjobtrack_database,
    import_myjobtrack_dump,
    restore_json,
    unstructure,
)

from .interchange_helpers import PASSWORD, export_text, new_account, populate, state
from .interchange_legacy import (
    CUSTOMERS,
    JOBS,
    OLD_EXPORT_CSV,
    OLD_EXPORT_JSON,
    USERS,
    build_legacy_database,
    legacy_dump,
)

A_EMAIL, A_PASSWORD = "al@example.com", "al's own passphrase"
B_EMAIL = "bea@example.com"  # B's password: PASSWORD
ATTACKER_PASSWORD = "the attacker's passphrase"


@attrs.frozen
class Two:
    """Two accounts in one app: A, empty, and B, with customers and jobs."""

    app: Jobtrack
    a: Workspace
    b: str


@pytest.fixture
def two(make_app: Any) -> Two:
    clock = FakeClock()
    app = make_app(clock=clock)
    b = populate(app, clock, email=B_EMAIL)
    a = new_account(app, email=A_EMAIL, name="Al", password=A_PASSWORD)
    return Two(app, a, b)


def _logs_in_only_with_its_own_password(app: Jobtrack, email: str, own: str, user_id: str) -> None:
    assert app.login(email, own).user.id == user_id
    for other in {PASSWORD, A_PASSWORD, ATTACKER_PASSWORD} - {own}:
        with pytest.raises(AuthenticationError):
            app.login(email, other)


def _forged(two: Two) -> dict[str, Any]:
    """B's export with the attacker's password hash, and B's records changed."""
    document: dict[str, Any] = json.loads(export_text(two.app, two.b))
    document["account"]["password_hash"] = two.app.hasher.hash(ATTACKER_PASSWORD)
    document["account"]["name"] = "Mallory"
    for customer in document["customers"]:
        customer["name"] = "Taken over"
    for job in document["jobs"]:
        job["title"] = "Taken over"
    return document


# -- an import can take over another account --------------------------------------------------
def test_a_file_of_another_account_imported_into_mine_changes_nothing_of_it(two: Two) -> None:
    app, a, b = two.app, two.a, two.b
    before_b = state(app, b)
    mine = a.user
    text = json.dumps(_forged(two))
    first = import_json(a, io.StringIO(text), on_conflict="replace")
    assert first.created == Counts(customers=2, jobs=7, payments=2) and first.user_ids == (
        a.user_id,
    )
    assert state(app, b) == before_b
    again = import_json(a, io.StringIO(text), on_conflict="replace")
    assert again.unchanged == Counts(customers=2, jobs=7, payments=2) and again.user_ids == (
        a.user_id,
    )
    assert state(app, b) == before_b
    assert a.user == mine  # profile, calendar and password hash
    _logs_in_only_with_its_own_password(app, B_EMAIL, PASSWORD, b)
    _logs_in_only_with_its_own_password(app, A_EMAIL, A_PASSWORD, a.user_id)
    assert {c.name for c in a.list_customers()} == {"Taken over"}
    assert {j.user_id for j in a.list_jobs()} == {a.user_id}


@pytest.mark.parametrize("carries", ["id and email", "id", "email"])
def test_restoring_a_file_of_another_account_is_refused(two: Two, carries: str) -> None:
    app, a, b = two.app, two.a, two.b
    document = _forged(two)
    if carries == "id":
        document["account"]["email"] = "fresh@example.com"
    elif carries == "email":
        document["account"]["id"] = "fresh-id"
        for record in (*document["customers"], *document["jobs"], *document["payments"]):
            record["user_id"] = "fresh-id"
        for entry in document["history"]:
            entry["owner_id"] = entry["actor_id"] = "fresh-id"
    before = state(app, a.user_id, b, "fresh-id")
    with pytest.raises(ConflictError) as caught:
        restore_json(app, io.StringIO(json.dumps(document)), on_conflict="replace")
    assert caught.value.field == "account"
    assert state(app, a.user_id, b, "fresh-id") == before
    _logs_in_only_with_its_own_password(app, B_EMAIL, PASSWORD, b)
    with pytest.raises(AuthenticationError):
        app.login("fresh@example.com", ATTACKER_PASSWORD)


B_OLD_PASSWORD = "bea's MyJobTrack password"
B_ID = "u-bea"


def _b_row(digest: object) -> tuple[object, ...]:
    return (B_ID, B_EMAIL, "Bea", None, digest, "2025-01-10 09:00:00", "2025-01-10 09:00:00")


def _legacy_b(app: Jobtrack, tmp_path: Path, kind: str) -> tuple[str, str | None]:
    """B as ``kind``; returns B's id and the password B logs in with (None: nobody)."""
    if kind == "registered":
        b = populate(app, FakeClock(), email=B_EMAIL)
        return b, PASSWORD
    digest = "not a digest" if kind == "imported, locked" else sha256_hex(B_OLD_PASSWORD)
    rows = (
        [_b_row(digest)],
        [(r[0], B_ID, *r[2:]) for r in CUSTOMERS if r[0] == "c1"],
        [(r[0], B_ID, *r[2:]) for r in JOBS if r[0] in ("j1", "j2")],
    )
    database = build_legacy_database(tmp_path / "bea.sqlite", *rows)
    assert import_myjobtrack_database(app, database).created == Counts(1, 1, 2, 1)
    if kind == "imported, logged in since":
        app.login(B_EMAIL, B_OLD_PASSWORD)
    return B_ID, None if kind == "imported, locked" else B_OLD_PASSWORD


@pytest.mark.parametrize("form", ["database", "dump"])
@pytest.mark.parametrize(
    "kind", ["registered", "imported", "imported, logged in since", "imported, locked"]
)
def test_a_myjobtrack_source_carrying_another_account_is_refused(
    make_app: Any, tmp_path: Path, kind: str, form: str
) -> None:
    app = make_app()
    b, password = _legacy_b(app, tmp_path, kind)
    stored_b = app.workspace(b).user
    taken = app.workspace(b).list_customers()[0].id
    forged = build_legacy_database(
        tmp_path / "forged.sqlite",
        [(b, B_EMAIL, "Mallory", None, sha256_hex(ATTACKER_PASSWORD), *_b_row("")[5:])],
        [(taken, b, "Taken over", *CUSTOMERS[0][3:])],
        [(JOBS[1][0], b, taken, "Taken over", *JOBS[1][4:])],
    )
    before = state(app, b)
    with pytest.raises(ConflictError) as caught:
        if form == "database":
            import_myjobtrack_database(app, forged, on_conflict="replace")
        else:
            import_myjobtrack_dump(app, io.StringIO(legacy_dump(forged)), on_conflict="replace")
    assert caught.value.field == "account"
    assert state(app, b) == before and app.workspace(b).user == stored_b
    with pytest.raises(AuthenticationError):
        app.login(B_EMAIL, ATTACKER_PASSWORD)
    if password is not None:
        assert app.login(B_EMAIL, password).user.id == b


def test_an_account_registered_with_a_source_email_but_another_id_is_not_changed(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app()
    bea = new_account(app, email=USERS[2][1], name="Lee, registered here")  # u-lee's email
    before = state(app, bea.user_id, "u-lee")
    with pytest.raises(ConflictError) as caught:
        import_myjobtrack_database(app, build_legacy_database(tmp_path / "x.sqlite"))
    assert caught.value.field == "account"
    assert state(app, bea.user_id, "u-lee") == before


# -- ids are per account --------------------------------------------------------------------
def _backup(name: str) -> str:
    return json.dumps(
        {
            "customers": [{"id": 17, "name": name, "createdDate": "2024-11-01T10:00:00.000Z"}],
            "jobs": [
                {
                    "id": 18,
                    "customerId": 17,
                    "title": f"Windows for {name}",
                    "price": 45,
                    "status": "scheduled",
                    "paymentStatus": "unpaid",
                    "createdDate": "2024-11-02T10:00:00.000Z",
                }
            ],
        }
    )


def _two_businesses(make_app: Any) -> tuple[Jobtrack, Workspace, Workspace]:
    app = make_app()
    al = new_account(app, email=A_EMAIL, name="Al Secretive", password=A_PASSWORD)
    bea = new_account(app, email=B_EMAIL, name="Bea Private")
    return app, al, bea


def _reveals(ws: Workspace, other: Workspace, said: str) -> list[str]:
    """What of ``other`` appears in ``said``, which was said to ``ws``."""
    secrets = {other.user_id, other.user.email, other.user.name, f"of {other.user.name}"}
    return [s for s in secrets if s in said and s not in {ws.user_id, ws.user.email}]


@pytest.mark.parametrize("policy", list(OnConflict))
@pytest.mark.parametrize("source", ["MyJobTrack backup", "jobtrack export"])
def test_two_accounts_import_files_with_the_same_ids(
    make_app: Any, policy: OnConflict, source: str
) -> None:
    app, al, bea = _two_businesses(make_app)
    texts: dict[str, str] = {}
    if source == "MyJobTrack backup":
        for ws in (al, bea):
            texts[ws.user_id] = _backup(f"Dana of {ws.user.name}")

        def bring(ws: Workspace, policy: OnConflict) -> ImportReport:
            return import_myjobtrack_backup(ws, io.StringIO(texts[ws.user_id]), on_conflict=policy)

    else:
        for ws in (al, bea):  # each business's own export from elsewhere, with the same ids
            elsewhere = make_app()
            ws_elsewhere = new_account(elsewhere, email="owner@example.com")
            dana = ws_elsewhere.add_customer(f"Dana of {ws.user.name}", id="17")
            ws_elsewhere.create_job(dana.id, f"Windows for {dana.name}", id="18")
            texts[ws.user_id] = export_text(elsewhere, ws_elsewhere.user_id)

        def bring(ws: Workspace, policy: OnConflict) -> ImportReport:
            return import_json(ws, io.StringIO(texts[ws.user_id]), on_conflict=policy)

    said: dict[str, list[str]] = {al.user_id: [], bea.user_id: []}

    def tell(ws: Workspace, report: ImportReport) -> ImportReport:
        said[ws.user_id] += [json.dumps(unstructure(report)), report.details()]
        return report

    for ws in (al, bea):
        assert tell(ws, bring(ws, policy)).created == Counts(customers=1, jobs=1)
    for ws in (al, bea):
        again = tell(ws, bring(ws, policy))
        assert again.created == Counts() and again.unchanged == Counts(customers=1, jobs=1)
    for ws in (al, bea):
        assert ws.get_customer("17").name == f"Dana of {ws.user.name}"
        assert (ws.get_job("18").customer_id, ws.get_job("18").user_id) == ("17", ws.user_id)

    # Each changes its own customer 17; importing again follows the policy for its own only.
    for ws in (al, bea):
        ws.update_customer("17", notes=f"called {ws.user.name}")
    for ws, other in ((al, bea), (bea, al)):
        theirs = state(app, other.user_id)
        if policy is OnConflict.FAIL:
            with pytest.raises(ConflictError) as caught:
                bring(ws, policy)
            said[ws.user_id].append(str(caught.value))
            assert "'17'" in str(caught.value)
        else:
            report = tell(ws, bring(ws, policy))
            outcome = report.updated if policy is OnConflict.REPLACE else report.kept
            assert outcome == Counts(customers=1)
        assert state(app, other.user_id) == theirs
    for ws, other in ((al, bea), (bea, al)):
        assert not _reveals(ws, other, "\n".join(said[ws.user_id]))


# -- into my account, or restoring an account ---------------------------------------------------
def test_a_file_of_another_account_lands_in_mine_and_a_notice_says_so(
    make_app: Any,
) -> None:
    source_app, clock = make_app(), FakeClock()
    theirs = populate(source_app, clock, email="kim@example.com")
    app = make_app()
    me = new_account(app, password=A_PASSWORD)
    mine = me.user
    report = import_json(me, io.StringIO(export_text(source_app, theirs)))
    assert report.created == Counts(customers=2, jobs=7, payments=2) and report.user_ids == (
        me.user_id,
    )
    assert {c.user_id for c in me.list_customers()} == {me.user_id}
    assert {j.user_id for j in me.list_jobs()} == {me.user_id}
    assert me.user == mine
    assert state(app, theirs) == [None]  # the file's account was not created
    assert app.login("me@example.com", A_PASSWORD).user.id == me.user_id
    with pytest.raises(AuthenticationError):
        app.login("kim@example.com", PASSWORD)
    (notice,) = report.notices
    assert (notice.kind, notice.id) == ("user", me.user_id)
    assert "kim@example.com" in notice.message and "left as they are" in notice.message
    # A file of my own account says nothing of the kind.
    own = import_json(me, io.StringIO(export_text(app, me.user_id)))
    assert own.notices == () and own.unchanged == Counts(customers=2, jobs=7, payments=2)


def test_importing_into_an_app_rather_than_an_account_points_at_the_restore(
    make_app: Any, tmp_path: Path
) -> None:
    app: Jobtrack = make_app()
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, text in OLD_EXPORT_CSV.items():
            out.writestr(name, text)
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: import_json(app, io.StringIO(OLD_EXPORT_JSON)), "restore_json"),  # type: ignore[arg-type]
        (lambda: import_csv(app, archive), "restore_csv"),  # type: ignore[arg-type]
        (lambda: import_document(app, json.loads(OLD_EXPORT_JSON)), "restore_document"),  # type: ignore[arg-type]
    ]
    for call, instead in calls:
        with pytest.raises(TypeError, match=rf"\b{instead}\(\)"):
            call()
    with pytest.raises(TypeError, match="Workspace"):
        import_myjobtrack_backup(app, io.StringIO(_backup("Dana")))  # type: ignore[arg-type]
    assert state(app, "u-old") == [None]
