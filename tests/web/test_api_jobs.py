"""Jobs over HTTP: their whole path, listings by cursor and filter, versions, the
workflow's refusals, validation and tenancy."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.client import Api


def customer(api: Api, name: str = "Ada Lovelace") -> str:
    made: str = api.made("/api/customers", {"name": name})["id"]
    return made


def job(api: Api, customer_id: str, title: str = "Fix the sink", **fields: Any) -> dict[str, Any]:
    return api.made("/api/jobs", {"customer_id": customer_id, "title": title, **fields})


def walk(api: Api, params: dict[str, Any], limit: int = 2) -> list[str]:
    """The titles of every page of a listing, following ``next``."""
    return [j["title"] for j in api.walk("/api/jobs", limit, **params)]


def test_a_job_is_made_started_completed_and_paid(api: Api) -> None:
    ada = customer(api)
    made = api.post(
        "/api/jobs",
        json={
            "customer_id": ada,
            "title": "Fix the sink",
            "estimated_cost": "120",
            "estimated_hours": 2,
            "due_date": "2026-12-24",
        },
    )
    assert made.status_code == 201, made.text
    sink = made.json()
    path = f"/api/jobs/{sink['id']}"
    assert made.headers["location"] == path and made.headers["etag"] == '"1"'
    assert sink["status"] == "pending" and sink["paid"] is False
    assert sink["estimated_cost"] == "120.00" and sink["estimated_hours"] == "2.00"
    assert sink["amount_paid"] == "0.00"
    read = api.get(path)
    assert read.json() == sink and read.headers["etag"] == '"1"'

    started = api.post(f"{path}/start", headers={"If-Match": '"1"'})
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "in_progress" and started.headers["etag"] == '"2"'

    done = api.post(
        f"{path}/complete",
        json={"actual_cost": "135.50", "actual_hours": "2.75"},
        headers={"If-Match": '"2"'},
    )
    assert done.status_code == 200, done.text
    completed = done.json()
    assert completed["status"] == "completed" and completed["completed_at"] is not None
    assert completed["actual_cost"] == "135.50" and completed["actual_hours"] == "2.75"
    assert completed["paid"] is False and done.headers["etag"] == '"3"'

    accuracy = api.get(f"{path}/accuracy")
    assert accuracy.status_code == 200
    assert accuracy.json()["cost"] == {"jobs": 1, "estimated": "120.00", "actual": "135.50"}
    assert accuracy.json()["hours"] == {"jobs": 1, "estimated": "2.00", "actual": "2.75"}

    paid = api.post(
        f"{path}/paid", json={"method": "card", "reference": "slip 12"}, headers={"If-Match": '"3"'}
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid"] is True and paid.json()["amount_paid"] == "135.50"
    payments = api.get(f"{path}/payments").json()
    assert payments["next"] is None
    [payment] = payments["items"]
    assert payment["amount"] == "135.50" and payment["method"] == "card"
    assert payment["reference"] == "slip 12" and payment["by_mark_paid"] is True

    unpaid = api.post(f"{path}/unpaid", headers={"If-Match": paid.headers["etag"]})
    assert unpaid.status_code == 200, unpaid.text
    assert unpaid.json()["paid"] is False and unpaid.json()["amount_paid"] == "0.00"
    assert api.get(f"{path}/payments").json()["items"][0]["void_reason"] == "marked unpaid"

    history = api.get(f"{path}/history", params={"limit": 3})
    assert history.status_code == 200
    actions = [e["action"] for e in history.json()["items"]]
    assert actions[0] == "unpaid" and len(actions) == 3
    rest = api.get(f"{path}/history", params={"after": history.json()["next"]}).json()
    assert rest["items"][-1]["action"] == "created" and rest["next"] is None


def test_bodies_of_actions_may_be_left_out(api: Api) -> None:
    sink = job(api, customer(api))
    path = f"/api/jobs/{sink['id']}"
    assert api.post(f"{path}/start").status_code == 200
    done = api.post(f"{path}/complete")
    assert done.status_code == 200, done.text
    assert done.json()["actual_cost"] is None
    paid = api.post(f"{path}/paid")
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid"] is True and paid.json()["amount_paid"] == "0.00"
    assert api.get(f"{path}/payments").json()["items"] == []


def test_a_job_is_changed_and_deleted(api: Api) -> None:
    ada = customer(api)
    grace = customer(api, "Grace Hopper")
    sink = job(api, ada, description="Under the stairs", estimated_cost="80")
    path = f"/api/jobs/{sink['id']}"
    changed = api.patch(
        path,
        json={"title": "Fix the sink again", "description": None, "customer_id": grace},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Fix the sink again" and body["description"] is None
    assert body["customer_id"] == grace and changed.headers["etag"] == '"2"'
    assert api.patch(path, json={"status": "completed"}).status_code == 422
    assert api.patch(path, json={"customer_id": "no-such"}).status_code == 404

    api.post(f"{path}/start")
    api.post(f"{path}/complete", json={"actual_cost": "90"})
    api.post("/api/payments", json={"job_id": sink["id"], "amount": "40", "method": "cash"})
    refused = api.delete(path)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "payments"
    gone = api.delete(path, params={"with_payments": "true"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["jobs"] == 1 and gone.json()["payments"] == 1
    assert api.get(path).status_code == 404
    assert api.get(f"{path}/payments").status_code == 404
    history = api.get(f"{path}/history").json()["items"]
    assert history[0]["action"] == "deleted"


def test_a_create_with_its_own_id_is_safe_to_send_again(api: Api) -> None:
    body = {"id": "j-51", "customer_id": customer(api), "title": "Paint the fence"}
    first = api.post("/api/jobs", json=body)
    again = api.post("/api/jobs", json=body)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert api.post("/api/jobs", json={**body, "title": "Else"}).status_code == 409
    assert len(api.get("/api/jobs").json()["items"]) == 1


def test_a_job_for_no_customer_of_this_account_is_404(api: Api, other: Api) -> None:
    theirs = customer(other)
    answer = api.post("/api/jobs", json={"customer_id": theirs, "title": "Mine"})
    assert answer.status_code == 404
    assert api.get("/api/jobs").json()["items"] == []


def test_a_stale_version_is_412_and_changes_nothing(api: Api) -> None:
    sink = job(api, customer(api))
    path = f"/api/jobs/{sink['id']}"
    assert api.patch(path, json={"title": "A"}, headers={"If-Match": '"1"'}).status_code == 200
    for answer in (
        api.patch(path, json={"title": "B"}, headers={"If-Match": '"1"'}),
        api.post(f"{path}/start", headers={"If-Match": '"1"'}),
        api.post(f"{path}/cancel", headers={"If-Match": '"1"'}),
        api.post(f"{path}/paid", headers={"If-Match": '"1"'}),
        api.delete(path, headers={"If-Match": '"1"'}),
    ):
        assert answer.status_code == 412, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
    now = api.get(path)
    assert now.json()["title"] == "A" and now.json()["status"] == "pending"
    assert now.headers["etag"] == '"2"'
    assert api.post(f"{path}/start", headers={"If-Match": "2"}).status_code == 422
    assert api.post(f"{path}/start", headers={"If-Match": '"2"'}).status_code == 200
    api.post(f"{path}/complete")
    paid = api.post(f"{path}/paid")
    assert paid.json()["paid"] is True
    stale = api.post(f"{path}/unpaid", headers={"If-Match": '"3"'})
    assert stale.status_code == 412
    stale = api.post(f"{path}/complete", headers={"If-Match": '"3"'})
    assert stale.status_code == 412


def test_a_move_the_workflow_refuses_is_409(api: Api) -> None:
    sink = job(api, customer(api))
    path = f"/api/jobs/{sink['id']}"
    pending = api.post(f"{path}/complete")
    assert pending.status_code == 409
    assert pending.headers["content-type"] == "application/problem+json"
    assert pending.json()["status"] == 409 and pending.json()["title"]
    assert api.post(f"{path}/cancel").json()["status"] == "cancelled"
    for action in ("start", "complete", "cancel"):
        assert api.post(f"{path}/{action}").status_code == 409
    assert api.get(path).json()["status"] == "cancelled"


def test_bad_fields_are_all_listed_in_one_problem(api: Api) -> None:
    answer = api.post(
        "/api/jobs",
        json={"title": "", "estimated_cost": "lots", "due_date": "soon", "colour": "red"},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"customer_id", "title", "estimated_cost", "due_date", "colour"}

    sink = job(api, customer(api))
    path = f"/api/jobs/{sink['id']}"
    api.post(f"{path}/start")
    bad = api.post(f"{path}/complete", json={"actual_cost": "-1", "actual_hours": "x", "y": 1})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"actual_cost", "actual_hours", "y"}
    assert api.get(path).json()["status"] == "in_progress"
    assert api.post(f"{path}/complete", json={"actual_cost": "10"}).status_code == 200
    bad = api.post(f"{path}/paid", json={"method": "gold", "received_on": "2999-01-01"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"method"}
    later = api.post(f"{path}/paid", json={"received_on": "2999-01-01"})
    assert later.status_code == 422
    assert [e["field"] for e in later.json()["errors"]] == ["received_on"]
    assert api.get(path).json()["paid"] is False


def test_bad_listing_parameters_are_all_listed(api: Api) -> None:
    typed = api.get(
        "/api/jobs", params={"limit": 0, "paid": "maybe", "due_from": "soon", "due_to": "x"}
    )
    assert typed.status_code == 422
    assert {e["field"] for e in typed.json()["errors"]} == {"limit", "paid", "due_from", "due_to"}
    checked = api.get(
        "/api/jobs", params={"status": "pending,lost", "sort": "size", "after": "nonsense"}
    )
    assert checked.status_code == 422
    assert {e["field"] for e in checked.json()["errors"]} == {"status", "sort"}
    cursor = api.get("/api/jobs", params={"status": "lost", "after": "nonsense"})
    assert {e["field"] for e in cursor.json()["errors"]} == {"status", "after"}


def test_jobs_page_by_cursor_without_repeats_in_every_order(api: Api) -> None:
    ada = customer(api)
    titles = [f"Job {n}" for n in range(7)]
    for n, title in enumerate(titles):
        job(api, ada, title, due_date=f"2026-0{n % 3 + 1}-1{n}" if n != 3 else None)
    newest = walk(api, {})
    assert newest == titles[::-1]
    assert walk(api, {"sort": "title"}, limit=3) == titles
    due = walk(api, {"sort": "due"})
    assert due == ["Job 0", "Job 6", "Job 1", "Job 4", "Job 2", "Job 5", "Job 3"]
    assert sorted(walk(api, {"sort": "updated"}, limit=4)) == titles

    first = api.get("/api/jobs", params={"limit": 2}).json()
    other_order = api.get("/api/jobs", params={"sort": "title", "after": first["next"]})
    assert other_order.status_code == 422
    assert other_order.json()["errors"][0]["field"] == "after"


def test_jobs_are_listed_by_every_filter(api: Api) -> None:
    ada, grace = customer(api), customer(api, "Grace Hopper")
    sink = job(api, ada, "Fix the sink", due_date="2026-03-01", description="kitchen SINK")
    fence = job(api, ada, "Paint the fence", due_date="2026-04-01")
    roof = job(api, grace, "Mend the roof")
    job(api, grace, "Clean the gutters", due_date="2026-05-01")
    api.post(f"/api/jobs/{sink['id']}/start")
    api.post(f"/api/jobs/{fence['id']}/start")
    api.post(f"/api/jobs/{fence['id']}/complete", json={"actual_cost": "50"})
    api.post(f"/api/jobs/{fence['id']}/paid")
    api.post(f"/api/jobs/{roof['id']}/cancel")

    def titles(**params: Any) -> set[str]:
        answer = api.get("/api/jobs", params=params)
        assert answer.status_code == 200, answer.text
        return {j["title"] for j in answer.json()["items"]}

    assert titles(status="in_progress") == {"Fix the sink"}
    assert titles(status="in_progress,cancelled") == {"Fix the sink", "Mend the roof"}
    assert titles(status=["completed", "cancelled"]) == {"Paint the fence", "Mend the roof"}
    assert titles(customer_id=grace) == {"Mend the roof", "Clean the gutters"}
    assert titles(paid="true") == {"Paint the fence"}
    assert len(titles(paid="false")) == 3
    assert titles(due_from="2026-03-15") == {"Paint the fence", "Clean the gutters"}
    assert titles(due_to="2026-04-01") == {"Fix the sink", "Paint the fence"}
    assert titles(due_from="2026-03-15", due_to="2026-04-30") == {"Paint the fence"}
    assert titles(text="sink") == {"Fix the sink"}
    assert titles(text="the", customer_id=ada, paid="false") == {"Fix the sink"}
    assert titles(customer_id="no-such") == set()


def test_another_accounts_job_is_as_missing_as_none(api: Api, other: Api) -> None:
    sink = job(api, customer(api), estimated_cost="10")
    path = f"/api/jobs/{sink['id']}"
    missing = other.get("/api/jobs/no-such-id")
    assert missing.status_code == 404
    for answer in (
        other.get(path),
        other.patch(path, json={"title": "Mine"}),
        other.delete(path),
        other.post(f"{path}/start"),
        other.post(f"{path}/complete", json={"actual_cost": "1"}),
        other.post(f"{path}/cancel"),
        other.post(f"{path}/paid"),
        other.post(f"{path}/unpaid"),
        other.get(f"{path}/accuracy"),
        other.get(f"{path}/payments"),
        other.get(f"{path}/history"),
        other.post("/api/payments", json={"job_id": sink["id"], "amount": "5", "method": "cash"}),
    ):
        assert answer.status_code == 404, answer.text
        assert answer.json()["title"] == missing.json()["title"]
    assert other.get("/api/jobs").json() == {"items": [], "next": None}
    assert other.get("/api/jobs", params={"customer_id": sink["customer_id"]}).json()["items"] == []
    mine = api.get(path).json()
    assert mine == sink


def test_no_token_is_401(client: TestClient) -> None:  # type: ignore[type-arg]
    for answer in (client.get("/api/jobs"), client.post("/api/jobs/x/start")):
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_the_openapi_document_describes_jobs(client: TestClient) -> None:  # type: ignore[type-arg]
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    paths = document["paths"]
    for path in (
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/jobs/{job_id}/start",
        "/api/jobs/{job_id}/complete",
        "/api/jobs/{job_id}/cancel",
        "/api/jobs/{job_id}/paid",
        "/api/jobs/{job_id}/unpaid",
        "/api/jobs/{job_id}/accuracy",
        "/api/jobs/{job_id}/payments",
        "/api/jobs/{job_id}/history",
    ):
        assert path in paths, path
    assert {"409", "412", "422"} <= set(paths["/api/jobs/{job_id}/start"]["post"]["responses"])
    schemas = document["components"]["schemas"]
    assert {"Job", "JobPage", "JobHistoryPage", "PaidMark", "NewJob", "JobCompletion"} <= set(
        schemas
    )
    sort = next(p for p in paths["/api/jobs"]["get"]["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["newest", "due", "updated", "title"]
