"""The API against its own OpenAPI document, with generated requests (schemathesis).

A real server on a temporary SQLite database; every operation of ``/openapi.json`` gets
requests made from its schema, sent with one account's token, and each answer must
match the document: a documented status, content type, body and headers, and never a
5xx. Then another account must see none of the first one's records.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import jobtrack
from jobtrack import Argon2Hasher
from jobtrack_web import WebSettings
from jobtrack_web.server import running

PASSWORD = "pipes and wrenches"
# One line per request would drown a failure's report.
logging.getLogger("httpx").setLevel(logging.WARNING)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
#: Requests per operation: few under CI (the whole file stays within about a minute and
#: a half), more when run by hand (JOBTRACK_FUZZ_EXAMPLES=200). The same requests each run,
#: unless asked for a number: then new ones each time.
EXAMPLES = int(os.environ.get("JOBTRACK_FUZZ_EXAMPLES") or (20 if os.environ.get("CI") else 50))
SAME_EACH_RUN = not os.environ.get("JOBTRACK_FUZZ_EXAMPLES")
#: Operations that end sessions: the token is renewed after them.
LOGOUTS = {("DELETE", "/api/sessions"), ("DELETE", "/api/sessions/current")}


@attrs.define
class Account:
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@attrs.define
class Live:
    url: str
    a: Account
    b: Account

    def login(self, account: Account) -> None:
        answer = httpx.post(
            f"{self.url}/api/sessions", json={"email": account.email, "password": PASSWORD}
        )
        assert answer.status_code == 201, answer.text
        account.token = answer.json()["token"]


def signed_up(url: str, email: str) -> Account:
    made = httpx.post(
        f"{url}/api/accounts", json={"email": email, "password": PASSWORD, "name": email[:3]}
    )
    assert made.status_code == 201, made.text
    account = Account(email, "")
    Live(url, account, account).login(account)
    return account


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    database: Path = tmp_path_factory.mktemp("fuzz") / "jobtrack.db"
    app = jobtrack.connect(f"sqlite:///{database}", hasher=Argon2Hasher.for_tests())
    try:
        # The generated logins fail by the hundred: the throttle (tested on its own) would
        # soon refuse this address every login, the accounts' own too.
        with running(app, settings=WebSettings(login_attempts=1_000_000)) as url:
            yield Live(url, signed_up(url, "ann@example.com"), signed_up(url, "bob@example.com"))
    finally:
        app.close()


def operations(live: Live) -> list[Any]:
    """Every operation of the live document."""
    loaded = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    found = []
    for result in loaded.get_all_operations():
        if not isinstance(result, Ok):
            raise AssertionError(f"the document describes an operation wrongly: {result.err()}")
        found.append(result.ok())
    return found


def cases(operation: Any) -> st.SearchStrategy[Any]:
    """Requests the schema allows, and requests it does not (each must be refused as
    documented: 400 or 422, never a 5xx)."""
    made = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # an operation with nothing to get wrong
        made.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(made)


def exercise(operation: Any, live: Live) -> None:
    """Send ``operation`` :data:`EXAMPLES` generated requests as account A."""

    @given(case=cases(operation))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=SAME_EACH_RUN,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(
            base_url=live.url, headers=live.a.headers, checks=CHECKS, timeout=30
        )
        key = (case.method.upper(), case.path)
        if key == ("PATCH", "/api/me") and response.status_code == 200:
            live.a.email = response.json()["email"]
        if key in LOGOUTS and response.status_code in (200, 204):
            live.login(live.a)

    run()


def test_every_operation_answers_as_documented(live: Live) -> None:
    found = operations(live)
    assert len(found) >= 13
    failures: list[str] = []
    for operation in found:
        try:
            exercise(operation, live)
        except (Exception, BaseExceptionGroup) as exc:
            told = "".join(traceback.format_exception(exc))[-4000:]
            failures.append(f"{operation.method.upper()} {operation.path}:\n{told}")
    assert not failures, "\n\n".join(failures)


# -- tenancy ----------------------------------------------------------------------------------
def document(live: Live) -> dict[str, Any]:
    found: dict[str, Any] = httpx.get(f"{live.url}/openapi.json").json()
    return found


def listings(paths: dict[str, Any]) -> list[str]:
    """The API's lists: GET routes without path parameters that answer pages of items."""
    return sorted(
        path
        for path, item in paths.items()
        if "{" not in path and "get" in item and path.startswith("/api/") and path != "/api/me"
    )


