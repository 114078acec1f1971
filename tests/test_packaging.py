"""What ``pip install jobtrack`` gives: every package marked as typed (PEP 561), so that a
user's mypy checks their code against jobtrack's annotations instead of calling it untyped."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.name for p in (ROOT / "src").iterdir() if (p / "__init__.py").is_file())


def test_every_package_has_a_py_typed_marker() -> None:
    assert PACKAGES, "no packages found under src/"
    missing = [name for name in PACKAGES if not (ROOT / "src" / name / "py.typed").is_file()]
    assert not missing, f"no py.typed in {missing}"


def test_the_built_wheel_carries_every_marker(tmp_path: Path) -> None:
    """Built from a copy of the sources, so that no earlier build can leak into it."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here (no build backend to install?): {built.stderr}")
    (wheel,) = tmp_path.glob("jobtrack-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"{name}/py.typed" for name in PACKAGES} <= names
