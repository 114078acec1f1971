"""A database the user may read but not write: reading commands work, changes are refused
saying why, and nothing is left beside the file.

File permissions do not bind root. Run as root, these tests run the reading commands as
another user (``nobody``, through ``setpriv``) when that user can run jobtrack here, and
are skipped otherwise; tests/sqlite/test_sqlite_readonly.py checks the same opening by
forcing it, whoever runs it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobtrack.demo import DEMO_EMAIL, DEMO_PASSWORD

from .clirun import Cli

NOBODY = 65534


def _as_another_user() -> list[str] | None:
    """The words that run a command as ``nobody``, if root can and nobody can run jobtrack."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import jobtrack.cli"], capture_output=True, cwd="/"
    )
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def shop() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are the owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="jobtrack-readonly-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.iterdir()):
            with contextlib.suppress(OSError):
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


@pytest.mark.parametrize("read_only", ["file and folder", "file"])
def test_reading_commands_work_on_a_database_that_may_not_be_written(
    shop: Path, read_only: str
) -> None:
    owner = Cli(shop)
    owner("demo").ok()
    login = owner("login", "--email", DEMO_EMAIL, "--print-token", stdin=DEMO_PASSWORD + "\n")
    token = login.ok().out.strip()
    database = shop / "jobtrack.db"
    if os.geteuid() == 0:
        prefix = _as_another_user()
        if prefix is None:
            pytest.skip(
                "running as root, where file permissions do not bind, and no other user can "
                "run jobtrack here (setpriv to nobody); the read-only opening is checked by "
                "forcing it in tests/sqlite/test_sqlite_readonly.py"
            )
        # The file is root's (0644): nobody may read it, not write it; nor write the
        # folder (0755), unless only the file is to be read-only.
        if read_only == "file":
            shop.chmod(0o777)
    else:
        prefix = []
        database.chmod(0o444)
        if read_only == "file and folder":
            shop.chmod(0o555)
    reader = Cli(shop, prefix)
    env = {"JOBTRACK_TOKEN": token}
    before = sorted(p.name for p in shop.iterdir())

    board = reader("dashboard", "--json", env=env).json()
    assert board["customers"] == 8
    assert "Revenue" in reader("dashboard", env=env).ok().out
    assert len(reader("job", "list", "--json", env=env).json()["jobs"]) == 50
    reader("customer", "show", "priya", env=env).ok()
    reader("report", "accuracy", env=env).ok()
    exported = reader("export", "json", "--output", "-", env=env).ok()
    assert DEMO_EMAIL in exported.out
    # Reading made nothing beside the file: no -wal or -shm of the reader's own, which
    # would keep the owner from writing.
    assert sorted(p.name for p in shop.iterdir()) == before

    reader("customer", "add", "Ada", env=env).refused(
        f"{database} can only be read here", "read-only for this process"
    )
    reader("login", "--email", DEMO_EMAIL, stdin=DEMO_PASSWORD + "\n").refused(
        "can only be read here"
    )
    assert sorted(p.name for p in shop.iterdir()) == before
    shop.chmod(0o755)
    database.chmod(0o644)
    owner("customer", "add", "Ada", env=env).ok()  # with write access, changes work again
