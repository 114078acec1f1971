"""Quotes and billing settings over HTTP: the lifecycle, versions, paging, tenancy."""

from __future__ import annotations

from typing import Any

from web.client import Api

LABOUR = {"description": "Labour", "quantity": "2.5", "unit": "h", "unit_price": "40"}


def a_customer(api: Api, name: str = "Ada Lovelace") -> str:
    customer_id: str = api.made("/api/customers", {"name": name})["id"]
    return customer_id


def a_quote(api: Api, **given: Any) -> dict[str, Any]:
    body = {"customer_id": a_customer(api), "title": "Retile the bathroom", "lines": [LABOUR]}
    return api.made("/api/quotes", {**body, **given})


def test_billing_settings_are_read_and_changed_by_version(api: Api) -> None:
    first = api.get("/api/billing")
    assert first.status_code == 200 and first.headers["etag"] == '"1"'
    assert first.json()["currency"] == "USD"
    changed = api.patch(
        "/api/billing",
        json={
            "currency": "GBP",
            "tax_rates": [{"name": "VAT", "rate": "20"}],
            "default_tax": "VAT",
        },
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["tax_rates"] == [{"name": "VAT", "rate": "20.000"}]
    stale = api.patch("/api/billing", json={"currency": "EUR"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    bad = api.patch("/api/billing", json={"default_tax": "GST", "payment_terms_days": -1})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"payment_terms_days"}
    assert api.get("/api/billing").json()["currency"] == "GBP"


def test_a_quote_is_sent_and_accepted_and_becomes_a_job(api: Api, jobtrack_app: Any) -> None:
    made = api.post(
        "/api/quotes",
        json={"customer_id": a_customer(api), "title": "Retile the bathroom", "lines": [LABOUR]},
    )
    assert made.status_code == 201, made.text
    quote = made.json()
    assert made.headers["location"] == f"/api/quotes/{quote['id']}"
    assert made.headers["etag"] == '"1"'
    assert (quote["status"], quote["number"], quote["total"]) == ("draft", None, "100.00")
    path = f"/api/quotes/{quote['id']}"

    changed = api.patch(path, json={"notes": "Tiles extra"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'

    sent = api.post(f"{path}/send", headers={"If-Match": '"2"'})
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent" and sent.json()["number"].startswith("Q-")
    assert sent.headers["etag"] == '"3"'
    assert api.patch(path, json={"notes": "late"}).status_code == 409
    assert api.delete(path).status_code == 409

    accepted = api.post(f"{path}/accept", headers={"If-Match": sent.headers["etag"]})
    assert accepted.status_code == 200, accepted.text
    job_id = accepted.json()["job_id"]
    assert accepted.json()["status"] == "accepted" and job_id
    user_id = api.get("/api/me").json()["id"]
    job = jobtrack_app.workspace(user_id).get_job(job_id)
    assert (job.title, str(job.estimated_cost)) == ("Retile the bathroom", "100.00")
    of_job = api.get(f"/api/jobs/{job_id}/quote")
    assert of_job.status_code == 200 and of_job.json() == accepted.json()
    assert api.post(f"{path}/decline").status_code == 409


def test_a_quote_without_lines_is_not_sent_and_a_declined_one_stays_declined(api: Api) -> None:
    empty = a_quote(api, lines=[])
    refused = api.post(f"/api/quotes/{empty['id']}/send")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "lines"

    quote = a_quote(api)
    path = f"/api/quotes/{quote['id']}"
    sent = api.post(f"{path}/send", json={"sent_on": "2025-05-02"})
    assert sent.json()["issued_on"] == "2025-05-02"
    declined = api.post(f"{path}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert api.post(f"{path}/accept").status_code == 409


def test_an_expired_quote_cannot_be_accepted_and_expire_lists_it(api: Api) -> None:
    quote = a_quote(api, valid_until="2020-01-10")
    path = f"/api/quotes/{quote['id']}"
    assert api.post(f"{path}/send", json={"sent_on": "2020-01-01"}).status_code == 200
    late = api.post(f"{path}/accept")
    assert late.status_code == 409
    assert late.json()["errors"][0]["field"] == "valid_until"
    expired = api.post("/api/quotes/expire")
    assert expired.status_code == 200
    assert [q["id"] for q in expired.json()] == [quote["id"]]
    assert api.get(path).json()["status"] == "expired"
    assert api.post("/api/quotes/expire").json() == []


def test_a_stale_version_is_412_on_every_quote_write(api: Api) -> None:
    quote = a_quote(api)
    path = f"/api/quotes/{quote['id']}"
    assert api.patch(path, json={"title": "New"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = {"If-Match": '"1"'}
    assert api.patch(path, json={"title": "Old"}, headers=stale).status_code == 412
    assert api.post(f"{path}/send", headers=stale).status_code == 412
    assert api.delete(path, headers=stale).status_code == 412
    api.post(f"{path}/send")
    for action in ("accept", "decline"):
        assert api.post(f"{path}/{action}", headers=stale).status_code == 412
    assert api.get(path).json()["status"] == "sent"


def test_a_draft_quote_is_deleted(api: Api) -> None:
    quote = a_quote(api)
    gone = api.delete(f"/api/quotes/{quote['id']}", headers={"If-Match": '"1"'})
    assert gone.status_code == 200 and gone.json()["quotes"] == 1
    assert api.get(f"/api/quotes/{quote['id']}").status_code == 404


def test_bad_quote_fields_are_all_listed(api: Api) -> None:
    answer = api.post(
        "/api/quotes",
        json={"customer_id": "", "title": "", "lines": [{"quantity": "x"}], "x": 1},
    )
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} >= {"customer_id", "title", "x"}
    missing = api.post("/api/quotes", json={"customer_id": "nobody", "title": "T"})
    assert missing.status_code == 404


def test_a_create_with_its_own_id_is_safe_to_send_again(api: Api) -> None:
    body = {"id": "q-1", "customer_id": a_customer(api), "title": "Fence", "lines": [LABOUR]}
    first = api.post("/api/quotes", json=body)
    again = api.post("/api/quotes", json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert api.post("/api/quotes", json={**body, "title": "Gate"}).status_code == 409


def test_quotes_page_by_cursor_newest_first_and_filter(api: Api) -> None:
    customer = a_customer(api)
    made = [
        api.made("/api/quotes", {"customer_id": customer, "title": f"Quote {n}"})["id"]
        for n in range(7)
    ]
    seen = [q["id"] for q in api.walk("/api/quotes", limit=3)]
    assert seen == made[::-1]
    api.post(f"/api/quotes/{made[0]}/decline")  # a draft: 409, nothing changes
    other = a_customer(api, "Grace")
    api.made("/api/quotes", {"customer_id": other, "title": "Hers"})
    theirs = api.get("/api/quotes", params={"customer_id": other}).json()["items"]
    assert [q["title"] for q in theirs] == ["Hers"]
    drafts = api.get("/api/quotes", params={"status": "draft", "limit": 500}).json()["items"]
    assert len(drafts) == 8
    assert api.get("/api/quotes", params={"status": "nope"}).status_code == 422
    assert api.get("/api/quotes", params={"after": "x"}).status_code == 422


def test_the_quote_is_served_as_a_document(api: Api) -> None:
    quote = a_quote(api)
    path = f"/api/quotes/{quote['id']}"
    sent = api.post(f"{path}/send").json()
    html = api.get(f"{path}/document.html")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert sent["number"] in html.text
    pdf = api.get(f"{path}/document.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_accounts_quote_is_as_missing_as_none(api: Api, other: Api) -> None:
    quote = a_quote(api)
    path = f"/api/quotes/{quote['id']}"
    missing = other.get("/api/quotes/no-such-id")
    assert missing.status_code == 404
    for answer in (
        other.get(path),
        other.patch(path, json={"title": "Mine"}),
        other.delete(path),
        other.post(f"{path}/send"),
        other.post(f"{path}/accept"),
        other.post(f"{path}/decline"),
        other.get(f"{path}/document.html"),
        other.get(f"{path}/document.pdf"),
        other.post("/api/quotes", json={"customer_id": quote["customer_id"], "title": "T"}),
    ):
        assert answer.status_code == 404, answer.text
        assert answer.json()["title"] == missing.json()["title"]
    api.post(f"{path}/send")
    job_id = api.post(f"{path}/accept").json()["job_id"]
    assert other.get(f"/api/jobs/{job_id}/quote").status_code == 404
    assert other.get("/api/quotes").json()["items"] == []
    assert api.get(path).json()["title"] == "Retile the bathroom"


def test_a_job_made_otherwise_has_no_quote(api: Api, jobtrack_app: Any) -> None:
    user_id = api.get("/api/me").json()["id"]
    ws = jobtrack_app.workspace(user_id)
    job = ws.create_job(a_customer(api), "Fix the gate")
    assert api.get(f"/api/jobs/{job.id}/quote").status_code == 404
    assert api.get("/api/jobs/no-such-job/quote").status_code == 404


def test_billing_shapes_agree_with_the_openapi_document(api: Api) -> None:
    """What these routes read and write validates against the schemas the API declares."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    document = api.client.get("/openapi.json").json()
    registry: Registry[Any] = Registry().with_resource(
        "urn:api",
        Resource.from_contents(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", **document}
        ),
    )

    def errors(name: str, value: object) -> list[str]:
        schema = {"$ref": f"urn:api#/components/schemas/{name}"}
        found = Draft202012Validator(schema, registry=registry).iter_errors(value)
        return [f"{e.json_path}: {e.message}" for e in found]

    changes = {"tax_rates": [{"name": "VAT", "rate": "20"}], "default_tax": "VAT"}
    assert errors("BillingChanges", changes) == []
    settings = api.patch("/api/billing", json=changes).json()
    assert errors("BillingSettings", settings) == []
    body = {
        "customer_id": a_customer(api),
        "title": "Fence",
        "lines": [LABOUR, {**LABOUR, "tax": None, "discount": "5"}],
    }
    assert errors("NewQuote", body) == []
    assert errors("NewQuote", {**body, "lines": "two"}) != []
    quote = api.made("/api/quotes", body)
    sent = api.post(f"/api/quotes/{quote['id']}/send").json()
    assert errors("Quote", sent) == []
    assert errors("QuotePage", api.get("/api/quotes").json()) == []
    invoice_body = {"customer_id": body["customer_id"], "job_ids": [], "lines": [LABOUR]}
    assert errors("NewInvoice", invoice_body) == []
    invoice = api.made("/api/invoices", invoice_body)
    issued = api.post(f"/api/invoices/{invoice['id']}/issue").json()
    assert errors("Invoice", issued) == []
    paid = api.post(f"/api/invoices/{invoice['id']}/payments", json={"amount": "10"}).json()
    assert all(errors("Payment", p) == [] for p in paid)
    note = api.post(f"/api/invoices/{invoice['id']}/credit").json()
    assert errors("Invoice", note) == []
    aging = api.get("/api/reports/invoice-aging").json()
    assert errors("InvoiceAgingReport", aging) == []
