"""The web app's pages through a test client: logins, forms, CSRF, errors and tenancy."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from jobtrack_core.service import Jobtrack
from jobtrack_web import create_app
from web.client import PASSWORD

Client = TestClient[Litestar]


def token_of(page: httpx.Response) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert found, page.text
    return found.group(1)


def post_form(client: Client, path: str, form: dict[str, str], *, via: str) -> httpx.Response:
    """POST ``form`` to ``path`` with the token of the page at ``via``."""
    token = token_of(client.get(via))
    return client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)


def path_of(made: httpx.Response) -> str:
    """The page of the record a form made (where it redirects)."""
    assert made.status_code == 303, made.text
    return made.headers["location"].partition("?")[0]


def record_id(made: httpx.Response) -> str:
    """The id of the record a form made."""
    return path_of(made).rsplit("/", 1)[1]


def signed_up(client: Client, email: str = "sam@example.com") -> Client:
    made = post_form(
        client,
        "/register",
        {"email": email, "password": PASSWORD, "name": "Sam"},
        via="/register",
    )
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/"
    return client


@pytest.fixture
def browser(client: Client) -> Client:
    """A client signed up and logged in through the pages (its cookies hold the login)."""
    return signed_up(client)


def test_pages_need_a_login_and_come_back_after_it(client: Client) -> None:
    for path in ("/", "/customers", "/jobs", "/reports", "/export", "/jobs/new"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        expected = "/login" if path == "/" else f"/login?next={path}"
        assert answer.headers["location"] == expected
    client.post(
        "/api/accounts", json={"email": "sam@example.com", "password": PASSWORD, "name": "S"}
    )
    page = client.get("/login?next=/customers")
    answer = client.post(
        "/login",
        data={
            "email": "sam@example.com",
            "password": PASSWORD,
            "next": "/customers",
            "csrf_token": token_of(page),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/customers"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("jobtrack_session=")
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert "Secure" not in cookie  # plain http here; https sets it
    assert client.get("/customers").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\t/evil.example", "/\\evil.example"]
)
def test_a_login_goes_only_to_this_site(client: Client, target: str) -> None:
    client.post(
        "/api/accounts", json={"email": "sam@example.com", "password": PASSWORD, "name": "S"}
    )
    answer = post_form(
        client,
        "/login",
        {"email": "sam@example.com", "password": PASSWORD, "next": target},
        via="/login",
    )
    assert answer.headers["location"] == "/"


def test_the_login_comes_back_to_the_filtered_list(client: Client) -> None:
    answer = client.get("/jobs?status=pending&paid=no", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=/jobs%3Fstatus%3Dpending%26paid%3Dno"
    page = client.get(answer.headers["location"])
    assert 'name="next" value="/jobs?status=pending&amp;paid=no"' in page.text


def test_a_wrong_password_shows_the_form_again(client: Client) -> None:
    answer = post_form(
        client, "/login", {"email": "nobody@example.com", "password": "x" * 9}, via="/login"
    )
    assert answer.status_code == 401
    assert "Invalid email or password" in answer.text
    assert 'value="nobody@example.com"' in answer.text
    assert "jobtrack_session" not in answer.headers.get("set-cookie", "")


def test_logout_ends_the_session(browser: Client) -> None:
    for path in ("/login", "/register"):  # logged in: on to the dashboard
        assert browser.get(path, follow_redirects=False).headers["location"] == "/"
    answer = post_form(browser, "/logout", {}, via="/")
    assert answer.status_code == 303
    assert "jobtrack_session=" in answer.headers["set-cookie"]
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert browser.get("/login", follow_redirects=False).status_code == 200


def test_a_stale_session_cookie_sends_to_the_login(client: Client) -> None:
    client.cookies.set("jobtrack_session", "not-a-token")
    answer = client.get("/jobs", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/jobs"


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_a_form_without_its_token_is_refused(browser: Client, token: str | None) -> None:
    form = {"name": "Ada"} if token is None else {"name": "Ada", "csrf_token": token}
    answer = browser.post("/customers", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "This form cannot be accepted" in answer.text
    assert browser.get("/customers").text.count("/customers/") == 1  # only the "new" link


def test_a_login_form_without_its_token_is_refused(client: Client) -> None:
    client.post(
        "/api/accounts", json={"email": "sam@example.com", "password": PASSWORD, "name": "S"}
    )
    answer = client.post(
        "/login", data={"email": "sam@example.com", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert (
        "set-cookie" not in answer.headers or "jobtrack_session" not in answer.headers["set-cookie"]
    )


def test_another_browsers_token_is_refused(client: Client, jobtrack_app: Jobtrack) -> None:
    signed_up(client)
    stolen = token_of(client.get("/customers/new"))
    client.cookies.clear()
    signed_up(client, "kim@example.com")
    answer = client.post("/customers", data={"name": "Ada", "csrf_token": stolen})
    assert answer.status_code == 403


def test_the_api_takes_no_csrf_token(browser: Client) -> None:
    made = browser.post(
        "/api/accounts", json={"email": "kim@example.com", "password": PASSWORD, "name": "K"}
    )
    assert made.status_code == 201


def test_errors_are_shown_next_to_their_fields(browser: Client) -> None:
    answer = post_form(
        browser, "/customers", {"name": " ", "email": "not an email"}, via="/customers/new"
    )
    assert answer.status_code == 422
    text = answer.text
    assert 'id="f-name-error"' in text and 'id="f-email-error"' in text
    assert 'aria-invalid="true"' in text
    assert 'value="not an email"' in text  # what was typed is kept
    assert "Traceback" not in text


def test_register_errors_and_a_taken_email(client: Client) -> None:
    answer = post_form(
        client, "/register", {"email": "x", "password": "short", "name": ""}, via="/register"
    )
    assert answer.status_code == 422
    for name in ("email", "password", "name"):
        assert f'id="f-{name}-error"' in answer.text
    assert "short" not in answer.text  # a password is never written back
    signed_up(client)
    client.cookies.clear()
    again = post_form(
        client,
        "/register",
        {"email": "sam@example.com", "password": PASSWORD, "name": "Sam"},
        via="/register",
    )
    assert again.status_code == 409
    assert 'id="f-email-error"' in again.text


def test_a_job_from_start_to_paid(browser: Client, jobtrack_app: Jobtrack) -> None:
    made = post_form(browser, "/customers", {"name": "Ada Lovelace"}, via="/customers/new")
    assert made.status_code == 303
    customer_id = record_id(made)
    job = post_form(
        browser,
        "/jobs",
        {"customer_id": customer_id, "title": "Fix the sink", "estimated_cost": "120"},
        via="/jobs/new",
    )
    assert job.status_code == 303
    job_path = path_of(job)
    for action, form in (
        ("start", {}),
        ("complete", {"actual_cost": "135.5", "actual_hours": "2.5"}),
        ("paid", {}),
    ):
        done = post_form(browser, f"{job_path}/{action}", form, via=job_path)
        assert done.status_code == 303, done.text
    page = browser.get(job_path).text
    assert "135.50" in page and "Paid" in page
    dashboard = browser.get("/").text
    assert re.search(r'id="earned">135\.50<', dashboard)
    ws = jobtrack_app.authenticate(jobtrack_app.login("sam@example.com", PASSWORD).token)
    assert ws.revenue() == Decimal("135.50")


def test_a_bad_completion_is_shown_on_the_job(browser: Client) -> None:
    made = post_form(browser, "/customers", {"name": "Ada"}, via="/customers/new")
    customer_id = record_id(made)
    job_path = path_of(
        post_form(browser, "/jobs", {"customer_id": customer_id, "title": "Sink"}, via="/jobs/new")
    )
    refused = post_form(browser, f"{job_path}/complete", {"actual_cost": "12"}, via=job_path)
    assert refused.status_code == 409  # still pending: it cannot complete
    assert "cannot become completed" in refused.text
    post_form(browser, f"{job_path}/start", {}, via=job_path)
    bad = post_form(
        browser, f"{job_path}/complete", {"actual_cost": "-3", "actual_hours": "x"}, via=job_path
    )
    assert bad.status_code == 422
    assert 'id="f-actual_cost-error"' in bad.text and 'id="f-actual_hours-error"' in bad.text
    assert 'value="-3"' in bad.text


def test_another_accounts_records_are_not_found(client: Client) -> None:
    signed_up(client)
    made = post_form(client, "/customers", {"name": "Ada"}, via="/customers/new")
    customer_path = path_of(made)
    customer_id = record_id(made)
    job_path = path_of(
        post_form(client, "/jobs", {"customer_id": customer_id, "title": "Sink"}, via="/jobs/new")
    )
    client.cookies.clear()
    signed_up(client, "kim@example.com")
    for path in (customer_path, job_path, "/customers/missing", "/jobs/" + "x" * 500):
        answer = client.get(path)
        assert answer.status_code in (404, 422), path
        assert answer.headers["content-type"].startswith("text/html")
        assert "Not found" in answer.text or "not valid" in answer.text
    for action in ("start", "complete", "cancel", "paid"):
        answer = post_form(client, f"{job_path}/{action}", {}, via="/jobs")
        assert answer.status_code == 404
    edit = post_form(client, customer_path, {"name": "Mine now"}, via="/customers")
    assert edit.status_code == 404
    job = post_form(
        client, "/jobs", {"customer_id": customer_id, "title": "Theirs"}, via="/jobs/new"
    )
    assert job.status_code in (404, 422)
    assert "Theirs" not in client.get("/jobs").text


def test_lists_filters_reports_and_export(browser: Client) -> None:
    made = post_form(
        browser, "/customers", {"name": "Ada", "phone": "555-0100"}, via="/customers/new"
    )
    customer_id = record_id(made)
    post_form(browser, "/customers", {"name": "Bob"}, via="/customers/new")
    post_form(browser, "/jobs", {"customer_id": customer_id, "title": "Roof"}, via="/jobs/new")
    assert "Bob" not in browser.get("/customers?q=ada").text
    assert (
        "Roof" in browser.get(f"/jobs?status=pending&customer={customer_id}&paid=no&text=roo").text
    )
    assert "Roof" not in browser.get("/jobs?status=completed").text
    bad = browser.get("/jobs?status=finished")
    assert bad.status_code == 422 and 'class="error"' in bad.text
    reports = browser.get("/reports")
    assert (
        reports.status_code == 200
        and "<svg" in reports.text
        and "<script" not in reports.text.split("</head>")[1]
    )
    assert browser.get("/reports?year=abc").status_code == 422
    export = browser.get("/export/download")
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    body = export.json()
    assert body["format"].startswith("jobtrack/")
    assert "password_hash" not in export.text


def test_pages_are_for_phones_and_keyboards(browser: Client) -> None:
    page = browser.get("/").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<a class="skip" href="#main">' in page and '<main id="main"' in page
    assert "https://" not in page and "http://" not in page  # nothing from elsewhere


def test_over_https_the_cookies_are_secure(jobtrack_app: Jobtrack) -> None:
    jobtrack_app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    with TestClient(create_app(jobtrack_app), base_url="https://testserver.local") as client:
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"]  # the form cookie
        answer = client.post(
            "/login",
            data={"email": "sam@example.com", "password": PASSWORD, "csrf_token": token_of(page)},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]


def test_the_job_list_goes_on_page_by_page(browser: Client, jobtrack_app: Jobtrack) -> None:
    ws = jobtrack_app.authenticate(jobtrack_app.login("sam@example.com", PASSWORD).token)
    ada = ws.add_customer("Ada")
    for number in range(30):
        ws.create_job(ada.id, f"Job {number:02}")
    first = browser.get("/jobs?status=pending&text=job")
    found = re.search(r'href="/jobs\?([^"]+)">Next page', first.text)
    assert found, first.text
    link = found.group(1).replace("&amp;", "&")
    assert "status=pending" in link and "text=job" in link
    second = browser.get(f"/jobs?{link}")
    titles = set(re.findall(r">(Job \d\d)<", first.text)) | set(
        re.findall(r">(Job \d\d)<", second.text)
    )
    assert len(titles) == 30
    assert "Next page" not in second.text
