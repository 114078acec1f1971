"""Accounts over HTTP: register, log in and out, the profile, the password, deleting."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from web.client import PASSWORD, Api


def test_registering_twice_is_a_conflict_and_a_wrong_password_is_401(
    client: TestClient[Any],
) -> None:
    body = {"email": "sam@example.com", "password": PASSWORD, "name": "Sam"}
    made = client.post("/api/accounts", json=body)
    assert made.status_code == 201 and "password_hash" not in made.json()
    again = client.post("/api/accounts", json={**body, "email": "SAM@example.com"})
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "email"
    wrong = client.post("/api/sessions", json={"email": "sam@example.com", "password": "nope"})
    unknown = client.post("/api/sessions", json={"email": "kim@example.com", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    short = client.post("/api/accounts", json={**body, "email": "x@example.com", "password": "1"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"


def test_the_profile_is_read_and_changed(api: Api) -> None:
    me = api.get("/api/me").json()
    assert me["email"] == "sam@example.com"
    changed = api.patch("/api/me", json={"business_name": "Sam's Plumbing", "timezone": "UTC"})
    assert changed.status_code == 200 and changed.json()["business_name"] == "Sam's Plumbing"
    bad = api.patch("/api/me", json={"timezone": "Mars/Base", "name": ""})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"timezone", "name"}


def test_logging_out_ends_this_session_only_and_everywhere_ends_all(
    api: Api, client: TestClient[Any]
) -> None:
    second = Api(
        client,
        client.post(
            "/api/sessions", json={"email": "sam@example.com", "password": PASSWORD}
        ).json()["token"],
    )
    assert api.delete("/api/sessions/current").status_code == 204
    assert api.get("/api/me").status_code == 401
    assert second.get("/api/me").status_code == 200
    ended = second.delete("/api/sessions")
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    assert second.get("/api/me").status_code == 401


def test_a_new_password_ends_the_other_sessions(api: Api, client: TestClient[Any]) -> None:
    other_session = Api(
        client,
        client.post(
            "/api/sessions", json={"email": "sam@example.com", "password": PASSWORD}
        ).json()["token"],
    )
    wrong = api.post(
        "/api/me/password", json={"current_password": "nope", "new_password": "a new password"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "current_password"
    done = api.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "a new password"}
    )
    assert done.status_code == 204
    assert other_session.get("/api/me").status_code == 401
    assert api.get("/api/me").status_code == 200
    login = client.post(
        "/api/sessions", json={"email": "sam@example.com", "password": "a new password"}
    )
    assert login.status_code == 201


def test_deleting_the_account_asks_for_the_password_and_removes_everything(api: Api) -> None:
    api.made("/api/customers", {"name": "Ada"})
    refused = api.post("/api/me/delete", json={"password": "not it"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "password"
    assert api.get("/api/customers").json()["items"] != []
    gone = api.post("/api/me/delete", json={"password": PASSWORD})
    assert gone.status_code == 200
    assert gone.json()["users"] == 1 and gone.json()["customers"] == 1
    assert api.get("/api/me").status_code == 401
    login = api.client.post(
        "/api/sessions", json={"email": "sam@example.com", "password": PASSWORD}
    )
    assert login.status_code == 401
