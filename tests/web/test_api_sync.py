"""History and the change feed over HTTP: the library's answers through the converter,
cursors, 410 once history a cursor needs is forgotten, and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace
from jobtrack_interchange.converter import unstructure
from web.client import Api
from web.openapi_check import conforms


def workspace(jobtrack_app: Jobtrack, api: Api) -> Workspace:
    return jobtrack_app.authenticate(api.token)


def test_a_records_history_newest_first_by_pages(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    for n in range(4):
        ws.update_customer(ada.id, phone=f"555-010{n}")
    params: dict[str, Any] = {"kind": "customer", "id": ada.id}
    whole = api.get("/api/history", params=params)
    assert whole.status_code == 200
    expected = ws.history("customer", ada.id)
    assert whole.json() == {"items": unstructure(expected.items), "next": None}
    assert [e["action"] for e in whole.json()["items"]] == ["updated"] * 4 + ["created"]
    conforms(api, "get", "/api/history", whole)

    seen = [e["seq"] for e in api.walk("/api/history", **params)]
    assert seen == [e.seq for e in expected.items]


def test_activity_filters_as_the_library_does(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    job = ws.create_job(ada.id, "Sink")
    ws.start_job(job.id)
    ws.update_job(job.id, title="Kitchen sink")
    answer = api.get("/api/activity")
    assert answer.json() == unstructure(_plain(ws.activity()))
    conforms(api, "get", "/api/activity", answer)
    some = api.get(
        "/api/activity", params={"kinds": ["job"], "actions": ["moved", "updated"], "limit": 1}
    )
    wanted = ws.activity(kinds=["job"], actions=["moved", "updated"], limit=1)
    assert some.json() == unstructure(_plain(wanted))
    assert some.json()["next"] is not None
    today = ws.dashboard().today
    span = {"since": today.isoformat(), "until": (today + timedelta(days=1)).isoformat()}
    assert len(api.get("/api/activity", params=span).json()["items"]) == 4
    assert api.get("/api/activity", params={"until": "2000-01-01"}).json()["items"] == []


def _plain(page: Any) -> dict[str, Any]:
    return {"items": page.items, "next": page.next}


def test_the_change_feed_from_nothing_and_from_a_cursor(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    job = ws.create_job(ada.id, "Sink")
    first = api.get("/api/changes")
    assert first.status_code == 200
    assert first.json() == unstructure(ws.changes())
    batch = first.json()
    assert [(c["kind"], c["id"]) for c in batch["changes"]] == [
        ("customer", ada.id),
        ("job", job.id),
    ]
    assert batch["changes"][0]["record"]["name"] == "Ada"
    conforms(api, "get", "/api/changes", first)

    cursor = batch["next"]
    quiet = api.get("/api/changes", params={"after": cursor}).json()
    assert quiet == {"changes": [], "next": cursor}

    bob = ws.add_customer("Bob")
    ws.update_customer(ada.id, phone="555-0100")
    ws.delete_job(job.id)
    later = api.get("/api/changes", params={"after": cursor})
    assert later.json() == unstructure(ws.changes(cursor))
    changed = {c["id"]: c["record"] for c in later.json()["changes"]}
    assert set(changed) == {bob.id, ada.id, job.id}
    assert changed[job.id] is None and changed[ada.id]["phone"] == "555-0100"
    conforms(api, "get", "/api/changes", later)

    small = api.get("/api/changes", params={"after": cursor, "limit": 1}).json()
    assert len(small["changes"]) == 1
    rest = api.get("/api/changes", params={"after": small["next"]}).json()
    assert len(rest["changes"]) == 2


def test_a_cursor_older_than_forgotten_history_is_410(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    gone = ws.add_customer("Gone soon")
    cursor = api.get("/api/changes").json()["next"]
    ws.delete_customer(gone.id)
    ws.update_customer(ada.id, phone="555-0100")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    pruned = api.post("/api/history/prune", json={"before": tomorrow})
    assert pruned.status_code == 200
    assert pruned.json()["removed"] >= 2
    conforms(api, "post", "/api/history/prune", pruned)

    stale = api.get("/api/changes", params={"after": cursor})
    assert stale.status_code == 410
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["type"].endswith("/resync-needed")
    conforms(api, "get", "/api/changes", stale)
    again = api.get("/api/changes").json()
    assert [c["id"] for c in again["changes"]] == [ada.id]


def test_pruning_by_a_local_day(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    ws.update_customer(ada.id, phone="1")
    assert api.post("/api/history/prune", json={"before": "2000-01-01"}).json() == {"removed": 0}
    tomorrow = (ws.dashboard().today + timedelta(days=1)).isoformat()
    assert api.post("/api/history/prune", json={"before": tomorrow}).json() == {"removed": 1}
    left = api.get("/api/history", params={"kind": "customer", "id": ada.id}).json()
    assert len(left["items"]) == 1


def test_bad_parameters_are_422_naming_them(api: Api) -> None:
    for path, params, field in (
        ("/api/history", {"kind": "house", "id": "x"}, "kind"),
        ("/api/history", {"kind": "job"}, "id"),
        ("/api/history", {"kind": "job", "id": "x", "limit": 0}, "limit"),
        ("/api/history", {"kind": "job", "id": "x", "after": "%%%"}, "after"),
        ("/api/activity", {"actions": ["vanished"]}, "actions"),
        ("/api/activity", {"kinds": ["job", "house"]}, "kinds"),
        ("/api/activity", {"since": "2025-02-30"}, "since"),
        ("/api/changes", {"after": "nonsense"}, "after"),
        ("/api/changes", {"limit": 5000}, "limit"),
    ):
        answer = api.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.text)
        assert field in {e["field"] for e in answer.json()["errors"]}, answer.json()
    for body, field in (
        ({"before": "soon"}, "before"),
        ({"before": "2025-01-01T09:00:00"}, "before"),
        ({}, "before"),
        ({"before": "2025-01-01", "after": "x"}, "after"),
    ):
        answer = api.post("/api/history/prune", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in {e["field"] for e in answer.json()["errors"]}, answer.json()


def test_another_account_sees_nothing_of_the_first(
    api: Api, other: Api, jobtrack_app: Jobtrack
) -> None:
    ws = workspace(jobtrack_app, api)
    ada = ws.add_customer("Ada")
    ws.update_customer(ada.id, phone="1")
    params = {"kind": "customer", "id": ada.id}
    assert other.get("/api/history", params=params).json() == {"items": [], "next": None}
    assert other.get("/api/activity").json()["items"] == []
    assert other.get("/api/changes").json()["changes"] == []
    assert other.post("/api/history/prune", json={"before": "2100-01-01"}).json() == {"removed": 0}
    assert len(api.get("/api/history", params=params).json()["items"]) == 2
    assert api.client.get("/api/changes").status_code == 401
