"""Secure headers, CORS, body limits and the login throttle."""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from litestar.testing import TestClient

import jobtrack_web.server
from jobtrack_core.service import Jobtrack
from jobtrack_web import WebSettings, create_app
from jobtrack_web.safety import CONTENT_SECURITY_POLICY, LoginThrottle, throttle_of
from web.client import PASSWORD, Api

SECURE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def serve(jobtrack_app: Jobtrack, settings: WebSettings) -> TestClient:  # type: ignore[type-arg]
    return TestClient(create_app(jobtrack_app, settings))


# -- headers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/api/customers",  # 401
        "/api/nowhere",  # 404
        "/openapi.json",
        "/api/docs",
        "/api/docs/assets/swagger-ui.css",
        "/static/api-docs.js",
    ],
)
def test_every_response_carries_the_secure_headers(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    answer = client.get(path)
    for name, value in SECURE.items():
        assert answer.headers[name] == value, (path, name)
    policy = answer.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in answer.headers["permissions-policy"]
    assert "strict-transport-security" not in answer.headers


def test_api_answers_are_not_cached_but_the_docs_files_may_be(api: Api) -> None:
    assert api.get("/api/customers").headers["cache-control"] == "no-store"
    assert api.get("/api/me").headers["cache-control"] == "no-store"
    assert api.client.get("/api/nowhere").headers["cache-control"] == "no-store"
    assert api.client.get("/api/docs").headers["cache-control"] == "no-store"
    files = api.client.get("/api/docs/assets/swagger-ui.css")
    assert files.status_code == 200
    assert files.headers.get("cache-control") != "no-store"


def test_errors_carry_the_headers_too(api: Api) -> None:
    answer = api.post(
        "/api/customers", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert answer.status_code in (400, 422)
    assert answer.headers["x-frame-options"] == "DENY"
    assert "traceback" not in answer.text.lower()


def test_hsts_only_over_https(jobtrack_app: Jobtrack) -> None:
    with TestClient(create_app(jobtrack_app), base_url="https://testserver.local") as secure:
        answer = secure.get("/openapi.json")
        assert answer.headers["strict-transport-security"].startswith("max-age=")
    with serve(jobtrack_app, WebSettings()) as plain:
        assert "strict-transport-security" not in plain.get("/openapi.json").headers


# -- CORS -------------------------------------------------------------------------------------
def preflight(client: TestClient, origin: str) -> dict[str, str]:  # type: ignore[type-arg]
    answer = client.options(
        "/api/customers",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    return dict(answer.headers)


def test_cors_is_closed_by_default(api: Api) -> None:
    for origin in ("https://evil.example", "http://localhost:3000", "null"):
        assert "access-control-allow-origin" not in preflight(api.client, origin)
        answer = api.get("/api/customers", headers={"origin": origin})
        assert answer.status_code == 200
        assert "access-control-allow-origin" not in answer.headers


def test_cors_opens_for_the_origins_given_only(jobtrack_app: Jobtrack) -> None:
    settings = WebSettings(cors_origins=("https://app.example.com",))
    with serve(jobtrack_app, settings) as client:
        api = Api.signed_up(client, "sam@example.com")
        allowed = preflight(client, "https://app.example.com")
        assert allowed["access-control-allow-origin"] == "https://app.example.com"
        assert "authorization" in allowed["access-control-allow-headers"].lower()
        answer = api.get("/api/customers", headers={"origin": "https://app.example.com"})
        assert answer.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "etag" in answer.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-credentials" not in answer.headers
        assert "access-control-allow-origin" not in preflight(client, "https://evil.example")
        other = api.get("/api/customers", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# -- body size --------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413(jobtrack_app: Jobtrack) -> None:
    with serve(jobtrack_app, WebSettings(max_body_bytes=2000)) as client:
        api = Api.signed_up(client, "sam@example.com")
        small = api.post("/api/customers", json={"name": "Ann", "notes": "x" * 500})
        assert small.status_code == 201, small.text
        big = api.post("/api/customers", json={"name": "Ann", "notes": "x" * 5000})
        assert big.status_code == 413, big.text
        assert big.headers["content-type"].startswith("application/problem+json")
        assert big.json()["status"] == 413

        def chunks() -> Iterator[bytes]:
            yield b'{"name": "Bob", "notes": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        chunked = api.post(
            "/api/customers", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in chunked.request.headers
        assert chunked.status_code == 413, chunked.text
        assert [c["name"] for c in api.get("/api/customers").json()["items"]] == ["Ann"]


# -- where the server listens -----------------------------------------------------------------
def test_the_server_listens_on_this_machine_only_unless_told() -> None:
    assert jobtrack_web.server.HOST == "127.0.0.1"
    for function in (jobtrack_web.server.serve, jobtrack_web.server.running):
        assert inspect.signature(function).parameters["host"].default == "127.0.0.1"


# -- the login throttle -----------------------------------------------------------------------
def test_the_throttle_doubles_the_wait_up_to_the_maximum() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=3, max_delay=10, clock=clock)
    waits = []
    for _ in range(8):
        throttle.check("sam@example.com", "10.0.0.1")  # each attempt comes when allowed
        throttle.failed("sam@example.com", "10.0.0.1")
        waits.append(throttle.wait("SAM@example.com ", None))
        clock.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 10, 10]


def test_the_throttle_counts_addresses_and_success_resets_the_account() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=2, max_delay=60, clock=clock)
    for n in range(3):
        throttle.failed(f"user{n}@example.com", "10.0.0.9")
    assert throttle.wait("new@example.com", "10.0.0.9") == 2
    assert throttle.wait("new@example.com", "10.0.0.8") == 0
    throttle.failed("sam@example.com", "10.0.0.1")
    throttle.failed("sam@example.com", "10.0.0.2")
    assert throttle.wait("sam@example.com", "10.0.0.3") == 1
    throttle.succeeded("sam@example.com", "10.0.0.1")
    assert throttle.wait("sam@example.com", "10.0.0.3") == 0
    clock.now += 0.5
    assert throttle.wait("x@example.com", "10.0.0.9") == 1.5


def test_the_throttle_stays_small() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=1, max_delay=60, clock=clock, capacity=100)
    for n in range(1000):
        throttle.failed(f"u{n}@example.com", f"10.0.{n // 256}.{n % 256}")
    assert len(throttle) == 200
    assert throttle.wait("u999@example.com", None) == 1
    assert throttle.wait("u0@example.com", None) == 0  # the oldest went first
    clock.now += throttle.forget_after + 1
    throttle.failed("late@example.com", None)
    assert len(throttle) == 1 + 100  # the addresses are expired on their next failure


