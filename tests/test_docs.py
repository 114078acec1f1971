"""Every Python example in README.md and docs/ runs, and every docstring example passes.

A page's ```python blocks run in order in one namespace, in a fresh temporary
directory. Blocks fenced as ```text, ```sql or ```console are not run.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def run_examples(page: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a page's python blocks in order, in one namespace called ``name``."""
    # The store how-to imports the package it shows, and loads its Hypothesis profile.
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "thirdparty" / "dictstore" / "src"))
    profile = settings.get_current_profile_name()
    namespace: dict[str, object] = {"__name__": name}
    try:
        for number, block in enumerate(python_blocks(page), start=1):
            exec(compile(block, f"{page.name} (block {number}, {name})", "exec"), namespace)
    finally:
        settings.load_profile(profile)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_examples(page, f"docs_{page.stem}", monkeypatch)


def test_every_page_is_reachable_from_the_index() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in PAGES[1:]:
        if page.name != "index.md":
            assert f"({page.name})" in index, f"docs/index.md does not link {page.name}"


def _modules() -> list[str]:
    names = []
    for package in (
        "jobtrack_core",
        "jobtrack_memory",
        "jobtrack_sqlite",
        "jobtrack_interchange",
        "jobtrack_postgres",
        "jobtrack_documents",
        "jobtrack",
    ):
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


@pytest.mark.parametrize(
    "package",
    [
        "jobtrack",
        "jobtrack_core",
        "jobtrack_memory",
        "jobtrack_sqlite",
        "jobtrack_postgres",
        "jobtrack_interchange",
        "jobtrack_documents",
        "jobtrack_web",
        "jobtrack_core.testing",
    ],
)
def test_reference_names_every_public_name(package: str) -> None:
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in importlib.import_module(package).__all__
        if not re.search(rf"\b{re.escape(name)}\b", reference)
    ]
    assert not missing, f"docs/reference.md does not mention {missing}"


def test_the_store_how_to_shows_the_tested_package_exactly() -> None:
    """docs/howto-store.md shows the third-party store package's code; the package is what
    tests/test_thirdparty_store.py installs and runs, so the page cannot drift from it."""
    blocks = python_blocks(ROOT / "docs" / "howto-store.md")
    package = ROOT / "tests" / "thirdparty" / "dictstore"
    for path in (
        "src/jobtrack_dictstore/__init__.py",
        "tests/test_contract.py",
        "tests/conftest.py",
    ):
        assert (package / path).read_text(encoding="utf-8") in blocks, path
