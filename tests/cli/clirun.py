"""Run ``jobtrack`` in a subprocess exactly as a user would, in a scratch directory.

Every run gets a clean environment: the database ``./jobtrack.db`` of a fresh
temporary directory, a session file in it, the business time zone UTC, and the
fast (insecure) password hashing meant for tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from jobtrack.demo import DEMO_EMAIL, DEMO_PASSWORD


@attrs.frozen
class Result:
    """What one run printed and how it ended."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self
        return json.loads(self.out)

    def ok(self) -> Result:
        assert self.code == 0, f"{self.args} failed ({self.code}): {self.err}"
        assert self.err == "" or "Traceback" not in self.err
        return self

    def refused(self, *fragments: str, code: int = 1) -> Result:
        """Assert the run failed with ``code`` and one stderr line holding every fragment."""
        assert self.code == code, f"{self.args} exited {self.code}: {self.out}{self.err}"
        assert "Traceback" not in self.err
        if code == 1:
            assert len(self.err.strip().splitlines()) == 1, self.err
        for fragment in fragments:
            assert fragment in self.err, f"{fragment!r} not in {self.err!r}"
        return self


#: Where the subprocesses keep their bytecode: one place for the whole test session.
BYTECODE_CACHE = (
    Path(tempfile.gettempdir())
    / f"jobtrack-cli-tests-pycache-{os.getuid() if hasattr(os, 'getuid') else 0}"
)


class Cli:
    """``cli("job", "list")`` runs ``python -m jobtrack job list`` in ``home``, after the
    words of ``prefix`` if any (e.g. a command that runs it as another user)."""

    def __init__(self, home: Path, prefix: Sequence[str] = ()) -> None:
        self.home = home
        self.prefix = list(prefix)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("JOBTRACK_")
            and key not in ("TZ", "XDG_STATE_HOME", "PYTHONDONTWRITEBYTECODE")
        }
        self.env.update(
            {
                # Cache bytecode outside the source tree, so that each run starts quickly.
                "PYTHONPYCACHEPREFIX": str(BYTECODE_CACHE),
                "HOME": str(home),
                "JOBTRACK_SESSION_FILE": str(home / "session.json"),
                "JOBTRACK_INSECURE_FAST_HASH": "1",
                "JOBTRACK_TIMEZONE": "UTC",
                "PYTHONIOENCODING": "utf-8",
                "COLUMNS": "120",
            }
        )

    def __call__(
        self,
        *args: str,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Result:
        done = subprocess.run(
            [*self.prefix, sys.executable, "-m", "jobtrack", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=cwd or self.home,
            env={**self.env, **(env or {})},
            timeout=60,
        )
        return Result(tuple(args), done.returncode, done.stdout, done.stderr)

    def login(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> Result:
        return self("login", "--email", email, stdin=password + "\n").ok()

    def register(self, email: str, password: str = "correct horse battery", **extra: str) -> Result:
        options = [f"--{k.replace('_', '-')}={v}" for k, v in extra.items()]
        return self(
            "account",
            "register",
            "--email",
            email,
            "--name",
            email.split("@")[0],
            *options,
            stdin=password + "\n",
        ).ok()
