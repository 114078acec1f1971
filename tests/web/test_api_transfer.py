"""Export and import over HTTP: the document, a round trip into another account, the
conflict options, bad documents and the body size limit."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import TestClient

from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace
from jobtrack_interchange.converter import unstructure
from jobtrack_web import WebSettings, create_app
from web.client import Api
from web.openapi_check import conforms

COUNTED = ("customers", "jobs", "payments", "quotes", "invoices")


def workspace(jobtrack_app: Jobtrack, api: Api) -> Workspace:
    return jobtrack_app.authenticate(api.token)


def seed(ws: Workspace) -> None:
    ada = ws.add_customer("Ada Lovelace", email="ada@example.com")
    sink = ws.create_job(ada.id, "Fix the sink", estimated_cost="100")
    ws.start_job(sink.id)
    ws.complete_job(sink.id, actual_cost="120.50")
    ws.add_payment(sink.id, "20", method="cash")
    ws.create_job(ws.add_customer("Bob").id, "Roof")


def mine(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without the account they belong to."""
    return [{k: v for k, v in r.items() if k != "user_id"} for r in records]


def test_the_export_is_the_accounts_document_without_its_password_hash(
    api: Api, jobtrack_app: Jobtrack
) -> None:
    ws = workspace(jobtrack_app, api)
    seed(ws)
    answer = api.get("/api/export")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    document = answer.json()
    assert document["format"] == "jobtrack/5"
    assert document["account"]["id"] == ws.user_id
    assert document["account"]["password_hash"] is None
    assert document["customers"] == unstructure(sorted(ws.list_customers(), key=_id))
    assert len(document["jobs"]) == 2 and len(document["payments"]) == 1
    assert "argon2" not in answer.text
    conforms(api, "get", "/api/export", answer)


def _id(record: Any) -> str:
    return str(record.id)


def test_an_export_imported_into_another_account_round_trips(
    api: Api, other: Api, jobtrack_app: Jobtrack
) -> None:
    seed(workspace(jobtrack_app, api))
    document = api.get("/api/export").json()
    imported = other.post("/api/import", json=document)
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["dry_run"] is False and report["user_ids"] == [other_id(other)]
    assert report["created"] == {"users": 0, "customers": 2, "jobs": 2, "payments": 1} | {
        "quotes": 0,
        "invoices": 0,
    }
    assert any("left as they are" in n["message"] for n in report["notices"])
    conforms(other, "post", "/api/import", imported)

    theirs = other.get("/api/export").json()
    for kind in COUNTED:
        assert mine(theirs[kind]) == mine(document[kind]), kind
    for path in ("/api/reports/revenue", "/api/reports/balances"):
        assert other.get(path).json() == api.get(path).json()

    again = other.post("/api/import", json=document).json()
    assert again["created"]["customers"] == 0 and again["unchanged"]["customers"] == 2
    assert len(other.get("/api/customers").json()["items"]) == 2


def other_id(api: Api) -> str:
    found: str = api.get("/api/me").json()["id"]
    return found


def test_a_dry_run_writes_nothing(api: Api, other: Api, jobtrack_app: Jobtrack) -> None:
    seed(workspace(jobtrack_app, api))
    document = api.get("/api/export").json()
    dry = other.post("/api/import", json=document, params={"dry_run": True})
    assert dry.status_code == 200
    assert dry.json()["dry_run"] is True and dry.json()["created"]["customers"] == 2
    assert other.get("/api/customers").json()["items"] == []


def test_a_clash_fails_unless_told_to_replace_or_keep(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    seed(ws)
    document = api.get("/api/export").json()
    ada = next(c for c in ws.list_customers() if c.name.startswith("Ada"))
    ws.update_customer(ada.id, name="Ada King")

    clash = api.post("/api/import", json=document)
    assert clash.status_code == 409
    assert clash.headers["content-type"] == "application/problem+json"
    assert "on_conflict" in clash.json()["detail"]
    assert ws.get_customer(ada.id).name == "Ada King"
    conforms(api, "post", "/api/import", clash)

    kept = api.post("/api/import", json=document, params={"on_conflict": "keep"}).json()
    assert kept["kept"]["customers"] == 1 and ws.get_customer(ada.id).name == "Ada King"
    replaced = api.post("/api/import", json=document, params={"on_conflict": "replace"})
    assert replaced.json()["updated"]["customers"] == 1
    assert ws.get_customer(ada.id).name == "Ada Lovelace"
    assert [c["resolution"] for c in replaced.json()["conflicts"]] == ["replaced"]


def test_bad_documents_and_options_are_422_naming_the_fields(api: Api) -> None:
    document = api.get("/api/export").json()
    option = api.post("/api/import", json=document, params={"on_conflict": "merge"})
    assert option.status_code == 422
    assert "on_conflict" in {e["field"] for e in option.json()["errors"]}

    wrong_format = api.post("/api/import", json={**document, "format": "jobtrack/99"})
    assert wrong_format.status_code == 422
    assert "format" in {e["field"] for e in wrong_format.json()["errors"]}

    bad_customer = {
        **document,
        "customers": [{"id": "c-1", "name": 5}],
    }
    answer = api.post("/api/import", json=bad_customer)
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert any(f.startswith("customers[0]") for f in fields), fields
    conforms(api, "post", "/api/import", answer)

    for body in (b"[1, 2]", b"{not json", b""):
        refused = api.post(
            "/api/import", content=body, headers={"Content-Type": "application/json"}
        )
        assert refused.status_code in (400, 422), (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    assert api.get("/api/customers").json()["items"] == []


def test_a_body_over_the_limit_is_413(jobtrack_app: Jobtrack) -> None:
    settings = WebSettings(max_body_bytes=2_000)
    with TestClient(create_app(jobtrack_app, settings)) as client:
        api = Api.signed_up(client, "sam@example.com")
        document = api.get("/api/export").json()
        document["customers"] = [{"id": f"c-{n}", "name": "x" * 100} for n in range(50)]
        body = json.dumps(document).encode()
        assert len(body) > settings.max_body_bytes
        answer = api.post("/api/import", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        assert api.get("/api/customers").json()["items"] == []


def test_another_accounts_export_holds_nothing_of_the_first(
    api: Api, other: Api, jobtrack_app: Jobtrack
) -> None:
    seed(workspace(jobtrack_app, api))
    theirs = other.get("/api/export").json()
    assert all(theirs[kind] == [] for kind in COUNTED)
    assert theirs["history"] == [] and theirs["account"]["email"] == "kim@example.com"
    assert api.client.get("/api/export").status_code == 401
    assert api.client.post("/api/import", json=theirs).status_code == 401
