"""The store kit works outside this repository: a small store package written from scratch
(``tests/thirdparty/dictstore``), with jobtrack installed from its wheel into a new
environment, passes the whole contract suite with Hypothesis's health checks on and none
of this repository's ``conftest.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tests" / "thirdparty" / "dictstore"


def _run(*command: str | Path, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HYPOTHESIS"))}
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def test_a_store_package_passes_the_contract_from_the_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "jobtrack"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("*.egg-info", "__pycache__")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, ".", cwd=source)
    (wheel,) = wheels.glob("jobtrack-*.whl")

    package = tmp_path / "dictstore"  # outside this repository: no conftest.py of ours
    shutil.copytree(PACKAGE, package, ignore=ignore)
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / ("Scripts" if os.name == "nt" else "bin") / "python"
    pip = (python, "-m", "pip", "install", "-q", "--disable-pip-version-check")
    _run(*pip, f"jobtrack[test] @ {wheel.as_uri()}", cwd=tmp_path)
    _run(*pip, "--no-deps", package, cwd=tmp_path)
    shown = _run(python, "-c", "import jobtrack_core; print(jobtrack_core.__file__)", cwd=tmp_path)
    assert str(env) in shown.stdout, "jobtrack must come from the installed wheel"

    done = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert " passed" in done.stdout and "failed" not in done.stdout, done.stdout[-2000:]
    assert "HealthCheck" not in (package / "tests" / "conftest.py").read_text()
