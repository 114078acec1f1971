"""Fixtures of the document tests: where the page images go, and whether WeasyPrint runs."""

from __future__ import annotations

from pathlib import Path

import pytest


def _why_no_pdf() -> str | None:
    """Why WeasyPrint cannot make PDFs here: only a missing system library (Pango) is a
    reason to skip; WeasyPrint itself is part of the test extra, so its absence fails."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        packages = "libpango-1.0-0 libpangoft2-1.0-0"
        return f"WeasyPrint cannot load Pango (apt-get install {packages}): {exc}"
    return None


NO_PDF = _why_no_pdf()
needs_pdf = pytest.mark.skipif(NO_PDF is not None, reason=NO_PDF or "")


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the page images of the tests are saved in, to look at."""
    return tmp_path_factory.mktemp("document-artifacts")
