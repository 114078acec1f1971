"""Customers over HTTP: the shapes, the statuses, versions, paging and tenancy."""

from __future__ import annotations

from web.client import Api


def test_a_customer_is_made_read_changed_and_deleted(api: Api) -> None:
    made = api.post("/api/customers", json={"name": "Ada Lovelace", "phone": "555-0100"})
    assert made.status_code == 201
    ada = made.json()
    assert made.headers["etag"] == '"1"'
    assert made.headers["location"] == f"/api/customers/{ada['id']}"
    assert api.get(made.headers["location"]).json() == ada

    changed = api.patch(
        f"/api/customers/{ada['id']}", json={"phone": None}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.json()["phone"] is None and changed.headers["etag"] == '"2"'

    gone = api.delete(f"/api/customers/{ada['id']}", headers={"If-Match": '"2"'})
    assert gone.status_code == 200 and gone.json()["customers"] == 1
    assert api.get(f"/api/customers/{ada['id']}").status_code == 404


def test_bad_fields_are_all_listed_in_one_problem(api: Api) -> None:
    answer = api.post("/api/customers", json={"name": "", "email": 5, "x": 1})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"name", "email", "x"}


def test_a_stale_version_is_412_and_changes_nothing(api: Api) -> None:
    ada = api.made("/api/customers", {"name": "Ada"})
    path = f"/api/customers/{ada['id']}"
    assert api.patch(path, json={"name": "Ada L."}, headers={"If-Match": '"1"'}).status_code == 200
    stale = api.patch(path, json={"name": "Ada K."}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert api.get(path).json()["name"] == "Ada L."
    assert api.patch(path, json={"name": "x"}, headers={"If-Match": "3"}).status_code == 422


def test_a_create_with_its_own_id_is_safe_to_send_again(api: Api) -> None:
    body = {"id": "c-7f3a", "name": "Grace Hopper"}
    first = api.post("/api/customers", json=body)
    again = api.post("/api/customers", json=body)
    assert first.status_code == 201 and again.json() == first.json()
    assert api.post("/api/customers", json={"id": "c-7f3a", "name": "Else"}).status_code == 409
    assert len(api.get("/api/customers").json()["items"]) == 1


def test_customers_page_by_cursor_without_repeats(api: Api) -> None:
    names = [f"Customer {n:02d}" for n in range(7)]
    for name in names:
        api.made("/api/customers", {"name": name})
    assert [c["name"] for c in api.walk("/api/customers", limit=3)] == names
    assert api.get("/api/customers", params={"search": "05"}).json()["items"][0]["name"] == names[5]


def test_another_accounts_customer_is_as_missing_as_none(api: Api, other: Api) -> None:
    ada = api.made("/api/customers", {"name": "Ada"})
    path = f"/api/customers/{ada['id']}"
    missing = other.get("/api/customers/no-such-id")
    for answer in (
        other.get(path),
        other.patch(path, json={"name": "Mine"}),
        other.delete(path),
    ):
        assert answer.status_code == 404
        assert answer.json()["title"] == missing.json()["title"]
    assert other.get("/api/customers").json()["items"] == []
    assert api.get(path).json()["name"] == "Ada"


def test_no_token_is_401_with_a_bearer_challenge(api: Api) -> None:
    answer = api.client.get("/api/customers")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    wrong = api.client.get("/api/customers", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