def ids_in(answer: httpx.Response) -> set[str]:
    body = answer.json()
    items = body.get("items", []) if isinstance(body, dict) else []
    return {item["id"] for item in items if isinstance(item, dict) and "id" in item}


def ids_named(value: Any) -> set[str]:
    """Every id an answer names: the values of its fields ``id`` and ``..._id`` (a test
    of the whole text would find a client's short ids, "0", in any number)."""
    if isinstance(value, list):
        return set().union(*(ids_named(item) for item in value))
    if not isinstance(value, dict):
        return set()
    named = {
        found
        for key, found in value.items()
        if (key == "id" or key.endswith("_id")) and isinstance(found, str)
    }
    return named.union(*(ids_named(item) for item in value.values()))


def collection_of(path: str) -> str | None:
    """The listing of the records a path with one id names (``/api/customers`` for
    ``/api/customers/{customer_id}/...``); None for a path with no id, or several."""
    names = re.findall(r"\{[^}]+\}", path)
    return path.split(names[0], 1)[0].rstrip("/") if len(names) == 1 else None


def plain(value: Any) -> bool:
    """Whether every text in ``value`` is plain (printable ASCII, not blank): what a body
    the schema allows needs to pass the library's rules too."""
    if isinstance(value, str):
        return value.isascii() and value.isprintable() and bool(value.strip())
    if isinstance(value, dict):
        return all(plain(item) for item in value.values())
    if isinstance(value, list):
        return all(plain(item) for item in value)
    return True


def bodies_of(operation: Any) -> list[Any]:
    """Bodies schemathesis makes for ``operation``, plain ones first."""
    made: list[Any] = []

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(database=None, derandomize=True, max_examples=40, phases=[Phase.generate])
    def collect(case: Any) -> None:
        if isinstance(case.body, dict) and case.body not in made:
            made.append(case.body)

    collect()
    return sorted(made, key=plain, reverse=True)


def candidate_bodies(live: Live) -> dict[tuple[str, str], list[Any]]:
    """Bodies for each operation with an id that takes one."""
    return {
        (operation.method.upper(), operation.path): bodies_of(operation)
        for operation in operations(live)
        if "{" in operation.path and len(operation.body)
    }


def accepted_body(
    client: httpx.Client, method: str, target: str, headers: dict[str, str], bodies: list[Any]
) -> Any:
    """The first of ``bodies`` the route reads (so that what B is told is about the
    record, not the body): asked of a record that is not there, it answers 404."""
    for body in bodies:
        if client.request(method, target, headers=headers, json=body).status_code != 422:
            return body
    raise AssertionError(f"no body made for {method} {target} passes the library's rules")


