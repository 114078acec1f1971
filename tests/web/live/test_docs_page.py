"""Pages work under the Content-Security-Policy: a headless Chromium loads the API's docs
(Swagger UI) and the web app's first pages from a real server, they show what they
should, and the browser reports no violation. Skipped where Chromium is not installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import jobtrack
from jobtrack_web.server import running

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def shown(url: str) -> tuple[str, list[str]]:
    """The page at ``url`` once its scripts ran, and the browser's CSP complaints."""
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    complaints = [line for line in done.stderr.splitlines() if "Content Security Policy" in line]
    return done.stdout, complaints


@pytest.mark.skipif(BROWSER is None, reason="needs Chromium (apt-get install chromium)")
def test_pages_work_under_the_content_security_policy() -> None:
    app = jobtrack.connect("memory://")
    try:
        with running(app) as url:
            docs, complaints = shown(f"{url}/api/docs")
            assert "opblock-summary" in docs  # Swagger UI drew the operations
            assert "/api/customers" in docs
            assert not complaints
            for path, words in (("/login", 'name="password"'), ("/register", 'name="email"')):
                page, complaints = shown(f"{url}{path}")
                assert words in page, path
                assert not complaints, path
    finally:
        app.close()
