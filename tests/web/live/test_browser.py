"""The web app in a real browser: Chromium, driven by Playwright, against a real server.

A business owner registers, adds a customer, takes a job from pending to paid and sees
the dashboard's earned figure change; the pages are also visited at a phone's width
(375 px) and the login is done with the keyboard alone. Every page visited is saved as
a PNG in ``test-artifacts/screenshots/`` of the project, to be looked at.

The system's Chromium (``/usr/bin/chromium``) is used; without it the tests skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import jobtrack
from jobtrack import Argon2Hasher
from jobtrack_web.server import running

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
PASSWORD = "pipes and wrenches"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over a SQLite file."""
    database = tmp_path_factory.mktemp("browser") / "jobtrack.db"
    app = jobtrack.connect(f"sqlite:///{database}", hasher=Argon2Hasher.for_tests())
    try:
        with running(app) as url:
            yield url
    finally:
        app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def open_page(browser: Browser, base_url: str, width: int, height: int) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    return context.new_page()


def shot(page: Page, name: str) -> None:
    """Save the whole page as ``name``.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page: Page) -> bool:
    """Whether the page is no wider than the window (nothing to scroll sideways)."""
    found: bool = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    return found


def register(page: Page, email: str, name: str, prefix: str) -> None:
    page.goto("/register")
    shot(page, f"{prefix}-register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Business name").fill(f"{name}'s Plumbing")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/$"))


def earned(page: Page) -> str:
    return page.locator("#earned").inner_text()


def test_a_job_from_registering_to_paid(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url, 1280, 800)
    page.goto("/")
    page.wait_for_url(re.compile(r"/login$"))
    shot(page, "desktop-01-login")
    page.get_by_role("link", name="Register").click()
    register(page, "sam@example.com", "Sam", "desktop-02")
    assert earned(page) == "0.00"
    shot(page, "desktop-03-dashboard-empty")

    page.get_by_role("link", name="Customers").click()
    shot(page, "desktop-04-customers-empty")
    page.get_by_role("link", name="Add a customer").click()
    page.get_by_role("button", name="Add customer").click()  # no name: refused
    assert page.locator("#f-name-error").is_visible()
    shot(page, "desktop-05-customer-errors")
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Phone").fill("555-0100")
    page.get_by_label("Address").fill("12 St James's Square\nLondon")
    page.get_by_role("button", name="Add customer").click()
    page.wait_for_url(re.compile(r"/customers/[^/]+$"))
    shot(page, "desktop-06-customer")

    page.get_by_role("link", name="New job for Ada Lovelace").click()
    page.get_by_label("Title").fill("Fix the kitchen sink")
    page.get_by_label("Estimated cost").fill("120")
    page.get_by_label("Estimated hours").fill("2")
    page.get_by_label("Due date").fill("2026-12-24")
    shot(page, "desktop-07-job-new")
    page.get_by_role("button", name="Create job").click()
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    shot(page, "desktop-08-job-pending")

    page.get_by_role("button", name="Start the job").click()
    page.get_by_label("Actual cost").fill("135.5")
    page.get_by_label("Actual hours").fill("2.5")
    shot(page, "desktop-09-job-in-progress")
    page.get_by_role("button", name="Complete", exact=True).click()
    assert page.locator("#actual-cost").inner_text() == "135.50"
    shot(page, "desktop-10-job-completed")
    page.get_by_role("button", name=re.compile("^Mark paid")).click()
    page.locator(".paid").first.wait_for()
    shot(page, "desktop-11-job-paid")

    page.get_by_role("link", name="Dashboard").click()
    assert earned(page) == "135.50"
    shot(page, "desktop-12-dashboard-earned")

    page.get_by_role("link", name="Jobs").click()
    page.get_by_label("Status").select_option("completed")
    page.get_by_label("Paid", exact=True).select_option("yes")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("link", name="Fix the kitchen sink").is_visible()
    shot(page, "desktop-13-jobs")
    page.get_by_role("link", name="Reports").click()
    assert page.locator("svg rect.bar").count() == 12
    shot(page, "desktop-14-reports")
    page.get_by_role("link", name="Export").click()
    shot(page, "desktop-15-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the JSON file").click()
    assert download.value.suggested_filename.startswith("jobtrack-export-")
    page.get_by_role("button", name=re.compile("^Log out")).click()
    page.wait_for_url(re.compile(r"/login$"))
    page.context.close()


def test_every_page_fits_a_phone(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url, 375, 667)
    register(page, "kim@example.com", "Kim", "phone-01")
    page.goto("/customers/new")
    page.get_by_label("Name", exact=True).fill("Grace Hopper")
    page.get_by_role("button", name="Add customer").click()
    page.get_by_role("link", name=re.compile("^New job for")).click()
    page.get_by_label("Title").fill("Replace the boiler")
    page.get_by_label("Estimated cost").fill("2400")
    page.get_by_role("button", name="Create job").click()
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    job = page.url.partition("?")[0]
    page.get_by_role("button", name="Start the job").click()
    visits = [
        ("/", "dashboard"),
        ("/customers", "customers"),
        ("/customers/new", "customer-new"),
        ("/jobs", "jobs"),
        ("/jobs/new", "job-new"),
        (job, "job"),
        ("/reports", "reports"),
        ("/export", "export"),
    ]
    for number, (path, name) in enumerate(visits, start=2):
        page.goto(path)
        shot(page, f"phone-{number:02}-{name}")
        assert fits(page), f"{path} is wider than the phone"
    page.context.close()


def test_logging_in_with_the_keyboard_alone(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url, 1024, 768)
    page.goto("/register")
    page.get_by_label("Your name").fill("Lee")
    page.get_by_label("Email").fill("lee@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("button", name=re.compile("^Log out")).click()
    page.wait_for_url(re.compile(r"/login$"))

    def focused() -> str:
        found: str = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.id || e.getAttribute('class') || e.textContent.trim(); })()"
        )
        return found

    page.keyboard.press("Tab")
    assert focused() == "skip"
    shot(page, "keyboard-01-skip-link")
    page.keyboard.press("Enter")  # to the main content: the next Tab is its first field
    page.keyboard.press("Tab")
    assert focused() == "f-email"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field shows no outline"
    page.keyboard.type("lee@example.com")
    page.keyboard.press("Tab")
    assert focused() == "f-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused() == "primary"
    shot(page, "keyboard-02-login-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert earned(page) == "0.00"
    shot(page, "keyboard-03-dashboard")
    page.context.close()
