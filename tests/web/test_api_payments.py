"""Payments over HTTP: recorded, read, listed by cursor and filter, voided; versions,
validation and tenancy."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.client import Api


def completed_job(api: Api, cost: str = "200", name: str = "Ada Lovelace") -> dict[str, Any]:
    """A job of a new customer, completed at ``cost``."""
    customer = api.made("/api/customers", {"name": name})
    job = api.made("/api/jobs", {"customer_id": customer["id"], "title": "Fix the sink"})
    api.post(f"/api/jobs/{job['id']}/start")
    done = api.post(f"/api/jobs/{job['id']}/complete", json={"actual_cost": cost})
    assert done.status_code == 200, done.text
    found: dict[str, Any] = done.json()
    return found


def pay(api: Api, job_id: str, amount: str, **fields: Any) -> dict[str, Any]:
    return api.made(
        "/api/payments", {"job_id": job_id, "amount": amount, "method": "cash", **fields}
    )


def test_a_payment_is_recorded_read_and_voided(api: Api) -> None:
    job = completed_job(api)
    made = api.post(
        "/api/payments",
        json={
            "job_id": job["id"],
            "amount": "80",
            "method": "check",
            "kind": "deposit",
            "received_on": "2026-01-05",
            "reference": "no. 1042",
        },
    )
    assert made.status_code == 201, made.text
    payment = made.json()
    path = f"/api/payments/{payment['id']}"
    assert made.headers["location"] == path and made.headers["etag"] == '"1"'
    assert payment["amount"] == "80.00" and payment["kind"] == "deposit"
    assert payment["received_on"] == "2026-01-05" and payment["voided_at"] is None
    read = api.get(path)
    assert read.json() == payment and read.headers["etag"] == '"1"'
    assert api.get(f"/api/jobs/{job['id']}").json()["amount_paid"] == "80.00"

    rest = pay(api, job["id"], "120.00")
    assert api.get(f"/api/jobs/{job['id']}").json()["paid"] is True

    voided = api.post(f"{path}/void", json={"reason": "bounced"}, headers={"If-Match": '"1"'})
    assert voided.status_code == 200, voided.text
    assert voided.json()["void_reason"] == "bounced" and voided.json()["voided_at"]
    assert voided.headers["etag"] == '"2"'
    after = api.get(f"/api/jobs/{job['id']}").json()
    assert after["amount_paid"] == "120.00" and after["paid"] is False
    again = api.post(f"{path}/void", json={"reason": "twice"})
    assert again.status_code == 200 and again.json()["void_reason"] == "bounced"
    assert api.get(f"/api/payments/{rest['id']}").json()["voided_at"] is None


def test_a_payment_with_its_own_id_is_safe_to_send_again(api: Api) -> None:
    job = completed_job(api)
    body = {"id": "p-1", "job_id": job["id"], "amount": "50", "method": "card"}
    first = api.post("/api/payments", json=body)
    again = api.post("/api/payments", json=body)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert api.get(f"/api/jobs/{job['id']}").json()["amount_paid"] == "50.00"
    assert api.post("/api/payments", json={**body, "amount": "60"}).status_code == 409


def test_refunds_and_voids_the_ledger_refuses(api: Api) -> None:
    job = completed_job(api)
    paid = pay(api, job["id"], "50")
    too_much = api.post(
        "/api/payments",
        json={"job_id": job["id"], "amount": "60", "method": "cash", "kind": "refund"},
    )
    assert too_much.status_code == 422
    assert [e["field"] for e in too_much.json()["errors"]] == ["amount"]
    pay(api, job["id"], "30", kind="refund")
    refused = api.post(f"/api/payments/{paid['id']}/void", json={"reason": "mistake"})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "payment"
    assert api.get(f"/api/payments/{paid['id']}").json()["voided_at"] is None


def test_a_stale_version_is_412_and_voids_nothing(api: Api) -> None:
    job = completed_job(api)
    paid = pay(api, job["id"], "50")
    path = f"/api/payments/{paid['id']}/void"
    stale = api.post(path, json={"reason": "x"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert api.get(f"/api/payments/{paid['id']}").json()["voided_at"] is None
    assert api.post(path, json={"reason": "x"}, headers={"If-Match": "one"}).status_code == 422


def test_bad_fields_are_all_listed_in_one_problem(api: Api) -> None:
    answer = api.post(
        "/api/payments",
        json={"amount": "-5", "method": "gold", "kind": "gift", "received_on": "May", "z": 0},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"job_id", "amount", "method", "kind", "received_on", "z"}

    job = completed_job(api)
    later = api.post(
        "/api/payments",
        json={"job_id": job["id"], "amount": "5", "method": "cash", "received_on": "2999-01-01"},
    )
    assert later.status_code == 422
    assert [e["field"] for e in later.json()["errors"]] == ["received_on"]
    missing = api.post("/api/payments", json={"job_id": "no-such", "amount": "5", "method": "cash"})
    assert missing.status_code == 404

    paid = pay(api, job["id"], "5")
    bad = api.post(f"/api/payments/{paid['id']}/void", json={"reason": "", "why": "x"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"reason", "why"}
    assert api.post(f"/api/payments/{paid['id']}/void", json={}).status_code == 422

    listing = api.get(
        "/api/payments", params={"received_from": "x", "voided": "perhaps", "limit": 9999}
    )
    assert listing.status_code == 422
    assert {e["field"] for e in listing.json()["errors"]} == {"received_from", "voided", "limit"}
    assert api.get("/api/payments", params={"after": "a"}).status_code == 422


def test_payments_page_by_cursor_and_filter(api: Api) -> None:
    sink = completed_job(api, "1000")
    roof = completed_job(api, "1000", name="Grace Hopper")
    days = ["2026-01-03", "2026-01-01", "2026-01-02", "2026-01-01", "2026-01-05"]
    made = [pay(api, sink["id"], f"{n + 1}", received_on=day) for n, day in enumerate(days)]
    other = pay(api, roof["id"], "7", received_on="2026-01-04")
    api.post(f"/api/payments/{made[0]['id']}/void", json={"reason": "twice"})

    seen = [p["id"] for p in api.walk("/api/payments")]
    ordered = [made[1], made[3], made[2], made[0], other, made[4]]
    assert seen == [p["id"] for p in ordered]

    def ids(path: str = "/api/payments", **params: Any) -> list[str]:
        answer = api.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return [p["id"] for p in answer.json()["items"]]

    assert ids(job_id=roof["id"]) == [other["id"]]
    assert ids(customer_id=roof["customer_id"]) == [other["id"]]
    assert ids(f"/api/jobs/{roof['id']}/payments") == [other["id"]]
    assert len(ids(f"/api/jobs/{sink['id']}/payments", limit=500)) == 5
    assert ids(voided="true") == [made[0]["id"]]
    assert len(ids(voided="false")) == 5
    assert ids(received_from="2026-01-04") == [other["id"], made[4]["id"]]
    assert ids(received_to="2026-01-01") == [made[1]["id"], made[3]["id"]]
    assert ids(received_from="2026-01-02", received_to="2026-01-03", voided="false") == [
        made[2]["id"]
    ]
    assert ids(invoice_id="no-such") == []
    assert ids(job_id="no-such") == []


def test_another_accounts_payment_is_as_missing_as_none(api: Api, other: Api) -> None:
    job = completed_job(api)
    paid = pay(api, job["id"], "50")
    path = f"/api/payments/{paid['id']}"
    missing = other.get("/api/payments/no-such-id")
    assert missing.status_code == 404
    for answer in (
        other.get(path),
        other.post(f"{path}/void", json={"reason": "mine"}),
        other.get(f"/api/jobs/{job['id']}/payments"),
    ):
        assert answer.status_code == 404, answer.text
        assert answer.json()["title"] == missing.json()["title"]
    assert other.get("/api/payments").json() == {"items": [], "next": None}
    assert other.get("/api/payments", params={"job_id": job["id"]}).json()["items"] == []
    assert api.get(path).json() == paid


def test_the_openapi_document_describes_payments(client: TestClient) -> None:  # type: ignore[type-arg]
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/payments"]) == {"get", "post"}
    assert "get" in paths["/api/payments/{payment_id}"]
    void = paths["/api/payments/{payment_id}/void"]["post"]
    assert {"404", "409", "412", "422"} <= set(void["responses"])
    assert {"Payment", "PaymentPage", "PaymentVoid", "NewPayment"} <= set(
        document["components"]["schemas"]
    )