def records(client: httpx.Client, a: dict[str, str], paths: dict[str, Any]) -> None:
    """A's records of every kind the API has: a customer, a completed job, a payment for
    it, an invoice of it, a quote."""

    def made(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = client.post(path, json=body, headers=a)
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found

    customer = made("/api/customers", {"name": "Ann's customer"})
    if "/api/jobs" in paths:
        job = made("/api/jobs", {"customer_id": customer["id"], "title": "Fix the sink"})
        client.post(f"/api/jobs/{job['id']}/start", headers=a)
        done = client.post(
            f"/api/jobs/{job['id']}/complete", json={"actual_cost": "200"}, headers=a
        )
        assert done.status_code == 200, done.text
        if "/api/payments" in paths:
            made("/api/payments", {"job_id": job["id"], "amount": "80", "method": "cash"})
        if "/api/invoices" in paths:
            made("/api/invoices", {"customer_id": customer["id"], "job_ids": [job["id"]]})
    if "/api/quotes" in paths:
        made("/api/quotes", {"customer_id": customer["id"], "title": "Retile the bathroom"})


def test_another_account_sees_nothing_of_the_first(live: Live) -> None:
    client = httpx.Client(base_url=live.url, timeout=30)
    a, b = live.a.headers, live.b.headers
    paths: dict[str, Any] = document(live)["paths"]
    records(client, a, paths)

    # Every record A can see, by the collection it is listed in.
    seen: dict[str, set[str]] = {}
    for path in listings(paths):
        answer = client.get(path, headers=a, params={"limit": 500})
        if answer.status_code == 200:
            seen[path] = ids_in(answer)
    assert seen["/api/customers"]
    kinds = ("/api/jobs", "/api/payments", "/api/invoices", "/api/quotes")
    assert all(seen.get(path) for path in kinds if path in paths)
    everything = set().union(*seen.values())

    # B lists none of them.
    for path in listings(paths):
        answer = client.get(path, headers=b, params={"limit": 500})
        assert not (ids_named(answer.json()) & everything), path

    # Every route with an id answers B for each of A's records exactly as for a record
    # that never was (404), and changes nothing of A's.
    nobody = str(uuid.uuid4())
    bodies = candidate_bodies(live)
    body_of: dict[tuple[str, str], Any] = {}
    compared: set[tuple[str, str]] = set()
    tried = 0
    for path, item in sorted(paths.items()):
        collection = collection_of(path)
        for record in sorted(seen.get(collection or "", set())):
            target = re.sub(r"\{[^}]+\}", record, path)
            own = f"{collection}/{record}"
            before = client.get(own, headers=a)
            for method in ("get", "patch", "put", "delete", "post"):
                if method not in item:
                    continue
                key = (method.upper(), path)
                if key not in body_of:
                    elsewhere = target.replace(record, nobody)
                    made = bodies.get(key)
                    body_of[key] = accepted_body(client, key[0], elsewhere, b, made) if made else {}
                body = body_of[key]
                answer = client.request(method.upper(), target, headers=b, json=body)
                tried += 1
                assert answer.status_code == 404, (method, target, answer.text)
                if (method, path) not in compared:  # the same words as for no record
                    compared.add((method, path))
                    missing = client.request(
                        method.upper(), target.replace(record, nobody), headers=b, json=body
                    )
                    assert answer.text.replace(record, nobody) == missing.text, (method, target)
            after = client.get(own, headers=a)
            assert (before.status_code, before.headers.get("etag")) == (
                after.status_code,
                after.headers.get("etag"),
            ), own
    assert tried >= 3
    print(f"{tried} requests of B's to A's records")


def test_a_chunked_body_over_the_limit_is_refused_over_http(live: Live) -> None:
    """uvicorn hands the body on in pieces, without a Content-Length: the limit holds."""

    def pieces() -> Iterator[bytes]:
        yield b'{"name": "Big", "notes": "'
        for _ in range(6):
            yield b"x" * 1_000_000
        yield b'"}'

    with httpx.Client(base_url=live.url, timeout=30) as client:
        try:
            answer = client.post(
                "/api/customers",
                content=pieces(),
                headers={**live.b.headers, "content-type": "application/json"},
            )
        except httpx.TransportError:  # the server may close before all is sent
            pass
        else:
            assert "content-length" not in answer.request.headers
            assert answer.status_code == 413, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
        listed = client.get("/api/customers", headers=live.b.headers).json()["items"]
        assert "Big" not in [customer["name"] for customer in listed]
