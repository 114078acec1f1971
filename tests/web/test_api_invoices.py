"""Invoices over HTTP: issue, pay, void, credit, documents, reports, versions, tenancy."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrack_core.service import Jobtrack
from jobtrack_documents import PdfUnavailable
from web.client import Api
from web.openapi_check import conforms

CALL_OUT = {"description": "Call-out", "quantity": "1", "unit_price": "25"}


def a_customer(api: Api, name: str = "Ada Lovelace") -> str:
    customer_id: str = api.made("/api/customers", {"name": name})["id"]
    return customer_id


def a_completed_job(api: Api, jobtrack_app: Jobtrack, customer_id: str, cost: str) -> str:
    ws = jobtrack_app.workspace(api.get("/api/me").json()["id"])
    job = ws.create_job(customer_id, "Retile the bathroom")
    ws.start_job(job.id)
    return ws.complete_job(job.id, actual_cost=cost).id


def a_draft(api: Api, **given: Any) -> dict[str, Any]:
    body = {"customer_id": a_customer(api), "lines": [CALL_OUT]}
    return api.made("/api/invoices", {**body, **given})


def an_issued(api: Api, **given: Any) -> dict[str, Any]:
    draft = a_draft(api, **given)
    issued = api.post(f"/api/invoices/{draft['id']}/issue")
    assert issued.status_code == 200, issued.text
    found: dict[str, Any] = issued.json()
    return found


def test_an_invoice_is_issued_then_paid_in_parts(api: Api, jobtrack_app: Jobtrack) -> None:
    api.patch("/api/billing", json={"tax_rates": [{"name": "VAT", "rate": "20"}]})
    api.patch("/api/billing", json={"default_tax": "VAT"})
    customer = a_customer(api)
    job_id = a_completed_job(api, jobtrack_app, customer, "150.00")
    made = api.post(
        "/api/invoices", json={"customer_id": customer, "job_ids": [job_id], "lines": [CALL_OUT]}
    )
    assert made.status_code == 201, made.text
    invoice = made.json()
    path = f"/api/invoices/{invoice['id']}"
    assert made.headers["location"] == path and made.headers["etag"] == '"1"'
    assert (invoice["status"], invoice["total"], invoice["number"]) == ("draft", "210.00", None)
    assert [line["job_id"] for line in invoice["lines"]] == [job_id, None]

    changed = api.patch(path, json={"notes": "Thanks!"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'
    issued = api.post(f"{path}/issue", headers={"If-Match": '"2"'})
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued" and issued.json()["number"].startswith("INV-")
    assert issued.headers["etag"] == '"3"'
    assert api.patch(path, json={"notes": "late"}).status_code == 409
    assert api.delete(path).status_code == 409
    assert api.post(f"{path}/issue").status_code == 409

    first = api.post(f"{path}/payments", json={"amount": "100", "method": "bank_transfer"})
    assert first.status_code == 201, first.text
    assert [(p["job_id"], p["amount"]) for p in first.json()] == [(job_id, "100.00")]
    partly = api.get(path)
    assert partly.json()["status"] == "partly_paid" and partly.json()["amount_paid"] == "100.00"

    too_much = api.post(f"{path}/payments", json={"amount": "500"})
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "amount"
    assert api.post(f"{path}/payments", json={"amount": "1.5", "method": "x"}).status_code == 422

    last = api.post(f"{path}/payments", json={"amount": "110", "method": "card", "id": "p-9"})
    assert last.status_code == 201
    assert [(p["id"], p["job_id"], p["amount"]) for p in last.json()] == [
        ("p-9", job_id, "50.00"),
        ("p-9-2", None, "60.00"),
    ]
    again = api.post(f"{path}/payments", json={"amount": "110", "method": "card", "id": "p-9"})
    assert again.status_code == 201 and again.json() == last.json()
    paid = api.get(path)
    assert paid.json()["status"] == "paid"
    listed = api.get(f"{path}/payments")
    assert listed.status_code == 200 and len(listed.json()) == 3
    assert api.post(f"{path}/void", json={"reason": "wrong"}).status_code == 409


def test_a_draft_is_not_paid_voided_or_credited(api: Api) -> None:
    draft = a_draft(api)
    path = f"/api/invoices/{draft['id']}"
    for answer in (
        api.post(f"{path}/payments", json={"amount": "1"}),
        api.post(f"{path}/void", json={"reason": "no"}),
        api.post(f"{path}/credit"),
    ):
        assert answer.status_code == 409, answer.text
        assert answer.json()["errors"][0]["field"] == "status"
    empty = a_draft(api, lines=[])
    refused = api.post(f"/api/invoices/{empty['id']}/issue")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lines"
    gone = api.delete(path, headers={"If-Match": '"1"'})
    assert gone.status_code == 200 and gone.json()["invoices"] == 1


def test_void_and_credit_rules(api: Api) -> None:
    invoice = an_issued(api)
    path = f"/api/invoices/{invoice['id']}"
    assert api.post(f"{path}/void", json={}).status_code == 422
    voided = api.post(f"{path}/void", json={"reason": "sent twice"}, headers={"If-Match": '"2"'})
    assert voided.status_code == 200, voided.text
    assert voided.json()["status"] == "void" and voided.json()["number"] == invoice["number"]
    assert api.post(f"{path}/credit").status_code == 409

    paid = an_issued(api)
    paid_path = f"/api/invoices/{paid['id']}"
    api.post(f"{paid_path}/payments", json={"amount": "5"})
    held = api.post(f"{paid_path}/void", json={"reason": "no"})
    assert held.status_code == 409 and held.json()["errors"][0]["field"] == "payments"

    credited = an_issued(api)
    credited_path = f"/api/invoices/{credited['id']}"
    too_much = api.post(
        f"{credited_path}/credit",
        json={"lines": [{"description": "All", "quantity": "1", "unit_price": "30"}]},
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "lines"
    note = api.post(
        f"{credited_path}/credit",
        json={"lines": [{"description": "Part", "quantity": "1", "unit_price": "10"}]},
    )
    assert note.status_code == 201, note.text
    assert note.json()["kind"] == "credit_note" and note.json()["corrects"] == credited["id"]
    assert note.headers["location"] == f"/api/invoices/{note.json()['id']}"
    assert note.json()["number"].startswith("CN-")
    after = api.get(credited_path).json()
    assert (after["amount_credited"], after["status"]) == ("10.00", "partly_paid")
    refused = api.post(f"{credited_path}/void", json={"reason": "no"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "credit_notes"
    rest = api.post(f"{credited_path}/credit", json={"notes": "the rest"})
    assert rest.status_code == 422  # the full credit exceeds what is left
    of_note = api.post(f"/api/invoices/{note.json()['id']}/credit")
    assert of_note.status_code == 409


def test_a_stale_version_is_412_on_every_invoice_write(api: Api) -> None:
    draft = a_draft(api)
    path = f"/api/invoices/{draft['id']}"
    assert api.patch(path, json={"notes": "n"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = {"If-Match": '"1"'}
    assert api.patch(path, json={"notes": "m"}, headers=stale).status_code == 412
    assert api.post(f"{path}/issue", headers=stale).status_code == 412
    assert api.delete(path, headers=stale).status_code == 412
    api.post(f"{path}/issue")
    assert api.post(f"{path}/void", json={"reason": "r"}, headers=stale).status_code == 412
    assert api.post(f"{path}/credit", headers=stale).status_code == 412
    assert api.post(f"{path}/payments", json={"amount": "1"}, headers=stale).status_code == 412
    now = api.get(path)
    assert now.json()["status"] == "issued" and now.json()["amount_paid"] == "0.00"
    fresh = {"If-Match": now.headers["etag"]}
    body = {"amount": "1", "id": "pay-1"}
    paid = api.post(f"{path}/payments", json=body, headers=fresh)
    assert paid.status_code == 201
    again = api.post(f"{path}/payments", json=body, headers=fresh)
    assert again.status_code == 201 and again.json() == paid.json()
    other = api.post(f"{path}/payments", json={"amount": "1", "id": "pay-2"}, headers=fresh)
    assert other.status_code == 412
    assert api.get(path).json()["amount_paid"] == "1.00"


def test_a_job_is_billed_once_until_its_invoice_is_void(api: Api, jobtrack_app: Jobtrack) -> None:
    customer = a_customer(api)
    job_id = a_completed_job(api, jobtrack_app, customer, "60")
    first = api.made("/api/invoices", {"customer_id": customer, "job_ids": [job_id]})
    assert api.post(f"/api/invoices/{first['id']}/issue").status_code == 200
    body = {"customer_id": customer, "job_ids": [job_id]}
    clash = api.post("/api/invoices", json=body)
    assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "job_ids"
    api.post(f"/api/invoices/{first['id']}/void", json={"reason": "wrong address"})
    second = api.made("/api/invoices", body)
    billing = api.get("/api/invoices", params={"job_id": job_id}).json()["items"]
    assert [i["id"] for i in billing] == [second["id"], first["id"]]
    unknown = api.post("/api/invoices", json={"customer_id": customer, "job_ids": ["nope"]})
    assert unknown.status_code == 404


def test_invoices_page_by_cursor_newest_first_and_filter(api: Api) -> None:
    customer = a_customer(api)
    made = [
        api.made("/api/invoices", {"customer_id": customer, "lines": [CALL_OUT]})["id"]
        for _ in range(7)
    ]
    seen = [i["id"] for i in api.walk("/api/invoices")]
    assert seen == made[::-1]
    api.post(f"/api/invoices/{made[3]}/issue")
    issued = api.get("/api/invoices", params={"status": "issued"}).json()["items"]
    assert [i["id"] for i in issued] == [made[3]]
    notes = api.get("/api/invoices", params={"kind": "credit_note"}).json()["items"]
    assert notes == []
    assert api.get("/api/invoices", params={"kind": "bill"}).status_code == 422
    assert api.get("/api/invoices", params={"limit": 0}).status_code == 422


def test_overdue_invoices_and_aging(api: Api) -> None:
    late = a_draft(api)
    path = f"/api/invoices/{late['id']}"
    issued = api.post(f"{path}/issue", json={"issued_on": "2020-01-01", "due_on": "2020-01-31"})
    assert issued.status_code == 200, issued.text
    an_issued(api)  # not yet due
    overdue = api.get("/api/invoices/overdue")
    assert overdue.status_code == 200
    assert [i["id"] for i in overdue.json()] == [late["id"]]
    aging = api.get("/api/reports/invoice-aging", params={"as_of": "2020-02-15"})
    assert aging.status_code == 200, aging.text
    report = aging.json()
    assert report["as_of"] == "2020-02-15"
    assert report["total"]["days_1_30"]["amount"] == "25.00"
    assert api.get("/api/reports/invoice-aging").json()["total"]["over_90"]["amount"] == "25.00"
    assert api.get("/api/reports/invoice-aging", params={"as_of": "soon"}).status_code == 422
    future = api.post(f"/api/invoices/{a_draft(api)['id']}/issue", json={"issued_on": "2999-01-01"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "issued_on"


def test_the_invoice_is_served_as_html_and_pdf(api: Api) -> None:
    invoice = an_issued(api)
    path = f"/api/invoices/{invoice['id']}"
    html = api.get(f"{path}/document.html")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert invoice["number"] in html.text
    pdf = api.get(f"{path}/document.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_pdf_where_weasyprint_cannot_run_is_a_503_saying_so(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jobtrack_documents.render

    def missing() -> None:
        raise PdfUnavailable("PDF documents need WeasyPrint")

    monkeypatch.setattr(jobtrack_documents.render, "_weasyprint", missing)
    invoice = an_issued(api)
    answer = api.get(f"/api/invoices/{invoice['id']}/document.pdf")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "WeasyPrint" in answer.json()["detail"]


def test_the_document_routes_are_described_with_their_media_types(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    paths = document["paths"]
    html = paths["/api/invoices/{invoice_id}/document.html"]["get"]["responses"]
    pdf = paths["/api/invoices/{invoice_id}/document.pdf"]["get"]["responses"]
    assert list(html["200"]["content"]) == ["text/html"]
    assert list(pdf["200"]["content"]) == ["application/pdf"]
    assert "503" in pdf
    payments = paths["/api/invoices/{invoice_id}/payments"]["post"]["responses"]
    assert {"201", "404", "409", "412", "422"} <= set(payments)
    for action in ("issue", "void"):
        assert "200" in paths[f"/api/invoices/{{invoice_id}}/{action}"]["post"]["responses"]
    shapes = document["components"]["schemas"]
    lines = shapes["NewInvoice"]["properties"]["lines"]
    assert lines["items"] == {"$ref": "#/components/schemas/LineRequest"}
    assert shapes["NewInvoice"]["properties"]["job_ids"]["type"] == "array"
    assert shapes["Invoice"]["properties"]["lines"]["items"] == {
        "$ref": "#/components/schemas/Line"
    }
    assert shapes["BillingChanges"]["properties"]["tax_rates"]["type"] == "array"


def test_another_accounts_invoice_is_as_missing_as_none(api: Api, other: Api) -> None:
    invoice = an_issued(api)
    draft = a_draft(api)
    missing = other.get("/api/invoices/no-such-id")
    assert missing.status_code == 404
    for path in (f"/api/invoices/{invoice['id']}", f"/api/invoices/{draft['id']}"):
        for answer in (
            other.get(path),
            other.patch(path, json={"notes": "Mine"}),
            other.delete(path),
            other.post(f"{path}/issue"),
            other.post(f"{path}/void", json={"reason": "mine"}),
            other.post(f"{path}/credit"),
            other.post(f"{path}/payments", json={"amount": "1"}),
            other.get(f"{path}/payments"),
            other.get(f"{path}/document.html"),
            other.get(f"{path}/document.pdf"),
        ):
            assert answer.status_code == 404, answer.text
            assert answer.json()["title"] == missing.json()["title"]
    theirs = other.post("/api/invoices", json={"customer_id": invoice["customer_id"]})
    assert theirs.status_code == 404
    assert other.get("/api/invoices").json()["items"] == []
    assert other.get("/api/invoices/overdue").json() == []
    aging = other.get("/api/reports/invoice-aging").json()
    assert aging["customers"] == [] and aging["total"]["not_due"]["amount"] == "0.00"
    assert api.get(f"/api/invoices/{invoice['id']}").json()["status"] == "issued"


def test_bad_action_bodies_list_every_field(api: Api) -> None:
    invoice = an_issued(api)
    path = f"/api/invoices/{invoice['id']}"
    paid = api.post(
        f"{path}/payments",
        json={"amount": "-1", "method": "barter", "received_on": "soon", "tip": "1"},
    )
    assert paid.status_code == 422
    assert {e["field"] for e in paid.json()["errors"]} == {
        "amount",
        "method",
        "received_on",
        "tip",
    }
    void = api.post(f"{path}/void", json={"reason": "", "why": "x"})
    assert void.status_code == 422
    assert {e["field"] for e in void.json()["errors"]} == {"reason", "why"}
    credit = api.post(f"{path}/credit", json={"lines": "all", "issued_on": "2999-01-01"})
    assert credit.status_code == 422
    assert "lines" in {e["field"] for e in credit.json()["errors"]}
    draft = a_draft(api)
    changes = api.patch(f"/api/invoices/{draft['id']}", json={"customer_id": "x", "notes": 5})
    assert changes.status_code == 422
    assert {e["field"] for e in changes.json()["errors"]} == {"customer_id", "notes"}
    issue = api.post(f"/api/invoices/{draft['id']}/issue", json={"due_on": "2020-01-01"})
    assert issue.status_code == 422 and issue.json()["errors"][0]["field"] == "due_on"
    assert api.get(path).json()["amount_paid"] == "0.00"


def test_every_answer_is_the_one_the_document_declares(api: Api, other: Api) -> None:
    invoice = a_draft(api)
    path = f"/api/invoices/{invoice['id']}"
    route = "/api/invoices/{invoice_id}"
    checked = [
        ("post", "/api/invoices", api.post("/api/invoices", json={"customer_id": "x"})),
        ("post", "/api/invoices", api.post("/api/invoices", json={"lines": 5})),
        ("get", "/api/invoices", api.get("/api/invoices", params={"limit": 1})),
        ("patch", route, api.patch(path, json={"notes": "n"}, headers={"If-Match": '"1"'})),
        ("patch", route, api.patch(path, json={"notes": "m"}, headers={"If-Match": '"1"'})),
        ("post", f"{route}/payments", api.post(f"{path}/payments", json={"amount": "1"})),
        ("post", f"{route}/void", api.post(f"{path}/void", json={"reason": "r"})),
        ("post", f"{route}/credit", api.post(f"{path}/credit")),
        ("post", f"{route}/issue", api.post(f"{path}/issue")),
        ("post", f"{route}/issue", api.post(f"{path}/issue")),
        ("post", f"{route}/payments", api.post(f"{path}/payments", json={"amount": "2"})),
        ("get", f"{route}/payments", api.get(f"{path}/payments")),
        ("post", f"{route}/credit", api.post(f"{path}/credit", json={"notes": "all"})),
        ("get", route, other.get(path)),
        ("delete", route, api.delete(path)),
        ("get", f"{route}/document.pdf", other.get(f"{path}/document.pdf")),
        ("get", "/api/invoices/overdue", api.get("/api/invoices/overdue")),
        ("get", "/api/reports/invoice-aging", api.get("/api/reports/invoice-aging")),
        ("get", "/api/billing", api.get("/api/billing")),
        ("patch", "/api/billing", api.patch("/api/billing", json={"currency": "euro"})),
        ("post", "/api/quotes/expire", api.post("/api/quotes/expire")),
        ("get", "/api/quotes", api.get("/api/quotes", params={"status": "lost"})),
    ]
    statuses = set()
    for method, route_path, answer in checked:
        statuses.add(answer.status_code)
        conforms(api, method, route_path, answer)
    assert statuses == {200, 201, 404, 409, 412, 422}
    html = api.get(f"{path}/document.html")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    document = api.client.get("/openapi.json").json()
    declared = document["paths"][f"{route}/document.html"]["get"]["responses"]["200"]
    assert list(declared["content"]) == ["text/html"]
