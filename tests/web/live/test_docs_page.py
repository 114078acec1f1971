"""The API's docs page (Swagger UI) works under the Content-Security-Policy: a headless
Chromium loads it from a real server, it shows the operations, and the browser reports
no violation. Skipped where Chromium is not installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import jobtrack
from jobtrack_web.server import running

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(BROWSER is None, reason="needs Chromium (apt-get install chromium)")
def test_the_docs_page_works_under_the_content_security_policy() -> None:
    assert BROWSER is not None
    app = jobtrack.connect("memory://")
    try:
        with running(app) as url:
            shown = subprocess.run(
                [
                    BROWSER,
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--enable-logging=stderr",
                    "--v=0",
                    "--virtual-time-budget=10000",
                    "--dump-dom",
                    f"{url}/api/docs",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
    finally:
        app.close()
    assert "opblock-summary" in shown.stdout, shown.stderr[-2000:]
    assert "/api/customers" in shown.stdout
    violations = [line for line in shown.stderr.splitlines() if "Content Security Policy" in line]
    assert not violations