def test_the_throttle_is_safe_across_threads() -> None:
    throttle = LoginThrottle(attempts=10**6, max_delay=60)

    def fail() -> None:
        for _ in range(500):
            throttle.failed("sam@example.com", "10.0.0.1")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle._accounts["sam@example.com"].count == 4000


def test_logins_are_throttled_over_http(jobtrack_app: Jobtrack) -> None:
    clock = Clock()
    with serve(jobtrack_app, WebSettings(login_attempts=2, max_login_delay=30)) as client:
        Api.signed_up(client, "sam@example.com")
        throttle = throttle_of(client.app.state)
        throttle.clock = clock

        def login(password: str, email: str = "sam@example.com") -> tuple[int, dict[str, str]]:
            answer = client.post("/api/sessions", json={"email": email, "password": password})
            return answer.status_code, dict(answer.headers)

        assert login("wrong")[0] == 401
        assert login("wrong")[0] == 401
        status, headers = login(PASSWORD)  # too early: the password is not even checked
        assert status == 429
        assert headers["retry-after"] == "1"
        assert headers["content-type"].startswith("application/problem+json")
        clock.now += 1
        assert login("wrong")[0] == 401
        status, headers = login(PASSWORD)
        assert (status, headers["retry-after"]) == (429, "2")
        clock.now += 2
        assert login(PASSWORD)[0] == 201  # the account's count starts again
        assert login("wrong", "SAM@example.com")[0] == 401
        # the address still has its failures (4): another account waits too
        status, headers = login("wrong", "kim@example.com")
        assert status == 429 and int(headers["retry-after"]) >= 1


def test_the_login_form_shares_the_throttle(jobtrack_app: Jobtrack) -> None:
    clock = Clock()
    with serve(jobtrack_app, WebSettings(login_attempts=1, max_login_delay=30)) as client:
        Api.signed_up(client, "sam@example.com")
        throttle_of(client.app.state).clock = clock

        def form_login(password: str) -> httpx.Response:
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
            assert token, page.text
            form = {"email": "sam@example.com", "password": password, "csrf_token": token[1]}
            return client.post("/login", data=form, follow_redirects=False)

        assert form_login("wrong").status_code == 401
        refused = form_login(PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert "try again in 1 second." in refused.text
        # the API counts the form's failures, and the form the API's
        api = client.post("/api/sessions", json={"email": "sam@example.com", "password": "x"})
        assert api.status_code == 429
        clock.now += 1
        assert form_login(PASSWORD).status_code == 303
        assert (
            client.post(
                "/api/sessions", json={"email": "sam@example.com", "password": "x"}
            ).status_code
            == 401
        )


def test_a_record_whose_id_is_not_ascii_is_located_by_a_uri(api: Api) -> None:
    made = api.post("/api/customers", json={"id": "c-\U0005dfc2%ü", "name": "Ann"})
    assert made.status_code == 201, made.text
    assert made.headers["location"] == "/api/customers/c-%F1%9D%BF%82%25%C3%BC"
    assert api.get(made.headers["location"]).json()["name"] == "Ann"
